//! Delivery (docs/events.md#delivery): events wait in a durable queue
//! ([`crate::core::queue`], kept in this tab's record: [`super::records`]) and are POSTed
//! in batches with `fetch(…, {keepalive})`; when the page is hidden or unloading, with
//! `sendBeacon` in chunks within its 64 KiB budget. Network errors, timeouts, 5xx, 408 and
//! 429 are retried with exponential backoff and jitter, honouring `Retry-After`
//! ([`crate::core::retry`]); other answers drop the batch with one console warning per
//! status.
//!
//! lanterne's own format is written here; the analytics tools' formats and the in-page
//! ones (GA4, a callback) are the formats module's ([`crate::formats`], through
//! [`super::super::lazy`]), loaded at start where the config names one.
//!
//! Requests are `text/plain` without credentials: a "simple" CORS request, so a
//! cross-origin endpoint never needs a preflight (custom headers make one necessary, and
//! rule out `sendBeacon`: then `fetch` with `keepalive` is used at page exit too).

use super::super::lazy;
use super::records::TabRecord;
use super::subscribers::Subscribers;
use crate::core::adapter::{fit_by, lanterne_body};
use crate::core::event::Event;
use crate::core::format::Format;
use crate::core::json::push_u64;
use crate::core::queue::{Queue, Record};
use crate::core::retry::{backoff, outcome, retry_after_ms, Outcome, FIRST_RETRY_MS};
use crate::prelude::*;
use crate::web::dom::{post, window};
use crate::web::handle::{object, on_settled, Timeout};
use crate::web::page::{console, now, Level};
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, Response};

/// What is reported within this window goes in one request.
const BATCH_WINDOW_MS: f64 = 200.0;
/// A request that has not settled after this long is abandoned and counts as failed.
const REQUEST_TIMEOUT_MS: f64 = 30_000.0;
/// Largest request body in bytes: keepalive fetches and beacons share a 64 KiB budget.
const MAX_BODY: usize = 60_000;
/// The request number of a fetch sent at page exit (with `headers`, instead of a beacon):
/// its answer only tells whether its events arrived.
const PAGE_EXIT: u32 = 0;

/// Where and how events go: the `format`, its endpoint and site, extra headers, and the
/// page's callback for the `callback` format.
pub struct Destination {
    /// The config's `format`: what the request bodies are.
    pub format: Format,
    /// Where requests go, resolved against the page (empty for the in-page formats).
    pub endpoint: String,
    /// The site's id in the analytics tool (config `site`; empty for the formats
    /// without one).
    pub site: String,
    /// The config's extra request headers (with any, no `sendBeacon`).
    pub headers: Vec<(String, String)>,
    /// The page's function, for the `callback` format.
    pub callback: Option<Function>,
}

/// The batch in flight (a request, or a call of the page's for the in-page formats).
struct Flight {
    /// Its number: an answer to an earlier, abandoned request is ignored.
    request: u32,
    /// The ids of its events.
    ids: Vec<String>,
    /// The drop count it reports: counted down once it is delivered.
    dropped: u64,
}

/// A batch ready to go: the ids of its events and what carries them (a request body;
/// for the in-page formats, their JSON).
struct Batch {
    ids: Vec<String>,
    body: String,
    events: Array,
}

/// A running delivery: the queue, its record, the batch in flight, the timer.
pub struct Reporter {
    to: Destination,
    /// The request headers with `headers` (`undefined` without: then page exit is by
    /// beacon, which cannot carry headers).
    headers: JsValue,
    queue: RefCell<Queue>,
    record: TabRecord,
    /// Consent pending: events are queued, nothing is sent.
    held: Cell<bool>,
    stopped: Cell<bool>,
    flight: RefCell<Option<Flight>>,
    /// Requests started, to number them.
    requests: Cell<u32>,
    abort: RefCell<Option<AbortController>>,
    /// The one timer: the batching window or a retry's wait, and while a request is in
    /// flight, its deadline.
    timer: RefCell<Option<Timeout>>,
    retry_ms: Cell<f64>,
    /// The statuses already warned about, one bit each: those that drop a batch are 300
    /// to 499 (2xx is delivered, 5xx retried), which `status % 256` keeps apart.
    warned: Cell<[u64; 4]>,
    sent: Cell<u32>,
    retries: Cell<u32>,
    errors: Subscribers,
}

impl Reporter {
    /// A reporter for this tab; what earlier page views left (an outage, a closed tab) is
    /// adopted and goes now, or when the backoff they were in ends.
    pub fn new(
        to: Destination,
        limit: u32,
        bytes: u32,
        held: bool,
        errors: Subscribers,
    ) -> Rc<Reporter> {
        let mut headers = JsValue::UNDEFINED;
        if !to.headers.is_empty() {
            let object = object(&[("Content-Type", "text/plain;charset=UTF-8".into())]);
            for (name, value) in &to.headers {
                let _ = Reflect::set(&object, &name.into(), &value.into());
            }
            headers = object.into();
        }
        // The analytics tools' formats are the formats module's: loaded now, so it is
        // there for the first batch and for a beacon at page exit.
        if to.format != Format::Lanterne {
            lazy::with_formats(|_| {});
        }
        let reporter = Rc::new(Reporter {
            to,
            headers,
            queue: RefCell::new(Queue::new(limit as usize, bytes as usize)),
            record: TabRecord::open(),
            held: Cell::new(held),
            stopped: Cell::new(false),
            flight: RefCell::new(None),
            requests: Cell::new(PAGE_EXIT),
            abort: RefCell::new(None),
            timer: RefCell::new(None),
            retry_ms: Cell::new(FIRST_RETRY_MS),
            warned: Cell::new([0; 4]),
            sent: Cell::new(0),
            retries: Cell::new(0),
            errors,
        });
        let this = Rc::downgrade(&reporter);
        let adopt: Rc<dyn Fn(Record)> = Rc::new(move |record| {
            if let Some(reporter) = this.upgrade() {
                reporter.adopt(record)
            }
        });
        reporter.record.take_orphans(Some(adopt));
        reporter
    }

    /// `(queued, sent, dropped, retries)` for `stats()`.
    pub fn counts(&self) -> (u32, u32, u32, u32) {
        let queue = self.queue.borrow();
        (
            queue.len() as u32,
            self.sent.get(),
            queue.dropped_here() as u32,
            self.retries.get(),
        )
    }

    /// Queues one event; it is sent within the batching window. The record is written by
    /// the next [`Reporter::save`] (reporting calls it right after the task).
    pub fn report(self: &Rc<Self>, event: Event) {
        self.queue.borrow_mut().push(event);
        self.schedule(BATCH_WINDOW_MS);
    }

    /// Sends what is queued now, even during a retry backoff.
    pub fn flush(self: &Rc<Self>) {
        self.queue.borrow_mut().retry_at = 0;
        self.send();
    }

    /// Consent granted: what waited goes out (unless the endpoint asked to wait).
    pub fn release(self: &Rc<Self>) {
        self.held.set(false);
        self.send();
    }

    /// Takes in the events another tab left.
    fn adopt(self: &Rc<Self>, record: Record) {
        let added = self.queue.borrow_mut().adopt(record);
        self.save();
        if added > 0 {
            self.schedule(0.0);
        }
    }

    /// The page is being hidden or unloaded and may never run a timer again: what is
    /// waiting goes now, by beacon (or keepalive fetch with custom headers), in chunks
    /// within the budget; not while the endpoint is known to be failing, and not for
    /// formats that stay in the page (the next page does). The browser never says whether
    /// a beacon arrived, so for receivers that dedupe on the event id the events stay
    /// queued for the next page, which sends them again; for the others, what the
    /// browser accepted leaves the queue. A refused chunk stays for later.
    pub fn flush_beacon(self: &Rc<Self>) {
        let format = self.to.format;
        if self.held.get()
            || self.stopped.get()
            || format.in_page()
            || self.queue.borrow().retry_at > now()
        {
            return;
        }
        let mut taken = match &*self.flight.borrow() {
            Some(flight) => flight.ids.clone(),
            None => Vec::new(),
        };
        // No drop count by beacon: only the next fetched batch carries it, once.
        while let Some(Batch { mut ids, body, .. }) = self.next(&taken, 0) {
            let sent = if self.headers.is_undefined() {
                body.len() <= MAX_BODY
                    && window()
                        .navigator()
                        .send_beacon_with_opt_str(&self.to.endpoint, Some(&body))
                        .unwrap_or(false)
            } else {
                let keepalive = body.len() <= MAX_BODY;
                let answer = post(
                    &self.to.endpoint,
                    &body,
                    keepalive,
                    &JsValue::UNDEFINED,
                    &self.headers,
                );
                self.on_answer(&answer, PAGE_EXIT, ids.clone());
                true
            };
            if !sent {
                break;
            }
            if format.dedupes() {
                self.queue.borrow_mut().set_aside(&ids);
            } else {
                self.queue.borrow_mut().remove(&ids);
                self.sent.set(self.sent.get() + ids.len() as u32);
            }
            taken.append(&mut ids);
        }
        self.save();
    }

    /// Stops sending; what is queued goes by beacon, and what is left waits for a later
    /// page.
    pub fn shut_down(self: &Rc<Self>) {
        self.timer.borrow_mut().take();
        self.flush_beacon();
        // A request in flight goes on (keepalive), its answer unheard; for receivers that
        // do not dedupe, its events are taken as sent rather than sent again by the next
        // page.
        let flight = self.flight.borrow_mut().take();
        if let Some(flight) = flight {
            if !self.to.format.dedupes() {
                self.queue.borrow_mut().remove(&flight.ids);
                self.save();
            }
        }
        self.stopped.set(true);
    }

    /// Consent refused: everything queued is forgotten, nothing more is sent.
    pub fn forget(self: &Rc<Self>) {
        self.timer.borrow_mut().take();
        if let Some(abort) = self.abort.borrow_mut().take() {
            abort.abort();
        }
        self.flight.borrow_mut().take();
        self.queue.borrow_mut().clear();
        self.save();
        self.stopped.set(true);
    }

    /// Sets the timer, unless it is already set (or delivery stopped).
    fn schedule(self: &Rc<Self>, delay: f64) {
        if self.timer.borrow().is_none() && !self.stopped.get() {
            self.set_timer(delay);
        }
    }

    /// Sets the timer, replacing whatever it was set for.
    fn set_timer(self: &Rc<Self>, delay: f64) {
        let this = self.clone();
        let timer = Timeout::new(delay, move || {
            this.timer.borrow_mut().take();
            // In flight, a request's timer is its deadline (the in-page formats have none).
            let late = match &*this.flight.borrow() {
                Some(flight) if !this.to.format.in_page() => Some(flight.request),
                _ => None,
            };
            match late {
                Some(request) => {
                    // So a late answer cannot race the retry.
                    if let Some(abort) = this.abort.borrow_mut().take() {
                        abort.abort();
                    }
                    this.settle(request, 0, None);
                }
                None => this.send(),
            }
        });
        *self.timer.borrow_mut() = Some(timer);
    }

    /// The next batch, leaving out the events with ids in `except`; its request body
    /// within the budget (but for a single event larger than it). `None` when nothing
    /// waits, or when the format is the formats module's and it is not loaded yet.
    fn next(&self, except: &[String], dropped: u64) -> Option<Batch> {
        let format = self.to.format;
        let queue = self.queue.borrow();
        let batch = queue.peek(format.batch(), MAX_BODY, except);
        if batch.is_empty() {
            return None;
        }
        let (count, body) = if format == Format::Lanterne {
            fit_by(batch.len(), MAX_BODY, |n| {
                lanterne_body(batch.iter().take(n).map(|q| q.json.as_str()), dropped)
            })
        } else if format.in_page() {
            (batch.len(), String::new())
        } else {
            let formats = lazy::formats_loaded()?;
            let events = Array::new();
            for queued in &batch {
                events.push(&queued.json.as_str().into());
            }
            let answer = formats.body(
                format.id(),
                &self.to.site,
                &events,
                dropped as f64,
                MAX_BODY as u32,
            );
            let count = answer.get(0).as_f64().unwrap_or(0.0) as usize;
            (count, answer.get(1).as_string().unwrap_or_default())
        };
        let mut ids = Vec::new();
        let events = Array::new();
        for queued in batch.iter().take(count.max(1)) {
            ids.push(queued.id.clone());
            if format.in_page() {
                events.push(&queued.json.as_str().into());
            }
        }
        Some(Batch { ids, body, events })
    }

    // Sends the next batch, unless a request is in flight (the rest follows when it
    // settles), a retry is not due yet (then it waits for it) or consent is pending.
    fn send(self: &Rc<Self>) {
        if self.stopped.get()
            || self.held.get()
            || self.flight.borrow().is_some()
            || self.queue.borrow().waiting() == 0
        {
            return;
        }
        let wait = self.queue.borrow().retry_at as f64 - now() as f64;
        if wait > 0.0 {
            return self.schedule(wait);
        }
        let format = self.to.format;
        // The analytics tools' formats and the in-page ones are the formats module's.
        let formats = if format == Format::Lanterne {
            None
        } else {
            let Some(formats) = lazy::formats_loaded() else {
                let this = self.clone();
                return lazy::with_formats(move |formats| {
                    if formats.is_some() {
                        this.send()
                    } else {
                        this.settle_missing()
                    }
                });
            };
            Some(formats)
        };
        let dropped = self.queue.borrow().dropped();
        let Some(Batch { ids, body, events }) = self.next(&[], dropped) else {
            return;
        };
        // The record's time shows this tab is alive.
        self.save();
        let request = self.requests.get() + 1;
        self.requests.set(request);
        *self.flight.borrow_mut() = Some(Flight {
            request,
            ids,
            dropped,
        });
        let answer = match formats.filter(|_| format.in_page()) {
            // A throw is a failure; for the callback, so is a promise it returns that
            // rejects.
            Some(formats) => {
                let callback = self
                    .to
                    .callback
                    .clone()
                    .map_or(JsValue::UNDEFINED, JsValue::from);
                formats.deliver(format.id(), &events, dropped as f64, &callback)
            }
            None => {
                let abort = AbortController::new().ok();
                let signal = abort
                    .as_ref()
                    .map_or(JsValue::UNDEFINED, |a| a.signal().into());
                *self.abort.borrow_mut() = abort;
                self.set_timer(REQUEST_TIMEOUT_MS);
                post(
                    &self.to.endpoint,
                    &body,
                    body.len() <= MAX_BODY,
                    &signal,
                    &self.headers,
                )
            }
        };
        self.on_answer(&answer, request, Vec::new());
    }

    /// The formats module could not be loaded for a format it writes: a failed attempt,
    /// retried like a network error.
    fn settle_missing(self: &Rc<Self>) {
        let request = self.requests.get() + 1;
        self.requests.set(request);
        *self.flight.borrow_mut() = Some(Flight {
            request,
            ids: Vec::new(),
            dropped: 0,
        });
        self.settle(request, 0, None);
    }

    /// Settles request `request` when `answer` does: a fetch's `Response`, or what the
    /// page's call gave. For a fetch at page exit ([`PAGE_EXIT`]), `ids` are its events.
    fn on_answer(self: &Rc<Self>, answer: &Promise, request: u32, ids: Vec<String>) {
        let this = self.clone();
        on_settled(answer, move |answer| {
            let (status, after) = match answer {
                Err(_) => (0, None),
                Ok(_) if this.to.format.in_page() => (200, None),
                Ok(response) => {
                    let response: Response = response.unchecked_into();
                    let after = response.headers().get("Retry-After").ok().flatten();
                    (response.status(), after)
                }
            };
            if request != PAGE_EXIT {
                this.settle(request, status, after);
            } else if outcome(status) == Outcome::Delivered {
                // The page lived on (hidden, not closed): the answer is known after all.
                this.queue.borrow_mut().remove(&ids);
                this.save();
            }
        });
    }

    // The end of request `request`: `status` 0 means a network error or a timeout.
    fn settle(self: &Rc<Self>, request: u32, status: u16, after: Option<String>) {
        let flight = self.flight.borrow_mut().take_if(|f| f.request == request);
        let Some(Flight { ids, dropped, .. }) = flight else {
            return; // already settled
        };
        self.timer.borrow_mut().take();
        let events = ids.len() as u32;
        match outcome(status) {
            Outcome::Delivered => {
                {
                    let mut queue = self.queue.borrow_mut();
                    queue.remove(&ids);
                    queue.reported(dropped);
                    queue.retry_at = 0;
                }
                self.save();
                self.sent.set(self.sent.get() + events);
                self.retry_ms.set(FIRST_RETRY_MS);
            }
            Outcome::Retry => {
                // What the endpoint asked for, or full backoff with jitter; kept in the
                // queue's record, so the next page waits too.
                let (jittered, next) = backoff(self.retry_ms.get(), js_sys::Math::random());
                let delay = after
                    .as_deref()
                    .and_then(|value| {
                        retry_after_ms(value, |date| {
                            js_sys::Date::parse(date) - js_sys::Date::now()
                        })
                    })
                    .unwrap_or(jittered);
                self.retry_ms.set(next);
                self.queue.borrow_mut().retry_at = now() + delay as u64;
                self.save();
                self.retries.set(self.retries.get() + 1);
                let mut message = String::from("lanterne: delivery failed (");
                if status == 0 {
                    message.push_str("network error or timeout");
                } else {
                    message.push_str("HTTP ");
                    push_u64(&mut message, u64::from(status));
                }
                message.push_str("); retrying in ");
                push_u64(&mut message, delay as u64);
                message.push_str(" ms");
                self.emit(status, true, events, &message);
                return self.schedule(delay);
            }
            Outcome::Refused => {
                // The endpoint refuses these events: sending them again would not change
                // that. The drop count was not delivered: the next batch carries it.
                self.queue.borrow_mut().remove(&ids);
                self.save();
                let mut message = String::from("lanterne: the endpoint refused a batch of ");
                push_u64(&mut message, u64::from(events));
                message.push_str(" events with HTTP ");
                push_u64(&mut message, u64::from(status));
                message.push_str("; they are dropped, not retried");
                let mut warned = self.warned.get();
                let (word, bit) = (usize::from(status % 256 / 64), 1u64 << (status % 64));
                if warned[word] & bit == 0 {
                    warned[word] |= bit;
                    self.warned.set(warned);
                    console(Level::Warn, &JsValue::from_str(&message));
                }
                self.emit(status, false, events, &message);
            }
        }
        if self.queue.borrow().waiting() > 0 {
            self.schedule(0.0);
        }
    }

    /// Tells `on("error")` subscribers.
    fn emit(&self, status: u16, retry: bool, events: u32, message: &str) {
        if self.errors.is_empty() {
            return;
        }
        let error = object(&[
            (
                "kind",
                (if status == 0 { "network" } else { "http" }).into(),
            ),
            ("status", status.into()),
            ("retry", retry.into()),
            ("events", events.into()),
            ("message", message.into()),
        ]);
        self.errors.call(&error);
    }

    /// Writes this tab's record (also at every send attempt: the record shows the tab
    /// lives), and holds this tab's lock while it has events.
    pub fn save(&self) {
        self.record.write(self.queue.borrow().record(now()));
    }
}
