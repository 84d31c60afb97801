//! The PostgreSQL backend (`--db postgres://…`): the same tables and the same answers as
//! SQLite, so several stateless collectors can run behind a load balancer on one
//! database. A write is committed with PostgreSQL's default `synchronous_commit = on`
//! (on disk, or on the synchronous standby) before a client hears of it; what an insert
//! derives is written under a transaction-level advisory lock, so collectors inserting
//! at once never race on a chain or a daily count.

use crate::store::backend::{Access, Backend};
use crate::store::conn::{Bulk, Conn, Dialect, Kind, Row, Val};
use crate::store::error::{Result, StoreError};
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// The advisory lock collectors take to create or update the schema.
const SCHEMA_LOCK: i64 = 7243;
/// The transaction-level advisory lock under which a batch's derived data is written.
const DERIVE_LOCK: i64 = 7244;
/// Most connections kept open between requests.
const IDLE_MAX: usize = 32;

/// Statements prepared on one connection, by their SQL (parsed once per connection, not
/// at each use: half the round trips).
type Prepared = HashMap<String, postgres::Statement>;

/// Connections to one database, reused (one per request in flight).
pub struct Postgres {
    url: String,
    idle: Mutex<Vec<(Client, Prepared)>>,
}

/// A connection lent out of the pool; back in it when dropped, unless it broke.
struct Lent<'a> {
    pool: &'a Postgres,
    client: Option<(Client, Prepared)>,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(client) = self.client.take().filter(|c| !c.0.is_closed()) {
            let mut idle = self.pool.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < IDLE_MAX {
                idle.push(client);
            }
        }
    }
}

impl Drop for Postgres {
    /// The blocking client's connections are closed on a thread of their own: the last
    /// holder of the store may be an async task (a connection finishing at shutdown).
    fn drop(&mut self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|p| p.into_inner()));
        if !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

impl Postgres {
    /// Connects to the database `url`.
    pub fn open(url: &str) -> Result<Postgres> {
        let client = Client::connect(url, NoTls).map_err(|e| StoreError::postgres(e, ""))?;
        Ok(Postgres {
            url: url.to_owned(),
            idle: Mutex::new(vec![(client, Prepared::new())]),
        })
    }

    fn lend(&self) -> Result<Lent<'_>> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let client = match idle {
            Some(client) => client,
            None => (
                Client::connect(&self.url, NoTls).map_err(|e| StoreError::postgres(e, ""))?,
                Prepared::new(),
            ),
        };
        Ok(Lent {
            pool: self,
            client: Some(client),
        })
    }
}

impl Backend for Postgres {
    fn transaction(
        &self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Conn) -> Result<()>,
    ) -> Result<()> {
        let mut lent = self.lend()?;
        let (client, prepared) = lent.client.as_mut().expect("lent until dropped");
        let fail = |e| StoreError::postgres(e, "");
        match access {
            Access::Maintenance => {
                // Several collectors starting at once take turns.
                client
                    .batch_execute(&format!("SELECT pg_advisory_lock({SCHEMA_LOCK})"))
                    .map_err(fail)?;
                let out = work(&mut Pg(client, prepared));
                let unlocked = client
                    .batch_execute(&format!("SELECT pg_advisory_unlock({SCHEMA_LOCK})"))
                    .map_err(fail);
                out.and(unlocked)
            }
            Access::Read => {
                let mut tx = client
                    .build_transaction()
                    .isolation_level(postgres::IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()
                    .map_err(fail)?;
                // Stats queries are many small ones whose estimates can look big:
                // compiling them (JIT) costs more than running them. Each is planned
                // for its own values: after five runs of a prepared statement,
                // PostgreSQL may keep one plan for any values, and for a list of pages
                // or a range of days that plan can be ten times slower (a report's
                // sixth load took 4.5 s where its first took 0.4 s).
                tx.batch_execute(
                    "SET LOCAL jit = off; SET LOCAL plan_cache_mode = force_custom_plan",
                )
                .map_err(fail)?;
                work(&mut Pg(&mut tx, prepared))?;
                tx.commit().map_err(fail)
            }
            Access::Write => {
                let mut tx = client.transaction().map_err(fail)?;
                // An insert's lookups are probes that want one row in index order (the
                // first share of a token, up to two of a parent's): a bitmap scan would
                // read and sort every event of a token shared or clicked back thousands
                // of times, which a cached plan sized on a small table chooses.
                tx.batch_execute("SET LOCAL enable_bitmapscan = off")
                    .map_err(fail)?;
                work(&mut Pg(&mut tx, prepared))?;
                tx.commit().map_err(fail)
            }
        }
    }
}

/// A PostgreSQL client or transaction as a [`Conn`], with its connection's prepared
/// statements.
pub struct Pg<'a, C: postgres::GenericClient>(pub &'a mut C, pub &'a mut Prepared);

impl<C: postgres::GenericClient> Pg<'_, C> {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(statement) = self.1.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self
            .0
            .prepare(sql)
            .map_err(|e| StoreError::postgres(e, sql))?;
        if self.1.len() >= 200 {
            self.1.clear();
        }
        self.1.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    fn run(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<postgres::Row>> {
        let statement = self.statement(sql)?;
        self.0
            .query(&statement, params)
            .map_err(|e| StoreError::postgres(e, sql))
    }
}

/// PostgreSQL's text of statements.
pub struct PgDialect;

impl Dialect for PgDialect {
    fn byte_order(&self) -> &'static str {
        " COLLATE \"C\""
    }
    fn list_table(&self, param: &str, alias: &str) -> String {
        format!("unnest({param}::TEXT[]) AS {alias}(value)")
    }
    fn text_list(&self, items: &[String]) -> Val {
        Val::Texts(items.to_vec())
    }
    fn text_pairs(
        &self,
        pairs: &[(String, String)],
        first: usize,
        alias: &str,
    ) -> (String, Vec<Val>) {
        (
            format!(
                "unnest(${first}::TEXT[], ${}::TEXT[]) AS {alias}(a, b)",
                first + 1
            ),
            vec![
                Val::Texts(pairs.iter().map(|p| p.0.clone()).collect()),
                Val::Texts(pairs.iter().map(|p| p.1.clone()).collect()),
            ],
        )
    }
    fn int_triples(
        &self,
        rows: &[(i64, i64, i64)],
        first: usize,
        alias: &str,
    ) -> (String, Vec<Val>) {
        (
            format!(
                "unnest(${first}::BIGINT[], ${}::BIGINT[], ${}::BIGINT[]) AS {alias}(a, b, c)",
                first + 1,
                first + 2
            ),
            vec![
                Val::Ints(rows.iter().map(|r| r.0).collect()),
                Val::Ints(rows.iter().map(|r| r.1).collect()),
                Val::Ints(rows.iter().map(|r| r.2).collect()),
            ],
        )
    }
    fn token_index(&self) -> &'static str {
        "token, seq"
    }
    fn join_up_to(&self, inner: &str, limit: u32) -> String {
        format!(
            "CROSS JOIN LATERAL ({inner} LIMIT {limit}) up_to JOIN events e ON e.seq = up_to.seq"
        )
    }
    fn column_exists(&self) -> &'static str {
        "SELECT 1 AS found FROM information_schema.columns WHERE table_name = $1 AND column_name = $2 AND table_schema = current_schema()"
    }
    fn index_hint(&self, _index: &str) -> String {
        String::new()
    }
    fn recursion_limit(&self, param: &str) -> String {
        {
            let _ = param;
            String::new()
        }
    }
    fn find(&self) -> &'static str {
        "strpos"
    }
    fn seq_type(&self) -> &'static str {
        "BIGSERIAL PRIMARY KEY"
    }
    fn bytes_type(&self) -> &'static str {
        "BYTEA"
    }
    fn continue_seq(&self, table: &str) -> String {
        format!("SELECT setval(pg_get_serial_sequence('{table}', 'seq'), COALESCE((SELECT MAX(seq) FROM {table}), 1))")
    }
    fn clustered(&self) -> &'static str {
        ""
    }
}

fn boxed(params: &[Val]) -> Vec<Box<dyn ToSql + Sync>> {
    params
        .iter()
        .map(|v| -> Box<dyn ToSql + Sync> {
            match v {
                Val::Null => Box::new(None::<String>),
                Val::Int(i) => Box::new(*i),
                Val::Text(t) => Box::new(t.clone()),
                Val::Bytes(b) => Box::new(b.clone()),
                Val::Texts(t) => Box::new(t.clone()),
                Val::Ints(i) => Box::new(i.clone()),
            }
        })
        .collect()
}

/// Column `i` of `rows` as one array (NULL where a value is not of the column's kind).
fn column<T>(rows: &[Vec<Val>], i: usize, pick: impl Fn(&Val) -> Option<T>) -> Vec<Option<T>> {
    rows.iter().map(|r| pick(&r[i])).collect()
}

fn value(row: &postgres::Row, i: usize) -> Result<Val> {
    let column = &row.columns()[i];
    let wrong = |e: postgres::Error| StoreError::postgres(e, column.name());
    let t = column.type_();
    let v = if *t == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)
            .map_err(wrong)?
            .map(Val::Int)
    } else if *t == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)
            .map_err(wrong)?
            .map(|v| Val::Int(v.into()))
    } else if *t == Type::INT2 {
        row.try_get::<_, Option<i16>>(i)
            .map_err(wrong)?
            .map(|v| Val::Int(v.into()))
    } else if *t == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)
            .map_err(wrong)?
            .map(|v| Val::Int(v.into()))
    } else if *t == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)
            .map_err(wrong)?
            .map(Val::Bytes)
    } else {
        row.try_get::<_, Option<String>>(i)
            .map_err(wrong)?
            .map(Val::Text)
    };
    Ok(v.unwrap_or(Val::Null))
}

impl<C: postgres::GenericClient> Conn for Pg<'_, C> {
    fn rows(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>> {
        let boxed = boxed(params);
        let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref()).collect();
        let rows = self.run(sql, &refs)?;
        let Some(first) = rows.first() else {
            return Ok(Vec::new());
        };
        let names: Arc<[String]> = first
            .columns()
            .iter()
            .map(|c| c.name().to_owned())
            .collect();
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let values = (0..row.len())
                .map(|i| value(row, i))
                .collect::<Result<_>>()?;
            out.push(Row::new(names.clone(), values));
        }
        Ok(out)
    }
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let boxed = boxed(params);
        let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref()).collect();
        let statement = self.statement(sql)?;
        self.0
            .execute(&statement, &refs)
            .map_err(|e| StoreError::postgres(e, sql))
    }
    fn batch(&mut self, sql: &str) -> Result<()> {
        self.0
            .batch_execute(sql)
            .map_err(|e| StoreError::postgres(e, sql))
    }
    fn dialect(&self) -> &'static dyn Dialect {
        &PgDialect
    }
    fn insert_many(&mut self, bulk: &Bulk, rows: &[Vec<Val>]) -> Result<()> {
        // One statement of arrays for thousands of rows: one round trip, not one each.
        // Rows are inserted in the given order (`seq` follows it).
        let names: Vec<&str> = bulk.columns.iter().map(|c| c.0).collect();
        let arrays: Vec<String> = bulk
            .columns
            .iter()
            .enumerate()
            .map(|(i, (_, kind))| {
                let t = match kind {
                    Kind::Int => "BIGINT",
                    Kind::Text => "TEXT",
                    Kind::Bytes => "BYTEA",
                };
                format!("${}::{t}[]", i + 1)
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({columns}) SELECT {columns} FROM unnest({arrays}) WITH ORDINALITY AS v({columns}, bulk_order) ORDER BY bulk_order {tail}",
            table = bulk.table,
            columns = names.join(", "),
            arrays = arrays.join(", "),
            tail = bulk.tail
        );
        for chunk in rows.chunks(5000) {
            let params: Vec<Box<dyn ToSql + Sync>> = bulk
                .columns
                .iter()
                .enumerate()
                .map(|(i, (_, kind))| -> Box<dyn ToSql + Sync> {
                    match kind {
                        Kind::Int => Box::new(column(chunk, i, |v| match v {
                            Val::Int(v) => Some(*v),
                            _ => None,
                        })),
                        Kind::Text => Box::new(column(chunk, i, |v| match v {
                            Val::Text(v) => Some(v.clone()),
                            _ => None,
                        })),
                        Kind::Bytes => Box::new(column(chunk, i, |v| match v {
                            Val::Bytes(v) => Some(v.clone()),
                            _ => None,
                        })),
                    }
                })
                .collect();
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|b| b.as_ref()).collect();
            let statement = self.statement(&sql)?;
            self.0
                .execute(&statement, &refs)
                .map_err(|e| StoreError::postgres(e, &sql))?;
        }
        Ok(())
    }
    fn stored_ids(&mut self, ids: &[[u8; 16]]) -> Result<HashSet<[u8; 16]>> {
        let list: Vec<Vec<u8>> = ids.iter().map(|id| id.to_vec()).collect();
        // A join on the id index, probe by probe, whatever the plan cache thinks of the
        // table's size.
        let rows = self.run(
            "SELECT e.id FROM unnest($1::BYTEA[]) AS t(id) CROSS JOIN LATERAL (SELECT id FROM events WHERE events.id = t.id LIMIT 1) e",
            &[&list],
        )?;
        Ok(rows
            .iter()
            .filter_map(|r| r.get::<_, Vec<u8>>(0).try_into().ok())
            .collect())
    }
    fn lock_derived(&mut self) -> Result<()> {
        self.batch(&format!("SELECT pg_advisory_xact_lock({DERIVE_LOCK})"))
    }
}
