//! The PostgreSQL backend (`--db postgres://…`): the same table and the same answers as
//! SQLite, so several stateless collectors can run behind a load balancer on one
//! database. A batch is one transaction; `insert_batch` returns once it is committed
//! (PostgreSQL's default `synchronous_commit = on`: on disk, or on the synchronous standby).

use crate::stats::{Filter, Row};
use crate::store::{whole_number, StoreError, Stored};
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
    body        TEXT   NOT NULL
);
CREATE INDEX IF NOT EXISTS events_ts ON events(ts);
CREATE INDEX IF NOT EXISTS events_token ON events(token);
CREATE INDEX IF NOT EXISTS events_parent ON events(parent);
";

/// Connections to one database, reused (a connection per request in flight).
pub struct PgStore {
    url: String,
    idle: Mutex<Vec<Client>>,
}

/// A connection lent out of the pool; back in it when dropped, unless it broke.
struct Lent<'a> {
    store: &'a PgStore,
    client: Option<Client>,
}

impl std::ops::Deref for Lent<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client.as_ref().expect("lent until dropped")
    }
}

impl std::ops::DerefMut for Lent<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().expect("lent until dropped")
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(client) = self.client.take().filter(|c| !c.is_closed()) {
            let mut idle = self.store.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < 32 {
                idle.push(client);
            }
        }
    }
}

fn err(e: postgres::Error) -> StoreError {
    StoreError(e.to_string())
}

impl PgStore {
    /// Connects and creates the table if needed (several collectors starting at once take
    /// turns, under an advisory lock).
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let mut client = Client::connect(url, NoTls).map_err(err)?;
        client
            .batch_execute(&format!(
                "SELECT pg_advisory_lock(7243); {SCHEMA} SELECT pg_advisory_unlock(7243);"
            ))
            .map_err(err)?;
        Ok(PgStore {
            url: url.to_owned(),
            idle: Mutex::new(vec![client]),
        })
    }

    fn client(&self) -> Result<Lent<'_>, StoreError> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let client = match idle {
            Some(client) => client,
            None => Client::connect(&self.url, NoTls).map_err(err)?,
        };
        Ok(Lent {
            store: self,
            client: Some(client),
        })
    }

    pub fn insert_batch(&self, events: &[Value], now: i64) -> Result<Stored, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(err)?;
        let insert = tx
            .prepare(
                "INSERT INTO events (id, type, channel, token, parent, url, title, ts, referrer, chars, received_at, body)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT (id) DO NOTHING",
            )
            .map_err(err)?;
        let mut stored = 0;
        for event in events {
            let text = |key: &str| event.get(key).and_then(Value::as_str);
            let body = event.to_string();
            stored += tx
                .execute(
                    &insert,
                    &[
                        &text("id"),
                        &text("type"),
                        &text("channel"),
                        &text("token"),
                        &text("parent"),
                        &text("url"),
                        &text("title"),
                        &whole_number(event.get("ts")),
                        &text("referrer"),
                        &whole_number(event.get("chars")),
                        &now,
                        &body,
                    ],
                )
                .map_err(err)? as usize;
        }
        tx.commit().map_err(err)?;
        Ok(Stored {
            stored,
            duplicates: events.len() - stored,
        })
    }

    fn bodies(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Value>, StoreError> {
        let rows = self.client()?.query(sql, params).map_err(err)?;
        Ok(rows
            .iter()
            .map(|row| serde_json::from_str(row.get::<_, &str>(0)).unwrap_or(Value::Null))
            .collect())
    }

    pub fn recent(&self, limit: usize) -> Result<Vec<Value>, StoreError> {
        self.bodies(
            "SELECT body FROM events ORDER BY seq DESC LIMIT $1",
            &[&(limit as i64)],
        )
    }

    pub fn count(&self) -> Result<u64, StoreError> {
        let row = self
            .client()?
            .query_one("SELECT COUNT(*) FROM events", &[])
            .map_err(err)?;
        Ok(row.get::<_, i64>(0) as u64)
    }

    pub fn get(&self, id: &str) -> Result<Option<Value>, StoreError> {
        Ok(self
            .bodies("SELECT body FROM events WHERE id = $1", &[&id])?
            .pop())
    }

    pub fn rows(&self, filter: &Filter) -> Result<Vec<Row>, StoreError> {
        let rows = self
            .client()?
            .query(
                "SELECT type, channel, token, parent, url, referrer, ts FROM events
                 WHERE ts >= $1 AND ts <= $2 AND ($3::TEXT IS NULL OR url = $3) ORDER BY ts",
                &[
                    &filter.from.unwrap_or(i64::MIN),
                    &filter.to.unwrap_or(i64::MAX),
                    &filter.page,
                ],
            )
            .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| Row {
                kind: r.get(0),
                channel: r.get(1),
                token: r.get(2),
                parent: r.get(3),
                url: r.get(4),
                referrer: r.get(5),
                ts: r.get(6),
            })
            .collect())
    }

    pub fn export(&self, from: i64, to: i64) -> Result<Vec<Value>, StoreError> {
        self.bodies(
            "SELECT body FROM events WHERE ts >= $1 AND ts <= $2 ORDER BY ts, seq",
            &[&from, &to],
        )
    }

    pub fn delete_before(&self, ts: i64) -> Result<usize, StoreError> {
        let n = self
            .client()?
            .execute("DELETE FROM events WHERE ts < $1", &[&ts])
            .map_err(err)?;
        Ok(n as usize)
    }
}
