//! Rules about the copied selection itself (docs/how-it-works.md#copy-tracking): what is
//! never touched, and how many words it has for the optional attribution line.
use super::chars::{find_byte, find_str, sub};
use crate::prelude::*;

/// Whether the whole selection is just an e-mail address (optionally `mailto:`): such
/// copies are never touched.
///
/// ```
/// use lanterne::core::selection::looks_like_email;
/// assert!(looks_like_email(" ana@blog.example "));
/// assert!(!looks_like_email("write to ana@blog.example today"));
/// ```
pub fn looks_like_email(selection: &str) -> bool {
    let s = selection.trim_matches(crate::core::chars::is_space);
    let s = s.strip_prefix("mailto:").unwrap_or(s);
    let Some(at) = find_byte(s, b'@') else {
        return false;
    };
    let domain = sub(s, at + 1, s.len());
    // Something before the one `@`; a dot inside the domain, not at either end.
    at > 0
        && find_byte(domain, b'.').is_some_and(|dot| dot > 0)
        && !domain.ends_with('.')
        && find_byte(domain, b'@').is_none()
        && !s
            .chars()
            .any(|c| super::chars::is_space(c) || matches!(c, '<' | '>' | '/'))
}

/// Whether the whole selection is just a phone number (optionally `tel:`): digits with the
/// usual separators, 6 to 20 digits.
///
/// ```
/// use lanterne::core::selection::looks_like_phone;
/// assert!(looks_like_phone("+33 (0)1 23 45 67 89"));
/// assert!(!looks_like_phone("2026"));
/// ```
pub fn looks_like_phone(selection: &str) -> bool {
    let s = selection.trim_matches(crate::core::chars::is_space);
    let s = s.strip_prefix("tel:").unwrap_or(s);
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    (6..=20).contains(&digits)
        && s.bytes().all(|b| {
            b.is_ascii_digit() || matches!(b, b' ' | b'+' | b'-' | b'.' | b'(' | b')' | b'/')
        })
        && !s.starts_with(['-', '.', '/'])
}

/// Words in the selection: runs of letters or digits (so "l'article" is two words and
/// "9 KB" is two), counted up to `limit` and no further, so huge selections cost little.
///
/// ```
/// use lanterne::core::selection::count_words;
/// assert_eq!(count_words("Le lanterne, c'est léger !", 100), 5);
/// assert_eq!(count_words("one two three", 2), 2);
/// ```
pub fn count_words(selection: &str, limit: usize) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for c in selection.chars() {
        let word_char = super::chars::is_word(c);
        if word_char && !in_word {
            words += 1;
            if words >= limit {
                return words;
            }
        }
        in_word = word_char;
    }
    words
}

/// Whether `path` is matched by an exclusion pattern: an exact path, or a pattern where
/// `*` stands for any run of characters (`/admin/*`, `/*/print`).
///
/// ```
/// use lanterne::core::selection::path_matches;
/// assert!(path_matches("/admin/*", "/admin/users"));
/// assert!(path_matches("/about", "/about"));
/// assert!(!path_matches("/about", "/about/team"));
/// ```
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = parts.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match find_str(rest, piece) {
            Some(i) => rest = sub(rest, i + piece.len(), rest.len()),
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_phones() {
        for yes in [
            "a@b.example",
            "mailto:a.b+c@d.example",
            "first.last@sub.domain.example\n",
        ] {
            assert!(looks_like_email(yes), "{yes}");
        }
        for no in [
            "a@b",
            "@b.example",
            "a b@c.example",
            "https://x@b.example/",
            "a@b.example.",
        ] {
            assert!(!looks_like_email(no), "{no}");
        }
        for yes in [
            "0123456789",
            "+1 555-123-4567",
            "tel:+33123456789",
            "(01) 23.45.67.89",
        ] {
            assert!(looks_like_phone(yes), "{yes}");
        }
        for no in [
            "12345",
            "1234567890123456789012",
            "call 0123456789",
            "-123456789",
            "12:30:45:67",
        ] {
            assert!(!looks_like_phone(no), "{no}");
        }
    }

    #[test]
    fn words_and_paths() {
        assert_eq!(count_words("", 10), 0);
        assert_eq!(count_words("  —  ", 10), 0);
        assert_eq!(count_words("日本 語", 10), 2);
        assert!(path_matches("*", "/anything"));
        assert!(path_matches("/*/print", "/fr/print"));
        assert!(!path_matches("/*/print", "/fr/print/x"));
        assert!(path_matches("/a*b*c", "/a-b-c"));
        assert!(!path_matches("/a*b*c", "/a-c"));
    }
}
