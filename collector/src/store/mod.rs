//! Durable storage of events, and every read of them: the interface the HTTP layer calls.
//!
//! How it is drawn (imports go one way, down this list):
//!
//! - [`Store`] (this file): opens a database, stores batches (each client answered only
//!   once its batch is committed, [`group_commit`]), and reads (stats, the report's data
//!   through a [`reader::Reader`], events, exports);
//! - [`sql`]: the SQL by concern (schema and migrations; what an insert derives and keeps;
//!   what a read asks), written once over a connection;
//! - [`backend`], [`conn`]: what a database gives ([`sqlite`], [`postgres`]): transactions,
//!   and connections whose few differences are their methods;
//! - [`event`]: the one row type, from the JSON a client sent and back; [`error`].
//!
//! The definitions of the numbers are in `crate::stats`, which imports none of this.

pub mod backend;
pub mod conn;
pub mod error;
pub mod event;
pub mod group_commit;
pub mod postgres;
pub mod reader;
pub mod sql;
pub mod sqlite;

use crate::stats::{Filter, Stats};
use crate::store::backend::{Access, Backend};
use crate::store::conn::Conn;
use crate::store::error::{Result, StoreError};
use crate::store::event::{uuid_bytes, Event, Stored};
use crate::store::group_commit::GroupCommit;
use crate::store::reader::Reader;
use crate::store::sql::insert::KnownPages;
use serde_json::Value;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in milliseconds since 1970.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The event store: SQLite or PostgreSQL, the same answers.
///
/// ```
/// use lanterne_collector::store::Store;
/// let store = Store::open_in_memory().unwrap();
/// let event = serde_json::json!({"v":1,"id":"0f8fad5b-d9cb-469f-a165-70867728950e","type":"share",
///     "channel":"whatsapp","token":"wAbCdEfGhIj9","parent":null,"url":"https://blog.example/a",
///     "title":"A","ts":1_763_700_000_000u64});
/// assert_eq!(store.insert_batch(&[event.clone()]).unwrap().stored, 1);
/// assert_eq!(store.insert_batch(&[event.clone()]).unwrap().duplicates, 1);
/// assert_eq!(store.recent(10).unwrap(), vec![event]);
/// ```
pub struct Store {
    backend: Box<dyn Backend>,
    group: GroupCommit<Event>,
    /// Pages known to be stored (their ids never change).
    pages: Mutex<KnownPages>,
}

impl Store {
    /// Opens the database `spec`: a `postgres://` (or `postgresql://`) URL, else a SQLite
    /// file path (created if needed). An older database is brought up to date first.
    pub fn open(spec: &str) -> Result<Store> {
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            return Store::on(Box::new(postgres::Postgres::open(spec)?));
        }
        Store::on(Box::new(sqlite::Sqlite::open(Path::new(spec))?))
    }

    /// A throw-away in-memory SQLite store, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Store::on(Box::new(sqlite::Sqlite::open_in_memory()?))
    }

    fn on(backend: Box<dyn Backend>) -> Result<Store> {
        backend.transaction(Access::Maintenance, &mut |conn| {
            sql::schema::migrate(conn, &mut |m| println!("lanterne-collector: {m}"))
        })?;
        Ok(Store {
            backend,
            group: GroupCommit::default(),
            pages: Mutex::new(KnownPages::new()),
        })
    }

    /// Runs `f` in one transaction and returns what it made.
    fn run<T>(&self, access: Access, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut out = None;
        self.backend.transaction(access, &mut |conn| {
            let f = f.take().ok_or(StoreError::Unwritten)?;
            out = Some(f(conn)?);
            Ok(())
        })?;
        out.ok_or(StoreError::Unwritten)
    }

    /// Stores validated events, ignoring ids already stored, with what stats keep of
    /// them; returns once they are committed (with other clients' batches that came
    /// meanwhile: [`group_commit`]).
    pub fn insert_batch(&self, events: &[Value]) -> Result<Stored> {
        let events = events
            .iter()
            .map(|e| Event::from_json(e).map_err(StoreError::Invalid))
            .collect::<Result<Vec<_>>>()?;
        self.group.write(events, |batches| {
            // One writer at a time holds the known pages (group commit takes turns).
            let mut known = self.pages.lock().unwrap_or_else(|p| p.into_inner());
            let inserted = self.run(Access::Write, |conn| {
                sql::insert::insert(conn, batches, now_ms(), &known)
            })?;
            known.extend(inserted.pages);
            Ok(inserted.batches)
        })
    }

    /// Runs `f` on a consistent snapshot of the database (a read-only transaction).
    pub fn read<T>(&self, f: impl FnOnce(&mut Reader) -> Result<T>) -> Result<T> {
        self.run(Access::Read, |conn| f(&mut Reader::new(conn)))
    }

    /// `/api/stats` for `filter`, from SQL (docs/stats.md#stats).
    pub fn stats(&self, filter: &Filter) -> Result<Stats> {
        self.read(|r| r.stats(filter))
    }

    /// The newest `limit` events, newest first, as they were received.
    pub fn recent(&self, limit: usize) -> Result<Vec<Value>> {
        self.run(Access::Read, |conn| sql::events::recent(conn, limit))
    }

    /// The stored event with this id, if any.
    pub fn get(&self, id: &str) -> Result<Option<Value>> {
        let Some(id) = uuid_bytes(id) else {
            return Ok(None);
        };
        self.run(Access::Read, |conn| sql::events::get(conn, &id))
    }

    /// How many events are stored.
    pub fn count(&self) -> Result<u64> {
        self.run(Access::Read, sql::events::count)
    }

    /// Deletes the events that happened before `ts` (retention), and what the daily
    /// tables counted of them; returns how many.
    pub fn delete_before(&self, ts: i64) -> Result<u64> {
        self.run(Access::Write, |conn| {
            conn.lock_derived()?;
            sql::daily::delete_before(conn, ts)
        })
    }

    /// Up to `limit` events of `filter` after `after` (their `(ts, seq)`), oldest first:
    /// `(ts, seq, the event as received)`. Exports stream these pages.
    pub fn export_page(
        &self,
        filter: &Filter,
        after: Option<(i64, i64)>,
        limit: i64,
    ) -> Result<Vec<(i64, i64, String)>> {
        self.run(Access::Read, |conn| {
            sql::events::export_page(conn, filter, after, limit)
        })
    }

    /// Runs `f` on a connection in a transaction of `access` (tests, maintenance).
    #[cfg(test)]
    pub(crate) fn with_conn<T>(
        &self,
        access: Access,
        f: impl FnOnce(&mut dyn Conn) -> Result<T>,
    ) -> Result<T> {
        self.run(access, f)
    }
}

#[cfg(test)]
pub(crate) mod tests;
