//! Sourceless landings (issue 20): how big dark social is, without the site's analytics.
//!
//! - a **sourceless landing** is a `landing` event: a page load on a deep page with no
//!   referrer and no lanterne token (the tracker decides which loads are landings);
//! - **sourceless visits** are sourceless landings plus click-backs without a referrer
//!   (arrivals whose `referrer` is null or empty);
//! - **explained** is click-backs without a referrer / sourceless visits (null for none);
//! - a **spike** is a day on which a page received at least [`SPIKE_MIN`] sourceless
//!   landings and at least [`SPIKE_FACTOR`] times its median daily sourceless landings
//!   over the [`SPIKE_WINDOW`] days before (days without any count as 0). Days are whole
//!   UTC days: a range that cuts a day still judges that day on all of it.
//!
//! [`reference`] computes them over events in memory (`stats::compute`); [`from_sql`]
//! from the daily tables (`daily_pages`'s `landings` and `unreferred`, `daily_stats`'s
//! `landing` rows) and the events of the partial days at the ends of a range.

use crate::queries::{Conn, Span, Val, DAY_MS};
use crate::stats::{Filter, Row};
use crate::store::StoreError;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Fewest sourceless landings in a day for a spike.
pub const SPIKE_MIN: u64 = 10;
/// How many times the usual median a spike is, at least.
pub const SPIKE_FACTOR: f64 = 3.0;
/// Days before a day whose median is "usual".
pub const SPIKE_WINDOW: i64 = 28;
/// Most spikes listed (the earliest first).
pub const MAX_SPIKES: usize = 100;
/// Most pages in `sourceless_pages`.
pub const MAX_PAGES: usize = 10;

/// A page reached without a source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourcelessPage {
    pub page: String,
    /// Its sourceless landings.
    pub landings: u64,
    /// Its click-backs without a referrer.
    pub without_referrer: u64,
    /// `without_referrer / (landings + without_referrer)`.
    pub explained: Option<f64>,
}

/// A day a page received far more sourceless landings than usual.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spike {
    pub page: String,
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub landings: u64,
    /// The page's median daily sourceless landings over the 28 days before.
    pub median: f64,
}

/// What `dark_social` gains from landings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sourceless {
    pub landings: u64,
    pub pages: Vec<SourcelessPage>,
    pub spikes: Vec<Spike>,
    /// Sourceless landings per day (UTC) with any, oldest first.
    pub by_day: Vec<(String, u64)>,
}

/// `a / b` to three decimals, none when `b` is 0 (as every ratio of the stats).
pub fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| (a as f64 / b as f64 * 1000.0).round() / 1000.0)
}

/// The median of `values` (the mean of the middle two for an even count).
fn median(values: &mut [u64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_unstable();
    let m = values.len() / 2;
    if values.len() % 2 == 1 {
        values[m] as f64
    } else {
        (values[m - 1] + values[m]) as f64 / 2.0
    }
}

/// The spikes among `candidates` (page, day number, landings), given each page's
/// landings on a day.
fn spikes(
    mut candidates: Vec<(String, i64, u64)>,
    landings_on: impl Fn(&str, i64) -> u64,
) -> Vec<Spike> {
    candidates.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let mut out = Vec::new();
    for (page, d, n) in candidates {
        if n < SPIKE_MIN {
            continue;
        }
        let mut before: Vec<u64> = (1..=SPIKE_WINDOW)
            .map(|k| landings_on(&page, d - k))
            .collect();
        let median = median(&mut before);
        if n as f64 >= SPIKE_FACTOR * median {
            out.push(Spike {
                day: crate::stats::day(d * DAY_MS),
                page,
                landings: n,
                median,
            });
            if out.len() == MAX_SPIKES {
                break;
            }
        }
    }
    out
}

/// The days a filter's range touches (whole UTC days).
fn range_days(filter: &Filter) -> (i64, i64) {
    (
        filter
            .from
            .map_or(i64::MIN / DAY_MS + SPIKE_WINDOW + 1, |f| {
                f.div_euclid(DAY_MS)
            }),
        filter
            .to
            .map_or(i64::MAX / DAY_MS - 1, |t| t.div_euclid(DAY_MS)),
    )
}

fn top_pages(pages: HashMap<String, (u64, u64)>) -> Vec<SourcelessPage> {
    let mut pages: Vec<SourcelessPage> = pages
        .into_iter()
        .filter(|(_, (l, w))| l + w > 0)
        .map(|(page, (l, w))| SourcelessPage {
            page,
            landings: l,
            without_referrer: w,
            explained: ratio(w, l + w),
        })
        .collect();
    pages.sort_by(|a, b| {
        (b.landings + b.without_referrer, b.landings, &a.page).cmp(&(
            a.landings + a.without_referrer,
            a.landings,
            &b.page,
        ))
    });
    pages.truncate(MAX_PAGES);
    pages
}

fn unreferred(row: &Row) -> bool {
    row.kind == "arrival" && row.referrer.as_deref().unwrap_or("").is_empty()
}

/// The reference, over every stored event (pages already keyed).
pub fn reference(rows: &[Row], filter: &Filter) -> Sourceless {
    let mut out = Sourceless::default();
    let mut pages: HashMap<String, (u64, u64)> = HashMap::new();
    let mut by_day: BTreeMap<i64, u64> = BTreeMap::new();
    // Landings per (page, day) of the filter's site and page, whatever the range.
    let mut per_day: HashMap<(String, i64), u64> = HashMap::new();
    let place = Filter {
        from: None,
        to: None,
        ..filter.clone()
    };
    for row in rows {
        if row.kind == "landing" && place.selects(row) {
            *per_day
                .entry((row.url.clone(), row.ts.div_euclid(DAY_MS)))
                .or_default() += 1;
        }
        if !filter.selects(row) {
            continue;
        }
        if row.kind == "landing" {
            out.landings += 1;
            pages.entry(row.url.clone()).or_default().0 += 1;
            *by_day.entry(row.ts.div_euclid(DAY_MS)).or_default() += 1;
        } else if unreferred(row) {
            pages.entry(row.url.clone()).or_default().1 += 1;
        }
    }
    out.pages = top_pages(pages);
    out.by_day = by_day
        .into_iter()
        .map(|(d, n)| (crate::stats::day(d * DAY_MS), n))
        .collect();
    let (d1, d2) = range_days(filter);
    let candidates = per_day
        .iter()
        .filter(|((_, d), n)| *d >= d1 && *d <= d2 && **n >= SPIKE_MIN)
        .map(|((page, d), n)| (page.clone(), *d, *n))
        .collect();
    out.spikes = spikes(candidates, |page, d| {
        per_day.get(&(page.to_owned(), d)).copied().unwrap_or(0)
    });
    out
}

/// A query's text and parameters (`$n`, both backends).
#[derive(Default)]
struct Sql {
    text: String,
    params: Vec<Val>,
}

impl Sql {
    fn s(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }
    fn p(&mut self, v: Val) -> &mut Sql {
        self.params.push(v);
        let n = self.params.len();
        self.text.push_str(&format!("${n}"));
        self
    }
    /// The filter's site, and page when `page`.
    fn place(&mut self, filter: &Filter, page: bool) -> &mut Sql {
        if let Some(site) = &filter.site {
            self.s(" AND site = ").p(Val::Text(site.clone()));
        }
        if let (true, Some(url)) = (page, &filter.page) {
            self.s(" AND url = ").p(Val::Text(url.clone()));
        }
        self
    }
    fn rows(&self, conn: &mut dyn Conn) -> Result<Vec<Vec<Val>>, StoreError> {
        conn.rows(&self.text, &self.params)
    }
}

/// The same from SQL, for a range cut as `span`; `landings` counted already (from the
/// daily tables' `landing` rows with the other totals).
pub(crate) fn from_sql(
    conn: &mut dyn Conn,
    filter: &Filter,
    span: &Span,
    landings: u64,
) -> Result<Sourceless, StoreError> {
    let pg = conn.pg();
    // The pages most reached without a source.
    let mut q = Sql::default();
    q.s("SELECT url, CAST(SUM(l) AS BIGINT), CAST(SUM(w) AS BIGINT) FROM (");
    let mut parts = 0;
    if let Some((d1, d2)) = span.days {
        q.s("SELECT url, landings AS l, unreferred AS w FROM daily_pages WHERE day >= ")
            .p(Val::Int(d1))
            .s(" AND day <= ")
            .p(Val::Int(d2))
            .place(filter, true)
            .s(" AND (landings > 0 OR unreferred > 0)");
        parts += 1;
    }
    for &(from, to) in &span.edges {
        if parts > 0 {
            q.s(" UNION ALL ");
        }
        q.s("SELECT url, CASE WHEN type = 'landing' THEN 1 ELSE 0 END AS l, CASE WHEN type = 'arrival' AND (referrer IS NULL OR referrer = '') THEN 1 ELSE 0 END AS w FROM events WHERE ts >= ")
            .p(Val::Int(from))
            .s(" AND ts <= ")
            .p(Val::Int(to))
            .place(filter, true)
            .s(" AND type IN ('landing', 'arrival')");
        parts += 1;
    }
    let mut pages = Vec::new();
    if parts > 0 {
        q.s(&format!(
            ") t GROUP BY url HAVING SUM(l) + SUM(w) > 0 ORDER BY SUM(l) + SUM(w) DESC, SUM(l) DESC, url{} LIMIT {MAX_PAGES}",
            if pg { " COLLATE \"C\"" } else { "" }
        ));
        pages = q
            .rows(conn)?
            .into_iter()
            .map(|r| {
                let (l, w) = (r[1].int() as u64, r[2].int() as u64);
                SourcelessPage {
                    page: r[0].text(),
                    landings: l,
                    without_referrer: w,
                    explained: ratio(w, l + w),
                }
            })
            .collect();
    }

    // Landings per day.
    let mut by_day: BTreeMap<i64, u64> = BTreeMap::new();
    if let Some((d1, d2)) = span.days {
        let mut q = Sql::default();
        q.s("SELECT day, CAST(SUM(n) AS BIGINT) FROM daily_stats WHERE url = ")
            .p(Val::Text(filter.page.clone().unwrap_or_default()))
            .s(" AND day >= ")
            .p(Val::Int(d1))
            .s(" AND day <= ")
            .p(Val::Int(d2))
            .place(filter, false)
            .s(" AND type = 'landing' GROUP BY day");
        for r in q.rows(conn)? {
            *by_day.entry(r[0].int()).or_default() += r[1].int() as u64;
        }
    }
    for &(from, to) in &span.edges {
        let mut q = Sql::default();
        q.s("SELECT ts / 86400000, COUNT(*) FROM events WHERE ts >= ")
            .p(Val::Int(from))
            .s(" AND ts <= ")
            .p(Val::Int(to))
            .place(filter, true)
            .s(" AND type = 'landing' GROUP BY 1");
        for r in q.rows(conn)? {
            *by_day.entry(r[0].int()).or_default() += r[1].int() as u64;
        }
    }
    let by_day = by_day
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(d, n)| (crate::stats::day(d * DAY_MS), n))
        .collect();

    // Spikes: days of the range with enough landings, then those pages' days before.
    let (d1, d2) = range_days(filter);
    let mut q = Sql::default();
    q.s("SELECT url, day, CAST(SUM(landings) AS BIGINT) FROM daily_pages WHERE day >= ")
        .p(Val::Int(d1))
        .s(" AND day <= ")
        .p(Val::Int(d2))
        .place(filter, true)
        .s(&format!(
            " AND landings > 0 GROUP BY url, day HAVING SUM(landings) >= {SPIKE_MIN}"
        ));
    let candidates: Vec<(String, i64, u64)> = q
        .rows(conn)?
        .into_iter()
        .map(|r| (r[0].text(), r[1].int(), r[2].int() as u64))
        .collect();
    let mut history: HashMap<(String, i64), u64> = HashMap::new();
    if let (Some(lo), Some(hi)) = (
        candidates.iter().map(|c| c.1).min(),
        candidates.iter().map(|c| c.1).max(),
    ) {
        let mut urls: Vec<String> = candidates.iter().map(|c| c.0.clone()).collect();
        urls.sort();
        urls.dedup();
        let mut q = Sql::default();
        q.s("SELECT url, day, CAST(SUM(landings) AS BIGINT) FROM daily_pages WHERE day >= ")
            .p(Val::Int(lo - SPIKE_WINDOW))
            .s(" AND day <= ")
            .p(Val::Int(hi - 1))
            .place(filter, false)
            .s(" AND landings > 0 AND ");
        if pg {
            q.s("url = ANY(").p(Val::Texts(urls)).s(")");
        } else {
            let list = serde_json::to_string(&urls).unwrap_or_else(|_| "[]".into());
            q.s("url IN (SELECT value FROM json_each(")
                .p(Val::Text(list))
                .s("))");
        }
        q.s(" GROUP BY url, day");
        for r in q.rows(conn)? {
            history.insert((r[0].text(), r[1].int()), r[2].int() as u64);
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

/// Adds `daily_pages`'s `landings` and `unreferred` to a database made before them:
/// landings are new (0); arrivals without referrer are counted from `daily_stats`.
pub(crate) fn migrate(conn: &mut dyn Conn) -> Result<(), StoreError> {
    let sql = if conn.pg() {
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'daily_pages' AND column_name = 'unreferred' AND table_schema = current_schema()"
    } else {
        "SELECT 1 FROM pragma_table_info('daily_pages') WHERE name = 'unreferred'"
    };
    if !conn.rows(sql, &[])?.is_empty() {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::queries::tests::{assert_same, rebuild, rollups, stores, Rng, DAY0};
    use crate::stats::compute;
    use crate::stats::tests::{events_of, fixture};

    /// A landing on `url` at `ts`.
    pub fn landing(url: &str, ts: i64) -> Row {
        Row {
            kind: "landing".into(),
            channel: "none".into(),
            token: String::new(),
            parent: None,
            url: url.into(),
            referrer: None,
            ts,
        }
    }

    /// `rows` with sourceless landings mixed in: a few a day on some pages, and a burst
    /// of 14 on one page one day (a spike: nothing the days before).
    pub fn with_landings(mut rows: Vec<Row>, seed: u64) -> Vec<Row> {
        let mut rng = Rng::new(seed + 7_000);
        let mut landings = Vec::new();
        for site in ["blog.example", "Shop.Example:8443", "docs.example"] {
            for p in 0..4 {
                for day in 0..5 {
                    for _ in 0..rng.below(4) {
                        let ts = DAY0 + day * DAY_MS + rng.below(DAY_MS as u64) as i64;
                        let query = if rng.chance(0.1) { "?utm_source=x" } else { "" };
                        landings.push(landing(&format!("https://{site}/p{p}{query}"), ts));
                    }
                }
            }
        }
        let burst = 1 + rng.below(4) as i64;
        for i in 0..14 {
            landings.push(landing(
                "https://blog.example/p9",
                DAY0 + burst * DAY_MS + i * 3_600_000,
            ));
        }
        for l in landings {
            let at = rng.below(rows.len() as u64 + 1) as usize;
            rows.insert(at, l);
        }
        rows
    }

    const A: &str = "https://blog.example/a";
    const B: &str = "https://blog.example/b";
    const C: &str = "https://shop.example/c";
    const D: &str = "https://docs.example/d";
    const E: &str = "https://docs.example/e";

    /// The stats fixture (2025-11-21 and 22) with landings: A 3 then 1, B 2 on the 22nd;
    /// C 12 on the 22nd (a spike: nothing before); D 4 a day for 27 days, 11 on the 21st
    /// (not a spike: under 3 × 4), 12 on the 22nd (a spike: exactly 3 × its median 4);
    /// E 8 on the 22nd (not a spike: under 10).
    pub fn landing_fixture() -> Vec<Row> {
        let mut rows = fixture();
        let day2 = DAY0 + DAY_MS;
        let mut add = |url: &str, day: i64, n: i64| {
            for i in 0..n {
                rows.push(landing(url, day + 1_000 + i * 60_000));
            }
        };
        add(A, DAY0, 2);
        add(&format!("{A}?utm_source=x#top"), DAY0, 1);
        add(A, day2, 1);
        add(B, day2, 2);
        add(C, day2, 12);
        for k in 2..=28 {
            add(D, day2 - k * DAY_MS, 4);
        }
        add(D, DAY0, 11);
        add(D, day2, 12);
        add(E, day2, 8);
        rows
    }

    fn page(page: &str, landings: u64, without_referrer: u64) -> SourcelessPage {
        SourcelessPage {
            page: page.into(),
            landings,
            without_referrer,
            explained: ratio(without_referrer, landings + without_referrer),
        }
    }

    fn spike(page: &str, landings: u64, median: f64) -> Spike {
        Spike {
            page: page.into(),
            day: "2025-11-22".into(),
            landings,
            median,
        }
    }

    #[test]
    fn exact_numbers_and_spikes_on_both_backends() {
        let rows = landing_fixture();
        let day2 = DAY0 + DAY_MS;
        for store in stores("landings") {
            store.insert_batch(&events_of(&rows)).unwrap();
            let all = store.stats(&Filter::default()).unwrap();
            assert_eq!(all, compute(&rows, Filter::default()));
            let d = &all.dark_social;
            assert_eq!((all.shares, all.arrivals), (5, 3), "landings are no shares");
            assert_eq!(
                (
                    d.sourceless_landings,
                    d.without_referrer,
                    d.sourceless_visits
                ),
                (157, 2, 159)
            );
            assert_eq!(d.explained, Some(0.013));
            assert_eq!(
                d.sourceless_pages,
                vec![
                    page(D, 131, 0),
                    page(C, 12, 0),
                    page(E, 8, 0),
                    page(A, 4, 1),
                    page(B, 2, 1)
                ]
            );
            assert_eq!(d.sourceless_pages[3].explained, Some(0.2));
            assert_eq!(d.spikes, vec![spike(D, 12, 4.0), spike(C, 12, 0.0)]);
            assert_eq!(d.landings_by_day.len(), 29);
            assert_eq!(d.landings_by_day[0], ("2025-10-25".into(), 4));
            assert_eq!(
                d.landings_by_day[27..],
                [("2025-11-21".into(), 14), ("2025-11-22".into(), 35)]
            );
            assert_eq!(all.days.len(), 2, "days of shares and click-backs only");

            let blog = Filter {
                site: Some("blog.example".into()),
                ..Filter::default()
            };
            let stats = store.stats(&blog).unwrap();
            assert_eq!(stats, compute(&rows, blog.clone()));
            let d = &stats.dark_social;
            assert_eq!(
                (d.sourceless_landings, d.sourceless_visits, d.explained),
                (6, 8, Some(0.25))
            );
            assert_eq!(d.sourceless_pages, vec![page(A, 4, 1), page(B, 2, 1)]);
            assert!(d.spikes.is_empty());

            // One day: its spikes still judged against the 28 days before the range.
            let one_day = Filter {
                from: Some(day2),
                to: Some(day2 + DAY_MS - 1),
                ..Filter::default()
            };
            let stats = store.stats(&one_day).unwrap();
            assert_eq!(stats, compute(&rows, one_day.clone()));
            let d = &stats.dark_social;
            assert_eq!(d.sourceless_landings, 35);
            assert_eq!(
                d.sourceless_pages,
                vec![
                    page(D, 12, 0),
                    page(C, 12, 0),
                    page(E, 8, 0),
                    page(B, 2, 1),
                    page(A, 1, 0)
                ]
            );
            assert_eq!(d.spikes, vec![spike(D, 12, 4.0), spike(C, 12, 0.0)]);

            let only_d = Filter {
                page: Some(D.into()),
                from: Some(day2 + 1_000 + 60_000), // cuts the day: its edge from the events
                ..Filter::default()
            };
            let stats = store.stats(&only_d).unwrap();
            assert_eq!(stats, compute(&rows, only_d.clone()));
            assert_eq!(stats.dark_social.sourceless_landings, 11);
            assert_eq!(stats.dark_social.spikes, vec![spike(D, 12, 4.0)]);

            assert_same(&store, &rows);
            let kept = rollups(&store);
            rebuild(&store);
            assert_eq!(kept, rollups(&store));
        }
    }

    #[test]
    fn the_answer_keeps_its_keys_in_order() {
        let rows = landing_fixture();
        let json = serde_json::to_string(&compute(&rows, Filter::default())).unwrap();
        let dark = &json[json.find(r#""dark_social":"#).unwrap()..];
        let mut at = 0;
        for key in [
            "arrivals",
            "without_referrer",
            "direct",
            "share_of_direct",
            "sourceless_landings",
            "sourceless_visits",
            "explained",
            "sourceless_pages",
            "spikes",
            "landings_by_day",
        ] {
            let found = dark[at..].find(&format!(r#""{key}":"#)).unwrap();
            at += found;
        }
        assert!(dark.contains(
            r#""spikes":[{"page":"https://docs.example/d","day":"2025-11-22","landings":12,"median":4.0}"#
        ));
        assert!(dark.contains(
            r#""sourceless_pages":[{"page":"https://docs.example/d","landings":131,"without_referrer":0,"explained":0.0}"#
        ));
    }

    #[test]
    fn a_landing_with_a_token_is_refused() {
        let v = crate::validate::EventValidator::new();
        let ok = serde_json::json!({"v":1,"id":"0f8fad5b-d9cb-469f-a165-70867728950e","type":"landing",
            "channel":"none","token":null,"parent":null,"url":"https://blog.example/a","title":"A","ts":1_763_700_000_000u64});
        assert_eq!(v.check(&ok), Ok(()));
        for (field, bad) in [
            ("token", serde_json::json!("cAbCdEfGhIj9")),
            ("channel", serde_json::json!("whatsapp")),
            ("parent", serde_json::json!("cAbCdEfGhIj9")),
            ("url", serde_json::json!("javascript:alert(1)")),
        ] {
            let mut event = ok.clone();
            event[field] = bad;
            let err = v.check(&event).unwrap_err();
            assert!(
                err.contains(&format!("/{field}")) || err.contains(field),
                "{field}: {err}"
            );
        }
        // Other events keep their token.
        let mut share = ok.clone();
        share["type"] = serde_json::json!("share");
        share["channel"] = serde_json::json!("whatsapp");
        assert!(v.check(&share).is_err(), "a share needs a token");
    }

    #[test]
    fn a_database_from_before_landings_is_migrated() {
        let dir = std::env::temp_dir().join(format!("lanterne-landings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("v1.db");
        let _ = std::fs::remove_file(&path);
        let rows = fixture();
        {
            let store = crate::store::Store::open(path.to_str().unwrap()).unwrap();
            store.insert_batch(&events_of(&rows)).unwrap();
        }
        {
            // daily_pages as it was before landings.
            let db = rusqlite::Connection::open(&path).unwrap();
            db.execute_batch(
                "ALTER TABLE daily_pages DROP COLUMN landings; ALTER TABLE daily_pages DROP COLUMN unreferred;",
            )
            .unwrap();
        }
        let store = crate::store::Store::open(path.to_str().unwrap()).unwrap();
        assert_migrated(&store);
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
        a_postgres_database_from_before_landings_is_migrated();
    }

    /// What a store opened on a database from before landings holds once migrated: the
    /// daily tables as a rebuild makes them, and new landings counted as the reference.
    fn assert_migrated(store: &crate::store::Store) {
        let kept = rollups(store);
        rebuild(store);
        assert_eq!(kept, rollups(store), "unreferred counted from daily_stats");
        let more = landing_fixture();
        store.insert_batch(&events_of(&more)).unwrap();
        assert_eq!(
            store.stats(&Filter::default()).unwrap(),
            compute(&more, Filter::default())
        );
    }

    /// The same on PostgreSQL, when the test command names a server.
    fn a_postgres_database_from_before_landings_is_migrated() {
        let Ok(url) = std::env::var("LANTERNE_TEST_POSTGRES") else {
            return;
        };
        let schema = format!("t_landings_migrate_{}", std::process::id());
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        let url = format!("{url}{sep}options=-csearch_path%3D{schema}");
        let rows = fixture();
        {
            let store = crate::store::Store::open(&url).unwrap();
            store.insert_batch(&events_of(&rows)).unwrap();
        }
        client
            .batch_execute(&format!(
                "ALTER TABLE {schema}.daily_pages DROP COLUMN landings; ALTER TABLE {schema}.daily_pages DROP COLUMN unreferred;"
            ))
            .unwrap();
        let store = crate::store::Store::open(&url).unwrap();
        assert_migrated(&store);
        drop(store);
        client
            .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
            .unwrap();
    }
}
