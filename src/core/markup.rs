//! The markup of a row of share buttons and of their icons (docs/share-buttons.md),
//! written here so the browser layer draws a row with one call, and every value in it
//! (labels a site overrides, share URLs) is escaped in one place, tested natively.

use super::attribution::escape_html;
use super::channel::Channel;
use super::chars::find_str;
use super::share::ShareTarget;
use crate::prelude::*;

/// One button of a row.
#[derive(Clone, Copy, Debug)]
pub struct Button<'a> {
    /// The channel it shares through: its `data-channel`, its icon.
    pub channel: Channel,
    /// Where it sends the visitor: share pages and app schemes are links, the share
    /// sheet and copy link are buttons.
    pub target: &'a ShareTarget,
    /// The visible label ("WhatsApp").
    pub label: &'a str,
    /// The accessible name ("Share on WhatsApp"); it contains the label.
    pub name: &'a str,
    /// The icon's `viewBox` and paths markup, when known (see [`brand_icon`]).
    pub icon: Option<(&'a str, &'a str)>,
    /// Drawn before the script can act (a row a server writes, `core/fallback.rs`):
    /// a button that needs the script (the share sheet, copy link) is `disabled` until
    /// lanterne draws its own.
    pub waiting: bool,
}

/// The markup of a row: its buttons, then the `role="status"` region that tells what
/// copy link did. `labels: false` gives icon-only buttons, named by a tooltip too.
///
/// ```
/// use lanterne::core::{channel::Channel, markup::{row, Button}, share::ShareTarget};
/// let target = ShareTarget::NewTab("https://t.me/share/url?url=a&b".into());
/// let html = row(&[Button { channel: Channel::Telegram, target: &target, label: "Telegram",
///     name: "Share on \"Telegram\"", icon: None, waiting: false }], true);
/// assert_eq!(html, concat!(r#"<a class="lanterne-button" data-channel="telegram" aria-label="Share on &quot;Telegram&quot;" href="https://t.me/share/url?url=a&amp;b" target="_blank" rel="noopener noreferrer">"#,
///     r#"<svg class="lanterne-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24"></svg><span class="lanterne-label">Telegram</span></a>"#,
///     r#"<span class="lanterne-status" role="status"></span>"#));
/// ```
pub fn row(buttons: &[Button], labels: bool) -> String {
    let mut out = String::new();
    for button in buttons {
        push_button(&mut out, button, labels);
    }
    out.push_str(STATUS);
    out
}

/// The `role="status"` region that ends a row.
pub const STATUS: &str = "<span class=\"lanterne-status\" role=\"status\"></span>";

/// The hidden field copy link falls back to (`execCommand("copy")`).
pub const OFFSCREEN_TEXTAREA: &str =
    "<textarea class=\"lanterne-offscreen\" readonly=\"\" aria-hidden=\"true\"></textarea>";

/// Appends one button of a row (see [`row`]).
pub fn push_button(out: &mut String, button: &Button, labels: bool) {
    let (tag, link) = match button.target {
        ShareTarget::NewTab(url) => ("a", Some((url, true))),
        ShareTarget::SameTab(url) => ("a", Some((url, false))),
        ShareTarget::NativeSheet | ShareTarget::Clipboard => ("button", None),
    };
    out.push('<');
    out.push_str(tag);
    out.push_str(" class=\"lanterne-button\" data-channel=\"");
    out.push_str(button.channel.id());
    attribute(out, "aria-label", button.name);
    if !labels {
        attribute(out, "title", button.name);
    }
    match link {
        Some((url, new_tab)) => {
            attribute(out, "href", url);
            if new_tab {
                out.push_str("\" target=\"_blank\" rel=\"noopener noreferrer");
            }
        }
        None if button.waiting => out.push_str("\" type=\"button\" disabled=\""),
        None => out.push_str("\" type=\"button"),
    }
    out.push_str(
        "\"><svg class=\"lanterne-icon\" aria-hidden=\"true\" focusable=\"false\" viewBox=\"",
    );
    match (generic_icon(button.channel), button.icon) {
        (Some(d), _) => {
            out.push_str("0 0 24 24\"><path fill-rule=\"evenodd\" d=\"");
            out.push_str(d);
            out.push_str("\"/>");
        }
        (None, Some((view_box, paths))) => {
            escape_html(out, view_box);
            out.push_str("\">");
            out.push_str(paths);
        }
        (None, None) => out.push_str("0 0 24 24\">"),
    }
    out.push_str("</svg><span class=\"lanterne-label\">");
    escape_html(out, button.label);
    out.push_str("</span></");
    out.push_str(tag);
    out.push('>');
}

/// The read-only field that shows the link after a failed copy, to copy by hand,
/// named by the failure message.
///
/// ```
/// use lanterne::core::markup::manual_field;
/// assert_eq!(manual_field("Can't \"copy\""), r#"<input class="lanterne-manual" readonly="" aria-label="Can't &quot;copy&quot;">"#);
/// ```
pub fn manual_field(message: &str) -> String {
    let mut out = String::from("<input class=\"lanterne-manual\" readonly=\"\" aria-label=\"");
    escape_html(&mut out, message);
    out.push_str("\">");
    out
}

/// `" name="value` (escaped), continuing an open attribute list.
fn attribute(out: &mut String, name: &str, value: &str) {
    out.push_str("\" ");
    out.push_str(name);
    out.push_str("=\"");
    escape_html(out, value);
}

/// lanterne's own icons (24×24, even-odd), for the channels that have no brand: e-mail,
/// SMS, copy link, the share sheet. Signal and Messenger open the share sheet but keep
/// their own logos.
///
/// ```
/// use lanterne::core::{channel::Channel, markup::generic_icon};
/// assert!(generic_icon(Channel::Email).is_some() && generic_icon(Channel::Whatsapp).is_none());
/// ```
pub fn generic_icon(channel: Channel) -> Option<&'static str> {
    Some(match channel {
        Channel::Email => "M3 4.5h18A1.5 1.5 0 0 1 22.5 6v12a1.5 1.5 0 0 1-1.5 1.5H3A1.5 1.5 0 0 1 1.5 18V6A1.5 1.5 0 0 1 3 4.5zm.5 2.3v.9l8.5 5.6 8.5-5.6v-.9L12 12.3z",
        Channel::Sms => "M4 2.5h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H10l-5.5 4.5v-4.5H4a2 2 0 0 1-2-2v-11a2 2 0 0 1 2-2zM8 8.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm4 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm4 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z",
        Channel::CopyLink => "M9 1.5h10.5A1.5 1.5 0 0 1 21 3v13.5a1.5 1.5 0 0 1-1.5 1.5H9a1.5 1.5 0 0 1-1.5-1.5V3A1.5 1.5 0 0 1 9 1.5zm.5 2v12.5h9.5V3.5zM4 6h2v14h11v2.5H4A1.5 1.5 0 0 1 2.5 21V7.5A1.5 1.5 0 0 1 4 6z",
        Channel::WebShare => "M12 1l5.5 5.5-1.4 1.4-3.1-3.1V15h-2V4.8L7.9 7.9 6.5 6.5zM4 10h4v2H5v8.5h14V12h-3v-2h4a1 1 0 0 1 1 1v10.5a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1z",
        _ => return None,
    })
}

/// A brand icon file (`pkg/icons/<channel>.svg`) as a `viewBox` and the markup of its
/// paths: only each path's `d`, escaped, so whatever else the file holds never reaches
/// the page.
///
/// ```
/// use lanterne::core::markup::brand_icon;
/// let file = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M1 1h2"/><path onclick="x" d="M2 2&quot;"/></svg>"#;
/// assert_eq!(brand_icon(file), ("0 0 24 24".to_string(), r#"<path d="M1 1h2"/><path d="M2 2&amp;quot;"/>"#.to_string()));
/// // As Vite inlines it: single quotes.
/// let inlined = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><path d='M1 1\"'/></svg>";
/// assert_eq!(brand_icon(inlined), ("0 0 16 16".to_string(), r#"<path d="M1 1&quot;"/>"#.to_string()));
/// ```
pub fn brand_icon(file: &str) -> (String, String) {
    let view_box = attribute_value(file, "viewBox=")
        .unwrap_or("0 0 24 24")
        .to_owned();
    let mut paths = String::new();
    let mut rest = file;
    while let Some(at) = find_str(rest, " d=") {
        rest = rest.get(at + 1..).unwrap_or("");
        let Some(d) = attribute_value(rest, "d=") else {
            break;
        };
        paths.push_str("<path d=\"");
        escape_html(&mut paths, d);
        paths.push_str("\"/>");
    }
    (view_box, paths)
}

/// The value of the attribute that `name` (with its `=`) starts, in double or single
/// quotes: bundlers that inline an SVG as a `data:` URL turn its `"` into `'` (Vite).
fn attribute_value<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let at = find_str(text, name)? + name.len();
    let rest = text.get(at..)?;
    let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    rest.get(1..)?.split(quote).next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows() {
        let sheet = ShareTarget::NativeSheet;
        let mail = ShareTarget::SameTab("mailto:?body=x".into());
        let html = row(
            &[
                Button {
                    channel: Channel::WebShare,
                    target: &sheet,
                    label: "Share…",
                    name: "Share…",
                    icon: None,
                    waiting: false,
                },
                Button {
                    channel: Channel::Email,
                    target: &mail,
                    label: "<E-mail>",
                    name: "Share on <E-mail>",
                    icon: None,
                    waiting: false,
                },
                Button {
                    channel: Channel::Signal,
                    target: &sheet,
                    label: "Signal",
                    name: "Share on Signal",
                    icon: Some(("0 0 20 20", "<path d=\"M0\"/>")),
                    waiting: true,
                },
            ],
            false,
        );
        assert!(html.starts_with(r#"<button class="lanterne-button" data-channel="web_share" aria-label="Share…" title="Share…" type="button"><svg class="lanterne-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24"><path fill-rule="evenodd" d="M12 1l"#), "{html}");
        assert!(html.contains(r#"<a class="lanterne-button" data-channel="email" aria-label="Share on &lt;E-mail&gt;" title="Share on &lt;E-mail&gt;" href="mailto:?body=x">"#), "{html}");
        assert!(
            html.contains(r#"<span class="lanterne-label">&lt;E-mail&gt;</span></a>"#),
            "{html}"
        );
        assert!(html.contains(r#"viewBox="0 0 20 20"><path d="M0"/></svg><span class="lanterne-label">Signal</span></button>"#), "{html}");
        // Server-rendered, before the script: the share sheet's button waits.
        assert!(html.contains(r#"<button class="lanterne-button" data-channel="signal" aria-label="Share on Signal" title="Share on Signal" type="button" disabled=""><svg"#), "{html}");
        assert!(html.ends_with(r#"<span class="lanterne-status" role="status"></span>"#));
        assert_eq!(html.matches("<svg").count(), 3);
    }
}
