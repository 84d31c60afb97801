//! Hammers the copy rewriters with arbitrary text and HTML: they must never panic, only
//! ever insert (every input character is still there, in order), and be idempotent.
#![no_main]

use lanterne::core::{hosts::TrackedHosts, text_rewrite::CopyRewriter, token::ShareToken, url::Placement};
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

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(input) = std::str::from_utf8(rest) else { return };
    let placement = [Placement::Auto, Placement::Fragment, Placement::Query][usize::from(selector % 3)];
    let hosts = TrackedHosts::parse(["blog.example", "café.example", "[::1]", "*.sub.example"]).unwrap();
    let rewriter = CopyRewriter::new(hosts, "lt", placement);
    let token = ShareToken::parse("cFUZZtoken_9").unwrap();
    for html in [false, true] {
        let once = if html { rewriter.rewrite_html(input, &token) } else { rewriter.rewrite_text(input, &token) };
        assert!(is_subsequence(input, &once.text), "removed or reordered a character");
        let twice = if html { rewriter.rewrite_html(&once.text, &token) } else { rewriter.rewrite_text(&once.text, &token) };
        assert_eq!(twice.text, once.text, "not idempotent");
    }
});
