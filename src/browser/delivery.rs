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

use super::handle::{function, object, on_settled, Callback, Getter, Timeout};
use super::listeners::Listeners;
use super::memory::{local, read};
use super::objects::{self, Field};
use super::page::{console, digits, get, now, random_bytes, window, Level};
use crate::core::adapter::{self, Target};
use crate::core::event::{Event, Stored};
use crate::core::format::Format;
use crate::core::queue::{count, Queue, Queued, Record};
use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::{Array, Function, Promise, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, Response, Storage};

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

/// Where and how events go: the `format`, its endpoint and site, extra headers, and the
/// page's callback for the `callback` format.
pub struct Destination {
    pub format: Format,
    pub endpoint: String,
    pub site: String,
    pub headers: Vec<(String, String)>,
    pub callback: Option<Function>,
}

/// A running delivery: the queue, its record and lock, the request in flight, the timers.
pub struct Reporter {
    to: Destination,
    queue: RefCell<Queue>,
    storage: RefCell<Option<Storage>>,
    tab: String,
    /// `navigator.language`, for Umami.
    language: String,
    /// The lock's release: `Some` while this tab holds (or waits for) its lock.
    lock: RefCell<Option<Rc<Cell<Option<Function>>>>>,
    /// Consent pending: events are queued, nothing is sent.
    held: Cell<bool>,
    stopped: Cell<bool>,
    /// The ids of the batch in flight, and the number of its request: a late answer to
    /// an abandoned request is ignored.
    in_flight: RefCell<Option<Vec<String>>>,
    request: Cell<u32>,
    abort: RefCell<Option<AbortController>>,
    timer: RefCell<Option<Timeout>>,
    deadline: RefCell<Option<Timeout>>,
    retry_ms: Cell<f64>,
    warned: RefCell<Vec<u16>>,
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
        let id: [u8; 8] = random_bytes();
        let tab: String = id
            .iter()
            .map(|b| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[usize::from(b % 36)]))
            .collect();
        let reporter = Rc::new(Reporter {
            to,
            queue: RefCell::new(Queue::new(limit as usize, bytes as usize)),
            storage: RefCell::new(local()),
            tab,
            language: window().navigator().language().unwrap_or_default(),
            lock: RefCell::new(None),
            held: Cell::new(held),
            stopped: Cell::new(false),
            in_flight: RefCell::new(None),
            request: Cell::new(0),
            abort: RefCell::new(None),
            timer: RefCell::new(None),
            deadline: RefCell::new(None),
            retry_ms: Cell::new(FIRST_RETRY_MS),
            warned: RefCell::new(Vec::new()),
            sent: Cell::new(0),
            retries: Cell::new(0),
            errors,
        });
        reporter.adopt();
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
        let mut taken: Vec<String> = self.in_flight.borrow().clone().unwrap_or_default();
        loop {
            let (ids, body) = {
                let queue = self.queue.borrow();
                let batch = queue.peek(format.batch(), MAX_BODY, &taken);
                if batch.is_empty() {
                    break;
                }
                // No drop count by beacon: only the next fetched batch carries it, once.
                let (n, body) = adapter::fit(format, &batch, 0, &self.target(), MAX_BODY);
                let ids: Vec<String> = batch.iter().take(n).map(|q| q.event.id.clone()).collect();
                (ids, body)
            };
            let fits = body.len() <= MAX_BODY;
            let sent = if self.to.headers.is_empty() {
                fits && window()
                    .navigator()
                    .send_beacon_with_opt_str(&self.to.endpoint, Some(&body))
                    .unwrap_or(false)
            } else {
                // If the page lives on (hidden, not closed), the answer is known after all.
                let this = self.clone();
                let delivered = ids.clone();
                let request = window()
                    .fetch_with_str_and_init(&self.to.endpoint, &self.init(body, fits, None));
                on_settled(&request, move |answer| {
                    if answer.is_ok_and(|r| r.unchecked_into::<Response>().ok()) {
                        this.queue.borrow_mut().remove(&delivered);
                        this.save();
                    }
                });
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
            taken.extend(ids);
        }
        self.save();
    }

    /// Stops sending; what is queued goes by beacon, and what is left waits for a later
    /// page.
    pub fn shut_down(self: &Rc<Self>) {
        self.timer.borrow_mut().take();
        self.flush_beacon();
        // A request in flight goes on (keepalive); for receivers that do not dedupe, its
        // events are taken as sent rather than sent again by the next page.
        if let Some(ids) = self.in_flight.borrow_mut().take() {
            if !self.to.format.dedupes() {
                self.queue.borrow_mut().remove(&ids);
                self.save();
            }
        }
        self.request.set(self.request.get() + 1);
        self.stopped.set(true);
    }

    /// Consent refused: everything queued is forgotten, nothing more is sent.
    pub fn forget(self: &Rc<Self>) {
        self.timer.borrow_mut().take();
        if let Some(abort) = self.abort.borrow_mut().take() {
            abort.abort();
        }
        self.request.set(self.request.get() + 1);
        self.in_flight.borrow_mut().take();
        self.queue.borrow_mut().clear();
        self.save();
        self.stopped.set(true);
    }

    fn target(&self) -> Target<'_> {
        Target {
            site: &self.to.site,
            language: &self.language,
            now: now(),
        }
    }

    /// The `RequestInit` of a POST of `body`.
    fn init(
        &self,
        body: String,
        keepalive: bool,
        signal: Option<&web_sys::AbortSignal>,
    ) -> web_sys::RequestInit {
        let init = object(&[
            ("method", "POST".into()),
            ("body", body.into()),
            ("mode", "cors".into()),
            ("credentials", "omit".into()),
            ("keepalive", keepalive.into()),
        ]);
        if let Some(signal) = signal {
            let _ = js_sys::Reflect::set(&init, &"signal".into(), signal);
        }
        if !self.to.headers.is_empty() {
            let headers = object(&[("Content-Type", "text/plain;charset=UTF-8".into())]);
            for (name, value) in &self.to.headers {
                let _ = js_sys::Reflect::set(&headers, &name.into(), &value.into());
            }
            let _ = js_sys::Reflect::set(&init, &"headers".into(), &headers);
        }
        init.unchecked_into()
    }

    fn schedule(self: &Rc<Self>, delay: f64) {
        if self.timer.borrow().is_some() || self.stopped.get() {
            return;
        }
        let this = self.clone();
        let timer = Timeout::new(delay, move || {
            this.timer.borrow_mut().take();
            this.send();
        });
        *self.timer.borrow_mut() = Some(timer);
    }

    // Sends the next batch, unless a request is in flight (the rest follows when it
    // settles), a retry is not due yet (then it waits for it) or consent is pending.
    fn send(self: &Rc<Self>) {
        if self.stopped.get()
            || self.held.get()
            || self.in_flight.borrow().is_some()
            || self.queue.borrow().waiting() == 0
        {
            return;
        }
        let wait = self.queue.borrow().retry_at as f64 - now() as f64;
        if wait > 0.0 {
            return self.schedule(wait);
        }
        let format = self.to.format;
        let dropped = self.queue.borrow().dropped();
        let request = self.request.get() + 1;
        self.request.set(request);
        let (ids, body, events) = {
            let queue = self.queue.borrow();
            let batch = queue.peek(format.batch(), MAX_BODY, &[]);
            let (n, body) = if format.in_page() {
                (batch.len(), String::new())
            } else {
                adapter::fit(format, &batch, dropped, &self.target(), MAX_BODY)
            };
            let batch = batch.get(..n).unwrap_or_default();
            let ids: Vec<String> = batch.iter().map(|q| q.event.id.clone()).collect();
            let events = format
                .in_page()
                .then(|| batch.iter().map(|q| q.event.clone()).collect::<Vec<_>>());
            (ids, body, events)
        };
        // The record's time shows this tab is alive.
        self.save();
        *self.in_flight.borrow_mut() = Some(ids.clone());
        let this = self.clone();
        if let Some(events) = events {
            let settle =
                move |ok: bool| this.settle(request, ids, dropped, if ok { 200 } else { 0 }, None);
            match self.deliver_in_page(&events, dropped) {
                // A promise the callback returned: settled when it is.
                Ok(value) => on_settled(&Promise::resolve(&value), move |r| settle(r.is_ok())),
                Err(_) => settle(false),
            }
            return;
        }
        let abort = AbortController::new().ok();
        let fits = body.len() <= MAX_BODY;
        let init = self.init(body, fits, abort.as_ref().map(|a| a.signal()).as_ref());
        let answer = window().fetch_with_str_and_init(&self.to.endpoint, &init);
        let ids_late = ids.clone();
        on_settled(&answer, move |answer| match answer {
            Ok(response) => {
                let response: Response = response.unchecked_into();
                let after = response.headers().get("Retry-After").ok().flatten();
                this.settle(request, ids, dropped, response.status(), after)
            }
            Err(_) => this.settle(request, ids, dropped, 0, None),
        });
        *self.abort.borrow_mut() = abort;
        let this = self.clone();
        let deadline = Timeout::new(REQUEST_TIMEOUT_MS, move || {
            if this.request.get() == request && this.in_flight.borrow().is_some() {
                // So a late answer cannot race the retry.
                if let Some(abort) = this.abort.borrow_mut().take() {
                    abort.abort();
                }
                this.settle(request, ids_late, dropped, 0, None);
            }
        });
        *self.deadline.borrow_mut() = Some(deadline);
    }

    /// Hands a batch to the page: GA4's `gtag` (or `dataLayer`), or the site's callback.
    /// A throw is a failure; for the callback, so is a promise it returns that rejects.
    fn deliver_in_page(&self, events: &[Event], dropped: u64) -> Result<JsValue, JsValue> {
        if let Some(callback) = &self.to.callback {
            let batch: js_sys::Array = events.iter().map(objects::event).collect();
            return callback.call2(
                &JsValue::UNDEFINED,
                &batch,
                &JsValue::from_f64(dropped as f64),
            );
        }
        let page = window();
        for event in events {
            let name = adapter::ga4_name(event);
            // share_parent always set (undefined when none): Tag Manager's data model
            // would otherwise carry an earlier event's parent into this one.
            let params = [
                ("event", Field::Text(name)),
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
            ];
            let gtag = get(&page, "gtag");
            if let Some(gtag) = gtag.dyn_ref::<Function>() {
                gtag.call3(
                    &JsValue::UNDEFINED,
                    &"event".into(),
                    &name.into(),
                    &objects::object(&params[1..], false),
                )?;
            } else {
                let mut layer = get(&page, "dataLayer");
                if layer.is_undefined() || layer.is_null() {
                    layer = js_sys::Array::new().into();
                    js_sys::Reflect::set(&page, &"dataLayer".into(), &layer)?;
                }
                let push: Function = get(&layer, "push").dyn_into()?;
                push.call1(&layer, &objects::object(&params, false))?;
            }
        }
        Ok(JsValue::UNDEFINED)
    }

    // The end of request `request`: `status` 0 means a network error or a timeout.
    fn settle(
        self: &Rc<Self>,
        request: u32,
        ids: Vec<String>,
        dropped: u64,
        status: u16,
        after: Option<String>,
    ) {
        if request != self.request.get() || self.in_flight.borrow().as_ref() != Some(&ids) {
            return; // already settled
        }
        self.in_flight.borrow_mut().take();
        self.deadline.borrow_mut().take();
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
            let what = if status == 0 {
                "network error or timeout".to_owned()
            } else {
                ["HTTP ", &digits(u64::from(status))].concat()
            };
            let message = [
                "lanterne: delivery failed (",
                &what,
                "); retrying in ",
                &digits(delay as u64),
                " ms",
            ]
            .concat();
            self.emit(status, true, events, &message);
            return self.schedule(delay);
        } else {
            // The endpoint refuses these events: sending them again would not change
            // that. The drop count was not delivered: the next batch carries it.
            self.queue.borrow_mut().remove(&ids);
            self.save();
            let message = [
                "lanterne: the endpoint refused a batch of ",
                &digits(u64::from(events)),
                " events with HTTP ",
                &digits(u64::from(status)),
                "; they are dropped, not retried",
            ]
            .concat();
            let first = !self.warned.borrow().contains(&status);
            if first {
                self.warned.borrow_mut().push(status);
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
        let key = [PREFIX, &self.tab].concat();
        let written = match &record {
            Some(record) => store.set_item(&key, record),
            None => store.remove_item(&key),
        };
        if written.is_err() {
            // Quota, or a storage that went away: keep going in memory, and leave no
            // stale record for a later page to send again.
            let _ = store.remove_item(&key);
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
        let granted = Getter::new(move |_lock: JsValue| {
            let Some(release) = keep.take().filter(|r| Rc::strong_count(r) > 1) else {
                return JsValue::UNDEFINED;
            };
            Promise::new(&mut |resolve, _| release.set(Some(resolve))).into()
        });
        let name = [LOCK, &self.tab].concat();
        let done = locks.request(&name, granted.as_ref().unchecked_ref());
        on_settled(&done, move |_| drop(granted));
    }

    /// Takes in the records of tabs that are gone.
    fn adopt(self: &Rc<Self>) {
        let Some(storage) = self.storage.borrow().clone() else {
            return;
        };
        let own = [PREFIX, &self.tab].concat();
        for key in record_keys(&storage) {
            if key == own {
                continue;
            }
            let (this, store) = (self.clone(), storage.clone());
            if_orphan(&storage, key.clone(), move || {
                let record = read_record(&read(Some(&store), &key));
                let _ = store.remove_item(&key);
                let added = record.map_or(0, |(_, record)| this.queue.borrow_mut().adopt(record));
                this.save();
                if added > 0 {
                    this.schedule(0.0);
                }
            });
        }
    }
}

/// `navigator.locks`, where the browser has Web Locks.
fn locks() -> Option<web_sys::LockManager> {
    let locks = get(&window().navigator(), "locks");
    (!locks.is_undefined()).then(|| locks.unchecked_into())
}

/// The keys of every tab's queue record.
fn record_keys(storage: &Storage) -> Vec<String> {
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(PREFIX))
        .collect()
}

/// Runs `f` for the record `key` if its tab is gone (its lock is free), holding that
/// lock; without Web Locks, if the record is older than [`ORPHAN_MS`].
fn if_orphan(storage: &Storage, key: String, f: impl FnOnce() + 'static) {
    let Some(locks) = locks() else {
        let record = read(Some(storage), &key);
        if queue_age(&record) >= ORPHAN_MS {
            f();
        }
        return;
    };
    let mut f = Some(f);
    let held = Callback::new(move |lock: JsValue| {
        if !lock.is_null() {
            if let Some(f) = f.take() {
                f()
            }
        }
    });
    let name = [LOCK, key.get(PREFIX.len()..).unwrap_or("")].concat();
    let options = object(&[("ifAvailable", true.into())]);
    let done = locks.request_with_options(
        &name,
        options.unchecked_ref(),
        function(&held).unchecked_ref(),
    );
    on_settled(&done, move |_| drop(held));
}

/// How long ago a stored record was written (`u64::MAX` when it cannot be read).
fn queue_age(record: &str) -> u64 {
    read_record(record).map_or(u64::MAX, |(written, _)| now().saturating_sub(written))
}

/// A stored queue record, read with the browser's `JSON.parse`: when it was written, and
/// what [`Queue::adopt`] takes. `None` when it is not an object with an `"e"` array.
fn read_record(text: &str) -> Option<(u64, Record)> {
    let record = JSON::parse(text).ok().filter(JsValue::is_object)?;
    let events = get(&record, "e").dyn_into::<Array>().ok()?;
    let events = events
        .iter()
        .filter_map(|item| {
            let json = item.as_string()?;
            let fields = JSON::parse(&json).ok().filter(JsValue::is_object)?;
            let event = Event::from_stored(|key| {
                let value = get(&fields, key);
                match (value.as_string(), value.as_f64()) {
                    (Some(text), _) => Stored::Text(text),
                    (_, Some(n)) => Stored::Number(n),
                    _ if value.is_null() => Stored::Null,
                    _ => Stored::Other,
                }
            })?;
            Some(Queued { event, json })
        })
        .collect();
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

/// Removes the queue records of every tab that is gone (consent refused).
pub fn forget_orphans() {
    let Some(storage) = local() else { return };
    for key in record_keys(&storage) {
        let store = storage.clone();
        let name = key.clone();
        if_orphan(&storage, key, move || {
            let _ = store.remove_item(&name);
        });
    }
}

/// A `Retry-After` header's wait in ms: seconds, or an HTTP date; at most an hour.
fn retry_after_ms(value: &str) -> Option<f64> {
    let value = value.trim();
    let ms = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        value
            .bytes()
            .fold(0.0, |n, b| n * 10.0 + f64::from(b - b'0'))
            * 1000.0
    } else {
        js_sys::Date::parse(value) - js_sys::Date::now()
    };
    (ms > 0.0).then(|| ms.min(3_600_000.0))
}
