//! Finding the site's URLs in copied plain text and giving each one the copy's token.
use super::chars::sub;
use crate::prelude::*;

use super::hosts::TrackedHosts;
use super::token::ShareToken;
use super::url::{token_insertion, with_token, Placement, UrlParts};

/// Rewrites what a visitor copies: every URL of a tracked host, in `text/plain` and in the
/// links of `text/html`, gets the copy's token. Nothing else changes, and no character
/// of the original is removed or moved (the rewrite is pure insertion), so a paste always
/// contains everything that was selected.
///
/// ```
/// use lanterne::core::{hosts::{ascii_lowercase, TrackedHosts}, text_rewrite::CopyRewriter, token::ShareToken, url::Placement};
/// let rewriter = CopyRewriter::new(TrackedHosts::for_page("blog.example", ascii_lowercase), "lt", Placement::Auto);
/// let token = ShareToken::parse("cAAAAAAAAAA1").unwrap();
/// let out = rewriter.rewrite_text("See https://blog.example/a. Or https://other.example/b.", &token);
/// assert_eq!(out.text, "See https://blog.example/a#lt=cAAAAAAAAAA1. Or https://other.example/b.");
/// assert_eq!(out.urls, 1);
/// ```
#[derive(Clone, Debug)]
pub struct CopyRewriter {
    pub(crate) hosts: TrackedHosts,
    pub(crate) param: String,
    pub(crate) placement: Placement,
}

/// The result of a rewrite: the new text and how many URLs received the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewritten {
    /// The rewritten text (equal to the input when `urls == 0`).
    pub text: String,
    /// How many URLs got the token.
    pub urls: usize,
}

impl CopyRewriter {
    /// A rewriter for these hosts, token parameter name and placement.
    pub fn new(hosts: TrackedHosts, param: &str, placement: Placement) -> CopyRewriter {
        CopyRewriter {
            hosts,
            param: param.to_owned(),
            placement,
        }
    }

    /// Adds `token` to every tracked URL in `text`: `http(s)://` URLs, and bare
    /// `host/path` URLs whose host is one of the exact tracked hosts.
    pub fn rewrite_text(&self, text: &str, token: &ShareToken) -> Rewritten {
        self.rewrite_outside(text, &[], token)
    }

    /// [`rewrite_text`](Self::rewrite_text) for a selection that holds code
    /// (docs/how-it-works.md#copy-tracking): no URL that touches the text of a code
    /// element changes, so code is copied byte for byte. `segments` is the selection's
    /// text as the browser layer read it from the copied DOM, in order, each piece marked
    /// `true` when it is inside code; once white space is set aside (the browser
    /// collapses and adds white space when it writes a selection's text), they must spell
    /// `text` exactly, so every code character is located without guessing. `None` when
    /// they do not (hidden or generated text): the caller then leaves the copy to the
    /// browser. No segments: no code.
    ///
    /// ```
    /// use lanterne::core::{hosts::{ascii_lowercase, TrackedHosts}, text_rewrite::CopyRewriter, token::ShareToken, url::Placement};
    /// let r = CopyRewriter::new(TrackedHosts::for_page("blog.example", ascii_lowercase), "lt", Placement::Auto);
    /// let t = ShareToken::parse("cAAAAAAAAAA1").unwrap();
    /// let text = "See https://blog.example/a (`https://blog.example/a`)";
    /// let dom = [(false, "See https://blog.example/a (`".to_string()), (true, "https://blog.example/a".to_string()), (false, "`)".to_string())];
    /// assert_eq!(r.rewrite_text_keeping(text, &dom, &t).unwrap().text,
    ///     "See https://blog.example/a#lt=cAAAAAAAAAA1 (`https://blog.example/a`)");
    /// assert!(r.rewrite_text_keeping(text, &[(false, "something else".to_string())], &t).is_none());
    /// ```
    pub fn rewrite_text_keeping(
        &self,
        text: &str,
        segments: &[(bool, String)],
        token: &ShareToken,
    ) -> Option<Rewritten> {
        let kept = if segments.is_empty() {
            Vec::new()
        } else {
            code_ranges(text, segments)?
        };
        Some(self.rewrite_outside(text, &kept, token))
    }

    /// Adds `token` to every tracked URL in `text` that overlaps none of the `kept` byte
    /// ranges.
    fn rewrite_outside(
        &self,
        text: &str,
        kept: &[(usize, usize)],
        token: &ShareToken,
    ) -> Rewritten {
        let mut out = String::with_capacity(text.len() + 32);
        let mut copied = 0;
        let mut urls = 0;
        for (start, end, bare) in find_urls(text, &self.hosts) {
            if kept.iter().any(|&(a, b)| start < b && a < end) {
                continue;
            }
            let url = sub(text, start, end);
            let parts = if bare {
                UrlParts::split_bare(url)
            } else {
                UrlParts::split(url)
            };
            if !parts.host(url).is_some_and(|h| self.hosts.matches(h)) {
                continue;
            }
            if let Some((at, insert)) = token_insertion(url, &self.param, self.placement) {
                out.push_str(sub(text, copied, start + at));
                out.push_str(&insert);
                out.push_str(token.as_str());
                copied = start + at;
                urls += 1;
            }
        }
        out.push_str(sub(text, copied, text.len()));
        Rewritten { text: out, urls }
    }

    /// A link's `href` with `token`, or `None` when the link is left as it is: not an
    /// absolute `http(s)` URL of a tracked host, or one that already has a token slot.
    /// The browser layer makes links absolute first, as a native copy does.
    ///
    /// ```
    /// use lanterne::core::{hosts::{ascii_lowercase, TrackedHosts}, text_rewrite::CopyRewriter, token::ShareToken, url::Placement};
    /// let r = CopyRewriter::new(TrackedHosts::for_page("blog.example", ascii_lowercase), "lt", Placement::Auto);
    /// let t = ShareToken::parse("cAAAAAAAAAA1").unwrap();
    /// assert_eq!(r.rewrite_href("https://blog.example/a?b=1", &t).as_deref(), Some("https://blog.example/a?b=1#lt=cAAAAAAAAAA1"));
    /// assert_eq!(r.rewrite_href("https://else.example/", &t), None);
    /// assert_eq!(r.rewrite_href("mailto:me@blog.example", &t), None);
    /// ```
    pub fn rewrite_href(&self, href: &str, token: &ShareToken) -> Option<String> {
        if !self.is_tracked_url(href) {
            return None;
        }
        with_token(href, token, &self.param, self.placement)
    }

    /// Whether an absolute `http(s)://` or scheme-relative URL points at a tracked host.
    pub fn is_tracked_url(&self, url: &str) -> bool {
        (http_scheme_len(url.as_bytes()) > 0 || url.starts_with("//"))
            && UrlParts::split(url)
                .host(url)
                .is_some_and(|h| self.hosts.matches(h))
    }
}

/// The byte ranges of `text` that the code segments spell, aligning the segments with
/// `text` character by character, white space aside; `None` when they differ otherwise.
fn code_ranges(text: &str, segments: &[(bool, String)]) -> Option<Vec<(usize, usize)>> {
    let is_space = crate::core::chars::is_space;
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut rest = text.char_indices().filter(|(_, c)| !is_space(*c));
    for (code, segment) in segments {
        let mut range: Option<(usize, usize)> = None;
        for c in segment.chars().filter(|c| !is_space(*c)) {
            let (at, found) = rest.next()?;
            if found != c {
                return None;
            }
            let end = at + c.len_utf8();
            range = Some(range.map_or((at, end), |(start, _)| (start, end)));
        }
        match (code, range, ranges.last_mut()) {
            // Two code segments in a row (nested or adjacent code): one range.
            (true, Some((start, end)), Some(last)) if last.1 == start => last.1 = end,
            (true, Some(range), _) => ranges.push(range),
            _ => {}
        }
    }
    // Whatever is left of the text must be white space.
    rest.next().is_none().then_some(ranges)
}

/// Byte ranges `(start, end, bare)` of the URLs in `text`, left to right, not overlapping.
fn find_urls<'a>(
    text: &'a str,
    hosts: &'a TrackedHosts,
) -> impl Iterator<Item = (usize, usize, bool)> + 'a {
    let bytes = text.as_bytes();
    let mut i = 0;
    core::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i;
            i += 1;
            let boundary = at == 0 || is_boundary_before(text, at);
            if !boundary {
                continue;
            }
            let rest = &bytes[at..];
            let scheme_len = http_scheme_len(rest);
            if scheme_len > 0 {
                let end = url_end(text, at, at + scheme_len);
                if end > at + scheme_len {
                    i = end;
                    return Some((at, end, false));
                }
                continue;
            }
            for host in hosts.exact_hosts() {
                let h = host.as_bytes();
                if starts_with_ci(rest, h) && at_path_start(&rest[h.len()..]) {
                    let end = url_end(text, at, at + h.len());
                    i = end;
                    return Some((at, end, true));
                }
            }
        }
        None
    })
}

/// The length of the `https://` or `http://` (any case) that `text` starts with, or 0.
fn http_scheme_len(text: &[u8]) -> usize {
    if starts_with_ci(text, b"https://") {
        8
    } else if starts_with_ci(text, b"http://") {
        7
    } else {
        0
    }
}

fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

/// After a bare host: a `/` or a `:port/`, so that a mere mention ("example.com is…")
/// is left alone.
fn at_path_start(rest: &[u8]) -> bool {
    match rest.first() {
        Some(b'/') => true,
        Some(b':') => {
            let digits = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            digits > 0 && rest.get(1 + digits) == Some(&b'/')
        }
        _ => false,
    }
}

/// A URL may start at `at` only after a non-word character (not after `@`, so an e-mail
/// address's domain is never taken for a URL, nor after `.`, `/` or `-`, so a bare host is
/// never found inside a longer host or path).
fn is_boundary_before(text: &str, at: usize) -> bool {
    if !text.is_char_boundary(at) {
        return false;
    }
    match sub(text, 0, at).chars().next_back() {
        None => true,
        Some(c) => {
            !(super::chars::is_word(c)
                || matches!(
                    c,
                    '@' | '.' | '/' | '-' | '_' | ':' | '%' | '+' | '=' | '&' | '#' | '?'
                ))
        }
    }
}

/// The end of a URL that starts at `start` and whose scheme or host ends at `from`:
/// up to white space or a character that cannot be in a written URL, minus trailing
/// punctuation that belongs to the sentence (GFM autolink rules, plus typographic quotes).
fn url_end(text: &str, start: usize, from: usize) -> usize {
    let mut end = from;
    for (offset, c) in sub(text, from, text.len()).char_indices() {
        // Non-ASCII punctuation and symbols (dashes, CJK full stops and brackets, emoji)
        // end a written URL: the token must never land inside the sentence after it.
        if super::chars::is_space(c)
            || c.is_control()
            || (!c.is_ascii() && !super::chars::is_word(c))
            || matches!(
                c,
                '<' | '>'
                    | '"'
                    | '`'
                    | '{'
                    | '}'
                    | '|'
                    | '\\'
                    | '^'
                    | '«'
                    | '»'
                    | '“'
                    | '”'
                    | '‘'
                    | '’'
            )
        {
            break;
        }
        end = from + offset + c.len_utf8();
    }
    loop {
        let url = sub(text, start, end);
        let Some(last) = url.chars().next_back() else {
            break;
        };
        let trim = match last {
            '.' | ',' | ':' | ';' | '!' | '?' | '*' | '_' | '~' | '\'' | '…' => true,
            ')' => url.matches('(').count() < url.matches(')').count(),
            ']' => url.matches('[').count() < url.matches(']').count(),
            _ => false,
        };
        if !trim || end - last.len_utf8() <= from {
            break;
        }
        end -= last.len_utf8();
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idn(host: &str) -> Option<String> {
        match host.to_lowercase().as_str() {
            "café.example" => Some("xn--caf-dma.example".into()),
            _ => crate::core::hosts::ascii_lowercase(host),
        }
    }

    fn rewriter(hosts: &[&str], placement: Placement) -> CopyRewriter {
        CopyRewriter::new(
            TrackedHosts::parse(hosts.iter().copied(), idn).unwrap(),
            "lt",
            placement,
        )
    }
    const T: &str = "cTOKENtoken9";
    fn tok() -> ShareToken {
        ShareToken::parse(T).unwrap()
    }

    #[test]
    fn rewrites_tracked_urls_only() {
        let r = rewriter(&["blog.example", "café.example"], Placement::Auto);
        let cases: &[(&str, &str)] = &[
            ("https://blog.example/a", "https://blog.example/a#lt=T"),
            (
                "See https://blog.example/a.",
                "See https://blog.example/a#lt=T.",
            ),
            (
                "(see https://blog.example/a)",
                "(see https://blog.example/a#lt=T)",
            ),
            (
                "https://blog.example/wiki/Foo_(bar)",
                "https://blog.example/wiki/Foo_(bar)#lt=T",
            ),
            (
                "Really? https://blog.example/a?!",
                "Really? https://blog.example/a#lt=T?!",
            ),
            ("«https://blog.example/a»", "«https://blog.example/a#lt=T»"),
            (
                "Read https://blog.example/a—great read",
                "Read https://blog.example/a#lt=T—great read",
            ),
            (
                "（https://blog.example/a）をご覧ください。",
                "（https://blog.example/a#lt=T）をご覧ください。",
            ),
            (
                "https://blog.example/a。次",
                "https://blog.example/a#lt=T。次",
            ),
            ("https://blog.example/a…", "https://blog.example/a#lt=T…"),
            ("https://blog.example/a😀", "https://blog.example/a#lt=T😀"),
            (
                "\"https://blog.example/a\",",
                "\"https://blog.example/a#lt=T\",",
            ),
            (
                "https://blog.example/a#intro",
                "https://blog.example/a?lt=T#intro",
            ),
            (
                "https://blog.example/a?x=1&y=2",
                "https://blog.example/a?x=1&y=2#lt=T",
            ),
            (
                "https://blog.example:8443/a",
                "https://blog.example:8443/a#lt=T",
            ),
            (
                "https://user:pw@blog.example/a",
                "https://user:pw@blog.example/a#lt=T",
            ),
            ("HTTPS://BLOG.EXAMPLE/A", "HTTPS://BLOG.EXAMPLE/A#lt=T"),
            ("https://blog.example", "https://blog.example#lt=T"),
            ("https://café.example/thé", "https://café.example/thé#lt=T"),
            ("https://CAFÉ.example/x", "https://CAFÉ.example/x#lt=T"),
            (
                "https://xn--caf-dma.example/x",
                "https://xn--caf-dma.example/x#lt=T",
            ),
            (
                "https://blog.example/100%25/%E2%82%AC/%zz/%",
                "https://blog.example/100%25/%E2%82%AC/%zz/%#lt=T",
            ),
            (
                "https://blog.example/a\nhttps://blog.example/b",
                "https://blog.example/a#lt=T\nhttps://blog.example/b#lt=T",
            ),
            (
                "blog.example/a and www.blog.example/b",
                "blog.example/a#lt=T and www.blog.example/b",
            ),
            ("blog.example:8080/a", "blog.example:8080/a#lt=T"),
            // Untouched: other hosts, mentions, e-mail addresses, look-alikes, existing tokens.
            ("https://other.example/a", "https://other.example/a"),
            ("https://blog.example.evil/a", "https://blog.example.evil/a"),
            ("https://evilblog.example/a", "https://evilblog.example/a"),
            ("I love blog.example.", "I love blog.example."),
            ("mail me@blog.example/x", "mail me@blog.example/x"),
            (
                "https://blog.example/a#lt=xyz",
                "https://blog.example/a#lt=xyz",
            ),
            ("xhttps://blog.example/a", "xhttps://blog.example/a"),
            ("https:// blog.example/a", "https:// blog.example/a#lt=T"),
            ("https://", "https://"),
            ("ftp://blog.example/a", "ftp://blog.example/a"),
        ];
        for (input, expected) in cases {
            let expected = expected.replace("=T", &format!("={T}"));
            assert_eq!(
                r.rewrite_text(input, &tok()).text,
                expected,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn query_placement_and_counts() {
        let r = rewriter(&["blog.example"], Placement::Query);
        let out = r.rewrite_text("https://blog.example/a https://blog.example/b?x#y", &tok());
        assert_eq!(
            out.text,
            format!("https://blog.example/a?lt={T} https://blog.example/b?x&lt={T}#y")
        );
        assert_eq!(out.urls, 2);
        assert!(
            r.is_tracked_url("//blog.example/x")
                && !r.is_tracked_url("/x")
                && !r.is_tracked_url("mailto:a@blog.example")
        );
    }

    #[test]
    fn code_is_kept_byte_for_byte() {
        let r = rewriter(&["blog.example"], Placement::Auto);
        let keep = |text: &str, dom: &[(bool, &str)]| {
            let dom: Vec<(bool, String)> = dom.iter().map(|(c, t)| (*c, t.to_string())).collect();
            r.rewrite_text_keeping(text, &dom, &tok()).map(|o| o.text)
        };
        // Code before and after prose URLs; the browser collapsed and added white space.
        assert_eq!(
            keep(
                "Run curl https://blog.example/a then\nread https://blog.example/b and x https://blog.example/c.",
                &[
                    (false, "Run "),
                    (true, "curl\n   https://blog.example/a"),
                    (false, " then"),
                    (false, "read https://blog.example/b and "),
                    (true, "x https://blog.example/c"),
                    (false, "."),
                ]
            ),
            Some(format!(
                "Run curl https://blog.example/a then\nread https://blog.example/b#lt={T} and x https://blog.example/c."
            ))
        );
        // The same URL in prose and in code: only the prose one changes, wherever it is.
        let url = "https://blog.example/a";
        assert_eq!(
            keep(
                &format!("{url} {url}"),
                &[(false, "https://blog.example/a "), (true, url)]
            ),
            Some(format!("{url}#lt={T} {url}"))
        );
        assert_eq!(
            keep(
                &format!("{url} {url}"),
                &[(true, url), (false, " https://blog.example/a")]
            ),
            Some(format!("{url} {url}#lt={T}"))
        );
        // A URL running into code text is left alone.
        assert_eq!(
            keep(
                "see https://blog.example/acode here",
                &[
                    (false, "see https://blog.example/a"),
                    (true, "code"),
                    (false, " here")
                ]
            )
            .as_deref(),
            Some("see https://blog.example/acode here")
        );
        // Text the DOM has and the selection's text does not (hidden), or the other way
        // round (generated): give up.
        assert_eq!(
            keep(
                "prose https://blog.example/a",
                &[
                    (false, "prose "),
                    (true, "hidden"),
                    (false, "https://blog.example/a")
                ]
            ),
            None
        );
        assert_eq!(
            keep(
                "prose https://blog.example/a more",
                &[(false, "prose https://blog.example/a")]
            ),
            None
        );
        // No segments: no code, the same as rewrite_text.
        assert_eq!(
            keep("https://blog.example/a", &[]),
            Some(format!("https://blog.example/a#lt={T}"))
        );
    }
}
