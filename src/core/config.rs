//! The configuration a site passes to `start()` or writes as `data-*` attributes on the
//! script tag (SPEC §7). The browser layer (`js/config.js`) checks each option's type and
//! shape and names the field in its errors; what only the core can judge, host names,
//! channel ids and string keys, is checked here, and the error names the option so the
//! browser layer can say which field (or attribute) is wrong.

use super::buttons::{is_string_key, parse_channels, DEFAULT_CHANNELS};
use super::channel::Channel;
use super::hosts::TrackedHosts;
use super::url::{is_plausible_host, Placement};
use crate::prelude::*;

/// A configuration, made with [`Config::from_pairs`] from what `js/config.js` checked.
///
/// ```
/// use lanterne::core::config::Config;
/// let pairs = ["endpoint", "/collect", "placement", "query", "channels", "whatsapp\u{1}email"];
/// let config = Config::from_pairs(pairs.iter().map(|s| s.to_string())).unwrap();
/// assert_eq!(config.channels.len(), 2);
/// let err = Config::from_pairs(["channels".to_string(), "myspace".to_string()]).unwrap_err();
/// assert_eq!(err.field, "channels");
/// assert!(err.problem.starts_with("has an unknown channel \"myspace\""));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where events are POSTed (required). Resolved against the page by the browser layer.
    pub endpoint: String,
    /// Hosts whose URLs get tokens; `None` means the page's own host and its `www.` twin.
    pub tracked_hosts: Option<TrackedHosts>,
    /// Name of the token parameter (`lt`).
    pub param: String,
    /// Where tokens go in URLs.
    pub placement: Placement,
    /// Whether the page URL in the address bar carries this page view's token.
    pub address_bar: bool,
    /// Paths where the address bar is left alone (`/` always is).
    pub exclude_paths: Vec<String>,
    /// Whether copies without a tracked URL get a "Read more: URL" line.
    pub attribution: bool,
    /// Minimum words in a selection for the attribution line.
    pub attribution_min_words: u32,
    /// The attribution line's label; `None` means the page language's default.
    pub attribution_text: Option<String>,
    /// Extra CSS selector whose contents are never touched.
    pub ignore_selector: Option<String>,
    /// Selections longer than this (in characters) are left to the browser.
    pub max_chars: u32,
    /// Whether share links carry `utm_source`, `utm_medium` and `utm_campaign`.
    pub utm: bool,
    /// `utm_campaign` of share links, if any.
    pub utm_campaign: Option<String>,
    /// Meta app id for Messenger's desktop send dialog.
    pub messenger_app_id: Option<String>,
    /// Mastodon instance host for the Mastodon button; default: Mastodon's share picker.
    pub mastodon_instance: Option<String>,
    /// Channels of a share container that does not list its own.
    pub channels: Vec<Channel>,
    /// Whether `[data-lanterne-share]` containers get buttons at start and when added.
    pub share_buttons: bool,
    /// Overrides of visible strings: phrase key or channel id, and the text.
    pub strings: Vec<(String, String)>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            endpoint: String::new(),
            tracked_hosts: None,
            param: "lt".into(),
            placement: Placement::Auto,
            address_bar: true,
            exclude_paths: Vec::new(),
            attribution: false,
            attribution_min_words: 7,
            attribution_text: None,
            ignore_selector: None,
            max_chars: 100_000,
            utm: true,
            utm_campaign: None,
            messenger_app_id: None,
            mastodon_instance: None,
            channels: DEFAULT_CHANNELS.to_vec(),
            share_buttons: true,
            strings: Vec::new(),
        }
    }
}

/// A config the core cannot accept: the option (`trackedHosts`, `strings.shareOnn`) and the
/// rest of the sentence (`must be …`, `has an unknown channel …`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub field: String,
    pub problem: String,
}

/// Lists and objects arrive as their items joined with U+0001.
const SEPARATOR: char = '\u{1}';

fn items(value: &str) -> impl Iterator<Item = &str> {
    value.split(SEPARATOR).filter(|s| !s.is_empty())
}

/// A whole number written in decimal digits (the browser layer checked it).
fn number(value: &str) -> u32 {
    value.bytes().fold(0u32, |n, b| {
        n.saturating_mul(10)
            .saturating_add(u32::from(b.wrapping_sub(b'0')))
    })
}

impl Config {
    /// The config from `key, value` pairs: booleans as `1`/`0`, numbers in digits, lists
    /// and `strings` (`key, text, key, text…`) joined with U+0001. Keys it does not know
    /// are ignored (the browser layer refused them already).
    pub fn from_pairs(pairs: impl IntoIterator<Item = String>) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        let mut pairs = pairs.into_iter();
        let error = |field: &str, problem: String| ConfigError {
            field: field.to_owned(),
            problem,
        };
        while let (Some(key), Some(value)) = (pairs.next(), pairs.next()) {
            let on = value == "1";
            match key.as_str() {
                "endpoint" => config.endpoint = value,
                "trackedHosts" => match TrackedHosts::parse(items(&value)) {
                    Ok(hosts) => config.tracked_hosts = Some(hosts),
                    Err(bad) => {
                        let mut problem = String::from(
                            "must be host names such as \"example.com\" or \"*.example.com\" (got ",
                        );
                        super::json::push_str(&mut problem, bad);
                        problem.push(')');
                        return Err(error(&key, problem));
                    }
                },
                "param" => config.param = value,
                "placement" => {
                    config.placement = Placement::parse(&value).unwrap_or(Placement::Auto)
                }
                "addressBar" => config.address_bar = on,
                "excludePaths" => config.exclude_paths = items(&value).map(str::to_owned).collect(),
                "attribution" => config.attribution = on,
                "attributionMinWords" => config.attribution_min_words = number(&value),
                "attributionText" => config.attribution_text = Some(value),
                "ignoreSelector" => config.ignore_selector = Some(value),
                "maxChars" => config.max_chars = number(&value),
                "utm" => config.utm = on,
                "utmCampaign" => config.utm_campaign = Some(value),
                "messengerAppId" => config.messenger_app_id = Some(value),
                "mastodonInstance" => {
                    let host = value.to_ascii_lowercase();
                    if !is_plausible_host(&host) || !host.contains('.') {
                        let mut problem = String::from(
                            "must be a Mastodon server's host name such as \"mastodon.social\" (got ",
                        );
                        super::json::push_str(&mut problem, &value);
                        problem.push(')');
                        return Err(error(&key, problem));
                    }
                    config.mastodon_instance = Some(host);
                }
                "channels" => {
                    let list: Vec<&str> = items(&value).collect();
                    config.channels =
                        parse_channels(&list.join(",")).map_err(|p| error(&key, p))?;
                }
                "shareButtons" => config.share_buttons = on,
                "strings" => {
                    let mut parts = value.split(SEPARATOR);
                    while let (Some(name), Some(text)) = (parts.next(), parts.next()) {
                        if !is_string_key(name) {
                            let mut field = String::from("strings.");
                            field.push_str(name);
                            return Err(error(&field, "is not a lanterne string (known: shareOn, copyLink, linkCopied, copyFailed, shareVia, readMore, or a channel id such as whatsapp)".into()));
                        }
                        config.strings.retain(|(k, _)| k != name);
                        config.strings.push((name.to_owned(), text.to_owned()));
                    }
                }
                _ => {}
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[&str]) -> Result<Config, ConfigError> {
        Config::from_pairs(pairs.iter().map(|s| s.to_string()))
    }

    #[test]
    fn values_are_read_and_what_only_the_core_knows_is_checked() {
        let c = from(&[
            "endpoint",
            "/collect",
            "addressBar",
            "0",
            "attribution",
            "1",
            "attributionMinWords",
            "12",
            "trackedHosts",
            "a.example\u{1}*.b.example",
            "excludePaths",
            "/search\u{1}/admin/*",
            "placement",
            "query",
            "maxChars",
            "500",
            "channels",
            "whatsapp\u{1}copy_link",
            "strings",
            "linkCopied\u{1}Copié !",
            "mastodonInstance",
            "Mastodon.Social",
            "utm",
            "0",
        ])
        .unwrap();
        assert!(!c.address_bar && c.attribution && c.attribution_min_words == 12);
        assert_eq!(c.exclude_paths, ["/search", "/admin/*"]);
        assert!(c.tracked_hosts.as_ref().unwrap().matches("x.b.example"));
        assert_eq!(c.placement, Placement::Query);
        assert_eq!(c.max_chars, 500);
        assert_eq!(c.channels, [Channel::Whatsapp, Channel::CopyLink]);
        assert_eq!(c.strings, [("linkCopied".to_owned(), "Copié !".to_owned())]);
        assert_eq!(c.mastodon_instance.as_deref(), Some("mastodon.social"));
        assert!(!c.utm);

        let err = from(&["trackedHosts", "ok.example\u{1}bad host"]).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.problem.as_str()),
            (
                "trackedHosts",
                r#"must be host names such as "example.com" or "*.example.com" (got "bad host")"#
            )
        );
        let err = from(&["channels", "whatsapp\u{1}myspace"]).unwrap_err();
        assert!(err
            .problem
            .starts_with("has an unknown channel \"myspace\" (known: whatsapp,"));
        assert!(from(&["channels", ""])
            .unwrap_err()
            .problem
            .starts_with("must list at least one channel"));
        assert_eq!(
            from(&["strings", "shareOnn\u{1}x"]).unwrap_err().field,
            "strings.shareOnn"
        );
        assert!(from(&["mastodonInstance", "localhost"]).is_err());
    }
}
