//! Durable storage of events: SQLite (WAL, `synchronous=FULL`), the embedded default, or
//! PostgreSQL (`postgres.rs`). A batch is one transaction, and `insert_batch` returns
//! only after it is committed.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The SQLite backend.
pub struct SqliteStore {
    db: Mutex<Connection>,
}

/// What happened to a batch.
#[derive(Debug, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    /// Events newly stored.
    pub stored: usize,
    /// Events whose `id` was already stored (ignored: delivery is at-least-once).
    pub duplicates: usize,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL UNIQUE,
    type        TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    token       TEXT    NOT NULL,
    parent      TEXT,
    url         TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    ts          INTEGER NOT NULL,
    referrer    TEXT,
    chars       INTEGER,
    received_at INTEGER NOT NULL,
    body        TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS events_ts ON events(ts);
CREATE INDEX IF NOT EXISTS events_token ON events(token);
CREATE INDEX IF NOT EXISTS events_parent ON events(parent);
";

/// A JSON number that is a whole number, however it was written (`1732000000000`,
/// `1732000000000.0`, `1.732e12`: JSON Schema counts all three as integers).
pub(crate) fn whole_number(value: Option<&Value>) -> Option<i64> {
    let value = value?;
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

/// Now, in milliseconds since 1970.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl SqliteStore {
    /// Opens (creating if needed) the database file.
    pub fn open(path: &Path) -> rusqlite::Result<SqliteStore> {
        let db = Connection::open(path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a commit is on disk before we acknowledge, even across a power cut.
        db.pragma_update(None, "synchronous", "FULL")?;
        db.busy_timeout(std::time::Duration::from_secs(5))?;
        SqliteStore::init(db)
    }

    /// A throw-away in-memory store, for tests.
    pub fn open_in_memory() -> rusqlite::Result<SqliteStore> {
        SqliteStore::init(Connection::open_in_memory()?)
    }

    fn init(db: Connection) -> rusqlite::Result<SqliteStore> {
        db.execute_batch(SCHEMA)?;
        Ok(SqliteStore { db: Mutex::new(db) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent: keep going.
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores validated events in one transaction, ignoring ids already stored.
    pub fn insert_batch(&self, events: &[Value]) -> rusqlite::Result<Stored> {
        let now = now_ms();
        let mut db = self.lock();
        let tx = db.transaction()?;
        let mut stored = 0;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO events (id, type, channel, token, parent, url, title, ts, referrer, chars, received_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT(id) DO NOTHING",
            )?;
            for event in events {
                let text = |key: &str| event.get(key).and_then(Value::as_str);
                stored += insert.execute(params![
                    text("id"),
                    text("type"),
                    text("channel"),
                    text("token"),
                    text("parent"),
                    text("url"),
                    text("title"),
                    whole_number(event.get("ts")),
                    text("referrer"),
                    whole_number(event.get("chars")),
                    now,
                    event.to_string(),
                ])?;
            }
        }
        tx.commit()?;
        Ok(Stored {
            stored,
            duplicates: events.len() - stored,
        })
    }

    /// The newest `limit` events, newest first, as they were received.
    pub fn recent(&self, limit: usize) -> rusqlite::Result<Vec<Value>> {
        let db = self.lock();
        let mut query = db.prepare_cached("SELECT body FROM events ORDER BY seq DESC LIMIT ?1")?;
        let rows = query.query_map([limit as i64], |row| row.get::<_, String>(0))?;
        rows.map(|body| body.map(|b| serde_json::from_str(&b).unwrap_or(Value::Null)))
            .collect()
    }

    /// The events `filter` selects, as stats read them.
    pub fn rows(&self, filter: &crate::stats::Filter) -> rusqlite::Result<Vec<crate::stats::Row>> {
        let db = self.lock();
        let mut query = db.prepare_cached(
            "SELECT type, channel, token, parent, url, referrer, ts FROM events
             WHERE ts >= ?1 AND ts <= ?2 AND (?3 IS NULL OR url = ?3) ORDER BY ts",
        )?;
        let rows = query.query_map(
            params![
                filter.from.unwrap_or(i64::MIN),
                filter.to.unwrap_or(i64::MAX),
                filter.page
            ],
            |row| {
                Ok(crate::stats::Row {
                    kind: row.get(0)?,
                    channel: row.get(1)?,
                    token: row.get(2)?,
                    parent: row.get(3)?,
                    url: row.get(4)?,
                    referrer: row.get(5)?,
                    ts: row.get(6)?,
                })
            },
        )?;
        rows.collect()
    }

    /// Deletes the events that happened before `ts` (retention); returns how many.
    pub fn delete_before(&self, ts: i64) -> rusqlite::Result<usize> {
        self.lock()
            .execute("DELETE FROM events WHERE ts < ?1", [ts])
    }

    /// The events of a time range (ms, both ends included), oldest first, as received.
    pub fn export(&self, from: i64, to: i64) -> rusqlite::Result<Vec<Value>> {
        let db = self.lock();
        let mut query = db.prepare_cached(
            "SELECT body FROM events WHERE ts >= ?1 AND ts <= ?2 ORDER BY ts, seq",
        )?;
        let rows = query.query_map([from, to], |row| row.get::<_, String>(0))?;
        rows.map(|body| body.map(|b| serde_json::from_str(&b).unwrap_or(Value::Null)))
            .collect()
    }

    /// How many events are stored.
    pub fn count(&self) -> rusqlite::Result<u64> {
        self.lock()
            .query_row("SELECT COUNT(*) FROM events", [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| n as u64)
    }

    /// The stored event with this id, if any.
    pub fn get(&self, id: &str) -> rusqlite::Result<Option<Value>> {
        let db = self.lock();
        db.query_row("SELECT body FROM events WHERE id = ?1", [id], |row| {
            row.get::<_, String>(0)
        })
        .optional()
        .map(|body| body.and_then(|b| serde_json::from_str(&b).ok()))
    }
}

/// A storage failure (the database's own message).
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError(e.to_string())
    }
}

/// The event store: SQLite or PostgreSQL, the same answers.
///
/// ```
/// let store = lanterne_collector::store::Store::open_in_memory().unwrap();
/// assert_eq!(store.count().unwrap(), 0);
/// ```
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(crate::postgres::PgStore),
}

type Result<T> = std::result::Result<T, StoreError>;

impl Store {
    /// Opens the database `spec`: a `postgres://` (or `postgresql://`) URL, else a SQLite
    /// file path (created if needed).
    pub fn open(spec: &str) -> Result<Store> {
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            return Ok(Store::Postgres(crate::postgres::PgStore::open(spec)?));
        }
        Ok(Store::Sqlite(SqliteStore::open(Path::new(spec))?))
    }

    /// A throw-away in-memory SQLite store, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Ok(Store::Sqlite(SqliteStore::open_in_memory()?))
    }

    /// Stores validated events in one transaction, ignoring ids already stored.
    pub fn insert_batch(&self, events: &[Value]) -> Result<Stored> {
        match self {
            Store::Sqlite(s) => Ok(s.insert_batch(events)?),
            Store::Postgres(p) => p.insert_batch(events, now_ms()),
        }
    }

    /// The newest `limit` events, newest first, as they were received.
    pub fn recent(&self, limit: usize) -> Result<Vec<Value>> {
        match self {
            Store::Sqlite(s) => Ok(s.recent(limit)?),
            Store::Postgres(p) => p.recent(limit),
        }
    }

    /// The events `filter` selects, as stats read them.
    pub fn rows(&self, filter: &crate::stats::Filter) -> Result<Vec<crate::stats::Row>> {
        match self {
            Store::Sqlite(s) => Ok(s.rows(filter)?),
            Store::Postgres(p) => p.rows(filter),
        }
    }

    /// Deletes the events that happened before `ts` (retention); returns how many.
    pub fn delete_before(&self, ts: i64) -> Result<usize> {
        match self {
            Store::Sqlite(s) => Ok(s.delete_before(ts)?),
            Store::Postgres(p) => p.delete_before(ts),
        }
    }

    /// The events of a time range (ms, both ends included), oldest first, as received.
    pub fn export(&self, from: i64, to: i64) -> Result<Vec<Value>> {
        match self {
            Store::Sqlite(s) => Ok(s.export(from, to)?),
            Store::Postgres(p) => p.export(from, to),
        }
    }

    /// How many events are stored.
    pub fn count(&self) -> Result<u64> {
        match self {
            Store::Sqlite(s) => Ok(s.count()?),
            Store::Postgres(p) => p.count(),
        }
    }

    /// The stored event with this id, if any.
    pub fn get(&self, id: &str) -> Result<Option<Value>> {
        match self {
            Store::Sqlite(s) => Ok(s.get(id)?),
            Store::Postgres(p) => p.get(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(id: &str) -> Value {
        json!({"v":1,"id":id,"type":"share","channel":"whatsapp","token":"wAbCdEfGhIj9","parent":null,
               "url":"https://blog.example/a","title":"A","ts":1_763_700_000_000u64})
    }

    #[test]
    fn dedupes_on_id_and_keeps_order() {
        let store = Store::open_in_memory().unwrap();
        let a = "0f8fad5b-d9cb-469f-a165-70867728950a";
        let b = "0f8fad5b-d9cb-469f-a165-70867728950b";
        assert_eq!(
            store.insert_batch(&[event(a), event(b)]).unwrap(),
            Stored {
                stored: 2,
                duplicates: 0
            }
        );
        assert_eq!(
            store.insert_batch(&[event(a), event(b)]).unwrap(),
            Stored {
                stored: 0,
                duplicates: 2
            }
        );
        assert_eq!(store.count().unwrap(), 2);
        let recent = store.recent(10).unwrap();
        assert_eq!(recent[0]["id"], b);
        assert_eq!(store.get(a).unwrap().unwrap()["channel"], "whatsapp");
        assert!(store.get("nope").unwrap().is_none());
    }

    #[test]
    fn whole_numbers_written_as_floats_are_stored() {
        // Not a duplicate: with INSERT OR IGNORE, a NULL ts was silently "ignored".
        let store = Store::open_in_memory().unwrap();
        let mut e = event("0f8fad5b-d9cb-469f-a165-70867728950d");
        e["ts"] = json!(1.7e12);
        assert_eq!(
            store.insert_batch(&[e]).unwrap(),
            Stored {
                stored: 1,
                duplicates: 0
            }
        );
        let mut f = event("0f8fad5b-d9cb-469f-a165-70867728950f");
        f["ts"] = json!(1.5);
        assert!(
            store.insert_batch(&[f]).is_err(),
            "a constraint violation is an error, never a silent skip"
        );
    }

    #[test]
    fn retention_and_export() {
        let store = Store::open_in_memory().unwrap();
        let mut old = event("0f8fad5b-d9cb-469f-a165-700000000001");
        old["ts"] = json!(1_000_000_000_000u64);
        let new = event("0f8fad5b-d9cb-469f-a165-700000000002");
        store.insert_batch(&[old, new]).unwrap();
        assert_eq!(store.export(0, i64::MAX).unwrap().len(), 2);
        assert_eq!(store.export(1_500_000_000_000, i64::MAX).unwrap().len(), 1);
        assert_eq!(store.delete_before(1_500_000_000_000).unwrap(), 1);
        assert_eq!(store.count().unwrap(), 1);
    }

    #[test]
    fn survives_reopen() {
        let dir = std::env::temp_dir().join(format!("lanterne-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("events.db");
        let _ = std::fs::remove_file(&path);
        Store::open(path.to_str().unwrap())
            .unwrap()
            .insert_batch(&[event("0f8fad5b-d9cb-469f-a165-70867728950c")])
            .unwrap();
        assert_eq!(
            Store::open(path.to_str().unwrap())
                .unwrap()
                .count()
                .unwrap(),
            1
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
