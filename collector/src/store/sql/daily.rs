//! The daily tables stats are read from (docs/stats.md#stats), kept in the same
//! transaction as each insert:
//!
//! - `daily_stats`: events per UTC day, site, page (and `''`: the whole site), type,
//!   counted channel, depth and flag (shares: 0 no parent, 1 a parent no other share of
//!   the channel has, 2 `dup`; arrivals: 1 without referrer, 0 with; landings: 0);
//! - `daily_pages`: shares, arrivals, sourceless landings and arrivals without referrer
//!   per day, site and page (the most shared pages, the pages most reached without a
//!   source, spikes).
//!
//! A page's rows count its shares up to [`PAGE_DEPTH_MAX`]; deeper shares are in the
//! site's rows (`''`) only, and a read of one page counts them from the events (the
//! `events_deep_page` index). A chain that deep is rare, and each of its depths would be
//! a row of its own in every page it passes through: written by each transaction, they
//! cost more than any other row (a share at depth 40 once made a new row a share).
//!
//! An insert adds up its changes in memory ([`Deltas`]) and writes one upsert per key;
//! retention and migrations rebuild days from the events.

use crate::stats::{counted_channel, DAY_MS};
use crate::store::conn::{Bulk, Conn, Kind, Query, Val};
use crate::store::error::Result;
use crate::store::event::Event;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The deepest share a page's rows count (deeper ones: the site's rows only).
pub const PAGE_DEPTH_MAX: i64 = 32;

/// (page or `''`, day, site, type, counted channel, depth, flag).
type StatKey = (String, i64, String, String, String, i64, i64);
/// (day, site, page).
type PageKey = (i64, String, String);

/// Per page and day: shares, arrivals, landings, arrivals without referrer.
#[derive(Clone, Copy, Debug, Default)]
struct PageCounts {
    shares: i64,
    arrivals: i64,
    landings: i64,
    unreferred: i64,
}

/// Changes to the daily tables, added up in memory and applied in key order.
#[derive(Default, Debug)]
pub struct Deltas {
    stats: BTreeMap<StatKey, i64>,
    pages: BTreeMap<PageKey, PageCounts>,
}

/// An event's flag in `daily_stats`.
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

/// The same in SQL, over `events`' columns.
const FLAG_SQL: &str = "CASE WHEN type = 'arrival' THEN (CASE WHEN referrer IS NULL OR referrer = '' THEN 1 ELSE 0 END) WHEN type = 'landing' OR parent IS NULL THEN 0 WHEN dup = 1 THEN 2 ELSE 1 END";

/// [`counted_channel`] in SQL, over `events`' columns.
pub fn counted_channel_sql() -> String {
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

/// An event's flag in `daily_stats`, in SQL.
pub fn flag_sql() -> &'static str {
    FLAG_SQL
}

impl Deltas {
    fn add(&mut self, e: &Event, channel: &str, flag: i64, n: i64) {
        let day = e.ts.div_euclid(DAY_MS);
        let depth = e.depth.unwrap_or(0);
        for url in [e.page.as_str(), ""] {
            if !url.is_empty() && depth > PAGE_DEPTH_MAX {
                continue;
            }
            *self
                .stats
                .entry((
                    url.to_owned(),
                    day,
                    e.site.clone(),
                    e.kind.clone(),
                    channel.to_owned(),
                    depth,
                    flag,
                ))
                .or_default() += n;
        }
    }

    fn page(&mut self, e: &Event) -> &mut PageCounts {
        self.pages
            .entry((e.ts.div_euclid(DAY_MS), e.site.clone(), e.page.clone()))
            .or_default()
    }

    /// A share counted `n` times (1: stored; -1: leaving the counts it was in), at its
    /// depth and dup.
    pub fn share(&mut self, s: &Event, n: i64) {
        let f = flag(&s.kind, s.parent.as_deref(), s.dup == Some(1), false);
        self.add(s, &s.channel, f, n);
    }

    /// A new event: a share's page count (its depth is added by [`Deltas::share`] once
    /// derived), an arrival or a landing whole.
    pub fn event(&mut self, e: &Event) {
        let empty = e.referrer.as_deref().unwrap_or("").is_empty();
        match e.kind.as_str() {
            "landing" => {
                self.page(e).landings += 1;
                self.add(e, "none", 0, 1);
            }
            "arrival" => {
                let page = self.page(e);
                page.arrivals += 1;
                page.unreferred += i64::from(empty);
                let channel = counted_channel(&e.kind, &e.channel, &e.token);
                self.add(e, channel, flag(&e.kind, None, false, empty), 1);
            }
            _ => self.page(e).shares += 1,
        }
    }

    /// Writes the changes: one upsert per key.
    pub fn apply(self, conn: &mut dyn Conn) -> Result<()> {
        let stats: Vec<Vec<Val>> = self
            .stats
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|((url, day, site, kind, channel, depth, flag), n)| {
                vec![
                    Val::Text(url),
                    Val::Int(day),
                    Val::Text(site),
                    Val::Text(kind),
                    Val::Text(channel),
                    Val::Int(depth),
                    Val::Int(flag),
                    Val::Int(n),
                ]
            })
            .collect();
        conn.insert_many(
            &Bulk {
                table: "daily_stats",
                columns: &[
                    ("url", Kind::Text),
                    ("day", Kind::Int),
                    ("site", Kind::Text),
                    ("type", Kind::Text),
                    ("channel", Kind::Text),
                    ("depth", Kind::Int),
                    ("flag", Kind::Int),
                    ("n", Kind::Int),
                ],
                tail: "ON CONFLICT (url, day, site, type, channel, depth, flag) DO UPDATE SET n = daily_stats.n + excluded.n",
            },
            &stats,
        )?;
        let pages: Vec<Vec<Val>> = self
            .pages
            .into_iter()
            .map(|((day, site, url), c)| {
                vec![
                    Val::Int(day),
                    Val::Text(site),
                    Val::Text(url),
                    Val::Int(c.shares),
                    Val::Int(c.arrivals),
                    Val::Int(c.landings),
                    Val::Int(c.unreferred),
                ]
            })
            .collect();
        conn.insert_many(
            &Bulk {
                table: "daily_pages",
                columns: &[
                    ("day", Kind::Int),
                    ("site", Kind::Text),
                    ("url", Kind::Text),
                    ("shares", Kind::Int),
                    ("arrivals", Kind::Int),
                    ("landings", Kind::Int),
                    ("unreferred", Kind::Int),
                ],
                tail: "ON CONFLICT (day, site, url) DO UPDATE SET shares = daily_pages.shares + excluded.shares, arrivals = daily_pages.arrivals + excluded.arrivals,
                       landings = daily_pages.landings + excluded.landings, unreferred = daily_pages.unreferred + excluded.unreferred",
            },
            &pages,
        )
    }
}

/// Recomputes the daily tables from the events: all of them, or the days `lo..=hi`.
pub fn rebuild(conn: &mut dyn Conn, days: Option<(i64, i64)>) -> Result<()> {
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
    let counted = counted_channel_sql();
    let pages = format!(" AND (depth IS NULL OR depth <= {PAGE_DEPTH_MAX})");
    for (url, only, group) in [
        ("p.url", pages.as_str(), "1, 2, 3, 4, 5, 6, 7"),
        ("''", "", "2, 3, 4, 5, 6, 7"),
    ] {
        let mut q = Query::new(conn);
        q.s(&format!(
            "INSERT INTO daily_stats (url, day, site, type, channel, depth, flag, n)
             SELECT {url}, ts / 86400000, p.site, type, {counted}, depth, {FLAG_SQL}, COUNT(*)
             FROM events e JOIN pages p ON p.id = e.page
             WHERE ts >= $1 AND ts <= $2{only} GROUP BY {group}"
        ));
        conn.exec(&q.sql, &ts)?;
    }
    conn.exec(
        "INSERT INTO daily_pages (day, site, url, shares, arrivals, landings, unreferred)
         SELECT ts / 86400000, p.site, p.url, SUM(CASE WHEN type IN ('arrival', 'landing') THEN 0 ELSE 1 END),
                SUM(CASE WHEN type = 'arrival' THEN 1 ELSE 0 END),
                SUM(CASE WHEN type = 'landing' THEN 1 ELSE 0 END),
                SUM(CASE WHEN type = 'arrival' AND (referrer IS NULL OR referrer = '') THEN 1 ELSE 0 END)
         FROM events e JOIN pages p ON p.id = e.page WHERE ts >= $1 AND ts <= $2 GROUP BY 1, 2, 3",
        &ts,
    )?;
    Ok(())
}

/// Deletes the events before `ts` and what the daily tables counted of them; how many
/// events.
pub fn delete_before(conn: &mut dyn Conn, ts: i64) -> Result<u64> {
    let n = conn.exec("DELETE FROM events WHERE ts < $1", &[Val::Int(ts)])?;
    let day = ts.div_euclid(DAY_MS);
    conn.exec("DELETE FROM daily_stats WHERE day < $1", &[Val::Int(day)])?;
    conn.exec("DELETE FROM daily_pages WHERE day < $1", &[Val::Int(day)])?;
    if ts.rem_euclid(DAY_MS) != 0 && n > 0 {
        rebuild(conn, Some((day, day)))?;
    }
    Ok(n)
}
