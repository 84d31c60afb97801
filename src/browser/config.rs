//! Reading the config: from `start(config)`'s object (with `js_sys::Reflect`, not serde:
//! deserialising a config struct would link serde's error formatting, 19 KB of wasm) or
//! from the script tag's `data-*` attributes. The core checks every value and writes the
//! errors ([`crate::core::config`]); here are the two checks that need a page: the
//! endpoint resolved as a URL, and `ignoreSelector` parsed as CSS.

use super::page::{document, error, href, to_ascii, window};
use super::tracker::Session;
use crate::core::attribution::default_label;
use crate::core::config::{Config, ConfigError, Source, Value};
use crate::core::copy::{Attribution, CopyPolicy, VERBATIM};
use crate::core::hosts::TrackedHosts;
use crate::core::strings::Lang;
use crate::core::text_rewrite::CopyRewriter;
use crate::prelude::*;
use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// A JavaScript value's kind and shape, as the core's checks need it.
fn value(v: &JsValue) -> Value {
    if let Some(text) = v.as_string() {
        Value::Text(text)
    } else if let Some(b) = v.as_bool() {
        Value::Bool(b)
    } else if let Some(n) = v.as_f64() {
        Value::Number(n)
    } else if v.is_function() {
        Value::Function
    } else if v.is_null() {
        Value::Null
    } else if Array::is_array(v) {
        // Plain loops with an early return (here and below): collecting into an
        // `Option<Vec<_>>` costs an iterator adapter per item type.
        let mut items = Vec::new();
        for item in v.unchecked_ref::<Array>().iter() {
            let Some(text) = item.as_string() else {
                return Value::Array;
            };
            items.push(text);
        }
        Value::List(items)
    } else if v.is_object() {
        let mut pairs = Vec::new();
        for (key, item) in own_entries(v) {
            let Some(text) = item.as_string() else {
                return Value::Mixed;
            };
            pairs.push((key, text));
        }
        Value::Object(pairs)
    } else {
        // A BigInt or a Symbol.
        Value::Mixed
    }
}

/// `Object.entries(v)`: its own enumerable string-keyed properties, in order.
fn own_entries(v: &JsValue) -> impl Iterator<Item = (String, JsValue)> {
    Object::entries(v.unchecked_ref()).into_iter().map(|pair| {
        let pair: Array = pair.unchecked_into();
        (pair.get(0).as_string().unwrap_or_default(), pair.get(1))
    })
}

/// The own enumerable entries of a plain object (undefined values left out: "not set"),
/// or `None` when `v` is not one.
pub fn entries(v: &JsValue) -> Option<Vec<(String, Value)>> {
    if !v.is_object() || Array::is_array(v) {
        return None;
    }
    let mut entries = Vec::new();
    for (key, item) in own_entries(v) {
        if !item.is_undefined() {
            entries.push((key, value(&item)));
        }
    }
    Some(entries)
}

/// `start(config)`'s argument: the checked config and the `callback` function, if any.
pub fn from_object(config: &JsValue) -> Result<(Config, Option<Function>), JsValue> {
    let fields = entries(config).ok_or_else(|| error(&ConfigError::not_an_object().message()))?;
    let checked = Config::from_object(fields, to_ascii).map_err(|e| error(&e.message()))?;
    let callback = super::page::get(config, "callback")
        .dyn_into::<Function>()
        .ok();
    Ok((checked, callback))
}

/// A script tag's `data-*` attributes, checked (attributes lanterne does not know are
/// ignored: other tools put theirs on script tags too).
pub fn from_element(script: &Element) -> Result<Config, JsValue> {
    let mut attributes = Vec::new();
    for name in script.get_attribute_names() {
        let name = name.as_string().unwrap_or_default();
        if let Some(value) = script.get_attribute(&name) {
            attributes.push((name, value));
        }
    }
    Config::from_attributes(attributes, to_ascii).map_err(|e| error(&e.message()))
}

fn fail(source: Source, key: &str, expected: &str, got: &str) -> JsValue {
    let mut problem = String::from(expected);
    problem.push_str(" (got ");
    crate::core::json::push_str(&mut problem, got);
    problem.push(')');
    error(
        &ConfigError {
            field: source.field(key),
            problem,
        }
        .message(),
    )
}

/// The session a checked config gives on this page, after the checks that need one;
/// an `Error` naming the field (or what the page lacks) otherwise.
pub fn session(config: Config, source: Source) -> Result<Session, JsValue> {
    let page = href();
    // Formats that stay in the page need no endpoint; the selector is checked anyway.
    let endpoint = match config.endpoint.as_str() {
        "" => String::new(),
        given => super::page::http_url(given, &page).ok_or_else(|| {
            fail(
                source,
                "endpoint",
                "must be an http(s) URL such as \"/collect\"",
                given,
            )
        })?,
    };
    if let Some(selector) = &config.ignore_selector {
        if document().query_selector(selector).is_err() {
            return Err(fail(
                source,
                "ignoreSelector",
                "must be a valid CSS selector",
                selector,
            ));
        }
    }
    let window = window();
    if window.crypto().is_err() {
        return Err(error("lanterne: needs Web Crypto (crypto.getRandomValues)"));
    }
    // The page's address read through a URL object: the same protocol and host name as
    // `location`'s, with getters the rest of lanterne imports anyway.
    let here = web_sys::Url::new(&page).ok();
    let protocol = here
        .as_ref()
        .map(web_sys::Url::protocol)
        .unwrap_or_default();
    if protocol != "https:" && protocol != "http:" {
        return Err(error(
            "lanterne: needs a page served over http(s); event URLs must be web addresses",
        ));
    }
    let lang = document()
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .unwrap_or_default();
    let hosts = config.tracked_hosts.clone().unwrap_or_else(|| {
        let hostname = here
            .as_ref()
            .map(web_sys::Url::hostname)
            .unwrap_or_default();
        TrackedHosts::for_page(&hostname, to_ascii)
    });
    let read_more = config.strings.iter().find(|(k, _)| k == "readMore");
    let attribution = config.attribution.then(|| Attribution {
        min_words: config.attribution_min_words,
        label: config
            .attribution_text
            .clone()
            .or_else(|| read_more.map(|(_, text)| text.clone()))
            .unwrap_or_else(|| default_label(&lang).to_owned()),
    });
    let verbatim = match &config.ignore_selector {
        Some(extra) => [VERBATIM, ",", extra].concat(),
        None => VERBATIM.to_owned(),
    };
    Ok(Session {
        policy: CopyPolicy {
            rewriter: CopyRewriter::new(hosts, &config.param, config.placement),
            max_chars: config.max_chars,
            attribution,
        },
        verbatim,
        lang: Lang::from_tag(&lang),
        endpoint,
        config,
    })
}
