//! What each option is (one table, [`OPTIONS`]), how an attribute's text becomes a value,
//! and the check of one option's value on its own.

use super::{ConfigError, Consent, Source, Value};
use crate::core::chars::cat;
use crate::core::chars::{char_count, char_offset, is_space, sub};
use crate::core::format::Format;
use crate::core::json::{push_str, push_u64};
use crate::core::url::{is_valid_param, Placement};
use crate::prelude::*;

/// The words of an error message: the text with the `messages` feature, nothing without
/// (the table keeps no string the first wasm module never shows).
macro_rules! words {
    ($text:expr) => {{
        #[cfg(feature = "messages")]
        let text = $text;
        #[cfg(not(feature = "messages"))]
        let text = "";
        text
    }};
}

/// What an option's value must be, and the check beyond its type, if any.
#[derive(Clone, Copy)]
pub(super) enum Kind {
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
    pub(super) fn read_attribute(self, raw: String) -> Value {
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
pub(super) struct ConfigOption {
    pub(super) key: &'static str,
    pub(super) kind: Kind,
    /// Only with the `messages` feature (empty without).
    pub(super) expected: &'static str,
}

const fn row(key: &'static str, kind: Kind, expected: &'static str) -> ConfigOption {
    ConfigOption {
        key,
        kind,
        expected,
    }
}

/// Every option, in the order errors list them. Keep in step with `js/lanterne.d.ts` and
/// the options table (docs/options.md#options). An option's attribute is `data-` and its
/// key in kebab case.
pub(super) static OPTIONS: [ConfigOption; 29] = [
    row(
        "endpoint",
        Kind::Text(|v| !v.is_empty() && !v.chars().any(is_js_space)),
        words!(r#"a URL such as "/collect" or "https://stats.example/collect""#),
    ),
    row(
        "trackedHosts",
        Kind::List { min: 1, item: any },
        words!(r#"a non-empty list of host names such as "example.com" or "*.example.com""#),
    ),
    row(
        "param",
        Kind::Text(is_valid_param),
        words!("1 to 32 of the characters A-Z a-z 0-9 _ -"),
    ),
    row(
        "placement",
        Kind::Text(|v| Placement::parse(v).is_some()),
        words!(r#""auto", "fragment" or "query""#),
    ),
    row("addressBar", Kind::Bool, ""),
    row(
        "excludePaths",
        Kind::List {
            min: 0,
            item: is_path_pattern,
        },
        words!(r#"paths starting with "/", such as "/search" or "/admin/*""#),
    ),
    row("landings", Kind::Bool, ""),
    row(
        "frontPaths",
        Kind::List {
            min: 0,
            item: is_path_pattern,
        },
        words!(r#"paths starting with "/", such as "/news" or "/category/*""#),
    ),
    row("attribution", Kind::Bool, ""),
    row("attributionMinWords", Kind::Number(1), ""),
    row(
        "attributionText",
        Kind::Text(is_label),
        words!(r#"a non-empty label of at most 200 characters, such as "Read more:""#),
    ),
    row(
        "ignoreSelector",
        Kind::Text(|v| !trim(v).is_empty()),
        words!(r#"a CSS selector such as ".no-track""#),
    ),
    row("maxChars", Kind::Number(1), ""),
    row("utm", Kind::Bool, ""),
    row(
        "utmCampaign",
        Kind::Text(|v| !v.is_empty() && char_count(v) <= 100),
        words!("1 to 100 characters"),
    ),
    row(
        "messengerAppId",
        Kind::Text(|v| (1..=32).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit())),
        words!(r#"a Meta app id: digits such as "1234567890""#),
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
        words!("a number of bytes from 1024 to 100000000"),
    ),
    row(
        "headers",
        Kind::Object(|name, value| {
            !name.is_empty() && name.bytes().all(is_header_name_byte) && is_one_line(value)
        }),
        words!("HTTP headers: names of letters, digits and -, values on one line"),
    ),
    row(
        "consent",
        Kind::Text(|v| Consent::parse(v).is_some()),
        words!(r#""granted", "pending" or "denied""#),
    ),
    row("gpc", Kind::Bool, ""),
    row("dnt", Kind::Bool, ""),
    row(
        "format",
        Kind::Text(|v| Format::parse(v).is_some()),
        // Format::ALL's ids (a test keeps them in step).
        words!(
            r#"one of "lanterne", "plausible", "umami", "posthog", "matomo", "ga4", "callback""#
        ),
    ),
    row(
        "site",
        Kind::Text(|v| !v.is_empty() && char_count(v) <= 200 && is_one_line(v)),
        words!("the site's id in the analytics tool (1 to 200 characters)"),
    ),
    row("callback", Kind::Function, ""),
];

pub(super) fn option(key: &str) -> Option<&'static ConfigOption> {
    OPTIONS.iter().find(|o| o.key == key)
}

fn any(_: &str) -> bool {
    true
}

/// A path pattern of `excludePaths` or `frontPaths`: `/search`, `/admin/*`, `*`.
fn is_path_pattern(path: &str) -> bool {
    matches!(path.as_bytes().first(), Some(b'/' | b'*'))
}

/// White space as JavaScript's `trim()` and `\s` see it (U+0085 is not).
fn is_js_space(c: char) -> bool {
    is_space(c) && c != '\u{85}'
}

fn trim(s: &str) -> &str {
    s.trim_matches(is_js_space)
}

/// A visible label: not blank, at most 200 characters.
pub(super) fn is_label(text: &str) -> bool {
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
pub(super) fn push_kebab(out: &mut String, camel: &str) {
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
}

/// `link-copied` → `linkCopied`.
pub(super) fn camel(kebab: &str) -> String {
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
pub(super) fn describe(value: &Value) -> String {
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
    pub(super) fn check(&self, value: &Value, source: Source) -> Result<(), ConfigError> {
        // What it must be, and the bad part shown (a list's first bad item, else the whole
        // value); written only where messages are built.
        let must_be = |expected: &'static str, bad: Option<&str>| {
            Err(ConfigError::must_be(
                || source.field(self.key),
                || expected.into(),
                || bad.map_or_else(|| describe(value), quoted),
            ))
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
            return Err(ConfigError::must_be(
                || source.field(self.key),
                || self.kind.expected().into(),
                || describe(value),
            ));
        }
        match (self.kind, value) {
            (Kind::Text(ok), Value::Text(text)) if !ok(text) => must_be(self.expected, None),
            (Kind::Number(min), Value::Number(n)) if *n < f64::from(min) => {
                must_be(self.expected, None)
            }
            (Kind::List { min, .. }, Value::List(items)) if items.len() < min => {
                must_be(self.expected, None)
            }
            // A list shows its first bad item.
            (Kind::List { item, .. }, Value::List(items)) => {
                match items.iter().find(|i| !item(i)) {
                    Some(bad) => must_be(self.expected, Some(bad)),
                    None => Ok(()),
                }
            }
            (Kind::Object(ok), Value::Object(entries))
                if !entries.iter().all(|(k, v)| ok(k, v)) =>
            {
                must_be(self.expected, None)
            }
            // Each label is its own field.
            (Kind::Labels, Value::Object(entries)) => {
                match entries.iter().find(|(_, text)| !is_label(text)) {
                    Some((key, _)) => Err(ConfigError::new(
                        || source.field(&cat(&[self.key, ".", key])),
                        || "must be a non-empty string of at most 200 characters".into(),
                    )),
                    None => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }
}
