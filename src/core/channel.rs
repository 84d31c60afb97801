//! The ways a page can be shared, and the one-character code each has inside a token.

/// A way a page gets shared: copy-paste, the address bar, or a share button's target.
///
/// The id is the string used in events and config (docs/share-buttons.md#channels,
/// docs/events.md#events). The code is the first character of every share token
/// (`token.rs`) minted for the channel, so a click-back can be attributed from the token
/// alone.
///
/// ```
/// use lanterne::core::channel::Channel;
/// assert_eq!(Channel::Whatsapp.id(), "whatsapp");
/// assert_eq!(Channel::from_id("whatsapp"), Some(Channel::Whatsapp));
/// assert_eq!(Channel::from_code(Channel::Copy.code()), Some(Channel::Copy));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// A copy of a selection in the page that contained the site's URLs.
    Copy,
    /// The page address itself, copied from the address bar.
    AddressBar,
    /// WhatsApp: its `api.whatsapp.com/send` page, the message prefilled.
    Whatsapp,
    /// Telegram: its `t.me/share/url` page.
    Telegram,
    /// Facebook Messenger: its send dialog on desktop (needs the config's
    /// `messengerAppId`), the native share sheet on phones and tablets.
    Messenger,
    /// Signal, which has no share URL: the native share sheet, falling back to copy link.
    Signal,
    /// A text message: an `sms:` link with the message as its body.
    Sms,
    /// An e-mail: a `mailto:` link with the title as subject, the text and URL as body.
    Email,
    /// LINE: its `social-plugins.line.me` share page.
    Line,
    /// Viber: its `viber://forward` app link.
    Viber,
    /// Threema: its `threema://compose` app link.
    Threema,
    /// X (formerly Twitter): its `x.com/intent/tweet` page.
    X,
    /// Facebook: its `sharer.php` page.
    Facebook,
    /// LinkedIn: its `share-offsite` page.
    Linkedin,
    /// Reddit: its `submit` page, as a link post.
    Reddit,
    /// Bluesky: its `bsky.app/intent/compose` page.
    Bluesky,
    /// Mastodon: the config's `mastodonInstance`, or Mastodon's own server picker
    /// (`share.joinmastodon.org`).
    Mastodon,
    /// Threads: its `threads.com/intent/post` page.
    Threads,
    /// Pinterest: its `pin/create/button` page.
    Pinterest,
    /// Tumblr: its share tool, as a link post.
    Tumblr,
    /// Hacker News: its `submitlink` page.
    Hackernews,
    /// VK: its `share.php` page.
    Vk,
    /// XING: its `spi/shares/new` page.
    Xing,
    /// Weibo: its `share.php` page.
    Weibo,
    /// The browser's native share sheet (`navigator.share`).
    WebShare,
    /// The "copy link" button.
    CopyLink,
}

/// Every channel with its event id and token code. The codes are part of the public
/// token format (docs/how-it-works.md#share-tokens): never reuse or renumber one.
const TABLE: [(Channel, &str, u8); 26] = [
    (Channel::Copy, "copy", b'c'),
    (Channel::AddressBar, "address_bar", b'a'),
    (Channel::Whatsapp, "whatsapp", b'w'),
    (Channel::Telegram, "telegram", b't'),
    (Channel::Messenger, "messenger", b'm'),
    (Channel::Signal, "signal", b's'),
    (Channel::Sms, "sms", b'S'),
    (Channel::Email, "email", b'e'),
    (Channel::Line, "line", b'l'),
    (Channel::Viber, "viber", b'v'),
    (Channel::Threema, "threema", b'T'),
    (Channel::X, "x", b'x'),
    (Channel::Facebook, "facebook", b'f'),
    (Channel::Linkedin, "linkedin", b'L'),
    (Channel::Reddit, "reddit", b'r'),
    (Channel::Bluesky, "bluesky", b'b'),
    (Channel::Mastodon, "mastodon", b'M'),
    (Channel::Threads, "threads", b'h'),
    (Channel::Pinterest, "pinterest", b'p'),
    (Channel::Tumblr, "tumblr", b'u'),
    (Channel::Hackernews, "hackernews", b'y'),
    (Channel::Vk, "vk", b'k'),
    (Channel::Xing, "xing", b'X'),
    (Channel::Weibo, "weibo", b'W'),
    (Channel::WebShare, "web_share", b'n'),
    (Channel::CopyLink, "copy_link", b'C'),
];

impl Channel {
    /// All channels, in a stable order.
    ///
    /// ```
    /// assert_eq!(lanterne::core::channel::Channel::all().count(), 26);
    /// ```
    pub fn all() -> impl Iterator<Item = Channel> {
        TABLE.iter().map(|row| row.0)
    }

    fn row(self) -> &'static (Channel, &'static str, u8) {
        // The table lists every variant once; `position` cannot miss.
        &TABLE[TABLE.iter().position(|row| row.0 == self).unwrap_or(0)]
    }

    /// The id used in events and config, e.g. `"address_bar"`.
    ///
    /// ```
    /// assert_eq!(lanterne::core::channel::Channel::AddressBar.id(), "address_bar");
    /// ```
    pub fn id(self) -> &'static str {
        self.row().1
    }

    /// The character that starts every token minted for this channel.
    ///
    /// ```
    /// assert_eq!(lanterne::core::channel::Channel::Copy.code(), b'c');
    /// ```
    pub fn code(self) -> u8 {
        self.row().2
    }

    /// The channel with this id, if any.
    ///
    /// ```
    /// use lanterne::core::channel::Channel;
    /// assert_eq!(Channel::from_id("sms"), Some(Channel::Sms));
    /// assert_eq!(Channel::from_id("myspace"), None);
    /// ```
    pub fn from_id(id: &str) -> Option<Channel> {
        TABLE.iter().find(|row| row.1 == id).map(|row| row.0)
    }

    /// The channel a token code stands for, if any.
    ///
    /// ```
    /// use lanterne::core::channel::Channel;
    /// assert_eq!(Channel::from_code(b'w'), Some(Channel::Whatsapp));
    /// assert_eq!(Channel::from_code(b'9'), None);
    /// ```
    pub fn from_code(code: u8) -> Option<Channel> {
        TABLE.iter().find(|row| row.2 == code).map(|row| row.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_codes_are_unique_and_round_trip() {
        for (i, a) in TABLE.iter().enumerate() {
            assert!(
                a.2.is_ascii_alphanumeric(),
                "code of {} must be alphanumeric",
                a.1
            );
            for b in &TABLE[i + 1..] {
                assert_ne!(a.0, b.0);
                assert_ne!(a.1, b.1);
                assert_ne!(a.2, b.2, "{} and {} share a code", a.1, b.1);
            }
            assert_eq!(Channel::from_id(a.1), Some(a.0));
            assert_eq!(Channel::from_code(a.2), Some(a.0));
            assert_eq!(a.0.id(), a.1);
        }
    }
}
