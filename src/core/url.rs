//! Just enough URL handling for share tokens: split a URL into its parts without
//! normalising anything (every original byte is kept), tell its host, and add or remove
//! the token parameter. Deliberately not a full WHATWG parser: lanterne only ever inserts
//! text at one place, and leaves any URL it does not understand untouched.
use super::chars::{find_byte, find_str, rfind_byte, sub};
use crate::prelude::*;

use super::token::{is_token_char, ShareToken};

/// Where a token goes in a URL (docs/how-it-works.md#share-tokens, config `placement`).
///
/// ```
/// use lanterne::core::url::Placement;
/// assert_eq!(Placement::parse("auto"), Some(Placement::Auto));
/// assert_eq!(Placement::parse("Fragment"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// In the fragment (`#lt=…`), or in the query (`?lt=…`) when the URL already has a
    /// fragment, so an anchor, hash route or text fragment is never clobbered. The default.
    Auto,
    /// Only in the fragment; a URL that already has a non-empty fragment gets no token.
    Fragment,
    /// Always in the query. Servers, caches and logs then see the token.
    Query,
}

impl Placement {
    /// Parses a config value: `"auto"`, `"fragment"` or `"query"`.
    pub fn parse(value: &str) -> Option<Placement> {
        match value {
            "auto" => Some(Placement::Auto),
            "fragment" => Some(Placement::Fragment),
            "query" => Some(Placement::Query),
            _ => None,
        }
    }
}

/// Byte ranges of a URL's parts, as they stand in the original string.
///
/// ```
/// use lanterne::core::url::UrlParts;
/// let url = "https://user@Example.com:8080/a/b?x=1#top";
/// let p = UrlParts::split(url);
/// assert_eq!(p.host(url), Some("Example.com"));
/// assert_eq!(p.path(url), "/a/b");
/// assert_eq!(p.query(url), Some("x=1"));
/// assert_eq!(p.fragment(url), Some("top"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UrlParts {
    host: Option<(usize, usize)>,
    path: (usize, usize),
    query: Option<(usize, usize)>,
    fragment: Option<(usize, usize)>,
}

impl UrlParts {
    /// Splits `url` (absolute, scheme-relative, or a bare `host/path`) without allocating.
    pub fn split(url: &str) -> UrlParts {
        let frag_at = find_byte(url, b'#');
        let before_frag = frag_at.unwrap_or(url.len());
        let query_at = find_byte(sub(url, 0, before_frag), b'?');
        let before_query = query_at.unwrap_or(before_frag);
        let head = sub(url, 0, before_query);
        // Authority starts after "scheme://" or a leading "//".
        let authority_start = match find_str(head, "://") {
            Some(i) if i > 0 && is_scheme(sub(head, 0, i)) => Some(i + 3),
            _ if head.starts_with("//") => Some(2),
            _ => None,
        };
        let (host, path_start) = match authority_start {
            Some(start) => {
                let end =
                    find_byte(sub(head, start, head.len()), b'/').map_or(head.len(), |i| start + i);
                (host_range(url, start, end), end)
            }
            None => (None, 0),
        };
        UrlParts {
            host,
            path: (path_start, before_query),
            query: query_at.map(|q| (q + 1, before_frag)),
            fragment: frag_at.map(|f| (f + 1, url.len())),
        }
    }

    /// Splits a bare `host[:port]/path` (no scheme), as found in plain text.
    pub fn split_bare(url: &str) -> UrlParts {
        let mut parts = UrlParts::split(url);
        if parts.host.is_none() {
            let end = find_byte(sub(url, 0, parts.path.1), b'/').unwrap_or(parts.path.1);
            parts.host = host_range(url, 0, end);
            parts.path.0 = end;
        }
        parts
    }

    /// The host as written (no userinfo, no port, IPv6 keeps its brackets).
    pub fn host<'a>(&self, url: &'a str) -> Option<&'a str> {
        self.host.map(|(a, b)| sub(url, a, b))
    }
    /// The path as written (may be empty).
    pub fn path<'a>(&self, url: &'a str) -> &'a str {
        sub(url, self.path.0, self.path.1)
    }
    /// The query without its `?`.
    pub fn query<'a>(&self, url: &'a str) -> Option<&'a str> {
        self.query.map(|(a, b)| sub(url, a, b))
    }
    /// The fragment without its `#`.
    pub fn fragment<'a>(&self, url: &'a str) -> Option<&'a str> {
        self.fragment.map(|(a, b)| sub(url, a, b))
    }
}

/// Whether `s` is a URL scheme's name: a letter, then letters, digits, `+`, `-` or `.`.
pub(crate) fn is_scheme(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphabetic()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

/// The host's range inside `url[start..end]` (an authority): after any `userinfo@`, before
/// any `:port`.
fn host_range(url: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let authority = sub(url, start, end);
    let host_start = rfind_byte(authority, b'@').map_or(0, |i| i + 1);
    let rest = sub(authority, host_start, authority.len());
    let host_len = if rest.starts_with('[') {
        find_byte(rest, b']').map_or(rest.len(), |i| i + 1)
    } else {
        find_byte(rest, b':').unwrap_or(rest.len())
    };
    (host_len > 0).then(|| (start + host_start, start + host_start + host_len))
}

/// A `param=value` pair found in a URL's query or fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenSlot<'a> {
    /// The value after `param=` (may be anything, valid token or not).
    pub value: &'a str,
    /// Byte range of the whole `param=value` pair, with one adjoining separator (`&`), so
    /// that removing it leaves a well-formed query or fragment.
    pub range: (usize, usize),
    /// Whether the pair is in the fragment (else in the query).
    pub in_fragment: bool,
}

/// Finds the token parameter `param` in `url`'s fragment or query (fragment first).
///
/// ```
/// use lanterne::core::url::find_token_slot;
/// let slot = find_token_slot("https://a.example/p?x=1&lt=abc#top", "lt").unwrap();
/// assert_eq!(slot.value, "abc");
/// assert!(!slot.in_fragment);
/// ```
pub fn find_token_slot<'a>(url: &'a str, param: &str) -> Option<TokenSlot<'a>> {
    find_slot(url, param, |_| true)
}

/// The first `param=value` pair (fragment first, then query) whose value `accept`s.
fn find_slot<'a>(url: &'a str, param: &str, accept: fn(&str) -> bool) -> Option<TokenSlot<'a>> {
    let parts = UrlParts::split(url);
    [(parts.fragment, true), (parts.query, false)]
        .into_iter()
        .find_map(|(range, in_fragment)| {
            let (start, end) = range?;
            find_pair(url, start, end, param, accept).map(|(value, range)| TokenSlot {
                value,
                range,
                in_fragment,
            })
        })
}

fn find_pair<'a>(
    url: &'a str,
    start: usize,
    end: usize,
    param: &str,
    accept: fn(&str) -> bool,
) -> Option<(&'a str, (usize, usize))> {
    let mut pos = start;
    while pos <= end {
        let pair_end = find_byte(sub(url, pos, end), b'&').map_or(end, |i| pos + i);
        let pair = sub(url, pos, pair_end);
        if let Some(value) = pair
            .strip_prefix(param)
            .and_then(|rest| rest.strip_prefix('='))
            .filter(|value| accept(value))
        {
            // Take the `&` after the pair, or else the one before it.
            let range = if pair_end < end {
                (pos, pair_end + 1)
            } else if pos > start {
                (pos - 1, pair_end)
            } else {
                (pos, pair_end)
            };
            return Some((value, range));
        }
        pos = pair_end + 1;
    }
    None
}

/// The URL with `token` placed as `param=token`, or `None` when it must stay as it is:
/// it already has a `param=` slot (so rewriting is idempotent and never replaces another
/// visitor's token), or `placement` is `Fragment` and the URL has a fragment of its own.
///
/// ```
/// use lanterne::core::{token::ShareToken, url::{with_token, Placement}};
/// let t = ShareToken::parse("cAAAAAAAAAAA").unwrap();
/// assert_eq!(with_token("https://a.example/p", &t, "lt", Placement::Auto).unwrap(),
///            "https://a.example/p#lt=cAAAAAAAAAAA");
/// assert_eq!(with_token("https://a.example/p?x=1#top", &t, "lt", Placement::Auto).unwrap(),
///            "https://a.example/p?x=1&lt=cAAAAAAAAAAA#top");
/// ```
pub fn with_token(
    url: &str,
    token: &ShareToken,
    param: &str,
    placement: Placement,
) -> Option<String> {
    let (at, insert) = token_insertion(url, param, placement)?;
    let mut out = String::with_capacity(url.len() + insert.len() + TOKEN_INSERT_EXTRA);
    out.push_str(sub(url, 0, at));
    out.push_str(&insert);
    out.push_str(token.as_str());
    out.push_str(sub(url, at, url.len()));
    Some(out)
}

const TOKEN_INSERT_EXTRA: usize = 16;

/// Where the token goes in `url` and the text (`#lt=`, `?lt=`, `&lt=`) that precedes it.
/// The token itself is inserted right after that text. Pure insertion: no byte of `url`
/// is removed or moved.
pub fn token_insertion(url: &str, param: &str, placement: Placement) -> Option<(usize, String)> {
    if find_token_slot(url, param).is_some() {
        return None;
    }
    let parts = UrlParts::split(url);
    let has_fragment = parts.fragment(url).is_some_and(|f| !f.is_empty());
    let use_query = match placement {
        Placement::Query => true,
        Placement::Auto => has_fragment,
        Placement::Fragment if has_fragment => return None,
        Placement::Fragment => false,
    };
    let mut insert = String::with_capacity(param.len() + 2);
    let at = if use_query {
        match parts.query {
            Some((start, end)) => {
                if end > start && !sub(url, 0, end).ends_with('&') {
                    insert.push('&');
                }
                end
            }
            None => {
                insert.push('?');
                parts.path.1
            }
        }
    } else {
        match parts.fragment {
            // An empty fragment ("page#"): write into it rather than adding a second '#'.
            Some((start, _)) => start,
            None => {
                insert.push('#');
                url.len()
            }
        }
    };
    insert.push_str(param);
    insert.push('=');
    Some((at, insert))
}

/// Whether a slot value has the shape of a token (12 of `[A-Za-z0-9_-]`), valid or not.
/// Only such values are lanterne's to remove: a site's own `?lt=5` is left alone.
pub fn is_token_shaped(value: &str) -> bool {
    value.len() == super::token::TOKEN_LEN && value.bytes().all(is_token_char)
}

/// `url` without any token-shaped `param=` slot (in the fragment or the query, however
/// many), and without the `?`/`#` left empty by removing them; plus the values removed,
/// fragment first.
///
/// ```
/// use lanterne::core::url::without_tokens;
/// let (url, values) = without_tokens("https://a.example/p?lt=cAAAAAAAAAA1#lt=wAAAAAAAAAA1", "lt");
/// assert_eq!(url, "https://a.example/p");
/// assert_eq!(values, ["wAAAAAAAAAA1", "cAAAAAAAAAA1"]);
/// assert_eq!(without_tokens("https://a.example/p?lt=5", "lt").0, "https://a.example/p?lt=5");
/// ```
pub fn without_tokens(url: &str, param: &str) -> (String, Vec<String>) {
    let mut current = url.to_owned();
    let mut values = Vec::new();
    while let Some(slot) = find_slot(&current, param, is_token_shaped) {
        let (mut start, end) = slot.range;
        values.push(slot.value.to_owned());
        // When the pair was the whole query or fragment, drop its '?' or '#' too.
        let marker = if slot.in_fragment { b'#' } else { b'?' };
        let bytes = current.as_bytes();
        let rest_empty = end == bytes.len() || bytes[end] == b'#';
        if start > 0 && bytes[start - 1] == marker && rest_empty {
            start -= 1;
        }
        let mut out = String::with_capacity(current.len());
        out.push_str(sub(&current, 0, start));
        out.push_str(sub(&current, end, current.len()));
        current = out;
    }
    (current, values)
}

/// [`without_tokens`], keeping only the first value removed.
///
/// ```
/// use lanterne::core::url::without_token;
/// assert_eq!(without_token("https://a.example/p#lt=cAAAAAAAAAA1", "lt"), ("https://a.example/p".into(), Some("cAAAAAAAAAA1".into())));
/// assert_eq!(without_token("https://a.example/p?a=1&lt=cAAAAAAAAAA1#top", "lt").0, "https://a.example/p?a=1#top");
/// assert_eq!(without_token("https://a.example/p?lt=cAAAAAAAAAA1#top", "lt").0, "https://a.example/p#top");
/// ```
pub fn without_token(url: &str, param: &str) -> (String, Option<String>) {
    let (url, values) = without_tokens(url, param);
    (url, values.into_iter().next())
}

/// Whether a parameter name is acceptable for the token (config `param`): 1 to 32 of
/// `[A-Za-z0-9_-]`, so it never needs encoding and cannot contain `=`, `&` or `#`.
///
/// ```
/// use lanterne::core::url::is_valid_param;
/// assert!(is_valid_param("lt"));
/// assert!(!is_valid_param("l t"));
/// ```
pub fn is_valid_param(param: &str) -> bool {
    (1..=32).contains(&param.len()) && param.bytes().all(is_token_char)
}

/// Whether an ASCII host (already through a `ToAscii` of `hosts.rs`)
/// is a plausible host name or IP literal: letters, digits, `-`, `.`, or a bracketed IPv6.
pub fn is_plausible_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !inner.is_empty()
            && inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> ShareToken {
        ShareToken::parse("cTOKENtoken9").unwrap()
    }

    #[test]
    fn splits_all_shapes() {
        for (url, host, path, query, fragment) in [
            ("https://a.example", Some("a.example"), "", None, None),
            ("https://a.example/", Some("a.example"), "/", None, None),
            (
                "HTTPS://A.example:443/x?",
                Some("A.example"),
                "/x",
                Some(""),
                None,
            ),
            (
                "https://u:p@a.example:8080/x?y#z",
                Some("a.example"),
                "/x",
                Some("y"),
                Some("z"),
            ),
            ("http://[::1]:8080/x", Some("[::1]"), "/x", None, None),
            ("//cdn.example/x", Some("cdn.example"), "/x", None, None),
            (
                "https://a.example?q=1",
                Some("a.example"),
                "",
                Some("q=1"),
                None,
            ),
            (
                "https://a.example#f?g",
                Some("a.example"),
                "",
                None,
                Some("f?g"),
            ),
            (
                "https://a.example/p%23q",
                Some("a.example"),
                "/p%23q",
                None,
                None,
            ),
            ("/relative/path?x", None, "/relative/path", Some("x"), None),
            (
                "mailto:me@a.example",
                None,
                "mailto:me@a.example",
                None,
                None,
            ),
        ] {
            let p = UrlParts::split(url);
            assert_eq!(
                (p.host(url), p.path(url), p.query(url), p.fragment(url)),
                (host, path, query, fragment),
                "{url}"
            );
        }
        let bare = "a.example:8080/x?y";
        let p = UrlParts::split_bare(bare);
        assert_eq!(
            (p.host(bare), p.path(bare), p.query(bare)),
            (Some("a.example"), "/x", Some("y"))
        );
    }

    #[test]
    fn placement_rules() {
        let cases = [
            (
                "https://a.example/p",
                Placement::Auto,
                Some("https://a.example/p#lt=cTOKENtoken9"),
            ),
            (
                "https://a.example",
                Placement::Auto,
                Some("https://a.example#lt=cTOKENtoken9"),
            ),
            (
                "https://a.example/p#",
                Placement::Auto,
                Some("https://a.example/p#lt=cTOKENtoken9"),
            ),
            (
                "https://a.example/p#sec",
                Placement::Auto,
                Some("https://a.example/p?lt=cTOKENtoken9#sec"),
            ),
            (
                "https://a.example/p?a=1#sec",
                Placement::Auto,
                Some("https://a.example/p?a=1&lt=cTOKENtoken9#sec"),
            ),
            (
                "https://a.example/p?a=1&#sec",
                Placement::Auto,
                Some("https://a.example/p?a=1&lt=cTOKENtoken9#sec"),
            ),
            (
                "https://a.example/p?#sec",
                Placement::Auto,
                Some("https://a.example/p?lt=cTOKENtoken9#sec"),
            ),
            (
                "https://a.example/#/route/1",
                Placement::Auto,
                Some("https://a.example/?lt=cTOKENtoken9#/route/1"),
            ),
            (
                "https://a.example/p#:~:text=hello",
                Placement::Auto,
                Some("https://a.example/p?lt=cTOKENtoken9#:~:text=hello"),
            ),
            (
                "https://a.example/p",
                Placement::Query,
                Some("https://a.example/p?lt=cTOKENtoken9"),
            ),
            (
                "https://a.example/p?a=1",
                Placement::Query,
                Some("https://a.example/p?a=1&lt=cTOKENtoken9"),
            ),
            (
                "https://a.example/p",
                Placement::Fragment,
                Some("https://a.example/p#lt=cTOKENtoken9"),
            ),
            ("https://a.example/p#sec", Placement::Fragment, None),
            ("https://a.example/p#lt=other", Placement::Auto, None),
            ("https://a.example/p?lt=x#sec", Placement::Auto, None),
        ];
        for (url, placement, expected) in cases {
            assert_eq!(
                with_token(url, &t(), "lt", placement).as_deref(),
                expected,
                "{url} {placement:?}"
            );
        }
        // A parameter that merely ends in "lt" is not the slot.
        assert_eq!(
            with_token("https://a.example/p?salt=1", &t(), "lt", Placement::Query).as_deref(),
            Some("https://a.example/p?salt=1&lt=cTOKENtoken9")
        );
        assert_eq!(
            with_token("https://a.example/p", &t(), "ref", Placement::Auto).as_deref(),
            Some("https://a.example/p#ref=cTOKENtoken9")
        );
    }

    #[test]
    fn removal_restores_the_original() {
        for url in [
            "https://a.example/p",
            "https://a.example/p?a=1",
            "https://a.example/p#sec",
            "https://a.example/p?a=1#sec",
            "https://a.example/p?a=1&b=2#x",
        ] {
            for placement in [Placement::Auto, Placement::Query, Placement::Fragment] {
                if let Some(with) = with_token(url, &t(), "lt", placement) {
                    assert_eq!(
                        without_token(&with, "lt"),
                        (url.to_owned(), Some("cTOKENtoken9".into())),
                        "{with}"
                    );
                }
            }
        }
        assert_eq!(
            without_token("https://a.example/p?lt=cTOKENtoken9&a=2", "lt").0,
            "https://a.example/p?a=2"
        );
        assert_eq!(
            without_token("https://a.example/p#a=1&lt=cTOKENtoken9", "lt").0,
            "https://a.example/p#a=1"
        );
        // Two slots: both go. A value that is not token-shaped is the site's own.
        assert_eq!(
            without_tokens(
                "https://a.example/p?lt=cTOKENtoken9&x=1#lt=wTOKENtoken9",
                "lt"
            ),
            (
                "https://a.example/p?x=1".to_owned(),
                vec!["wTOKENtoken9".to_owned(), "cTOKENtoken9".to_owned()]
            )
        );
        assert_eq!(
            without_token("https://a.example/p?lt=5&lt=cTOKENtoken9", "lt").0,
            "https://a.example/p?lt=5"
        );
        assert_eq!(without_token("https://a.example/p?lt=a=b", "lt").1, None);
    }

    #[test]
    fn params_and_hosts() {
        assert!(
            is_valid_param("lt")
                && is_valid_param("share_id")
                && !is_valid_param("")
                && !is_valid_param("a=b")
        );
        assert!(
            is_plausible_host("a.example")
                && is_plausible_host("[::1]")
                && is_plausible_host("127.0.0.1")
        );
        assert!(
            !is_plausible_host("a..example")
                && !is_plausible_host("a example")
                && !is_plausible_host("")
        );
    }
}
