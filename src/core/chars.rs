//! Character classes without Unicode tables. `char::is_alphanumeric` and `is_whitespace`
//! each pull kilobytes of tables into the wasm; lanterne only needs to tell words from
//! punctuation and spaces, which these ranges do for every script in use.

use crate::prelude::*;

/// Whether `c` is white space: ASCII, NBSP, the Unicode space separators, line and
/// paragraph separators, ideographic space, BOM.
///
/// ```
/// use lanterne::core::chars::is_space;
/// assert!(is_space(' ') && is_space('\u{a0}') && is_space('\u{3000}') && !is_space('a'));
/// ```
pub fn is_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | ' ' | '\u{85}' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}'
        | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}')
}

/// Whether `c` belongs to a word: ASCII letters and digits, and any non-ASCII character
/// that is not a space, a control, or in a punctuation or symbol block (Latin-1
/// punctuation, General Punctuation, currency, arrows and math, CJK punctuation,
/// full-width punctuation, emoji).
///
/// ```
/// use lanterne::core::chars::is_word;
/// assert!(is_word('a') && is_word('é') && is_word('日') && is_word('Ж') && is_word('٣'));
/// assert!(!is_word('-') && !is_word('«') && !is_word('…') && !is_word('—') && !is_word('、') && !is_word('😀'));
/// ```
pub fn is_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !matches!(c, '\u{80}'..='\u{bf}' | '\u{d7}' | '\u{f7}' | '\u{2000}'..='\u{2bff}' | '\u{2e00}'..='\u{2e7f}'
        | '\u{3000}'..='\u{303f}' | '\u{fe30}'..='\u{fe4f}' | '\u{fe50}'..='\u{fe6f}' | '\u{ff00}'..='\u{ff0f}'
        | '\u{ff1a}'..='\u{ff20}' | '\u{ff3b}'..='\u{ff40}' | '\u{ff5b}'..='\u{ff65}' | '\u{feff}'
        | '\u{1f000}'..='\u{1faff}')
}

/// `s[start..end]`, or `""` when that is not a range of `s` on character boundaries. The
/// core only cuts strings at positions it found itself, so the fallback never happens in
/// practice; what this buys is that no `&s[a..b]` remains, whose panic message (formatting
/// a `char` with `Debug`) drags Unicode tables and formatting code into the wasm.
///
/// ```
/// use lanterne::core::chars::sub;
/// assert_eq!(sub("héllo", 0, 3), "hé");
/// assert_eq!(sub("héllo", 0, 2), "");
/// ```
#[inline]
pub fn sub(s: &str, start: usize, end: usize) -> &str {
    s.get(start..end).unwrap_or("")
}

/// Byte offset of the first `needle` in `hay` (a plain search: the needles here are a few
/// bytes long, and `str::find(&str)` brings 2 KB of two-way search into the wasm).
///
/// ```
/// assert_eq!(lanterne::core::chars::find_str("http://x", "://"), Some(4));
/// ```
pub fn find_str(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Byte offset of the first `byte` in `s`; the byte is ASCII, so the offset is on a
/// character boundary. (`str::find(char)` and `rfind` inline a memchr searcher at every
/// call: this is one small loop, shared.)
///
/// ```
/// assert_eq!(lanterne::core::chars::find_byte("a/b/c", b'/'), Some(1));
/// ```
#[inline(never)]
pub fn find_byte(s: &str, byte: u8) -> Option<usize> {
    let mut i = 0;
    while i < s.len() {
        if s.as_bytes()[i] == byte {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Byte offset of the last `byte` (ASCII) in `s`.
///
/// ```
/// assert_eq!(lanterne::core::chars::rfind_byte("a/b/c", b'/'), Some(3));
/// ```
#[inline(never)]
pub fn rfind_byte(s: &str, byte: u8) -> Option<usize> {
    let mut i = s.len();
    while i > 0 {
        i -= 1;
        if s.as_bytes()[i] == byte {
            return Some(i);
        }
    }
    None
}

/// The number of characters (code points) in `s`. (`str::chars().count()` brings a
/// vectorised counter of half a kilobyte into the wasm.)
///
/// ```
/// assert_eq!(lanterne::core::chars::char_count("héllo 😀"), 7);
/// ```
pub fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xc0 != 0x80).count()
}

/// The byte offset where character `n` of `s` starts, or `s.len()` when `s` has no more
/// than `n` characters: `s[..char_offset(s, n)]` is its first `n` characters.
///
/// ```
/// use lanterne::core::chars::char_offset;
/// assert_eq!(char_offset("héllo", 2), 3);
/// assert_eq!(char_offset("hé", 5), 3);
/// ```
pub fn char_offset(s: &str, n: usize) -> usize {
    let mut seen = 0;
    for (i, b) in s.bytes().enumerate() {
        if b & 0xc0 != 0x80 {
            if seen == n {
                return i;
            }
            seen += 1;
        }
    }
    s.len()
}

/// The parts one after another: what `[a, b].concat()` gives, without the standard
/// library's generic joining code, which the wasm would carry once per kind of part
/// (1.3 KB of it).
///
/// ```
/// use lanterne::core::chars::cat;
/// assert_eq!(cat(&["lanterne: ", "config", " must be …"]), "lanterne: config must be …");
/// ```
#[inline(never)]
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push_str(part);
    }
    out
}

/// The items with `separator` between them: what `items.join(separator)` gives (see
/// [`cat`]).
///
/// ```
/// use lanterne::core::chars::joined;
/// assert_eq!(joined(&["a", "b"], ", "), "a, b");
/// ```
pub fn joined<T: AsRef<str>>(items: &[T], separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(item.as_ref());
    }
    out
}
