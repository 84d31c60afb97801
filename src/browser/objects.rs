//! What crosses to JavaScript as plain objects, made with `serde-wasm-bindgen`: events
//! for `on("event")` listeners and the `callback` format, GA4's parameters,
//! `stats()`, delivery errors, skipped channels. Typed here, so the JavaScript API's
//! shapes (`lanterne.d.ts`) are written down once in Rust.

use crate::core::event::{Event, EventKind};
use serde::Serialize;
use wasm_bindgen::JsValue;

/// An event as JavaScript sees it (SPEC §5): the fields of its JSON.
#[derive(Serialize)]
struct JsEvent<'a> {
    v: u8,
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    channel: &'a str,
    token: &'a str,
    parent: Option<&'a str>,
    url: &'a str,
    title: &'a str,
    // A number in JavaScript; f64 so no integer error path is linked.
    ts: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    referrer: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chars: Option<u32>,
}

/// `event` as a plain object, `parent: null` when it has none.
pub fn event(event: &Event) -> JsValue {
    let (referrer, chars) = match &event.kind {
        EventKind::Copy { chars } => (None, Some(*chars)),
        EventKind::Arrival { referrer } => (Some(referrer.as_deref()), None),
        EventKind::Share => (None, None),
    };
    let object = JsEvent {
        v: 1,
        id: &event.id,
        kind: event.type_name(),
        channel: event.channel.id(),
        token: event.token.as_str(),
        parent: event.parent.as_ref().map(|t| t.as_str()),
        url: &event.url,
        title: &event.title,
        ts: event.ts as f64,
        referrer,
        chars,
    };
    to_js(&object, true)
}

/// GA4's event parameters (README "Adapters"), with `event` for a `dataLayer` push.
#[derive(Serialize)]
pub struct Ga4<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<&'a str>,
    pub method: &'a str,
    pub content_type: &'a str,
    pub item_id: &'a str,
    /// Always set, `undefined` when none: Tag Manager's data model would otherwise carry
    /// an earlier event's parent into this one.
    pub share_parent: Option<&'a str>,
}

/// `tracker.stats()`.
#[derive(Serialize)]
pub struct Stats {
    pub consent: &'static str,
    pub tracking: bool,
    pub queued: u32,
    pub sent: u32,
    pub dropped: u32,
    pub retries: u32,
}

/// What `on("error")` listeners hear of a failed request.
#[derive(Serialize)]
pub struct DeliveryError<'a> {
    /// `http` (the endpoint answered `status`) or `network` (no answer, or a timeout).
    pub kind: &'static str,
    pub status: u16,
    pub retry: bool,
    pub events: u32,
    pub message: &'a str,
}

/// A channel a row of buttons could not offer, and why.
#[derive(Serialize)]
pub struct Skipped<'a> {
    pub channel: &'a str,
    pub reason: &'a str,
}

/// `value` as a JavaScript value; `None` fields become `null` or `undefined`.
pub fn to_js<T: Serialize + ?Sized>(value: &T, none_as_null: bool) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(none_as_null)
        .serialize_maps_as_objects(true);
    value.serialize(&serializer).unwrap_or(JsValue::UNDEFINED)
}
