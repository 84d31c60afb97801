//! What a read asks about sourceless landings (definitions in `stats::sourceless`): from
//! the daily tables (`daily_pages`' `landings` and `unreferred`, `daily_stats`' `landing`
//! rows) and the events of the partial days at the ends of a range.

use crate::stats::sourceless::{
    range_days, spikes, Sourceless, SourcelessPage, MAX_PAGES, SPIKE_MIN, SPIKE_WINDOW,
};
use crate::stats::{ratio, Filter, DAY_MS};
use crate::store::conn::{Conn, Query};
use crate::store::error::Result;
use crate::store::sql::range::{events_between, Span};
use std::collections::{BTreeMap, HashMap};

/// The filter's site, and page when `page`, on a daily table.
fn daily_place(q: &mut Query, filter: &Filter, page: bool) {
    if let Some(site) = &filter.site {
        q.s(" AND site = ").p(site.as_str());
    }
    if let (true, Some(url)) = (page, &filter.page) {
        q.s(" AND url = ").p(url.as_str());
    }
}

/// The pages most reached without a source.
fn pages(conn: &mut dyn Conn, filter: &Filter, span: &Span) -> Result<Vec<SourcelessPage>> {
    let mut q = Query::new(conn);
    q.s("SELECT url, CAST(SUM(l) AS BIGINT) AS landings, CAST(SUM(w) AS BIGINT) AS unreferred FROM (");
    let mut parts = 0;
    if let Some((d1, d2)) = span.days {
        q.s("SELECT url, landings AS l, unreferred AS w FROM daily_pages WHERE day >= ")
            .p(d1)
            .s(" AND day <= ")
            .p(d2);
        daily_place(&mut q, filter, true);
        q.s(" AND (landings > 0 OR unreferred > 0)");
        parts += 1;
    }
    for &(from, to) in &span.edges {
        if parts > 0 {
            q.s(" UNION ALL ");
        }
        q.s("SELECT p.url AS url, CASE WHEN type = 'landing' THEN 1 ELSE 0 END AS l, CASE WHEN type = 'arrival' AND (referrer IS NULL OR referrer = '') THEN 1 ELSE 0 END AS w FROM events e JOIN pages p ON p.id = e.page");
        events_between(&mut q, filter, from, to);
        q.s(" AND type IN ('landing', 'arrival')");
        parts += 1;
    }
    if parts == 0 {
        return Ok(Vec::new());
    }
    q.s(&format!(
        ") t GROUP BY url HAVING SUM(l) + SUM(w) > 0 ORDER BY SUM(l) + SUM(w) DESC, SUM(l) DESC, url{{C}} LIMIT {MAX_PAGES}"
    ));
    q.rows(conn)?
        .iter()
        .map(|r| {
            let (l, w) = (r.count("landings")?, r.count("unreferred")?);
            Ok(SourcelessPage {
                page: r.text("url")?,
                landings: l,
                without_referrer: w,
                explained: ratio(w, l + w),
            })
        })
        .collect()
}

/// Sourceless landings per day with any, oldest first.
fn by_day(conn: &mut dyn Conn, filter: &Filter, span: &Span) -> Result<Vec<(String, u64)>> {
    let mut by_day: BTreeMap<i64, u64> = BTreeMap::new();
    let mut queries = Vec::new();
    if let Some((d1, d2)) = span.days {
        let mut q = Query::new(conn);
        q.s("SELECT day, CAST(SUM(n) AS BIGINT) AS n FROM daily_stats WHERE url = ")
            .p(filter.page.clone().unwrap_or_default())
            .s(" AND day >= ")
            .p(d1)
            .s(" AND day <= ")
            .p(d2);
        daily_place(&mut q, filter, false);
        q.s(" AND type = 'landing' GROUP BY day");
        queries.push(q);
    }
    for &(from, to) in &span.edges {
        let mut q = Query::new(conn);
        q.s("SELECT e.ts / 86400000 AS day, COUNT(*) AS n FROM events e");
        events_between(&mut q, filter, from, to);
        q.s(" AND type = 'landing' GROUP BY 1");
        queries.push(q);
    }
    for q in queries {
        for r in q.rows(conn)? {
            *by_day.entry(r.int("day")?).or_default() += r.count("n")?;
        }
    }
    Ok(by_day
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(d, n)| (crate::stats::day(d * DAY_MS), n))
        .collect())
}

/// Landings per (page, day) rows of a query.
fn page_days(conn: &mut dyn Conn, q: &Query) -> Result<Vec<(String, i64, u64)>> {
    q.rows(conn)?
        .iter()
        .map(|r| Ok((r.text("url")?, r.int("day")?, r.count("n")?)))
        .collect()
}

/// The same as `reference::sourceless`, from SQL, for a range cut as `span`; `landings`
/// counted already (from the daily tables' `landing` rows with the other totals).
pub fn from_sql(
    conn: &mut dyn Conn,
    filter: &Filter,
    span: &Span,
    landings: u64,
) -> Result<Sourceless> {
    let pages = pages(conn, filter, span)?;
    let by_day = by_day(conn, filter, span)?;

    // Spikes: days of the range with enough landings, then those pages' days before.
    let (d1, d2) = range_days(filter);
    let mut q = Query::new(conn);
    q.s("SELECT url, day, CAST(SUM(landings) AS BIGINT) AS n FROM daily_pages WHERE day >= ")
        .p(d1)
        .s(" AND day <= ")
        .p(d2);
    daily_place(&mut q, filter, true);
    q.s(&format!(
        " AND landings > 0 GROUP BY url, day HAVING SUM(landings) >= {SPIKE_MIN}"
    ));
    let candidates = page_days(conn, &q)?;
    let mut history: HashMap<(String, i64), u64> = HashMap::new();
    if let (Some(lo), Some(hi)) = (
        candidates.iter().map(|c| c.1).min(),
        candidates.iter().map(|c| c.1).max(),
    ) {
        let mut urls: Vec<String> = candidates.iter().map(|c| c.0.clone()).collect();
        urls.sort();
        urls.dedup();
        let mut q = Query::new(conn);
        q.s("SELECT url, day, CAST(SUM(landings) AS BIGINT) AS n FROM daily_pages WHERE day >= ")
            .p(lo - SPIKE_WINDOW)
            .s(" AND day <= ")
            .p(hi - 1);
        daily_place(&mut q, filter, false);
        q.s(" AND landings > 0 AND ")
            .any("url", &urls)
            .s(" GROUP BY url, day");
        for (url, day, n) in page_days(conn, &q)? {
            history.insert((url, day), n);
        }
    }
    let spikes = spikes(candidates, |page, d| {
        history.get(&(page.to_owned(), d)).copied().unwrap_or(0)
    });
    Ok(Sourceless {
        landings,
        pages,
        spikes,
        by_day,
    })
}
