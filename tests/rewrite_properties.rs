//! Property tests of the copy rewriters: whatever the input, a rewrite only inserts the
//! token (never removes or reorders a character of what the visitor selected), rewriting
//! twice is the same as rewriting once, and the text of code in a selection is never
//! touched.
#![cfg(not(target_arch = "wasm32"))]

use lanterne::core::{
    hosts::{ascii_lowercase, TrackedHosts},
    text_rewrite::CopyRewriter,
    token::ShareToken,
    url::Placement,
};
use proptest::prelude::*;

const TOKEN: &str = "cPROPtest_x9";

/// What the browser's URL parser answers for the one Unicode host used here.
fn idn(host: &str) -> Option<String> {
    match host.to_lowercase().as_str() {
        "café.example" => Some("xn--caf-dma.example".into()),
        _ => ascii_lowercase(host),
    }
}

fn rewriter(placement: Placement) -> CopyRewriter {
    CopyRewriter::new(
        TrackedHosts::parse(["blog.example", "café.example", "[::1]"], idn).unwrap(),
        "lt",
        placement,
    )
}

fn placement() -> impl Strategy<Value = Placement> {
    prop_oneof![
        Just(Placement::Auto),
        Just(Placement::Fragment),
        Just(Placement::Query)
    ]
}

/// Pieces that exercise every branch: tracked and foreign URLs in all shapes, punctuation
/// that may or may not end a URL, e-mail addresses, Unicode, and arbitrary characters.
fn text_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("https://blog.example/a".to_owned()),
        Just("http://BLOG.example:8080/p?q=1&r=%2".to_owned()),
        Just("https://u:p@blog.example/x#frag".to_owned()),
        Just("https://café.example/été".to_owned()),
        Just("http://[::1]:3000/".to_owned()),
        Just("blog.example/bare".to_owned()),
        Just("https://other.example/b".to_owned()),
        Just("me@blog.example".to_owned()),
        Just("https://blog.example/wiki/A_(b)".to_owned()),
        Just("https://blog.example/p#lt=cAAAAAAAAAAA".to_owned()),
        prop::sample::select(vec![
            " ", "\n", ".", ",", "!", "?", ")", "(", "«", "»", "\"", "'", "#", "&", "?", "=", "_",
            "…", "\u{a0}"
        ])
        .prop_map(str::to_owned),
        "\\PC{0,8}",
    ]
}

/// Whether `output` is `input` with only token insertions: every character of `input`
/// is still there in the same order (a subsequence), and what was added is, once each
/// `lt=TOKEN` is taken out, nothing but the separators `#`, `?`, `&` (or `&amp;`).
fn is_pure_insertion(input: &str, output: &str) -> bool {
    let mut rest = input.chars().peekable();
    for c in output.chars() {
        if rest.peek() == Some(&c) {
            rest.next();
        }
    }
    if rest.peek().is_some() {
        return false;
    }
    let stripped = output.replace(&format!("lt={TOKEN}"), "");
    let extra = stripped.chars().count() - input.chars().count();
    extra <= 5 * output.matches(TOKEN).count()
        && stripped.matches(['#', '?', '&']).count() >= input.matches(['#', '?', '&']).count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn text_rewrite_is_pure_insertion_and_idempotent(pieces in prop::collection::vec(text_piece(), 0..12), placement in placement()) {
        let input: String = pieces.concat();
        prop_assume!(!input.contains(TOKEN));
        let token = ShareToken::parse(TOKEN).unwrap();
        let r = rewriter(placement);
        let once = r.rewrite_text(&input, &token);
        prop_assert!(is_pure_insertion(&input, &once.text), "{:?} -> {:?}", input, once.text);
        prop_assert_eq!(once.text.matches(TOKEN).count(), once.urls);
        let twice = r.rewrite_text(&once.text, &token);
        prop_assert_eq!(twice.text, once.text);
        prop_assert_eq!(twice.urls, 0);
    }

    #[test]
    fn href_rewrite_is_pure_insertion_and_idempotent(pieces in prop::collection::vec(text_piece(), 1..4), placement in placement()) {
        let href: String = pieces.concat();
        prop_assume!(!href.contains(TOKEN));
        let token = ShareToken::parse(TOKEN).unwrap();
        let r = rewriter(placement);
        if let Some(once) = r.rewrite_href(&href, &token) {
            prop_assert!(is_pure_insertion(&href, &once), "{:?} -> {:?}", href, once);
            prop_assert_eq!(once.matches(TOKEN).count(), 1);
            prop_assert_eq!(r.rewrite_href(&once, &token), None);
        }
    }

    #[test]
    fn code_in_a_selection_is_never_touched(pieces in prop::collection::vec((any::<bool>(), text_piece()), 0..10), placement in placement()) {
        // Pieces apart from each other by a space, so no URL runs from one into the next:
        // the prose pieces are rewritten as they would be alone, the code pieces not at all.
        let text = pieces.iter().map(|(_, p)| p.as_str()).collect::<Vec<_>>().join(" ");
        prop_assume!(!text.contains(TOKEN));
        let token = ShareToken::parse(TOKEN).unwrap();
        let r = rewriter(placement);
        let mut segments: Vec<(bool, String)> = Vec::new();
        for (i, (code, piece)) in pieces.iter().enumerate() {
            // As the DOM holds it: the space between pieces is prose text.
            if i > 0 { segments.push((false, " ".into())); }
            segments.push((*code, piece.clone()));
        }
        let out = r.rewrite_text_keeping(&text, &segments, &token);
        let expected = pieces
            .iter()
            .map(|(code, p)| if *code { p.clone() } else { r.rewrite_text(p, &token).text })
            .collect::<Vec<_>>()
            .join(" ");
        prop_assert_eq!(out.map(|o| o.text), Some(expected));
    }

    #[test]
    fn collapsed_white_space_still_aligns(words in prop::collection::vec("[a-z:/.]{1,8}", 1..8), code_at in 0usize..8) {
        // The DOM holds "a  \n b", the selection's text says "a b".
        let dom: Vec<(bool, String)> = words.iter().enumerate().map(|(i, w)| (i == code_at, format!("{w} \n "))).collect();
        let text = words.join(" ");
        let r = rewriter(Placement::Auto);
        prop_assert!(r.rewrite_text_keeping(&text, &dom, &ShareToken::parse(TOKEN).unwrap()).is_some());
    }

    #[test]
    fn foreign_only_input_is_untouched(path in "[a-z/]{0,10}", sep in "[ .,;!?]") {
        let input = format!("https://other.example/{path}{sep} else.example/{path}");
        let token = ShareToken::parse(TOKEN).unwrap();
        let r = rewriter(Placement::Auto);
        prop_assert_eq!(r.rewrite_text(&input, &token).text, input);
    }

    #[test]
    fn arbitrary_input_never_panics(input in "\\PC{0,200}", placement in placement()) {
        let token = ShareToken::parse(TOKEN).unwrap();
        let r = rewriter(placement);
        let _ = r.rewrite_text(&input, &token);
        let _ = r.rewrite_href(&input, &token);
        let _ = r.rewrite_text_keeping(&input, &[(true, input.clone())], &token);
    }
}
