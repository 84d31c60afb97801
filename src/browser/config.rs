//! Reading the config from a JS object or from the script tag's `data-*` attributes, and
//! the checks only a browser can make (the endpoint as a URL, the selector as CSS).

use crate::core::config::{Config, ConfigError, ConfigValue};
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// Where a config came from, for naming fields in errors.
#[derive(Clone, Copy)]
pub enum Source {
    Object,
    Script,
}

impl Source {
    fn field(self, key: &str, attribute: &str) -> String {
        match self {
            Source::Object => {
                let mut field = String::from("config.");
                field.push_str(key);
                field
            }
            Source::Script => attribute.to_owned(),
        }
    }
}

/// Reads `start(config)`'s argument.
pub fn from_object(value: &JsValue) -> Result<Config, ConfigError> {
    if !value.is_object() || Array::is_array(value) {
        return Err(ConfigError {
            field: "config".into(),
            problem: "must be an object such as { endpoint: \"/collect\" }".into(),
        });
    }
    let mut config = Config::default();
    for entry in Object::entries(value.unchecked_ref::<Object>()).iter() {
        let entry: Array = entry.unchecked_into();
        let key = entry.get(0).as_string().unwrap_or_default();
        let value = entry.get(1);
        if value.is_undefined() {
            continue; // `{ ...defaults, param: undefined }` means "not set"
        }
        config.set(&key, to_config_value(&value))?;
    }
    config.check()?;
    Ok(config)
}

/// Reads the `data-*` attributes of the script tag that loaded lanterne.
pub fn from_script(script: &Element) -> Result<Config, ConfigError> {
    let mut config = Config::default();
    for name in script.get_attribute_names().iter() {
        let name = name.as_string().unwrap_or_default();
        if let Some(value) = script.get_attribute(&name) {
            config.set_attribute(&name, &value)?;
        }
    }
    config.check().map_err(|e| ConfigError {
        field: "data-endpoint".into(),
        ..e
    })?;
    Ok(config)
}

fn to_config_value(value: &JsValue) -> ConfigValue {
    if let Some(s) = value.as_string() {
        ConfigValue::Text(s)
    } else if let Some(b) = value.as_bool() {
        ConfigValue::Bool(b)
    } else if let Some(n) = value.as_f64() {
        ConfigValue::Number(n)
    } else if Array::is_array(value) {
        let array: &Array = value.unchecked_ref();
        let items: Option<Vec<String>> = array.iter().map(|v| v.as_string()).collect();
        items.map_or(
            ConfigValue::Other("an array with non-string items"),
            ConfigValue::List,
        )
    } else if value.is_null() {
        ConfigValue::Other("null")
    } else if value.is_function() {
        ConfigValue::Other("a function")
    } else {
        // A plain object of strings (`strings: { linkCopied: "Copied!" }`).
        let mut entries = Vec::new();
        for entry in Object::entries(value.unchecked_ref::<Object>()).iter() {
            let entry: Array = entry.unchecked_into();
            match (entry.get(0).as_string(), entry.get(1).as_string()) {
                (Some(key), Some(text)) => entries.push((key, text)),
                _ => return ConfigValue::Other("an object with non-string values"),
            }
        }
        ConfigValue::Strings(entries)
    }
}

/// The endpoint resolved against the page: an absolute `http(s)` URL.
pub fn resolve_endpoint(config: &Config, source: Source) -> Result<String, ConfigError> {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let url = web_sys::Url::new_with_base(&config.endpoint, &base)
        .ok()
        .filter(|u| {
            let protocol = u.protocol();
            protocol == "https:" || protocol == "http:"
        });
    match url {
        Some(url) => Ok(url.href()),
        None => {
            let mut problem = String::from("must be an http(s) URL such as \"/collect\" (got ");
            crate::core::json::push_str(&mut problem, &config.endpoint);
            problem.push(')');
            Err(ConfigError {
                field: source.field("endpoint", "data-endpoint"),
                problem,
            })
        }
    }
}

/// Checks that `ignoreSelector` is a CSS selector the browser accepts.
pub fn check_selector(config: &Config, source: Source) -> Result<(), ConfigError> {
    let Some(selector) = &config.ignore_selector else {
        return Ok(());
    };
    let document = web_sys::window().and_then(|w| w.document());
    match document.map(|d| d.query_selector(selector)) {
        Some(Err(_)) => {
            let mut problem = String::from("must be a valid CSS selector (got ");
            crate::core::json::push_str(&mut problem, selector);
            problem.push(')');
            Err(ConfigError {
                field: source.field("ignoreSelector", "data-ignore-selector"),
                problem,
            })
        }
        _ => Ok(()),
    }
}
