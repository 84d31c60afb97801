//! The report: its numbers from its data (`data`), and how the page renders them.

use super::*;
use crate::stats::fixtures::fixture;
use crate::store::tests::store_of;

/// The view of `query`.
fn view(query: &[(&str, &str)]) -> View {
    let query: HashMap<String, String> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let filter = crate::http::parse_filter(&query).unwrap();
    View::new(&query, filter, Some("127.0.0.1:8080"))
}

/// What the report of `query` on `store` shows.
fn numbers(store: &Store, query: &[(&str, &str)]) -> Data {
    data(store, &view(query)).unwrap()
}

/// The report page of `query` on `store`.
fn report(store: &Store, query: &[(&str, &str)], lang: Lang) -> String {
    page(store, &view(query), lang).unwrap()
}

#[test]
fn the_data_holds_the_numbers_the_previous_period_and_the_tree() {
    let store = store_of(&fixture());
    let d = numbers(
        &store,
        &[("direct", "40"), ("tree", "https://blog.example/a")],
    );
    assert_eq!(
        (d.stats.shares, d.stats.arrivals, d.stats.virality),
        (5, 3, Some(0.6))
    );
    assert_eq!(d.stats.dark_social.share_of_direct, Some(0.05));
    assert!(d.any_events);
    assert_eq!(d.previous, None, "all time has no previous period");
    let (nodes, more) = d.tree.unwrap();
    let tree: Vec<_> = nodes
        .iter()
        .map(|n| (n.token.as_str(), n.parent.as_deref(), n.arrivals))
        .collect();
    assert_eq!(
        tree,
        [
            ("wAAAAAAAAAA1", None, 1),
            ("tAAAAAAAAAA2", Some("wAAAAAAAAAA1"), 1),
            ("cAAAAAAAAAA3", Some("tAAAAAAAAAA2"), 0)
        ]
    );
    assert!(!more);
    // The second day (3 shares, 2 click-backs) beside the first (2 shares, 1).
    let d = numbers(
        &store,
        &[
            ("range", "custom"),
            ("from", "2025-11-22"),
            ("to", "2025-11-22"),
            ("site", "Blog.Example"),
        ],
    );
    assert_eq!((d.stats.shares, d.stats.arrivals), (3, 2));
    assert_eq!(
        d.previous,
        Some(Totals {
            shares: 2,
            arrivals: 1,
            without_referrer: 1
        })
    );
    let empty = numbers(&Store::open_in_memory().unwrap(), &[]);
    assert!(!empty.any_events);
    let elsewhere = numbers(&store, &[("site", "shop.example")]);
    assert!(elsewhere.any_events && elsewhere.stats.shares == 0);
}

#[test]
fn the_report_shows_the_numbers_in_both_languages() {
    let store = store_of(&fixture());
    let en = report(
        &store,
        &[("direct", "40"), ("tree", "https://blog.example/a")],
        Lang::En,
    );
    assert!(en.contains("<strong>5</strong><span>shares</span></div>"));
    assert!(en.contains("<strong>3</strong><span>click-backs</span>"));
    assert!(en.contains("<strong>0.60</strong>"));
    assert!(en.contains("<strong>5.0 %</strong>"));
    assert!(en.contains(r#"<li><span class="channel">whatsapp</span> <code>wAAAAAAAAAA1</code> · 1 click-back<ul><li><span class="channel">telegram</span>"#), "the tree nests the re-share under the share");
    assert!(!en.contains("<script"), "no script");
    assert!(en.contains(r#"<form class="filters" method="get" action="/report">"#));
    assert!(en.contains(r#"<option value="all" selected>All time</option>"#));
    assert!(en.contains(r#"<option value="blog.example">blog.example</option>"#));
    assert!(
        en.contains(r#"<a href="/api/export?format=csv">CSV</a>"#),
        "all time, every site: the export of everything"
    );
    let fr = report(&store, &[], Lang::Fr);
    assert!(
        fr.contains(r#"<html lang="fr">"#)
            && fr.contains("retours par partage")
            && fr.contains("<strong>0,60</strong>")
    );
    assert_eq!(Lang::pick(None, Some("fr-CA,fr;q=0.9,en;q=0.8")), Lang::Fr);
    assert_eq!(Lang::pick(Some("en"), Some("fr")), Lang::En);
    assert_eq!(Lang::pick(None, Some("de,en;q=0.5")), Lang::En);
}

#[test]
fn the_previous_period_is_beside_the_current_one() {
    let store = store_of(&fixture());
    // The second day (3 shares, 2 click-backs) beside the first (2 shares, 1).
    let en = report(
        &store,
        &[
            ("range", "custom"),
            ("from", "2025-11-22"),
            ("to", "2025-11-22"),
            ("site", "Blog.Example"),
        ],
        Lang::En,
    );
    assert!(en.contains(r#"<strong>3</strong><span>shares</span><small class="prev">previous period: 2 · +50 %</small>"#), "{en}");
    assert!(en.contains(r#"<strong>2</strong><span>click-backs</span><small class="prev">previous period: 1 · +100 %</small>"#));
    assert!(en.contains(r#"<option value="custom" selected>"#));
    assert!(en.contains(r#"<input type="date" name="from" value="2025-11-22">"#));
    assert!(en.contains(r#"<option value="blog.example" selected>"#));
    assert!(en.contains(r#"<a href="/api/export?format=csv&amp;from=1763769600000&amp;to=1763855999999&amp;site=blog.example">CSV</a>"#), "{en}");
}

#[test]
fn an_empty_report_says_what_to_do_next() {
    let empty = crate::store::Store::open_in_memory().unwrap();
    let en = report(&empty, &[], Lang::En);
    assert!(en.contains("No events yet"));
    assert!(en.contains("data-endpoint=&quot;http://127.0.0.1:8080/collect&quot;"));
    assert!(en.contains("--origin") && en.contains("--site"));
    assert!(!en.contains("<script"));
    let store = store_of(&fixture());
    let fr = report(&store, &[("site", "shop.example")], Lang::Fr);
    assert!(fr.contains("Rien sur cette période"));
    assert!(fr.contains(r#"<option value="shop.example" selected>shop.example</option>"#));
}

#[test]
fn a_token_shared_many_times_does_not_blow_up_the_tree() {
    let mut rows = fixture();
    for _ in 0..20 {
        let mut again = rows[2].clone(); // the Telegram share, again and again
        again.parent = Some("tAAAAAAAAAA2".into());
        rows.push(again);
    }
    let store = store_of(&rows);
    let (nodes, more) = numbers(&store, &[("tree", "https://blog.example/a")])
        .tree
        .unwrap();
    assert_eq!(
        (nodes.len(), more),
        (3, false),
        "a token re-shared under itself ends"
    );
    // Drawn: each token once.
    let html = report(&store, &[("tree", "https://blog.example/a")], Lang::En);
    for token in ["wAAAAAAAAAA1", "tAAAAAAAAAA2", "cAAAAAAAAAA3"] {
        assert_eq!(
            html.matches(&format!("<code>{token}</code>")).count(),
            1,
            "{token}"
        );
    }
}

#[test]
fn page_text_is_escaped() {
    let mut rows = fixture();
    rows[0].url = "https://blog.example/<script>".into();
    let store = store_of(&rows);
    let html = report(
        &store,
        &[("tree", "https://blog.example/<script>")],
        Lang::En,
    );
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
}

#[test]
fn every_link_to_a_page_gives_it_nothing() {
    let store = store_of(&fixture());
    let html = report(&store, &[("tree", "https://blog.example/a")], Lang::En);
    let mut pages = 0;
    for link in html.split("<a ").skip(1) {
        let tag = &link[..link.find('>').unwrap()];
        if tag.contains("href=\"http") {
            pages += 1;
            assert!(
                tag.ends_with(r#" rel="noopener noreferrer nofollow""#),
                "{tag}"
            );
        }
    }
    assert!(
        pages >= 3,
        "top pages, chains and the tree link their page: {html}"
    );
    assert!(!page_link("javascript:alert(1)").contains("<a"));
}
