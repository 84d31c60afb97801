//! Sending events to the endpoint (SPEC §6), first version: batched in memory, POSTed as a
//! JSON array with `fetch(…, {keepalive})`, flushed with `sendBeacon` when the page is
//! hidden, and retried with backoff while the endpoint is unreachable or answers 5xx, 408
//! or 429. The durable `localStorage` queue comes later behind this same interface.
//!
//! Requests are sent as `text/plain` and without credentials: a "simple" CORS request, so a
//! cross-origin endpoint never needs a preflight. (`sendBeacon` cannot omit credentials: the
//! browser sends the endpoint's own cookies with beacons, if it has any; lanterne sets none.)
//!
//! Every callback the browser may call later (a request settling, a timer firing) is a
//! one-shot JS function holding only a weak reference: it may outlive the reporter
//! (`stop()` during a request) without ever calling into freed memory.

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
/// A request that has not settled after this long counts as failed.
const REQUEST_TIMEOUT_MS: i32 = 30_000;
/// Events kept in memory at most; the oldest go first.
const MAX_PENDING: usize = 1_000;
/// Largest request body: keepalive fetches and beacons share a 64 KiB budget.
const MAX_BODY: usize = 60_000;
/// Most events in one request (the collector accepts up to 1000).
const MAX_EVENTS: usize = 500;

#[wasm_bindgen]
extern "C" {
    /// A promise seen only through its `then`.
    type Thenable;
    /// `promise.then(f, f)`: one function for both outcomes, so it is called exactly once
    /// and `Closure::once_into_js` frees it.
    #[wasm_bindgen(method, js_name = then)]
    fn then_either(this: &Thenable, on_fulfilled: &JsValue, on_rejected: &JsValue);
}

/// Batches and sends events to one endpoint.
pub struct Reporter {
    endpoint: String,
    pending: RefCell<Vec<String>>,
    in_flight: RefCell<Vec<String>>,
    /// Identifies the request in flight, so a late answer to an abandoned one is ignored.
    request: Cell<u32>,
    timer: Cell<Option<i32>>,
    retry_ms: Cell<i32>,
    /// While the endpoint is failing: when the next attempt is due (ms since the epoch),
    /// so events reported meanwhile wait for it instead of bypassing the backoff.
    retry_at: Cell<f64>,
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
            request: Cell::new(0),
            timer: Cell::new(None),
            retry_ms: Cell::new(FIRST_RETRY_MS),
            retry_at: Cell::new(0.0),
            warned: Cell::new(false),
            me: me.clone(),
        })
    }

    /// Queues an event; it is sent within [`BATCH_DELAY_MS`].
    pub fn report(&self, event: &Event) {
        self.pending.borrow_mut().push(event.to_json());
        self.trim();
        self.schedule(BATCH_DELAY_MS);
    }

    fn trim(&self) {
        let mut pending = self.pending.borrow_mut();
        if pending.len() > MAX_PENDING {
            let excess = pending.len() - MAX_PENDING;
            pending.drain(..excess);
        }
    }

    /// Calls `f` with this reporter after `delay_ms`, if it still exists then.
    fn after(&self, delay_ms: i32, f: impl FnOnce(&Reporter) + 'static) -> Option<i32> {
        let me = self.me.clone();
        let callback = Closure::once_into_js(move || {
            if let Some(reporter) = me.upgrade() {
                f(&reporter);
            }
        });
        web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.unchecked_ref(),
                delay_ms,
            )
            .ok()
    }

    fn schedule(&self, delay_ms: i32) {
        if self.timer.get().is_none() {
            let id = self.after(delay_ms, |reporter| {
                reporter.timer.set(None);
                reporter.send_next();
            });
            self.timer.set(id);
        }
    }

    /// Takes the next batch off the queue: as many events as fit in one request.
    fn next_batch(&self) -> Vec<String> {
        let mut pending = self.pending.borrow_mut();
        let mut size = 2;
        let count = pending
            .iter()
            .take(MAX_EVENTS)
            .take_while(|e| {
                size += e.len() + 1;
                size <= MAX_BODY
            })
            .count()
            .max(1)
            .min(pending.len());
        pending.drain(..count).collect()
    }

    /// Sends what is pending now, even during a retry backoff (`tracker.flush()`).
    pub fn flush(&self) {
        self.retry_at.set(0.0);
        self.send_next();
    }

    /// Sends the next batch with `fetch`, unless a request is already in flight (the rest
    /// follows when it settles) or a retry is not due yet (then it waits for it).
    fn send_next(&self) {
        if !self.in_flight.borrow().is_empty() || self.pending.borrow().is_empty() {
            return;
        }
        let wait = self.retry_at.get() - js_sys::Date::now();
        if wait > 0.0 {
            self.schedule(wait.ceil() as i32);
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let batch = self.next_batch();
        let body = join_batch(&batch);
        *self.in_flight.borrow_mut() = batch;
        let request = self.request.get().wrapping_add(1);
        self.request.set(request);
        let me = self.me.clone();
        let settle = Closure::once_into_js(move |outcome: JsValue| {
            if let Some(reporter) = me.upgrade() {
                reporter.settle(
                    request,
                    outcome.dyn_ref::<Response>().map_or(0, Response::status),
                );
            }
        });
        let promise = window.fetch_with_str_and_init(&self.endpoint, &post_init(&body));
        promise
            .unchecked_ref::<Thenable>()
            .then_either(&settle, &settle);
        self.after(REQUEST_TIMEOUT_MS, move |reporter| {
            reporter.settle(request, 0)
        });
    }

    /// Handles the end of request `request`: `status` 0 means a network error or timeout.
    fn settle(&self, request: u32, status: u16) {
        if request != self.request.get() || self.in_flight.borrow().is_empty() {
            return; // already settled (answer after the timeout, or the reverse)
        }
        let batch: Vec<String> = self.in_flight.borrow_mut().drain(..).collect();
        let retry = status == 0 || status == 408 || status == 429 || status >= 500;
        if (200..300).contains(&status) {
            self.retry_ms.set(FIRST_RETRY_MS);
            self.retry_at.set(0.0);
        } else if retry {
            self.requeue(batch);
            let delay = self.retry_ms.get();
            self.retry_ms.set((delay * 2).min(MAX_RETRY_MS));
            self.retry_at.set(js_sys::Date::now() + f64::from(delay));
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

    /// Puts events back at the front of the queue (they are older than what is there).
    fn requeue(&self, mut events: Vec<String>) {
        let mut pending = self.pending.borrow_mut();
        events.append(&mut pending);
        *pending = events;
        drop(pending);
        self.trim();
    }

    /// Hands everything pending to `sendBeacon` (the page is being hidden or unloaded and
    /// may never run a timer again), in chunks within the beacon budget. What the browser
    /// refuses stays queued for when the page is shown again.
    pub fn flush_beacon(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let navigator = window.navigator();
        while !self.pending.borrow().is_empty() {
            let batch = self.next_batch();
            let body = join_batch(&batch);
            if !navigator
                .send_beacon_with_opt_str(&self.endpoint, Some(&body))
                .unwrap_or(false)
            {
                self.requeue(batch);
                break;
            }
        }
    }

    /// Stops sending: the timer is cancelled, and pending events and the request in flight
    /// go by beacon (receivers dedupe on `id`, so a request that also succeeds is harmless).
    pub fn shut_down(&self) {
        if let (Some(id), Some(window)) = (self.timer.take(), web_sys::window()) {
            window.clear_timeout_with_handle(id);
        }
        let in_flight: Vec<String> = self.in_flight.borrow_mut().drain(..).collect();
        self.request.set(self.request.get().wrapping_add(1));
        self.requeue(in_flight);
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

fn post_init(body: &str) -> RequestInit {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    // keepalive: the request survives the page; web-sys has no setter for it yet. Bodies
    // are kept under the 64 KiB keepalive budget by `next_batch`.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
    init
}
