//! Stats from SQL (SPEC §8): `/api/stats` and `/report` are answered by aggregates in the
//! database, never by loading the events of a range, on SQLite and on PostgreSQL alike.
//!
//! What is kept, in the same transaction as each insert:
//!
//! - on each event: its `site` (the host of `url`); on each share, its chain `depth` (0
//!   without a parent, else one more than the first stored share whose token is its
//!   parent, 1 when there is none: an address-bar token) and `dup` (1 when another share
//!   of the same channel has the same parent: those few are counted exactly, with
//!   `COUNT(DISTINCT parent)`, for `sharers`);
//! - `daily_stats`: events per UTC day, site, page (and `''`: the whole site), type,
//!   counted channel, depth and flag (shares: 0 no parent, 1 a parent no other share of
//!   the channel has, 2 `dup`; arrivals: 1 without referrer, 0 with);
//! - `daily_pages`: shares, arrivals, sourceless landings and arrivals without referrer
//!   per day, site and page (the most shared pages, the pages most reached without a
//!   source, spikes: `landings.rs`). Landings are in `daily_stats` too (type `landing`,
//!   channel `none`, depth and flag 0), never counted as shares.
//!
//! A range is answered from the daily tables for its whole days and from the events for
//! the part of a day at each end (at most a day each), so any range costs about the same.
//! Every query returns a bounded number of rows: per channel, per depth, per day, ten
//! pages, five chains, a share tree of at most [`TREE_NODES`] shares.

use crate::stats::{Chain, Filter, Stats};
use crate::store::StoreError;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

/// A day, in milliseconds.
pub const DAY_MS: i64 = 86_400_000;
/// Most shares shown in a share tree.
pub const TREE_NODES: i64 = 500;
/// Deepest level of a share tree.
const TREE_LEVELS: i64 = 100;
/// Longest chain walked for `chains.longest` (tokens, as before: 10 000).
const CHAIN_MAX: i64 = 10_000;
/// Most shares whose depth one batch may change (a late parent re-numbers its subtree).
const CASCADE_MAX: usize = 100_000;

/// The site of a page: the host of its URL, lower-case, with its port unless it is the
/// scheme's default (as `new URL(url).host` in a browser). Events are `http(s)://` URLs.
///
/// ```
/// use lanterne_collector::queries::site_of;
/// assert_eq!(site_of("https://Blog.Example/a?b#c"), "blog.example");
/// assert_eq!(site_of("http://127.0.0.1:8080/t/"), "127.0.0.1:8080");
/// assert_eq!(site_of("https://user:pw@shop.example:443/"), "shop.example");
/// ```
pub fn site_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let mut host = host.to_ascii_lowercase();
    let default = match scheme.to_ascii_lowercase().as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => "",
    };
    if !default.is_empty() && host.ends_with(default) && !host.ends_with("]") {
        host.truncate(host.len() - default.len());
    }
    host
}

/// A value going into or coming out of SQL.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
    /// A list bound as one array (PostgreSQL `= ANY($n)`, `unnest`).
    Texts(Vec<String>),
    Ints(Vec<i64>),
}

impl Val {
    pub fn int(&self) -> i64 {
        match self {
            Val::Int(i) => *i,
            Val::Text(t) => t.parse().unwrap_or(0),
            _ => 0,
        }
    }
    pub fn opt_int(&self) -> Option<i64> {
        match self {
            Val::Null => None,
            v => Some(v.int()),
        }
    }
    pub fn text(&self) -> String {
        match self {
            Val::Text(t) => t.clone(),
            Val::Int(i) => i.to_string(),
            _ => String::new(),
        }
    }
    pub fn opt_text(&self) -> Option<String> {
        match self {
            Val::Null => None,
            v => Some(v.text()),
        }
    }
}

/// One database connection (or transaction), SQLite or PostgreSQL. SQL is written once,
/// with `$1`-style parameters.
pub trait Conn {
    /// PostgreSQL (else SQLite).
    fn pg(&self) -> bool;
    /// The rows of a query.
    fn rows(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>, StoreError>;
    /// Runs a statement; how many rows it changed.
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError>;
    /// Runs several statements without parameters.
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;
}

/// SQLite through rusqlite (a connection or a transaction).
pub struct Lite<'a>(pub &'a rusqlite::Connection);

impl Conn for Lite<'_> {
    fn pg(&self) -> bool {
        false
    }
    fn rows(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>, StoreError> {
        use rusqlite::types::ValueRef;
        let mut statement = self.0.prepare_cached(&sql.replace('$', "?"))?;
        let n = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(params.iter().map(lite)))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                values.push(match row.get_ref(i)? {
                    ValueRef::Null | ValueRef::Blob(_) => Val::Null,
                    ValueRef::Integer(v) => Val::Int(v),
                    ValueRef::Real(v) => Val::Int(v as i64),
                    ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                });
            }
            out.push(values);
        }
        Ok(out)
    }
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError> {
        let mut statement = self.0.prepare_cached(&sql.replace('$', "?"))?;
        Ok(statement.execute(rusqlite::params_from_iter(params.iter().map(lite)))? as u64)
    }
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.0.execute_batch(sql)?)
    }
}

fn lite(v: &Val) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match v {
        Val::Null | Val::Texts(_) | Val::Ints(_) => Value::Null,
        Val::Int(i) => Value::Integer(*i),
        Val::Text(t) => Value::Text(t.clone()),
    }
}

/// Statements prepared on one PostgreSQL connection, by their SQL.
pub type Prepared = HashMap<String, postgres::Statement>;

/// PostgreSQL through the `postgres` crate (a client or a transaction), with the
/// connection's prepared statements if it keeps them (a statement is then parsed once
/// per connection, not at each use: half the round trips).
pub struct Pg<'a, C: postgres::GenericClient>(pub &'a mut C, pub Option<&'a mut Prepared>);

impl<C: postgres::GenericClient> Pg<'_, C> {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(cache) = self.1.as_deref_mut() {
            if let Some(statement) = cache.get(sql) {
                return Ok(statement.clone());
            }
        }
        let statement = self.0.prepare(sql).map_err(|e| pg_err(e, sql))?;
        if let Some(cache) = self.1.as_deref_mut() {
            if cache.len() >= 200 {
                cache.clear();
            }
            cache.insert(sql.to_owned(), statement.clone());
        }
        Ok(statement)
    }
}

fn pg_err(e: postgres::Error, sql: &str) -> StoreError {
    use std::error::Error;
    let cause = e.source().map(|s| format!(": {s}")).unwrap_or_default();
    let sql: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    StoreError(format!(
        "{e}{cause} (in {})",
        sql.chars().take(200).collect::<String>()
    ))
}

impl<C: postgres::GenericClient> Conn for Pg<'_, C> {
    fn pg(&self) -> bool {
        true
    }
    fn rows(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>, StoreError> {
        use postgres::types::Type;
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        let statement = self.statement(sql)?;
        let rows = self
            .0
            .query(&statement, &refs)
            .map_err(|e| pg_err(e, sql))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut values = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let t = column.type_();
                let v = if *t == Type::INT8 {
                    row.get::<_, Option<i64>>(i).map(Val::Int)
                } else if *t == Type::INT4 {
                    row.get::<_, Option<i32>>(i).map(|v| Val::Int(v.into()))
                } else if *t == Type::INT2 {
                    row.get::<_, Option<i16>>(i).map(|v| Val::Int(v.into()))
                } else if *t == Type::BOOL {
                    row.get::<_, Option<bool>>(i).map(|v| Val::Int(v.into()))
                } else {
                    row.get::<_, Option<String>>(i).map(Val::Text)
                };
                values.push(v.unwrap_or(Val::Null));
            }
            out.push(values);
        }
        Ok(out)
    }
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError> {
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        let statement = self.statement(sql)?;
        self.0
            .execute(&statement, &refs)
            .map_err(|e| pg_err(e, sql))
    }
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.0.batch_execute(sql).map_err(|e| pg_err(e, sql))
    }
}

fn pg_params(params: &[Val]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|v| -> Box<dyn postgres::types::ToSql + Sync> {
            match v {
                Val::Null => Box::new(None::<String>),
                Val::Int(i) => Box::new(*i),
                Val::Text(t) => Box::new(t.clone()),
                Val::Texts(t) => Box::new(t.clone()),
                Val::Ints(i) => Box::new(i.clone()),
            }
        })
        .collect()
}

/// A query being written: SQL with numbered parameters, for one backend.
struct Q {
    pg: bool,
    sql: String,
    params: Vec<Val>,
}

impl Q {
    fn new(conn: &dyn Conn) -> Q {
        Q {
            pg: conn.pg(),
            sql: String::new(),
            params: Vec::new(),
        }
    }
    /// SQL text; `{C}` is byte-order collation (PostgreSQL's default is the locale's).
    fn s(&mut self, sql: &str) -> &mut Q {
        if sql.contains('{') {
            let sql = sql
                .replace("{C}", if self.pg { " COLLATE \"C\"" } else { "" })
                .replace("{CCH}", &counted_channel_sql())
                .replace("{FLAG}", FLAG_SQL);
            self.sql.push_str(&sql);
        } else {
            self.sql.push_str(sql);
        }
        self
    }
    /// A parameter.
    fn p(&mut self, v: impl Into<Val>) -> &mut Q {
        self.params.push(v.into());
        let _ = write!(self.sql, "${}", self.params.len());
        self
    }
    /// `column IN (…)`: a list of texts.
    fn any(&mut self, column: &str, items: &[String]) -> &mut Q {
        if items.is_empty() {
            return self.s("1 = 0");
        }
        if self.pg {
            self.s(column)
                .s(" = ANY(")
                .p(Val::Texts(items.to_vec()))
                .s(")")
        } else {
            // One JSON array, so the statement is the same whatever the list's length: it
            // is prepared once and stays in the connection's statement cache.
            let list = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
            self.s(column)
                .s(" IN (SELECT value FROM json_each(")
                .p(list)
                .s("))")
        }
    }
    /// The rows of `daily_stats` for whole days `d1..=d2` of `filter`'s page (`''`: the
    /// whole site) and site.
    fn daily_days(&mut self, filter: &Filter, d1: i64, d2: i64) -> &mut Q {
        self.s(" WHERE url = ")
            .p(filter.page.clone().unwrap_or_default())
            .s(" AND day >= ")
            .p(d1)
            .s(" AND day <= ")
            .p(d2);
        if let Some(site) = &filter.site {
            self.s(" AND site = ").p(site.as_str());
        }
        self
    }
    /// The events from `from` to `to` (both included) of `filter`'s site and page.
    fn events_between(&mut self, filter: &Filter, from: i64, to: i64) -> &mut Q {
        self.s(" WHERE ts >= ")
            .p(from)
            .s(" AND ts <= ")
            .p(to)
            .site_page(filter, "")
    }
    /// The conditions of `filter`'s site and page on events (alias `e.` or none).
    fn site_page(&mut self, filter: &Filter, alias: &str) -> &mut Q {
        if let Some(site) = &filter.site {
            self.s(&format!(" AND {alias}site = ")).p(site.as_str());
        }
        if let Some(page) = &filter.page {
            self.s(&format!(" AND {alias}url = ")).p(page.as_str());
        }
        self
    }
    fn rows(&self, conn: &mut dyn Conn) -> Result<Vec<Vec<Val>>, StoreError> {
        conn.rows(&self.sql, &self.params)
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(v)
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(v.to_owned())
    }
}

impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(v)
    }
}

/// The channel an event counts for, in SQL: an arrival's token names it (the core's codes;
/// its `channel` field when the token names none), a share's is its `channel`.
fn counted_channel_sql() -> String {
    let mut sql = String::from("CASE WHEN type = 'arrival' THEN CASE substr(token, 1, 1)");
    for channel in lanterne::core::channel::Channel::all() {
        let _ = write!(
            sql,
            " WHEN '{}' THEN '{}'",
            channel.code() as char,
            channel.id()
        );
    }
    sql.push_str(" ELSE channel END ELSE channel END");
    sql
}

/// The same in Rust.
pub fn counted_channel<'a>(kind: &str, channel: &'a str, token: &str) -> &'a str {
    if kind != "arrival" {
        return channel;
    }
    token
        .bytes()
        .next()
        .and_then(lanterne::core::channel::Channel::from_code)
        .map_or(channel, |c| c.id())
}

/// An event's flag in `daily_stats`, in SQL.
const FLAG_SQL: &str = "CASE WHEN type = 'arrival' THEN (CASE WHEN referrer IS NULL OR referrer = '' THEN 1 ELSE 0 END) WHEN parent IS NULL THEN 0 WHEN dup = 1 THEN 2 ELSE 1 END";

/// The same in Rust.
fn flag(kind: &str, parent: Option<&str>, dup: bool, referrer_empty: bool) -> i64 {
    if kind == "arrival" {
        i64::from(referrer_empty)
    } else if parent.is_none() {
        0
    } else if dup {
        2
    } else {
        1
    }
}

/// The tables and indexes stats need, beyond the events table (both backends).
fn schema(pg: bool) -> String {
    let without_rowid = if pg { "" } else { " WITHOUT ROWID" };
    format!(
        "CREATE TABLE IF NOT EXISTS lanterne_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
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
){without_rowid};
CREATE TABLE IF NOT EXISTS daily_pages (
    day      BIGINT NOT NULL,
    site     TEXT   NOT NULL,
    url      TEXT   NOT NULL,
    shares   BIGINT NOT NULL,
    arrivals BIGINT NOT NULL,
    landings BIGINT NOT NULL DEFAULT 0,
    unreferred BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, site, url)
){without_rowid};"
    )
}

/// Indexes of the events table for stats, reports and exports. `events_dup` covers its
/// query (`COUNT(DISTINCT parent)` of dup shares): read from the index alone, never from
/// the rows scattered over the table.
const INDEXES: &str = "
CREATE INDEX IF NOT EXISTS events_site_ts ON events(site, ts);
CREATE INDEX IF NOT EXISTS events_url_ts ON events(url, ts);
CREATE INDEX IF NOT EXISTS events_dup ON events(ts, channel, parent, site, url) WHERE dup = 1;
CREATE INDEX IF NOT EXISTS events_deep ON events(depth, ts) WHERE depth > 0;
CREATE INDEX IF NOT EXISTS events_url_deep ON events(url, depth, ts) WHERE depth > 0;
";

/// PostgreSQL's token index in stored order (SQLite's has it: its rows are ordered by
/// `seq`), for the first share of a token.
const PG_TOKEN_INDEX: &str = "CREATE INDEX IF NOT EXISTS events_token_seq ON events(token, seq);
DROP INDEX IF EXISTS events_token;";

/// The version of the derived data (`site`, `depth`, `dup`, the daily tables).
const VERSION: i64 = 1;

/// Brings a database of any earlier version up to date: adds the columns and tables,
/// fills them from the stored events, adds the indexes. Idempotent, and safe to stop:
/// each step starts again where it stopped. The caller holds whatever lock keeps other
/// collectors out (PostgreSQL: an advisory lock). `log` hears progress on big databases.
pub fn migrate(conn: &mut dyn Conn, log: &mut dyn FnMut(&str)) -> Result<(), StoreError> {
    let pg = conn.pg();
    conn.batch(&schema(pg))?;
    crate::landings::migrate(conn)?;
    let version = conn
        .rows("SELECT value FROM lanterne_meta WHERE key = 'derived'", &[])?
        .first()
        .map_or(0, |r| r[0].int());
    if version >= VERSION {
        if pg {
            conn.batch(PG_TOKEN_INDEX)?;
        }
        return conn.batch(INDEXES);
    }
    // Columns (absent from databases made before stats came from SQL).
    let has = |conn: &mut dyn Conn, column: &str| -> Result<bool, StoreError> {
        let sql = if pg {
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'events' AND column_name = $1 AND table_schema = current_schema()"
        } else {
            "SELECT 1 FROM pragma_table_info('events') WHERE name = $1"
        };
        Ok(!conn.rows(sql, &[Val::from(column)])?.is_empty())
    };
    for (column, kind) in [("site", "TEXT"), ("depth", "BIGINT"), ("dup", "BIGINT")] {
        if !has(conn, column)? {
            conn.batch(&format!("ALTER TABLE events ADD COLUMN {column} {kind}"))?;
        }
    }
    let total = conn.rows("SELECT COUNT(*) FROM events", &[])?[0][0].int();
    if total > 0 {
        log(&format!(
            "updating {total} stored events for stats from SQL"
        ));
    }
    let started = std::time::Instant::now();
    let mut step = |what: &str| {
        if total > 0 {
            log(&format!(
                "{what} ({:.1} s)",
                started.elapsed().as_secs_f64()
            ));
        }
    };
    if pg {
        // One rewrite of the table (its indexes rebuilt by sorting, not row by row): an
        // UPDATE of every row is many times slower on PostgreSQL.
        // Room left in each page, so that setting the depth of shares next rewrites them
        // in place (a "HOT" update: no index touched).
        conn.batch("ALTER TABLE events SET (fillfactor = 70)")?;
        conn.batch(&format!(
            "ALTER TABLE events ALTER COLUMN site TYPE TEXT USING COALESCE(site, {}),
               ALTER COLUMN depth TYPE BIGINT USING COALESCE(depth, CASE WHEN type IN ('arrival', 'landing') THEN 0 END),
               ALTER COLUMN dup TYPE BIGINT USING COALESCE(dup, CASE WHEN type IN ('arrival', 'landing') THEN 0 END)",
            pg_site_sql("url")
        ))?;
    }
    // Sites (and each arrival's depth and dup, 0: one write of each row), by chunks of
    // rows in stored order, a transaction each.
    // (PostgreSQL's were filled by the rewrite above.)
    let mut after = i64::MIN;
    if !pg {
        loop {
            let rows = conn.rows(
                "SELECT seq, url FROM events WHERE seq > $1 AND site IS NULL ORDER BY seq LIMIT 50000",
                &[Val::Int(after)],
            )?;
            let Some(last) = rows.last() else { break };
            after = last[0].int();
            let seqs: Vec<i64> = rows.iter().map(|r| r[0].int()).collect();
            let sites: Vec<String> = rows.iter().map(|r| site_of(&r[1].text())).collect();
            conn.batch("BEGIN")?;
            set_sites(conn, &seqs, &sites)?;
            conn.batch("COMMIT")?;
        }
    }
    step("sites");
    if pg {
        conn.batch(PG_TOKEN_INDEX)?;
    }
    // Depths and dups, share by share in stored order, as if each were being inserted.
    let mut after = i64::MIN;
    loop {
        let rows = conn.rows(
            &format!("SELECT {SHARE_COLUMNS} FROM events WHERE seq > $1 AND depth IS NULL AND type IN ('share', 'copy') ORDER BY seq LIMIT 50000"),
            &[Val::Int(after)],
        )?;
        let Some(last) = rows.last() else { break };
        after = last[0].int();
        let shares: Vec<ShareRow> = rows.iter().map(|r| ShareRow::from_row(r)).collect();
        conn.batch("BEGIN")?;
        derive(conn, shares, None)?;
        conn.batch("COMMIT")?;
    }
    step("chain depths");
    conn.batch("BEGIN")?;
    rebuild_rollups(conn, None)?;
    conn.batch("COMMIT")?;
    step("daily tables");
    conn.batch(INDEXES)?;
    step("indexes");
    conn.exec(
        if pg {
            "INSERT INTO lanterne_meta (key, value) VALUES ('derived', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        } else {
            "INSERT OR REPLACE INTO lanterne_meta (key, value) VALUES ('derived', $1)"
        },
        &[Val::Int(VERSION)],
    )?;
    Ok(())
}

/// [`site_of`] in PostgreSQL's SQL, for the column `url` (no subquery: it is used to
/// rewrite the table).
fn pg_site_sql(url: &str) -> String {
    const UP: &str = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'";
    let has = format!("strpos({url}, '://') > 0");
    let rest =
        format!("CASE WHEN {has} THEN substr({url}, strpos({url}, '://') + 3) ELSE {url} END");
    let scheme = format!(
        "CASE WHEN {has} THEN translate(substr({url}, 1, strpos({url}, '://') - 1), {UP}) ELSE '' END"
    );
    let host = format!(
        "translate(regexp_replace(substring({rest} from '^[^/?#\\\\]*'), '^.*@', ''), {UP})"
    );
    format!(
        "CASE WHEN {scheme} = 'http' AND right({host}, 3) = ':80' THEN left({host}, -3) \
         WHEN {scheme} = 'https' AND right({host}, 4) = ':443' THEN left({host}, -4) \
         ELSE {host} END"
    )
}

fn set_sites(conn: &mut dyn Conn, seqs: &[i64], sites: &[String]) -> Result<(), StoreError> {
    if conn.pg() {
        conn.exec(
            "UPDATE events SET site = v.site,
                depth = CASE WHEN events.type IN ('arrival', 'landing') THEN 0 ELSE events.depth END,
                dup = CASE WHEN events.type IN ('arrival', 'landing') THEN 0 ELSE events.dup END
             FROM unnest($1::BIGINT[], $2::TEXT[]) AS v(seq, site) WHERE events.seq = v.seq",
            &[Val::Ints(seqs.to_vec()), Val::Texts(sites.to_vec())],
        )?;
    } else {
        for (seq, site) in seqs.iter().zip(sites) {
            conn.exec(
                "UPDATE events SET site = $1, depth = CASE WHEN type IN ('arrival', 'landing') THEN 0 ELSE depth END,
                    dup = CASE WHEN type IN ('arrival', 'landing') THEN 0 ELSE dup END WHERE seq = $2",
                &[Val::Text(site.clone()), Val::Int(*seq)],
            )?;
        }
    }
    Ok(())
}

/// Recomputes the daily tables from the events: all of them, or the days `lo..=hi`.
pub fn rebuild_rollups(conn: &mut dyn Conn, days: Option<(i64, i64)>) -> Result<(), StoreError> {
    let (lo, hi) = days.unwrap_or((i64::MIN / DAY_MS, i64::MAX / DAY_MS - 1));
    let (from, to) = (
        lo.saturating_mul(DAY_MS),
        (hi + 1).saturating_mul(DAY_MS) - 1,
    );
    let range = [Val::Int(lo), Val::Int(hi)];
    conn.exec(
        "DELETE FROM daily_stats WHERE day >= $1 AND day <= $2",
        &range,
    )?;
    conn.exec(
        "DELETE FROM daily_pages WHERE day >= $1 AND day <= $2",
        &range,
    )?;
    let ts = [Val::Int(from), Val::Int(to)];
    let mut q = Q::new(conn);
    q.s(
        "INSERT INTO daily_stats (url, day, site, type, channel, depth, flag, n)
         SELECT url, ts / 86400000, site, type, {CCH}, depth, {FLAG}, COUNT(*) FROM events
         WHERE ts >= $1 AND ts <= $2 GROUP BY 1, 2, 3, 4, 5, 6, 7",
    );
    conn.exec(&q.sql, &ts)?;
    let mut q = Q::new(conn);
    q.s(
        "INSERT INTO daily_stats (url, day, site, type, channel, depth, flag, n)
         SELECT '', ts / 86400000, site, type, {CCH}, depth, {FLAG}, COUNT(*) FROM events
         WHERE ts >= $1 AND ts <= $2 GROUP BY 2, 3, 4, 5, 6, 7",
    );
    conn.exec(&q.sql, &ts)?;
    conn.exec(
        "INSERT INTO daily_pages (day, site, url, shares, arrivals, landings, unreferred)
         SELECT ts / 86400000, site, url, SUM(CASE WHEN type IN ('arrival', 'landing') THEN 0 ELSE 1 END),
                SUM(CASE WHEN type = 'arrival' THEN 1 ELSE 0 END),
                SUM(CASE WHEN type = 'landing' THEN 1 ELSE 0 END),
                SUM(CASE WHEN type = 'arrival' AND (referrer IS NULL OR referrer = '') THEN 1 ELSE 0 END)
         FROM events WHERE ts >= $1 AND ts <= $2 GROUP BY 1, 2, 3",
        &ts,
    )?;
    Ok(())
}

/// Deletes the events before `ts` and what the daily tables counted of them.
pub fn delete_before(conn: &mut dyn Conn, ts: i64) -> Result<usize, StoreError> {
    let n = conn.exec("DELETE FROM events WHERE ts < $1", &[Val::Int(ts)])?;
    let day = ts.div_euclid(DAY_MS);
    conn.exec("DELETE FROM daily_stats WHERE day < $1", &[Val::Int(day)])?;
    conn.exec("DELETE FROM daily_pages WHERE day < $1", &[Val::Int(day)])?;
    if ts.rem_euclid(DAY_MS) != 0 && n > 0 {
        rebuild_rollups(conn, Some((day, day)))?;
    }
    Ok(n as usize)
}

// ---------------------------------------------------------------------------------------
// Keeping the derived data at insert.

/// The columns of a share as the derivation reads it.
const SHARE_COLUMNS: &str = "seq, token, parent, type, channel, site, url, ts, depth, dup";

/// A share (stored, or being stored).
#[derive(Clone, Debug)]
pub struct ShareRow {
    pub seq: i64,
    pub token: String,
    pub parent: Option<String>,
    pub kind: String,
    pub channel: String,
    pub site: String,
    pub url: String,
    pub ts: i64,
    pub depth: Option<i64>,
    pub dup: Option<i64>,
}

impl ShareRow {
    fn from_row(r: &[Val]) -> ShareRow {
        ShareRow {
            seq: r[0].int(),
            token: r[1].text(),
            parent: r[2].opt_text(),
            kind: r[3].text(),
            channel: r[4].text(),
            site: r[5].text(),
            url: r[6].text(),
            ts: r[7].int(),
            depth: r[8].opt_int(),
            dup: r[9].opt_int(),
        }
    }
}

/// An event just stored (its `seq` given by the database).
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub seq: i64,
    pub kind: String,
    pub channel: String,
    pub token: String,
    pub parent: Option<String>,
    pub url: String,
    pub site: String,
    pub ts: i64,
    pub referrer_empty: bool,
}

type StatKey = (String, i64, String, String, String, i64, i64);
/// Per (day, site, page): shares, arrivals, landings, arrivals without referrer.
type PageKey = (i64, String, String);
type PageCounts = (i64, i64, i64, i64);

/// Changes to the daily tables, applied in key order.
#[derive(Default, Debug)]
pub struct Deltas {
    stats: BTreeMap<StatKey, i64>,
    /// Per (day, site, page): shares, arrivals, landings, arrivals without referrer.
    pages: BTreeMap<PageKey, PageCounts>,
}

impl Deltas {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        url: &str,
        ts: i64,
        site: &str,
        kind: &str,
        channel: &str,
        depth: i64,
        flag: i64,
        n: i64,
    ) {
        let day = ts.div_euclid(DAY_MS);
        for url in [url, ""] {
            *self
                .stats
                .entry((
                    url.to_owned(),
                    day,
                    site.to_owned(),
                    kind.to_owned(),
                    channel.to_owned(),
                    depth,
                    flag,
                ))
                .or_default() += n;
        }
    }

    fn share(&mut self, s: &ShareRow, n: i64) {
        let (depth, dup) = (s.depth.unwrap_or(0), s.dup.unwrap_or(0) == 1);
        let f = flag(&s.kind, s.parent.as_deref(), dup, false);
        self.add(&s.url, s.ts, &s.site, &s.kind, &s.channel, depth, f, n);
    }

    fn apply(self, conn: &mut dyn Conn) -> Result<(), StoreError> {
        let stats: Vec<_> = self.stats.into_iter().filter(|(_, n)| *n != 0).collect();
        let pages: Vec<_> = self.pages.into_iter().collect();
        if conn.pg() {
            for chunk in stats.chunks(5000) {
                let col =
                    |f: &dyn Fn(&(StatKey, i64)) -> Val| chunk.iter().map(f).collect::<Vec<_>>();
                let texts = |v: Vec<Val>| Val::Texts(v.into_iter().map(|v| v.text()).collect());
                let ints = |v: Vec<Val>| Val::Ints(v.into_iter().map(|v| v.int()).collect());
                conn.exec(
                    "INSERT INTO daily_stats (url, day, site, type, channel, depth, flag, n)
                     SELECT * FROM unnest($1::TEXT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::BIGINT[], $7::BIGINT[], $8::BIGINT[])
                     ON CONFLICT (url, day, site, type, channel, depth, flag) DO UPDATE SET n = daily_stats.n + excluded.n",
                    &[
                        texts(col(&|e| Val::Text(e.0 .0.clone()))),
                        ints(col(&|e| Val::Int(e.0 .1))),
                        texts(col(&|e| Val::Text(e.0 .2.clone()))),
                        texts(col(&|e| Val::Text(e.0 .3.clone()))),
                        texts(col(&|e| Val::Text(e.0 .4.clone()))),
                        ints(col(&|e| Val::Int(e.0 .5))),
                        ints(col(&|e| Val::Int(e.0 .6))),
                        ints(col(&|e| Val::Int(e.1))),
                    ],
                )?;
            }
            for chunk in pages.chunks(5000) {
                conn.exec(
                    "INSERT INTO daily_pages (day, site, url, shares, arrivals, landings, unreferred)
                     SELECT * FROM unnest($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::BIGINT[], $5::BIGINT[], $6::BIGINT[], $7::BIGINT[])
                     ON CONFLICT (day, site, url) DO UPDATE SET shares = daily_pages.shares + excluded.shares, arrivals = daily_pages.arrivals + excluded.arrivals,
                       landings = daily_pages.landings + excluded.landings, unreferred = daily_pages.unreferred + excluded.unreferred",
                    &[
                        Val::Ints(chunk.iter().map(|e| e.0 .0).collect()),
                        Val::Texts(chunk.iter().map(|e| e.0 .1.clone()).collect()),
                        Val::Texts(chunk.iter().map(|e| e.0 .2.clone()).collect()),
                        Val::Ints(chunk.iter().map(|e| e.1 .0).collect()),
                        Val::Ints(chunk.iter().map(|e| e.1 .1).collect()),
                        Val::Ints(chunk.iter().map(|e| e.1 .2).collect()),
                        Val::Ints(chunk.iter().map(|e| e.1 .3).collect()),
                    ],
                )?;
            }
        } else {
            for ((url, day, site, kind, channel, depth, flag), n) in stats {
                conn.exec(
                    "INSERT INTO daily_stats (url, day, site, type, channel, depth, flag, n) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (url, day, site, type, channel, depth, flag) DO UPDATE SET n = n + excluded.n",
                    &[
                        Val::Text(url),
                        Val::Int(day),
                        Val::Text(site),
                        Val::Text(kind),
                        Val::Text(channel),
                        Val::Int(depth),
                        Val::Int(flag),
                        Val::Int(n),
                    ],
                )?;
            }
            for ((day, site, url), (shares, arrivals, landings, unreferred)) in pages {
                conn.exec(
                    "INSERT INTO daily_pages (day, site, url, shares, arrivals, landings, unreferred) VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (day, site, url) DO UPDATE SET shares = shares + excluded.shares, arrivals = arrivals + excluded.arrivals,
                       landings = landings + excluded.landings, unreferred = unreferred + excluded.unreferred",
                    &[Val::Int(day), Val::Text(site), Val::Text(url), Val::Int(shares), Val::Int(arrivals), Val::Int(landings), Val::Int(unreferred)],
                )?;
            }
        }
        Ok(())
    }
}

/// What the stats keep of events just stored, in the inserting transaction: the depth
/// and `dup` of new shares (and of stored shares they change), and the daily tables.
pub fn after_insert(conn: &mut dyn Conn, events: &[NewEvent]) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let mut deltas = Deltas::default();
    let mut shares = Vec::new();
    for e in events {
        let day = e.ts.div_euclid(DAY_MS);
        let page = deltas
            .pages
            .entry((day, e.site.clone(), e.url.clone()))
            .or_default();
        if e.kind == "landing" {
            page.2 += 1;
            deltas.add(&e.url, e.ts, &e.site, "landing", "none", 0, 0, 1);
        } else if e.kind == "arrival" {
            page.1 += 1;
            page.3 += i64::from(e.referrer_empty);
            let channel = counted_channel(&e.kind, &e.channel, &e.token);
            let f = flag(&e.kind, None, false, e.referrer_empty);
            deltas.add(&e.url, e.ts, &e.site, &e.kind, channel, 0, f, 1);
        } else {
            page.0 += 1;
            shares.push(ShareRow {
                seq: e.seq,
                token: e.token.clone(),
                parent: e.parent.clone(),
                kind: e.kind.clone(),
                channel: e.channel.clone(),
                site: e.site.clone(),
                url: e.url.clone(),
                ts: e.ts,
                // As inserted: a share without a parent is at depth 0, and no dup, for
                // good (`store::Fields::derived`); others are derived below.
                depth: e.parent.is_none().then_some(0),
                dup: e.parent.is_none().then_some(0),
            });
        }
    }
    derive(conn, shares, Some(&mut deltas))?;
    deltas.apply(conn)
}

/// Processed shares (`depth` known) whose `column` is one of `values`.
fn shares_where(
    conn: &mut dyn Conn,
    column: &str,
    values: &[String],
) -> Result<Vec<ShareRow>, StoreError> {
    let mut out = Vec::new();
    // SQLite binds each value; PostgreSQL takes one array (fewer round trips).
    let size = if conn.pg() { 20_000 } else { 500 };
    for chunk in values.chunks(size) {
        let mut q = Q::new(conn);
        q.s(&format!("SELECT {SHARE_COLUMNS} FROM events WHERE "))
            .any(column, chunk)
            .s(" AND type <> 'arrival' AND depth IS NOT NULL");
        out.extend(q.rows(conn)?.iter().map(|r| ShareRow::from_row(r)));
    }
    Ok(out)
}

/// The first processed share (lowest seq) with each of `tokens`, if any: one index probe
/// each, however many events carry the token.
fn first_shares(conn: &mut dyn Conn, tokens: &[String]) -> Result<Vec<ShareRow>, StoreError> {
    let mut out = Vec::new();
    if conn.pg() {
        for chunk in tokens.chunks(20_000) {
            let columns = SHARE_COLUMNS.replace(", ", ", e.");
            let rows = conn.rows(
                &format!(
                    "SELECT e.{columns} FROM unnest($1::TEXT[]) AS t(token) CROSS JOIN LATERAL (
                       SELECT {SHARE_COLUMNS} FROM events WHERE events.token = t.token AND type <> 'arrival' AND depth IS NOT NULL
                       ORDER BY seq LIMIT 1) e"
                ),
                &[Val::Texts(chunk.to_vec())],
            )?;
            out.extend(rows.iter().map(|r| ShareRow::from_row(r)));
        }
    } else {
        // One statement for the whole list (a JSON array): SQLite re-prepares a statement
        // whose bound values its planner looked at, so one run per token cost a parse each.
        let columns = SHARE_COLUMNS.replace(", ", ", e.");
        for chunk in tokens.chunks(5_000) {
            let list = serde_json::to_string(chunk).unwrap_or_else(|_| "[]".into());
            let rows = conn.rows(
                &format!(
                    "SELECT e.{columns} FROM json_each($1) AS t JOIN events e ON e.seq = (
                       SELECT seq FROM events WHERE token = t.value AND type <> 'arrival' AND depth IS NOT NULL
                       ORDER BY seq LIMIT 1)"
                ),
                &[Val::Text(list)],
            )?;
            out.extend(rows.iter().map(|r| ShareRow::from_row(r)));
        }
    }
    Ok(out)
}

/// Up to two processed shares of each (channel, parent) group.
fn group_members(
    conn: &mut dyn Conn,
    groups: &[(String, String)],
) -> Result<Vec<ShareRow>, StoreError> {
    let mut out = Vec::new();
    if conn.pg() {
        for chunk in groups.chunks(20_000) {
            let columns = SHARE_COLUMNS.replace(", ", ", e.");
            let rows = conn.rows(
                &format!(
                    "SELECT e.{columns} FROM unnest($1::TEXT[], $2::TEXT[]) AS g(channel, parent) CROSS JOIN LATERAL (
                       SELECT {SHARE_COLUMNS} FROM events WHERE events.parent = g.parent AND events.channel = g.channel
                       AND type <> 'arrival' AND depth IS NOT NULL LIMIT 2) e"
                ),
                &[
                    Val::Texts(chunk.iter().map(|g| g.0.clone()).collect()),
                    Val::Texts(chunk.iter().map(|g| g.1.clone()).collect()),
                ],
            )?;
            out.extend(rows.iter().map(|r| ShareRow::from_row(r)));
        }
    } else {
        // As in `first_shares`: one statement for the list, `[[channel, parent], …]`.
        let columns = SHARE_COLUMNS.replace(", ", ", e.");
        for chunk in groups.chunks(5_000) {
            let list = serde_json::to_string(chunk).unwrap_or_else(|_| "[]".into());
            let rows = conn.rows(
                &format!(
                    "SELECT e.{columns} FROM json_each($1) AS g JOIN events e ON e.seq IN (
                       SELECT seq FROM events WHERE parent = g.value ->> 1 AND channel = g.value ->> 0
                       AND type <> 'arrival' AND depth IS NOT NULL LIMIT 2)"
                ),
                &[Val::Text(list)],
            )?;
            out.extend(rows.iter().map(|r| ShareRow::from_row(r)));
        }
    }
    Ok(out)
}

/// Where a share's canonical parent is: the first stored share with the token.
#[derive(Clone, Copy, Debug)]
enum Node {
    /// A stored share that keeps its depth.
    Fixed(i64),
    /// A node of this derivation (a new share, or a stored one whose depth may change).
    Open(usize),
}

/// Sets the depth and `dup` of `new` shares (in stored order, depth unknown), changing
/// stored shares they re-number or make dups, and records the changes to the daily
/// tables in `deltas` (none during a migration, which rebuilds them after).
fn derive(
    conn: &mut dyn Conn,
    new: Vec<ShareRow>,
    mut deltas: Option<&mut Deltas>,
) -> Result<(), StoreError> {
    if new.is_empty() {
        return Ok(());
    }
    let n_new = new.len();
    // The nodes: the new shares, then stored shares under them.
    let mut nodes: Vec<ShareRow> = new;

    // Canonical shares of every token involved: the stored one with the lowest seq, else
    // the first new one.
    let mut wanted: Vec<String> = nodes
        .iter()
        .flat_map(|s| std::iter::once(s.token.clone()).chain(s.parent.clone()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    wanted.sort();
    let mut canon: HashMap<String, (i64, Node)> = HashMap::new();
    // New shares without a parent, stored at depth 0 already, are found here as fixed:
    // rightly, since stored shares under such a late root were counted under an
    // address-bar token, at the same depths (1, 2, …) it gives them.
    for row in first_shares(conn, &wanted)? {
        canon.insert(
            row.token.clone(),
            (row.seq, Node::Fixed(row.depth.unwrap_or(0))),
        );
    }
    let mut frontier: Vec<String> = Vec::new();
    for (i, s) in nodes.iter().enumerate() {
        if !canon.contains_key(&s.token) {
            canon.insert(s.token.clone(), (s.seq, Node::Open(i)));
            frontier.push(s.token.clone());
        }
    }

    // Stored shares of the same channel and parent as new ones (two at most: if there are
    // two, they are dups already), and stored shares under new canonical shares (a parent
    // stored after its children).
    let mut groups: Vec<(String, String)> = nodes[..n_new]
        .iter()
        .filter_map(|s| s.parent.clone().map(|p| (s.channel.clone(), p)))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    groups.sort();
    let mut siblings: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let mut index_of: HashMap<i64, usize> = HashMap::new();
    for row in group_members(conn, &groups)? {
        let key = (row.channel.clone(), row.parent.clone().unwrap_or_default());
        let i = *index_of.entry(row.seq).or_insert_with(|| {
            nodes.push(row);
            nodes.len() - 1
        });
        siblings.entry(key).or_default().push(i);
    }
    frontier.sort();
    let mut under: Vec<usize> = Vec::new();
    for row in shares_where(conn, "parent", &frontier)? {
        let i = *index_of.entry(row.seq).or_insert_with(|| {
            nodes.push(row);
            nodes.len() - 1
        });
        under.push(i);
    }
    // Down the subtrees of new canonical shares, as far as stored shares are canonical.
    let mut collected = 0usize;
    while !under.is_empty() && collected < CASCADE_MAX {
        collected += under.len();
        let tokens: Vec<String> = under
            .iter()
            .map(|&i| nodes[i].token.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for row in first_shares(conn, &tokens)? {
            canon
                .entry(row.token.clone())
                .or_insert((row.seq, Node::Fixed(row.depth.unwrap_or(0))));
        }
        let mut next_tokens = Vec::new();
        for &i in &under {
            let token = nodes[i].token.clone();
            if let Some(entry) = canon.get_mut(&token) {
                if entry.0 == nodes[i].seq && matches!(entry.1, Node::Fixed(_)) {
                    entry.1 = Node::Open(i);
                    next_tokens.push(token);
                }
            }
        }
        next_tokens.sort();
        next_tokens.dedup();
        under.clear();
        for row in shares_where(conn, "parent", &next_tokens)? {
            if index_of.contains_key(&row.seq) {
                continue;
            }
            nodes.push(row);
            let i = nodes.len() - 1;
            index_of.insert(nodes[i].seq, i);
            under.push(i);
        }
    }

    // Depths of the open nodes, walking up to a root, a fixed share or a loop (which ends
    // where it closes), each node once.
    let mut depth: Vec<Option<i64>> = vec![None; nodes.len()];
    for start in 0..nodes.len() {
        let mut path: Vec<usize> = Vec::new();
        let mut on_path = HashSet::new();
        let mut current = start;
        // The depth of the last node of the path.
        let top = loop {
            if let Some(d) = depth[current] {
                // `current` is the parent of the path's last node.
                break if path.is_empty() { d } else { d + 1 };
            }
            if !on_path.insert(current) {
                break 0;
            }
            path.push(current);
            match nodes[current].parent.as_ref().map(|p| canon.get(p)) {
                None => break 0,
                Some(None) => break 1,
                Some(Some((_, Node::Fixed(d)))) => break d + 1,
                Some(Some((_, Node::Open(j)))) => current = *j,
            }
        };
        for (k, &node) in path.iter().rev().enumerate() {
            depth[node] = Some(top + k as i64);
        }
    }

    // Dups: a parent shared more than once on one channel.
    let mut groups: HashMap<(String, String), Vec<usize>> = siblings;
    for (i, s) in nodes[..n_new].iter().enumerate() {
        if let Some(parent) = &s.parent {
            groups
                .entry((s.channel.clone(), parent.clone()))
                .or_default()
                .push(i);
        }
    }
    let mut dup: Vec<i64> = nodes.iter().map(|s| s.dup.unwrap_or(0)).collect();
    dup[..n_new].fill(0);
    for members in groups.values() {
        let mut members = members.clone();
        members.sort_unstable();
        members.dedup();
        if members.len() > 1 {
            for &i in &members {
                dup[i] = 1;
            }
        }
    }

    // Write: every new share, and the stored ones that changed.
    let mut writes: Vec<(i64, i64, i64)> = Vec::new();
    for (i, s) in nodes.iter_mut().enumerate() {
        let d = depth[i].unwrap_or(0);
        let new = i < n_new;
        let stale = s.depth != Some(d) || s.dup != Some(dup[i]);
        if !new && !stale {
            continue;
        }
        if let Some(deltas) = deltas.as_deref_mut() {
            // A stored share leaves the counts it was in; a new one was in none.
            if !new {
                deltas.share(s, -1);
            }
        }
        s.depth = Some(d);
        s.dup = Some(dup[i]);
        if let Some(deltas) = deltas.as_deref_mut() {
            deltas.share(s, 1);
        }
        // A new share stored with the right values (no parent: depth 0) is not rewritten.
        if stale {
            writes.push((s.seq, d, dup[i]));
        }
    }
    set_derived(conn, &writes)
}

fn set_derived(conn: &mut dyn Conn, writes: &[(i64, i64, i64)]) -> Result<(), StoreError> {
    if conn.pg() {
        for chunk in writes.chunks(10_000) {
            conn.exec(
                "UPDATE events SET depth = v.depth, dup = v.dup FROM unnest($1::BIGINT[], $2::BIGINT[], $3::BIGINT[]) AS v(seq, depth, dup) WHERE events.seq = v.seq",
                &[
                    Val::Ints(chunk.iter().map(|w| w.0).collect()),
                    Val::Ints(chunk.iter().map(|w| w.1).collect()),
                    Val::Ints(chunk.iter().map(|w| w.2).collect()),
                ],
            )?;
        }
    } else {
        for &(seq, depth, dup) in writes {
            conn.exec(
                "UPDATE events SET depth = $1, dup = $2 WHERE seq = $3",
                &[Val::Int(depth), Val::Int(dup), Val::Int(seq)],
            )?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Reading.

/// Whether ranges are answered from the daily tables (on by default;
/// `LANTERNE_ROLLUPS=0` answers everything from the events, for the benchmark).
fn rollups_on() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("LANTERNE_ROLLUPS").map_or(true, |v| v != "0"))
}

/// A filter's time range cut into whole days (from the daily tables) and at most two
/// partial days at its ends (from the events).
#[derive(Debug, PartialEq)]
pub(crate) struct Span {
    from: i64,
    to: i64,
    pub(crate) days: Option<(i64, i64)>,
    pub(crate) edges: Vec<(i64, i64)>,
}

impl Span {
    fn of(filter: &Filter) -> Option<Span> {
        let from = filter.from.unwrap_or(i64::MIN);
        let to = filter.to.unwrap_or(i64::MAX);
        if from > to {
            return None;
        }
        let day = i128::from(DAY_MS);
        let (f, t) = (i128::from(from), i128::from(to));
        // The first day starting at or after `from`, the last ending at or before `to`.
        let d1 = f.div_euclid(day) + i128::from(f.rem_euclid(day) != 0);
        let d2 = (t + 1).div_euclid(day) - 1;
        let clamp = |v: i128| v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
        if d1 > d2 || !rollups_on() {
            return Some(Span {
                from,
                to,
                days: None,
                edges: vec![(from, to)],
            });
        }
        let mut edges = Vec::new();
        // No end given: nothing before the first day or after the last to read.
        if filter.from.is_some() && f < d1 * day {
            edges.push((from, clamp(d1 * day - 1)));
        }
        if filter.to.is_some() && t >= (d2 + 1) * day {
            edges.push((clamp((d2 + 1) * day), to));
        }
        Some(Span {
            from,
            to,
            days: Some((clamp(d1), clamp(d2))),
            edges,
        })
    }
}

/// Counts per (type, counted channel, depth, flag) for a filter.
type Buckets = HashMap<(String, String, i64, i64), i64>;

fn buckets(conn: &mut dyn Conn, filter: &Filter, span: &Span) -> Result<Buckets, StoreError> {
    let mut out = Buckets::new();
    let mut add = |rows: Vec<Vec<Val>>| {
        for r in rows {
            *out.entry((r[0].text(), r[1].text(), r[2].int(), r[3].int()))
                .or_default() += r[4].int();
        }
    };
    if let Some((d1, d2)) = span.days {
        let mut q = Q::new(conn);
        q.s("SELECT type, channel, depth, flag, CAST(SUM(n) AS BIGINT) FROM daily_stats")
            .daily_days(filter, d1, d2)
            .s(" GROUP BY type, channel, depth, flag");
        add(q.rows(conn)?);
    }
    for &(from, to) in &span.edges {
        let mut q = Q::new(conn);
        q.s("SELECT type, {CCH}, depth, {FLAG}, COUNT(*) FROM events")
            .events_between(filter, from, to)
            .s(" GROUP BY 1, 2, 3, 4");
        add(q.rows(conn)?);
    }
    Ok(out)
}

/// Shares and arrivals per day (UTC), oldest first.
fn days(
    conn: &mut dyn Conn,
    filter: &Filter,
    span: &Span,
) -> Result<Vec<(String, u64, u64)>, StoreError> {
    let mut out: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let mut add = |rows: Vec<Vec<Val>>| {
        for r in rows {
            let e = out.entry(r[0].int()).or_default();
            e.0 += r[1].int();
            e.1 += r[2].int();
        }
    };
    if let Some((d1, d2)) = span.days {
        let mut q = Q::new(conn);
        q.s("SELECT day, CAST(SUM(CASE WHEN type IN ('arrival', 'landing') THEN 0 ELSE n END) AS BIGINT), CAST(SUM(CASE WHEN type = 'arrival' THEN n ELSE 0 END) AS BIGINT) FROM daily_stats")
            .daily_days(filter, d1, d2)
            .s(" GROUP BY day");
        add(q.rows(conn)?);
    }
    for &(from, to) in &span.edges {
        let mut q = Q::new(conn);
        q.s("SELECT ts / 86400000, SUM(CASE WHEN type IN ('arrival', 'landing') THEN 0 ELSE 1 END), SUM(CASE WHEN type = 'arrival' THEN 1 ELSE 0 END) FROM events")
            .events_between(filter, from, to)
            .s(" GROUP BY 1");
        add(q.rows(conn)?);
    }
    Ok(out
        .into_iter()
        .filter(|(_, (s, a))| s + a > 0)
        .map(|(d, (s, a))| (crate::stats::day(d * DAY_MS), s as u64, a as u64))
        .collect())
}

/// The ten most shared pages.
fn top_pages(
    conn: &mut dyn Conn,
    filter: &Filter,
    span: &Span,
) -> Result<Vec<crate::stats::PageStats>, StoreError> {
    let mut q = Q::new(conn);
    q.s("SELECT url, CAST(SUM(s) AS BIGINT) AS total_s, CAST(SUM(a) AS BIGINT) AS total_a FROM (");
    let mut parts = 0;
    if let Some((d1, d2)) = span.days {
        q.s("SELECT url, shares AS s, arrivals AS a FROM daily_pages WHERE day >= ")
            .p(d1)
            .s(" AND day <= ")
            .p(d2);
        if let Some(site) = &filter.site {
            q.s(" AND site = ").p(site.as_str());
        }
        if let Some(page) = &filter.page {
            q.s(" AND url = ").p(page.as_str());
        }
        parts += 1;
    }
    for &(from, to) in &span.edges {
        if parts > 0 {
            q.s(" UNION ALL ");
        }
        q.s("SELECT url, CASE WHEN type IN ('arrival', 'landing') THEN 0 ELSE 1 END AS s, CASE WHEN type = 'arrival' THEN 1 ELSE 0 END AS a FROM events WHERE ts >= ")
            .p(from)
            .s(" AND ts <= ")
            .p(to)
            .site_page(filter, "");
        parts += 1;
    }
    q.s(") t GROUP BY url HAVING SUM(s) + SUM(a) > 0 ORDER BY total_s DESC, total_a DESC, url{C} LIMIT 10");
    Ok(q.rows(conn)?
        .into_iter()
        .map(|r| crate::stats::PageStats {
            url: r[0].text(),
            shares: r[1].int() as u64,
            arrivals: r[2].int() as u64,
        })
        .collect())
}

/// Distinct parents of `dup` shares, per channel (the rest of `sharers` is counted).
fn dup_parents(
    conn: &mut dyn Conn,
    filter: &Filter,
    span: &Span,
) -> Result<HashMap<String, i64>, StoreError> {
    let mut q = Q::new(conn);
    // The few dup shares, by their own index (SQLite would rather read a site's or a
    // page's every event by theirs).
    let indexed = if conn.pg() {
        ""
    } else {
        " INDEXED BY events_dup"
    };
    q.s(&format!(
        "SELECT channel, COUNT(DISTINCT parent) FROM events{indexed} WHERE dup = 1 AND ts >= "
    ))
    .p(span.from)
    .s(" AND ts <= ")
    .p(span.to)
    .site_page(filter, "")
    .s(" GROUP BY channel");
    Ok(q.rows(conn)?
        .into_iter()
        .map(|r| (r[0].text(), r[1].int()))
        .collect())
}

/// The tokens from the first share of a chain (or the address-bar token it came from) to
/// the share `seq` of depth `depth`.
fn chain_tokens(conn: &mut dyn Conn, seq: i64, depth: i64) -> Result<Vec<String>, StoreError> {
    let bound = depth.min(CHAIN_MAX);
    let rows = conn.rows(
        "WITH RECURSIVE up(n, token, parent) AS (
            SELECT 0, token, parent FROM events WHERE seq = $1
            UNION ALL
            SELECT up.n + 1, e.token, e.parent FROM up JOIN events e ON e.seq = (
                SELECT s.seq FROM events s WHERE s.token = up.parent AND s.type <> 'arrival' AND s.depth IS NOT NULL
                ORDER BY s.seq LIMIT 1)
            WHERE up.n < CAST($2 AS BIGINT)
        ) SELECT n, token, parent FROM up ORDER BY n",
        &[Val::Int(seq), Val::Int(bound)],
    )?;
    let mut tokens: Vec<String> = rows.iter().map(|r| r[1].text()).collect();
    if let Some(last) = rows.last() {
        // The walk ended at a share whose parent has no share (an address-bar token).
        if let Some(parent) = last[2].opt_text() {
            if (last[0].int()) < bound {
                tokens.push(parent);
            }
        }
    }
    tokens.reverse();
    Ok(tokens)
}

/// The five longest chains among the shares of the filter, longest first, newest first
/// among equals; `depths` is the filter's histogram.
fn longest(
    conn: &mut dyn Conn,
    filter: &Filter,
    span: &Span,
    depths: &[u64],
) -> Result<Vec<Chain>, StoreError> {
    let mut out = Vec::new();
    for d in (1..depths.len()).rev() {
        if depths[d] == 0 {
            continue;
        }
        let mut q = Q::new(conn);
        q.s("SELECT seq, url FROM events WHERE depth = ")
            .p(d as i64)
            .s(" AND depth > 0 AND ts >= ")
            .p(span.from)
            .s(" AND ts <= ")
            .p(span.to)
            .site_page(filter, "")
            .s(" ORDER BY ts DESC, seq DESC LIMIT ")
            .p((5 - out.len()) as i64);
        for r in q.rows(conn)? {
            let tokens = chain_tokens(conn, r[0].int(), d as i64)?;
            out.push(Chain {
                depth: d as u32,
                url: r[1].text(),
                tokens,
            });
        }
        if out.len() >= 5 {
            break;
        }
    }
    Ok(out)
}

/// The sites seen (hosts of stored events' pages), in order.
pub fn sites(conn: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    // A skip scan of the (site, ts) index: one probe per site, whatever the events.
    let mut q = Q::new(conn);
    q.s("WITH RECURSIVE s(site) AS (
            SELECT MIN(site) FROM events
            UNION ALL
            SELECT (SELECT MIN(e.site) FROM events e WHERE e.site > s.site) FROM s WHERE s.site IS NOT NULL
        ) SELECT site FROM s WHERE site IS NOT NULL LIMIT 1000");
    let mut sites: Vec<String> = q
        .rows(conn)?
        .into_iter()
        .map(|r| r[0].text())
        .filter(|s| !s.is_empty())
        .collect();
    sites.sort();
    Ok(sites)
}

/// Whether any event is stored at all.
pub fn any_events(conn: &mut dyn Conn) -> Result<bool, StoreError> {
    Ok(!conn.rows("SELECT 1 FROM events LIMIT 1", &[])?.is_empty())
}

/// The headline numbers of a filter: shares, arrivals, arrivals without referrer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub shares: u64,
    pub arrivals: u64,
    pub without_referrer: u64,
}

pub fn totals(conn: &mut dyn Conn, filter: &Filter) -> Result<Totals, StoreError> {
    let Some(span) = Span::of(filter) else {
        return Ok(Totals::default());
    };
    let mut t = Totals::default();
    for ((kind, _, _, flag), n) in buckets(conn, filter, &span)? {
        if kind == "landing" {
            continue;
        }
        if kind == "arrival" {
            t.arrivals += n as u64;
            if flag == 1 {
                t.without_referrer += n as u64;
            }
        } else {
            t.shares += n as u64;
        }
    }
    Ok(t)
}

/// `/api/stats` for a filter, from SQL (README "Stats").
pub fn stats(conn: &mut dyn Conn, filter: &Filter) -> Result<Stats, StoreError> {
    use crate::stats::{Chains, ChannelStats, Counts, DarkSocial};
    let sites = sites(conn)?;
    let Some(span) = Span::of(filter) else {
        return Ok(crate::stats::compute(&[], filter.clone()).with_sites(sites));
    };
    let buckets = buckets(conn, filter, &span)?;
    let dups = dup_parents(conn, filter, &span)?;
    // Per channel: shares, arrivals, sharers (shares without a parent or with a parent
    // of their own; then the distinct parents of the others).
    let mut channels: HashMap<String, (u64, u64, u64)> = HashMap::new();
    let mut by_source: std::collections::BTreeMap<&'static str, Counts> =
        std::collections::BTreeMap::new();
    for source in ["copy", "address_bar", "buttons"] {
        by_source.insert(source, Counts::default());
    }
    let mut depths: Vec<u64> = Vec::new();
    let (mut shares, mut arrivals, mut without_referrer) = (0u64, 0u64, 0u64);
    let mut landings = 0u64;
    for ((kind, channel, depth, flag), n) in &buckets {
        if *n <= 0 {
            continue;
        }
        let n = *n as u64;
        if kind == "landing" {
            landings += n;
            continue;
        }
        let entry = channels.entry(channel.clone()).or_default();
        if kind == "arrival" {
            entry.1 += n;
            arrivals += n;
            if *flag == 1 {
                without_referrer += n;
            }
            let source = match channel.as_str() {
                "copy" => "copy",
                "address_bar" => "address_bar",
                _ => "buttons",
            };
            by_source.entry(source).or_default().arrivals += n;
        } else {
            entry.0 += n;
            shares += n;
            if *flag != 2 {
                entry.2 += n;
            }
            let d = (*depth).max(0) as usize;
            if depths.len() <= d {
                depths.resize(d + 1, 0);
            }
            depths[d] += n;
            let source = if kind == "copy" { "copy" } else { "buttons" };
            by_source.entry(source).or_default().shares += n;
        }
    }
    for (channel, n) in &dups {
        channels.entry(channel.clone()).or_default().2 += *n as u64;
    }
    let ratio = |a: u64, b: u64| (b > 0).then(|| (a as f64 / b as f64 * 1000.0).round() / 1000.0);
    let mut channels: Vec<ChannelStats> = channels
        .into_iter()
        .filter(|(_, (s, a, _))| s + a > 0)
        .map(|(channel, (s, a, sharers))| ChannelStats {
            channel,
            shares: s,
            arrivals: a,
            virality: ratio(a, s),
            sharers,
        })
        .collect();
    channels.sort_by(|a, b| {
        (b.shares, b.arrivals, &a.channel).cmp(&(a.shares, a.arrivals, &b.channel))
    });
    let top_pages = if let Some(page) = &filter.page {
        // One page: its own totals.
        let (s, a) = buckets
            .iter()
            .fold((0i64, 0i64), |(s, a), ((kind, ..), n)| {
                if kind == "landing" {
                    (s, a)
                } else if kind == "arrival" {
                    (s, a + n)
                } else {
                    (s + n, a)
                }
            });
        if s + a > 0 {
            vec![crate::stats::PageStats {
                url: page.clone(),
                shares: s as u64,
                arrivals: a as u64,
            }]
        } else {
            Vec::new()
        }
    } else {
        top_pages(conn, filter, &span)?
    };
    let longest = longest(conn, filter, &span, &depths)?;
    let days = days(conn, filter, &span)?;
    Ok(Stats {
        shares,
        arrivals,
        virality: ratio(arrivals, shares),
        by_source,
        channels,
        top_pages,
        chains: Chains { depths, longest },
        dark_social: DarkSocial::new(
            arrivals,
            without_referrer,
            filter.direct,
            crate::landings::from_sql(conn, filter, &span, landings)?,
        ),
        days,
        sites,
        filter: filter.clone(),
    })
}

/// One share of a page's share tree.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeNode {
    pub seq: i64,
    pub ts: i64,
    pub token: String,
    pub parent: Option<String>,
    pub channel: String,
    /// Its click-backs (arrivals with its token, in the filter).
    pub arrivals: u64,
}

/// The share tree of `page` under `filter`: its shares, each under the share of the page
/// whose token its sharer arrived with (a parent that is not one is a root). At most
/// [`TREE_NODES`] shares, [`TREE_LEVELS`] deep, loops cut; in stored order. `more` is
/// true when the page has shares that were not read.
pub fn tree(
    conn: &mut dyn Conn,
    filter: &Filter,
    page: &str,
) -> Result<(Vec<TreeNode>, bool), StoreError> {
    if filter.page.as_deref().is_some_and(|p| p != page) {
        return Ok((Vec::new(), false));
    }
    let Some(span) = Span::of(filter) else {
        return Ok((Vec::new(), false));
    };
    let pg = conn.pg();
    let mut q = Q::new(conn);
    // The page's shares in the filter, as a condition on alias `x`.
    let cond = |q: &mut Q, x: &str| {
        q.s(&format!(
            "{x}.url = $1 AND {x}.type IN ('share', 'copy') AND {x}.ts >= $2 AND {x}.ts <= $3"
        ));
        if filter.site.is_some() {
            q.s(&format!(" AND {x}.site = $4"));
        }
    };
    q.params = vec![Val::from(page), Val::Int(span.from), Val::Int(span.to)];
    if let Some(site) = &filter.site {
        q.params.push(Val::from(site.as_str()));
    }
    let limit = q.params.len() + 1;
    q.params.push(Val::Int(TREE_NODES + 1));
    q.s("WITH RECURSIVE tree(seq, ts, token, parent, channel, lvl, path) AS (
          SELECT * FROM (SELECT s.seq, s.ts, s.token, s.parent, s.channel, 0, ',' || s.token || ',' FROM events s WHERE ");
    cond(&mut q, "s");
    // SQLite would rather read the page's every event than follow a token: its indexes
    // are named.
    let (by_token, by_parent) = if pg {
        ("", "")
    } else {
        (" INDEXED BY events_token", " INDEXED BY events_parent")
    };
    // A root: no share of the page (in the filter) has its parent token (none for a share
    // without a parent). `LIMIT 1` keeps PostgreSQL probing the token index share by
    // share, rather than hashing every share of the page first.
    q.s(&format!(
        " AND NOT EXISTS (SELECT 1 FROM events p{by_token} WHERE p.token = s.parent AND "
    ));
    cond(&mut q, "p");
    q.s(&format!(" LIMIT 1) ORDER BY s.ts, s.seq LIMIT ${limit}) r
          UNION ALL
          SELECT c.seq, c.ts, c.token, c.parent, c.channel, tree.lvl + 1, tree.path || c.token || ',' FROM tree JOIN events c{by_parent} ON c.parent = tree.token AND "));
    cond(&mut q, "c");
    q.s(&format!(
        " WHERE tree.lvl < {TREE_LEVELS} AND {}(tree.path, ',' || c.token || ',') = 0",
        if pg { "strpos" } else { "instr" }
    ));
    if !pg {
        q.s(&format!(" LIMIT ${limit}"));
    }
    q.s(&format!(
        ") SELECT seq, ts, token, parent, channel FROM tree LIMIT ${limit}"
    ));
    let rows = q.rows(conn)?;
    let more = rows.len() as i64 > TREE_NODES;
    let mut nodes: Vec<TreeNode> = rows
        .into_iter()
        .take(TREE_NODES as usize)
        .map(|r| TreeNode {
            seq: r[0].int(),
            ts: r[1].int(),
            token: r[2].text(),
            parent: r[3].opt_text(),
            channel: r[4].text(),
            arrivals: 0,
        })
        .collect();
    // Their click-backs.
    let tokens: Vec<String> = nodes
        .iter()
        .map(|n| n.token.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut counts: HashMap<String, u64> = HashMap::new();
    for chunk in tokens.chunks(500) {
        let mut q = Q::new(conn);
        q.s("SELECT token, COUNT(*) FROM events WHERE type = 'arrival' AND ")
            .any("token", chunk)
            .s(" AND ts >= ")
            .p(span.from)
            .s(" AND ts <= ")
            .p(span.to)
            .site_page(filter, "")
            .s(" GROUP BY token");
        for r in q.rows(conn)? {
            counts.insert(r[0].text(), r[1].int() as u64);
        }
    }
    for n in &mut nodes {
        n.arrivals = counts.get(&n.token).copied().unwrap_or(0);
    }
    nodes.sort_by_key(|n| (n.ts, n.seq));
    Ok((nodes, more))
}

/// A page of an export: the events of the filter after `after` (ts, seq), oldest first,
/// as received, with their (ts, seq).
pub fn export_page(
    conn: &mut dyn Conn,
    filter: &Filter,
    after: Option<(i64, i64)>,
    limit: i64,
) -> Result<Vec<(i64, i64, String)>, StoreError> {
    let mut q = Q::new(conn);
    // After `after`: from its time on (an index seek), past its seq at that time.
    let from = filter.from.unwrap_or(i64::MIN);
    let from = after.map_or(from, |(ts, _)| ts.max(from));
    q.s("SELECT ts, seq, body FROM events WHERE ts >= ")
        .p(from)
        .s(" AND ts <= ")
        .p(filter.to.unwrap_or(i64::MAX));
    if let Some((ts, seq)) = after {
        q.s(" AND (ts > ").p(ts).s(" OR seq > ").p(seq).s(")");
    }
    q.site_page(filter, "")
        .s(" ORDER BY ts, seq LIMIT ")
        .p(limit);
    Ok(q.rows(conn)?
        .into_iter()
        .map(|r| (r[0].int(), r[1].int(), r[2].text()))
        .collect())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::stats::tests::{chain, events_of, fixture, store_of};
    use crate::stats::{compute, Filter, Row};
    use crate::store::Store;

    /// A small deterministic generator (xorshift64*).
    pub struct Rng(u64);
    impl Rng {
        pub fn new(seed: u64) -> Rng {
            Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
        }
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        pub fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        pub fn chance(&mut self, p: f64) -> bool {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
        }
    }

    pub const DAY0: i64 = 1_763_683_200_000; // 2025-11-21 00:00 UTC

    /// Share trees over three sites and five days, with what stored data can hold: dup
    /// parents, a token used twice, arrivals whose channel field disagrees with their
    /// token, referrers null, empty or set; stored partly out of order (a child before
    /// its parent).
    pub fn realistic(seed: u64, trees: usize) -> Vec<Row> {
        let mut rng = Rng::new(seed);
        let sites = ["blog.example", "Shop.Example:8443", "docs.example"];
        let channels = ["whatsapp", "telegram", "email", "x", "facebook", "signal"];
        let mut n = 0u64;
        let mut token = |rng: &mut Rng, code: char| {
            n += 1;
            format!("{code}{:010}{}", n, rng.below(10))
        };
        let mut rows: Vec<Row> = Vec::new();
        for _ in 0..trees {
            let site = sites[rng.below(3) as usize];
            let url = format!("https://{site}/p{}", rng.below(7));
            let ts0 = DAY0 + rng.below(5 * DAY_MS as u64) as i64;
            // (token, ts) of shares whose click-backs may re-share.
            let mut open: Vec<(String, i64, u32)> = Vec::new();
            let root_kind = rng.below(4);
            let (kind, channel, tok) = match root_kind {
                0 => ("copy", "copy".to_string(), token(&mut rng, 'c')),
                1 => ("arrival", "address_bar".to_string(), token(&mut rng, 'a')),
                _ => {
                    let c = channels[rng.below(channels.len() as u64) as usize];
                    let code = lanterne::core::channel::Channel::from_id(c).unwrap().code() as char;
                    ("share", c.to_string(), token(&mut rng, code))
                }
            };
            let parent = if kind == "arrival" {
                Some(tok.clone())
            } else {
                None
            };
            rows.push(Row {
                kind: kind.into(),
                channel: channel.clone(),
                token: tok.clone(),
                parent,
                url: url.clone(),
                referrer: None,
                ts: ts0,
            });
            open.push((tok, ts0, 0));
            while let Some((tok, ts, level)) = open.pop() {
                if level > 6 {
                    continue;
                }
                let arrivals = rng.below(3);
                for _ in 0..arrivals {
                    let at = ts + rng.below(DAY_MS as u64 / 2) as i64;
                    let code = tok.as_bytes()[0];
                    let mut channel = lanterne::core::channel::Channel::from_code(code)
                        .unwrap()
                        .id()
                        .to_string();
                    if rng.chance(0.05) {
                        channel = "telegram".into();
                    }
                    let referrer = match rng.below(3) {
                        0 => None,
                        1 => Some(String::new()),
                        _ => Some("https://t.me/".into()),
                    };
                    rows.push(Row {
                        kind: "arrival".into(),
                        channel,
                        token: tok.clone(),
                        parent: Some(tok.clone()),
                        url: url.clone(),
                        referrer,
                        ts: at,
                    });
                    // The visitor re-shares (sometimes twice on one channel, or another page).
                    if rng.chance(0.45) {
                        let times = if rng.chance(0.15) { 2 } else { 1 };
                        let c = channels[rng.below(channels.len() as u64) as usize];
                        for _ in 0..times {
                            let copy = rng.chance(0.3);
                            let (kind, c) = if copy { ("copy", "copy") } else { ("share", c) };
                            let code = lanterne::core::channel::Channel::from_id(c).unwrap().code()
                                as char;
                            let new = if rng.chance(0.01) && !rows.is_empty() {
                                // A token stored twice (made-up data).
                                rows[rng.below(rows.len() as u64) as usize].token.clone()
                            } else {
                                token(&mut rng, code)
                            };
                            let page = if rng.chance(0.1) {
                                format!("https://{site}/p{}", rng.below(7))
                            } else {
                                url.clone()
                            };
                            let sts = at + 1 + rng.below(3_600_000) as i64;
                            rows.push(Row {
                                kind: kind.into(),
                                channel: c.into(),
                                token: new.clone(),
                                parent: Some(tok.clone()),
                                url: page,
                                referrer: None,
                                ts: sts,
                            });
                            open.push((new, sts, level + 1));
                        }
                    }
                }
            }
        }
        // Stored partly out of order: some events are delivered late.
        let len = rows.len();
        for _ in 0..len / 10 {
            let i = rng.below(len as u64) as usize;
            let j = (i + 1 + rng.below(40) as usize).min(len - 1);
            rows.swap(i, j);
        }
        crate::landings::tests::with_landings(rows, seed)
    }

    fn filters(rows: &[Row]) -> Vec<Filter> {
        let mut out = vec![
            Filter::default(),
            Filter {
                direct: Some(40),
                ..Filter::default()
            },
        ];
        let pages: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.url.as_str()).collect();
        for page in pages.iter().take(4) {
            out.push(Filter {
                page: Some(page.to_string()),
                ..Filter::default()
            });
        }
        let sites: std::collections::BTreeSet<String> =
            rows.iter().map(|r| site_of(&r.url)).collect();
        for site in &sites {
            out.push(Filter {
                site: Some(site.clone()),
                ..Filter::default()
            });
        }
        out.push(Filter {
            site: Some("nowhere.example".into()),
            ..Filter::default()
        });
        let first_page = pages.iter().next().map(|p| p.to_string());
        for (from, to) in [
            (Some(DAY0 + DAY_MS), Some(DAY0 + 3 * DAY_MS - 1)), // whole days
            (Some(DAY0 + 12_345_678), Some(DAY0 + 3 * DAY_MS + 7_654_321)), // ends in days
            (Some(DAY0 + DAY_MS + 1000), Some(DAY0 + DAY_MS + 40_000_000)), // inside a day
            (Some(DAY0 + 2 * DAY_MS + 5), None),
            (None, Some(DAY0 + 2 * DAY_MS + 5)),
            (Some(DAY0 + 3 * DAY_MS), Some(DAY0 + DAY_MS)), // empty
        ] {
            out.push(Filter {
                from,
                to,
                ..Filter::default()
            });
            out.push(Filter {
                from,
                to,
                site: sites.iter().next().cloned(),
                page: None,
                direct: Some(7),
            });
            out.push(Filter {
                from,
                to,
                page: first_page.clone(),
                ..Filter::default()
            });
        }
        out
    }

    /// A store on PostgreSQL in a schema of its own, when `LANTERNE_TEST_POSTGRES` names a
    /// server (`postgres://user@host:port/db`): the test command sets it; else none.
    pub fn pg_store(name: &str) -> Option<Store> {
        let url = std::env::var("LANTERNE_TEST_POSTGRES").ok()?;
        let schema = format!("t_{name}_{}", std::process::id());
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        Some(Store::open(&format!("{url}{sep}options=-csearch_path%3D{schema}")).unwrap())
    }

    /// The stores to test on: SQLite in memory, and PostgreSQL when there is one.
    pub fn stores(name: &str) -> Vec<Store> {
        let mut out = vec![Store::open_in_memory().unwrap()];
        out.extend(pg_store(name));
        out
    }

    pub fn assert_same(store: &Store, rows: &[Row]) {
        for filter in filters(rows) {
            let sql = store.stats(&filter).unwrap();
            let reference = compute(rows, filter.clone());
            assert_eq!(sql, reference, "filter {filter:?}");
        }
    }

    /// The daily tables' non-zero rows.
    pub fn rollups(store: &Store) -> (Vec<Vec<Val>>, Vec<Vec<Val>>) {
        store
            .read(|c| {
                Ok((
                    c.rows("SELECT url, day, site, type, channel, depth, flag, n FROM daily_stats WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7", &[])?,
                    c.rows("SELECT day, site, url, shares, arrivals, landings, unreferred FROM daily_pages WHERE shares + arrivals + landings <> 0 ORDER BY 1, 2, 3", &[])?,
                ))
            })
            .unwrap()
    }

    /// Rebuilds the daily tables from the events.
    pub fn rebuild(store: &Store) {
        match store {
            Store::Sqlite(s) => rebuild_rollups(&mut Lite(&s.lock()), None).unwrap(),
            Store::Postgres(p) => p.write(|c| rebuild_rollups(c, None)).unwrap(),
        }
    }

    fn derived(store: &Store) -> Vec<Vec<Val>> {
        store
            .read(|c| c.rows("SELECT id, site, depth, dup FROM events ORDER BY id", &[]))
            .unwrap()
    }

    #[test]
    fn sites_are_hosts() {
        assert_eq!(site_of("https://blog.example/a"), "blog.example");
        assert_eq!(site_of("http://Blog.Example:80/a"), "blog.example");
        assert_eq!(site_of("https://blog.example:8443"), "blog.example:8443");
        assert_eq!(site_of("https://a@b.example?x"), "b.example");
        assert_eq!(site_of("http://[::1]:8080/"), "[::1]:8080");
        assert_eq!(site_of("https://#x"), "");
    }

    #[test]
    fn sites_in_sql_are_the_same() {
        let Some(Store::Postgres(pg)) = pg_store("sites") else {
            return;
        };
        let urls = [
            "https://blog.example/a",
            "http://Blog.Example:80/a",
            "https://blog.example:443",
            "http://blog.example:443/x",
            "https://blog.example:8443/?q",
            "https://a@b.example?x",
            "https://u:p@q@C.example:443#f",
            "http://[::1]:8080/",
            "https://#x",
            "HTTPS://Shop.Example:443/p",
            "https://bücher.Example/é",
            "https://a.example\\b/c",
        ];
        for url in urls {
            let sql = pg
                .read(|c| {
                    c.rows(
                        &format!("SELECT {}", pg_site_sql("$1::TEXT")),
                        &[Val::from(url)],
                    )
                })
                .unwrap();
            assert_eq!(sql[0][0].text(), site_of(url), "{url}");
        }
    }

    #[test]
    fn the_fixture_from_sql_has_the_exact_numbers() {
        let rows = fixture();
        for store in stores("fixture") {
            store.insert_batch(&events_of(&rows)).unwrap();
            fixture_numbers(&store, &rows);
        }
    }

    fn fixture_numbers(store: &Store, rows: &[Row]) {
        let stats = store
            .stats(&Filter {
                direct: Some(40),
                ..Filter::default()
            })
            .unwrap();
        assert_eq!(
            (stats.shares, stats.arrivals, stats.virality),
            (5, 3, Some(0.6))
        );
        let channels: Vec<_> = stats
            .channels
            .iter()
            .map(|c| {
                (
                    c.channel.as_str(),
                    c.shares,
                    c.arrivals,
                    c.virality,
                    c.sharers,
                )
            })
            .collect();
        assert_eq!(
            channels,
            vec![
                ("whatsapp", 2, 1, Some(0.5), 2),
                ("telegram", 1, 1, Some(1.0), 1),
                ("copy", 1, 0, Some(0.0), 1),
                ("email", 1, 0, Some(0.0), 1),
                ("address_bar", 0, 1, None, 0),
            ]
        );
        assert_eq!(stats.chains.depths, vec![2, 2, 1]);
        assert_eq!(
            stats.chains.longest[0].tokens,
            vec!["wAAAAAAAAAA1", "tAAAAAAAAAA2", "cAAAAAAAAAA3"]
        );
        assert_eq!(
            stats.chains.longest[1].tokens,
            vec!["aAAAAAAAAAA5", "eAAAAAAAAAA6"]
        );
        assert_eq!(stats.dark_social.share_of_direct, Some(0.05));
        assert_eq!(
            stats.days,
            vec![("2025-11-21".into(), 2, 1), ("2025-11-22".into(), 3, 2)]
        );
        assert_eq!(stats.sites, vec!["blog.example"]);
        assert_same(store, rows);
        let (nodes, more) = store
            .read(|c| tree(c, &Filter::default(), "https://blog.example/a"))
            .unwrap();
        assert_eq!((nodes.len(), more), (3, false));
        assert_eq!(nodes[1].arrivals, 1);
    }

    #[test]
    fn sql_equals_the_reference_on_realistic_data_stored_in_batches() {
        for (seed, store) in (1..=4)
            .zip(std::iter::repeat_with(|| ()))
            .flat_map(|(seed, ())| {
                stores(&format!("realistic{seed}"))
                    .into_iter()
                    .map(move |s| (seed, s))
            })
        {
            let rows = realistic(seed, 60);
            let events = events_of(&rows);
            let mut rng = Rng::new(seed + 100);
            let mut i = 0;
            while i < events.len() {
                let n = 1 + rng.below(40) as usize;
                let end = (i + n).min(events.len());
                store.insert_batch(&events[i..end]).unwrap();
                // A retry of part of it: duplicates change nothing.
                store.insert_batch(&events[i..end.min(i + 3)]).unwrap();
                i = end;
            }
            assert_same(&store, &rows);
            // What was kept at each insert is what a rebuild gives.
            let kept = rollups(&store);
            rebuild(&store);
            assert_eq!(kept, rollups(&store), "seed {seed}");
            // One batch gives the same as many.
            let one = store_of(&rows);
            assert_eq!(derived(&one), derived(&store));
        }
    }

    #[test]
    fn an_older_database_is_migrated_to_the_same_answers() {
        // Landings are new: an older database has none.
        let rows: Vec<Row> = realistic(9, 80)
            .into_iter()
            .filter(|r| r.kind != "landing")
            .collect();
        let dir = std::env::temp_dir().join(format!("lanterne-migrate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("old.db");
        let _ = std::fs::remove_file(&path);
        {
            // The schema and rows of a collector from before stats came from SQL.
            let db = rusqlite::Connection::open(&path).unwrap();
            db.execute_batch(
                "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, channel TEXT NOT NULL, token TEXT NOT NULL, parent TEXT, url TEXT NOT NULL, title TEXT NOT NULL, ts INTEGER NOT NULL, referrer TEXT, chars INTEGER, received_at INTEGER NOT NULL, body TEXT NOT NULL);
                 CREATE INDEX events_ts ON events(ts); CREATE INDEX events_token ON events(token); CREATE INDEX events_parent ON events(parent);",
            )
            .unwrap();
            for e in events_of(&rows) {
                db.execute(
                    "INSERT INTO events (id, type, channel, token, parent, url, title, ts, referrer, chars, received_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'T', ?7, ?8, ?9, 0, ?10)",
                    rusqlite::params![e["id"].as_str(), e["type"].as_str(), e["channel"].as_str(), e["token"].as_str(), e["parent"].as_str(), e["url"].as_str(), e["ts"].as_i64(), e["referrer"].as_str(), e["chars"].as_i64(), e.to_string()],
                )
                .unwrap();
            }
        }
        let store = Store::open(path.to_str().unwrap()).unwrap();
        assert_same(&store, &rows);
        assert_eq!(derived(&store), derived(&store_of(&rows)));
        drop(store);
        // Opening again changes nothing.
        let store = Store::open(path.to_str().unwrap()).unwrap();
        assert_same(&store, &rows);
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_parent_stored_after_its_children_renumbers_them() {
        let mut rows = fixture();
        // The WhatsApp share arrives last: the Telegram share and the copy under it were
        // first stored at depths 1 and 2.
        let first = rows.remove(0);
        rows.push(first);
        let store = Store::open_in_memory().unwrap();
        for e in events_of(&rows) {
            store.insert_batch(&[e]).unwrap();
        }
        assert_eq!(
            store.stats(&Filter::default()).unwrap().chains.depths,
            vec![2, 2, 1]
        );
        assert_same(&store, &rows);
    }

    #[test]
    fn a_loop_in_stored_parents_ends() {
        let mut rows = fixture();
        rows[0].parent = Some("cAAAAAAAAAA3".into()); // w1 -> c3 -> t2 -> w1
        for batch in [1, 8] {
            let store = Store::open_in_memory().unwrap();
            for chunk in events_of(&rows).chunks(batch) {
                store.insert_batch(chunk).unwrap();
            }
            let stats = store.stats(&Filter::default()).unwrap();
            assert_eq!(stats.chains.depths.iter().sum::<u64>(), 5);
            assert!(stats.chains.longest.iter().all(|c| c.tokens.len() < 20));
            let (nodes, _) = store
                .read(|c| tree(c, &Filter::default(), "https://blog.example/a"))
                .unwrap();
            assert!(nodes.len() <= 3);
        }
    }

    #[test]
    fn a_long_chain_is_bounded() {
        let rows = chain(12_000, DAY0);
        let store = store_of(&rows);
        let stats = store.stats(&Filter::default()).unwrap();
        assert_eq!(stats.chains.depths.len(), 12_000);
        assert_eq!(stats.chains.longest[0].depth, 11_999);
        assert_eq!(stats.chains.longest[0].tokens.len(), 10_001);
        assert_eq!(stats, compute(&rows, Filter::default()));
        let (nodes, more) = store
            .read(|c| tree(c, &Filter::default(), "https://blog.example/a"))
            .unwrap();
        assert_eq!(
            (nodes.len() as i64, more),
            (TREE_LEVELS + 1, false),
            "as deep as a tree goes"
        );
    }

    #[test]
    fn share_trees_from_sql() {
        let store = store_of(&fixture());
        let (nodes, more) = store
            .read(|c| tree(c, &Filter::default(), "https://blog.example/a"))
            .unwrap();
        assert!(!more);
        let view: Vec<_> = nodes
            .iter()
            .map(|n| (n.token.as_str(), n.parent.as_deref(), n.arrivals))
            .collect();
        assert_eq!(
            view,
            vec![
                ("wAAAAAAAAAA1", None, 1),
                ("tAAAAAAAAAA2", Some("wAAAAAAAAAA1"), 1),
                ("cAAAAAAAAAA3", Some("tAAAAAAAAAA2"), 0)
            ]
        );
        // The address-bar token has no event: the e-mail share is a root of page B.
        let (b, _) = store
            .read(|c| tree(c, &Filter::default(), "https://blog.example/b"))
            .unwrap();
        assert_eq!(b.len(), 2);
        // A page's tree is cut at TREE_NODES shares.
        let many: Vec<Row> = (0..TREE_NODES + 20)
            .map(|i| Row {
                kind: "share".into(),
                channel: "whatsapp".into(),
                token: format!("w{i:011}"),
                parent: None,
                url: "https://blog.example/a".into(),
                referrer: None,
                ts: DAY0 + i,
            })
            .collect();
        let store = store_of(&many);
        let (nodes, more) = store
            .read(|c| tree(c, &Filter::default(), "https://blog.example/a"))
            .unwrap();
        assert_eq!((nodes.len() as i64, more), (TREE_NODES, true));
    }

    #[test]
    fn retention_keeps_the_daily_tables_right() {
        let rows = realistic(5, 60);
        for store in stores("retention") {
            store.insert_batch(&events_of(&rows)).unwrap();
            let cut = DAY0 + 2 * DAY_MS + 12_345_678;
            let deleted = store.delete_before(cut).unwrap();
            let kept: Vec<Row> = rows.iter().filter(|r| r.ts >= cut).cloned().collect();
            assert_eq!(deleted, rows.len() - kept.len());
            let after = rollups(&store);
            rebuild(&store);
            assert_eq!(after, rollups(&store));
            let sql = store.stats(&Filter::default()).unwrap();
            let reference = compute(&kept, Filter::default());
            assert_eq!(
                (
                    sql.shares,
                    sql.arrivals,
                    &sql.days,
                    &sql.top_pages,
                    &sql.by_source
                ),
                (
                    reference.shares,
                    reference.arrivals,
                    &reference.days,
                    &reference.top_pages,
                    &reference.by_source
                )
            );
        }
    }

    #[test]
    fn ranges_are_cut_into_days_and_edges() {
        let f = |from, to| Filter {
            from,
            to,
            ..Filter::default()
        };
        let span = Span::of(&f(Some(DAY0), Some(DAY0 + 2 * DAY_MS - 1))).unwrap();
        assert_eq!(
            (span.days, span.edges.len()),
            (Some((DAY0 / DAY_MS, DAY0 / DAY_MS + 1)), 0)
        );
        let span = Span::of(&f(Some(DAY0 + 5), Some(DAY0 + 2 * DAY_MS + 5))).unwrap();
        assert_eq!(span.days, Some((DAY0 / DAY_MS + 1, DAY0 / DAY_MS + 1)));
        assert_eq!(
            span.edges,
            vec![
                (DAY0 + 5, DAY0 + DAY_MS - 1),
                (DAY0 + 2 * DAY_MS, DAY0 + 2 * DAY_MS + 5)
            ]
        );
        let span = Span::of(&f(Some(DAY0 + 5), Some(DAY0 + 50))).unwrap();
        assert_eq!((span.days, span.edges), (None, vec![(DAY0 + 5, DAY0 + 50)]));
        let span = Span::of(&f(None, None)).unwrap();
        assert!(span.days.is_some() && span.edges.is_empty());
        assert!(Span::of(&f(Some(5), Some(4))).is_none());
    }

    #[test]
    fn query_plans_use_the_indexes() {
        let store = store_of(&realistic(3, 30));
        let plan = |sql: &str| -> String {
            store
                .read(|c| {
                    let rows = c.rows(&format!("EXPLAIN QUERY PLAN {sql}"), &[])?;
                    Ok(rows
                        .iter()
                        .map(|r| r[3].text())
                        .collect::<Vec<_>>()
                        .join(" | "))
                })
                .unwrap()
        };
        for (sql, index) in [
            ("SELECT type, channel, depth, flag, SUM(n) FROM daily_stats WHERE url = '' AND day >= 1 AND day <= 5 GROUP BY type, channel, depth, flag", "PRIMARY KEY"),
            ("SELECT seq, url FROM events WHERE depth = 3 AND depth > 0 AND ts >= 1 AND ts <= 9 ORDER BY ts DESC, seq DESC LIMIT 5", "events_deep"),
            ("SELECT seq, url FROM events WHERE depth = 3 AND depth > 0 AND ts >= 1 AND ts <= 9 AND url = 'x' ORDER BY ts DESC, seq DESC LIMIT 5", "events_url_deep"),
            ("SELECT channel, COUNT(DISTINCT parent) FROM events WHERE dup = 1 AND ts >= 1 AND ts <= 9 GROUP BY channel", "events_dup"),
            ("SELECT ts, seq, body FROM events WHERE ts >= 1 AND ts <= 9 AND site = 'a' ORDER BY ts, seq LIMIT 1000", "events_site_ts"),
            ("SELECT ts, seq, body FROM events WHERE ts >= 1 AND ts <= 9 AND url = 'a' ORDER BY ts, seq LIMIT 1000", "events_url_ts"),
            ("SELECT MIN(e.site) FROM events e WHERE e.site > 'a'", "events_site_ts"),
            ("SELECT url, shares, arrivals FROM daily_pages WHERE day >= 1 AND day <= 9", "PRIMARY KEY"),
        ] {
            let p = plan(sql);
            assert!(p.contains(index), "{sql}: {p}");
            assert!(!p.contains("TEMP B-TREE FOR ORDER BY") || sql.contains("GROUP BY"), "{sql}: {p}");
        }
    }
}
