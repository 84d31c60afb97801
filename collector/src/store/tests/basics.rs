//! What the store does with events: dedupe, order, numbers written as floats, retention
//! and export, reopening; answers byte-equal with keys in order; campaign parameters.

use super::*;
use crate::stats::fixtures::fixture;
use crate::store::event::Stored;
use serde_json::{json, Value};

fn event(id: &str) -> Value {
    json!({"v":1,"id":id,"type":"share","channel":"whatsapp","token":"wAbCdEfGhIj9","parent":null,
           "url":"https://blog.example/a","title":"A","ts":1_763_700_000_000u64})
}

#[test]
fn dedupes_on_id_and_keeps_order() {
    let store = Store::open_in_memory().unwrap();
    let a = "0f8fad5b-d9cb-469f-a165-70867728950a";
    let b = "0f8fad5b-d9cb-469f-a165-70867728950b";
    assert_eq!(
        store.insert_batch(&[event(a), event(b)]).unwrap(),
        Stored {
            stored: 2,
            duplicates: 0
        }
    );
    assert_eq!(
        store.insert_batch(&[event(a), event(b)]).unwrap(),
        Stored {
            stored: 0,
            duplicates: 2
        }
    );
    assert_eq!(store.count().unwrap(), 2);
    let recent = store.recent(10).unwrap();
    assert_eq!(recent[0]["id"], b);
    assert_eq!(store.get(a).unwrap().unwrap()["channel"], "whatsapp");
    assert!(store.get("nope").unwrap().is_none());
}

#[test]
fn whole_numbers_written_as_floats_are_stored() {
    // Not a duplicate: with INSERT OR IGNORE, a NULL ts was silently "ignored".
    let store = Store::open_in_memory().unwrap();
    let mut e = event("0f8fad5b-d9cb-469f-a165-70867728950d");
    e["ts"] = json!(1.7e12);
    assert_eq!(
        store.insert_batch(&[e]).unwrap(),
        Stored {
            stored: 1,
            duplicates: 0
        }
    );
    let mut f = event("0f8fad5b-d9cb-469f-a165-70867728950f");
    f["ts"] = json!(1.5);
    assert!(
        store.insert_batch(&[f]).is_err(),
        "a constraint violation is an error, never a silent skip"
    );
}

#[test]
fn retention_and_export() {
    let store = Store::open_in_memory().unwrap();
    let mut old = event("0f8fad5b-d9cb-469f-a165-700000000001");
    old["ts"] = json!(1_000_000_000_000u64);
    let new = event("0f8fad5b-d9cb-469f-a165-700000000002");
    store.insert_batch(&[old, new]).unwrap();
    assert_eq!(export(&store).len(), 2);
    let recent = Filter {
        from: Some(1_500_000_000_000),
        ..Filter::default()
    };
    assert_eq!(store.export_page(&recent, None, 10).unwrap().len(), 1);
    assert_eq!(store.delete_before(1_500_000_000_000).unwrap(), 1);
    assert_eq!(store.count().unwrap(), 1);
}

#[test]
fn survives_reopen() {
    let dir = std::env::temp_dir().join(format!("lanterne-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("events.db");
    let _ = std::fs::remove_file(&path);
    Store::open(path.to_str().unwrap())
        .unwrap()
        .insert_batch(&[event("0f8fad5b-d9cb-469f-a165-70867728950c")])
        .unwrap();
    assert_eq!(
        Store::open(path.to_str().unwrap())
            .unwrap()
            .count()
            .unwrap(),
        1
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn answers_are_byte_equal_with_keys_in_order() {
    for store in stores("key_order") {
        store.insert_batch(&events_of(&fixture())).unwrap();
        let first = serde_json::to_string(&store.stats(&Filter::default()).unwrap()).unwrap();
        for _ in 0..20 {
            let again = store.stats(&Filter::default()).unwrap();
            assert_eq!(serde_json::to_string(&again).unwrap(), first);
            let reference = compute(&fixture(), Filter::default());
            let keys: Vec<&str> = reference.by_source.keys().copied().collect();
            assert_eq!(keys, ["address_bar", "buttons", "copy"]);
        }
        assert!(first.contains(r#""by_source":{"address_bar":"#), "{first}");
    }
}

#[test]
fn campaign_parameters_token_and_fragment_are_the_same_page() {
    let plain = store_of(&fixture()).stats(&Filter::default()).unwrap();
    let mut rows = fixture();
    for row in rows.iter_mut().filter(|r| r.kind == "arrival") {
        row.url
            .push_str("?utm_source=whatsapp&utm_medium=social&lt=wAAAAAAAAAA1#top");
    }
    for tagged in stores("page_key") {
        tagged.insert_batch(&events_of(&rows)).unwrap();
        let tagged = tagged.stats(&Filter::default()).unwrap();
        assert_eq!(tagged.top_pages, plain.top_pages);
        assert_eq!(tagged.chains, plain.chains);
        assert_eq!(
            tagged,
            compute(&rows, Filter::default()),
            "the reference agrees"
        );
        assert!(tagged.top_pages.iter().all(|p| !p.url.contains('?')));
    }
    // The `page=` filter is keyed the same way.
    let query = [(
        "page".to_owned(),
        format!(
            "{}?utm_campaign=x#y",
            rows[0].url.split('?').next().unwrap()
        ),
    )];
    let filter = crate::http::parse_filter(&query.into_iter().collect()).unwrap();
    assert_eq!(filter.page.as_deref(), Some(fixture()[0].url.as_str()));
}
