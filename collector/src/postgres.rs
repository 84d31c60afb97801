//! The PostgreSQL backend (`--db postgres://…`): the same table and the same answers as
//! SQLite, so several stateless collectors can run behind a load balancer on one
//! database. A batch is one transaction; `insert_batch` returns once it is committed
//! (PostgreSQL's default `synchronous_commit = on`: on disk, or on the synchronous standby).
//! What stats keep of a batch (`queries.rs`) is written in the same transaction, under a
//! transaction-level advisory lock, so collectors inserting at once never race on a chain
//! or a daily count.

use crate::queries::{Conn, Pg, Prepared, Val};
use crate::store::{Fields, StoreError, Stored};
use postgres::{Client, NoTls};
use serde_json::Value;
use std::sync::Mutex;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    seq         BIGSERIAL PRIMARY KEY,
    id          TEXT   NOT NULL UNIQUE,
    type        TEXT   NOT NULL,
    channel     TEXT   NOT NULL,
    token       TEXT   NOT NULL,
    parent      TEXT,
    url         TEXT   NOT NULL,
    title       TEXT   NOT NULL,
    ts          BIGINT NOT NULL,
    referrer    TEXT,
    chars       BIGINT,
    received_at BIGINT NOT NULL,
    body        TEXT   NOT NULL,
    site        TEXT,
    depth       BIGINT,
    dup         BIGINT
);
CREATE INDEX IF NOT EXISTS events_ts ON events(ts);
CREATE INDEX IF NOT EXISTS events_parent ON events(parent);
";

/// The advisory lock collectors take to create or update the schema.
const SCHEMA_LOCK: i64 = 7243;
/// The transaction-level advisory lock under which a batch's derived data is written.
const DERIVE_LOCK: i64 = 7244;

/// Connections to one database, reused (a connection per request in flight).
pub struct PgStore {
    url: String,
    idle: Mutex<Vec<(Client, Prepared)>>,
    group: crate::group_commit::GroupCommit,
}

/// A connection (and its prepared statements) lent out of the pool; back in it when
/// dropped, unless it broke.
struct Lent<'a> {
    store: &'a PgStore,
    client: Option<(Client, Prepared)>,
}

impl Lent<'_> {
    fn parts(&mut self) -> (&mut Client, &mut Prepared) {
        let (client, prepared) = self.client.as_mut().expect("lent until dropped");
        (client, prepared)
    }
}

impl std::ops::Deref for Lent<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client.as_ref().expect("lent until dropped").0
    }
}

impl std::ops::DerefMut for Lent<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client.as_mut().expect("lent until dropped").0
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(client) = self.client.take().filter(|c| !c.0.is_closed()) {
            let mut idle = self.store.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < 32 {
                idle.push(client);
            }
        }
    }
}

impl Drop for PgStore {
    /// The blocking client's connections are closed on a thread of their own: the last
    /// holder of the store may be an async task (a connection finishing at shutdown).
    fn drop(&mut self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|p| p.into_inner()));
        if !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

fn err(e: postgres::Error) -> StoreError {
    StoreError(e.to_string())
}

impl PgStore {
    /// Connects and creates the tables if needed, or brings older ones up to date
    /// (several collectors starting at once take turns, under an advisory lock).
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let mut client = Client::connect(url, NoTls).map_err(err)?;
        client
            .batch_execute(&format!("SELECT pg_advisory_lock({SCHEMA_LOCK}); {SCHEMA}"))
            .map_err(err)?;
        let migrated = crate::queries::migrate(&mut Pg(&mut client, None), &mut |m| {
            println!("lanterne-collector: {m}")
        });
        let unlocked = client
            .batch_execute(&format!("SELECT pg_advisory_unlock({SCHEMA_LOCK})"))
            .map_err(err);
        migrated?;
        unlocked?;
        Ok(PgStore {
            url: url.to_owned(),
            idle: Mutex::new(vec![(client, Prepared::new())]),
            group: Default::default(),
        })
    }

    fn client(&self) -> Result<Lent<'_>, StoreError> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let client = match idle {
            Some(client) => client,
            None => (
                Client::connect(&self.url, NoTls).map_err(err)?,
                Prepared::new(),
            ),
        };
        Ok(Lent {
            store: self,
            client: Some(client),
        })
    }

    /// Stores validated events, ignoring ids already stored, with what stats keep of
    /// them; returns once they are committed (with other requests' batches that came to
    /// this collector meanwhile: `group_commit.rs`). Deriving the stats holds a lock
    /// until the commit, so the collectors' transactions take turns: one transaction for
    /// many batches is what keeps the rate up.
    pub fn insert_batch(&self, events: &[Value], now: i64) -> Result<Stored, StoreError> {
        self.group
            .write(events, |batches| self.insert_batches(batches, now))
    }

    /// Stores batches in one transaction; what became of each.
    fn insert_batches(&self, batches: &[&[Value]], now: i64) -> Result<Vec<Stored>, StoreError> {
        // One statement for every event (columns as arrays): one round trip, not one per
        // event. Rows are inserted in the given order, so `seq` follows it.
        const INSERT: &str = "INSERT INTO events (id, type, channel, token, parent, url, title, ts, referrer, chars, received_at, body, site, depth, dup)
                 SELECT id, type, channel, token, parent, url, title, ts, referrer, chars, $11, body, site, depth, depth
                 FROM unnest($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::BIGINT[], $9::TEXT[], $10::BIGINT[], $12::TEXT[], $13::TEXT[], $14::BIGINT[])
                   WITH ORDINALITY AS v(id, type, channel, token, parent, url, title, ts, referrer, chars, body, site, depth, n)
                 ORDER BY n
                 ON CONFLICT (id) DO NOTHING RETURNING id, seq";
        let mut lent = self.client()?;
        let (client, prepared) = lent.parts();
        let insert = match prepared.get(INSERT) {
            Some(statement) => statement.clone(),
            None => {
                let statement = client.prepare(INSERT).map_err(err)?;
                prepared.insert(INSERT.to_owned(), statement.clone());
                statement
            }
        };
        let events: Vec<&Value> = batches.iter().flat_map(|b| b.iter()).collect();
        let fields: Vec<Fields> = events.iter().map(|e| Fields::of(e)).collect();
        let column = |get: &dyn Fn(&Fields) -> Option<String>| -> Vec<Option<String>> {
            fields.iter().map(get).collect()
        };
        let number = |get: &dyn Fn(&Fields) -> Option<i64>| -> Vec<Option<i64>> {
            fields.iter().map(get).collect()
        };
        let own = |v: Option<&str>| v.map(str::to_owned);
        let (ids, kinds, channels, tokens) = (
            column(&|f| own(f.id)),
            column(&|f| own(f.kind)),
            column(&|f| own(f.channel)),
            column(&|f| own(f.token)),
        );
        let (parents, urls, titles, referrers) = (
            column(&|f| own(f.parent)),
            column(&|f| f.url.clone()),
            column(&|f| own(f.title)),
            column(&|f| own(f.referrer)),
        );
        let (ts, chars, depths) = (
            number(&|f| f.ts),
            number(&|f| f.chars),
            number(&|f| f.derived),
        );
        let bodies: Vec<String> = events.iter().map(|e| e.to_string()).collect();
        let sites: Vec<String> = fields.iter().map(|f| f.site.clone()).collect();
        let mut tx = client.transaction().map_err(err)?;
        let rows = tx
            .query(
                &insert,
                &[
                    &ids, &kinds, &channels, &tokens, &parents, &urls, &titles, &ts, &referrers,
                    &chars, &now, &bodies, &sites, &depths,
                ],
            )
            .map_err(err)?;
        let mut seqs: std::collections::HashMap<String, i64> = rows
            .iter()
            .map(|row| (row.get::<_, String>(0), row.get::<_, i64>(1)))
            .collect();
        // Each stored id once, at its first place (a repeated id is a duplicate).
        let mut stored = Vec::new();
        let mut answers = Vec::with_capacity(batches.len());
        let mut i = 0;
        for batch in batches {
            let before = stored.len();
            for _ in batch.iter() {
                let f = &fields[i];
                i += 1;
                if let Some(seq) = f.id.and_then(|id| seqs.remove(id)) {
                    stored.push(f.stored(seq));
                }
            }
            let new = stored.len() - before;
            answers.push(Stored {
                stored: new,
                duplicates: batch.len() - new,
            });
        }
        stored.sort_by_key(|e| e.seq);
        if !stored.is_empty() {
            tx.execute(&format!("SELECT pg_advisory_xact_lock({DERIVE_LOCK})"), &[])
                .map_err(err)?;
            crate::queries::after_insert(&mut Pg(&mut tx, Some(prepared)), &stored)?;
        }
        tx.commit().map_err(err)?;
        Ok(answers)
    }

    /// Runs `f` in a read-only, repeatable-read transaction: one snapshot for all its
    /// queries.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut lent = self.client()?;
        let (client, prepared) = lent.parts();
        let mut tx = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(err)?;
        // Stats queries are many small ones whose estimates can look big: compiling them
        // (JIT) costs more than running them.
        tx.batch_execute("SET LOCAL jit = off").map_err(err)?;
        let out = f(&mut Pg(&mut tx, Some(prepared)))?;
        tx.commit().map_err(err)?;
        Ok(out)
    }

    /// Runs `f` in a transaction, under the lock of inserts (tests, maintenance).
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(err)?;
        tx.execute(&format!("SELECT pg_advisory_xact_lock({DERIVE_LOCK})"), &[])
            .map_err(err)?;
        let out = f(&mut Pg(&mut tx, None))?;
        tx.commit().map_err(err)?;
        Ok(out)
    }

    pub fn recent(&self, limit: usize) -> Result<Vec<Value>, StoreError> {
        let rows = self.read(|conn| {
            conn.rows(
                "SELECT body FROM events ORDER BY seq DESC LIMIT $1",
                &[Val::Int(limit as i64)],
            )
        })?;
        Ok(rows
            .iter()
            .map(|r| serde_json::from_str(&r[0].text()).unwrap_or(Value::Null))
            .collect())
    }

    pub fn count(&self) -> Result<u64, StoreError> {
        let row = self
            .client()?
            .query_one("SELECT COUNT(*) FROM events", &[])
            .map_err(err)?;
        Ok(row.get::<_, i64>(0) as u64)
    }

    pub fn get(&self, id: &str) -> Result<Option<Value>, StoreError> {
        let rows = self
            .client()?
            .query("SELECT body FROM events WHERE id = $1", &[&id])
            .map_err(err)?;
        Ok(rows
            .first()
            .and_then(|row| serde_json::from_str(row.get::<_, &str>(0)).ok()))
    }

    pub fn delete_before(&self, ts: i64) -> Result<usize, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(err)?;
        tx.execute(&format!("SELECT pg_advisory_xact_lock({DERIVE_LOCK})"), &[])
            .map_err(err)?;
        let n = crate::queries::delete_before(&mut Pg(&mut tx, None), ts)?;
        tx.commit().map_err(err)?;
        Ok(n)
    }
}
