//! Property tests of the copy rewriters: whatever the input, a rewrite only inserts the
//! token (never removes or reorders a character of what the visitor selected), and
//! rewriting twice is the same as rewriting once.
#![cfg(not(target_arch = "wasm32"))]

use lanterne::core::{
    hosts::TrackedHosts, text_rewrite::CopyRewriter, token::ShareToken, url::Placement,
};
use proptest::prelude::*;

const TOKEN: &str = "cPROPtest_x9";

fn rewriter(placement: Placement) -> CopyRewriter {
    CopyRewriter::new(
        TrackedHosts::parse(["blog.example", "café.example", "[::1]"]).unwrap(),
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

fn html_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        text_piece().prop_map(|url| format!(
            "<a href=\"{}\">link</a>",
            url.replace('&', "&amp;").replace('"', "&quot;")
        )),
        text_piece()
            .prop_map(|url| format!("<a class='c' href='{}'>x</a>", url.replace('\'', "&#39;"))),
        text_piece().prop_map(|url| format!("<a href={}>", url.replace([' ', '>'], ""))),
        Just("<!-- <a href=\"https://blog.example/c\"> -->".to_owned()),
        Just("<img src=\"https://blog.example/i.png\" alt=\"a > b\">".to_owned()),
        Just("&amp; &lt;tag&gt; &#233; &nbsp;".to_owned()),
        Just("<p>".to_owned()),
        Just("</p>".to_owned()),
        text_piece(),
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
    fn html_rewrite_is_pure_insertion_and_idempotent(pieces in prop::collection::vec(html_piece(), 0..12), placement in placement()) {
        let input: String = pieces.concat();
        prop_assume!(!input.contains(TOKEN));
        let token = ShareToken::parse(TOKEN).unwrap();
        let r = rewriter(placement);
        let once = r.rewrite_html(&input, &token);
        prop_assert!(is_pure_insertion(&input, &once.text), "{:?} -> {:?}", input, once.text);
        let twice = r.rewrite_html(&once.text, &token);
        prop_assert_eq!(twice.text, once.text);
    }

    #[test]
    fn foreign_only_input_is_untouched(path in "[a-z/]{0,10}", sep in "[ .,;!?]") {
        let input = format!("https://other.example/{path}{sep}<a href=\"https://else.example/{path}\">x</a>");
        let token = ShareToken::parse(TOKEN).unwrap();
        let r = rewriter(Placement::Auto);
        prop_assert_eq!(r.rewrite_text(&input, &token).text, input.clone());
        prop_assert_eq!(r.rewrite_html(&input, &token).text, input);
    }

    #[test]
    fn arbitrary_input_never_panics(input in "\\PC{0,200}", placement in placement()) {
        let token = ShareToken::parse(TOKEN).unwrap();
        let r = rewriter(placement);
        let _ = r.rewrite_text(&input, &token);
        let _ = r.rewrite_html(&input, &token);
    }
}
