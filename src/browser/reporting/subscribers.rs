//! The functions a page subscribes with `tracker.on()` and `onShare()`.

use crate::prelude::*;
use crate::web::handle::Callback;
use crate::web::page::{console, Level};
use alloc::rc::Rc;
use core::cell::RefCell;
use js_sys::Function;
use wasm_bindgen::prelude::*;

/// A set of subscribers (a function added twice is called once, as with a `Set`), called
/// in the order they were added; one that throws is reported on the console and the
/// others still run.
#[derive(Clone, Default)]
pub struct Subscribers(Rc<RefCell<Vec<Function>>>);

impl Subscribers {
    /// Adds `listener`; returns the function that removes it.
    pub fn add(&self, listener: Function) -> JsValue {
        if !self.0.borrow().contains(&listener) {
            self.0.borrow_mut().push(listener.clone());
        }
        let list = self.0.clone();
        // The list holds each function once.
        Callback::new(move |_| {
            let mut list = list.borrow_mut();
            if let Some(i) = list.iter().position(|f| *f == listener) {
                list.remove(i);
            }
        })
        .into_js_value()
    }

    /// Whether anyone listens.
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }

    /// Calls every subscriber with `value`. The list is copied first: a subscriber may
    /// subscribe, unsubscribe or stop the tracker while it runs.
    pub fn call(&self, value: &JsValue) {
        let listeners = self.0.borrow().clone();
        for listener in listeners {
            if let Err(error) = listener.call1(&JsValue::UNDEFINED, value) {
                console(Level::Error, &error);
            }
        }
    }

    /// Removes every subscriber.
    pub fn clear(&self) {
        self.0.borrow_mut().clear();
    }
}
