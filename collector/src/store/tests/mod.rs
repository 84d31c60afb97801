//! The store's tests: every answer from SQL equal to the reference (`stats::compute`) on
//! fixtures with known numbers and on realistic events, on SQLite and, when the test
//! command names a server (`LANTERNE_TEST_POSTGRES`), on PostgreSQL.

use crate::stats::fixtures::events_of;
use crate::stats::fixtures::DAY0;
use crate::stats::{compute, site_of, Filter, Row, DAY_MS};
use crate::store::backend::Access;
use crate::store::conn::Row as SqlRow;
use crate::store::Store;

mod basics;
mod migrate;
mod plans;
mod sourceless;
mod stats;

/// An in-memory store holding `rows`, stored in order.
pub fn store_of(rows: &[Row]) -> Store {
    let store = Store::open_in_memory().unwrap();
    store.insert_batch(&events_of(rows)).unwrap();
    store
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
    let sites: std::collections::BTreeSet<String> = rows.iter().map(|r| site_of(&r.url)).collect();
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
    let (url, _, _) = pg_schema(&format!("t_{name}"))?;
    Some(Store::open(&url).unwrap())
}

/// A fresh PostgreSQL schema `{prefix}_{pid}`, when the test command names a server: the
/// URL that works in it, a client of the server, and the schema's name.
pub fn pg_schema(prefix: &str) -> Option<(String, postgres::Client, String)> {
    let url = std::env::var("LANTERNE_TEST_POSTGRES").ok()?;
    let schema = format!("{prefix}_{}", std::process::id());
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    Some((
        format!("{url}{sep}options=-csearch_path%3D{schema}"),
        client,
        schema,
    ))
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
pub fn rollups(store: &Store) -> (Vec<SqlRow>, Vec<SqlRow>) {
    store
        .with_conn(Access::Read, |c| {
            Ok((
                c.rows("SELECT url, day, site, type, channel, depth, flag, n FROM daily_stats WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7", &[])?,
                c.rows("SELECT day, site, url, shares, arrivals, landings, unreferred FROM daily_pages WHERE shares + arrivals + landings <> 0 ORDER BY 1, 2, 3", &[])?,
            ))
        })
        .unwrap()
}

/// Rebuilds the daily tables from the events.
pub fn rebuild(store: &Store) {
    store
        .with_conn(Access::Write, |c| {
            c.lock_derived()?;
            crate::store::sql::daily::rebuild(c, None)
        })
        .unwrap()
}

/// Each event's derived values, by id.
pub fn derived(store: &Store) -> Vec<SqlRow> {
    store
        .with_conn(Access::Read, |c| {
            c.rows("SELECT e.id AS id, p.site AS site, e.depth AS depth, e.dup AS dup FROM events e JOIN pages p ON p.id = e.page ORDER BY e.id", &[])
        })
        .unwrap()
}

/// Every event stored, oldest first, as received (an export of everything).
pub fn export(store: &Store) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = store.export_page(&Filter::default(), after, 1000).unwrap();
        let Some(last) = page.last() else { break };
        after = Some((last.0, last.1));
        out.extend(
            page.iter()
                .map(|p| serde_json::from_str::<serde_json::Value>(&p.2).unwrap()),
        );
    }
    out
}
