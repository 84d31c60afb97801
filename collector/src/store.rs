//! Durable storage of events: SQLite (WAL, `synchronous=FULL`), the embedded default, or
//! PostgreSQL (`postgres.rs`). A batch is one transaction, and `insert_batch` returns
//! only after it is committed.

use crate::queries::{Conn, Lite, NewEvent, Val};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The SQLite backend: one connection writes; reads (stats, reports, exports) use their
/// own, so a long report never holds up ingest (WAL lets them run side by side).
pub struct SqliteStore {
    db: Mutex<Connection>,
    reader: Option<Mutex<Connection>>,
    group: crate::group_commit::GroupCommit,
}

/// What happened to a batch.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    /// Events newly stored.
    pub stored: usize,
    /// Events whose `id` was already stored (ignored: delivery is at-least-once).
    pub duplicates: usize,
}

/// The events table; `site`, `depth` and `dup` are kept for stats (`queries.rs`), which
/// adds them to databases made before.
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
    body        TEXT    NOT NULL,
    site        TEXT,
    depth       BIGINT,
    dup         BIGINT
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

/// The fields of an event the database keeps in columns.
pub(crate) struct Fields<'a> {
    pub id: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub token: Option<&'a str>,
    pub parent: Option<&'a str>,
    /// The page key (`pages::page_key`), not the URL as sent (the body keeps that).
    pub url: Option<String>,
    pub title: Option<&'a str>,
    pub ts: Option<i64>,
    pub referrer: Option<&'a str>,
    pub chars: Option<i64>,
    pub site: String,
    /// Arrivals and shares without a parent have depth 0 and no dup, stored with the
    /// event; a re-share's are derived after the insert (`queries::after_insert`).
    pub derived: Option<i64>,
}

impl<'a> Fields<'a> {
    pub fn of(event: &'a Value) -> Fields<'a> {
        let text = |key: &str| event.get(key).and_then(Value::as_str);
        let kind = text("type");
        Fields {
            id: text("id"),
            kind,
            channel: text("channel"),
            // A landing has no token (null): stored as ''.
            token: text("token").or(Some("")),
            parent: text("parent"),
            url: text("url").map(crate::pages::page_key),
            title: text("title"),
            ts: whole_number(event.get("ts")),
            referrer: text("referrer"),
            chars: whole_number(event.get("chars")),
            site: crate::queries::site_of(text("url").unwrap_or("")),
            derived: (kind == Some("arrival") || text("parent").is_none()).then_some(0),
        }
    }

    /// The event as the stats derivation sees it, once stored as `seq`.
    pub fn stored(&self, seq: i64) -> NewEvent {
        NewEvent {
            seq,
            kind: self.kind.unwrap_or("").to_owned(),
            channel: self.channel.unwrap_or("").to_owned(),
            token: self.token.unwrap_or("").to_owned(),
            parent: self.parent.map(str::to_owned),
            url: self.url.clone().unwrap_or_default(),
            site: self.site.clone(),
            ts: self.ts.unwrap_or(0),
            referrer_empty: self.referrer.unwrap_or("").is_empty(),
        }
    }
}

/// How many prepared statements a connection keeps.
const STATEMENTS: usize = 128;

impl SqliteStore {
    /// Opens (creating if needed) the database file, bringing an older one up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let db = Connection::open(path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a commit is on disk before we acknowledge, even across a power cut.
        db.pragma_update(None, "synchronous", "FULL")?;
        db.busy_timeout(std::time::Duration::from_secs(5))?;
        // Every statement of an insert and of the stats stays prepared (rusqlite keeps 16
        // by default; re-preparing is most of a small query's cost).
        db.set_prepared_statement_cache_capacity(STATEMENTS);
        let store = SqliteStore::init(db)?;
        let reader = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        reader.busy_timeout(std::time::Duration::from_secs(5))?;
        reader.set_prepared_statement_cache_capacity(STATEMENTS);
        // Sorts and groupings past the page cache go to temporary files, not memory.
        reader.pragma_update(None, "temp_store", "FILE")?;
        Ok(SqliteStore {
            reader: Some(Mutex::new(reader)),
            ..store
        })
    }

    /// A throw-away in-memory store, for tests.
    pub fn open_in_memory() -> Result<SqliteStore> {
        SqliteStore::init(Connection::open_in_memory()?)
    }

    fn init(db: Connection) -> Result<SqliteStore> {
        db.execute_batch(SCHEMA)?;
        db.pragma_update(None, "temp_store", "FILE")?;
        crate::queries::migrate(&mut Lite(&db), &mut |m| println!("lanterne-collector: {m}"))?;
        Ok(SqliteStore {
            db: Mutex::new(db),
            reader: None,
            group: Default::default(),
        })
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent: keep going.
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on a consistent snapshot of the database (a read transaction).
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
        let guard = match &self.reader {
            Some(reader) => reader.lock().unwrap_or_else(|p| p.into_inner()),
            None => self.lock(),
        };
        let tx = guard.unchecked_transaction()?;
        let out = f(&mut Lite(&tx))?;
        tx.finish()?;
        Ok(out)
    }

    /// Stores validated events, ignoring ids already stored, with what stats keep of
    /// them; returns once they are committed (with other clients' batches that came
    /// meanwhile: `group_commit.rs`).
    pub fn insert_batch(&self, events: &[Value]) -> Result<Stored> {
        self.group
            .write(events, |batches| self.insert_batches(batches))
    }

    /// Stores batches in one transaction; what became of each.
    fn insert_batches(&self, batches: &[&[Value]]) -> Result<Vec<Stored>> {
        let now = now_ms();
        let mut db = self.lock();
        let tx = db.transaction()?;
        let mut stored = Vec::new();
        let mut answers = Vec::with_capacity(batches.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO events (id, type, channel, token, parent, url, title, ts, referrer, chars, received_at, body, site, depth, dup)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)
                 ON CONFLICT(id) DO NOTHING",
            )?;
            for events in batches {
                let before = stored.len();
                for event in events.iter() {
                    let f = Fields::of(event);
                    let n = insert.execute(params![
                        f.id,
                        f.kind,
                        f.channel,
                        f.token,
                        f.parent,
                        &f.url,
                        f.title,
                        f.ts,
                        f.referrer,
                        f.chars,
                        now,
                        event.to_string(),
                        f.site,
                        f.derived,
                    ])?;
                    if n == 1 {
                        stored.push(f.stored(tx.last_insert_rowid()));
                    }
                }
                let new = stored.len() - before;
                answers.push(Stored {
                    stored: new,
                    duplicates: events.len() - new,
                });
            }
        }
        crate::queries::after_insert(&mut Lite(&tx), &stored)?;
        tx.commit()?;
        Ok(answers)
    }

    /// The newest `limit` events, newest first, as they were received.
    pub fn recent(&self, limit: usize) -> Result<Vec<Value>> {
        self.read(|conn| {
            let rows = conn.rows(
                "SELECT body FROM events ORDER BY seq DESC LIMIT $1",
                &[Val::Int(limit as i64)],
            )?;
            Ok(rows
                .iter()
                .map(|r| serde_json::from_str(&r[0].text()).unwrap_or(Value::Null))
                .collect())
        })
    }

    /// Deletes the events that happened before `ts` (retention); returns how many.
    pub fn delete_before(&self, ts: i64) -> Result<usize> {
        let mut db = self.lock();
        let tx = db.transaction()?;
        let n = crate::queries::delete_before(&mut Lite(&tx), ts)?;
        tx.commit()?;
        Ok(n)
    }

    /// How many events are stored.
    pub fn count(&self) -> Result<u64> {
        self.read(|conn| Ok(conn.rows("SELECT COUNT(*) FROM events", &[])?[0][0].int() as u64))
    }

    /// The stored event with this id, if any.
    pub fn get(&self, id: &str) -> Result<Option<Value>> {
        let db = self.lock();
        Ok(db
            .query_row("SELECT body FROM events WHERE id = ?1", [id], |row| {
                row.get::<_, String>(0)
            })
            .optional()?
            .and_then(|b| serde_json::from_str(&b).ok()))
    }
}

/// Every stored event, in stored order, as stats read them.
pub(crate) fn rows(conn: &mut dyn Conn) -> Result<Vec<crate::stats::Row>> {
    Ok(conn
        .rows(
            "SELECT type, channel, token, parent, url, referrer, ts FROM events ORDER BY seq",
            &[],
        )?
        .into_iter()
        .map(|r| crate::stats::Row {
            kind: r[0].text(),
            channel: r[1].text(),
            token: r[2].text(),
            parent: r[3].opt_text(),
            url: r[4].text(),
            referrer: r[5].opt_text(),
            ts: r[6].int(),
        })
        .collect())
}

/// A storage failure (the database's own message).
#[derive(Clone, Debug)]
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
// One per collector, behind an `Arc`: the size of its variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(crate::postgres::PgStore),
}

type Result<T> = std::result::Result<T, StoreError>;

impl Store {
    /// Opens the database `spec`: a `postgres://` (or `postgresql://`) URL, else a SQLite
    /// file path (created if needed). An older database is brought up to date first.
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
            Store::Sqlite(s) => s.insert_batch(events),
            Store::Postgres(p) => p.insert_batch(events, now_ms()),
        }
    }

    /// Runs `f` on a consistent snapshot of the database (a read-only transaction).
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
        match self {
            Store::Sqlite(s) => s.read(f),
            Store::Postgres(p) => p.read(f),
        }
    }

    /// The newest `limit` events, newest first, as they were received.
    pub fn recent(&self, limit: usize) -> Result<Vec<Value>> {
        match self {
            Store::Sqlite(s) => s.recent(limit),
            Store::Postgres(p) => p.recent(limit),
        }
    }

    /// `/api/stats` for `filter`, from SQL (README "Stats").
    pub fn stats(&self, filter: &crate::stats::Filter) -> Result<crate::stats::Stats> {
        self.read(|conn| crate::queries::stats(conn, filter))
    }

    /// Every stored event, in stored order, as stats read them: the input of the reference
    /// implementation (`stats::compute`), for tests. Loads everything: not for serving.
    pub fn rows(&self) -> Result<Vec<crate::stats::Row>> {
        self.read(|conn| rows(conn))
    }

    /// Deletes the events that happened before `ts` (retention); returns how many.
    pub fn delete_before(&self, ts: i64) -> Result<usize> {
        match self {
            Store::Sqlite(s) => s.delete_before(ts),
            Store::Postgres(p) => p.delete_before(ts),
        }
    }

    /// The events of a time range (ms, both ends included), oldest first, as received.
    /// Everything at once: exports stream [`Store::export_page`]s instead.
    pub fn export(&self, from: i64, to: i64) -> Result<Vec<Value>> {
        let filter = crate::stats::Filter {
            from: Some(from),
            to: Some(to),
            ..Default::default()
        };
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self.export_page(&filter, after, 1000)?;
            let Some(last) = page.last() else { break };
            after = Some((last.0, last.1));
            out.extend(
                page.into_iter()
                    .map(|(_, _, body)| serde_json::from_str(&body).unwrap_or(Value::Null)),
            );
        }
        Ok(out)
    }

    /// Up to `limit` events of `filter` after `after` (their `(ts, seq)`), oldest first:
    /// `(ts, seq, body as received)`.
    pub fn export_page(
        &self,
        filter: &crate::stats::Filter,
        after: Option<(i64, i64)>,
        limit: i64,
    ) -> Result<Vec<(i64, i64, String)>> {
        self.read(|conn| crate::queries::export_page(conn, filter, after, limit))
    }

    /// How many events are stored.
    pub fn count(&self) -> Result<u64> {
        match self {
            Store::Sqlite(s) => s.count(),
            Store::Postgres(p) => p.count(),
        }
    }

    /// The stored event with this id, if any.
    pub fn get(&self, id: &str) -> Result<Option<Value>> {
        match self {
            Store::Sqlite(s) => s.get(id),
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
