//! The words lanterne shows visitors, in English and French: picked from `<html lang>`,
//! every one overridable by config (docs/share-buttons.md#accessibility-and-language).

use super::channel::Channel;

/// A language lanterne has complete strings for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English: the default, for any `<html lang>` but French.
    En,
    /// French: `<html lang>` is `fr` or `fr-*`.
    Fr,
}

impl Lang {
    /// The language for a `<html lang>` value: French for `fr`, `fr-CA`…, else English.
    ///
    /// ```
    /// use lanterne::core::strings::Lang;
    /// assert_eq!(Lang::from_tag("fr-BE"), Lang::Fr);
    /// assert_eq!(Lang::from_tag("de"), Lang::En);
    /// ```
    pub fn from_tag(tag: &str) -> Lang {
        let tag = tag.as_bytes();
        let primary_fr = tag.len() >= 2
            && tag[..2].eq_ignore_ascii_case(b"fr")
            && matches!(tag.get(2), None | Some(b'-' | b'_'));
        if primary_fr {
            Lang::Fr
        } else {
            Lang::En
        }
    }
}

/// A string a visitor can see; each has a config key so a site can override it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phrase {
    /// Accessible name of a share button: "Share on {channel}" (e-mail and SMS have
    /// their own built-in phrase, [`Channel::share_phrase`]; a site's own `shareOn`
    /// names every channel's button).
    ShareOn,
    /// Label of the copy-link button.
    CopyLink,
    /// Status once the link is on the clipboard.
    LinkCopied,
    /// Status when the clipboard refused the link.
    CopyFailed,
    /// Label of the native share-sheet button.
    ShareVia,
    /// The attribution line's label.
    ReadMore,
}

impl Phrase {
    /// Every phrase.
    pub const ALL: [Phrase; 6] = [
        Phrase::ShareOn,
        Phrase::CopyLink,
        Phrase::LinkCopied,
        Phrase::CopyFailed,
        Phrase::ShareVia,
        Phrase::ReadMore,
    ];

    /// The config key that overrides this phrase (`strings: { shareOn: "…" }`).
    pub fn key(self) -> &'static str {
        match self {
            Phrase::ShareOn => "shareOn",
            Phrase::CopyLink => "copyLink",
            Phrase::LinkCopied => "linkCopied",
            Phrase::CopyFailed => "copyFailed",
            Phrase::ShareVia => "shareVia",
            Phrase::ReadMore => "readMore",
        }
    }

    /// The built-in text. `{channel}` in `ShareOn` stands for the channel's name.
    ///
    /// ```
    /// use lanterne::core::strings::{Lang, Phrase};
    /// assert_eq!(Phrase::LinkCopied.text(Lang::Fr), "Lien copié");
    /// ```
    pub fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Phrase::ShareOn, Lang::En) => "Share on {channel}",
            (Phrase::ShareOn, Lang::Fr) => "Partager sur {channel}",
            (Phrase::CopyLink, Lang::En) => "Copy link",
            (Phrase::CopyLink, Lang::Fr) => "Copier le lien",
            (Phrase::LinkCopied, Lang::En) => "Link copied",
            (Phrase::LinkCopied, Lang::Fr) => "Lien copié",
            (Phrase::CopyFailed, Lang::En) => "Could not copy the link",
            (Phrase::CopyFailed, Lang::Fr) => "Impossible de copier le lien",
            (Phrase::ShareVia, Lang::En) => "Share…",
            (Phrase::ShareVia, Lang::Fr) => "Partager…",
            (Phrase::ReadMore, Lang::En) => "Read more:",
            // French typography: a non-breaking space before the colon.
            (Phrase::ReadMore, Lang::Fr) => "Lire la suite\u{a0}:",
        }
    }
}

impl Channel {
    /// The built-in pattern of a share button's accessible name, `{channel}` standing for
    /// [`Channel::name_in_sentence`]: one shares *on* a network or an app, *by* e-mail or
    /// SMS.
    ///
    /// ```
    /// use lanterne::core::{channel::Channel, strings::Lang};
    /// assert_eq!(Channel::Telegram.share_phrase(Lang::En), "Share on {channel}");
    /// assert_eq!(Channel::Sms.share_phrase(Lang::Fr), "Partager par {channel}");
    /// ```
    pub fn share_phrase(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Channel::Email | Channel::Sms, Lang::En) => "Share by {channel}",
            (Channel::Email | Channel::Sms, Lang::Fr) => "Partager par {channel}",
            _ => Phrase::ShareOn.text(lang),
        }
    }

    /// The channel's name inside a sentence: its [`name`](Channel::name), but e-mail's,
    /// which is lower-case there ("Share by email", "Partager par e-mail").
    ///
    /// ```
    /// use lanterne::core::{channel::Channel, strings::Lang};
    /// assert_eq!(Channel::Email.name_in_sentence(Lang::Fr), "e-mail");
    /// assert_eq!(Channel::Sms.name_in_sentence(Lang::En), "SMS");
    /// ```
    pub fn name_in_sentence(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Channel::Email, Lang::En) => "email",
            (Channel::Email, Lang::Fr) => "e-mail",
            _ => self.name(lang),
        }
    }

    /// The channel's name as people write it ("WhatsApp", "Email"/"E-mail", "X").
    ///
    /// ```
    /// use lanterne::core::{channel::Channel, strings::Lang};
    /// assert_eq!(Channel::Hackernews.name(Lang::En), "Hacker News");
    /// assert_eq!(Channel::Sms.name(Lang::Fr), "SMS");
    /// ```
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Channel::Copy, Lang::En) => "Copy",
            (Channel::Copy, Lang::Fr) => "Copie",
            (Channel::AddressBar, Lang::En) => "Address bar",
            (Channel::AddressBar, Lang::Fr) => "Barre d'adresse",
            (Channel::Email, Lang::En) => "Email",
            (Channel::Email, Lang::Fr) => "E-mail",
            (Channel::WebShare, Lang::En) => "Share…",
            (Channel::WebShare, Lang::Fr) => "Partager…",
            (Channel::CopyLink, lang) => Phrase::CopyLink.text(lang),
            (Channel::Whatsapp, _) => "WhatsApp",
            (Channel::Telegram, _) => "Telegram",
            (Channel::Messenger, _) => "Messenger",
            (Channel::Signal, _) => "Signal",
            (Channel::Sms, _) => "SMS",
            (Channel::Line, _) => "LINE",
            (Channel::Viber, _) => "Viber",
            (Channel::Threema, _) => "Threema",
            (Channel::X, _) => "X",
            (Channel::Facebook, _) => "Facebook",
            (Channel::Linkedin, _) => "LinkedIn",
            (Channel::Reddit, _) => "Reddit",
            (Channel::Bluesky, _) => "Bluesky",
            (Channel::Mastodon, _) => "Mastodon",
            (Channel::Threads, _) => "Threads",
            (Channel::Pinterest, _) => "Pinterest",
            (Channel::Tumblr, _) => "Tumblr",
            (Channel::Hackernews, _) => "Hacker News",
            (Channel::Vk, _) => "VK",
            (Channel::Xing, _) => "XING",
            (Channel::Weibo, _) => "Weibo",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_and_phrase_has_both_languages() {
        for channel in Channel::all() {
            for lang in [Lang::En, Lang::Fr] {
                assert!(!channel.name(lang).is_empty());
            }
        }
        for phrase in Phrase::ALL {
            assert_ne!(
                phrase.text(Lang::En),
                phrase.text(Lang::Fr),
                "{}",
                phrase.key()
            );
        }
        assert_eq!(
            Phrase::ReadMore.text(Lang::Fr),
            super::super::attribution::default_label("fr")
        );
    }

    #[test]
    fn on_a_network_by_email_or_sms() {
        for channel in Channel::all() {
            let by = matches!(channel, Channel::Email | Channel::Sms);
            for (lang, on, by_phrase) in [
                (Lang::En, "Share on {channel}", "Share by {channel}"),
                (Lang::Fr, "Partager sur {channel}", "Partager par {channel}"),
            ] {
                let expected = if by { by_phrase } else { on };
                assert_eq!(channel.share_phrase(lang), expected, "{}", channel.id());
                // The name in a sentence is the visible name, case aside.
                assert!(channel
                    .name_in_sentence(lang)
                    .eq_ignore_ascii_case(channel.name(lang)));
            }
        }
    }
}
