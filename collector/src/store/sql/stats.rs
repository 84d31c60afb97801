//! What a read asks for `/api/stats` and `/report`: aggregates in the database, never
//! the events of a range loaded, on SQLite and on PostgreSQL alike.
//!
//! A range is answered from the daily tables (`daily.rs`) for its whole days and from the
//! events for the part of a day at each end (at most a day each), so any range costs
//! about the same. Every query returns a bounded number of rows: per channel, per depth,
//! per day, ten pages, five chains.

use crate::stats::{
    ratio, source_of, Chain, Chains, ChannelStats, Counts, DarkSocial, Filter, PageStats, Stats,
    DAY_MS,
};
use crate::store::conn::{Conn, Query};
use crate::store::error::Result;
use crate::store::sql::daily::{counted_channel_sql, flag_sql, PAGE_DEPTH_MAX};
use crate::store::sql::range::{daily_days, events_between, place, Span};
use std::collections::{BTreeMap, HashMap};

/// Longest chain walked for `chains.longest` (tokens: 10 000).
const CHAIN_MAX: i64 = 10_000;

/// Counts per (type, counted channel, depth, flag) for a filter.
type Buckets = HashMap<(String, String, i64, i64), u64>;

fn buckets(conn: &mut dyn Conn, filter: &Filter, span: &Span) -> Result<Buckets> {
    let mut out = Buckets::new();
    let mut queries = Vec::new();
    if let Some((d1, d2)) = span.days {
        let mut q = Query::new(conn);
        q.s("SELECT type, channel, depth, flag, CAST(SUM(n) AS BIGINT) AS n FROM daily_stats");
        daily_days(&mut q, filter, d1, d2);
        q.s(" GROUP BY type, channel, depth, flag");
        queries.push(q);
    }
    let mut ranges: Vec<(i64, i64, bool)> =
        span.edges.iter().map(|&(f, t)| (f, t, false)).collect();
    if let (Some((d1, d2)), Some(_)) = (span.days, &filter.page) {
        // A page's rows leave out its deepest shares (`daily::PAGE_DEPTH_MAX`).
        ranges.push((d1 * DAY_MS, (d2 + 1) * DAY_MS - 1, true));
    }
    for (from, to, deep) in ranges {
        // The deep shares by their own index (few, where a page's events are many);
        // `depth > 0` is the index's condition, as SQLite wants it written.
        let hint = if deep {
            conn.dialect().index_hint("events_deep_page")
        } else {
            String::new()
        };
        let mut q = Query::new(conn);
        q.s(&format!(
            "SELECT type, {} AS channel, depth, {} AS flag, COUNT(*) AS n FROM events e{hint}",
            counted_channel_sql(),
            flag_sql()
        ));
        events_between(&mut q, filter, from, to);
        if deep {
            q.s(" AND e.depth > 0 AND e.depth > ").p(PAGE_DEPTH_MAX);
        }
        q.s(" GROUP BY 1, 2, 3, 4");
        queries.push(q);
    }
    for q in queries {
        for r in q.rows(conn)? {
            let key = (
                r.text("type")?,
                r.text("channel")?,
                r.int("depth")?,
                r.int("flag")?,
            );
            *out.entry(key).or_default() += r.count("n")?;
        }
    }
    Ok(out)
}

/// Shares and arrivals per day (UTC), oldest first.
fn days(conn: &mut dyn Conn, filter: &Filter, span: &Span) -> Result<Vec<(String, u64, u64)>> {
    let mut out: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    let mut queries = Vec::new();
    if let Some((d1, d2)) = span.days {
        // One page: `daily_pages` counts all its shares (its `daily_stats` rows leave
        // out the deepest).
        let select = if filter.page.is_some() {
            "SELECT day, CAST(SUM(shares) AS BIGINT) AS shares, CAST(SUM(arrivals) AS BIGINT) AS arrivals FROM daily_pages"
        } else {
            "SELECT day, CAST(SUM(CASE WHEN type IN ('arrival', 'landing') THEN 0 ELSE n END) AS BIGINT) AS shares, CAST(SUM(CASE WHEN type = 'arrival' THEN n ELSE 0 END) AS BIGINT) AS arrivals FROM daily_stats"
        };
        let mut q = Query::new(conn);
        q.s(select);
        daily_days(&mut q, filter, d1, d2);
        q.s(" GROUP BY day");
        queries.push(q);
    }
    for &(from, to) in &span.edges {
        let mut q = Query::new(conn);
        q.s("SELECT e.ts / 86400000 AS day, SUM(CASE WHEN type IN ('arrival', 'landing') THEN 0 ELSE 1 END) AS shares, SUM(CASE WHEN type = 'arrival' THEN 1 ELSE 0 END) AS arrivals FROM events e");
        events_between(&mut q, filter, from, to);
        q.s(" GROUP BY 1");
        queries.push(q);
    }
    for q in queries {
        for r in q.rows(conn)? {
            let e = out.entry(r.int("day")?).or_default();
            e.0 += r.count("shares")?;
            e.1 += r.count("arrivals")?;
        }
    }
    Ok(out
        .into_iter()
        .filter(|(_, (s, a))| s + a > 0)
        .map(|(d, (s, a))| (crate::stats::day(d * DAY_MS), s, a))
        .collect())
}

/// The ten most shared pages.
fn top_pages(conn: &mut dyn Conn, filter: &Filter, span: &Span) -> Result<Vec<PageStats>> {
    let mut q = Query::new(conn);
    q.s("SELECT url, CAST(SUM(s) AS BIGINT) AS shares, CAST(SUM(a) AS BIGINT) AS arrivals FROM (");
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
        q.s("SELECT p.url AS url, CASE WHEN type IN ('arrival', 'landing') THEN 0 ELSE 1 END AS s, CASE WHEN type = 'arrival' THEN 1 ELSE 0 END AS a FROM events e JOIN pages p ON p.id = e.page");
        events_between(&mut q, filter, from, to);
        parts += 1;
    }
    q.s(") t GROUP BY url HAVING SUM(s) + SUM(a) > 0 ORDER BY shares DESC, arrivals DESC, url{C} LIMIT 10");
    q.rows(conn)?
        .iter()
        .map(|r| {
            Ok(PageStats {
                url: r.text("url")?,
                shares: r.count("shares")?,
                arrivals: r.count("arrivals")?,
            })
        })
        .collect()
}

/// Distinct parents of `dup` shares, per channel (the rest of `sharers` is counted).
fn dup_parents(conn: &mut dyn Conn, filter: &Filter, span: &Span) -> Result<HashMap<String, u64>> {
    let mut q = Query::new(conn);
    // The few dup shares, by their own index (SQLite would rather read a site's or a
    // page's every event by theirs).
    let hint = conn.dialect().index_hint("events_dup");
    q.s(&format!(
        "SELECT channel, COUNT(DISTINCT parent) AS n FROM events e{hint} WHERE dup = 1 AND e.ts >= "
    ))
    .p(span.from)
    .s(" AND e.ts <= ")
    .p(span.to);
    place(&mut q, filter);
    q.s(" GROUP BY channel");
    q.rows(conn)?
        .iter()
        .map(|r| Ok((r.text("channel")?, r.count("n")?)))
        .collect()
}

/// The tokens from the first share of a chain (or the address-bar token it came from) to
/// the share `seq` of depth `depth`.
fn chain_tokens(conn: &mut dyn Conn, seq: i64, depth: i64) -> Result<Vec<String>> {
    let bound = depth.min(CHAIN_MAX);
    let mut q = Query::new(conn);
    q.s("WITH RECURSIVE up(n, token, parent) AS (
            SELECT 0, token, parent FROM events WHERE seq = $1
            UNION ALL
            SELECT up.n + 1, e.token, e.parent FROM up JOIN events e ON e.seq = (
                SELECT s.seq FROM events s WHERE s.token = up.parent AND s.type IN ('share', 'copy') AND s.depth IS NOT NULL
                ORDER BY s.seq LIMIT 1)
            WHERE up.n < CAST($2 AS BIGINT)
        ) SELECT n, token, parent FROM up ORDER BY n");
    q.push(seq);
    q.push(bound);
    let rows = q.rows(conn)?;
    let mut tokens = rows
        .iter()
        .map(|r| r.text("token"))
        .collect::<Result<Vec<_>>>()?;
    if let Some(last) = rows.last() {
        // The walk ended at a share whose parent has no share (an address-bar token).
        if let Some(parent) = last.opt_text("parent")? {
            if last.int("n")? < bound {
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
) -> Result<Vec<Chain>> {
    let mut out = Vec::new();
    for d in (1..depths.len()).rev() {
        if depths[d] == 0 {
            continue;
        }
        let mut q = Query::new(conn);
        q.s("SELECT e.seq AS seq, p.url AS url FROM events e JOIN pages p ON p.id = e.page WHERE e.depth = ")
            .p(d as i64)
            .s(" AND e.depth > 0 AND e.ts >= ")
            .p(span.from)
            .s(" AND e.ts <= ")
            .p(span.to);
        place(&mut q, filter);
        q.s(" ORDER BY e.ts DESC, e.seq DESC LIMIT ")
            .p((5 - out.len()) as i64);
        for r in q.rows(conn)? {
            let tokens = chain_tokens(conn, r.int("seq")?, d as i64)?;
            out.push(Chain {
                depth: d as u32,
                url: r.text("url")?,
                tokens,
            });
        }
        if out.len() >= 5 {
            break;
        }
    }
    Ok(out)
}

/// The sites seen (hosts of stored events' pages), in order: from `pages`, a row per page
/// ever stored (a few hundred), never from the events.
pub fn sites(conn: &mut dyn Conn) -> Result<Vec<String>> {
    let rows = conn.rows(
        "SELECT DISTINCT site FROM pages WHERE site <> '' LIMIT 1000",
        &[],
    )?;
    let mut sites = rows
        .iter()
        .map(|r| r.text("site"))
        .collect::<Result<Vec<_>>>()?;
    sites.sort();
    Ok(sites)
}

/// Whether any event is stored at all.
pub fn any_events(conn: &mut dyn Conn) -> Result<bool> {
    Ok(!conn
        .rows("SELECT 1 AS found FROM events LIMIT 1", &[])?
        .is_empty())
}

/// The headline numbers of a filter: shares, arrivals, arrivals without referrer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Shares: `share` and `copy` events.
    pub shares: u64,
    /// Click-backs: `arrival` events.
    pub arrivals: u64,
    /// Click-backs whose referrer is empty.
    pub without_referrer: u64,
}

/// The headline numbers of `filter`.
pub fn totals(conn: &mut dyn Conn, filter: &Filter) -> Result<Totals> {
    let Some(span) = Span::of(filter) else {
        return Ok(Totals::default());
    };
    let mut t = Totals::default();
    for ((kind, _, _, flag), n) in buckets(conn, filter, &span)? {
        match kind.as_str() {
            "landing" => {}
            "arrival" => {
                t.arrivals += n;
                if flag == 1 {
                    t.without_referrer += n;
                }
            }
            _ => t.shares += n,
        }
    }
    Ok(t)
}

/// `/api/stats` for a filter (docs/stats.md#stats).
pub fn stats(conn: &mut dyn Conn, filter: &Filter) -> Result<Stats> {
    let sites = sites(conn)?;
    let Some(span) = Span::of(filter) else {
        return Ok(crate::stats::compute(&[], filter.clone()).with_sites(sites));
    };
    let buckets = buckets(conn, filter, &span)?;
    let dups = dup_parents(conn, filter, &span)?;
    // Per channel: shares, arrivals, sharers (shares without a parent or with a parent
    // of their own; then the distinct parents of the others).
    let mut channels: HashMap<String, (u64, u64, u64)> = HashMap::new();
    let mut by_source: BTreeMap<&'static str, Counts> = BTreeMap::new();
    for source in ["copy", "address_bar", "buttons"] {
        by_source.insert(source, Counts::default());
    }
    let mut depths: Vec<u64> = Vec::new();
    let (mut shares, mut arrivals, mut without_referrer, mut landings) = (0, 0, 0, 0);
    let (mut page_shares, mut page_arrivals) = (0, 0);
    for ((kind, channel, depth, flag), &n) in &buckets {
        if n == 0 {
            continue;
        }
        if kind == "landing" {
            landings += n;
            continue;
        }
        let entry = channels.entry(channel.clone()).or_default();
        if kind == "arrival" {
            entry.1 += n;
            arrivals += n;
            page_arrivals += n;
            if *flag == 1 {
                without_referrer += n;
            }
            by_source.entry(source_of(channel)).or_default().arrivals += n;
        } else {
            entry.0 += n;
            shares += n;
            page_shares += n;
            if *flag != 2 {
                entry.2 += n;
            }
            let d = usize::try_from(*depth).unwrap_or(0);
            if depths.len() <= d {
                depths.resize(d + 1, 0);
            }
            depths[d] += n;
            let source = if kind == "copy" { "copy" } else { "buttons" };
            by_source.entry(source).or_default().shares += n;
        }
    }
    for (channel, n) in &dups {
        channels.entry(channel.clone()).or_default().2 += n;
    }
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
    let top_pages = match &filter.page {
        // One page: its own totals.
        Some(page) if page_shares + page_arrivals > 0 => vec![PageStats {
            url: page.clone(),
            shares: page_shares,
            arrivals: page_arrivals,
        }],
        Some(_) => Vec::new(),
        None => top_pages(conn, filter, &span)?,
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
            crate::store::sql::sourceless::from_sql(conn, filter, &span, landings)?,
        ),
        days,
        sites,
        filter: filter.clone(),
    })
}
