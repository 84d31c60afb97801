//! Sourceless landings from SQL: exact numbers and spikes on a fixture, key order, the
//! schema's rule for landings, the migration of a database from before them.

use super::*;
use crate::stats::fixtures::{fixture, landing_fixture, A, B, C, D, DAY0, E};
use crate::stats::sourceless::{SourcelessPage, Spike};
use crate::stats::{ratio, DAY_MS};

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
    let Some((url, mut client, schema)) = pg_schema("t_landings_migrate") else {
        return;
    };
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
