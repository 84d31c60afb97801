//! JavaScript values as the core reads them: the config of `start()` and the options of
//! `renderButtons()` and `shareUrl()` ([`Value`]), and events stored as JSON, read with
//! `js_sys` (not serde: deserialising a struct would link serde's error formatting,
//! 19 KB of wasm).

use super::page::get;
use crate::core::config::Value;
use crate::core::event::{Event, Stored};
use crate::prelude::*;
use js_sys::{Array, Object, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A JavaScript value's kind and shape, as the core's checks need it.
pub fn value(v: &JsValue) -> Value {
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

/// An event stored as JSON (a queue record, another tab's or an earlier release's), read
/// with the browser's `JSON.parse`: `None` when it is not one (see
/// [`Event::from_stored`]).
pub fn stored_event(json: &str) -> Option<Event> {
    let fields = JSON::parse(json).ok().filter(JsValue::is_object)?;
    Event::from_stored(|key| stored(&fields, key))
}

/// A field of a stored event, as [`Event::from_stored`] reads it. Not inlined: it is
/// called once per field.
#[inline(never)]
fn stored(fields: &JsValue, key: &str) -> Stored {
    let value = get(fields, key);
    match (value.as_string(), value.as_f64()) {
        (Some(text), _) => Stored::Text(text),
        (_, Some(n)) => Stored::Number(n),
        _ if value.is_null() => Stored::Null,
        _ => Stored::Other,
    }
}
