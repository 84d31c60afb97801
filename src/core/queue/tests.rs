//! The queue's bookkeeping and its record, against what the JavaScript queue of earlier releases wrote.

use super::*;
use crate::core::channel::Channel;
use crate::core::event::EventKind;
use crate::core::token::ShareToken;

/// What the browser layer does with a stored record before `adopt`: `JSON.parse`, the
/// events with `Event::from_stored`, the numbers with `count`; nothing for text that
/// is not an object with an `"e"` array.
fn adopt(queue: &mut Queue, text: &str) -> usize {
    let Ok(serde_json::Value::Object(record)) = serde_json::from_str(text) else {
        return 0;
    };
    let Some(serde_json::Value::Array(items)) = record.get("e") else {
        return 0;
    };
    let events = items
        .iter()
        .filter_map(|item| {
            let json = item.as_str()?.to_owned();
            let event = crate::core::event::tests::from_json(&json)?;
            Some(Queued { id: event.id, json })
        })
        .collect();
    let number = |key: &str| record.get(key).and_then(serde_json::Value::as_f64);
    queue.adopt(Record {
        dropped: count(number("d")),
        retry_at: count(number("r")),
        events,
    })
}

fn event(id: &str) -> Event {
    Event {
        id: id.into(),
        kind: EventKind::Share,
        channel: Some(Channel::Whatsapp),
        token: ShareToken::parse("wAAAAAAAAAA1"),
        parent: None,
        url: "https://blog.example/a".into(),
        title: "A".into(),
        ts: 1_763_700_000_000,
    }
}

/// Bytes of one `event(id)`'s JSON with a one-character id.
fn size() -> usize {
    event("a").to_json().len()
}

fn ids(batch: &[&Queued]) -> Vec<String> {
    batch.iter().map(|q| q.id.clone()).collect()
}

fn all_ids(queue: &Queue) -> Vec<String> {
    ids(&queue.peek(usize::MAX, usize::MAX, &[]))
}

fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

/// A record as js/queue.js wrote it: `JSON.stringify({t, d, r, e})`, each event's JSON a
/// string (written out by hand, escapes as JSON.stringify makes them).
const JS_RECORD: &str = concat!(
    r#"{"t":1763700000123,"d":2,"r":1763700004321.877,"e":["#,
    r#""{\"v\":1,\"id\":\"x1\",\"type\":\"copy\",\"channel\":\"copy\",\"token\":\"cAAAAAAAAAA1\","#,
    r#"\"parent\":null,\"url\":\"https://blog.example/a\",\"title\":\"Say \\\"hi\\\" \\\\ é 😀\","#,
    r#"\"ts\":1763700000000,\"chars\":12}","#,
    r#""{\"v\":1,\"id\":\"x2\",\"type\":\"arrival\",\"channel\":\"whatsapp\",\"token\":\"wAAAAAAAAAA1\","#,
    r#"\"parent\":\"wAAAAAAAAAA1\",\"url\":\"https://blog.example/b\",\"title\":\"B\\u2028\","#,
    r#"\"ts\":1763700000001,\"referrer\":null,\"later\":{\"x\":[1]}}""#,
    r#"]}"#
);

#[test]
fn bounded_by_events_and_bytes() {
    let mut queue = Queue::new(3, 1_000_000);
    for id in ["a", "b", "c", "d", "e"] {
        queue.push(event(id));
    }
    assert_eq!(all_ids(&queue), ["c", "d", "e"]);
    assert_eq!(
        (queue.len(), queue.dropped(), queue.dropped_here()),
        (3, 2, 2)
    );

    // Room for two events' bytes.
    let mut queue = Queue::new(100, 2 * size() + 1);
    for id in ["a", "b", "c"] {
        queue.push(event(id));
    }
    assert_eq!(all_ids(&queue), ["b", "c"]);
    assert_eq!(queue.dropped(), 1);

    // A single event over the byte budget is kept, and pushes out everything before it.
    let mut big = event("big");
    big.title = "é".repeat(1000);
    let mut queue = Queue::new(100, 100);
    queue.push(event("a"));
    assert_eq!(queue.len(), 1);
    queue.push(big);
    assert_eq!(all_ids(&queue), ["big"]);
    assert_eq!(queue.dropped(), 1);

    // Bytes are UTF-8 bytes: two-byte characters count twice.
    let mut wide = event("a");
    wide.title = "éé".into();
    let mut queue = Queue::new(100, 2 * size() + 3);
    queue.push(wide.clone());
    wide.id = "b".into();
    queue.push(wide.clone());
    assert_eq!(queue.len(), 1);
    queue.remove(&strings(&["b"]));
    assert!(queue.is_empty());

    // Reporting the drops counts them down, but not the page view's count.
    let mut queue = Queue::new(1, 1000);
    for id in ["a", "b", "c"] {
        queue.push(event(id));
    }
    queue.reported(1);
    assert_eq!((queue.dropped(), queue.dropped_here()), (1, 2));
    queue.reported(5);
    assert_eq!((queue.dropped(), queue.dropped_here()), (0, 2));
}

#[test]
fn adopts_records_before_its_own_events() {
    let mut other = Queue::new(100, 100_000);
    for id in ["o1", "o2", "shared"] {
        other.push(event(id));
    }
    other.retry_at = 5_000;
    let mut other_record = other.record(1).unwrap();

    let mut queue = Queue::new(100, 100_000);
    queue.push(event("shared"));
    queue.push(event("mine"));
    queue.retry_at = 9_000;
    assert_eq!(adopt(&mut queue, &other_record), 2);
    assert_eq!(all_ids(&queue), ["o1", "o2", "shared", "mine"]);
    assert_eq!(queue.retry_at, 9_000);

    // Drop counts add up; the later retry time wins.
    let mut full = Queue::new(1, 100_000);
    full.push(event("f1"));
    full.push(event("f2"));
    full.retry_at = 20_000;
    assert_eq!(full.dropped(), 1);
    assert_eq!(adopt(&mut queue, &full.record(2).unwrap()), 1);
    assert_eq!(all_ids(&queue), ["f2", "o1", "o2", "shared", "mine"]);
    assert_eq!(
        (queue.dropped(), queue.retry_at, queue.dropped_here()),
        (1, 20_000, 0)
    );

    // Adopting past the bounds drops the oldest: the adopted ones.
    let mut small = Queue::new(3, 100_000);
    small.push(event("mine"));
    other_record = other.record(3).unwrap();
    assert_eq!(adopt(&mut small, &other_record), 3);
    assert_eq!(all_ids(&small), ["o2", "shared", "mine"]);
    assert_eq!((small.dropped(), small.dropped_here()), (1, 1));

    // A record with nothing new adds nothing; its drop count still counts.
    let mut queue = Queue::new(100, 100_000);
    queue.push(event("a"));
    let record = r#"{"t":1,"d":4,"r":0,"e":[]}"#;
    assert_eq!(adopt(&mut queue, record), 0);
    assert_eq!(queue.dropped(), 4);
}

#[test]
fn adopts_what_the_javascript_queue_wrote() {
    let mut queue = Queue::new(1000, 262_144);
    assert_eq!(adopt(&mut queue, JS_RECORD), 2);
    let batch = queue.peek(500, 60_000, &[]);
    assert_eq!(ids(&batch), ["x1", "x2"]);
    let event = |i: usize| crate::core::event::tests::from_json(&batch[i].json).unwrap();
    assert_eq!(event(0).kind, EventKind::Copy { chars: 12 });
    assert_eq!(event(0).title, "Say \"hi\" \\ é 😀");
    assert_eq!(event(1).title, "B\u{2028}");
    // The JSON as stored, fields this release does not know included.
    assert!(batch[1]
        .json
        .ends_with(r#""referrer":null,"later":{"x":[1]}}"#));
    assert_eq!((queue.dropped(), queue.retry_at), (2, 1_763_700_004_322));
    // Written back the same way JSON.stringify wrote it.
    let expected = JS_RECORD
        .replacen("1763700000123", "1763700009999", 1)
        .replacen("1763700004321.877", "1763700004322", 1);
    assert_eq!(queue.record(1_763_700_009_999).unwrap(), expected);
}

#[test]
fn record_round_trip() {
    let mut queue = Queue::new(2, 100_000);
    let mut odd = event("odd \"id\" \\ \u{2028} 😀");
    odd.title = "tab\t\u{1}\u{7f} «»".into();
    odd.kind = EventKind::Arrival {
        referrer: Some("https://t.co/".into()),
    };
    for e in [event("gone"), event("a"), odd] {
        queue.push(e);
    }
    queue.retry_at = 123;
    let record = queue.record(42).unwrap();
    assert!(record.starts_with(r#"{"t":42,"d":1,"r":123,"e":["#));
    let mut copy = Queue::new(2, 100_000);
    assert_eq!(adopt(&mut copy, &record), 2);
    assert_eq!(copy.peek(10, 100_000, &[]), queue.peek(10, 100_000, &[]));
    assert_eq!((copy.dropped(), copy.retry_at), (1, 123));
    assert_eq!(copy.record(42), Some(record));

    // Only a drop count left is still worth keeping.
    let mut queue = Queue::new(1, 100_000);
    queue.push(event("a"));
    queue.push(event("b"));
    queue.remove(&strings(&["b"]));
    assert_eq!(
        queue.record(7).as_deref(),
        Some(r#"{"t":7,"d":1,"r":0,"e":[]}"#)
    );
    queue.reported(1);
    assert_eq!(queue.record(7), None);
}

#[test]
fn odd_records() {
    let mut queue = Queue::new(100, 100_000);
    queue.push(event("a"));
    let before = queue.record(1);
    // Not adopted at all: not JSON, not an object, no events array.
    for bad in [
        "",
        "null",
        "[]",
        r#"{"t":1,"d":2,"r":3}"#,
        r#"{"t":1,"d":2,"r":3,"e":{}}"#,
        r#"{"t":1,"d":2,"r":3,"e":[}"#,
        r#"{"t":1,"d":2,"r":3,"e":[]"#,
        r#"{"t":1,"d":2,"r":3,"e":[]} x"#,
    ] {
        assert_eq!(adopt(&mut queue, bad), 0, "{bad}");
        assert_eq!(queue.record(1), before, "{bad}");
    }
    // Items that are not strings, or not events, are left out; d and r that are not
    // non-negative numbers count as nothing; unknown keys are skipped.
    let json = event("b").to_json();
    let mut quoted = String::new();
    push_str(&mut quoted, &json);
    let record = [
        r#"{"x":{"y":[1,2]},"d":"many","r":-5,"e":[1,null,{"v":1},"not json","{\"v\":2}","#,
        &quoted,
        ",",
        &quoted,
        "]}",
    ]
    .concat();
    assert_eq!(adopt(&mut queue, &record), 1);
    assert_eq!(all_ids(&queue), ["b", "a"]);
    assert_eq!((queue.dropped(), queue.retry_at), (0, 0));
    let peeked = queue.peek(1, 100_000, &[]);
    assert_eq!(peeked[0].json, json);
}

#[test]
fn peek_within_budgets() {
    let mut queue = Queue::new(100, 100_000);
    for id in ["a", "b", "c", "d"] {
        queue.push(event(id));
    }
    let one = size();
    assert_eq!(ids(&queue.peek(3, 100_000, &[])), ["a", "b", "c"]);
    assert_eq!(ids(&queue.peek(1, 100_000, &[])), ["a"]);
    assert!(queue.peek(0, 100_000, &[]).is_empty());
    // 2 + (one + 1) per event: exactly two fit, one byte less and only one does.
    assert_eq!(ids(&queue.peek(10, 2 + 2 * (one + 1), &[])), ["a", "b"]);
    assert_eq!(ids(&queue.peek(10, 2 + 2 * (one + 1) - 1, &[])), ["a"]);
    // The first event goes whatever its size.
    assert_eq!(ids(&queue.peek(10, 0, &[])), ["a"]);
    // Events in flight are skipped, and do not count against the budget.
    assert_eq!(
        ids(&queue.peek(10, 2 + 2 * (one + 1), &strings(&["a", "c"]))),
        ["b", "d"]
    );
    assert!(queue
        .peek(10, 100_000, &strings(&["a", "b", "c", "d"]))
        .is_empty());
}

#[test]
fn set_aside_and_waiting() {
    let mut queue = Queue::new(100, 100_000);
    for id in ["a", "b", "c"] {
        queue.push(event(id));
    }
    queue.set_aside(&strings(&["a", "c", "zzz"]));
    assert_eq!((queue.len(), queue.waiting()), (3, 1));
    assert_eq!(ids(&queue.peek(10, 100_000, &[])), ["b"]);
    // Set aside, still kept for the next page.
    assert!(queue.record(1).unwrap().contains("\\\"id\\\":\\\"c\\\""));
    queue.remove(&strings(&["a"]));
    assert_eq!((queue.len(), queue.waiting()), (2, 1));
    // Trimming drops set-aside events like any other.
    let mut queue = Queue::new(2, 100_000);
    queue.push(event("a"));
    queue.set_aside(&strings(&["a"]));
    queue.push(event("b"));
    queue.push(event("c"));
    assert_eq!((queue.len(), queue.waiting()), (2, 2));
}

#[test]
fn remove_after_adopt_moved_things() {
    let mut queue = Queue::new(100, 100_000);
    queue.push(event("mine1"));
    queue.push(event("mine2"));
    let in_flight = ids(&queue.peek(10, 100_000, &[]));
    let mut other = Queue::new(100, 100_000);
    other.push(event("old"));
    assert_eq!(adopt(&mut queue, &other.record(1).unwrap()), 1);
    queue.remove(&in_flight);
    assert_eq!(all_ids(&queue), ["old"]);
    // The byte count follows: room for exactly what is left and one more.
    queue.max_bytes = (size() + 2) + size();
    queue.push(event("x"));
    assert_eq!(all_ids(&queue), ["old", "x"]);
}

#[test]
fn clear_forgets_and_takes_nothing_more() {
    let mut queue = Queue::new(1, 100_000);
    queue.push(event("a"));
    queue.push(event("b"));
    queue.retry_at = 10;
    queue.clear();
    assert_eq!(
        (queue.len(), queue.dropped(), queue.record(5)),
        (0, 0, None)
    );
    queue.push(event("c"));
    assert_eq!(adopt(&mut queue, JS_RECORD), 0);
    assert_eq!(
        (queue.len(), queue.dropped(), queue.record(5)),
        (0, 0, None)
    );
}
