//! What a row of share buttons holds: which channels, in which order, with which words,
//! and which of them cannot be offered here and why. The browser layer only draws what
//! these functions decide ([`read_channels`], [`Channel::is_button`], the strings).

use super::channel::Channel;
use super::chars::{cat, find_str, sub};
use super::share::Unavailable;
use super::strings::{Lang, Phrase};
use crate::prelude::*;

/// Channels a container without `data-channels` shows: the private messengers dark social
/// is about, e-mail and copy link.
pub const DEFAULT_CHANNELS: [Channel; 6] = [
    Channel::Whatsapp,
    Channel::Telegram,
    Channel::Signal,
    Channel::Sms,
    Channel::Email,
    Channel::CopyLink,
];

/// Reads a channel list such as `"whatsapp, telegram,email"` (spaces and empty items are
/// ignored; a channel listed twice appears once). An unknown id is an error naming it.
///
/// ```
/// use lanterne::core::{buttons::parse_channels, channel::Channel};
/// assert_eq!(parse_channels("whatsapp, email,,whatsapp"), Ok(vec![Channel::Whatsapp, Channel::Email]));
/// assert!(parse_channels("whatsap").unwrap_err().starts_with("has an unknown channel \"whatsap\""));
/// ```
pub fn parse_channels(list: &str) -> Result<Vec<Channel>, String> {
    match read_channels(list) {
        (channels, None) => Ok(channels),
        (_, Some(problem)) => Err(problem),
    }
}

/// Reads a channel list as a container's `data-channels` is read: the channels it names
/// (as [`parse_channels`] reads them), with the problem of the first id that names none,
/// or that the list names no channel. A bad id is left out; the others are kept.
///
/// ```
/// use lanterne::core::{buttons::read_channels, channel::Channel};
/// let (channels, problem) = read_channels("email,whatsap,sms,email");
/// assert_eq!(channels, vec![Channel::Email, Channel::Sms]);
/// assert!(problem.unwrap().starts_with("has an unknown channel \"whatsap\""));
/// ```
pub fn read_channels(list: &str) -> (Vec<Channel>, Option<String>) {
    let mut channels = Vec::new();
    let mut problem = None;
    for id in list.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        match Channel::from_id(id).filter(|c| c.is_button()) {
            Some(channel) if !channels.contains(&channel) => channels.push(channel),
            Some(_) => {}
            None if problem.is_none() => {
                let mut text = String::from("has an unknown channel ");
                super::json::push_str(&mut text, id);
                text.push_str(" (known: ");
                for (i, known) in Channel::all().filter(|c| c.is_button()).enumerate() {
                    if i > 0 {
                        text.push_str(", ");
                    }
                    text.push_str(known.id());
                }
                text.push(')');
                problem = Some(text);
            }
            None => {}
        }
    }
    if channels.is_empty() && problem.is_none() {
        problem = Some("must list at least one channel, such as \"whatsapp,email\"".into());
    }
    (channels, problem)
}

impl Channel {
    /// Whether the channel can be a share button (`copy` and `address_bar` cannot).
    ///
    /// ```
    /// use lanterne::core::channel::Channel;
    /// assert!(Channel::Signal.is_button() && !Channel::AddressBar.is_button());
    /// ```
    pub fn is_button(self) -> bool {
        !matches!(self, Channel::Copy | Channel::AddressBar)
    }
}

impl Unavailable {
    /// Why, in a sentence for the developer's console.
    ///
    /// ```
    /// use lanterne::core::share::Unavailable;
    /// assert!(Unavailable::MessengerNeedsAppId.reason().contains("messengerAppId"));
    /// ```
    pub fn reason(self) -> &'static str {
        match self {
            Unavailable::MessengerNeedsAppId => "Messenger's desktop share dialog needs a Meta app id: set messengerAppId (data-messenger-app-id)",
            Unavailable::NotAButton => "not a share button channel",
        }
    }
}

/// The words on the buttons: the page language's built-in strings with the site's
/// overrides (config `strings`, keyed by phrase key or channel id) on top.
///
/// ```
/// use lanterne::core::{buttons::Labels, channel::Channel, strings::{Lang, Phrase}};
/// let overrides = vec![("shareOn".to_owned(), "Envoyer par {channel}".to_owned()), ("email".to_owned(), "Courriel".to_owned())];
/// let labels = Labels { lang: Lang::Fr, overrides: &overrides };
/// assert_eq!(labels.name(Channel::Email), "Courriel");
/// assert_eq!(labels.accessible_name(Channel::Email), "Envoyer par Courriel");
/// assert_eq!(labels.phrase(Phrase::LinkCopied), "Lien copié");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Labels<'a> {
    /// The page's language: whose built-in strings.
    pub lang: Lang,
    /// The site's overrides, `(key, text)`: a phrase key (`"shareOn"`, `"copyLink"`…) or
    /// a channel id (`"email"`), the first of a key winning.
    pub overrides: &'a [(String, String)],
}

impl Labels<'_> {
    fn lookup(&self, key: &str) -> Option<&str> {
        self.overrides
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A phrase, overridden or built in.
    pub fn phrase(&self, phrase: Phrase) -> &str {
        self.lookup(phrase.key())
            .unwrap_or_else(|| phrase.text(self.lang))
    }

    /// The visible label of a channel's button ("WhatsApp", "Copier le lien").
    pub fn name(&self, channel: Channel) -> &str {
        let phrase = match channel {
            Channel::CopyLink => Some(Phrase::CopyLink),
            Channel::WebShare => Some(Phrase::ShareVia),
            _ => None,
        };
        match (self.lookup(channel.id()), phrase) {
            (Some(name), _) => name,
            (None, Some(phrase)) => self.phrase(phrase),
            (None, None) => channel.name(self.lang),
        }
    }

    /// The accessible name ("Share on WhatsApp", "Share by email", "Partager par SMS");
    /// copy link and the share sheet are named by their label alone. A site's own
    /// `shareOn` names every other channel's button, e-mail and SMS included, with the
    /// channel's visible name; without it, each channel's built-in phrase
    /// ([`Channel::share_phrase`]) holds its name as written in a sentence, or the site's
    /// own name for it. It always contains the visible label, case aside (WCAG 2.5.3).
    ///
    /// ```
    /// use lanterne::core::{buttons::Labels, channel::Channel, strings::Lang};
    /// let labels = Labels { lang: Lang::En, overrides: &[] };
    /// assert_eq!(labels.accessible_name(Channel::Email), "Share by email");
    /// let own = vec![("shareOn".to_owned(), "Send with {channel}".to_owned())];
    /// let labels = Labels { lang: Lang::En, overrides: &own };
    /// assert_eq!(labels.accessible_name(Channel::Email), "Send with Email");
    /// ```
    pub fn accessible_name(&self, channel: Channel) -> String {
        match channel {
            Channel::CopyLink | Channel::WebShare => self.name(channel).to_owned(),
            _ => {
                let (pattern, name) = match (
                    self.lookup(Phrase::ShareOn.key()),
                    self.lookup(channel.id()),
                ) {
                    (Some(pattern), _) => (pattern, self.name(channel)),
                    (None, own) => (
                        channel.share_phrase(self.lang),
                        own.unwrap_or_else(|| channel.name_in_sentence(self.lang)),
                    ),
                };
                // Not `str::replace`: its substring search costs 2 KB of wasm.
                match find_str(pattern, "{channel}") {
                    Some(at) => cat(&[
                        sub(pattern, 0, at),
                        name,
                        sub(pattern, at + 9, pattern.len()),
                    ]),
                    None => cat(&[pattern, " ", name]),
                }
            }
        }
    }
}

/// The keys `strings` accepts: every phrase and every button channel id.
///
/// ```
/// use lanterne::core::buttons::is_string_key;
/// assert!(is_string_key("linkCopied") && is_string_key("whatsapp") && !is_string_key("copy"));
/// ```
pub fn is_string_key(key: &str) -> bool {
    Phrase::ALL.iter().any(|p| p.key() == key)
        || Channel::from_id(key).is_some_and(Channel::is_button)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_labels() {
        assert_eq!(
            parse_channels(" web_share ,copy_link"),
            Ok(vec![Channel::WebShare, Channel::CopyLink])
        );
        assert!(parse_channels("copy").unwrap_err().contains("\"copy\""));
        assert!(parse_channels(" , ").unwrap_err().starts_with("must list"));
        let none = Vec::new();
        let en = Labels {
            lang: Lang::En,
            overrides: &none,
        };
        assert_eq!(en.accessible_name(Channel::Whatsapp), "Share on WhatsApp");
        assert_eq!(en.accessible_name(Channel::CopyLink), "Copy link");
        assert_eq!(en.name(Channel::WebShare), "Share…");
        let fr = Labels {
            lang: Lang::Fr,
            overrides: &none,
        };
        assert_eq!(fr.accessible_name(Channel::Sms), "Partager par SMS");
        assert_eq!(fr.name(Channel::CopyLink), "Copier le lien");
        let custom = vec![("copyLink".to_owned(), "Lien".to_owned())];
        let fr = Labels {
            lang: Lang::Fr,
            overrides: &custom,
        };
        assert_eq!(fr.accessible_name(Channel::CopyLink), "Lien");
        for channel in Channel::all().filter(|c| c.is_button()) {
            let name = en.accessible_name(channel);
            assert!(contains_label(&name, en.name(channel)), "{name}");
        }
    }

    fn contains_label(name: &str, label: &str) -> bool {
        name.to_lowercase().contains(&label.to_lowercase())
    }

    #[test]
    fn every_channel_s_name_in_both_languages() {
        let none = Vec::new();
        let expected = |channel: Channel, lang: Lang| -> String {
            let name = channel.name(lang);
            match (channel, lang) {
                (Channel::CopyLink | Channel::WebShare, _) => name.to_owned(),
                (Channel::Email, Lang::En) => "Share by email".into(),
                (Channel::Email, Lang::Fr) => "Partager par e-mail".into(),
                (Channel::Sms, Lang::En) => "Share by SMS".into(),
                (Channel::Sms, Lang::Fr) => "Partager par SMS".into(),
                (_, Lang::En) => format!("Share on {name}"),
                (_, Lang::Fr) => format!("Partager sur {name}"),
            }
        };
        for lang in [Lang::En, Lang::Fr] {
            let labels = Labels {
                lang,
                overrides: &none,
            };
            for channel in Channel::all().filter(|c| c.is_button()) {
                let name = labels.accessible_name(channel);
                assert_eq!(name, expected(channel, lang));
                assert!(contains_label(&name, labels.name(channel)), "{name}");
            }
        }
        assert_eq!(
            Labels {
                lang: Lang::Fr,
                overrides: &none
            }
            .accessible_name(Channel::Whatsapp),
            "Partager sur WhatsApp"
        );
        // A site's own shareOn names every channel, e-mail and SMS too, as before.
        let own = vec![("shareOn".to_owned(), "Envoyer via {channel}".to_owned())];
        let fr = Labels {
            lang: Lang::Fr,
            overrides: &own,
        };
        assert_eq!(fr.accessible_name(Channel::Sms), "Envoyer via SMS");
        assert_eq!(fr.accessible_name(Channel::Email), "Envoyer via E-mail");
        assert_eq!(fr.accessible_name(Channel::Signal), "Envoyer via Signal");
        // A site's own name for e-mail, in the built-in phrase.
        let own = vec![("email".to_owned(), "Courriel".to_owned())];
        let fr = Labels {
            lang: Lang::Fr,
            overrides: &own,
        };
        assert_eq!(fr.accessible_name(Channel::Email), "Partager par Courriel");
        assert_eq!(fr.name(Channel::Email), "Courriel");
    }
}
