//! Prints every share button's channel and its share link (`null` for the channels that
//! need the script: the share sheet, the clipboard), as JSON, for the WordPress plugin's
//! channel list and fallback links (links that work without JavaScript). The links come from the
//! core's own templates (`core::share`), built with marker values the plugin replaces:
//! `%01U` with the post's URL and `%01T` with its title, each percent-encoded. So the
//! templates live in one place.
//!
//! ```sh
//! cargo run -q --example share_templates > wordpress/lanterne/includes/share-links.json
//! ```

use lanterne::core::channel::Channel;
use lanterne::core::share::{ShareContent, ShareSettings, ShareTarget, Unavailable};
use lanterne::core::strings::Lang;

/// JSON string contents (the names and links are ASCII and quote-free, but be exact).
fn json_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn main() {
    let content = ShareContent {
        url: "\u{1}U",
        title: "\u{1}T",
        text: "",
        page: "\u{1}U",
    };
    let mut entries = Vec::new();
    for channel in Channel::all() {
        let (href, new_tab) = match channel.share_target(&content, &ShareSettings::default()) {
            Ok(ShareTarget::NewTab(url)) => (format!("\"{}\"", json_text(&url)), true),
            Ok(ShareTarget::SameTab(url)) => (format!("\"{}\"", json_text(&url)), false),
            // Copy and the address bar are no buttons.
            Err(Unavailable::NotAButton) => continue,
            // The share sheet, the clipboard, Messenger without an app id: buttons that
            // need the script, so no fallback link.
            _ => ("null".to_owned(), false),
        };
        entries.push(format!(
            "  \"{}\": {{\"name\": \"{}\", \"href\": {}, \"new_tab\": {}}}",
            channel.id(),
            json_text(channel.name(Lang::En)),
            href,
            new_tab
        ));
    }
    println!("{{\n{}\n}}", entries.join(",\n"));
}
