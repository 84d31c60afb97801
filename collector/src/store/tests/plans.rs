//! Each index is one a query plan uses: SQLite's plans of the queries that reads and
//! inserts make.

use super::*;
use crate::stats::fixtures::realistic;

#[test]
fn query_plans_use_the_indexes() {
    let store = store_of(&realistic(3, 30));
    let plan = |sql: &str| -> String {
        store
            .with_conn(Access::Read, |c| {
                let rows = c.rows(&format!("EXPLAIN QUERY PLAN {sql}"), &[])?;
                Ok(rows
                    .iter()
                    .map(|r| r.text("detail").unwrap())
                    .collect::<Vec<_>>()
                    .join(" | "))
            })
            .unwrap()
    };
    let page = "(SELECT id FROM pages WHERE url = 'x')";
    let site = "(SELECT id FROM pages WHERE site = 'a')";
    for (sql, index, ordered) in [
        // Reads: the daily tables by their keys.
        ("SELECT type, channel, depth, flag, SUM(n) FROM daily_stats WHERE url = '' AND day >= 1 AND day <= 5 GROUP BY type, channel, depth, flag", "PRIMARY KEY", false),
        ("SELECT url, shares, arrivals FROM daily_pages WHERE day >= 1 AND day <= 9", "PRIMARY KEY", false),
        // The edges of a range, of everything, a site, a page.
        ("SELECT type, COUNT(*) FROM events e WHERE e.ts >= 1 AND e.ts <= 9 GROUP BY 1", "events_ts_page", false),
        (&format!("SELECT type, COUNT(*) FROM events e WHERE e.ts >= 1 AND e.ts <= 9 AND e.page IN {site} GROUP BY 1"), "events_ts_page", false),
        (&format!("SELECT type, COUNT(*) FROM events e WHERE e.ts >= 1 AND e.ts <= 9 AND e.page = {page} GROUP BY 1"), "events_ts_page", false),
        // A page's shares deeper than its daily rows count.
        (&format!("SELECT type, COUNT(*) FROM events e INDEXED BY events_deep_page WHERE e.ts >= 1 AND e.ts <= 9 AND e.page = {page} AND e.depth > 0 AND e.depth > 32 GROUP BY 1"), "events_deep_page", false),
        // The longest chains.
        ("SELECT e.seq, p.url FROM events e JOIN pages p ON p.id = e.page WHERE e.depth = 3 AND e.depth > 0 AND e.ts >= 1 AND e.ts <= 9 ORDER BY e.ts DESC, e.seq DESC LIMIT 5", "events_deep_page", true),
        (&format!("SELECT e.seq, p.url FROM events e JOIN pages p ON p.id = e.page WHERE e.depth = 3 AND e.depth > 0 AND e.ts >= 1 AND e.ts <= 9 AND e.page = {page} ORDER BY e.ts DESC, e.seq DESC LIMIT 5"), "events_deep_page", true),
        // Sharers.
        ("SELECT channel, COUNT(DISTINCT parent) FROM events e INDEXED BY events_dup WHERE dup = 1 AND e.ts >= 1 AND e.ts <= 9 GROUP BY channel", "events_dup", false),
        // Exports: of everything and of a page in order, without sorting.
        ("SELECT e.seq FROM events e JOIN pages p ON p.id = e.page WHERE e.ts >= 1 AND e.ts <= 9 ORDER BY e.ts, e.seq LIMIT 1000", "events_ts_page", true),
        (&format!("SELECT e.seq FROM events e JOIN pages p ON p.id = e.page WHERE e.ts >= 1 AND e.ts <= 9 AND e.page = {page} ORDER BY e.ts, e.seq LIMIT 1000"), "events_ts_page", true),
        // Inserts: a token's first share, a parent's shares, an id.
        ("SELECT s.seq FROM events s WHERE s.token = 'x' AND s.type IN ('share', 'copy') AND s.depth IS NOT NULL ORDER BY s.seq LIMIT 1", "events_token", true),
        ("SELECT s.seq FROM events s WHERE s.channel = 'c' AND s.parent = 'x' AND s.type IN ('share', 'copy') AND s.depth IS NOT NULL LIMIT 2", "events_parent", false),
        ("SELECT 1 FROM events WHERE id = x'00'", "sqlite_autoindex_events", false),
        // Sites, and pages by key.
        ("SELECT DISTINCT site FROM pages WHERE site <> ''", "pages_site", false),
        ("SELECT id FROM pages WHERE url = 'x'", "sqlite_autoindex_pages", false),
    ] {
        let p = plan(sql);
        assert!(p.contains(index), "{sql}: {p}");
        assert!(!ordered || !p.contains("TEMP B-TREE FOR ORDER BY"), "{sql}: {p}");
    }
}
