//! Small reads of the page and the browser that every part of lanterne uses: URLs
//! resolved by the browser's own parser, randomness, the time, properties read by name,
//! errors and the console.

use super::dom::{document, window};
use crate::core::chars::cat;
use crate::prelude::*;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Node, Url};

pub use super::dom::href;

/// The element a node is, or is in (a text node's parent).
pub fn element_of(node: &Node) -> Option<Element> {
    match node.dyn_ref::<Element>() {
        Some(element) => Some(element.clone()),
        None => node.parent_element(),
    }
}

/// Whether `element` is inside (or is) an element matching `selector`.
pub fn inside(element: &Element, selector: &str) -> bool {
    element.closest(selector).ok().flatten().is_some()
}

/// `raw` resolved against `base` by the browser's URL parser, when that gives an
/// `http(s)` URL.
pub fn http_url(raw: &str, base: &str) -> Option<String> {
    // The href through toString, and its scheme read off its start: no imports for
    // `href` and `protocol` of URL objects.
    let href = String::from(Url::new_with_base(raw, base).ok()?.to_string());
    (href.starts_with("https:") || href.starts_with("http:")).then_some(href)
}

/// The document's base URL (where relative links point).
pub fn base_url() -> String {
    document().base_uri().ok().flatten().unwrap_or_default()
}

/// `raw` as an absolute `http(s)` URL against the document's base URL (a share
/// button's `data-url`, an amended share), or `None`.
pub fn page_url(raw: &str) -> Option<String> {
    http_url(raw, &base_url())
}

/// The [`ToAscii`](crate::core::hosts::ToAscii) of the browser: ASCII names lower-cased
/// here, Unicode ones through the browser's URL parser (WHATWG IDNA), so the wasm
/// carries no IDNA tables or punycode.
pub fn to_ascii(host: &str) -> Option<String> {
    if let Some(ascii) = crate::core::hosts::ascii_lowercase(host) {
        return Some(ascii);
    }
    // What would make the parser read another host ("a/b" is host "a") is no host name.
    if host.contains(|c: char| {
        crate::core::chars::is_space(c) || matches!(c, '/' | '\\' | '?' | '#' | '@' | ':' | '%')
    }) {
        return None;
    }
    let url = Url::new(&cat(&["http://", host, "/"])).ok()?;
    Some(url.hostname())
}

/// `n` bytes from `crypto.getRandomValues` (the only randomness tokens are made of).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if let Ok(crypto) = window().crypto() {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes
}

/// Milliseconds since the Unix epoch.
pub fn now() -> u64 {
    js_sys::Date::now() as u64
}

/// `object[key]`, or `undefined`.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A JavaScript `Error` with this message.
pub fn error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

/// A JavaScript `TypeError` with this message (an argument of the wrong kind).
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// Prints on the console: `console.error` (a failure), `warn` (a config that leaves
/// something unusable) or `info` (something expected, worth knowing).
pub fn console(level: Level, message: &JsValue) {
    match level {
        Level::Error => web_sys::console::error_1(message),
        Level::Warn => web_sys::console::warn_1(message),
        Level::Info => web_sys::console::info_1(message),
    }
}

/// How loud a console message is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `console.error`: a failure.
    Error,
    /// `console.warn`: a config that leaves something unusable.
    Warn,
    /// `console.info`: something expected, worth knowing.
    Info,
}

/// `message`, then `text` as JSON (how messages quote what a site gave).
pub fn quoting(message: &str, text: &str) -> String {
    let mut out = String::from(message);
    crate::core::json::push_str(&mut out, text);
    out
}
