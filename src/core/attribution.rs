//! The optional "Read more: URL" line appended to long copies without a site URL
//! (docs/how-it-works.md#copy-tracking).

use crate::prelude::*;
/// The default label in the page's language (`<html lang>`): French for `fr*`, English
/// otherwise.
///
/// ```
/// use lanterne::core::attribution::default_label;
/// assert_eq!(default_label("fr-CA"), "Lire la suite\u{a0}:");
/// assert_eq!(default_label("en"), "Read more:");
/// ```
pub fn default_label(lang: &str) -> &'static str {
    super::strings::Phrase::ReadMore.text(super::strings::Lang::from_tag(lang))
}

/// `text` followed by a blank line and `label url`.
///
/// ```
/// assert_eq!(lanterne::core::attribution::append_plain("Quote.", "Read more:", "https://a.example/p#lt=x"),
///            "Quote.\n\nRead more: https://a.example/p#lt=x");
/// ```
pub fn append_plain(text: &str, label: &str, url: &str) -> String {
    let mut out = String::with_capacity(text.len() + label.len() + url.len() + 3);
    out.push_str(text);
    out.push_str("\n\n");
    out.push_str(label);
    out.push(' ');
    out.push_str(url);
    out
}

/// `html` followed by a paragraph `label <a href=url>url</a>`, escaped.
///
/// ```
/// assert_eq!(lanterne::core::attribution::append_html("<p>Quote.</p>", "Read more:", "https://a.example/?a=1&b=2"),
///            r#"<p>Quote.</p><p>Read more: <a href="https://a.example/?a=1&amp;b=2">https://a.example/?a=1&amp;b=2</a></p>"#);
/// ```
pub fn append_html(html: &str, label: &str, url: &str) -> String {
    let mut out = String::with_capacity(html.len() + label.len() + 2 * url.len() + 32);
    out.push_str(html);
    out.push_str("<p>");
    escape_html(&mut out, label);
    out.push_str(" <a href=\"");
    escape_html(&mut out, url);
    out.push_str("\">");
    escape_html(&mut out, url);
    out.push_str("</a></p>");
    out
}

/// Escapes text for use in HTML content or a double-quoted attribute.
pub fn escape_html(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}
