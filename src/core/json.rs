//! A minimal JSON writer and reader. The wasm build avoids serde and `format!` on purpose:
//! each costs kilobytes of code, and events are a handful of flat fields.

use super::chars::sub;
use crate::prelude::*;

/// Appends `s` as a JSON string literal (quotes included).
///
/// ```
/// let mut out = String::new();
/// lanterne::core::json::push_str(&mut out, "a\"b\\c\n\u{1}é");
/// assert_eq!(out, r#""a\"b\\c\n\u0001é""#);
/// ```
pub fn push_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // U+2028/2029 are valid JSON but break JavaScript string literals in old engines.
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str("\\u");
                let code = c as u32;
                for shift in [12, 8, 4, 0] {
                    out.push(char::from(
                        b"0123456789abcdef"[((code >> shift) & 15) as usize],
                    ));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends an unsigned integer in decimal.
///
/// ```
/// let mut out = String::new();
/// lanterne::core::json::push_u64(&mut out, 1_732_000_000_000);
/// assert_eq!(out, "1732000000000");
/// ```
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// Appends `"key":` (the key must not need escaping).
pub fn push_key(out: &mut String, key: &str) {
    out.push('"');
    out.push_str(key);
    out.push_str("\":");
}

/// The largest integer [`Reader::integer`] reads: 2^53, beyond which JavaScript's numbers
/// (which wrote what lanterne reads back) are no longer exact.
///
/// ```
/// use lanterne::core::json::{Reader, MAX_INTEGER};
/// assert_eq!(Reader::new("9007199254740992").integer(), Some(MAX_INTEGER));
/// assert_eq!(Reader::new("9007199254740993").integer(), None);
/// ```
pub const MAX_INTEGER: u64 = 1 << 53;

/// Deepest nesting [`Reader::skip`] goes into; deeper input is taken as malformed (no
/// event or queue record nests at all, and a bound keeps the recursion off the stack's edge).
const MAX_DEPTH: u32 = 32;

/// A cursor over JSON text, enough for lanterne's flat event objects and the queue's
/// storage record: objects and arrays are walked key by key and item by item, the values
/// read as what the caller expects, and anything else skipped. Every reading method
/// returns `None` (or `false`) when the text is not what it expects; the caller then gives
/// up on the whole text.
///
/// It is `Copy`: a caller can keep a copy to come back to, to try reading a value one way
/// and then skip it.
///
/// ```
/// use lanterne::core::json::Reader;
/// let mut reader = Reader::new(r#"{"a": "x\u00e9", "skip": [1, {"b": null}], "n": 42}"#);
/// reader.begin_object().unwrap();
/// let (mut a, mut n) = (None, None);
/// while let Some(key) = reader.next_key().unwrap() {
///     match key.as_str() {
///         "a" => a = reader.string(),
///         "n" => n = reader.integer(),
///         _ => reader.skip().unwrap(),
///     }
/// }
/// reader.end().unwrap();
/// assert_eq!((a.as_deref(), n), (Some("xé"), Some(42)));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    text: &'a str,
    at: usize,
    /// Whether the last thing read opened an object or array: the next key or item then
    /// comes without a comma before it.
    opened: bool,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    ///
    /// ```
    /// let mut reader = lanterne::core::json::Reader::new(" null ");
    /// assert!(reader.null() && reader.end().is_some());
    /// ```
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader {
            text,
            at: 0,
            opened: false,
        }
    }

    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.byte() {
            self.at += 1;
        }
    }

    /// The next byte that is not JSON white space, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.byte()
    }

    /// Consumes `byte`, after white space.
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Consumes `word` (`true`, `false`, `null`), after white space.
    fn word(&mut self, word: &str) -> Option<()> {
        self.skip_space();
        let end = self.at + word.len();
        (self.text.as_bytes().get(self.at..end)? == word.as_bytes()).then(|| {
            self.at = end;
            self.opened = false;
        })
    }

    /// Reads the `{` that opens an object; then call [`Reader::next_key`] until it says the
    /// object has ended.
    ///
    /// ```
    /// let mut reader = lanterne::core::json::Reader::new("{}");
    /// assert!(reader.begin_object().is_some());
    /// assert_eq!(reader.next_key(), Some(None));
    /// ```
    pub fn begin_object(&mut self) -> Option<()> {
        self.eat(b'{')?;
        self.opened = true;
        Some(())
    }

    /// The next key of the object being read, with its `:` (the caller then reads or skips
    /// its value), or `Some(None)` when the object ends (its `}` is consumed); `None` when
    /// the text is malformed.
    ///
    /// ```
    /// let mut reader = lanterne::core::json::Reader::new(r#"{"k":1,}"#);
    /// reader.begin_object().unwrap();
    /// assert_eq!(reader.next_key(), Some(Some("k".to_string())));
    /// assert_eq!(reader.integer(), Some(1));
    /// assert_eq!(reader.next_key(), None); // a trailing comma
    /// ```
    pub fn next_key(&mut self) -> Option<Option<String>> {
        if self.peek()? == b'}' {
            self.at += 1;
            self.opened = false;
            return Some(None);
        }
        if !self.opened {
            self.eat(b',')?;
        }
        let mut key = String::new();
        self.scan_string(Some(&mut key))?;
        self.eat(b':')?;
        Some(Some(key))
    }

    /// Reads the `[` that opens an array; then call [`Reader::next_item`] before each item.
    ///
    /// ```
    /// let mut reader = lanterne::core::json::Reader::new("[]");
    /// assert!(reader.begin_array().is_some());
    /// assert_eq!(reader.next_item(), Some(false));
    /// ```
    pub fn begin_array(&mut self) -> Option<()> {
        self.eat(b'[')?;
        self.opened = true;
        Some(())
    }

    /// Whether another item of the array being read follows (the caller then reads or skips
    /// it); at the end of the array, its `]` is consumed and the answer is `false`.
    ///
    /// ```
    /// let mut reader = lanterne::core::json::Reader::new(r#"["a", 2]"#);
    /// reader.begin_array().unwrap();
    /// assert_eq!(reader.next_item(), Some(true));
    /// assert_eq!(reader.string().as_deref(), Some("a"));
    /// assert_eq!(reader.next_item(), Some(true));
    /// assert_eq!(reader.string(), None); // not a string
    /// ```
    pub fn next_item(&mut self) -> Option<bool> {
        if self.peek()? == b']' {
            self.at += 1;
            self.opened = false;
            return Some(false);
        }
        if !self.opened {
            self.eat(b',')?;
        }
        Some(true)
    }

    /// Reads a string, escapes decoded (`\uXXXX` pairs joined; a lone surrogate becomes
    /// U+FFFD, as it would once JavaScript's string is encoded as UTF-8).
    ///
    /// ```
    /// let mut reader = lanterne::core::json::Reader::new(r#""\ud83d\ude00 \ud800 \/\t""#);
    /// assert_eq!(reader.string().as_deref(), Some("😀 \u{fffd} /\t"));
    /// ```
    pub fn string(&mut self) -> Option<String> {
        let mut out = String::new();
        self.scan_string(Some(&mut out))?;
        Some(out)
    }

    /// Consumes a string, decoding it into `out` if given.
    fn scan_string(&mut self, mut out: Option<&mut String>) -> Option<()> {
        self.eat(b'"')?;
        let bytes = self.text.as_bytes();
        loop {
            let run = self.at;
            while let Some(&b) = bytes.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // The run ends at an ASCII byte or at the end: a character boundary.
            if let Some(out) = out.as_deref_mut() {
                out.push_str(sub(self.text, run, self.at));
            }
            match *bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    self.opened = false;
                    return Some(());
                }
                b'\\' => {
                    let escape = *bytes.get(self.at + 1)?;
                    self.at += 2;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    if let Some(out) = out.as_deref_mut() {
                        out.push(c);
                    }
                }
                // A raw control character: not allowed in a JSON string.
                _ => return None,
            }
        }
    }

    /// The character of a `\uXXXX` escape whose `\u` was just read, with the low half of a
    /// surrogate pair when it follows.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        let mut code = first;
        if (0xd800..0xdc00).contains(&first)
            && self.text.as_bytes().get(self.at..self.at + 2) == Some(&b"\\u"[..])
        {
            let before = self.at;
            self.at += 2;
            let second = self.hex4()?;
            if (0xdc00..0xe000).contains(&second) {
                code = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
            } else {
                // Not a pair: the high half stands alone, the next escape is read on its own.
                self.at = before;
            }
        }
        // Surrogates left alone are not characters.
        Some(char::from_u32(code).unwrap_or('\u{fffd}'))
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = match self.byte()? {
                b @ b'0'..=b'9' => b - b'0',
                b @ b'a'..=b'f' => b - b'a' + 10,
                b @ b'A'..=b'F' => b - b'A' + 10,
                _ => return None,
            };
            code = code * 16 + u32::from(digit);
            self.at += 1;
        }
        Some(code)
    }

    /// Reads a number that is a non-negative integer up to [`MAX_INTEGER`]; any other
    /// number (negative, a fraction, an exponent, too large) is `None`.
    ///
    /// ```
    /// use lanterne::core::json::Reader;
    /// assert_eq!(Reader::new("1763700000000").integer(), Some(1_763_700_000_000));
    /// assert_eq!(Reader::new("-1").integer(), None);
    /// assert_eq!(Reader::new("1.5").integer(), None);
    /// assert_eq!(Reader::new("01").integer(), None);
    /// ```
    pub fn integer(&mut self) -> Option<u64> {
        self.unsigned(false)
    }

    /// Reads a non-negative number without exponent, a fraction rounded up, up to
    /// [`MAX_INTEGER`]: a time JavaScript computed with a random jitter
    /// (`Date.now() + delay`) is such a number.
    ///
    /// ```
    /// use lanterne::core::json::Reader;
    /// assert_eq!(Reader::new("1763700001234.5678").integer_ceil(), Some(1_763_700_001_235));
    /// assert_eq!(Reader::new("7.000").integer_ceil(), Some(7));
    /// assert_eq!(Reader::new("1e3").integer_ceil(), None);
    /// ```
    pub fn integer_ceil(&mut self) -> Option<u64> {
        self.unsigned(true)
    }

    fn unsigned(&mut self, fraction_rounds_up: bool) -> Option<u64> {
        self.skip_space();
        let start = self.at;
        self.skip_number()?;
        let (mut value, mut in_fraction, mut round_up) = (0u64, false, false);
        for &b in sub(self.text, start, self.at).as_bytes() {
            match b {
                b'0'..=b'9' if in_fraction => round_up |= b != b'0',
                b'0'..=b'9' => value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?,
                b'.' if fraction_rounds_up => in_fraction = true,
                // A sign, an exponent, or a fraction where none is taken.
                _ => return None,
            }
        }
        value += u64::from(round_up);
        (value <= MAX_INTEGER).then_some(value)
    }

    /// Consumes digits; how many.
    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.byte().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        self.at - start
    }

    /// Consumes a number as JSON writes them: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn skip_number(&mut self) -> Option<()> {
        self.skip_space();
        if self.byte() == Some(b'-') {
            self.at += 1;
        }
        let first = self.byte();
        let count = self.digits();
        if count == 0 || (count > 1 && first == Some(b'0')) {
            return None;
        }
        if self.byte() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.byte() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.byte() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        self.opened = false;
        Some(())
    }

    /// Consumes a `null` if that is what comes next: `true` then; `false` (nothing
    /// consumed) for anything else.
    ///
    /// ```
    /// let mut reader = lanterne::core::json::Reader::new(r#"["x", null]"#);
    /// reader.begin_array().unwrap();
    /// reader.next_item().unwrap();
    /// assert!(!reader.null());
    /// assert_eq!(reader.string().as_deref(), Some("x"));
    /// reader.next_item().unwrap();
    /// assert!(reader.null());
    /// ```
    pub fn null(&mut self) -> bool {
        self.word("null").is_some()
    }

    /// Skips any one value (objects and arrays with all they hold), checking it is
    /// well-formed.
    ///
    /// ```
    /// let mut reader = lanterne::core::json::Reader::new(r#"[{"a":[true,false,null,-1.5e3,"\""]}, 2]"#);
    /// reader.begin_array().unwrap();
    /// reader.next_item().unwrap();
    /// assert!(reader.skip().is_some());
    /// reader.next_item().unwrap();
    /// assert_eq!(reader.integer(), Some(2));
    /// assert_eq!(lanterne::core::json::Reader::new("[1 2]").skip(), None);
    /// ```
    pub fn skip(&mut self) -> Option<()> {
        self.skip_nested(MAX_DEPTH)
    }

    fn skip_nested(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'{' if depth > 0 => {
                self.begin_object()?;
                while self.next_key()?.is_some() {
                    self.skip_nested(depth - 1)?;
                }
                Some(())
            }
            b'[' if depth > 0 => {
                self.begin_array()?;
                while self.next_item()? {
                    self.skip_nested(depth - 1)?;
                }
                Some(())
            }
            b'"' => self.scan_string(None),
            b't' => self.word("true"),
            b'f' => self.word("false"),
            b'n' => self.word("null"),
            _ => self.skip_number(),
        }
    }

    /// Checks that nothing but white space follows what was read.
    ///
    /// ```
    /// use lanterne::core::json::Reader;
    /// let mut reader = Reader::new("1 ");
    /// reader.integer().unwrap();
    /// assert!(reader.end().is_some());
    /// let mut reader = Reader::new("1 x");
    /// reader.integer().unwrap();
    /// assert!(reader.end().is_none());
    /// ```
    pub fn end(mut self) -> Option<()> {
        self.peek().is_none().then_some(())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_string(json: &str) -> Option<String> {
        let mut reader = Reader::new(json);
        let s = reader.string()?;
        reader.end()?;
        Some(s)
    }

    fn skips(json: &str) -> bool {
        let mut reader = Reader::new(json);
        reader.skip().is_some() && reader.end().is_some()
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(read_string(r#""""#).as_deref(), Some(""));
        assert_eq!(
            read_string(r#""a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u2028""#).as_deref(),
            Some("a\"b\\c/d\u{8}\u{c}\n\r\tAé\u{2028}")
        );
        assert_eq!(read_string(r#""\uD83D\uDE00""#).as_deref(), Some("😀"));
        assert_eq!(read_string(r#""é😀日""#).as_deref(), Some("é😀日"));
        // Lone surrogates, high or low, alone or next to another escape.
        assert_eq!(read_string(r#""\ud800""#).as_deref(), Some("\u{fffd}"));
        assert_eq!(read_string(r#""\udc00x""#).as_deref(), Some("\u{fffd}x"));
        assert_eq!(
            read_string(r#""\ud800\u0041""#).as_deref(),
            Some("\u{fffd}A")
        );
        assert_eq!(
            read_string(r#""\ud800\ud800\udc00""#).as_deref(),
            Some("\u{fffd}\u{10000}")
        );
        assert_eq!(read_string(r#""\ud800\n""#).as_deref(), Some("\u{fffd}\n"));
        for bad in [
            r#""abc"#,
            r#""\"#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            "\"a\nb\"",
            "\"\u{1}\"",
            r#""\ud800\uzzzz""#,
            "'a'",
            "a",
            "",
        ] {
            assert_eq!(read_string(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn numbers() {
        let integer = |json: &str| Reader::new(json).integer();
        let ceil = |json: &str| Reader::new(json).integer_ceil();
        assert_eq!(integer("0"), Some(0));
        assert_eq!(integer(" 42 "), Some(42));
        assert_eq!(integer("9007199254740992"), Some(MAX_INTEGER));
        for other in [
            "9007199254740993",
            "99999999999999999999999",
            "-0",
            "-1",
            "1.0",
            "1e2",
            "01",
            "",
            "x",
            "+1",
            ".5",
            "1.",
        ] {
            assert_eq!(integer(other), None, "{other:?}");
        }
        assert_eq!(ceil("5"), Some(5));
        assert_eq!(ceil("5.0"), Some(5));
        assert_eq!(ceil("5.0001"), Some(6));
        assert_eq!(ceil("0.5"), Some(1));
        for other in ["-5.5", "5.", "1.5e3", "9007199254740992.5"] {
            assert_eq!(ceil(other), None, "{other:?}");
        }
    }

    #[test]
    fn skips_any_value() {
        for ok in [
            "null",
            "true",
            "false",
            "0",
            "-0",
            "-12.5e-3",
            "1E+2",
            r#""x""#,
            "[]",
            "{}",
            " [ ] ",
            r#"{"a":[1,{"b":{"c":[null,true,"\u00e9"]}}],"d":{}}"#,
            "[[[[[]]]]]",
        ] {
            assert!(skips(ok), "{ok:?}");
        }
        for bad in [
            "",
            "nul",
            "tru",
            "[1,]",
            "[,1]",
            "[1 2]",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{,}",
            "{1:2}",
            "[",
            "{",
            "]",
            "-",
            "1.",
            "1e",
            "01",
            "[1]]",
            "{\"a\":1 \"b\":2}",
            "NaN",
            "'x'",
        ] {
            assert!(!skips(bad), "{bad:?}");
        }
        // Deeply nested input is refused rather than recursed into without end.
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(!skips(&deep));
        let fine = "[".repeat(32) + &"]".repeat(32);
        assert!(skips(&fine));
    }

    #[test]
    fn walks_objects_and_arrays() {
        let mut reader = Reader::new(" { \"a\" : [ \"x\" , \"y\" ] , \"\\u0062\" : null } ");
        reader.begin_object().unwrap();
        assert_eq!(reader.next_key(), Some(Some("a".into())));
        reader.begin_array().unwrap();
        let mut items = Vec::new();
        while reader.next_item().unwrap() {
            items.push(reader.string().unwrap());
        }
        assert_eq!(items, ["x", "y"]);
        assert_eq!(reader.next_key(), Some(Some("b".into())));
        assert!(reader.null());
        assert_eq!(reader.next_key(), Some(None));
        assert!(reader.end().is_some());

        // An empty array as a value still needs the comma after it.
        let mut reader = Reader::new(r#"{"a":[] "b":1}"#);
        reader.begin_object().unwrap();
        reader.next_key().unwrap();
        reader.skip().unwrap();
        assert_eq!(reader.next_key(), None);
    }

    proptest! {
        #[test]
        fn reads_back_what_push_str_writes(s in any::<String>()) {
            let mut json = String::new();
            push_str(&mut json, &s);
            prop_assert_eq!(read_string(&json), Some(s));
        }

        #[test]
        fn integers_round_trip(n in 0..=MAX_INTEGER) {
            let mut json = String::new();
            push_u64(&mut json, n);
            prop_assert_eq!(Reader::new(&json).integer(), Some(n));
        }

        #[test]
        fn never_panics(s in "[\\[\\]{}:,\"\\\\ a0-9.eE+-nultrsfu]{0,40}") {
            let _ = Reader::new(&s).skip();
        }
    }
}
