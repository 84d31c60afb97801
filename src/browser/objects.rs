//! What crosses to JavaScript as plain objects, made with `serde-wasm-bindgen`: events
//! for `on("event")` listeners and the `callback` format, GA4's parameters, `stats()`,
//! delivery errors, skipped channels. Typed here, so the JavaScript API's shapes
//! (`lanterne.d.ts`) are written down once in Rust.
//!
//! Each type serialises as a map of its fields rather than with `#[derive(Serialize)]`:
//! serde-wasm-bindgen caches struct field names in a hash map, a kilobyte of wasm that
//! maps do without; all of them share the one [`Fields`] serialiser.

use crate::core::event::{Event, EventKind};
use serde::ser::{Serialize, SerializeMap, Serializer};
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

/// An object's fields, in order.
pub struct Fields<'a>(pub &'a [(&'a str, Field<'a>)]);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            match *value {
                Field::Text(text) => map.serialize_entry(key, text)?,
                Field::Number(n) => map.serialize_entry(key, &n)?,
                Field::Bool(b) => map.serialize_entry(key, &b)?,
                Field::Missing => map.serialize_entry(key, &())?,
            }
        }
        map.end()
    }
}

/// `fields` as a plain object; missing values are `null`, or `undefined` when
/// `missing_as_null` is false.
pub fn object(fields: &[(&str, Field)], missing_as_null: bool) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(missing_as_null);
    let value = Fields(fields).serialize(&serializer);
    value.unwrap_or(JsValue::UNDEFINED)
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
