//! Hammers the copy rewriters with arbitrary text and links: they must never panic, only
//! ever insert (every input character is still there, in order), and be idempotent; a
//! selection's code is never touched.
#![no_main]

use lanterne::core::{hosts::{ascii_lowercase, TrackedHosts}, text_rewrite::CopyRewriter, token::ShareToken, url::Placement};
use libfuzzer_sys::fuzz_target;

fn is_subsequence(input: &str, output: &str) -> bool {
    let mut rest = input.chars().peekable();
    for c in output.chars() {
        if rest.peek() == Some(&c) {
            rest.next();
        }
    }
    rest.peek().is_none()
}

fn idn(host: &str) -> Option<String> {
    if host.to_lowercase() == "café.example" { Some("xn--caf-dma.example".into()) } else { ascii_lowercase(host) }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(input) = std::str::from_utf8(rest) else { return };
    let placement = [Placement::Auto, Placement::Fragment, Placement::Query][usize::from(selector % 3)];
    let hosts = TrackedHosts::parse(["blog.example", "café.example", "[::1]", "*.sub.example"], idn).unwrap();
    let rewriter = CopyRewriter::new(hosts, "lt", placement);
    let token = ShareToken::parse("cFUZZtoken_9").unwrap();

    let once = rewriter.rewrite_text(input, &token);
    assert!(is_subsequence(input, &once.text), "removed or reordered a character");
    assert_eq!(rewriter.rewrite_text(&once.text, &token).text, once.text, "not idempotent");

    if let Some(href) = rewriter.rewrite_href(input, &token) {
        assert!(is_subsequence(input, &href), "href: removed or reordered a character");
        assert_eq!(rewriter.rewrite_href(&href, &token), None, "href: not idempotent");
    }

    // The input as prose, then code, then prose: the code part never changes.
    let cut = |at: usize| (0..=at.min(input.len())).rev().find(|&i| input.is_char_boundary(i)).unwrap_or(0);
    let (a, b) = (cut(usize::from(selector) * 3), cut(usize::from(selector) * 7));
    let (a, b) = (a.min(b), a.max(b));
    let (before, code, after) = (&input[..a], &input[a..b], &input[b..]);
    let segments = [(false, before.to_owned()), (true, code.to_owned()), (false, after.to_owned())];
    let kept = rewriter.rewrite_text_keeping(input, &segments, &token).expect("the segments spell the text");
    assert!(is_subsequence(input, &kept.text), "keeping: removed or reordered a character");
    assert!(kept.text.contains(code), "keeping: a token landed inside the code");
});
