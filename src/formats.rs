//! The formats module, `lanterne_formats` (wasm32 only): the formats of the first
//! module's delivery that are not lanterne's own (docs/analytics.md#adapters), loaded
//! with `import()` at start by a page whose config names one (`src/browser/lazy.rs`):
//! request bodies for Plausible, Umami, PostHog and Matomo (the core's,
//! [`crate::core::adapter`]), and the events handed to the page for GA4 (`gtag` or
//! `dataLayer`, as objects made with `serde-wasm-bindgen`) or to the site's callback.
//! Events arrive as their JSON, as queued.

use crate::core::adapter::{fit, ga4_content_type, ga4_name, Outgoing, Target};
use crate::core::event::Event;
use crate::core::format::Format;
use crate::prelude::*;
use crate::web::dom::window;
use crate::web::page::{get, now};
use crate::web::values::stored_event;
use js_sys::{Array, Function, Promise, Reflect, JSON};
use serde::ser::{Serialize, SerializeMap, Serializer};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The events of `events` (their JSON) that can be read back.
fn outgoing(events: &Array) -> Vec<Outgoing> {
    let mut out = Vec::new();
    for json in events.iter() {
        let json = json.as_string().unwrap_or_default();
        if let Some(event) = stored_event(&json) {
            out.push(Outgoing { event, json });
        }
    }
    out
}

/// The request body of `format` (an analytics tool's id) for the first events of
/// `events` that fit in `max` bytes: `[count, body]`.
///
/// ```js
/// const [count, body] = body("plausible", "blog.example", ["{\"v\":1,…}"], 0, 60000);
/// ```
#[wasm_bindgen]
pub fn body(format: &str, site: &str, events: Array, dropped: f64, max: u32) -> Array {
    let format = Format::parse(format).unwrap_or(Format::Lanterne);
    let outgoing = outgoing(&events);
    let batch: Vec<&Outgoing> = outgoing.iter().collect();
    let language = window().navigator().language().unwrap_or_default();
    let target = Target {
        site,
        language: &language,
        now: now(),
        iso_time,
    };
    let (count, body) = fit(format, &batch, dropped as u64, &target, max as usize);
    Array::of2(&(count as u32).into(), &body.into())
}

/// Hands `events` (their JSON) to the page: each to GA4's `gtag("event", name, params)`,
/// or to `dataLayer.push(params)` without `gtag` (`format` `"ga4"`); or the whole batch to
/// the site's `callback(events, dropped)`. A promise that rejects if that throws, or if
/// the callback's own promise rejects.
///
/// ```js
/// await deliver("callback", ["{\"v\":1,…}"], 0, (events, dropped) => fetch(…));
/// ```
#[wasm_bindgen]
pub fn deliver(format: &str, events: Array, dropped: f64, callback: JsValue) -> Promise {
    let delivered = if format == "ga4" {
        to_ga4(&events)
    } else {
        let items = Array::new();
        for json in events.iter() {
            // The event as JavaScript sees it: the JSON the endpoint would get, parsed.
            if let Ok(item) = JSON::parse(&json.as_string().unwrap_or_default()) {
                items.push(&item);
            }
        }
        callback
            .dyn_into::<Function>()
            .and_then(|f| f.call2(&JsValue::UNDEFINED, &items, &dropped.into()))
    };
    match delivered {
        Ok(value) => Promise::resolve(&value),
        Err(problem) => Promise::reject(&problem),
    }
}

fn to_ga4(events: &Array) -> Result<JsValue, JsValue> {
    let page = window();
    for outgoing in outgoing(events) {
        let params = ga4_params(&outgoing.event);
        let gtag = get(&page, "gtag");
        if let Some(gtag) = gtag.dyn_ref::<Function>() {
            // `gtag("event", name, params)`: the name is not a parameter.
            let name = get(&params, "event");
            Reflect::delete_property::<JsValue>(params.unchecked_ref(), &"event".into())?;
            gtag.call3(&JsValue::UNDEFINED, &"event".into(), &name, &params)?;
        } else {
            let mut layer = get(&page, "dataLayer");
            if layer.is_undefined() || layer.is_null() {
                layer = Array::new().into();
                Reflect::set(&page, &"dataLayer".into(), &layer)?;
            }
            let push: Function = get(&layer, "push").dyn_into()?;
            push.call1(&layer, &params)?;
        }
    }
    Ok(JsValue::UNDEFINED)
}

/// GA4's parameters of an event, the name as `event` (docs/analytics.md#adapters).
struct Ga4<'a>(&'a Event);

impl Serialize for Ga4<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let event = self.0;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("event", ga4_name(event))?;
        // A landing: method "none" (as its `channel`), no item.
        map.serialize_entry("method", event.channel.map_or("none", |c| c.id()))?;
        map.serialize_entry("content_type", ga4_content_type(event))?;
        map.serialize_entry("item_id", &event.token.as_ref().map(|t| t.as_str()))?;
        // Always set (undefined when none): Tag Manager's data model would otherwise
        // carry an earlier event's parent into this one.
        map.serialize_entry("share_parent", &event.parent.as_ref().map(|t| t.as_str()))?;
        map.end()
    }
}

fn ga4_params(event: &Event) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    Ga4(event)
        .serialize(&serializer)
        .unwrap_or(JsValue::UNDEFINED)
}

/// `new Date(ms).toISOString()`, the browser's (see [`Target::iso_time`]). A time past
/// JavaScript's last date (year 275760, where it would throw) is written as that date.
fn iso_time(ms: u64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms.min(8_640_000_000_000_000) as f64));
    date.to_iso_string().into()
}
