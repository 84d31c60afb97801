//! Stats from SQL against the reference: known chains, realistic data stored in batches,
//! late parents, loops, long chains, share trees, retention, ranges.

use super::*;
use crate::stats::fixtures::{chain, deep_chain, fixture, realistic, Rng, DAY0};
use crate::stats::DAY_MS;
use crate::store::sql::range::Span;
use crate::store::sql::trees::{TREE_LEVELS, TREE_NODES};

#[test]
fn the_fixture_from_sql_has_the_exact_numbers() {
    let rows = fixture();
    for store in stores("fixture") {
        store.insert_batch(&events_of(&rows)).unwrap();
        fixture_numbers(&store, &rows);
    }
}

fn fixture_numbers(store: &Store, rows: &[Row]) {
    let stats = store
        .stats(&Filter {
            direct: Some(40),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(
        (stats.shares, stats.arrivals, stats.virality),
        (5, 3, Some(0.6))
    );
    let channels: Vec<_> = stats
        .channels
        .iter()
        .map(|c| {
            (
                c.channel.as_str(),
                c.shares,
                c.arrivals,
                c.virality,
                c.sharers,
            )
        })
        .collect();
    assert_eq!(
        channels,
        vec![
            ("whatsapp", 2, 1, Some(0.5), 2),
            ("telegram", 1, 1, Some(1.0), 1),
            ("copy", 1, 0, Some(0.0), 1),
            ("email", 1, 0, Some(0.0), 1),
            ("address_bar", 0, 1, None, 0),
        ]
    );
    assert_eq!(stats.chains.depths, vec![2, 2, 1]);
    assert_eq!(
        stats.chains.longest[0].tokens,
        vec!["wAAAAAAAAAA1", "tAAAAAAAAAA2", "cAAAAAAAAAA3"]
    );
    assert_eq!(
        stats.chains.longest[1].tokens,
        vec!["aAAAAAAAAAA5", "eAAAAAAAAAA6"]
    );
    assert_eq!(stats.dark_social.share_of_direct, Some(0.05));
    assert_eq!(
        stats.days,
        vec![("2025-11-21".into(), 2, 1), ("2025-11-22".into(), 3, 2)]
    );
    assert_eq!(stats.sites, vec!["blog.example"]);
    assert_same(store, rows);
    let (nodes, more) = store
        .read(|r| r.tree(&Filter::default(), "https://blog.example/a"))
        .unwrap();
    assert_eq!((nodes.len(), more), (3, false));
    assert_eq!(nodes[1].arrivals, 1);
}

#[test]
fn sql_equals_the_reference_on_realistic_data_stored_in_batches() {
    for (seed, store) in (1..=4)
        .zip(std::iter::repeat_with(|| ()))
        .flat_map(|(seed, ())| {
            stores(&format!("realistic{seed}"))
                .into_iter()
                .map(move |s| (seed, s))
        })
    {
        let rows = realistic(seed, 60);
        let events = events_of(&rows);
        let mut rng = Rng::new(seed + 100);
        let mut i = 0;
        while i < events.len() {
            let n = 1 + rng.below(40) as usize;
            let end = (i + n).min(events.len());
            store.insert_batch(&events[i..end]).unwrap();
            // A retry of part of it: duplicates change nothing.
            store.insert_batch(&events[i..end.min(i + 3)]).unwrap();
            i = end;
        }
        assert_same(&store, &rows);
        // What was kept at each insert is what a rebuild gives.
        let kept = rollups(&store);
        rebuild(&store);
        assert_eq!(kept, rollups(&store), "seed {seed}");
        // One batch gives the same as many.
        let one = store_of(&rows);
        let (a, b) = (derived(&one), derived(&store));
        let differ: Vec<_> = a.iter().zip(&b).filter(|(x, y)| x != y).take(3).collect();
        assert!(
            differ.is_empty() && a.len() == b.len(),
            "seed {seed}: {differ:?}"
        );
    }
}

#[test]
fn a_parent_stored_after_its_children_renumbers_them() {
    let mut rows = fixture();
    // The WhatsApp share arrives last: the Telegram share and the copy under it were
    // first stored at depths 1 and 2.
    let first = rows.remove(0);
    rows.push(first);
    let store = Store::open_in_memory().unwrap();
    for e in events_of(&rows) {
        store.insert_batch(&[e]).unwrap();
    }
    assert_eq!(
        store.stats(&Filter::default()).unwrap().chains.depths,
        vec![2, 2, 1]
    );
    assert_same(&store, &rows);
}

#[test]
fn a_loop_in_stored_parents_ends() {
    let mut rows = fixture();
    rows[0].parent = Some("cAAAAAAAAAA3".into()); // w1 -> c3 -> t2 -> w1
    for batch in [1, 8] {
        let store = Store::open_in_memory().unwrap();
        for chunk in events_of(&rows).chunks(batch) {
            store.insert_batch(chunk).unwrap();
        }
        let stats = store.stats(&Filter::default()).unwrap();
        assert_eq!(stats.chains.depths.iter().sum::<u64>(), 5);
        assert!(stats.chains.longest.iter().all(|c| c.tokens.len() < 20));
        let (nodes, _) = store
            .read(|r| r.tree(&Filter::default(), "https://blog.example/a"))
            .unwrap();
        assert!(nodes.len() <= 3);
    }
}

#[test]
fn a_long_chain_is_bounded() {
    let rows = chain(12_000, DAY0);
    let store = store_of(&rows);
    let stats = store.stats(&Filter::default()).unwrap();
    assert_eq!(stats.chains.depths.len(), 12_000);
    assert_eq!(stats.chains.longest[0].depth, 11_999);
    assert_eq!(stats.chains.longest[0].tokens.len(), 10_001);
    assert_eq!(stats, compute(&rows, Filter::default()));
    let (nodes, more) = store
        .read(|r| r.tree(&Filter::default(), "https://blog.example/a"))
        .unwrap();
    assert_eq!(
        (nodes.len() as i64, more),
        (TREE_LEVELS + 1, false),
        "as deep as a tree goes"
    );
}

#[test]
fn share_trees_from_sql() {
    let store = store_of(&fixture());
    let (nodes, more) = store
        .read(|r| r.tree(&Filter::default(), "https://blog.example/a"))
        .unwrap();
    assert!(!more);
    let view: Vec<_> = nodes
        .iter()
        .map(|n| (n.token.as_str(), n.parent.as_deref(), n.arrivals))
        .collect();
    assert_eq!(
        view,
        vec![
            ("wAAAAAAAAAA1", None, 1),
            ("tAAAAAAAAAA2", Some("wAAAAAAAAAA1"), 1),
            ("cAAAAAAAAAA3", Some("tAAAAAAAAAA2"), 0)
        ]
    );
    // The address-bar token has no event: the e-mail share is a root of page B.
    let (b, _) = store
        .read(|r| r.tree(&Filter::default(), "https://blog.example/b"))
        .unwrap();
    assert_eq!(b.len(), 2);
    // A page's tree is cut at TREE_NODES shares.
    let many: Vec<Row> = (0..TREE_NODES + 20)
        .map(|i| Row {
            kind: "share".into(),
            channel: "whatsapp".into(),
            token: format!("w{i:011}"),
            parent: None,
            url: "https://blog.example/a".into(),
            referrer: None,
            ts: DAY0 + i,
        })
        .collect();
    let store = store_of(&many);
    let (nodes, more) = store
        .read(|r| r.tree(&Filter::default(), "https://blog.example/a"))
        .unwrap();
    assert_eq!((nodes.len() as i64, more), (TREE_NODES, true));
}

#[test]
fn retention_keeps_the_daily_tables_right() {
    let rows = realistic(5, 60);
    for store in stores("retention") {
        store.insert_batch(&events_of(&rows)).unwrap();
        let cut = DAY0 + 2 * DAY_MS + 12_345_678;
        let deleted = store.delete_before(cut).unwrap();
        let kept: Vec<Row> = rows.iter().filter(|r| r.ts >= cut).cloned().collect();
        assert_eq!(deleted as usize, rows.len() - kept.len());
        let after = rollups(&store);
        rebuild(&store);
        assert_eq!(after, rollups(&store));
        let sql = store.stats(&Filter::default()).unwrap();
        let reference = compute(&kept, Filter::default());
        assert_eq!(
            (
                sql.shares,
                sql.arrivals,
                &sql.days,
                &sql.top_pages,
                &sql.by_source
            ),
            (
                reference.shares,
                reference.arrivals,
                &reference.days,
                &reference.top_pages,
                &reference.by_source
            )
        );
    }
}

#[test]
fn ranges_are_cut_into_days_and_edges() {
    let f = |from, to| Filter {
        from,
        to,
        ..Filter::default()
    };
    let span = Span::of(&f(Some(DAY0), Some(DAY0 + 2 * DAY_MS - 1))).unwrap();
    assert_eq!(
        (span.days, span.edges.len()),
        (Some((DAY0 / DAY_MS, DAY0 / DAY_MS + 1)), 0)
    );
    let span = Span::of(&f(Some(DAY0 + 5), Some(DAY0 + 2 * DAY_MS + 5))).unwrap();
    assert_eq!(span.days, Some((DAY0 / DAY_MS + 1, DAY0 / DAY_MS + 1)));
    assert_eq!(
        span.edges,
        vec![
            (DAY0 + 5, DAY0 + DAY_MS - 1),
            (DAY0 + 2 * DAY_MS, DAY0 + 2 * DAY_MS + 5)
        ]
    );
    let span = Span::of(&f(Some(DAY0 + 5), Some(DAY0 + 50))).unwrap();
    assert_eq!((span.days, span.edges), (None, vec![(DAY0 + 5, DAY0 + 50)]));
    let span = Span::of(&f(None, None)).unwrap();
    assert!(span.days.is_some() && span.edges.is_empty());
    assert!(Span::of(&f(Some(5), Some(4))).is_none());
}

#[test]
fn a_page_counts_its_deepest_shares_from_the_events() {
    use crate::store::sql::daily::PAGE_DEPTH_MAX;
    let rows = deep_chain();
    for store in stores("deep_page") {
        for batch in events_of(&rows).chunks(7) {
            store.insert_batch(batch).unwrap();
        }
        assert_same(&store, &rows);
        let (stats, _) = rollups(&store);
        let deepest = |page: bool| {
            stats
                .iter()
                .filter(|r| r.text("url").unwrap().is_empty() != page)
                .map(|r| r.int("depth").unwrap())
                .max()
                .unwrap()
        };
        assert_eq!(deepest(true), PAGE_DEPTH_MAX, "a page's rows stop there");
        assert_eq!(deepest(false), 99, "the site's rows count every depth");
        let inserted = rollups(&store);
        rebuild(&store);
        assert_eq!(rollups(&store), inserted, "a rebuild keeps the same rows");
    }
}
