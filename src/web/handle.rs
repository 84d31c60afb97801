//! Handles that undo what they did when dropped, in the manner of `gloo-events` and
//! `gloo-timers`: an event listener, a timer, a mutation observer. Stopping lanterne is
//! dropping its handles, so nothing it registered can outlive it; like gloo's, they are
//! `#[must_use]`: a handle dropped at once undoes what it did at once.
//!
//! Every callback lanterne hands the browser has one of two signatures, `FnMut(JsValue)`
//! or, where an answer is needed, `FnMut(JsValue) -> JsValue`: wasm-bindgen emits glue
//! per closure signature.

use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::{Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget, MutationObserver};

/// The closure type lanterne gives the browser for what it calls back.
pub type Callback = Closure<dyn FnMut(JsValue)>;

/// The closure type for what must answer: a getter, or a Web Lock's callback (which
/// returns the promise the lock is held until).
pub type Getter = Closure<dyn FnMut(JsValue) -> JsValue>;

/// A callback as the `Function` browser APIs take.
pub fn function(callback: &Callback) -> &Function {
    callback.as_ref().unchecked_ref()
}

/// Event listeners of one or more event types on one target; dropping it calls
/// `removeEventListener` for each.
///
/// ```no_run
/// use lanterne::web::{dom::document, handle::EventListener};
/// let listener = EventListener::new(&document(), &["copy"], |_event| { /* … */ });
/// drop(listener); // the copy listener is gone
/// ```
#[must_use = "dropping the listener removes it"]
pub struct EventListener {
    target: EventTarget,
    types: &'static [&'static str],
    callback: Callback,
}

impl EventListener {
    /// Listens to each of `types` on `target` (bubbling phase, not passive: the copy
    /// listener and the buttons call `preventDefault`).
    pub fn new(
        target: &EventTarget,
        types: &'static [&'static str],
        mut handler: impl FnMut(Event) + 'static,
    ) -> EventListener {
        let callback = Callback::new(move |event: JsValue| handler(event.unchecked_into()));
        EventListener::listen(target, types, callback)
    }

    // Not generic, so each listener costs only its own closure.
    fn listen(
        target: &EventTarget,
        types: &'static [&'static str],
        callback: Callback,
    ) -> EventListener {
        for kind in types {
            // Only fails for a callback that is not callable, which a Closure always is.
            let _ = target.add_event_listener_with_callback(kind, function(&callback));
        }
        EventListener {
            target: target.clone(),
            types,
            callback,
        }
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        for kind in self.types {
            let _ = self
                .target
                .remove_event_listener_with_callback(kind, function(&self.callback));
        }
    }
}

/// A `setTimeout`; dropping it before it fires calls `clearTimeout`.
///
/// ```no_run
/// use lanterne::web::handle::Timeout;
/// let timer = Timeout::new(200, || { /* send the batch */ });
/// drop(timer); // never runs
/// ```
#[must_use = "dropping the timer clears it"]
pub struct Timeout {
    id: i32,
    _callback: Callback,
}

impl Timeout {
    /// Runs `f` once after `ms` milliseconds (clamped to what `setTimeout` takes).
    pub fn new(ms: f64, f: impl FnOnce() + 'static) -> Timeout {
        let mut f = Some(f);
        let callback = Callback::new(move |_| {
            if let Some(f) = f.take() {
                f()
            }
        });
        Timeout::start(ms, callback)
    }

    // Not generic, so each timer costs only its own closure.
    fn start(ms: f64, callback: Callback) -> Timeout {
        let ms = ms.clamp(0.0, 2_147_483_647.0) as i32;
        let id = super::dom::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(function(&callback), ms)
            .unwrap_or(0);
        Timeout {
            id,
            _callback: callback,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        super::dom::window().clear_timeout_with_handle(self.id);
    }
}

/// A `MutationObserver` watching a whole document for added and removed nodes; dropping
/// it disconnects it.
#[must_use = "dropping the observer disconnects it"]
pub struct Observer {
    observer: MutationObserver,
    _callback: Callback,
}

impl Observer {
    /// Calls `on_records` with each batch of mutation records for `childList` changes
    /// anywhere under `root`.
    pub fn tree(root: &web_sys::Node, on_records: impl FnMut(js_sys::Array) + 'static) -> Observer {
        let mut on_records = on_records;
        let callback = Callback::new(move |records: JsValue| on_records(records.unchecked_into()));
        let observer = super::dom::observe_tree(root, function(&callback)).unchecked_into();
        Observer {
            observer,
            _callback: callback,
        }
    }
}

impl Drop for Observer {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Calls `f` once `promise` settles, with `Ok(value)` or `Err(reason)`. The callbacks
/// keep themselves alive until then (a promise that never settles keeps them for good,
/// as it would in JavaScript).
pub fn on_settled(promise: &Promise, f: impl FnOnce(Result<JsValue, JsValue>) + 'static) {
    settle(promise, alloc::boxed::Box::new(f))
}

type Settled = alloc::boxed::Box<dyn FnOnce(Result<JsValue, JsValue>)>;

// Not generic, so each promise a caller waits for costs only its own closure body.
fn settle(promise: &Promise, f: Settled) {
    let f = Rc::new(Cell::new(Some(f)));
    let both: Rc<RefCell<Option<(Callback, Callback)>>> = Rc::default();
    let side = |ok: bool| {
        let (f, both) = (f.clone(), both.clone());
        Callback::new(move |value: JsValue| {
            // Both callbacks go once either runs (the running one after it returns).
            let _done = both.borrow_mut().take();
            if let Some(f) = f.take() {
                f(if ok { Ok(value) } else { Err(value) })
            }
        })
    };
    let (resolve, reject) = (side(true), side(false));
    let _ = promise.then2(&resolve, &reject);
    *both.borrow_mut() = Some((resolve, reject));
}

/// A plain object with these properties, for the option bags browser APIs take.
pub fn object(properties: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in properties {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}
