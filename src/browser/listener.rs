//! An event listener that removes itself when dropped, in the manner of `gloo-events`,
//! so that stopping lanterne is simply dropping its handles.

use wasm_bindgen::prelude::*;
use web_sys::{Event, EventTarget};

/// A registered event listener; dropping it calls `removeEventListener`.
///
/// ```no_run
/// # use wasm_bindgen::JsCast;
/// use lanterne::browser::listener::EventListener;
/// let document: web_sys::EventTarget = web_sys::window().unwrap().document().unwrap().unchecked_into();
/// let listener = EventListener::new(&document, "copy", |_event| { /* … */ });
/// drop(listener); // the copy listener is gone
/// ```
pub struct EventListener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl EventListener {
    /// Listens for `kind` events on `target` (bubbling phase, passive unless the handler
    /// needs `preventDefault`, which `copy` does: so never passive here).
    pub fn new(
        target: &EventTarget,
        kind: &'static str,
        handler: impl FnMut(Event) + 'static,
    ) -> EventListener {
        let callback = Closure::<dyn FnMut(Event)>::new(handler);
        // Only fails for a non-callable callback, which a Closure never is.
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        EventListener {
            target: target.clone(),
            kind,
            callback,
        }
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}
