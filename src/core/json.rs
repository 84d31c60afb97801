//! A minimal JSON writer. The wasm build avoids `format!` and serde's JSON on purpose:
//! each costs kilobytes of code, and events are a handful of flat fields. What lanterne
//! reads back (its stored queue) the browser's own `JSON.parse` reads.

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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_json_parser_reads_back_what_push_str_writes(s in any::<String>()) {
            let mut out = String::new();
            push_str(&mut out, &s);
            prop_assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
            // Safe in any JavaScript string literal: no control character or line
            // separator left as it is.
            let unsafe_char = |c: char| (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}';
            prop_assert!(!out.chars().any(unsafe_char), "{}", out);
        }

        #[test]
        fn separators_and_controls_among_any_text(parts in proptest::collection::vec(prop_oneof![Just("\u{2028}".to_string()), Just("\u{2029}".to_string()), Just("\u{1}".to_string()), Just("é\"\\".to_string()), "\\PC{0,5}"], 0..12)) {
            let s: String = parts.concat();
            let mut out = String::new();
            push_str(&mut out, &s);
            prop_assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
        }
    }
}
