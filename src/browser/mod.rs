//! The browser layer (wasm32 only): the module every page loads. It reads the page, asks
//! the core ([`crate::core`]) and applies the answer. What most pages never use is in the
//! modules loaded where they are used ([`crate::rare`] and [`crate::formats`], through
//! [`lazy`]).
//!
//! - [`tracker`]: the composition root, a running tracker and its API;
//! - [`config`] builds its [`session`] from the config;
//! - [`copy`]: the copy listener; [`routes`]: the landing, the address bar and
//!   single-page apps' page views; [`reporting`]: the queue, its delivery, the memory of
//!   minted tokens, the page's subscribers; [`buttons`]: share buttons.
//!
//! Imports go one way: the tracker knows its parts; no part knows the tracker.
//!
//! The JavaScript API (`lanterne.d.ts`) is a class in the entry module (`js/lanterne.js`)
//! whose methods only forward to [`call`] with the tracker's handle: one exported
//! function instead of a class per method (docs/performance.md#size).

pub mod buttons;
pub mod config;
pub mod copy;
pub mod lazy;
pub mod reporting;
pub mod routes;
pub mod session;
pub mod tracker;

use crate::core::chars::cat;
use crate::core::config::{Consent, Source};
use crate::prelude::*;
use crate::web::handle::Callback;
use crate::web::page::{error, type_error};
use alloc::rc::Rc;
use core::cell::RefCell;
use js_sys::{Function, Promise};
use tracker::Tracker;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// A tracker's place: running, or stopped (then only its consent is left, for `stats()`).
enum Slot {
    Running(Rc<Tracker>),
    Stopped(Consent),
}

std::thread_local! {
    /// Every tracker started, by handle. Running ones are held until `stop()`: a page
    /// that keeps no reference to its tracker (the script tag, or `await start(…)` in a
    /// function) must go on being tracked.
    static TRACKERS: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
}

/// Where the package's files are, from the entry module (only it knows
/// `import.meta.url`): `icon(channel)` gives a brand icon's URL, `stylesheet` the URL of
/// `lanterne.css`, `rare()` imports the second module and `formats()` the analytics
/// formats module. Called once, after this module is loaded.
///
/// ```js
/// assets((channel) => new URL(`./icons/${channel}.svg`, import.meta.url).href, new URL("./lanterne.css", import.meta.url).href, () => import("./rare/lanterne_rare.js").then(…), () => import("./formats/lanterne_formats.js").then(…));
/// ```
#[wasm_bindgen]
pub fn assets(icon: Function, stylesheet: String, rare: Function, formats: Function) {
    buttons::icons::set_icon_url(icon);
    buttons::style::set_stylesheet_url(stylesheet);
    lazy::set_loaders(rare, formats);
}

/// Starts a tracker: from a config object (`source` 0: `start(config)`) or from a script
/// element's `data-*` attributes (`source` 1: `startFromElement(script)`). A promise of
/// the tracker's handle, or of the `Error` naming what is wrong (nothing is started
/// then).
///
/// ```js
/// const handle = await begin(0, { endpoint: "/collect" });
/// ```
#[wasm_bindgen]
pub fn begin(source: u32, given: JsValue) -> Promise {
    let source = if source == 0 {
        Source::Object
    } else {
        Source::Attributes
    };
    let is_element = given.is_instance_of::<Element>();
    if source == Source::Object && is_element {
        let problem =
            "lanterne: start() takes a config object; use startFromElement for a script tag";
        return Promise::reject(&type_error(problem));
    }
    if source == Source::Attributes && !is_element {
        return Promise::reject(&type_error(
            "lanterne: startFromElement needs a script element",
        ));
    }
    let (session, callback) = match config::session(source, &given) {
        Ok(started) => started,
        // The words are the second module's: it checks the config again, and says.
        Err(_) => {
            return Promise::new(&mut |_, reject| {
                let given = given.clone();
                lazy::with(move |rare| {
                    let problem = match rare {
                        Some(rare) => rare.config_error(source as u32, &given),
                        None => error("lanterne: the config is not valid (the module that says why could not be loaded)"),
                    };
                    let _ = reject.call1(&JsValue::UNDEFINED, &problem);
                });
            })
        }
    };
    let tracker = Tracker::start(session, callback);
    let handle = TRACKERS.with(|t| {
        let mut trackers = t.borrow_mut();
        trackers.push(Slot::Running(tracker));
        trackers.len() - 1
    });
    Promise::resolve(&JsValue::from(handle as u32))
}

/// A tracker's method, as the entry module's `Tracker` class calls it: `method` is its
/// place in the class (`stop`, `refresh`, `flush`, `running`, `renderButtons`,
/// `shareUrl`, `onShare`, `on`, `grant`, `deny`, `stats`), `a` and `b` its arguments.
/// Throws what the method throws.
///
/// ```js
/// class Tracker { stop() { call(this.#handle, 0); } }
/// ```
#[wasm_bindgen]
pub fn call(handle: u32, method: u32, a: JsValue, b: JsValue) -> Result<JsValue, JsValue> {
    let slot = TRACKERS.with(|t| match t.borrow().get(handle as usize) {
        Some(Slot::Running(tracker)) => Ok(tracker.clone()),
        Some(Slot::Stopped(consent)) => Err(*consent),
        None => Err(Consent::Denied),
    });
    // The functions `on()` and `onShare()` take.
    let listener = |f: &JsValue, name: &str| {
        f.clone()
            .dyn_into::<Function>()
            .map_err(|_| type_error(&cat(&["lanterne: ", name, " needs a function"])))
    };
    let tracker = match slot {
        Ok(tracker) => tracker,
        // Stopped: nothing to do, nothing drawn, nothing tracked.
        Err(consent) => {
            return match method {
                3 => Ok(false.into()),
                4 | 5 => Err(error("lanterne: this tracker is stopped")),
                // Nothing will happen to listen to: an unsubscribe that does nothing.
                6 => listener(&a, "onShare").map(|_| Callback::new(|_| {}).into_js_value()),
                7 => listener(&b, "on()").map(|_| Callback::new(|_| {}).into_js_value()),
                10 => Ok(tracker::stats(consent, false, (0, 0, 0, 0))),
                _ => Ok(JsValue::UNDEFINED),
            };
        }
    };
    Ok(match method {
        0 => {
            let consent = tracker.stop();
            TRACKERS.with(|t| t.borrow_mut()[handle as usize] = Slot::Stopped(consent));
            JsValue::UNDEFINED
        }
        1 => {
            tracker.refresh();
            JsValue::UNDEFINED
        }
        2 => {
            tracker.flush();
            JsValue::UNDEFINED
        }
        3 => tracker.running().into(),
        4 => tracker.render_buttons(&a, &b)?,
        5 => tracker.share_url(&a, &b)?,
        6 => tracker.on("share", listener(&a, "onShare")?),
        7 => {
            let listener = listener(&b, "on()")?;
            let kind = a.as_string().unwrap_or_default();
            if !matches!(kind.as_str(), "error" | "event" | "share") {
                let got = js_sys::JSON::stringify(&a)
                    .ok()
                    .and_then(|s| s.as_string())
                    .unwrap_or_else(|| "undefined".into());
                let problem = cat(&[
                    "lanterne: on() takes \"error\", \"event\" or \"share\" (got ",
                    &got,
                    ")",
                ]);
                return Err(type_error(&problem));
            }
            tracker.on(&kind, listener)
        }
        8 => {
            tracker.grant();
            JsValue::UNDEFINED
        }
        9 => {
            tracker.deny();
            JsValue::UNDEFINED
        }
        _ => tracker.stats(),
    })
}
