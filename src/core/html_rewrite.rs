//! Giving the copy's token to the `href`s of tracked links in copied HTML, leaving every
//! other byte (tags, attributes, entities, text) exactly as it was.
use super::chars::sub;
use crate::prelude::*;

use super::text_rewrite::{CopyRewriter, Rewritten};
use super::token::ShareToken;
use super::url::token_insertion;

impl CopyRewriter {
    /// Adds `token` to the `href` of every `<a>` and `<area>` whose absolute URL points at a
    /// tracked host. Relative hrefs are left alone: the browser layer makes them absolute
    /// first, as a native copy would.
    ///
    /// ```
    /// use lanterne::core::{hosts::TrackedHosts, text_rewrite::CopyRewriter, token::ShareToken, url::Placement};
    /// let r = CopyRewriter::new(TrackedHosts::for_page("blog.example"), "lt", Placement::Auto);
    /// let t = ShareToken::parse("cAAAAAAAAAA1").unwrap();
    /// let html = r#"<p>Read <a class="x" href="https://blog.example/a?b=1&amp;c=2">this</a> &amp; <a href="https://else.example/">that</a></p>"#;
    /// assert_eq!(r.rewrite_html(html, &t).text,
    ///     r#"<p>Read <a class="x" href="https://blog.example/a?b=1&amp;c=2#lt=cAAAAAAAAAA1">this</a> &amp; <a href="https://else.example/">that</a></p>"#);
    /// ```
    pub fn rewrite_html(&self, html: &str, token: &ShareToken) -> Rewritten {
        let mut out = String::with_capacity(html.len() + 32);
        let mut copied = 0;
        let mut urls = 0;
        for (start, end) in link_hrefs(html) {
            let (url, map) = decode_attribute(sub(html, start, end));
            if !self.is_tracked_url(url.trim_matches(crate::core::chars::is_space))
                || url.trim_matches(crate::core::chars::is_space).len() != url.len()
            {
                continue;
            }
            if let Some((at, insert)) = token_insertion(&url, &self.param, self.placement) {
                let raw_at = start + map[at];
                out.push_str(sub(html, copied, raw_at));
                for c in insert.chars() {
                    if c == '&' {
                        out.push_str("&amp;")
                    } else {
                        out.push(c)
                    }
                }
                out.push_str(token.as_str());
                copied = raw_at;
                urls += 1;
            }
        }
        out.push_str(sub(html, copied, html.len()));
        Rewritten { text: out, urls }
    }
}

/// Byte ranges of the raw values of `href` attributes on `<a>` and `<area>` start tags.
/// A small tokenizer in the spirit of the HTML spec's: comments, raw-text elements
/// (`script`, `style`, `textarea`, `title`, `xmp`, `noscript`) and quoted attribute values
/// containing `>` are all stepped over correctly.
fn link_hrefs(html: &str) -> Vec<(usize, usize)> {
    let b = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(off) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'<'))
    {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_start = i;
        while i < b.len() && !is_space(b[i]) && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = &b[name_start..i];
        let is_link = name.eq_ignore_ascii_case(b"a") || name.eq_ignore_ascii_case(b"area");
        // Attributes.
        loop {
            while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let attr_start = i;
            while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let attr = &b[attr_start..i];
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                continue;
            }
            i += 1;
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            let (value_start, value_end) = match b.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = b[i + 1..]
                        .iter()
                        .position(|&c| c == q)
                        .map_or(b.len(), |e| i + 1 + e);
                    let range = (i + 1, end);
                    i = (end + 1).min(b.len());
                    range
                }
                _ => {
                    let start = i;
                    while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                        i += 1;
                    }
                    (start, i)
                }
            };
            if is_link && attr.eq_ignore_ascii_case(b"href") {
                found.push((value_start, value_end));
            }
        }
        for raw in [
            &b"script"[..],
            b"style",
            b"textarea",
            b"title",
            b"xmp",
            b"noscript",
        ] {
            if name.eq_ignore_ascii_case(raw) {
                i = find_ci_close(b, i, raw).unwrap_or(b.len());
            }
        }
    }
    found
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ci_close(hay: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(p) = find(hay, i, b"</") {
        if hay
            .get(p + 2..p + 2 + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
        {
            return Some(p);
        }
        i = p + 2;
    }
    None
}

/// Decodes character references in an attribute value. Returns the decoded text and, for
/// each byte offset of the decoded text (plus its end), the raw offset it came from, so
/// an insertion point found in the decoded URL maps back to the raw HTML.
fn decode_attribute(raw: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len() + 1);
    let mut i = 0;
    while i < raw.len() {
        let (c, len) = if raw.as_bytes()[i] == b'&' {
            decode_reference(sub(raw, i, raw.len()))
        } else {
            (None, 0)
        };
        let (c, len) = match c {
            Some(c) => (c, len),
            None => {
                let c = sub(raw, i, raw.len()).chars().next().unwrap_or('\u{fffd}');
                (c, c.len_utf8())
            }
        };
        for _ in 0..c.len_utf8() {
            map.push(i);
        }
        out.push(c);
        i += len;
    }
    map.push(raw.len());
    (out, map)
}

/// The character a reference at the start of `s` stands for, and its length in bytes.
fn decode_reference(s: &str) -> (Option<char>, usize) {
    let Some(semi) = s.bytes().take(12).position(|b| b == b';') else {
        return (None, 0);
    };
    let body = sub(s, 1, semi);
    let c = match body {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let num = body.strip_prefix('#');
            let code = match num {
                Some(hex) if hex.starts_with(['x', 'X']) => {
                    u32::from_str_radix(sub(hex, 1, hex.len()), 16).ok()
                }
                Some(dec) => dec.parse().ok(),
                None => None,
            };
            code.and_then(char::from_u32)
        }
    };
    (c, semi + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{hosts::TrackedHosts, url::Placement};

    const T: &str = "cTOKENtoken9";

    fn rewrite(html: &str) -> String {
        let r = CopyRewriter::new(
            TrackedHosts::parse(["blog.example"]).unwrap(),
            "lt",
            Placement::Auto,
        );
        r.rewrite_html(html, &ShareToken::parse(T).unwrap()).text
    }

    #[test]
    fn only_tracked_hrefs_change() {
        let cases: &[(&str, &str)] = &[
            (
                r#"<a href="https://blog.example/a">x</a>"#,
                r#"<a href="https://blog.example/a#lt=T">x</a>"#,
            ),
            (
                r#"<A HREF='https://blog.example/a'>x</A>"#,
                r#"<A HREF='https://blog.example/a#lt=T'>x</A>"#,
            ),
            (
                r#"<a href=https://blog.example/a>x</a>"#,
                r#"<a href=https://blog.example/a#lt=T>x</a>"#,
            ),
            (
                r#"<a title="a > b" href="https://blog.example/a#s">x</a>"#,
                r#"<a title="a > b" href="https://blog.example/a?lt=T#s">x</a>"#,
            ),
            (
                r#"<a href="https://blog.example/a?x=1&amp;y=2#s">"#,
                r#"<a href="https://blog.example/a?x=1&amp;y=2&amp;lt=T#s">"#,
            ),
            (
                r#"<a href="https://blog.example/a&#x23;s">"#,
                r#"<a href="https://blog.example/a?lt=T&#x23;s">"#,
            ),
            (
                r#"<area shape="rect" href="https://blog.example/m">"#,
                r#"<area shape="rect" href="https://blog.example/m#lt=T">"#,
            ),
            (
                r#"<a href="//blog.example/a">"#,
                r#"<a href="//blog.example/a#lt=T">"#,
            ),
            // Untouched.
            (
                r#"<a href="https://other.example/a">https://blog.example/a</a>"#,
                r#"<a href="https://other.example/a">https://blog.example/a</a>"#,
            ),
            (
                r#"<img src="https://blog.example/i.png"><link href="https://blog.example/s.css">"#,
                r#"<img src="https://blog.example/i.png"><link href="https://blog.example/s.css">"#,
            ),
            (
                r#"<a data-href="https://blog.example/a">"#,
                r#"<a data-href="https://blog.example/a">"#,
            ),
            (
                r#"<!-- <a href="https://blog.example/a"> -->"#,
                r#"<!-- <a href="https://blog.example/a"> -->"#,
            ),
            (
                r#"<script>"<a href='https://blog.example/a'>"</script>"#,
                r#"<script>"<a href='https://blog.example/a'>"</script>"#,
            ),
            (
                r#"<a href="mailto:me@blog.example">"#,
                r#"<a href="mailto:me@blog.example">"#,
            ),
            (r#"<a href="/relative">"#, r#"<a href="/relative">"#),
            (
                r#"<a href="https://blog.example/a#lt=old">"#,
                r#"<a href="https://blog.example/a#lt=old">"#,
            ),
            (
                r#"<a href="https://blog.example/a"#,
                r#"<a href="https://blog.example/a#lt=T"#,
            ),
            ("<a <<< href", "<a <<< href"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(
                rewrite(input),
                expected.replace("=T", &format!("={T}")),
                "input {input}"
            );
        }
    }

    #[test]
    fn decoding_maps_back() {
        let (text, map) = decode_attribute("a&amp;b&#233;c&bogus;");
        assert_eq!(text, "a&béc&bogus;");
        assert_eq!(map.len(), text.len() + 1);
        assert_eq!(map[1], 1);
        assert_eq!(map[2], 6);
    }
}
