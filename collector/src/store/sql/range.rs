//! A filter's range as reads cut it: whole days from the daily tables, the partial days
//! at its ends from the events; and the conditions of its site and page.

use crate::stats::{Filter, DAY_MS};
use crate::store::conn::Query;

/// Whether ranges are answered from the daily tables (on by default;
/// `LANTERNE_ROLLUPS=0` answers everything from the events, for the benchmark).
fn rollups_on() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("LANTERNE_ROLLUPS").map_or(true, |v| v != "0"))
}

/// A filter's time range cut into whole days (from the daily tables) and at most two
/// partial days at its ends (from the events).
#[derive(Debug, PartialEq)]
pub struct Span {
    /// The first instant of the range (ms since the epoch; `i64::MIN` without one).
    pub from: i64,
    /// The last instant of the range (ms since the epoch; `i64::MAX` without one).
    pub to: i64,
    /// The first and last whole UTC days in the range (day numbers since the epoch, both
    /// included), read from the daily tables; none when it holds no whole day, or the
    /// daily tables are off.
    pub days: Option<(i64, i64)>,
    /// The parts of the range outside those days (ms, both ends included), read from the
    /// events: at most two, or the whole range without `days`.
    pub edges: Vec<(i64, i64)>,
}

impl Span {
    /// The span of `filter`; none for an empty range.
    pub fn of(filter: &Filter) -> Option<Span> {
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

/// The conditions of `filter`'s site and page on events `e` (through the page's id, which
/// the `(ts, page)` index holds: a range's entries are read there, and only those of the
/// page or site lead to a row).
pub fn place(q: &mut Query, filter: &Filter) {
    if let Some(site) = &filter.site {
        q.s(" AND e.page IN (SELECT id FROM pages WHERE site = ")
            .p(site.as_str())
            .s(")");
    }
    if let Some(page) = &filter.page {
        q.s(" AND e.page = (SELECT id FROM pages WHERE url = ")
            .p(page.as_str())
            .s(")");
    }
}

/// The events `e` from `from` to `to` (both included) of `filter`'s site and page.
pub fn events_between(q: &mut Query, filter: &Filter, from: i64, to: i64) {
    q.s(" WHERE e.ts >= ").p(from).s(" AND e.ts <= ").p(to);
    place(q, filter);
}

/// The rows of a daily table (`daily_stats`, or `daily_pages` for a page) for whole days
/// `d1..=d2` of `filter`'s page (`''`: the whole site, in `daily_stats`) and site.
pub fn daily_days(q: &mut Query, filter: &Filter, d1: i64, d2: i64) {
    q.s(" WHERE url = ")
        .p(filter.page.clone().unwrap_or_default())
        .s(" AND day >= ")
        .p(d1)
        .s(" AND day <= ")
        .p(d2);
    if let Some(site) = &filter.site {
        q.s(" AND site = ").p(site.as_str());
    }
}
