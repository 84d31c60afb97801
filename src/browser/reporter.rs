//! Sending events to the endpoint (SPEC §6), first version: batched in memory, POSTed as a
//! JSON array with `fetch(…, {keepalive})`, flushed with `sendBeacon` when the page is
//! hidden, and retried with backoff while the endpoint is unreachable or answers 5xx, 408
//! or 429. The durable `localStorage` queue comes later behind this same interface.
//!
//! The body is sent as `text/plain` and without credentials: a "simple" CORS request, so a
//! cross-origin endpoint never needs a preflight, and no cookie ever leaves with an event.

use crate::core::event::Event;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::{RequestCredentials, RequestInit, RequestMode, Response};

/// Events written within this many milliseconds go in one request.
const BATCH_DELAY_MS: i32 = 200;
/// First retry delay; doubles up to [`MAX_RETRY_MS`].
const FIRST_RETRY_MS: i32 = 1_000;
const MAX_RETRY_MS: i32 = 60_000;
/// Events kept in memory at most; the oldest go first.
const MAX_PENDING: usize = 1_000;
/// `sendBeacon` refuses bodies past 64 KiB in all; stay well under it per call.
const BEACON_CHUNK: usize = 60_000;

type Callback = Closure<dyn FnMut(JsValue)>;

/// Batches and sends events to one endpoint.
pub struct Reporter {
    endpoint: String,
    pending: RefCell<Vec<String>>,
    in_flight: RefCell<Vec<String>>,
    /// The settle callbacks of the request in flight; dropped at the next request (not
    /// from inside themselves).
    callbacks: RefCell<Vec<Callback>>,
    timer: Cell<Option<i32>>,
    timer_callback: RefCell<Option<Closure<dyn FnMut()>>>,
    retry_ms: Cell<i32>,
    warned: Cell<bool>,
    me: Weak<Reporter>,
}

impl Reporter {
    /// A reporter for an absolute endpoint URL.
    pub fn new(endpoint: String) -> Rc<Reporter> {
        Rc::new_cyclic(|me| Reporter {
            endpoint,
            pending: RefCell::new(Vec::new()),
            in_flight: RefCell::new(Vec::new()),
            callbacks: RefCell::new(Vec::new()),
            timer: Cell::new(None),
            timer_callback: RefCell::new(None),
            retry_ms: Cell::new(FIRST_RETRY_MS),
            warned: Cell::new(false),
            me: me.clone(),
        })
    }

    /// Queues an event; it is sent within [`BATCH_DELAY_MS`].
    pub fn report(&self, event: &Event) {
        let mut pending = self.pending.borrow_mut();
        pending.push(event.to_json());
        if pending.len() > MAX_PENDING {
            let excess = pending.len() - MAX_PENDING;
            pending.drain(..excess);
        }
        drop(pending);
        self.schedule(BATCH_DELAY_MS);
    }

    fn schedule(&self, delay_ms: i32) {
        if self.timer.get().is_some() {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let me = self.me.clone();
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(reporter) = me.upgrade() {
                reporter.timer.set(None);
                reporter.flush();
            }
        });
        let id = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            callback.as_ref().unchecked_ref(),
            delay_ms,
        );
        self.timer.set(id.ok());
        *self.timer_callback.borrow_mut() = Some(callback);
    }

    /// Sends what is pending now with `fetch`, unless a request is already in flight (the
    /// rest follows when it settles).
    pub fn flush(&self) {
        if !self.in_flight.borrow().is_empty() || self.pending.borrow().is_empty() {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let batch: Vec<String> = self.pending.borrow_mut().drain(..).collect();
        let body = join_batch(&batch);
        *self.in_flight.borrow_mut() = batch;
        let me = self.me.clone();
        let on_response = Callback::new(move |response: JsValue| {
            if let Some(reporter) = me.upgrade() {
                let status = response.dyn_into::<Response>().map_or(0, |r| r.status());
                reporter.settle(status);
            }
        });
        let me = self.me.clone();
        let on_error = Callback::new(move |_error: JsValue| {
            if let Some(reporter) = me.upgrade() {
                reporter.settle(0);
            }
        });
        let promise = window.fetch_with_str_and_init(&self.endpoint, &post_init(&body, true));
        let _ = promise.then2(&on_response, &on_error);
        *self.callbacks.borrow_mut() = vec![on_response, on_error];
    }

    /// Handles the end of the request in flight: `status` 0 means a network error.
    fn settle(&self, status: u16) {
        let batch: Vec<String> = self.in_flight.borrow_mut().drain(..).collect();
        let retry = status == 0 || status == 408 || status == 429 || status >= 500;
        if (200..300).contains(&status) {
            self.retry_ms.set(FIRST_RETRY_MS);
        } else if retry {
            let mut pending = self.pending.borrow_mut();
            let newer: Vec<String> = pending.drain(..).collect();
            pending.extend(batch);
            pending.extend(newer);
            drop(pending);
            let delay = self.retry_ms.get();
            self.retry_ms.set((delay * 2).min(MAX_RETRY_MS));
            self.schedule(delay);
            return;
        } else if !self.warned.replace(true) {
            let mut message =
                String::from("lanterne: the endpoint refused a batch of events with HTTP ");
            crate::core::json::push_u64(&mut message, u64::from(status));
            message.push_str("; they are dropped, not retried");
            web_sys::console::warn_1(&message.into());
        }
        if !self.pending.borrow().is_empty() {
            self.schedule(0);
        }
    }

    /// Hands everything pending to `sendBeacon` (the page is being hidden or unloaded and
    /// may never run a timer again). Anything the browser refuses goes by `fetch` with
    /// `keepalive`.
    pub fn flush_beacon(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let batch: Vec<String> = self.pending.borrow_mut().drain(..).collect();
        let navigator = window.navigator();
        let mut start = 0;
        while start < batch.len() {
            let mut end = start;
            let mut size = 2;
            while end < batch.len() && (end == start || size + batch[end].len() + 1 <= BEACON_CHUNK)
            {
                size += batch[end].len() + 1;
                end += 1;
            }
            let body = join_batch(&batch[start..end]);
            if !navigator
                .send_beacon_with_opt_str(&self.endpoint, Some(&body))
                .unwrap_or(false)
            {
                let _ = window.fetch_with_str_and_init(&self.endpoint, &post_init(&body, true));
            }
            start = end;
        }
    }

    /// Stops the timer; pending events are given to the beacon so none is lost.
    pub fn shut_down(&self) {
        if let (Some(id), Some(window)) = (self.timer.take(), web_sys::window()) {
            window.clear_timeout_with_handle(id);
        }
        self.flush_beacon();
    }
}

fn join_batch(events: &[String]) -> String {
    let mut body = String::with_capacity(events.iter().map(|e| e.len() + 1).sum::<usize>() + 2);
    body.push('[');
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(event);
    }
    body.push(']');
    body
}

fn post_init(body: &str, keepalive: bool) -> RequestInit {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    // web-sys has no setter for `keepalive` yet.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &keepalive.into());
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    init
}
