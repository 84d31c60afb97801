//! Databases of earlier layouts brought up to date: the same answers, the same exports,
//! idempotent, and resumable when stopped half way.

use super::*;
use crate::stats::fixtures::realistic;

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
fn page_first_indexes_and_deep_page_rows_are_replaced() {
    let rows = crate::stats::fixtures::deep_chain();
    let dir = std::env::temp_dir().join(format!("lanterne-indexes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("v2.db");
    let _ = std::fs::remove_file(&path);
    let store = Store::open(path.to_str().unwrap()).unwrap();
    store.insert_batch(&events_of(&rows)).unwrap();
    drop(store);
    {
        // The layout before: indexes keyed by page first, and a page's daily rows at
        // every depth.
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch(
            "DROP INDEX events_ts_page; DROP INDEX events_deep_page;
             CREATE INDEX events_ts ON events(ts); CREATE INDEX events_page_ts ON events(page, ts);
             CREATE INDEX events_deep ON events(depth, ts) WHERE depth > 0;
             CREATE INDEX events_page_deep ON events(page, depth, ts) WHERE depth > 0;
             INSERT INTO daily_stats (url, day, site, type, channel, depth, flag, n)
               SELECT 'https://blog.example/a', day, site, type, channel, depth, flag, n
               FROM daily_stats WHERE url = '' AND depth > 32;
             DELETE FROM lanterne_meta WHERE key = 'page_rows';",
        )
        .unwrap();
    }
    let store = Store::open(path.to_str().unwrap()).unwrap();
    let indexes = store
        .with_conn(Access::Read, |c| {
            c.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND name LIKE 'events_%' ORDER BY name", &[])
        })
        .unwrap()
        .iter()
        .map(|r| r.text("name").unwrap())
        .collect::<Vec<_>>();
    assert_eq!(
        indexes,
        [
            "events_deep_page",
            "events_dup",
            "events_parent",
            "events_token",
            "events_ts_page"
        ]
    );
    assert_eq!(rollups(&store), rollups(&store_of(&rows)));
    assert_same(&store, &rows);
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Events as clients may send them, beside `rows`' plain ones: campaign parameters and a
/// fragment in the URL, a whole number written as a float, fields the schema does not
/// name, an arrival without `referrer`, a page whose title changed.
fn odd_events() -> Vec<serde_json::Value> {
    let base = serde_json::json!({"v":1,"type":"share","channel":"whatsapp","token":"wAbCdEfGhIj9","parent":null,
        "url":"https://blog.example/odd","title":"Odd","ts":1_763_700_000_000u64});
    let with = |id: u32, changes: serde_json::Value| {
        let mut e = base.clone();
        e["id"] = serde_json::json!(format!("0f8fad5b-d9cb-469f-a165-9{id:011}"));
        for (k, v) in changes.as_object().unwrap() {
            e[k] = v.clone();
        }
        e
    };
    let mut bare = with(
        4,
        serde_json::json!({"type": "arrival", "parent": "wAbCdEfGhIj9"}),
    );
    bare.as_object_mut().unwrap().remove("referrer");
    vec![
        with(
            1,
            serde_json::json!({"url": "https://blog.example/odd?utm_source=x&lt=wAbCdEfGhIj9#top"}),
        ),
        with(
            2,
            serde_json::json!({"ts": 1.7e12, "x-extra": {"a": [1, 2]}, "dropped": 3}),
        ),
        with(
            3,
            serde_json::json!({"title": "Odd, renamed", "chars": null}),
        ),
        bare,
    ]
}

/// A database as the collector before this layout left it (issue 20's: each event's raw
/// body beside its columns, `site`, `depth`, `dup`), holding `events`; derived values
/// not yet computed, so the migration derives them.
fn old_layout(path: &std::path::Path, events: &[serde_json::Value]) {
    let db = rusqlite::Connection::open(path).unwrap();
    db.execute_batch(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, channel TEXT NOT NULL, token TEXT NOT NULL, parent TEXT, url TEXT NOT NULL, title TEXT NOT NULL, ts INTEGER NOT NULL, referrer TEXT, chars INTEGER, received_at INTEGER NOT NULL, body TEXT NOT NULL, site TEXT, depth BIGINT, dup BIGINT);
         CREATE INDEX events_ts ON events(ts); CREATE INDEX events_site_ts ON events(site, ts); CREATE INDEX events_url_ts ON events(url, ts);",
    )
    .unwrap();
    for e in events {
        db.execute(
            "INSERT INTO events (id, type, channel, token, parent, url, title, ts, referrer, chars, received_at, body, site) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 42, ?11, ?12)",
            rusqlite::params![e["id"].as_str(), e["type"].as_str(), e["channel"].as_str(), e["token"].as_str().unwrap_or(""), e["parent"].as_str(),
                crate::pages::page_key(e["url"].as_str().unwrap()), e["title"].as_str(), crate::store::event::whole_number(e.get("ts")), e["referrer"].as_str(), e["chars"].as_i64(), e.to_string(), site_of(e["url"].as_str().unwrap())],
        )
        .unwrap();
    }
}

#[test]
fn the_layout_with_raw_bodies_is_rewritten_keeping_every_field_and_resumes_when_stopped() {
    let rows = realistic(11, 40);
    let mut events = events_of(&rows);
    events.extend(odd_events());
    let mut all_rows = rows.clone();
    all_rows.extend(odd_events().iter().map(|e| {
        crate::store::event::Event::from_json(e)
            .unwrap()
            .stats_row()
    }));
    let dir = std::env::temp_dir().join(format!("lanterne-rewrite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("v1.db");
    let _ = std::fs::remove_file(&path);
    old_layout(&path, &events);
    // Stopped after three chunks of seven, as a crash would stop it.
    {
        let db = rusqlite::Connection::open(&path).unwrap();
        let mut conn = crate::store::sqlite::Lite(&db);
        crate::store::sql::schema::migrate_tables(&mut conn).unwrap();
        let done = crate::store::sql::schema::rewrite(&mut conn, &mut |_| {}, 7, 3).unwrap();
        assert!(!done);
        let copied: i64 = db
            .query_row("SELECT COUNT(*) FROM events_v2", [], |r| r.get(0))
            .unwrap();
        assert_eq!(copied, 21);
    }
    let store = Store::open(path.to_str().unwrap()).unwrap();
    // Exports: the same fields and values as received, byte for byte.
    let exported: Vec<String> = export(&store).iter().map(|e| e.to_string()).collect();
    let mut sent: Vec<(i64, usize, String)> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (
                crate::store::event::whole_number(e.get("ts")).unwrap(),
                i,
                e.to_string(),
            )
        })
        .collect();
    sent.sort();
    assert_eq!(exported, sent.into_iter().map(|s| s.2).collect::<Vec<_>>());
    assert_same(&store, &all_rows);
    let fresh = Store::open_in_memory().unwrap();
    fresh.insert_batch(&events).unwrap();
    assert_eq!(derived(&store), derived(&fresh), "as if stored now");
    drop(store);
    // Opening again changes nothing.
    let store = Store::open(path.to_str().unwrap()).unwrap();
    assert_eq!(export(&store).len(), events.len());
    assert_same(&store, &all_rows);
    let tables: i64 = store
        .with_conn(Access::Read, |c| {
            c.rows(
                "SELECT COUNT(*) AS n FROM sqlite_schema WHERE name = 'events_v2'",
                &[],
            )?[0]
                .int("n")
        })
        .unwrap();
    assert_eq!(tables, 0, "the old table replaced");
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}
