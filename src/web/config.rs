//! Reading a tracker's config on a page: from `start(config)`'s object or from a script
//! tag's `data-*` attributes. The core checks every value ([`crate::core::config`]); here
//! are the checks that need a page: the endpoint resolved as a URL, `ignoreSelector`
//! parsed as CSS, Web Crypto, an http(s) address.
//!
//! Both modules run this: the first to start, without the errors' words (it only learns
//! that the config is bad); the second, loaded then, to say what is wrong
//! ([`ConfigError`]).

use super::dom::{document, window};
use super::page::{get, href, http_url, to_ascii};
use super::values::entries;
use crate::core::config::{Config, ConfigError, Source};
use crate::prelude::*;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Url};

/// A config read and checked on this page, with what the page says of itself.
pub struct Read {
    /// The checked config.
    pub config: Config,
    /// The `callback` format's function.
    pub callback: Option<Function>,
    /// `endpoint`, resolved against the page (empty for the formats that stay in it).
    pub endpoint: String,
    /// The page's host name: the tracked hosts when the config names none.
    pub hostname: String,
    /// `<html lang>`.
    pub lang: String,
}

/// Reads `given`: `start(config)`'s object ([`Source::Object`]) or a script element
/// ([`Source::Attributes`], whose attributes lanterne does not know are ignored: other
/// tools put theirs on script tags too).
pub fn read(source: Source, given: &JsValue) -> Result<Read, ConfigError> {
    let (config, callback) = match source {
        Source::Object => {
            let fields = entries(given).ok_or_else(ConfigError::not_an_object)?;
            let config = Config::from_object(fields, to_ascii)?;
            (config, get(given, "callback").dyn_into::<Function>().ok())
        }
        Source::Attributes => {
            let script: &Element = given.unchecked_ref();
            let mut attributes = Vec::new();
            for name in script.get_attribute_names() {
                let name = name.as_string().unwrap_or_default();
                if let Some(value) = script.get_attribute(&name) {
                    attributes.push((name, value));
                }
            }
            (Config::from_attributes(attributes, to_ascii)?, None)
        }
    };
    let page = href();
    let must_be = |key: &'static str, expected: &'static str, got: &str| {
        ConfigError::must_be(
            || source.field(key),
            || expected.into(),
            || super::page::quoting("", got),
        )
    };
    // Formats that stay in the page need no endpoint; the selector is checked anyway.
    let endpoint = match config.endpoint.as_str() {
        "" => String::new(),
        given => http_url(given, &page)
            .ok_or_else(|| must_be("endpoint", "an http(s) URL such as \"/collect\"", given))?,
    };
    if let Some(selector) = &config.ignore_selector {
        if document().query_selector(selector).is_err() {
            return Err(must_be("ignoreSelector", "a valid CSS selector", selector));
        }
    }
    if window().crypto().is_err() {
        return Err(ConfigError::page(|| {
            "needs Web Crypto (crypto.getRandomValues)".into()
        }));
    }
    // The page's address read through a URL object: the same protocol and host name as
    // `location`'s, with getters the rest of lanterne imports anyway.
    let here = Url::new(&page).ok();
    let protocol = here.as_ref().map(Url::protocol).unwrap_or_default();
    if protocol != "https:" && protocol != "http:" {
        return Err(ConfigError::page(|| {
            "needs a page served over http(s); event URLs must be web addresses".into()
        }));
    }
    Ok(Read {
        config,
        callback,
        endpoint,
        hostname: here.as_ref().map(Url::hostname).unwrap_or_default(),
        lang: document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .unwrap_or_default(),
    })
}
