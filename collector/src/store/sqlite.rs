//! The SQLite backend, the embedded default: one file in WAL mode with
//! `synchronous=FULL` (a commit is on disk before a client hears of it). One connection
//! writes; reads (stats, reports, exports) use their own, so a long report never holds up
//! ingest (WAL lets them run side by side).

use crate::store::backend::{Access, Backend};
use crate::store::conn::{Bulk, Conn, Dialect, Row, Val};
use crate::store::error::Result;
use rusqlite::Connection;
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// How many prepared statements a connection keeps (rusqlite keeps 16 by default;
/// re-preparing is most of a small query's cost).
const STATEMENTS: usize = 128;

/// A SQLite database.
pub struct Sqlite {
    writer: Mutex<Connection>,
    /// None for an in-memory database (the writer reads too).
    reader: Option<Mutex<Connection>>,
}

fn locked(mutex: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock cannot leave SQLite inconsistent: keep going.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Sqlite {
    /// Opens (creating if needed) the database file.
    pub fn open(path: &Path) -> Result<Sqlite> {
        let writer = Connection::open(path)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a commit is on disk before we acknowledge, even across a power cut.
        writer.pragma_update(None, "synchronous", "FULL")?;
        writer.busy_timeout(std::time::Duration::from_secs(5))?;
        writer.set_prepared_statement_cache_capacity(STATEMENTS);
        // Inserts touch index pages all over the file (ids, tokens, pages): a page cache
        // of 16 MiB (SQLite's default is 2) keeps them from being read again each time.
        writer.pragma_update(None, "cache_size", -16_384)?;
        // The WAL is copied back into the file every 8 192 pages (32 MiB), not SQLite's
        // default 1 000: a page changed by many transactions is copied back once, not
        // once each (the hot pages of the daily tables and indexes are most of them).
        writer.pragma_update(None, "wal_autocheckpoint", 8_192)?;
        // Sorts and groupings past the page cache go to temporary files, not memory.
        writer.pragma_update(None, "temp_store", "FILE")?;
        let reader = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        reader.busy_timeout(std::time::Duration::from_secs(5))?;
        reader.set_prepared_statement_cache_capacity(STATEMENTS);
        reader.pragma_update(None, "temp_store", "FILE")?;
        Ok(Sqlite {
            writer: Mutex::new(writer),
            reader: Some(Mutex::new(reader)),
        })
    }

    /// A throw-away in-memory database, for tests.
    pub fn open_in_memory() -> Result<Sqlite> {
        let writer = Connection::open_in_memory()?;
        writer.set_prepared_statement_cache_capacity(STATEMENTS);
        Ok(Sqlite {
            writer: Mutex::new(writer),
            reader: None,
        })
    }
}

impl Backend for Sqlite {
    fn transaction(
        &self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Conn) -> Result<()>,
    ) -> Result<()> {
        let guard = match (&self.reader, access) {
            (Some(reader), Access::Read) => locked(reader),
            _ => locked(&self.writer),
        };
        if access == Access::Maintenance {
            return work(&mut Lite(&guard));
        }
        let tx = guard.unchecked_transaction()?;
        work(&mut Lite(&tx))?;
        match access {
            Access::Read => tx.finish()?,
            Access::Write | Access::Maintenance => tx.commit()?,
        }
        Ok(())
    }
}

/// A SQLite connection (or transaction) as a [`Conn`].
pub struct Lite<'a>(pub &'a Connection);

/// SQLite's text of statements.
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn byte_order(&self) -> &'static str {
        ""
    }
    fn list_table(&self, param: &str, alias: &str) -> String {
        // One JSON array: SQLite re-prepares a statement whose bound values its planner
        // looked at, so a list bound value by value would cost a parse each time.
        format!("json_each({param}) AS {alias}")
    }
    fn text_list(&self, items: &[String]) -> Val {
        Val::Text(serde_json::to_string(items).unwrap_or_else(|_| "[]".into()))
    }
    fn text_pairs(
        &self,
        pairs: &[(String, String)],
        first: usize,
        alias: &str,
    ) -> (String, Vec<Val>) {
        // One JSON array of arrays: one pass, where two lists joined on their positions
        // would compare every element with every other.
        let list = serde_json::to_string(pairs).unwrap_or_else(|_| "[]".into());
        (
            format!(
                "(SELECT value ->> 0 AS a, value ->> 1 AS b FROM json_each(${first})) AS {alias}"
            ),
            vec![Val::Text(list)],
        )
    }
    fn int_triples(
        &self,
        rows: &[(i64, i64, i64)],
        first: usize,
        alias: &str,
    ) -> (String, Vec<Val>) {
        let list = serde_json::to_string(rows).unwrap_or_else(|_| "[]".into());
        (
            format!("(SELECT value ->> 0 AS a, value ->> 1 AS b, value ->> 2 AS c FROM json_each(${first})) AS {alias}"),
            vec![Val::Text(list)],
        )
    }
    fn token_index(&self) -> &'static str {
        "token"
    }
    fn join_up_to(&self, inner: &str, limit: u32) -> String {
        format!("JOIN events e ON e.seq IN ({inner} LIMIT {limit})")
    }
    fn column_exists(&self) -> &'static str {
        "SELECT 1 AS found FROM pragma_table_info($1) WHERE name = $2"
    }
    fn index_hint(&self, index: &str) -> String {
        format!(" INDEXED BY {index}")
    }
    fn recursion_limit(&self, param: &str) -> String {
        format!(" LIMIT {param}")
    }
    fn find(&self) -> &'static str {
        "instr"
    }
    fn seq_type(&self) -> &'static str {
        "INTEGER PRIMARY KEY AUTOINCREMENT"
    }
    fn bytes_type(&self) -> &'static str {
        "BLOB"
    }
    fn continue_seq(&self, _table: &str) -> String {
        // AUTOINCREMENT continues after the largest `seq` ever inserted.
        String::new()
    }
    fn clustered(&self) -> &'static str {
        " WITHOUT ROWID"
    }
}

fn lite(v: &Val) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match v {
        Val::Null | Val::Texts(_) | Val::Ints(_) => Value::Null,
        Val::Int(i) => Value::Integer(*i),
        Val::Text(t) => Value::Text(t.clone()),
        Val::Bytes(b) => Value::Blob(b.clone()),
    }
}

impl Conn for Lite<'_> {
    fn rows(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>> {
        use rusqlite::types::ValueRef;
        let mut statement = self.0.prepare_cached(&sql.replace('$', "?"))?;
        let names: Arc<[String]> = statement.column_names().map(|n| n.to_string()).collect();
        let mut rows = statement.query(rusqlite::params_from_iter(params.iter().map(lite)))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(names.len());
            for i in 0..names.len() {
                values.push(match row.get_ref(i)? {
                    ValueRef::Null => Val::Null,
                    ValueRef::Blob(b) => Val::Bytes(b.to_vec()),
                    ValueRef::Integer(v) => Val::Int(v),
                    // Sums of whole numbers only: never a fraction.
                    ValueRef::Real(v) => Val::Int(v as i64),
                    ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                });
            }
            out.push(Row::new(names.clone(), values));
        }
        Ok(out)
    }
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let mut statement = self.0.prepare_cached(&sql.replace('$', "?"))?;
        Ok(statement.execute(rusqlite::params_from_iter(params.iter().map(lite)))? as u64)
    }
    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.execute_batch(sql)?)
    }
    fn dialect(&self) -> &'static dyn Dialect {
        &SqliteDialect
    }
    fn insert_many(&mut self, bulk: &Bulk, rows: &[Vec<Val>]) -> Result<()> {
        let columns: Vec<&str> = bulk.columns.iter().map(|c| c.0).collect();
        let values: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let mut statement = self.0.prepare_cached(&format!(
            "INSERT INTO {} ({}) VALUES ({}) {}",
            bulk.table,
            columns.join(", "),
            values.join(", "),
            bulk.tail
        ))?;
        for row in rows {
            statement.execute(rusqlite::params_from_iter(row.iter().map(lite)))?;
        }
        Ok(())
    }
    fn stored_ids(&mut self, ids: &[[u8; 16]]) -> Result<HashSet<[u8; 16]>> {
        // One probe of the id index each: as cheap as SQLite gets.
        let mut statement = self
            .0
            .prepare_cached("SELECT 1 FROM events WHERE id = ?1")?;
        let mut out = HashSet::new();
        for id in ids {
            if statement.exists([&id[..]])? {
                out.insert(*id);
            }
        }
        Ok(out)
    }
    fn lock_derived(&mut self) -> Result<()> {
        Ok(())
    }
}
