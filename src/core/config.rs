//! The configuration a site passes to `start()` or writes as `data-*` attributes on the
//! script tag (SPEC §7), validated field by field with errors that name the field.

use super::buttons::{is_string_key, parse_channels, DEFAULT_CHANNELS};
use super::channel::Channel;
use super::hosts::TrackedHosts;
use super::url::{is_plausible_host, is_valid_param, Placement};
use crate::prelude::*;

/// A validated configuration. Build it with [`Config::default`], then [`Config::set`] or
/// [`Config::set_attribute`] for each field, then [`Config::check`].
///
/// ```
/// use lanterne::core::config::{Config, ConfigValue};
/// let mut config = Config::default();
/// config.set("endpoint", ConfigValue::Text("/collect".into())).unwrap();
/// config.set_attribute("data-placement", "query").unwrap();
/// assert!(config.check().is_ok());
/// let err = config.set("placement", ConfigValue::Text("middle".into())).unwrap_err();
/// assert_eq!(err.to_string(), r#"lanterne: config.placement must be "auto", "fragment" or "query" (got "middle")"#);
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

/// A config value as JavaScript typed it.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigValue {
    Text(String),
    Bool(bool),
    Number(f64),
    /// An array whose items are all strings.
    List(Vec<String>),
    /// A plain object whose values are all strings.
    Strings(Vec<(String, String)>),
    /// Anything else; the payload is what to call it in the error ("an object", "null"…).
    Other(&'static str),
}

/// A bad config: which field, what was expected, what was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// `config.placement` or `data-placement`.
    pub field: String,
    /// The rest of the sentence: `must be … (got …)`.
    pub problem: String,
}

impl ConfigError {
    /// The whole message, e.g. `lanterne: config.param must be … (got …)`.
    pub fn message(&self) -> String {
        let mut out = String::with_capacity(11 + self.field.len() + self.problem.len());
        out.push_str("lanterne: ");
        out.push_str(&self.field);
        out.push(' ');
        out.push_str(&self.problem);
        out
    }
}

impl core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message())
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Bool,
    Count,
    List,
    Strings,
}

/// Every option: its JS key, its `data-*` attribute, its kind.
const OPTIONS: [(&str, &str, Kind); 18] = [
    ("endpoint", "data-endpoint", Kind::Text),
    ("trackedHosts", "data-tracked-hosts", Kind::List),
    ("param", "data-param", Kind::Text),
    ("placement", "data-placement", Kind::Text),
    ("addressBar", "data-address-bar", Kind::Bool),
    ("excludePaths", "data-exclude-paths", Kind::List),
    ("attribution", "data-attribution", Kind::Bool),
    (
        "attributionMinWords",
        "data-attribution-min-words",
        Kind::Count,
    ),
    ("attributionText", "data-attribution-text", Kind::Text),
    ("ignoreSelector", "data-ignore-selector", Kind::Text),
    ("maxChars", "data-max-chars", Kind::Count),
    ("utm", "data-utm", Kind::Bool),
    ("utmCampaign", "data-utm-campaign", Kind::Text),
    ("messengerAppId", "data-messenger-app-id", Kind::Text),
    ("mastodonInstance", "data-mastodon-instance", Kind::Text),
    ("channels", "data-channels", Kind::List),
    ("shareButtons", "data-share-buttons", Kind::Bool),
    // One attribute per string: data-strings-link-copied="Copied!".
    ("strings", "data-strings-", Kind::Strings),
];

impl Config {
    /// The JS keys of every option, for documentation and "did you mean" help.
    pub fn keys() -> impl Iterator<Item = &'static str> {
        OPTIONS.iter().map(|o| o.0)
    }

    /// Sets option `key` (a JS config key such as `"addressBar"`) from a JS value.
    /// An unknown key is an error: a typo must not silently do nothing.
    pub fn set(&mut self, key: &str, value: ConfigValue) -> Result<(), ConfigError> {
        let mut field = String::from("config.");
        field.push_str(key);
        if !OPTIONS.iter().any(|o| o.0 == key) {
            let mut problem = String::from("is not a lanterne option (known: ");
            for (i, key) in Config::keys().enumerate() {
                if i > 0 {
                    problem.push_str(", ");
                }
                problem.push_str(key);
            }
            problem.push(')');
            return Err(ConfigError { field, problem });
        }
        self.apply(key, value, field)
    }

    /// Sets the option behind a `data-*` attribute of the script tag from its text.
    /// Attributes lanterne does not know are ignored (other tools put theirs on script
    /// tags too) and return `Ok(false)`.
    pub fn set_attribute(&mut self, attribute: &str, raw: &str) -> Result<bool, ConfigError> {
        if let Some(kebab) = attribute.strip_prefix("data-strings-") {
            let value = ConfigValue::Strings(vec![(camel_case(kebab), raw.to_owned())]);
            return self
                .apply("strings", value, "data-strings-".to_owned())
                .map(|()| true);
        }
        let Some(&(key, attr, kind)) = OPTIONS.iter().find(|o| o.1 == attribute) else {
            return Ok(false);
        };
        let value = match kind {
            Kind::Text => ConfigValue::Text(raw.to_owned()),
            Kind::Bool => match raw.trim_matches(crate::core::chars::is_space) {
                "" | "true" => ConfigValue::Bool(true),
                "false" => ConfigValue::Bool(false),
                _ => ConfigValue::Text(raw.to_owned()),
            },
            Kind::Count => match parse_count(raw.trim_matches(crate::core::chars::is_space)) {
                Some(n) => ConfigValue::Number(n as f64),
                None => ConfigValue::Text(raw.to_owned()),
            },
            Kind::List => ConfigValue::List(
                raw.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            Kind::Strings => return Ok(false),
        };
        self.apply(key, value, attr.to_owned()).map(|()| true)
    }

    /// Checks what no single field can: that the required `endpoint` was given.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.endpoint.is_empty() {
            return Err(ConfigError {
                field: "config.endpoint".into(),
                problem: "is required: the URL events are POSTed to, such as \"/collect\"".into(),
            });
        }
        Ok(())
    }

    fn apply(&mut self, key: &str, value: ConfigValue, field: String) -> Result<(), ConfigError> {
        let fail = |expected: &str, value: &ConfigValue| {
            let mut problem = String::from("must be ");
            problem.push_str(expected);
            problem.push_str(" (got ");
            problem.push_str(&describe(value));
            problem.push(')');
            Err(ConfigError {
                field: field.clone(),
                problem,
            })
        };
        let kind = OPTIONS
            .iter()
            .find(|o| o.0 == key)
            .map_or(Kind::Text, |o| o.2);
        match (kind, &value) {
            (Kind::Text, ConfigValue::Text(_))
            | (Kind::Bool, ConfigValue::Bool(_))
            | (Kind::List, ConfigValue::List(_))
            | (Kind::Strings, ConfigValue::Strings(_)) => {}
            (Kind::Count, ConfigValue::Number(n))
                if is_whole(*n) && *n >= 1.0 && *n <= 100_000_000.0 => {}
            (Kind::Text, _) => return fail("a string", &value),
            (Kind::Bool, _) => return fail("true or false", &value),
            (Kind::Count, _) => return fail("a whole number from 1 to 100000000", &value),
            (Kind::List, _) => return fail("an array of strings", &value),
            (Kind::Strings, _) => {
                return fail(
                    "an object of strings such as { linkCopied: \"Copied!\" }",
                    &value,
                )
            }
        }
        match (key, value) {
            ("endpoint", ConfigValue::Text(s)) => {
                if s.trim_matches(crate::core::chars::is_space).is_empty()
                    || s.chars().any(super::chars::is_space)
                {
                    return fail(
                        "a URL such as \"/collect\" or \"https://stats.example/collect\"",
                        &ConfigValue::Text(s),
                    );
                }
                self.endpoint = s;
            }
            ("trackedHosts", ConfigValue::List(list)) => {
                if list.is_empty() {
                    return fail("a non-empty list of host names such as \"example.com\" or \"*.example.com\"", &ConfigValue::List(list));
                }
                match TrackedHosts::parse(list.iter().map(String::as_str)) {
                    Ok(hosts) => self.tracked_hosts = Some(hosts),
                    Err(bad) => {
                        let bad = ConfigValue::Text(bad.to_owned());
                        return fail(
                            "host names such as \"example.com\" or \"*.example.com\"",
                            &bad,
                        );
                    }
                }
            }
            ("param", ConfigValue::Text(s)) => {
                if !is_valid_param(&s) {
                    return fail(
                        "1 to 32 of the characters A-Z a-z 0-9 _ -",
                        &ConfigValue::Text(s),
                    );
                }
                self.param = s;
            }
            ("placement", ConfigValue::Text(s)) => match Placement::parse(&s) {
                Some(p) => self.placement = p,
                None => return fail("\"auto\", \"fragment\" or \"query\"", &ConfigValue::Text(s)),
            },
            ("addressBar", ConfigValue::Bool(b)) => self.address_bar = b,
            ("excludePaths", ConfigValue::List(list)) => {
                if let Some(bad) = list
                    .iter()
                    .find(|p| !p.starts_with('/') && !p.starts_with('*'))
                {
                    return fail(
                        "paths starting with \"/\", such as \"/search\" or \"/admin/*\"",
                        &ConfigValue::Text(bad.clone()),
                    );
                }
                self.exclude_paths = list;
            }
            ("attribution", ConfigValue::Bool(b)) => self.attribution = b,
            ("attributionMinWords", ConfigValue::Number(n)) => {
                self.attribution_min_words = n as u32
            }
            ("attributionText", ConfigValue::Text(s)) => {
                if s.trim_matches(crate::core::chars::is_space).is_empty()
                    || s.chars().count() > 200
                {
                    return fail(
                        "a non-empty label of at most 200 characters, such as \"Read more:\"",
                        &ConfigValue::Text(s),
                    );
                }
                self.attribution_text = Some(s);
            }
            ("ignoreSelector", ConfigValue::Text(s)) => {
                if s.trim_matches(crate::core::chars::is_space).is_empty() {
                    return fail(
                        "a CSS selector such as \".no-track\"",
                        &ConfigValue::Text(s),
                    );
                }
                self.ignore_selector = Some(s);
            }
            ("maxChars", ConfigValue::Number(n)) => self.max_chars = n as u32,
            ("utm", ConfigValue::Bool(b)) => self.utm = b,
            ("utmCampaign", ConfigValue::Text(s)) => {
                if s.is_empty() || s.chars().count() > 100 {
                    return fail("1 to 100 characters", &ConfigValue::Text(s));
                }
                self.utm_campaign = Some(s);
            }
            ("messengerAppId", ConfigValue::Text(s)) => {
                if s.is_empty() || s.len() > 32 || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return fail(
                        "a Meta app id: digits such as \"1234567890\"",
                        &ConfigValue::Text(s),
                    );
                }
                self.messenger_app_id = Some(s);
            }
            ("mastodonInstance", ConfigValue::Text(s)) => {
                let host = s.to_ascii_lowercase();
                if !is_plausible_host(&host) || !host.contains('.') {
                    return fail(
                        "a Mastodon server's host name such as \"mastodon.social\"",
                        &ConfigValue::Text(s),
                    );
                }
                self.mastodon_instance = Some(host);
            }
            ("channels", ConfigValue::List(list)) => match parse_channels(&list.join(",")) {
                Ok(channels) => self.channels = channels,
                Err(problem) => return Err(ConfigError { field, problem }),
            },
            ("shareButtons", ConfigValue::Bool(b)) => self.share_buttons = b,
            ("strings", ConfigValue::Strings(entries)) => {
                for (key, text) in entries {
                    let mut field = field.clone();
                    if field.ends_with('-') {
                        field.push_str(&kebab_case(&key));
                    } else {
                        field.push('.');
                        field.push_str(&key);
                    }
                    if !is_string_key(&key) {
                        return Err(ConfigError {
                            field,
                            problem: "is not a lanterne string (known: shareOn, copyLink, linkCopied, copyFailed, shareVia, readMore, or a channel id such as whatsapp)".into(),
                        });
                    }
                    if text.trim_matches(crate::core::chars::is_space).is_empty()
                        || text.chars().count() > 200
                    {
                        return Err(ConfigError {
                            field,
                            problem: "must be a non-empty string of at most 200 characters".into(),
                        });
                    }
                    self.strings.retain(|(k, _)| *k != key);
                    self.strings.push((key, text));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// `link-copied` → `linkCopied`: attribute names are lower case with dashes.
fn camel_case(kebab: &str) -> String {
    let mut out = String::with_capacity(kebab.len());
    let mut upper = false;
    for c in kebab.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `linkCopied` → `link-copied`, to name an attribute in an error.
fn kebab_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 2);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Whether `n` is a whole number (`f64::fract` is not in `core`).
fn is_whole(n: f64) -> bool {
    n.abs() < 9e15 && n as i64 as f64 == n
}

/// A whole number written in decimal digits only (no sign, no exponent), up to 10^15.
fn parse_count(raw: &str) -> Option<u64> {
    if raw.is_empty() || raw.len() > 15 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(raw.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0')))
}

fn describe(value: &ConfigValue) -> String {
    let mut out = String::new();
    match value {
        ConfigValue::Text(s) => {
            let short: String = s.chars().take(60).collect();
            super::json::push_str(&mut out, &short);
        }
        ConfigValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Integers are written exactly; other numbers only described, which keeps float
        // formatting (kilobytes of wasm) out of the build.
        ConfigValue::Number(n) if is_whole(*n) && n.abs() < 1e15 => {
            if *n < 0.0 {
                out.push('-');
            }
            super::json::push_u64(&mut out, n.abs() as u64);
        }
        ConfigValue::Number(_) => out.push_str("a fractional or non-finite number"),
        ConfigValue::List(l) => {
            out.push_str("an array of ");
            super::json::push_u64(&mut out, l.len() as u64);
        }
        ConfigValue::Strings(_) => out.push_str("an object"),
        ConfigValue::Other(what) => out.push_str(what),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(key: &str, value: ConfigValue) -> String {
        Config::default().set(key, value).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_field_and_the_expectation() {
        assert_eq!(
            Config::default().check().unwrap_err().field,
            "config.endpoint"
        );
        assert!(err("endpoint", ConfigValue::Number(3.0))
            .starts_with("lanterne: config.endpoint must be a string (got 3)"));
        assert!(err("endpoint", ConfigValue::Text("a b".into()))
            .contains("config.endpoint must be a URL"));
        assert!(err("endpont", ConfigValue::Text("/c".into()))
            .starts_with("lanterne: config.endpont is not a lanterne option (known: endpoint,"));
        assert!(
            err("param", ConfigValue::Text("a&b".into())).contains("config.param must be 1 to 32")
        );
        assert!(err("addressBar", ConfigValue::Text("no".into()))
            .contains("config.addressBar must be true or false (got \"no\")"));
        assert!(err("maxChars", ConfigValue::Number(0.5))
            .contains("config.maxChars must be a whole number"));
        assert!(err("maxChars", ConfigValue::Number(-3.0)).ends_with("(got -3)"));
        assert!(err("maxChars", ConfigValue::Number(0.5))
            .ends_with("(got a fractional or non-finite number)"));
        assert_eq!(parse_count("120"), Some(120));
        assert_eq!(parse_count("1e3"), None);
        assert!(err(
            "trackedHosts",
            ConfigValue::List(vec!["ok.example".into(), "bad host".into()])
        )
        .contains("(got \"bad host\")"));
        assert!(err("trackedHosts", ConfigValue::Text("a.example".into()))
            .contains("must be an array of strings"));
        assert!(err("excludePaths", ConfigValue::List(vec!["admin".into()]))
            .contains("config.excludePaths must be paths"));
        assert!(err("ignoreSelector", ConfigValue::Other("null")).contains("(got null)"));
        assert_eq!(
            err(
                "strings",
                ConfigValue::Strings(vec![("shareOnn".into(), "x".into())])
            ),
            "lanterne: config.strings.shareOnn is not a lanterne string (known: shareOn, copyLink, linkCopied, copyFailed, shareVia, readMore, or a channel id such as whatsapp)"
        );
        assert!(err("strings", ConfigValue::Text("x".into()))
            .contains("config.strings must be an object of strings"));
        assert!(err("channels", ConfigValue::List(vec![]))
            .contains("config.channels must list at least one channel"));
    }

    #[test]
    fn attributes_convert_their_text() {
        let mut c = Config::default();
        assert_eq!(c.set_attribute("data-endpoint", "/collect"), Ok(true));
        assert_eq!(c.set_attribute("data-cfasync", "false"), Ok(false));
        c.set_attribute("data-address-bar", "false").unwrap();
        c.set_attribute("data-attribution", "").unwrap();
        c.set_attribute("data-attribution-min-words", "12").unwrap();
        c.set_attribute("data-tracked-hosts", " a.example, *.b.example ,")
            .unwrap();
        c.set_attribute("data-exclude-paths", "/search,/admin/*")
            .unwrap();
        assert!(!c.address_bar && c.attribution && c.attribution_min_words == 12);
        assert_eq!(c.exclude_paths, ["/search", "/admin/*"]);
        assert!(c.tracked_hosts.as_ref().unwrap().matches("x.b.example"));
        let e = c
            .set_attribute("data-address-bar", "nope")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "lanterne: data-address-bar must be true or false (got \"nope\")"
        );
        c.set_attribute("data-channels", "whatsapp, copy_link")
            .unwrap();
        assert_eq!(c.channels, [Channel::Whatsapp, Channel::CopyLink]);
        c.set_attribute("data-strings-link-copied", "Copié !")
            .unwrap();
        c.set_attribute("data-utm", "false").unwrap();
        assert_eq!(c.strings, [("linkCopied".to_owned(), "Copié !".to_owned())]);
        assert!(!c.utm);
        assert_eq!(
            c.set_attribute("data-strings-link-copie", "x")
                .unwrap_err()
                .field,
            "data-strings-link-copie"
        );
        assert!(c
            .set_attribute("data-channels", "whatsapp,myspace")
            .unwrap_err()
            .to_string()
            .starts_with(
                "lanterne: data-channels has an unknown channel \"myspace\" (known: whatsapp,"
            ));
        assert!(c
            .set_attribute("data-messenger-app-id", "abc")
            .unwrap_err()
            .to_string()
            .contains("must be a Meta app id"));
        c.set_attribute("data-mastodon-instance", "Mastodon.Social")
            .unwrap();
        assert_eq!(c.mastodon_instance.as_deref(), Some("mastodon.social"));
        assert!(c
            .set_attribute("data-max-chars", "lots")
            .unwrap_err()
            .to_string()
            .contains("data-max-chars must be a whole number"));
    }
}
