//! Share buttons a server writes into its pages
//! (docs/share-buttons.md#share-links-before-the-script): the same markup lanterne draws,
//! so the row looks the same and takes the same space before the script arrives, and its
//! links work without it. Each link shares the page with its UTM parameters and no token
//! (lanterne gives each click one); a button that needs the script (the share sheet, copy
//! link) waits, `disabled`. When lanterne starts it draws its row in the container's
//! place, and `stop()` puts this one back.
//!
//! Written by the second wasm module's `shareRow` (the npm package's `lanterne/row`, and
//! `npx lanterne-row`), and, as templates, by `examples/share_templates.rs` for the
//! WordPress plugin.

use super::attribution::escape_html;
use super::buttons::Labels;
use super::channel::Channel;
use super::markup::{push_button, Button, STATUS};
use super::share::{tracked_url, ShareContent, ShareSettings};
use super::strings::Lang;
use super::url::Placement;
use crate::prelude::*;

/// What a server-rendered row shares, and how it looks.
#[derive(Clone, Copy)]
pub struct FallbackRow<'a> {
    /// Which buttons, in order.
    pub channels: &'a [Channel],
    /// The page shared: an absolute http(s) URL.
    pub url: &'a str,
    /// Its title (e-mail's subject, the first line of a message).
    pub title: &'a str,
    /// A message, for the channels that take one.
    pub text: &'a str,
    /// The page's language (its `<html lang>`): the buttons' words.
    pub lang: Lang,
    /// Labels beside the icons (`false`: icon-only).
    pub labels: bool,
    /// UTM parameters on the links (lanterne's `utm`, `utmCampaign`).
    pub utm: bool,
    /// The links' `utm_campaign`, if any (lanterne's `utmCampaign`).
    pub campaign: Option<&'a str>,
    /// The Mastodon server (lanterne's `mastodonInstance`).
    pub mastodon_instance: Option<&'a str>,
}

/// The markup of a container with its server-rendered row: `data-lanterne-share` with its
/// channels, page, title and text (so lanterne shares the same), the buttons, and the
/// status region. `icon(channel)` gives a brand icon's `viewBox` and paths markup
/// ([`brand_icon`](super::markup::brand_icon) of the package's icon file), drawn inline;
/// lanterne's own four icons are in the markup already. A channel that cannot be a link
/// or a button on every device (Messenger without an app id) is left out.
///
/// ```
/// use lanterne::core::{channel::Channel, fallback::{row, FallbackRow}, strings::Lang};
/// let html = row(&FallbackRow { channels: &[Channel::Telegram, Channel::CopyLink], url: "https://blog.example/a",
///     title: "A & B", text: "", lang: Lang::En, labels: true, utm: true, campaign: None, mastodon_instance: None }, |_| None);
/// assert!(html.starts_with(r#"<div class="lanterne-share" data-lanterne-share="" data-channels="telegram,copy_link" data-url="https://blog.example/a" data-title="A &amp; B">"#));
/// assert!(html.contains(r#"href="https://t.me/share/url?url=https%3A%2F%2Fblog.example%2Fa%3Futm_source%3Dtelegram%26utm_medium%3Dsocial&amp;text=A%20%26%20B""#));
/// assert!(html.contains(r#"data-channel="copy_link" aria-label="Copy link" type="button" disabled="">"#));
/// assert!(html.ends_with(r#"<span class="lanterne-status" role="status"></span></div>"#));
/// ```
pub fn row(row: &FallbackRow, icon: impl Fn(Channel) -> Option<(String, String)>) -> String {
    let labels = Labels {
        lang: row.lang,
        overrides: &[],
    };
    let settings = ShareSettings {
        messenger_app_id: None,
        mastodon_instance: row.mastodon_instance,
        mobile: false,
    };
    let mut buttons = String::new();
    let mut ids = String::new();
    for &channel in row.channels {
        // The link lanterne draws before a click: UTM, no token.
        let shared = tracked_url(
            row.url,
            channel,
            None,
            "lt",
            Placement::Auto,
            row.utm,
            row.campaign,
        );
        let content = ShareContent {
            url: &shared,
            title: row.title,
            text: row.text,
            page: row.url,
        };
        let Ok(target) = channel.share_target(&content, &settings) else {
            continue;
        };
        let icon = icon(channel);
        let button = Button {
            channel,
            target: &target,
            label: labels.name(channel),
            name: &labels.accessible_name(channel),
            icon: icon.as_ref().map(|(v, p)| (v.as_str(), p.as_str())),
            waiting: true,
        };
        push_button(&mut buttons, &button, row.labels);
        if !ids.is_empty() {
            ids.push(',');
        }
        ids.push_str(channel.id());
    }
    let mut out = String::from("<div class=\"lanterne-share");
    if !row.labels {
        out.push_str(" lanterne-icons-only");
    }
    out.push_str("\" data-lanterne-share=\"\" data-channels=\"");
    out.push_str(&ids);
    for (name, value) in [("url", row.url), ("title", row.title), ("text", row.text)] {
        if !value.is_empty() {
            out.push_str("\" data-");
            out.push_str(name);
            out.push_str("=\"");
            escape_html(&mut out, value);
        }
    }
    if !row.labels {
        out.push_str("\" data-labels=\"false");
    }
    out.push_str("\">");
    out.push_str(&buttons);
    out.push_str(STATUS);
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::buttons::DEFAULT_CHANNELS;
    use crate::core::markup::brand_icon;

    fn default_row(lang: Lang, labels: bool) -> String {
        let row_of = FallbackRow {
            channels: &DEFAULT_CHANNELS,
            url: "https://blog.example/été?x=1#part",
            title: "Tom & \"Jerry\" <3",
            text: "Line one\nline two",
            lang,
            labels,
            utm: true,
            campaign: Some("spring"),
            mastodon_instance: None,
        };
        row(&row_of, |channel| {
            (channel == Channel::Whatsapp)
                .then(|| brand_icon(r#"<svg viewBox="0 0 24 24"><path d="M1 1h2"/></svg>"#))
        })
    }

    #[test]
    fn the_default_row_as_lanterne_draws_it_before_a_click() {
        let html = default_row(Lang::En, true);
        // Every default channel, in order, each once.
        for (i, id) in [
            "whatsapp",
            "telegram",
            "signal",
            "sms",
            "email",
            "copy_link",
        ]
        .iter()
        .enumerate()
        {
            let at = html.find(&format!("data-channel=\"{id}\"")).unwrap();
            assert_eq!(
                html.matches(&format!("data-channel=\"{id}\"")).count(),
                1,
                "{id}"
            );
            if i > 0 {
                assert!(
                    html.find(&format!(
                        "data-channel=\"{}\"",
                        [
                            "whatsapp",
                            "telegram",
                            "signal",
                            "sms",
                            "email",
                            "copy_link"
                        ][i - 1]
                    ))
                    .unwrap()
                        < at
                );
            }
        }
        // Links that work without the script, escaped once, with UTM and no token.
        assert!(html.contains(r#"<a class="lanterne-button" data-channel="whatsapp" aria-label="Share on WhatsApp" href="https://api.whatsapp.com/send?text=Tom%20%26%20%22Jerry%22%20%3C3%0ALine%20one%0Aline%20two%0Ahttps%3A%2F%2Fblog.example%2F%C3%A9t%C3%A9%3Fx%3D1%26utm_source%3Dwhatsapp%26utm_medium%3Dsocial%26utm_campaign%3Dspring%23part" target="_blank" rel="noopener noreferrer"><svg class="lanterne-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24"><path d="M1 1h2"/></svg><span class="lanterne-label">WhatsApp</span></a>"#), "{html}");
        assert!(
            html.contains(r#"data-channel="sms" aria-label="Share by SMS" href="sms:?&amp;body="#),
            "{html}"
        );
        assert!(!html.contains("lt="), "no token: {html}");
        // What needs the script waits.
        assert_eq!(
            html.matches(r#"type="button" disabled="""#).count(),
            2,
            "signal and copy link: {html}"
        );
        assert!(
            html.contains(r#"data-title="Tom &amp; &quot;Jerry&quot; &lt;3" data-text="Line one"#),
            "{html}"
        );
    }

    #[test]
    fn words_follow_the_language_and_icon_only_rows_say_so() {
        let html = default_row(Lang::Fr, false);
        assert!(
            html.starts_with(
                r#"<div class="lanterne-share lanterne-icons-only" data-lanterne-share="" "#
            ),
            "{html}"
        );
        assert!(html.contains(r#"data-labels="false">"#), "{html}");
        assert!(
            html.contains(r#"aria-label="Copier le lien" title="Copier le lien""#),
            "{html}"
        );
        assert!(
            html.contains(r#"aria-label="Partager sur WhatsApp""#),
            "{html}"
        );
        // By e-mail and SMS, as the drawn buttons say (core::buttons::Labels).
        for (channel, name) in [
            ("email", "Partager par e-mail"),
            ("sms", "Partager par SMS"),
        ] {
            assert!(
                html.contains(&format!(
                    r#"data-channel="{channel}" aria-label="{name}" title="{name}""#
                )),
                "{html}"
            );
        }
        let messenger = row(
            &FallbackRow {
                channels: &[Channel::Messenger, Channel::Email],
                url: "https://b.example/",
                title: "",
                text: "",
                lang: Lang::En,
                labels: true,
                utm: false,
                campaign: None,
                mastodon_instance: None,
            },
            |_| None,
        );
        assert!(
            !messenger.contains("messenger") && messenger.contains(r#"data-channels="email""#),
            "Messenger needs an app id: {messenger}"
        );
        assert!(
            messenger.contains(r#"href="mailto:?subject=&amp;body=https%3A%2F%2Fb.example%2F""#),
            "{messenger}"
        );
        assert!(
            messenger.contains(r#"aria-label="Share by email" href="mailto:"#)
                && messenger.contains(r#"<span class="lanterne-label">Email</span>"#),
            "{messenger}"
        );
    }
}
