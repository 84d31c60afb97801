//! Share targets: for each channel, the URL that shares a page and how it opens. Pure:
//! the browser layer's share buttons decide when to call it and open what it returns.
//! Each template's quirks are written beside it below.

use super::channel::Channel;
use super::chars::sub;
use super::token::ShareToken;
use super::url::{with_token, Placement, UrlParts};
use crate::core::chars::cat;
use crate::prelude::*;

/// What is shared: the page's URL (already tracked, see [`tracked_url`]), a title and an
/// optional text.
#[derive(Clone, Copy, Debug)]
pub struct ShareContent<'a> {
    /// The URL shared, with its token and UTM parameters.
    pub url: &'a str,
    /// The page's title (e-mail's subject, the first line of a message); may be empty.
    pub title: &'a str,
    /// A message to go with it, where the channel takes one; may be empty.
    pub text: &'a str,
    /// The page the visitor shares from, without token: where Messenger's dialog returns
    /// (Meta requires that address on the app's own domains, so not `url`, which may be
    /// another site's and carries a token).
    pub page: &'a str,
}

/// Where the browser layer sends the visitor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareTarget {
    /// An https share page: a new tab with `noopener`.
    NewTab(String),
    /// An app scheme (`mailto:`, `sms:`, `viber:`…): same-tab navigation, which leaves no
    /// empty tab behind.
    SameTab(String),
    /// The browser's native share sheet (`navigator.share`), falling back to copy link.
    NativeSheet,
    /// Write the URL to the clipboard.
    Clipboard,
}

/// Per-site settings some channels need.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShareSettings<'a> {
    /// Meta app id for Messenger's desktop send dialog; without it, desktop Messenger is
    /// unavailable.
    pub messenger_app_id: Option<&'a str>,
    /// A Mastodon instance host (`mastodon.social`); default: Mastodon's own share picker.
    pub mastodon_instance: Option<&'a str>,
    /// Whether the page runs on a phone or tablet (Messenger uses the native sheet there).
    pub mobile: bool,
}

/// Why a channel cannot be offered here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// Messenger on desktop needs `messenger_app_id`.
    MessengerNeedsAppId,
    /// `copy` and `address_bar` are not share buttons.
    NotAButton,
}

/// Percent-encodes like JavaScript's `encodeURIComponent`: everything but
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )` becomes `%XX` of its UTF-8 bytes (a space is `%20`,
/// never `+`).
///
/// ```
/// use lanterne::core::share::encode_component;
/// assert_eq!(encode_component("a b&c#d+e/é"), "a%20b%26c%23d%2Be%2F%C3%A9");
/// ```
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    push_encoded(&mut out, s);
    out
}

fn push_encoded(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
            )
        {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// What a share URL parameter carries.
#[derive(Clone, Copy)]
enum Value<'a> {
    Url,
    Title,
    Text,
    Fixed(&'a str),
    /// Messengers take one message: the title, the text, then the URL, one per line.
    Message,
    /// Telegram shows the URL first, then the text: the URL is not repeated in it.
    TitleText,
    /// The page the visitor shares from.
    Page,
    /// E-mail body: the text, a blank line, the URL (RFC 6068: line breaks are CRLF).
    TextUrl,
}

use Value::*;

/// Every channel with a share URL: its base and its parameters, in order. `https:` bases
/// open in a new tab, app schemes in the same tab. Templates and their sources:
/// docs/share-templates.md; checked against written-out URLs in the tests.
type Template = (
    Channel,
    &'static str,
    &'static [(&'static str, Value<'static>)],
);

#[rustfmt::skip]
const TEMPLATES: [Template; 20] = [
    (Channel::Whatsapp, "https://api.whatsapp.com/send", &[("text", Message)]),
    (Channel::Telegram, "https://t.me/share/url", &[("url", Url), ("text", TitleText)]),
    // `?&body=` is the form both Android (`?body=`) and iOS (`&body=`) read.
    (Channel::Sms, "sms:?&", &[("body", Message)]),
    (Channel::Email, "mailto:", &[("subject", Title), ("body", TextUrl)]),
    (Channel::Line, "https://social-plugins.line.me/lineit/share", &[("url", Url), ("text", TitleText)]),
    (Channel::Viber, "viber://forward", &[("text", Message)]),
    (Channel::Threema, "threema://compose", &[("text", Message)]),
    (Channel::X, "https://x.com/intent/tweet", &[("text", TitleText), ("url", Url)]),
    (Channel::Facebook, "https://www.facebook.com/sharer/sharer.php", &[("u", Url)]),
    (Channel::Linkedin, "https://www.linkedin.com/sharing/share-offsite/", &[("url", Url)]),
    // Without type=LINK new Reddit may open a text post and drop the URL (next-share#113).
    (Channel::Reddit, "https://www.reddit.com/submit", &[("url", Url), ("title", Title), ("type", Fixed("LINK"))]),
    (Channel::Bluesky, "https://bsky.app/intent/compose", &[("text", Message)]),
    (Channel::Mastodon, "https://share.joinmastodon.org/", &[("text", Message)]),
    (Channel::Threads, "https://www.threads.com/intent/post", &[("text", TitleText), ("url", Url)]),
    (Channel::Pinterest, "https://www.pinterest.com/pin/create/button/", &[("url", Url), ("description", TitleText)]),
    (Channel::Tumblr, "https://www.tumblr.com/widgets/share/tool", &[("posttype", Fixed("link")), ("canonicalUrl", Url), ("title", Title), ("caption", Text)]),
    (Channel::Hackernews, "https://news.ycombinator.com/submitlink", &[("u", Url), ("t", Title)]),
    (Channel::Vk, "https://vk.com/share.php", &[("url", Url), ("title", Title)]),
    (Channel::Xing, "https://www.xing.com/spi/shares/new", &[("url", Url)]),
    (Channel::Weibo, "https://service.weibo.com/share/share.php", &[("url", Url), ("title", TitleText)]),
];

impl Value<'_> {
    /// Appends the value, percent-encoded: its non-empty parts joined by their separator
    /// (encoded too), without building the joined text first.
    fn push_encoded(self, out: &mut String, c: &ShareContent) {
        let (parts, separator): (&[&str], &str) = match self {
            Url => (&[c.url], ""),
            Title => (&[c.title], ""),
            Text => (&[c.text], ""),
            Fixed(s) => (&[s], ""),
            Page => (&[c.page], ""),
            Message => (&[c.title, c.text, c.url], "%0A"),
            TitleText => (&[c.title, c.text], "%0A"),
            TextUrl => (&[c.text, c.url], "%0D%0A%0D%0A"),
        };
        let mut first = true;
        for part in parts.iter().filter(|p| !p.is_empty()) {
            if !first {
                out.push_str(separator);
            }
            push_encoded(out, part);
            first = false;
        }
    }
}

/// `base` with `params` appended as `name=encoded(value)`.
fn build(base: &str, params: &[(&str, Value)], content: &ShareContent) -> String {
    let mut url = String::from(base);
    for (name, value) in params {
        if !url.ends_with('?') && !url.ends_with('&') {
            url.push(if url.contains('?') { '&' } else { '?' });
        }
        url.push_str(name);
        url.push('=');
        value.push_encoded(&mut url, content);
    }
    url
}

impl Channel {
    /// Where sharing `content` through this channel sends the visitor.
    ///
    /// ```
    /// use lanterne::core::{channel::Channel, share::{ShareContent, ShareSettings, ShareTarget}};
    /// let content = ShareContent { url: "https://blog.example/a#lt=tAAAAAAAAAA1", title: "Hello & bye", text: "", page: "https://blog.example/" };
    /// assert_eq!(Channel::Telegram.share_target(&content, &ShareSettings::default()),
    ///     Ok(ShareTarget::NewTab("https://t.me/share/url?url=https%3A%2F%2Fblog.example%2Fa%23lt%3DtAAAAAAAAAA1&text=Hello%20%26%20bye".into())));
    /// ```
    pub fn share_target(
        self,
        content: &ShareContent,
        settings: &ShareSettings,
    ) -> Result<ShareTarget, Unavailable> {
        let messenger;
        let (mut base, params): (&str, &[(&str, Value)]) = match self {
            Channel::Copy | Channel::AddressBar => return Err(Unavailable::NotAButton),
            Channel::Signal | Channel::WebShare => return Ok(ShareTarget::NativeSheet),
            Channel::CopyLink => return Ok(ShareTarget::Clipboard),
            Channel::Messenger if settings.mobile => return Ok(ShareTarget::NativeSheet),
            Channel::Messenger => {
                let app_id = settings
                    .messenger_app_id
                    .ok_or(Unavailable::MessengerNeedsAppId)?;
                messenger = [
                    ("app_id", Fixed(app_id)),
                    ("link", Url),
                    ("redirect_uri", Page),
                ];
                ("https://www.facebook.com/dialog/send", &messenger)
            }
            _ => {
                let (_, base, params) = TEMPLATES
                    .iter()
                    .find(|t| t.0 == self)
                    .ok_or(Unavailable::NotAButton)?;
                (base, params)
            }
        };
        let instance_base;
        if let (Channel::Mastodon, Some(instance)) = (self, settings.mastodon_instance) {
            instance_base = cat(&["https://", instance, "/share"]);
            base = &instance_base;
        }
        let url = build(base, params, content);
        Ok(if base.starts_with("https:") {
            ShareTarget::NewTab(url)
        } else {
            ShareTarget::SameTab(url)
        })
    }
}

/// The URL a share button shares: `page_url` with `utm_source=<channel>`,
/// `utm_medium=social` and an optional `utm_campaign` (replacing any `utm_*` it had, unless
/// `utm` is off), then the share's token. Without a token, the URL a drawn button's link
/// shows before any click (and a server-rendered fallback link): each click gives it one.
///
/// ```
/// use lanterne::core::{channel::Channel, share::tracked_url, token::ShareToken, url::Placement};
/// let token = ShareToken::parse("wAAAAAAAAAA1").unwrap();
/// assert_eq!(tracked_url("https://blog.example/a?utm_source=old&x=1", Channel::Whatsapp, Some(&token), "lt", Placement::Auto, true, Some("spring")),
///     "https://blog.example/a?x=1&utm_source=whatsapp&utm_medium=social&utm_campaign=spring#lt=wAAAAAAAAAA1");
/// ```
pub fn tracked_url(
    page_url: &str,
    channel: Channel,
    token: Option<&ShareToken>,
    param: &str,
    placement: Placement,
    utm: bool,
    campaign: Option<&str>,
) -> String {
    let mut url = page_url.to_owned();
    if utm {
        let parts = UrlParts::split(page_url);
        let path_end = page_url
            .bytes()
            .position(|b| b == b'?' || b == b'#')
            .unwrap_or(page_url.len());
        url = String::with_capacity(page_url.len() + 64);
        url.push_str(sub(page_url, 0, path_end));
        // The query: what it had but its `utm_*`, then lanterne's (never empty).
        let mut separator = '?';
        let kept = parts.query(page_url).unwrap_or("").split('&');
        for kept in kept.filter(|p| !p.is_empty() && !p.starts_with("utm_")) {
            url.push(separator);
            url.push_str(kept);
            separator = '&';
        }
        for (name, value) in [
            ("utm_source", Some(channel.id())),
            ("utm_medium", Some("social")),
            ("utm_campaign", campaign),
        ] {
            if let Some(value) = value {
                url.push(separator);
                url.push_str(name);
                url.push('=');
                push_encoded(&mut url, value);
                separator = '&';
            }
        }
        if let Some(fragment) = parts.fragment(page_url) {
            url.push('#');
            url.push_str(fragment);
        }
    }
    match token {
        Some(token) => with_token(&url, token, param, placement).unwrap_or(url),
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A title and a text with everything that breaks naive share links.
    const TITLE: &str = "Tom & Jerry #1: 100% \"C++\" <script>alert('x')</script> 🎉";
    const TEXT: &str = "Line one\nline two + more";
    const URL: &str = "https://blog.example/a?x=1&utm_source=whatsapp#lt=wAbCdEfGh-_9";
    /// The page shared from, Messenger's `redirect_uri`.
    const PAGE: &str = "https://blog.example/b";
    const E_PAGE: &str = "https%3A%2F%2Fblog.example%2Fb";

    const E_TITLE: &str = "Tom%20%26%20Jerry%20%231%3A%20100%25%20%22C%2B%2B%22%20%3Cscript%3Ealert('x')%3C%2Fscript%3E%20%F0%9F%8E%89";
    const E_TEXT: &str = "Line%20one%0Aline%20two%20%2B%20more";
    const E_URL: &str =
        "https%3A%2F%2Fblog.example%2Fa%3Fx%3D1%26utm_source%3Dwhatsapp%23lt%3DwAbCdEfGh-_9";

    fn target(channel: Channel, settings: ShareSettings) -> Result<ShareTarget, Unavailable> {
        channel.share_target(
            &ShareContent {
                url: URL,
                title: TITLE,
                text: TEXT,
                page: PAGE,
            },
            &settings,
        )
    }

    #[test]
    fn every_channel_url_written_out() {
        let t = |s: &str| {
            s.replace("{T}", E_TITLE)
                .replace("{X}", E_TEXT)
                .replace("{U}", E_URL)
        };
        let cases: [(Channel, ShareTarget); 20] = [
            (Channel::Whatsapp, ShareTarget::NewTab(t("https://api.whatsapp.com/send?text={T}%0A{X}%0A{U}"))),
            (Channel::Telegram, ShareTarget::NewTab(t("https://t.me/share/url?url={U}&text={T}%0A{X}"))),
            (Channel::Sms, ShareTarget::SameTab(t("sms:?&body={T}%0A{X}%0A{U}"))),
            (Channel::Email, ShareTarget::SameTab(t("mailto:?subject={T}&body={X}%0D%0A%0D%0A{U}"))),
            (Channel::Line, ShareTarget::NewTab(t("https://social-plugins.line.me/lineit/share?url={U}&text={T}%0A{X}"))),
            (Channel::Viber, ShareTarget::SameTab(t("viber://forward?text={T}%0A{X}%0A{U}"))),
            (Channel::Threema, ShareTarget::SameTab(t("threema://compose?text={T}%0A{X}%0A{U}"))),
            (Channel::X, ShareTarget::NewTab(t("https://x.com/intent/tweet?text={T}%0A{X}&url={U}"))),
            (Channel::Facebook, ShareTarget::NewTab(t("https://www.facebook.com/sharer/sharer.php?u={U}"))),
            (Channel::Linkedin, ShareTarget::NewTab(t("https://www.linkedin.com/sharing/share-offsite/?url={U}"))),
            (Channel::Reddit, ShareTarget::NewTab(t("https://www.reddit.com/submit?url={U}&title={T}&type=LINK"))),
            (Channel::Bluesky, ShareTarget::NewTab(t("https://bsky.app/intent/compose?text={T}%0A{X}%0A{U}"))),
            (Channel::Mastodon, ShareTarget::NewTab(t("https://share.joinmastodon.org/?text={T}%0A{X}%0A{U}"))),
            (Channel::Threads, ShareTarget::NewTab(t("https://www.threads.com/intent/post?text={T}%0A{X}&url={U}"))),
            (Channel::Pinterest, ShareTarget::NewTab(t("https://www.pinterest.com/pin/create/button/?url={U}&description={T}%0A{X}"))),
            (Channel::Tumblr, ShareTarget::NewTab(t("https://www.tumblr.com/widgets/share/tool?posttype=link&canonicalUrl={U}&title={T}&caption={X}"))),
            (Channel::Hackernews, ShareTarget::NewTab(t("https://news.ycombinator.com/submitlink?u={U}&t={T}"))),
            (Channel::Vk, ShareTarget::NewTab(t("https://vk.com/share.php?url={U}&title={T}"))),
            (Channel::Xing, ShareTarget::NewTab(t("https://www.xing.com/spi/shares/new?url={U}"))),
            (Channel::Weibo, ShareTarget::NewTab(t("https://service.weibo.com/share/share.php?url={U}&title={T}%0A{X}"))),
        ];
        for (channel, expected) in cases {
            assert_eq!(
                target(channel, ShareSettings::default()),
                Ok(expected),
                "{}",
                channel.id()
            );
        }
    }

    #[test]
    fn special_channels() {
        let desktop = ShareSettings::default();
        assert_eq!(
            target(Channel::Messenger, desktop),
            Err(Unavailable::MessengerNeedsAppId)
        );
        assert_eq!(
            target(Channel::Messenger, ShareSettings { messenger_app_id: Some("1234"), ..desktop }),
            Ok(ShareTarget::NewTab(format!("https://www.facebook.com/dialog/send?app_id=1234&link={E_URL}&redirect_uri={E_PAGE}")))
        );
        assert_eq!(
            target(
                Channel::Messenger,
                ShareSettings {
                    mobile: true,
                    ..desktop
                }
            ),
            Ok(ShareTarget::NativeSheet)
        );
        assert_eq!(
            target(Channel::Signal, desktop),
            Ok(ShareTarget::NativeSheet)
        );
        assert_eq!(
            target(Channel::WebShare, desktop),
            Ok(ShareTarget::NativeSheet)
        );
        assert_eq!(
            target(Channel::CopyLink, desktop),
            Ok(ShareTarget::Clipboard)
        );
        assert_eq!(target(Channel::Copy, desktop), Err(Unavailable::NotAButton));
        assert_eq!(
            target(
                Channel::Mastodon,
                ShareSettings {
                    mastodon_instance: Some("mastodon.social"),
                    ..desktop
                }
            ),
            Ok(ShareTarget::NewTab(format!(
                "https://mastodon.social/share?text={E_TITLE}%0A{E_TEXT}%0A{E_URL}"
            )))
        );
        // No encoded value ever contains a raw '+', '#', '&', space or newline.
        for channel in Channel::all() {
            if let Ok(ShareTarget::NewTab(url) | ShareTarget::SameTab(url)) = target(
                channel,
                ShareSettings {
                    messenger_app_id: Some("1"),
                    ..desktop
                },
            ) {
                assert!(!url.contains(['+', ' ', '\n', '#', '"', '<']), "{url}");
            }
        }
    }

    #[test]
    fn tracked_urls() {
        let token = ShareToken::parse("eAAAAAAAAAA1").unwrap();
        let f = |page: &str, utm: bool, campaign: Option<&str>| {
            tracked_url(
                page,
                Channel::Email,
                Some(&token),
                "lt",
                Placement::Auto,
                utm,
                campaign,
            )
        };
        assert_eq!(
            f("https://b.example/a", true, None),
            "https://b.example/a?utm_source=email&utm_medium=social#lt=eAAAAAAAAAA1"
        );
        // Drawn, before a click: UTM, no token.
        let drawn = tracked_url(
            "https://b.example/a#sec",
            Channel::Sms,
            None,
            "lt",
            Placement::Auto,
            true,
            None,
        );
        assert_eq!(
            drawn,
            "https://b.example/a?utm_source=sms&utm_medium=social#sec"
        );
        assert_eq!(f("https://b.example/a#sec", true, Some("a b")), "https://b.example/a?utm_source=email&utm_medium=social&utm_campaign=a%20b&lt=eAAAAAAAAAA1#sec");
        assert_eq!(
            f("https://b.example/a?utm_medium=x&p=2", true, None),
            "https://b.example/a?p=2&utm_source=email&utm_medium=social#lt=eAAAAAAAAAA1"
        );
        assert_eq!(
            f("https://b.example/a?p=2", false, None),
            "https://b.example/a?p=2#lt=eAAAAAAAAAA1"
        );
    }

    #[test]
    fn encoding_matches_encode_uri_component() {
        // Expected values from JavaScript's encodeURIComponent.
        assert_eq!(encode_component("-_.!~*'()"), "-_.!~*'()");
        assert_eq!(encode_component(" \n\r\t"), "%20%0A%0D%09");
        assert_eq!(
            encode_component("?=&#+/:;,@$"),
            "%3F%3D%26%23%2B%2F%3A%3B%2C%40%24"
        );
        assert_eq!(encode_component("日本"), "%E6%97%A5%E6%9C%AC");
    }
}
