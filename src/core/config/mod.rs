//! The configuration a site passes to `start()` or writes as `data-*` attributes on the
//! script tag (docs/options.md#options), checked option by option, with errors that
//! name the field as the site wrote it (`config.param`, `data-param`) and say what was
//! expected. The browser layer only reads JavaScript values into [`Value`]s; the two
//! checks that need the page (the endpoint resolved as a URL, `ignoreSelector` parsed as
//! CSS) it makes itself.
//!
//! One table, `OPTIONS`, says what each option is; the same code checks every option,
//! from an object or from attributes. Checks run in three rounds, so the error a site
//! sees is the first of: a value of the wrong type or shape (in the order given), a value
//! only the core can judge (host names, channel ids, string keys, the Mastodon server),
//! an option missing for the others (`site`, `callback`, `endpoint`).

use super::buttons::{is_string_key, parse_channels, DEFAULT_CHANNELS};
use super::channel::Channel;
use super::format::Format;
use super::hosts::{ToAscii, TrackedHosts};
use super::json::push_str;
use super::url::{is_plausible_host, Placement};
use crate::core::chars::{cat, joined};
use crate::prelude::*;
use options::{camel, option, push_kebab, ConfigOption, Kind, OPTIONS};

mod options;
mod share_options;
#[cfg(test)]
mod tests;

pub use share_options::{OptionsError, ShareOptions};

/// Where a config came from; it decides how errors name fields.
///
/// ```
/// use lanterne::core::config::Source;
/// assert_eq!(Source::Object.field("strings.shareOnn"), "config.strings.shareOnn");
/// assert_eq!(Source::Attributes.field("trackedHosts"), "data-tracked-hosts");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `start(config)`: fields are `config.<key>`.
    Object,
    /// A script tag's `data-*` attributes: fields are the attributes.
    Attributes,
}

impl Source {
    /// How errors name an option (`trackedHosts`) or an entry of one (`strings.shareOnn`,
    /// `headers.x-api-key`): `config.<key>`, or the attribute it is read from
    /// (`data-tracked-hosts`, `data-strings-share-onn`, `data-headers-x-api-key`). The whole
    /// of `strings` or `headers` is its attribute prefix (`data-strings-`).
    ///
    /// ```
    /// use lanterne::core::config::Source;
    /// assert_eq!(Source::Object.field("trackedHosts"), "config.trackedHosts");
    /// assert_eq!(Source::Attributes.field("strings.shareOnn"), "data-strings-share-onn");
    /// assert_eq!(Source::Attributes.field("headers.x-api-key"), "data-headers-x-api-key");
    /// assert_eq!(Source::Attributes.field("headers"), "data-headers-");
    /// ```
    pub fn field(self, key: &str) -> String {
        if self == Source::Object {
            return cat(&["config.", key]);
        }
        let (name, entry) = match key.split_once('.') {
            Some((name, entry)) => (name, Some(entry)),
            None => (key, None),
        };
        let kind = option(name).map(|o| o.kind);
        let mut field = String::from("data-");
        push_kebab(&mut field, name);
        if entry.is_some() || matches!(kind, Some(Kind::Labels | Kind::Object(_))) {
            field.push('-');
        }
        match entry {
            // `strings` keys are camelCase in JavaScript, kebab-case in attributes.
            Some(entry) if matches!(kind, Some(Kind::Labels)) => push_kebab(&mut field, entry),
            Some(entry) => field.push_str(entry),
            None => {}
        }
        field
    }
}

/// A JavaScript value as the browser layer read it: its type and shape, which is all the
/// checks and their messages need.
///
/// ```
/// use lanterne::core::config::Value;
/// let hosts = Value::List(vec!["example.com".into()]);
/// let headers = Value::Object(vec![("X-Api-Key".into(), "k1".into())]);
/// assert_ne!(hosts, headers);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string.
    Text(String),
    /// `true` or `false`.
    Bool(bool),
    /// A number, any number (`NaN`, `1.5`, `-3`).
    Number(f64),
    /// An array whose items are all strings.
    List(Vec<String>),
    /// An array with an item that is not a string.
    Array,
    /// A plain object whose own enumerable values are all strings: its entries, in order.
    Object(Vec<(String, String)>),
    /// An object with a value that is not a string.
    Mixed,
    /// A function.
    Function,
    /// `null`.
    Null,
}

/// Whether events may be sent (config `consent`; docs/privacy.md#consent).
///
/// ```
/// use lanterne::core::config::Consent;
/// assert_eq!(Consent::parse("pending"), Some(Consent::Pending));
/// assert_eq!(Consent::Denied.id(), "denied");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Consent {
    /// Track and send (the default).
    Granted,
    /// Track and queue locally; send nothing until `tracker.grant()`.
    Pending,
    /// Track nothing until `tracker.grant()`.
    Denied,
}

impl Consent {
    /// The config value naming this state.
    ///
    /// ```
    /// assert_eq!(lanterne::core::config::Consent::Granted.id(), "granted");
    /// ```
    pub fn id(self) -> &'static str {
        match self {
            Consent::Granted => "granted",
            Consent::Pending => "pending",
            Consent::Denied => "denied",
        }
    }

    /// The state a config value names, if any.
    ///
    /// ```
    /// use lanterne::core::config::Consent;
    /// assert_eq!(Consent::parse("granted"), Some(Consent::Granted));
    /// assert_eq!(Consent::parse("Granted"), None);
    /// ```
    pub fn parse(id: &str) -> Option<Consent> {
        match id {
            "granted" => Some(Consent::Granted),
            "pending" => Some(Consent::Pending),
            "denied" => Some(Consent::Denied),
            _ => None,
        }
    }
}

/// A checked configuration (docs/options.md#options), made with [`Config::from_object`]
/// or [`Config::from_attributes`]; what was not given has its default.
///
/// ```
/// use lanterne::core::config::{Config, Value};
/// use lanterne::core::hosts::ascii_lowercase;
/// let entries = vec![("endpoint".to_string(), Value::Text("/collect".into()))];
/// let config = Config::from_object(entries, ascii_lowercase).unwrap();
/// assert_eq!((config.endpoint.as_str(), config.param.as_str(), config.queue_limit), ("/collect", "lt", 1000));
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    /// Where events are POSTed, as given (empty when not given: the format stays in the
    /// page). The browser layer resolves it against the page.
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
    /// Whether sourceless landings are reported (`landing` events).
    pub landings: bool,
    /// Section fronts: paths whose sourceless landings are not reported (the home page
    /// never is).
    pub front_paths: Vec<String>,
    /// Whether copies without a tracked URL get a "Read more: URL" line.
    pub attribution: bool,
    /// Minimum words in a selection for the attribution line.
    pub attribution_min_words: u32,
    /// The attribution line's label; `None` means the page language's default.
    pub attribution_text: Option<String>,
    /// Extra CSS selector whose contents are never touched, as given (the browser layer
    /// checks it is valid CSS).
    pub ignore_selector: Option<String>,
    /// Selections longer than this (in characters) are left to the browser.
    pub max_chars: u32,
    /// Whether share links carry `utm_source`, `utm_medium` and `utm_campaign`.
    pub utm: bool,
    /// `utm_campaign` of share links, if any.
    pub utm_campaign: Option<String>,
    /// Meta app id for Messenger's desktop send dialog.
    pub messenger_app_id: Option<String>,
    /// Mastodon instance host (lower case) for the Mastodon button; default: Mastodon's
    /// share picker.
    pub mastodon_instance: Option<String>,
    /// Channels of a share container that does not list its own.
    pub channels: Vec<Channel>,
    /// Whether `[data-lanterne-share]` containers get buttons at start and when added.
    pub share_buttons: bool,
    /// Overrides of visible strings: phrase key or channel id, and the text.
    pub strings: Vec<(String, String)>,
    /// Most events waiting for the endpoint.
    pub queue_limit: u32,
    /// Most bytes of events waiting.
    pub queue_bytes: u32,
    /// Extra request headers: name, value.
    pub headers: Vec<(String, String)>,
    /// Whether events may be sent yet.
    pub consent: Consent,
    /// Whether Global Privacy Control is honoured.
    pub gpc: bool,
    /// Whether Do Not Track is honoured.
    pub dnt: bool,
    /// Where events go.
    pub format: Format,
    /// The site's id in the analytics tool.
    pub site: Option<String>,
    /// Whether a callback function was given (the browser layer keeps the function).
    pub callback: bool,
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
            landings: true,
            front_paths: Vec::new(),
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
            queue_limit: 1000,
            queue_bytes: 262_144,
            headers: Vec::new(),
            consent: Consent::Granted,
            gpc: true,
            dnt: false,
            format: Format::Lanterne,
            site: None,
            callback: false,
        }
    }
}

/// A config lanterne cannot accept.
///
/// With the `messages` feature (the default: native builds and lanterne's second, lazily
/// loaded wasm module), it says which field, as the site wrote it (`config.param`,
/// `data-param`), and the rest of the sentence (`must be …`). Without it (the module every
/// page loads), it is only the fact: a bad config is rare, and its words (a few kilobytes
/// of strings and the code that writes them) are loaded only then, from the second module,
/// which runs the same checks again to say what is wrong (docs/performance.md#size).
///
/// ```
/// use lanterne::core::config::ConfigError;
/// let err = ConfigError::new(|| "config.param".into(), || "must be …".into());
/// assert_eq!(err.message(), "lanterne: config.param must be …");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The field: `config.param`, `data-param`; empty for what the page lacks.
    #[cfg(feature = "messages")]
    pub field: String,
    /// What is wrong with it: `must be …`, `is required …`, `is not a lanterne option …`.
    #[cfg(feature = "messages")]
    pub problem: String,
}

impl ConfigError {
    /// An error about `field`; both words are made only where messages are built (the
    /// closures are never called, and leave no code, without the `messages` feature).
    #[inline(always)]
    pub fn new(field: impl FnOnce() -> String, problem: impl FnOnce() -> String) -> ConfigError {
        #[cfg(feature = "messages")]
        return ConfigError {
            field: field(),
            problem: problem(),
        };
        #[cfg(not(feature = "messages"))]
        {
            let _ = (field, problem);
            ConfigError {}
        }
    }

    /// `<field> must be <expected> (got <got>)`.
    #[inline(always)]
    pub fn must_be(
        field: impl FnOnce() -> String,
        expected: impl FnOnce() -> String,
        got: impl FnOnce() -> String,
    ) -> ConfigError {
        ConfigError::new(field, || {
            cat(&["must be ", &expected(), " (got ", &got(), ")"])
        })
    }

    /// What the page lacks (Web Crypto, an http(s) address): no field.
    ///
    /// ```
    /// use lanterne::core::config::ConfigError;
    /// assert_eq!(ConfigError::page(|| "needs Web Crypto".into()).message(), "lanterne: needs Web Crypto");
    /// ```
    #[inline(always)]
    pub fn page(problem: impl FnOnce() -> String) -> ConfigError {
        ConfigError::new(String::new, problem)
    }

    /// The message of the `Error` the page sees: `lanterne: <field> <problem>`.
    ///
    /// ```
    /// use lanterne::core::config::ConfigError;
    /// assert_eq!(ConfigError::not_an_object().message(), r#"lanterne: config must be an object such as { endpoint: "/collect" }"#);
    /// ```
    #[cfg(feature = "messages")]
    pub fn message(&self) -> String {
        if self.field.is_empty() {
            return cat(&["lanterne: ", &self.problem]);
        }
        cat(&["lanterne: ", &self.field, " ", &self.problem])
    }

    /// `start()` was given something that is not a plain object.
    ///
    /// ```
    /// use lanterne::core::config::ConfigError;
    /// assert_eq!(ConfigError::not_an_object().field, "config");
    /// ```
    pub fn not_an_object() -> ConfigError {
        ConfigError::new(
            || "config".into(),
            || r#"must be an object such as { endpoint: "/collect" }"#.into(),
        )
    }
}

impl Config {
    /// The config from `start(config)`'s own enumerable entries, in order; the browser
    /// layer leaves out `undefined` values ("not set"). The error names the first bad
    /// entry (`config.<key>`), an unknown key included.
    ///
    /// ```
    /// use lanterne::core::config::{Config, Value};
    /// use lanterne::core::hosts::ascii_lowercase;
    /// let entry = |key: &str, value| (key.to_string(), value);
    /// let config = Config::from_object(
    ///     vec![entry("endpoint", Value::Text("/c".into())), entry("channels", Value::List(vec!["whatsapp".into(), "email".into()]))],
    ///     ascii_lowercase,
    /// ).unwrap();
    /// assert_eq!(config.channels.len(), 2);
    /// let err = Config::from_object(vec![entry("endpoint", Value::Number(3.0))], ascii_lowercase).unwrap_err();
    /// assert_eq!(err.message(), "lanterne: config.endpoint must be a string (got 3)");
    /// ```
    pub fn from_object(
        entries: Vec<(String, Value)>,
        to_ascii: ToAscii,
    ) -> Result<Config, ConfigError> {
        let mut checked = Vec::new();
        for (key, value) in entries {
            let Some(option) = option(&key) else {
                return Err(ConfigError::new(
                    || Source::Object.field(&key),
                    || {
                        let mut problem = String::from("is not a lanterne option (known: ");
                        for (i, option) in OPTIONS.iter().enumerate() {
                            if i > 0 {
                                problem.push_str(", ");
                            }
                            problem.push_str(option.key);
                        }
                        problem.push(')');
                        problem
                    },
                ));
            };
            option.check(&value, Source::Object)?;
            checked.push((option, value));
        }
        Config::from_checked(checked, Source::Object, to_ascii)
    }

    /// The config from a script tag's attributes (name, value), all of them in document
    /// order. Attributes lanterne does not know are ignored (other tools put theirs on
    /// script tags too); the others are read as `start()`'s values would be: booleans
    /// `true`, `false` or present with no value, whole numbers in digits, lists
    /// comma-separated, `data-strings-<key>` and `data-headers-<name>` as entries of
    /// `strings` and `headers` (checked after the other attributes).
    ///
    /// ```
    /// use lanterne::core::config::Config;
    /// use lanterne::core::hosts::ascii_lowercase;
    /// let attributes = [("src", "/lanterne.js"), ("data-endpoint", "/c"), ("data-attribution", ""), ("data-strings-link-copied", "Copié !")];
    /// let attributes = attributes.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    /// let config = Config::from_attributes(attributes, ascii_lowercase).unwrap();
    /// assert!(config.attribution);
    /// assert_eq!(config.strings, [("linkCopied".to_string(), "Copié !".to_string())]);
    /// ```
    pub fn from_attributes(
        attributes: Vec<(String, String)>,
        to_ascii: ToAscii,
    ) -> Result<Config, ConfigError> {
        let source = Source::Attributes;
        let mut checked = Vec::new();
        // `strings` and `headers`, gathered from their prefixed attributes.
        let mut objects: Vec<(&ConfigOption, Vec<(String, String)>)> = Vec::new();
        for option in &OPTIONS {
            if matches!(option.kind, Kind::Labels | Kind::Object(_)) {
                objects.push((option, Vec::new()));
            }
        }
        for (name, raw) in attributes {
            // `data-strings-<key>`, `data-headers-<name>`: an entry of that object (a
            // later attribute for the same key replaces the value, as in JavaScript).
            let object = objects.iter_mut().find_map(|(option, entries)| {
                let rest = name.strip_prefix(source.field(option.key).as_str())?;
                (!rest.is_empty()).then_some((option.kind, entries, rest))
            });
            if let Some((kind, entries, rest)) = object {
                let key = match kind {
                    Kind::Labels => camel(rest),
                    _ => rest.to_owned(),
                };
                match entries.iter_mut().find(|(k, _)| *k == key) {
                    Some(entry) => entry.1 = raw,
                    None => entries.push((key, raw)),
                }
                continue;
            }
            let option = OPTIONS
                .iter()
                .find(|o| !matches!(o.kind, Kind::Function) && source.field(o.key) == name);
            if let Some(option) = option {
                let value = option.kind.read_attribute(raw);
                option.check(&value, source)?;
                checked.push((option, value));
            }
        }
        for (option, entries) in objects {
            if !entries.is_empty() {
                let value = Value::Object(entries);
                option.check(&value, source)?;
                checked.push((option, value));
            }
        }
        Config::from_checked(checked, source, to_ascii)
    }

    /// The config from values whose types are checked: what only the core can judge,
    /// then what options need of each other.
    fn from_checked(
        checked: Vec<(&ConfigOption, Value)>,
        source: Source,
        to_ascii: ToAscii,
    ) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        for (option, value) in checked {
            config.set(option.key, value, source, to_ascii)?;
        }
        config.finish(source)
    }

    /// Sets one option whose value has the right type, checking host names, channel ids,
    /// string keys and the Mastodon server.
    fn set(
        &mut self,
        key: &str,
        value: Value,
        source: Source,
        to_ascii: ToAscii,
    ) -> Result<(), ConfigError> {
        match (key, value) {
            ("endpoint", Value::Text(v)) => self.endpoint = v,
            ("trackedHosts", Value::List(hosts)) => {
                let hosts = TrackedHosts::parse(hosts.iter().map(String::as_str), to_ascii)
                    .map_err(|bad| {
                        ConfigError::must_be(
                            || source.field(key),
                            || r#"host names such as "example.com" or "*.example.com""#.into(),
                            || json(bad),
                        )
                    })?;
                self.tracked_hosts = Some(hosts);
            }
            ("param", Value::Text(v)) => self.param = v,
            ("placement", Value::Text(v)) => {
                self.placement = Placement::parse(&v).unwrap_or(Placement::Auto)
            }
            ("addressBar", Value::Bool(on)) => self.address_bar = on,
            ("excludePaths", Value::List(paths)) => self.exclude_paths = paths,
            ("landings", Value::Bool(on)) => self.landings = on,
            ("frontPaths", Value::List(paths)) => self.front_paths = paths,
            ("attribution", Value::Bool(on)) => self.attribution = on,
            ("attributionMinWords", Value::Number(n)) => self.attribution_min_words = n as u32,
            ("attributionText", Value::Text(v)) => self.attribution_text = Some(v),
            ("ignoreSelector", Value::Text(v)) => self.ignore_selector = Some(v),
            ("maxChars", Value::Number(n)) => self.max_chars = n as u32,
            ("utm", Value::Bool(on)) => self.utm = on,
            ("utmCampaign", Value::Text(v)) => self.utm_campaign = Some(v),
            ("messengerAppId", Value::Text(v)) => self.messenger_app_id = Some(v),
            ("mastodonInstance", Value::Text(v)) => {
                let host = v.to_ascii_lowercase();
                if !is_plausible_host(&host) || !host.contains('.') {
                    return Err(ConfigError::must_be(
                        || source.field(key),
                        || r#"a Mastodon server's host name such as "mastodon.social""#.into(),
                        || json(&v),
                    ));
                }
                self.mastodon_instance = Some(host);
            }
            ("channels", Value::List(ids)) => {
                self.channels = parse_channels(&joined(&ids, ","))
                    .map_err(|problem| ConfigError::new(|| source.field(key), || problem))?;
            }
            ("shareButtons", Value::Bool(on)) => self.share_buttons = on,
            ("strings", Value::Object(entries)) => {
                if let Some((name, _)) = entries.iter().find(|(name, _)| !is_string_key(name)) {
                    return Err(ConfigError::new(
                        || source.field(&cat(&[key, ".", name])),
                        || {
                            "is not a lanterne string (known: shareOn, copyLink, linkCopied, copyFailed, shareVia, readMore, or a channel id such as whatsapp)".into()
                        },
                    ));
                }
                self.strings = entries;
            }
            ("queueLimit", Value::Number(n)) => self.queue_limit = n as u32,
            ("queueBytes", Value::Number(n)) => self.queue_bytes = n as u32,
            ("headers", Value::Object(entries)) => self.headers = entries,
            ("consent", Value::Text(v)) => {
                self.consent = Consent::parse(&v).unwrap_or(Consent::Granted)
            }
            ("gpc", Value::Bool(on)) => self.gpc = on,
            ("dnt", Value::Bool(on)) => self.dnt = on,
            ("format", Value::Text(v)) => {
                self.format = Format::parse(&v).unwrap_or(Format::Lanterne)
            }
            ("site", Value::Text(v)) => self.site = Some(v),
            ("callback", Value::Function) => self.callback = true,
            _ => {}
        }
        Ok(())
    }

    /// What no single option can say: the site's id for the tools that need one, the
    /// callback for format `callback`, the endpoint unless events stay in the page.
    fn finish(self, source: Source) -> Result<Config, ConfigError> {
        let format = self.format;
        if format.needs_site() && self.site.is_none() {
            return Err(ConfigError::new(
                || source.field("site"),
                || {
                    cat(&[
                        "is required with format \"",
                        format.id(),
                        "\": the site's id in that tool",
                    ])
                },
            ));
        }
        if format == Format::Callback && !self.callback {
            // Attributes cannot give a function: the format is what is wrong there.
            let field = match source {
                Source::Object => "callback",
                Source::Attributes => "format",
            };
            return Err(ConfigError::new(
                || source.field(field),
                || {
                    r#"is required with format "callback": a function receiving each batch of events (from JavaScript: start({ format: "callback", callback }))"#.into()
                },
            ));
        }
        if self.endpoint.is_empty() && !format.in_page() {
            return Err(ConfigError::new(
                || source.field("endpoint"),
                || r#"is required: the URL events are POSTed to, such as "/collect""#.into(),
            ));
        }
        Ok(self)
    }
}

/// A text as errors show it: JSON (only called where messages are built).
fn json(text: &str) -> String {
    let mut out = String::new();
    push_str(&mut out, text);
    out
}
