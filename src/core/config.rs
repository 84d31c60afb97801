//! The configuration a site passes to `start()` or writes as `data-*` attributes on the
//! script tag (SPEC §7, README "Options"), checked option by option, with errors that
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
use super::chars::{char_count, char_offset, is_space, sub};
use super::format::Format;
use super::hosts::{ToAscii, TrackedHosts};
use super::json::{push_str, push_u64};
use super::url::{is_plausible_host, is_valid_param, Placement};
use crate::prelude::*;

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
            return ["config.", key].concat();
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

/// Whether events may be sent (config `consent`; README "Privacy").
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

/// A checked configuration (README "Options"), made with [`Config::from_object`] or
/// [`Config::from_attributes`]; what was not given has its default.
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

/// A config lanterne cannot accept: the field as the site wrote it (`config.param`,
/// `data-param`, `options.url`) and the rest of the sentence (`must be …`).
///
/// ```
/// use lanterne::core::config::ConfigError;
/// let err = ConfigError { field: "config.param".into(), problem: "must be …".into() };
/// assert_eq!(err.message(), "lanterne: config.param must be …");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The field: `config.param`, `data-param`, `options.url`.
    pub field: String,
    /// What is wrong with it: `must be …`, `is required …`, `is not a lanterne option …`.
    pub problem: String,
}

impl ConfigError {
    /// The message of the `Error` the page sees: `lanterne: <field> <problem>`.
    ///
    /// ```
    /// use lanterne::core::config::ConfigError;
    /// assert_eq!(ConfigError::not_an_object().message(), r#"lanterne: config must be an object such as { endpoint: "/collect" }"#);
    /// ```
    pub fn message(&self) -> String {
        ["lanterne: ", &self.field, " ", &self.problem].concat()
    }

    /// `start()` was given something that is not a plain object.
    ///
    /// ```
    /// use lanterne::core::config::ConfigError;
    /// assert_eq!(ConfigError::not_an_object().field, "config");
    /// ```
    pub fn not_an_object() -> ConfigError {
        ConfigError::new(
            "config".into(),
            r#"must be an object such as { endpoint: "/collect" }"#,
        )
    }

    /// `renderButtons()` or `shareUrl()` was given options that are not an object.
    ///
    /// ```
    /// use lanterne::core::config::ConfigError;
    /// assert_eq!(ConfigError::options_not_an_object().message(), "lanterne: options must be an object");
    /// ```
    pub fn options_not_an_object() -> ConfigError {
        ConfigError::new("options".into(), "must be an object")
    }

    fn new(field: String, problem: &str) -> ConfigError {
        ConfigError {
            field,
            problem: problem.into(),
        }
    }

    /// `<field> must be <expected> (got <got>)`.
    fn must_be(field: String, expected: &str, got: &str) -> ConfigError {
        ConfigError {
            field,
            problem: ["must be ", expected, " (got ", got, ")"].concat(),
        }
    }
}

/// What an option's value must be, and the check beyond its type, if any.
#[derive(Clone, Copy)]
enum Kind {
    /// A string the function accepts.
    Text(fn(&str) -> bool),
    Bool,
    /// A whole number from 1 to 100000000, and at least this.
    Number(u32),
    /// An array of strings: at least `min` of them, each one `item` accepts.
    List {
        min: usize,
        item: fn(&str) -> bool,
    },
    /// An object of strings whose entries (name, value) the function all accepts; in
    /// attributes, `data-<option>-<name>`.
    Object(fn(&str, &str) -> bool),
    /// `strings`: an object of labels; in attributes, `data-strings-<kebab-case key>`.
    Labels,
    /// A function (JavaScript only).
    Function,
}

impl Kind {
    /// What a value of the wrong type is told to be.
    fn expected(self) -> &'static str {
        match self {
            Kind::Text(_) => "a string",
            Kind::Bool => "true or false",
            Kind::Number(_) => "a whole number from 1 to 100000000",
            Kind::List { .. } => "an array of strings",
            Kind::Object(_) | Kind::Labels => {
                r#"an object of strings such as { linkCopied: "Copied!" }"#
            }
            Kind::Function => "a function receiving each batch of events",
        }
    }

    /// An attribute's text as the value `start()` would have been given: booleans from
    /// `true`, `false` or presence, numbers from digits, lists split on commas; anything
    /// else is the text itself, which the type check then refuses.
    fn read_attribute(self, raw: String) -> Value {
        let trimmed = trim(&raw);
        match self {
            Kind::Bool if matches!(trimmed, "" | "true") => Value::Bool(true),
            Kind::Bool if trimmed == "false" => Value::Bool(false),
            Kind::Number(_)
                if (1..=15).contains(&trimmed.len())
                    && trimmed.bytes().all(|b| b.is_ascii_digit()) =>
            {
                let n = trimmed
                    .bytes()
                    .fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
                Value::Number(n as f64)
            }
            Kind::List { .. } => {
                let mut items = Vec::new();
                for item in raw.split(',').map(trim) {
                    if !item.is_empty() {
                        items.push(item.to_owned());
                    }
                }
                Value::List(items)
            }
            _ => Value::Text(raw),
        }
    }
}

/// One option: its JavaScript key, what its value must be, and what the error says it
/// must be when its own check fails (the type's message is the [`Kind`]'s).
struct ConfigOption {
    key: &'static str,
    kind: Kind,
    expected: &'static str,
}

const fn row(key: &'static str, kind: Kind, expected: &'static str) -> ConfigOption {
    ConfigOption {
        key,
        kind,
        expected,
    }
}

/// Every option, in the order errors list them. Keep in step with `js/lanterne.d.ts` and
/// the README's table. An option's attribute is `data-` and its key in kebab case.
static OPTIONS: [ConfigOption; 27] = [
    row(
        "endpoint",
        Kind::Text(|v| !v.is_empty() && !v.chars().any(is_js_space)),
        r#"a URL such as "/collect" or "https://stats.example/collect""#,
    ),
    row(
        "trackedHosts",
        Kind::List { min: 1, item: any },
        r#"a non-empty list of host names such as "example.com" or "*.example.com""#,
    ),
    row(
        "param",
        Kind::Text(is_valid_param),
        "1 to 32 of the characters A-Z a-z 0-9 _ -",
    ),
    row(
        "placement",
        Kind::Text(|v| Placement::parse(v).is_some()),
        r#""auto", "fragment" or "query""#,
    ),
    row("addressBar", Kind::Bool, ""),
    row(
        "excludePaths",
        Kind::List {
            min: 0,
            item: |path| path.starts_with(['/', '*']),
        },
        r#"paths starting with "/", such as "/search" or "/admin/*""#,
    ),
    row("attribution", Kind::Bool, ""),
    row("attributionMinWords", Kind::Number(1), ""),
    row(
        "attributionText",
        Kind::Text(is_label),
        r#"a non-empty label of at most 200 characters, such as "Read more:""#,
    ),
    row(
        "ignoreSelector",
        Kind::Text(|v| !trim(v).is_empty()),
        r#"a CSS selector such as ".no-track""#,
    ),
    row("maxChars", Kind::Number(1), ""),
    row("utm", Kind::Bool, ""),
    row(
        "utmCampaign",
        Kind::Text(|v| !v.is_empty() && char_count(v) <= 100),
        "1 to 100 characters",
    ),
    row(
        "messengerAppId",
        Kind::Text(|v| (1..=32).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit())),
        r#"a Meta app id: digits such as "1234567890""#,
    ),
    // Host name, channel ids, string keys: checked once every type is right.
    row("mastodonInstance", Kind::Text(any), ""),
    row("channels", Kind::List { min: 0, item: any }, ""),
    row("shareButtons", Kind::Bool, ""),
    row("strings", Kind::Labels, ""),
    // Delivery.
    row("queueLimit", Kind::Number(1), ""),
    row(
        "queueBytes",
        Kind::Number(1024),
        "a number of bytes from 1024 to 100000000",
    ),
    row(
        "headers",
        Kind::Object(|name, value| {
            !name.is_empty() && name.bytes().all(is_header_name_byte) && is_one_line(value)
        }),
        "HTTP headers: names of letters, digits and -, values on one line",
    ),
    row(
        "consent",
        Kind::Text(|v| Consent::parse(v).is_some()),
        r#""granted", "pending" or "denied""#,
    ),
    row("gpc", Kind::Bool, ""),
    row("dnt", Kind::Bool, ""),
    row(
        "format",
        Kind::Text(|v| Format::parse(v).is_some()),
        // Format::ALL's ids (a test keeps them in step).
        r#"one of "lanterne", "plausible", "umami", "posthog", "matomo", "ga4", "callback""#,
    ),
    row(
        "site",
        Kind::Text(|v| !v.is_empty() && char_count(v) <= 200 && is_one_line(v)),
        "the site's id in the analytics tool (1 to 200 characters)",
    ),
    row("callback", Kind::Function, ""),
];

fn option(key: &str) -> Option<&'static ConfigOption> {
    OPTIONS.iter().find(|o| o.key == key)
}

fn any(_: &str) -> bool {
    true
}

/// White space as JavaScript's `trim()` and `\s` see it (U+0085 is not).
fn is_js_space(c: char) -> bool {
    is_space(c) && c != '\u{85}'
}

fn trim(s: &str) -> &str {
    s.trim_matches(is_js_space)
}

/// A visible label: not blank, at most 200 characters.
fn is_label(text: &str) -> bool {
    !trim(text).is_empty() && char_count(text) <= 200
}

/// No CR, LF or NUL: nothing that could end an HTTP header line.
fn is_one_line(text: &str) -> bool {
    !text.chars().any(|c| matches!(c, '\r' | '\n' | '\0'))
}

/// A byte of an HTTP header name (RFC 9110 `tchar`).
fn is_header_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `trackedHosts` → `tracked-hosts`.
fn push_kebab(out: &mut String, camel: &str) {
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
}

/// `link-copied` → `linkCopied`.
fn camel(kebab: &str) -> String {
    let mut out = String::new();
    let mut chars = kebab.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('-', Some(next)) => {
                out.push(next.to_ascii_uppercase());
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// `n` as a sign and a whole number, if it is a whole number under 1e15 in absolute value.
fn whole(n: f64) -> Option<(bool, u64)> {
    let magnitude = if n < 0.0 { -n } else { n };
    (magnitude < 1e15 && (magnitude as u64) as f64 == magnitude)
        .then_some((n < 0.0, magnitude as u64))
}

/// A string as errors show it: JSON of its first 60 characters.
fn quoted(text: &str) -> String {
    let end = char_offset(text, 60);
    let mut out = String::new();
    push_str(&mut out, sub(text, 0, end));
    out
}

/// A value as errors show it (`got …`).
fn describe(value: &Value) -> String {
    match value {
        Value::Text(text) => quoted(text),
        Value::Bool(true) => "true".into(),
        Value::Bool(false) => "false".into(),
        Value::Number(n) => match whole(*n) {
            Some((negative, magnitude)) => {
                let mut out = String::from(if negative { "-" } else { "" });
                push_u64(&mut out, magnitude);
                out
            }
            None => "a fractional or non-finite number".into(),
        },
        Value::List(items) => {
            let mut out = String::from("an array of ");
            push_u64(&mut out, items.len() as u64);
            out
        }
        Value::Array => "an array with non-string items".into(),
        Value::Object(_) => "an object".into(),
        Value::Mixed => "an object with non-string values".into(),
        Value::Function => "a function".into(),
        Value::Null => "null".into(),
    }
}

impl ConfigOption {
    /// Checks `value`'s type, then the option's own rule.
    fn check(&self, value: &Value, source: Source) -> Result<(), ConfigError> {
        let must_be = |expected: &str, got: String| {
            Err(ConfigError::must_be(source.field(self.key), expected, &got))
        };
        let type_ok = match (self.kind, value) {
            (Kind::Number(_), Value::Number(n)) => {
                whole(*n).is_some_and(|(negative, n)| !negative && (1..=100_000_000).contains(&n))
            }
            (Kind::Text(_), Value::Text(_))
            | (Kind::Bool, Value::Bool(_))
            | (Kind::List { .. }, Value::List(_))
            | (Kind::Object(_) | Kind::Labels, Value::Object(_))
            | (Kind::Function, Value::Function) => true,
            _ => false,
        };
        if !type_ok {
            return must_be(self.kind.expected(), describe(value));
        }
        match (self.kind, value) {
            (Kind::Text(ok), Value::Text(text)) if !ok(text) => {
                must_be(self.expected, describe(value))
            }
            (Kind::Number(min), Value::Number(n)) if *n < f64::from(min) => {
                must_be(self.expected, describe(value))
            }
            (Kind::List { min, .. }, Value::List(items)) if items.len() < min => {
                must_be(self.expected, describe(value))
            }
            // A list shows its first bad item.
            (Kind::List { item, .. }, Value::List(items)) => {
                match items.iter().find(|i| !item(i)) {
                    Some(bad) => must_be(self.expected, quoted(bad)),
                    None => Ok(()),
                }
            }
            (Kind::Object(ok), Value::Object(entries))
                if !entries.iter().all(|(k, v)| ok(k, v)) =>
            {
                must_be(self.expected, describe(value))
            }
            // Each label is its own field.
            (Kind::Labels, Value::Object(entries)) => {
                match entries.iter().find(|(_, text)| !is_label(text)) {
                    Some((key, _)) => Err(ConfigError::new(
                        source.field(&[self.key, ".", key].concat()),
                        "must be a non-empty string of at most 200 characters",
                    )),
                    None => Ok(()),
                }
            }
            _ => Ok(()),
        }
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
                let mut problem = String::from("is not a lanterne option (known: ");
                for (i, option) in OPTIONS.iter().enumerate() {
                    if i > 0 {
                        problem.push_str(", ");
                    }
                    problem.push_str(option.key);
                }
                problem.push(')');
                return Err(ConfigError::new(Source::Object.field(&key), &problem));
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
        let json = |text: &str| {
            let mut out = String::new();
            push_str(&mut out, text);
            out
        };
        match (key, value) {
            ("endpoint", Value::Text(v)) => self.endpoint = v,
            ("trackedHosts", Value::List(hosts)) => {
                let hosts = TrackedHosts::parse(hosts.iter().map(String::as_str), to_ascii)
                    .map_err(|bad| {
                        ConfigError::must_be(
                            source.field(key),
                            r#"host names such as "example.com" or "*.example.com""#,
                            &json(bad),
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
                        source.field(key),
                        r#"a Mastodon server's host name such as "mastodon.social""#,
                        &json(&v),
                    ));
                }
                self.mastodon_instance = Some(host);
            }
            ("channels", Value::List(ids)) => {
                self.channels = parse_channels(&ids.join(",")).map_err(|problem| ConfigError {
                    field: source.field(key),
                    problem,
                })?;
            }
            ("shareButtons", Value::Bool(on)) => self.share_buttons = on,
            ("strings", Value::Object(entries)) => {
                if let Some((name, _)) = entries.iter().find(|(name, _)| !is_string_key(name)) {
                    return Err(ConfigError::new(
                        source.field(&[key, ".", name].concat()),
                        "is not a lanterne string (known: shareOn, copyLink, linkCopied, copyFailed, shareVia, readMore, or a channel id such as whatsapp)",
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
            let problem = [
                "is required with format \"",
                format.id(),
                "\": the site's id in that tool",
            ]
            .concat();
            return Err(ConfigError::new(source.field("site"), &problem));
        }
        if format == Format::Callback && !self.callback {
            // Attributes cannot give a function: the format is what is wrong there.
            let field = match source {
                Source::Object => "callback",
                Source::Attributes => "format",
            };
            return Err(ConfigError::new(
                source.field(field),
                r#"is required with format "callback": a function receiving each batch of events (from JavaScript: start({ format: "callback", callback }))"#,
            ));
        }
        if self.endpoint.is_empty() && !format.in_page() {
            return Err(ConfigError::new(
                source.field("endpoint"),
                r#"is required: the URL events are POSTed to, such as "/collect""#,
            ));
        }
        Ok(self)
    }
}

/// The options of `renderButtons()` and `shareUrl()`, checked. `url` is kept as given:
/// the browser layer resolves it against the page and checks it is http(s).
///
/// ```
/// use lanterne::core::config::{ShareOptions, Value};
/// let options = ShareOptions::from_entries(vec![("title".to_string(), Value::Text("Hi".into()))], &["url", "title", "text"]).unwrap();
/// assert_eq!(options.title.as_deref(), Some("Hi"));
/// assert_eq!(options.url, None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShareOptions {
    /// The channels to draw, instead of the config's.
    pub channels: Option<Vec<Channel>>,
    /// The URL to share, as given, instead of the page's.
    pub url: Option<String>,
    /// The title to share, instead of the page's.
    pub title: Option<String>,
    /// Text shared with the URL.
    pub text: Option<String>,
    /// Whether buttons show their names (`false`: icons only).
    pub labels: Option<bool>,
}

impl ShareOptions {
    /// Checks the options object's own entries (name, value) against `allowed`, the keys
    /// that call takes (`renderButtons`: `channels`, `url`, `title`, `text`, `labels`;
    /// `shareUrl`: `url`, `title`, `text`). Errors name `options.<key>`; an object that is
    /// not one is [`ConfigError::options_not_an_object`].
    ///
    /// ```
    /// use lanterne::core::config::{ShareOptions, Value};
    /// let allowed = ["channels", "url", "title", "text", "labels"];
    /// let channels = vec![("channels".to_string(), Value::List(vec!["myspace".into()]))];
    /// let err = ShareOptions::from_entries(channels, &allowed).unwrap_err();
    /// assert!(err.message().starts_with(r#"lanterne: options.channels has an unknown channel "myspace" (known: whatsapp,"#));
    /// ```
    pub fn from_entries(
        entries: Vec<(String, Value)>,
        allowed: &[&str],
    ) -> Result<ShareOptions, ConfigError> {
        let field = |key: &str| ["options.", key].concat();
        let mut options = ShareOptions::default();
        let mut channels = None;
        // The place in SHARE_KEYS of the first key (in that order, whatever the order
        // given) whose value has the wrong type; past the end when none has.
        let mut wrong = usize::MAX;
        // One pass: an unknown key is told at once, a value of the wrong type once every
        // key is known to be one.
        for (key, value) in entries {
            let place = SHARE_KEYS.iter().position(|k| *k == key);
            let Some(place) = place.filter(|_| allowed.contains(&key.as_str())) else {
                let problem = ["is not an option here (known: ", &allowed.join(", "), ")"].concat();
                return Err(ConfigError::new(field(&key), &problem));
            };
            match (place, value) {
                (0, Value::List(ids)) => channels = Some(ids),
                (1, Value::Text(v)) => options.url = Some(v),
                (2, Value::Text(v)) => options.title = Some(v),
                (3, Value::Text(v)) => options.text = Some(v),
                (4, Value::Bool(on)) => options.labels = Some(on),
                _ => wrong = wrong.min(place),
            }
        }
        if let Some(key) = SHARE_KEYS.get(wrong) {
            let problem = match wrong {
                0 => r#"must be an array of channel ids such as ["whatsapp", "email"]"#,
                4 => "must be true or false",
                _ => "must be a string",
            };
            return Err(ConfigError::new(field(key), problem));
        }
        if let Some(ids) = channels {
            let parsed = parse_channels(&ids.join(",")).map_err(|problem| ConfigError {
                field: field("channels"),
                problem,
            })?;
            options.channels = Some(parsed);
        }
        Ok(options)
    }
}

/// The keys [`ShareOptions::from_entries`] knows, in the order their types are checked
/// (and the order of its `match`).
const SHARE_KEYS: [&str; 5] = ["channels", "url", "title", "text", "labels"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::hosts::ascii_lowercase;

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| s.to_string()).collect())
    }

    fn object(entries: &[(&str, &str)]) -> Value {
        Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn from_object(entries: Vec<(&str, Value)>) -> Result<Config, ConfigError> {
        let entries = entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        Config::from_object(entries, ascii_lowercase)
    }

    /// The error message for `start(config)`, or "accepted".
    fn error(entries: Vec<(&str, Value)>) -> String {
        from_object(entries).map_or_else(|e| e.message(), |_| "accepted".into())
    }

    fn from_attributes(attributes: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let attributes = attributes
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        Config::from_attributes(attributes, ascii_lowercase)
    }

    /// The error message for a script tag with `data-endpoint="/c"` and `attributes`.
    fn fails(attributes: &[(&str, &str)]) -> String {
        let mut all = vec![("data-endpoint", "/c")];
        all.extend_from_slice(attributes);
        from_attributes(&all).map_or_else(|e| e.message(), |_| "accepted".into())
    }

    #[test]
    fn errors_name_the_field_and_the_expectation() {
        assert_eq!(
            error(vec![]),
            r#"lanterne: config.endpoint is required: the URL events are POSTed to, such as "/collect""#
        );
        assert_eq!(
            ConfigError::not_an_object().message(),
            r#"lanterne: config must be an object such as { endpoint: "/collect" }"#
        );
        assert_eq!(
            error(vec![("endpoint", Value::Number(3.0))]),
            "lanterne: config.endpoint must be a string (got 3)"
        );
        assert!(error(vec![("endpoint", text("a b"))])
            .starts_with("lanterne: config.endpoint must be a URL"));
        assert!(error(vec![("endpont", text("/c"))]).starts_with(
            "lanterne: config.endpont is not a lanterne option (known: endpoint, trackedHosts,"
        ));
        assert!(
            error(vec![("endpoint", text("/c")), ("param", text("a&b"))])
                .contains("config.param must be 1 to 32")
        );
        assert_eq!(
            error(vec![
                ("endpoint", text("/c")),
                ("placement", text("middle"))
            ]),
            r#"lanterne: config.placement must be "auto", "fragment" or "query" (got "middle")"#
        );
        assert_eq!(
            error(vec![("endpoint", text("/c")), ("addressBar", text("no"))]),
            r#"lanterne: config.addressBar must be true or false (got "no")"#
        );
        assert_eq!(
            error(vec![("endpoint", text("/c")), ("maxChars", Value::Number(0.5))]),
            "lanterne: config.maxChars must be a whole number from 1 to 100000000 (got a fractional or non-finite number)"
        );
        assert_eq!(
            error(vec![
                ("endpoint", text("/c")),
                ("maxChars", Value::Number(-3.0))
            ]),
            "lanterne: config.maxChars must be a whole number from 1 to 100000000 (got -3)"
        );
        assert_eq!(
            error(vec![
                ("endpoint", text("/c")),
                ("trackedHosts", text("a.example"))
            ]),
            r#"lanterne: config.trackedHosts must be an array of strings (got "a.example")"#
        );
        assert_eq!(
            error(vec![("endpoint", text("/c")), ("trackedHosts", Value::Array)]),
            "lanterne: config.trackedHosts must be an array of strings (got an array with non-string items)"
        );
        assert_eq!(
            error(vec![("endpoint", text("/c")), ("trackedHosts", list(&[]))]),
            r#"lanterne: config.trackedHosts must be a non-empty list of host names such as "example.com" or "*.example.com" (got an array of 0)"#
        );
        assert_eq!(
            error(vec![
                ("endpoint", text("/c")),
                ("excludePaths", list(&["/ok", "admin"]))
            ]),
            r#"lanterne: config.excludePaths must be paths starting with "/", such as "/search" or "/admin/*" (got "admin")"#
        );
        assert_eq!(
            error(vec![
                ("endpoint", text("/c")),
                ("ignoreSelector", Value::Null)
            ]),
            "lanterne: config.ignoreSelector must be a string (got null)"
        );
        assert_eq!(
            error(vec![("endpoint", text("/c")), ("strings", text("x"))]),
            r#"lanterne: config.strings must be an object of strings such as { linkCopied: "Copied!" } (got "x")"#
        );
        assert_eq!(
            error(vec![("endpoint", text("/c")), ("strings", object(&[("linkCopied", " ")]))]),
            "lanterne: config.strings.linkCopied must be a non-empty string of at most 200 characters"
        );
        assert!(error(vec![
            ("endpoint", text("/c")),
            ("messengerAppId", text("abc"))
        ])
        .contains("must be a Meta app id"));
        assert_eq!(
            error(vec![
                ("endpoint", text("/c")),
                ("channels", text("whatsapp"))
            ]),
            r#"lanterne: config.channels must be an array of strings (got "whatsapp")"#
        );
        // `{ param: undefined }`: the browser layer leaves undefined values out.
        assert_eq!(
            error(vec![("endpoint", text("/c"))]),
            "accepted",
            "undefined means not set"
        );
    }

    #[test]
    fn values_are_read_into_the_config() {
        let c = from_object(vec![
            ("endpoint", text("/c")),
            ("addressBar", Value::Bool(false)),
            ("maxChars", Value::Number(500.0)),
            ("channels", list(&["whatsapp", "email"])),
            ("strings", object(&[("linkCopied", "Copié")])),
            ("consent", text("pending")),
            ("queueLimit", Value::Number(50.0)),
        ])
        .unwrap();
        assert_eq!(c.endpoint, "/c");
        assert!(!c.address_bar);
        assert_eq!(c.max_chars, 500);
        assert_eq!(c.channels, [Channel::Whatsapp, Channel::Email]);
        assert_eq!(c.strings, [("linkCopied".to_owned(), "Copié".to_owned())]);
        assert_eq!((c.consent, c.queue_limit), (Consent::Pending, 50));
        // What was not given keeps its default.
        assert!(c.attribution == Config::default().attribution && c.gpc && !c.dnt);
        assert_eq!(
            (c.queue_bytes, c.format, c.site, c.callback),
            (262_144, Format::Lanterne, None, false)
        );
    }

    #[test]
    fn delivery_options_are_checked_with_what_they_need_together() {
        let c = |entries: Vec<(&str, Value)>| {
            let mut all = vec![("endpoint", text("/c"))];
            all.extend(entries);
            error(all)
        };
        assert_eq!(
            c(vec![("consent", text("maybe"))]),
            r#"lanterne: config.consent must be "granted", "pending" or "denied" (got "maybe")"#
        );
        assert!(c(vec![("format", text("ga3"))]).starts_with(
            r#"lanterne: config.format must be one of "lanterne", "plausible", "umami", "posthog", "matomo", "ga4", "callback" (got "ga3")"#
        ));
        assert!(c(vec![("headers", object(&[("X Bad", "v")]))])
            .starts_with("lanterne: config.headers must be HTTP headers"));
        assert!(
            c(vec![("headers", object(&[("X-Ok", "a\r\nSet-Cookie: x")]))])
                .contains("must be HTTP headers")
        );
        assert!(c(vec![("queueBytes", Value::Number(10.0))])
            .contains("config.queueBytes must be a number of bytes from 1024"));
        assert_eq!(
            error(vec![
                ("endpoint", text("/api/event")),
                ("format", text("plausible"))
            ]),
            r#"lanterne: config.site is required with format "plausible": the site's id in that tool"#
        );
        assert!(error(vec![("format", text("callback"))])
            .starts_with(r#"lanterne: config.callback is required with format "callback""#));
        assert_eq!(
            error(vec![
                ("format", text("callback")),
                ("callback", Value::Function)
            ]),
            "accepted",
            "a callback needs no endpoint"
        );
        assert_eq!(
            error(vec![("format", text("ga4"))]),
            "accepted",
            "gtag needs no endpoint"
        );
        assert_eq!(
            c(vec![("callback", text("f"))]),
            r#"lanterne: config.callback must be a function receiving each batch of events (got "f")"#
        );
        assert_eq!(
            c(vec![
                ("gpc", Value::Bool(false)),
                ("dnt", Value::Bool(true))
            ]),
            "accepted"
        );

        let d = from_object(vec![
            ("format", text("callback")),
            ("callback", Value::Function),
            ("headers", object(&[("X-Api-Key", "k1")])),
            ("queueBytes", Value::Number(4096.0)),
            ("site", text("example.com")),
            ("gpc", Value::Bool(false)),
            ("dnt", Value::Bool(true)),
        ])
        .unwrap();
        assert_eq!(
            (d.format, d.callback, d.endpoint.as_str()),
            (Format::Callback, true, "")
        );
        assert_eq!(d.headers, [("X-Api-Key".to_owned(), "k1".to_owned())]);
        assert_eq!(
            (d.queue_bytes, d.site.as_deref(), d.gpc, d.dnt),
            (4096, Some("example.com"), false, true)
        );
    }

    #[test]
    fn a_script_tags_attributes_are_converted_checked_and_named_in_errors() {
        let c = from_attributes(&[
            ("src", "/lanterne.js"),
            ("data-endpoint", "/collect"),
            ("data-address-bar", "false"),
            ("data-attribution", ""),
            ("data-attribution-min-words", "12"),
            ("data-tracked-hosts", " a.example, *.b.example ,"),
            ("data-cfasync", "false"),
            ("data-strings-link-copied", "Copié !"),
            ("data-consent", "pending"),
            ("data-headers-x-api-key", "k1"),
            ("data-gpc", "false"),
        ])
        .unwrap();
        assert_eq!(c.endpoint, "/collect");
        assert!(!c.address_bar && c.attribution && c.attribution_min_words == 12);
        let hosts = c.tracked_hosts.as_ref().unwrap();
        assert!(
            hosts.matches("a.example")
                && hosts.matches("x.b.example")
                && !hosts.matches("c.example")
        );
        assert_eq!(c.strings, [("linkCopied".to_owned(), "Copié !".to_owned())]);
        assert_eq!((c.consent, c.gpc), (Consent::Pending, false));
        assert_eq!(c.headers, [("x-api-key".to_owned(), "k1".to_owned())]);

        assert_eq!(
            fails(&[("data-address-bar", "nope")]),
            r#"lanterne: data-address-bar must be true or false (got "nope")"#
        );
        assert!(fails(&[("data-max-chars", "lots")])
            .starts_with("lanterne: data-max-chars must be a whole number"));
        assert_eq!(
            fails(&[("data-placement", "middle")]),
            r#"lanterne: data-placement must be "auto", "fragment" or "query" (got "middle")"#
        );
        assert_eq!(
            fails(&[("data-strings-link-copied", "")]),
            "lanterne: data-strings-link-copied must be a non-empty string of at most 200 characters"
        );
        assert!(from_attributes(&[("data-param", "x")])
            .unwrap_err()
            .message()
            .starts_with("lanterne: data-endpoint is required"));
        assert!(
            from_attributes(&[("data-endpoint", "/c"), ("data-format", "umami")])
                .unwrap_err()
                .message()
                .starts_with(r#"lanterne: data-site is required with format "umami""#)
        );
        assert_eq!(
            fails(&[("data-consent", "later")]),
            r#"lanterne: data-consent must be "granted", "pending" or "denied" (got "later")"#
        );
    }

    #[test]
    fn the_cores_errors_are_named_after_where_the_config_came_from() {
        assert_eq!(Source::Object.field("trackedHosts"), "config.trackedHosts");
        assert_eq!(
            Source::Attributes.field("trackedHosts"),
            "data-tracked-hosts"
        );
        assert_eq!(
            Source::Object.field("strings.shareOnn"),
            "config.strings.shareOnn"
        );
        assert_eq!(
            Source::Attributes.field("strings.shareOnn"),
            "data-strings-share-onn"
        );
        assert_eq!(Source::Attributes.field("headers.x"), "data-headers-x");
        assert_eq!(
            Source::Attributes.field("attributionMinWords"),
            "data-attribution-min-words"
        );
        assert_eq!(Source::Attributes.field("strings"), "data-strings-");

        assert_eq!(
            fails(&[("data-tracked-hosts", "ok.example, bad host")]),
            r#"lanterne: data-tracked-hosts must be host names such as "example.com" or "*.example.com" (got "bad host")"#
        );
        assert_eq!(
            error(vec![
                ("endpoint", text("/c")),
                ("trackedHosts", list(&["ok.example", "bad host"]))
            ]),
            r#"lanterne: config.trackedHosts must be host names such as "example.com" or "*.example.com" (got "bad host")"#
        );
        assert!(
            fails(&[("data-channels", "whatsapp, myspace")]).starts_with(
                r#"lanterne: data-channels has an unknown channel "myspace" (known: whatsapp,"#
            )
        );
        assert!(fails(&[("data-channels", " , ")])
            .starts_with("lanterne: data-channels must list at least one channel"));
        assert_eq!(
            fails(&[("data-strings-share-onn", "x")]),
            "lanterne: data-strings-share-onn is not a lanterne string (known: shareOn, copyLink, linkCopied, copyFailed, shareVia, readMore, or a channel id such as whatsapp)"
        );
        assert!(error(vec![
            ("endpoint", text("/c")),
            ("strings", object(&[("shareOnn", "x")]))
        ])
        .starts_with("lanterne: config.strings.shareOnn is not a lanterne string"));
        assert_eq!(
            fails(&[("data-mastodon-instance", "localhost")]),
            r#"lanterne: data-mastodon-instance must be a Mastodon server's host name such as "mastodon.social" (got "localhost")"#
        );
        // Every type is checked before the core's own checks, and those before what
        // options need of each other.
        assert!(error(vec![
            ("trackedHosts", list(&["bad host"])),
            ("param", text("a&b"))
        ])
        .contains("config.param"));
        assert!(error(vec![("trackedHosts", list(&["bad host"]))]).contains("config.trackedHosts"));
    }

    #[test]
    fn values_only_the_core_can_judge() {
        let c = from_object(vec![
            ("endpoint", text("/collect")),
            ("attribution", Value::Bool(true)),
            ("attributionMinWords", Value::Number(12.0)),
            ("trackedHosts", list(&["a.example", "*.b.example"])),
            ("excludePaths", list(&["/search", "/admin/*"])),
            ("placement", text("query")),
            ("channels", list(&["whatsapp", "copy_link", "whatsapp"])),
            ("mastodonInstance", text("Mastodon.Social")),
            ("utm", Value::Bool(false)),
            ("utmCampaign", text("spring")),
            ("messengerAppId", text("1234567890")),
            ("attributionText", text("Lire la suite :")),
            ("ignoreSelector", text(".no-track")),
            ("shareButtons", Value::Bool(false)),
        ])
        .unwrap();
        assert!(c.attribution && c.attribution_min_words == 12);
        assert_eq!(c.exclude_paths, ["/search", "/admin/*"]);
        assert!(c.tracked_hosts.as_ref().unwrap().matches("x.b.example"));
        assert_eq!(c.placement, Placement::Query);
        assert_eq!(c.channels, [Channel::Whatsapp, Channel::CopyLink]);
        assert_eq!(c.mastodon_instance.as_deref(), Some("mastodon.social"));
        assert!(!c.utm && !c.share_buttons);
        assert_eq!(c.utm_campaign.as_deref(), Some("spring"));
        assert_eq!(c.messenger_app_id.as_deref(), Some("1234567890"));
        assert_eq!(c.attribution_text.as_deref(), Some("Lire la suite :"));
        assert_eq!(c.ignore_selector.as_deref(), Some(".no-track"));
        // Hosts go through the browser's IDNA (here: ASCII only).
        assert!(error(vec![
            ("endpoint", text("/c")),
            ("trackedHosts", list(&["café.example"]))
        ])
        .ends_with(r#"(got "café.example")"#));
    }

    #[test]
    fn values_are_shown_as_javascript_would() {
        let got = |value: Value| describe(&value);
        assert_eq!(
            got(text(&"é".repeat(70))),
            ["\"", &"é".repeat(60), "\""].concat()
        );
        assert_eq!(got(text("a\"b\n")), r#""a\"b\n""#);
        assert_eq!(got(Value::Number(-0.0)), "0");
        assert_eq!(got(Value::Number(999_999_999_999_999.0)), "999999999999999");
        assert_eq!(
            got(Value::Number(1e15)),
            "a fractional or non-finite number"
        );
        assert_eq!(
            got(Value::Number(f64::NAN)),
            "a fractional or non-finite number"
        );
        assert_eq!(
            got(Value::Number(f64::NEG_INFINITY)),
            "a fractional or non-finite number"
        );
        assert_eq!(got(Value::Bool(true)), "true");
        assert_eq!(got(list(&["a", "b"])), "an array of 2");
        assert_eq!(got(object(&[])), "an object");
        assert_eq!(got(Value::Mixed), "an object with non-string values");
        assert_eq!(got(Value::Function), "a function");
        let known: Vec<String> = Format::ALL
            .iter()
            .map(|f| ["\"", f.id(), "\""].concat())
            .collect();
        assert_eq!(
            option("format").unwrap().expected,
            ["one of ", &known.join(", ")].concat()
        );
    }

    #[test]
    fn attributes_are_read_as_javascript_values_would_be() {
        let read = |key: &str, raw: &str| option(key).unwrap().kind.read_attribute(raw.into());
        assert_eq!(read("gpc", " true "), Value::Bool(true));
        assert_eq!(read("gpc", "yes"), text("yes"));
        assert_eq!(read("maxChars", " 42 "), Value::Number(42.0));
        assert_eq!(read("maxChars", "1e3"), text("1e3"));
        assert_eq!(
            read("maxChars", "1234567890123456"),
            text("1234567890123456")
        );
        assert_eq!(read("channels", ",a, b,,"), list(&["a", "b"]));
        assert_eq!(read("param", " x "), text(" x "));
        assert_eq!(camel("share-on"), "shareOn");
        assert_eq!(camel("a-"), "a-");
        assert_eq!(
            fails(&[("data-callback", "f"), ("data-max-chars", "0")]),
            "lanterne: data-max-chars must be a whole number from 1 to 100000000 (got 0)",
            "data-callback is not an attribute"
        );
        assert!(fails(&[("data-format", "callback")])
            .starts_with(r#"lanterne: data-format is required with format "callback""#));
        assert!(fails(&[("data-headers-x-ok", "a\nb")])
            .starts_with("lanterne: data-headers- must be HTTP headers"));
    }

    #[test]
    fn share_options() {
        let all = ["channels", "url", "title", "text", "labels"];
        let message = |entries: Vec<(&str, Value)>, allowed: &[&str]| {
            let entries = entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            ShareOptions::from_entries(entries, allowed)
                .map_or_else(|e| e.message(), |_| "accepted".into())
        };
        assert!(
            message(vec![("channels", list(&["myspace"]))], &all).starts_with(
                r#"lanterne: options.channels has an unknown channel "myspace" (known: whatsapp,"#
            )
        );
        assert_eq!(
            message(vec![("chanels", list(&["email"]))], &all),
            "lanterne: options.chanels is not an option here (known: channels, url, title, text, labels)"
        );
        assert_eq!(
            message(
                vec![("channels", list(&["email"]))],
                &["url", "title", "text"]
            ),
            "lanterne: options.channels is not an option here (known: url, title, text)"
        );
        assert_eq!(
            message(vec![("labels", text("no"))], &all),
            "lanterne: options.labels must be true or false"
        );
        assert_eq!(
            message(vec![("channels", text("email"))], &all),
            r#"lanterne: options.channels must be an array of channel ids such as ["whatsapp", "email"]"#
        );
        assert_eq!(
            message(vec![("title", Value::Number(1.0))], &all),
            "lanterne: options.title must be a string"
        );
        assert_eq!(
            message(
                vec![("text", Value::Null), ("channels", Value::Array)],
                &all
            ),
            r#"lanterne: options.channels must be an array of channel ids such as ["whatsapp", "email"]"#,
            "checked in a fixed order"
        );
        assert_eq!(
            ConfigError::options_not_an_object().message(),
            "lanterne: options must be an object"
        );

        let entries = vec![
            ("url".to_string(), text("/a")),
            ("labels".to_string(), Value::Bool(false)),
            ("channels".to_string(), list(&["email", "sms"])),
        ];
        let options = ShareOptions::from_entries(entries, &all).unwrap();
        assert_eq!(
            options,
            ShareOptions {
                channels: Some(vec![Channel::Email, Channel::Sms]),
                url: Some("/a".into()),
                title: None,
                text: None,
                labels: Some(false),
            }
        );
    }
}
