//! The tables, written once for both databases, and the migrations that bring a database
//! of any earlier version up to date. Each migration is idempotent and safe to stop:
//! it works in chunks that each commit, and starts again where it stopped.
//!
//! - `events`: one row per event, the fields a client sent in columns (`store::event`),
//!   the page as an id into `pages`, a share's `depth` and `dup`;
//! - `pages`: each page key once, with its site and the first title it was seen with;
//! - `daily_stats`, `daily_pages`: what stats are read from (`daily.rs`);
//! - `lanterne_meta`: versions.
//!
//! Before this layout (version 2), each event kept its raw JSON body beside its columns
//! and its page as text, indexed twice: about 620 bytes an event on SQLite instead of
//! about 230.

use crate::store::conn::{Conn, Dialect, Query, Val};
use crate::store::error::{Result, StoreError};
use crate::store::event::Event;
use crate::store::sql::daily;
use crate::store::sql::derive::{derive, share_of, SHARE_COLUMNS};
use crate::store::sql::insert::{event_row, insert_rows, pages_of, KnownPages};

/// The events table as `name`.
fn events_table(d: &dyn Dialect, name: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {name} (
    seq         {seq},
    id          {bytes} NOT NULL UNIQUE,
    type        TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    token       TEXT    NOT NULL,
    parent      TEXT,
    page        BIGINT  NOT NULL,
    title       TEXT,
    ts          BIGINT  NOT NULL,
    referrer    TEXT,
    chars       BIGINT,
    received_at BIGINT  NOT NULL,
    depth       BIGINT,
    dup         BIGINT,
    extra       TEXT
);",
        seq = d.seq_type(),
        bytes = d.bytes_type()
    )
}

/// Every other table.
fn tables(d: &dyn Dialect) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS lanterne_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    id    {seq},
    url   TEXT NOT NULL UNIQUE,
    site  TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_site ON pages(site);
CREATE TABLE IF NOT EXISTS daily_stats (
    url     TEXT   NOT NULL,
    day     BIGINT NOT NULL,
    site    TEXT   NOT NULL,
    type    TEXT   NOT NULL,
    channel TEXT   NOT NULL,
    depth   BIGINT NOT NULL,
    flag    BIGINT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (url, day, site, type, channel, depth, flag)
){clustered};
CREATE TABLE IF NOT EXISTS daily_pages (
    day      BIGINT NOT NULL,
    site     TEXT   NOT NULL,
    url      TEXT   NOT NULL,
    shares   BIGINT NOT NULL,
    arrivals BIGINT NOT NULL,
    landings BIGINT NOT NULL DEFAULT 0,
    unreferred BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, site, url)
){clustered};",
        seq = d.seq_type(),
        clustered = d.clustered()
    )
}

/// The events table's indexes: each one a query plan uses (the plan tests say which).
/// `events_dup` covers its query (`COUNT(DISTINCT parent)` of dup shares): read from the
/// index alone, never from rows scattered over the table.
///
/// Time comes first in the indexes a read by page uses (`events_ts_page`,
/// `events_deep_page`): events arrive in about the order of their `ts`, so an insert
/// adds to the end of those indexes, a few pages per transaction. Keyed by page first
/// (as before: `events_page_ts`, `events_page_deep`), each transaction wrote a page of
/// each index per page of the site it touched. A read of one page scans the range's
/// entries in the index and keeps its page's, without reading a row.
const INDEXES: &str = "
CREATE INDEX IF NOT EXISTS events_ts_page ON events(ts, page);
CREATE INDEX IF NOT EXISTS events_token ON events({token});
CREATE INDEX IF NOT EXISTS events_parent ON events(parent) WHERE type IN ('share', 'copy') AND parent IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_dup ON events(ts, channel, parent, page) WHERE dup = 1;
CREATE INDEX IF NOT EXISTS events_deep_page ON events(depth, ts, page) WHERE depth > 0;
";

/// Indexes of earlier layouts that [`INDEXES`] replaced.
const OLD_INDEXES: &str = "
DROP INDEX IF EXISTS events_ts;
DROP INDEX IF EXISTS events_page_ts;
DROP INDEX IF EXISTS events_deep;
DROP INDEX IF EXISTS events_page_deep;
";

/// The version of `daily_stats`' page rows: 1 once they count shares up to
/// [`daily::PAGE_DEPTH_MAX`] only.
const PAGE_ROWS: i64 = 1;

/// The version of the derived data (`depth`, `dup`, the daily tables).
const DERIVED: i64 = 1;
/// Rows copied per transaction by the rewrite to this layout.
const CHUNK: i64 = 20_000;

fn meta(conn: &mut dyn Conn, key: &str) -> Result<i64> {
    Ok(
        match conn
            .rows(
                "SELECT value FROM lanterne_meta WHERE key = $1",
                &[Val::from(key)],
            )?
            .first()
        {
            Some(r) => r.int("value")?,
            None => 0,
        },
    )
}

fn set_meta(conn: &mut dyn Conn, key: &str, value: i64) -> Result<()> {
    conn.exec(
        "DELETE FROM lanterne_meta WHERE key = $1",
        &[Val::from(key)],
    )?;
    conn.exec(
        "INSERT INTO lanterne_meta (key, value) VALUES ($1, $2)",
        &[Val::from(key), Val::Int(value)],
    )?;
    Ok(())
}

/// Creates the tables, or brings a database of any earlier version up to date. The
/// caller keeps other collectors out (PostgreSQL: an advisory lock) and gives no
/// transaction: each step commits its own. `log` hears progress on big databases.
pub fn migrate(conn: &mut dyn Conn, log: &mut dyn FnMut(&str)) -> Result<()> {
    let d = conn.dialect();
    migrate_tables(conn)?;
    let old_layout = conn.has_column("events", "body")?;
    if old_layout {
        rewrite(conn, log, CHUNK, usize::MAX)?;
    } else {
        conn.batch(&events_table(d, "events"))?;
    }
    // The indexes before the derivation, which probes them for every share.
    conn.batch(&INDEXES.replace("{token}", d.token_index()))?;
    conn.batch(OLD_INDEXES)?;
    if meta(conn, "derived")? < DERIVED {
        derive_all(conn, log)?;
    }
    if meta(conn, "page_rows")? < PAGE_ROWS {
        conn.batch("BEGIN")?;
        conn.exec(
            "DELETE FROM daily_stats WHERE url <> '' AND depth > $1",
            &[Val::Int(daily::PAGE_DEPTH_MAX)],
        )?;
        set_meta(conn, "page_rows", PAGE_ROWS)?;
        conn.batch("COMMIT")?;
    }
    Ok(())
}

/// Every table but `events`, as this layout has them.
pub fn migrate_tables(conn: &mut dyn Conn) -> Result<()> {
    conn.batch(&tables(conn.dialect()))?;
    landings_columns(conn)
}

/// Adds `daily_pages`'s `landings` and `unreferred` to a database made before them:
/// landings are new (0); arrivals without referrer are counted from `daily_stats`.
fn landings_columns(conn: &mut dyn Conn) -> Result<()> {
    if conn.has_column("daily_pages", "unreferred")? {
        return Ok(());
    }
    conn.batch("BEGIN")?;
    conn.batch(
        "ALTER TABLE daily_pages ADD COLUMN landings BIGINT NOT NULL DEFAULT 0;
         ALTER TABLE daily_pages ADD COLUMN unreferred BIGINT NOT NULL DEFAULT 0;
         UPDATE daily_pages SET unreferred = COALESCE((SELECT SUM(s.n) FROM daily_stats s
           WHERE s.url = daily_pages.url AND s.day = daily_pages.day AND s.site = daily_pages.site
           AND s.type = 'arrival' AND s.flag = 1), 0) WHERE arrivals > 0;",
    )?;
    conn.batch("COMMIT")
}

/// Rewrites an events table of the layout before this one (a raw JSON body beside the
/// columns, the page as text) into this layout, chunk by chunk in stored order, then
/// swaps the tables. Each event is read from its body, so every field it was sent with
/// is kept (`store::event`); its `seq`, `received_at` and derived values stay. Stops
/// after `chunks` chunks of `chunk` rows (a test stops it half way, as a crash would);
/// whether it finished.
pub fn rewrite(
    conn: &mut dyn Conn,
    log: &mut dyn FnMut(&str),
    chunk: i64,
    chunks: usize,
) -> Result<bool> {
    let d = conn.dialect();
    conn.batch(&events_table(d, "events_v2"))?;
    let has_derived = conn.has_column("events", "depth")?;
    let total = conn.rows("SELECT COUNT(*) AS n FROM events", &[])?[0].int("n")?;
    if total > 0 {
        log(&format!(
            "rewriting {total} stored events without their raw bodies (each field kept once)"
        ));
    }
    let started = std::time::Instant::now();
    let mut known = KnownPages::new();
    for _ in 0..chunks {
        let after =
            conn.rows("SELECT COALESCE(MAX(seq), 0) AS seq FROM events_v2", &[])?[0].int("seq")?;
        let columns = if has_derived {
            "seq, body, received_at, depth, dup"
        } else {
            "seq, body, received_at, NULL AS depth, NULL AS dup"
        };
        let rows = conn.rows(
            &format!("SELECT {columns} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2"),
            &[Val::Int(after), Val::Int(chunk)],
        )?;
        if rows.is_empty() {
            return swap(conn).map(|()| true);
        }
        let mut events = Vec::with_capacity(rows.len());
        for r in &rows {
            let seq = r.int("seq")?;
            let body = r.text("body")?;
            let json: serde_json::Value = serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("body of event {seq}: {e}")))?;
            let mut e = Event::from_json(&json)
                .map_err(|why| StoreError::Corrupt(format!("event {seq}: {why}")))?;
            e.seq = seq;
            // Derived values kept (those not derived yet stay as an insert sets them).
            if let (Some(depth), Some(dup)) = (r.opt_int("depth")?, r.opt_int("dup")?) {
                e.depth = Some(depth);
                e.dup = Some(dup);
            }
            events.push((e, r.int("received_at")?));
        }
        conn.batch("BEGIN")?;
        let refs: Vec<&Event> = events.iter().map(|(e, _)| e).collect();
        let pages = pages_of(conn, &refs, &known)?;
        known.extend(pages);
        let rows: Vec<Vec<Val>> = events
            .iter()
            .map(|(e, received)| {
                let mut row = vec![Val::Int(e.seq)];
                row.extend(event_row(e, &known[&e.page], *received));
                row
            })
            .collect();
        insert_rows(conn, "events_v2", &rows, true)?;
        conn.batch("COMMIT")?;
        let done = after + rows.len() as i64;
        if done / 1_000_000 > after / 1_000_000 {
            log(&format!(
                "{done} events rewritten ({:.1} s)",
                started.elapsed().as_secs_f64()
            ));
        }
    }
    Ok(false)
}

/// Puts the rewritten table in the old one's place.
fn swap(conn: &mut dyn Conn) -> Result<()> {
    let d = conn.dialect();
    conn.batch("BEGIN")?;
    conn.batch("DROP TABLE events")?;
    conn.batch("ALTER TABLE events_v2 RENAME TO events")?;
    conn.batch(&d.continue_seq("events"))?;
    conn.batch("COMMIT")
}

/// Depths and dups of shares stored before stats came from SQL, share by share in stored
/// order as if each were being inserted; then the daily tables.
fn derive_all(conn: &mut dyn Conn, log: &mut dyn FnMut(&str)) -> Result<()> {
    let started = std::time::Instant::now();
    let mut after = i64::MIN;
    loop {
        let mut q = Query::new(conn);
        q.s(&format!(
            "SELECT {SHARE_COLUMNS} FROM events e JOIN pages p ON p.id = e.page
             WHERE e.seq > $1 AND e.depth IS NULL AND e.type IN ('share', 'copy') ORDER BY e.seq LIMIT 50000"
        ));
        q.push(after);
        let rows = q.rows(conn)?;
        let Some(last) = rows.last() else { break };
        after = last.int("seq")?;
        let mut shares = rows.iter().map(share_of).collect::<Result<Vec<_>>>()?;
        conn.batch("BEGIN")?;
        derive(conn, &mut shares, true, None)?;
        conn.batch("COMMIT")?;
    }
    conn.batch("BEGIN")?;
    daily::rebuild(conn, None)?;
    set_meta(conn, "derived", DERIVED)?;
    conn.batch("COMMIT")?;
    if started.elapsed().as_secs() > 0 {
        log(&format!(
            "chain depths and daily tables ({:.1} s)",
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(())
}
