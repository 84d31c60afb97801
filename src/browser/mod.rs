//! The browser layer (wasm32 only): reads the page, asks the core
//! ([`crate::core`]) and applies the answer, over `web-sys` and `js-sys`. Its exported
//! types and functions are lanterne's JavaScript API (`lanterne.d.ts`); the package's
//! JavaScript is only wasm-bindgen's glue and a thin entry module (`js/lanterne.js`)
//! that loads this module and hands over.
//!
//! - [`tracker`]: `start()`, the `Tracker` and its share intents;
//! - [`copy`]: the copy listener; [`address_bar`]: arrivals and the address bar;
//!   [`memory`]: the tokens this browser minted and the visit's parent;
//! - [`delivery`]: the durable queue and the reporter;
//! - [`buttons`], [`icons`], [`style`], [`containers`]: share buttons;
//! - [`config`]: reading the config; [`objects`]: what crosses to JavaScript as objects;
//! - [`handle`]: listeners, timers and observers that undo themselves when dropped;
//!   [`listeners`], [`page`]: small shared pieces.

pub mod address_bar;
pub mod buttons;
pub mod config;
pub mod containers;
pub mod copy;
pub mod delivery;
pub mod handle;
pub mod icons;
pub mod listeners;
pub mod memory;
pub mod objects;
pub mod page;
pub mod routes;
pub mod style;
pub mod tracker;

use crate::core::config::Source;
use page::{console, type_error, Level};
use tracker::Tracker;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

// SAFETY: wasm32-unknown-unknown without atomics is single-threaded.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// Where the package's files are, from the entry module (only it knows
/// `import.meta.url`): `icon(channel)` gives a brand icon's URL, `stylesheet` the URL of
/// `lanterne.css`. Called once, after the module is loaded.
///
/// ```js
/// assets((channel) => new URL(`./icons/${channel}.svg`, import.meta.url).href, new URL("./lanterne.css", import.meta.url).href);
/// ```
#[wasm_bindgen]
pub fn assets(icon: js_sys::Function, stylesheet: String) {
    icons::set_icon_url(icon);
    style::set_stylesheet_url(stylesheet);
}

/// Starts lanterne with a config object (README "Options"). Throws an `Error` naming the
/// field when the config is bad; nothing is started then.
///
/// ```js
/// const tracker = start({ endpoint: "/collect" });
/// ```
#[wasm_bindgen]
pub fn start(config: JsValue) -> Result<Tracker, JsValue> {
    if config.is_instance_of::<Element>() {
        return Err(type_error(
            "lanterne: start() takes a config object; use startFromElement for a script tag",
        ));
    }
    let (config, callback) = config::from_object(&config)?;
    tracker::begin(config, callback, Source::Object)
}

/// Starts lanterne from a script element's `data-*` attributes (`data-endpoint`,
/// `data-placement`…); errors name the attribute.
///
/// ```js
/// const tracker = startFromElement(document.querySelector("script[data-endpoint]"));
/// ```
#[wasm_bindgen(js_name = startFromElement)]
pub fn start_from_element(script: JsValue) -> Result<Tracker, JsValue> {
    let Some(script) = script.dyn_ref::<Element>() else {
        return Err(type_error(
            "lanterne: startFromElement needs a script element",
        ));
    };
    let config = config::from_element(script)?;
    tracker::begin(config, None, Source::Attributes)
}

/// The script tag's own start: the tracker is handed to the page in a `lanterne:ready`
/// event bubbling from the tag; a bad attribute is reported on the console, and the page
/// is never affected.
///
/// ```js
/// document.addEventListener("lanterne:ready", (event) => event.detail.flush());
/// ```
#[wasm_bindgen]
pub fn autostart(script: Element) {
    match start_from_element(script.clone().into()) {
        Ok(tracker) => {
            let init = handle::object(&[("detail", tracker.into()), ("bubbles", true.into())]);
            if let Ok(ready) = web_sys::CustomEvent::new_with_event_init_dict(
                "lanterne:ready",
                init.unchecked_ref(),
            ) {
                let _ = script.dispatch_event(&ready);
            }
        }
        Err(problem) => console(Level::Error, &problem),
    }
}
