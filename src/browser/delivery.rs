//! Delivery (SPEC §6, README "Delivery"): events wait in a durable queue in
//! `localStorage` and are POSTed in batches with `fetch(…, {keepalive})`; when the page is
//! hidden or unloading, with `sendBeacon` in chunks within its 64 KiB budget. Network
//! errors, timeouts, 5xx, 408 and 429 are retried with exponential backoff and jitter,
//! honouring `Retry-After`; other answers drop the batch with one console warning per
//! status. The queue's rules and the request bodies are the core's
//! ([`crate::core::queue`], [`crate::core::adapter`]); this module does the storage, the
//! locks, the timers and the network.
//!
//! Each tab keeps its own record, `localStorage["lanterne:queue:<tab>"]`, so no two tabs
//! rewrite the same key or send the same event. While its record has events, a tab holds
//! the Web Lock `lanterne:tab:<tab>` (only then: a held lock keeps a page out of the
//! back/forward cache); a later page adopts the records whose lock is free, so retries
//! resume after a reload or a closed tab. Without storage the queue lives in memory.
//!
//! Requests are `text/plain` without credentials: a "simple" CORS request, so a
//! cross-origin endpoint never needs a preflight (custom headers make one necessary, and
//! rule out `sendBeacon`: then `fetch` with `keepalive` is used at page exit too).

use super::handle::{object, on_settled, Getter, Timeout};
use super::listeners::Listeners;
use super::memory::{local, read};
use super::objects::{self, Field};
use super::page::{console, get, now, random_bytes, window, Level};
use crate::core::adapter::{self, Target};
use crate::core::event::{Event, Stored};
use crate::core::format::Format;
use crate::core::json::push_u64;
use crate::core::queue::{count, Queue, Queued, Record};
use crate::prelude::*;
use alloc::boxed::Box;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::{Array, Function, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal, Response, Storage};

const PREFIX: &str = "lanterne:queue:";
const LOCK: &str = "lanterne:tab:";
/// Without Web Locks, a record untouched for this long is taken to be an orphan (a live
/// tab rewrites its record at every attempt).
const ORPHAN_MS: u64 = 10 * 60 * 1000;
/// What is reported within this window goes in one request.
const BATCH_WINDOW_MS: f64 = 200.0;
/// First retry delay; doubles up to MAX_RETRY_MS.
const FIRST_RETRY_MS: f64 = 1000.0;
const MAX_RETRY_MS: f64 = 60_000.0;
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
    pub format: Format,
    pub endpoint: String,
    pub site: String,
    pub headers: Vec<(String, String)>,
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

/// A running delivery: the queue, its record and lock, the batch in flight, the timer.
pub struct Reporter {
    to: Destination,
    /// The request headers with `headers` (`undefined` without: then page exit is by
    /// beacon, which cannot carry headers).
    headers: JsValue,
    queue: RefCell<Queue>,
    storage: RefCell<Option<Storage>>,
    /// This tab's record, `lanterne:queue:<tab>`.
    key: String,
    /// `navigator.language`, for Umami.
    language: String,
    /// The lock's release: `Some` while this tab holds (or waits for) its lock.
    lock: RefCell<Option<Rc<Cell<Option<Function>>>>>,
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
    errors: Listeners,
}

impl Reporter {
    /// A reporter for this tab; what earlier page views left (an outage, a closed tab) is
    /// adopted and goes now, or when the backoff they were in ends.
    pub fn new(
        to: Destination,
        limit: u32,
        bytes: u32,
        held: bool,
        errors: Listeners,
    ) -> Rc<Reporter> {
        // The tab: 8 random characters of [a-z0-9].
        let mut key = String::from(PREFIX);
        for b in random_bytes::<8>() {
            key.push(char::from(
                b"abcdefghijklmnopqrstuvwxyz0123456789"[usize::from(b % 36)],
            ));
        }
        let mut headers = JsValue::UNDEFINED;
        if !to.headers.is_empty() {
            let object = object(&[("Content-Type", "text/plain;charset=UTF-8".into())]);
            for (name, value) in &to.headers {
                let _ = Reflect::set(&object, &name.into(), &value.into());
            }
            headers = object.into();
        }
        let reporter = Rc::new(Reporter {
            to,
            headers,
            queue: RefCell::new(Queue::new(limit as usize, bytes as usize)),
            storage: RefCell::new(local()),
            key,
            language: window().navigator().language().unwrap_or_default(),
            lock: RefCell::new(None),
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
        take_orphans(Some(&reporter));
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

    /// Queues one event; it is sent within the batching window.
    pub fn report(self: &Rc<Self>, event: Event) {
        self.queue.borrow_mut().push(event);
        self.save();
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
        while let Some((mut ids, body, _)) = self.next(&taken, 0) {
            let sent = if self.headers.is_undefined() {
                body.len() <= MAX_BODY
                    && window()
                        .navigator()
                        .send_beacon_with_opt_str(&self.to.endpoint, Some(&body))
                        .unwrap_or(false)
            } else {
                let answer =
                    window().fetch_with_str_and_init(&self.to.endpoint, &self.init(body, None));
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

    /// The `RequestInit` of a POST of `body`: with keepalive when within the budget.
    fn init(&self, body: String, signal: Option<AbortSignal>) -> web_sys::RequestInit {
        // `undefined` members (no signal, no headers) are as good as absent.
        object(&[
            ("method", "POST".into()),
            ("keepalive", (body.len() <= MAX_BODY).into()),
            ("body", body.into()),
            ("mode", "cors".into()),
            ("credentials", "omit".into()),
            ("signal", signal.map_or(JsValue::UNDEFINED, Into::into)),
            ("headers", self.headers.clone()),
        ])
        .unchecked_into()
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

    /// The next batch, leaving out the events with ids in `except`: the ids of its events,
    /// and its request body (within the budget, but for a single event larger than it) or,
    /// for the in-page formats, what the page is handed. `None` when nothing waits.
    fn next(&self, except: &[String], dropped: u64) -> Option<(Vec<String>, String, Array)> {
        let format = self.to.format;
        let queue = self.queue.borrow();
        let batch = queue.peek(format.batch(), MAX_BODY, except);
        if batch.is_empty() {
            return None;
        }
        let (n, body) = if format.in_page() {
            (batch.len(), String::new())
        } else {
            let target = Target {
                site: &self.to.site,
                language: &self.language,
                now: now(),
                iso_time,
            };
            adapter::fit(format, &batch, dropped, &target, MAX_BODY)
        };
        let mut ids = Vec::new();
        let items = Array::new();
        for queued in batch.iter().take(n) {
            let event = &queued.event;
            ids.push(event.id.clone());
            if !format.in_page() {
                continue;
            }
            // Made here, while the queue is borrowed, and handed over once it is not: the
            // page's code may report or flush.
            let item = if self.to.callback.is_some() {
                objects::event(event)
            } else {
                // share_parent always set (undefined when none): Tag Manager's data model
                // would otherwise carry an earlier event's parent into this one.
                objects::object(
                    &[
                        ("event", Field::Text(adapter::ga4_name(event))),
                        ("method", Field::Text(event.channel.id())),
                        (
                            "content_type",
                            Field::Text(adapter::ga4_content_type(event)),
                        ),
                        ("item_id", Field::Text(event.token.as_str())),
                        (
                            "share_parent",
                            objects::text_or_missing(event.parent.as_ref().map(|t| t.as_str())),
                        ),
                    ],
                    false,
                )
            };
            items.push(&item);
        }
        Some((ids, body, items))
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
        let dropped = self.queue.borrow().dropped();
        let Some((ids, body, items)) = self.next(&[], dropped) else {
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
        let answer = if self.to.format.in_page() {
            // A throw is a failure; for the callback, so is a promise it returns that
            // rejects.
            match self.deliver_in_page(&items, dropped) {
                Ok(value) => Promise::resolve(&value),
                Err(_) => return self.settle(request, 0, None),
            }
        } else {
            let abort = AbortController::new().ok();
            let init = self.init(body, abort.as_ref().map(AbortController::signal));
            *self.abort.borrow_mut() = abort;
            self.set_timer(REQUEST_TIMEOUT_MS);
            window().fetch_with_str_and_init(&self.to.endpoint, &init)
        };
        self.on_answer(&answer, request, Vec::new());
    }

    /// Hands a batch to the page: the site's callback, or GA4's `gtag` (or `dataLayer`).
    fn deliver_in_page(&self, items: &Array, dropped: u64) -> Result<JsValue, JsValue> {
        if let Some(callback) = &self.to.callback {
            return callback.call2(&JsValue::UNDEFINED, items, &(dropped as f64).into());
        }
        let page = window();
        for params in items.iter() {
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
            } else if (200..300).contains(&status) {
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
        if (200..300).contains(&status) {
            {
                let mut queue = self.queue.borrow_mut();
                queue.remove(&ids);
                queue.reported(dropped);
                queue.retry_at = 0;
            }
            self.save();
            self.sent.set(self.sent.get() + events);
            self.retry_ms.set(FIRST_RETRY_MS);
        } else if status == 0 || status == 408 || status == 429 || status >= 500 {
            // Full backoff with jitter (so tabs and visitors do not retry in step), or
            // what the endpoint asked for; kept in the queue's record, so the next page
            // waits too.
            let delay = after
                .as_deref()
                .and_then(retry_after_ms)
                .unwrap_or_else(|| self.retry_ms.get() * (0.5 + js_sys::Math::random() / 2.0));
            self.retry_ms
                .set((self.retry_ms.get() * 2.0).min(MAX_RETRY_MS));
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
        } else {
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
        if self.queue.borrow().waiting() > 0 {
            self.schedule(0.0);
        }
    }

    fn emit(&self, status: u16, retry: bool, events: u32, message: &str) {
        let error = objects::object(
            &[
                (
                    "kind",
                    Field::Text(if status == 0 { "network" } else { "http" }),
                ),
                ("status", Field::Number(f64::from(status))),
                ("retry", Field::Bool(retry)),
                ("events", Field::Number(f64::from(events))),
                ("message", Field::Text(message)),
            ],
            true,
        );
        self.errors.call(&error);
    }

    /// Writes this tab's record (also at every send attempt: the record shows the tab
    /// lives), and holds this tab's lock while it has events.
    fn save(&self) {
        let record = self.queue.borrow().record(now());
        self.hold_lock(record.is_some());
        let mut storage = self.storage.borrow_mut();
        let Some(store) = storage.as_ref() else {
            return;
        };
        let written = match &record {
            Some(record) => store.set_item(&self.key, record),
            None => store.remove_item(&self.key),
        };
        if written.is_err() {
            // Quota, or a storage that went away: keep going in memory, and leave no
            // stale record for a later page to send again.
            let _ = store.remove_item(&self.key);
            *storage = None;
        }
    }

    fn hold_lock(&self, hold: bool) {
        let Some(locks) = locks() else { return };
        let mut lock = self.lock.borrow_mut();
        if !hold {
            // Let go: resolve the promise the lock callback returned.
            if let Some(release) = lock.take().and_then(|r| r.take()) {
                let _ = release.call0(&JsValue::UNDEFINED);
            }
            return;
        }
        if lock.is_some() {
            return;
        }
        let release: Rc<Cell<Option<Function>>> = Rc::default();
        *lock = Some(release.clone());
        // Granted asynchronously: by then the queue may be empty again, and this
        // `release` is no longer the one kept.
        let mut keep = Some(release);
        request_lock(
            &locks,
            &self.key,
            false,
            Box::new(move |_lock| {
                let Some(release) = keep.take().filter(|r| Rc::strong_count(r) > 1) else {
                    return JsValue::UNDEFINED;
                };
                Promise::new(&mut |resolve, _| release.set(Some(resolve))).into()
            }),
        );
    }
}

/// `navigator.locks`, where the browser has Web Locks.
fn locks() -> Option<web_sys::LockManager> {
    let locks = get(&window().navigator(), "locks");
    (!locks.is_undefined()).then(|| locks.unchecked_into())
}

/// Requests the Web Lock of the tab whose record is `key` (`if_available`: only if no one
/// holds it, else `granted` gets `null`). `granted` gets the lock, and what it returns
/// (a promise) holds the lock until it settles.
fn request_lock(
    locks: &web_sys::LockManager,
    key: &str,
    if_available: bool,
    granted: Box<dyn FnMut(JsValue) -> JsValue>,
) {
    let name = [LOCK, key.get(PREFIX.len()..).unwrap_or("")].concat();
    let granted = Getter::wrap(granted);
    let options = object(&[("ifAvailable", if_available.into())]);
    let done = locks.request_with_options(
        &name,
        options.unchecked_ref(),
        granted.as_ref().unchecked_ref(),
    );
    on_settled(&done, move |_| drop(granted));
}

/// Removes the record of every other tab that is gone (its lock is free, taken meanwhile;
/// without Web Locks, when it is older than [`ORPHAN_MS`]), and hands its events to
/// `into` (`None`: they are forgotten).
fn take_orphans(into: Option<&Rc<Reporter>>) {
    let (storage, own) = match into {
        Some(reporter) => (reporter.storage.borrow().clone(), reporter.key.as_str()),
        None => (local(), ""),
    };
    let Some(storage) = storage else { return };
    // The keys first: removing a record renumbers the others.
    let mut keys = Vec::new();
    for i in 0..storage.length().unwrap_or(0) {
        if let Some(key) = storage.key(i).ok().flatten() {
            if key.starts_with(PREFIX) && key != own {
                keys.push(key);
            }
        }
    }
    let locks = locks();
    for key in keys {
        let orphan = Orphan {
            storage: storage.clone(),
            key,
            into: into.cloned(),
        };
        let Some(locks) = &locks else {
            if queue_age(&read(Some(&storage), &orphan.key)) >= ORPHAN_MS {
                orphan.take();
            }
            continue;
        };
        let key = orphan.key.clone();
        let mut orphan = Some(orphan);
        request_lock(
            locks,
            &key,
            true,
            Box::new(move |lock| {
                if let Some(orphan) = orphan.take().filter(|_| !lock.is_null()) {
                    orphan.take();
                }
                JsValue::UNDEFINED
            }),
        );
    }
}

/// The record of a tab that is gone, and where its events go.
struct Orphan {
    storage: Storage,
    key: String,
    into: Option<Rc<Reporter>>,
}

impl Orphan {
    /// Removes the record, and adopts its events if there is a reporter to take them.
    fn take(self) {
        let text = read(Some(&self.storage), &self.key);
        let _ = self.storage.remove_item(&self.key);
        let Some(reporter) = self.into else { return };
        let added =
            read_record(&text).map_or(0, |(_, record)| reporter.queue.borrow_mut().adopt(record));
        reporter.save();
        if added > 0 {
            reporter.schedule(0.0);
        }
    }
}

/// How long ago a stored record was written (`u64::MAX` when it cannot be read).
fn queue_age(record: &str) -> u64 {
    read_record(record).map_or(u64::MAX, |(written, _)| now().saturating_sub(written))
}

/// A stored queue record, read with the browser's `JSON.parse`: when it was written, and
/// what [`Queue::adopt`] takes. `None` when it is not an object with an `"e"` array.
fn read_record(text: &str) -> Option<(u64, Record)> {
    let record = JSON::parse(text).ok().filter(JsValue::is_object)?;
    let items = get(&record, "e").dyn_into::<Array>().ok()?;
    let mut events = Vec::new();
    for item in items.iter() {
        let Some(json) = item.as_string() else {
            continue;
        };
        let Some(fields) = JSON::parse(&json).ok().filter(JsValue::is_object) else {
            continue;
        };
        if let Some(event) = Event::from_stored(|key| stored(&fields, key)) {
            events.push(Queued { event, json });
        }
    }
    let number = |key: &str| count(get(&record, key).as_f64());
    Some((
        number("t"),
        Record {
            dropped: number("d"),
            retry_at: number("r"),
            events,
        },
    ))
}

/// A field of a stored event, as [`Event::from_stored`] reads it. Not inlined: it is
/// called once per field.
#[inline(never)]
fn stored(fields: &JsValue, key: &str) -> Stored {
    let value = get(fields, key);
    match (value.as_string(), value.as_f64()) {
        (Some(text), _) => Stored::Text(text),
        (_, Some(n)) => Stored::Number(n),
        _ if value.is_null() => Stored::Null,
        _ => Stored::Other,
    }
}

/// Removes the queue records of every tab that is gone (consent refused).
pub fn forget_orphans() {
    take_orphans(None);
}

/// `new Date(ms).toISOString()`, the browser's (see [`Target::iso_time`]). A time past
/// JavaScript's last date (year 275760, where it would throw) is written as that date.
fn iso_time(ms: u64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms.min(8_640_000_000_000_000) as f64));
    date.to_iso_string().into()
}

/// A `Retry-After` header's wait in ms: seconds, or an HTTP date; at most an hour.
fn retry_after_ms(value: &str) -> Option<f64> {
    let value = value.trim();
    let mut ms = 0.0;
    for b in value.bytes() {
        if !b.is_ascii_digit() {
            ms = f64::NAN;
            break;
        }
        ms = ms * 10.0 + f64::from(b - b'0') * 1000.0;
    }
    if value.is_empty() || ms.is_nan() {
        ms = js_sys::Date::parse(value) - js_sys::Date::now();
    }
    (ms > 0.0).then(|| ms.min(3_600_000.0))
}
