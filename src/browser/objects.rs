//! What crosses to JavaScript as plain objects: events for `on("event")` listeners and
//! the `callback` format, GA4's parameters, `stats()`, delivery errors, skipped channels.
//! Typed here, so the JavaScript API's shapes (`lanterne.d.ts`) are written down once in
//! Rust.
//!
//! Objects are made property by property with `Reflect.set`, not with
//! `serde-wasm-bindgen`: its serialiser cost 2.3 KB of wasm (one `serialize_value` per
//! value type) for what is one loop here.

use crate::core::event::{Event, EventKind};
use wasm_bindgen::{JsCast, JsValue};

/// A field's value.
#[derive(Clone, Copy)]
pub enum Field<'a> {
    Text(&'a str),
    Number(f64),
    Bool(bool),
    /// Nothing: `null`, or `undefined` where the object's fields say so (the key is
    /// there either way).
    Missing,
}

/// `fields` as a plain object; missing values are `null`, or `undefined` when
/// `missing_as_null` is false.
pub fn object(fields: &[(&str, Field)], missing_as_null: bool) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in fields {
        let value = match *value {
            Field::Text(text) => JsValue::from_str(text),
            Field::Number(n) => JsValue::from_f64(n),
            Field::Bool(b) => JsValue::from_bool(b),
            Field::Missing if missing_as_null => JsValue::NULL,
            Field::Missing => JsValue::UNDEFINED,
        };
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &value);
    }
    object.into()
}

/// `Some(text)` as text, `None` as missing.
pub fn text_or_missing(text: Option<&str>) -> Field<'_> {
    text.map_or(Field::Missing, Field::Text)
}

/// An event as JavaScript sees it (SPEC §5): the fields of its JSON.
pub fn event(event: &Event) -> JsValue {
    let mut fields = [
        ("v", Field::Number(1.0)),
        ("id", Field::Text(&event.id)),
        ("type", Field::Text(event.type_name())),
        ("channel", Field::Text(event.channel.id())),
        ("token", Field::Text(event.token.as_str())),
        (
            "parent",
            text_or_missing(event.parent.as_ref().map(|t| t.as_str())),
        ),
        ("url", Field::Text(&event.url)),
        ("title", Field::Text(&event.title)),
        ("ts", Field::Number(event.ts as f64)),
        ("", Field::Missing),
    ];
    let last = match &event.kind {
        EventKind::Copy { chars } => Some(("chars", Field::Number(f64::from(*chars)))),
        EventKind::Arrival { referrer } => Some(("referrer", text_or_missing(referrer.as_deref()))),
        EventKind::Share => None,
    };
    match last {
        Some(field) => {
            fields[9] = field;
            object(&fields, true)
        }
        None => object(&fields[..9], true),
    }
}

/// Makes `object[key]` read-only (enumerable, not writable), or an accessor with `getter`.
pub fn define(object: &JsValue, key: &str, getter: Option<JsValue>) {
    let descriptor = match getter {
        Some(get) => crate::browser::handle::object(&[("get", get), ("enumerable", true.into())]),
        None => crate::browser::handle::object(&[("writable", false.into())]),
    };
    js_sys::Object::define_property(
        object.unchecked_ref::<js_sys::Object>(),
        &key.into(),
        &descriptor,
    );
}
