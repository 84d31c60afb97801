//! Reporting: what a tracker remembers and reports while it tracks. The reporter (the
//! durable queue and its delivery: [`delivery`], [`records`]), the memory of the tokens
//! this browser minted and of the visit's parent ([`memory`]), and the page's
//! `on("event")` and `on("error")` subscribers ([`subscribers`]).
//!
//! Nothing is remembered or reported unless tracking is on: the copy listener, the routes
//! and the share buttons report through here, and it is here that "tracking" is decided.

pub mod delivery;
pub mod memory;
pub mod records;
pub mod subscribers;

use crate::core::channel::Channel;
use crate::core::event::{uuid_v4, Event, EventKind};
use crate::core::token::ShareToken;
use crate::prelude::*;
use crate::web::handle::on_settled;
use crate::web::page::{now, random_bytes};
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use delivery::{Destination, Reporter};
use js_sys::Promise;
use memory::Memory;
use subscribers::Subscribers;
use wasm_bindgen::JsValue;

/// What a tracker remembers and reports, while it tracks.
#[derive(Default)]
pub struct Reporting {
    /// `Some` while tracking.
    reporter: RefCell<Option<Rc<Reporter>>>,
    memory: RefCell<Memory>,
    /// A write to storage is due at the end of this task ([`Reporting::write_soon`]).
    writing: Cell<bool>,
    /// `on("event")`: every event as it is queued.
    pub events: Subscribers,
    /// `on("error")`: delivery problems.
    pub errors: Subscribers,
}

impl Reporting {
    /// Tracking on: a fresh memory (this page view's), and a reporter sending to `to`
    /// (holding events while consent is pending).
    pub fn start(&self, to: Destination, limit: u32, bytes: u32, held: bool) {
        *self.memory.borrow_mut() = Memory::default();
        let reporter = Reporter::new(to, limit, bytes, held, self.errors.clone());
        *self.reporter.borrow_mut() = Some(reporter);
    }

    /// Tracking off: what is queued goes by beacon and waits for a later page (`keep`),
    /// or is forgotten. Returns whether tracking was on.
    pub fn stop(&self, keep: bool) -> bool {
        let Some(reporter) = self.reporter.borrow_mut().take() else {
            return false;
        };
        if keep {
            reporter.shut_down()
        } else {
            reporter.forget()
        }
        true
    }

    /// Whether tracking is on.
    pub fn tracking(&self) -> bool {
        self.reporter.borrow().is_some()
    }

    fn reporter(&self) -> Option<Rc<Reporter>> {
        self.reporter.borrow().clone()
    }

    /// Writes what was remembered and queued to storage right after the task that did it
    /// (a microtask: before anything else can run, a page exit included), once for a
    /// burst, and off the path of the copy listener and of a click.
    fn write_soon(self: &Rc<Self>) {
        if self.writing.replace(true) {
            return;
        }
        let this = self.clone();
        on_settled(&Promise::resolve(&JsValue::UNDEFINED), move |_| {
            this.writing.set(false);
            this.memory.borrow_mut().save();
            if let Some(reporter) = this.reporter() {
                reporter.save();
            }
        });
    }

    /// Reports an event about the page at `url` (without token) titled `title`.
    pub fn report(
        self: &Rc<Self>,
        kind: EventKind,
        channel: Option<Channel>,
        token: Option<ShareToken>,
        parent: Option<ShareToken>,
        url: String,
        title: String,
    ) {
        let Some(reporter) = self.reporter() else {
            return;
        };
        let mut event = Event {
            // From the same crypto.getRandomValues as tokens (not uuid's own generator,
            // which brings its own glue).
            id: uuid_v4(random_bytes()),
            kind,
            channel,
            token,
            parent,
            url,
            title,
            ts: now(),
        };
        event.clamp_lengths();
        if !self.events.is_empty() {
            // The event as JavaScript sees it: the JSON the endpoint gets, parsed.
            if let Ok(object) = js_sys::JSON::parse(&event.to_json()) {
                self.events.call(&object);
            }
        }
        reporter.report(event);
        self.write_soon();
    }

    /// Remembers a token this visitor just shared (no self-click later) and reports the
    /// share, with the visit's parent.
    pub fn report_share(
        self: &Rc<Self>,
        kind: EventKind,
        channel: Channel,
        token: ShareToken,
        url: String,
        title: String,
    ) {
        if !self.tracking() {
            return;
        }
        self.remember(&token);
        let parent = self.parent();
        self.report(kind, Some(channel), Some(token), parent, url, title);
    }

    /// Remembers a token this browser minted (only while tracking).
    pub fn remember(self: &Rc<Self>, token: &ShareToken) {
        if self.tracking() {
            self.memory.borrow_mut().remember(token);
            self.write_soon();
        }
    }

    /// Whether this browser minted `token`.
    pub fn minted(&self, token: &ShareToken) -> bool {
        self.memory.borrow().minted(token)
    }

    /// The token this visit arrived with, if any.
    pub fn parent(&self) -> Option<ShareToken> {
        self.memory.borrow().parent()
    }

    /// Remembers the token this visit arrived with.
    pub fn set_parent(&self, token: ShareToken) {
        self.memory.borrow_mut().set_parent(token);
    }

    /// Consent refused: tracking stops, and nothing of this visitor's is kept: queued
    /// events (this tab's and closed tabs'), the tokens remembered against self-clicks,
    /// the visit's parent.
    pub fn forget(&self) {
        self.stop(false);
        records::forget_orphans();
        self.memory.borrow_mut().clear();
    }

    /// Sends pending events now.
    pub fn flush(&self) {
        if let Some(reporter) = self.reporter() {
            reporter.flush();
        }
    }

    /// Consent granted: what waited is sent.
    pub fn release(&self) {
        if let Some(reporter) = self.reporter() {
            reporter.release();
        }
    }

    /// The page is hidden or unloading: what waits goes by beacon.
    pub fn flush_beacon(&self) {
        if let Some(reporter) = self.reporter() {
            reporter.flush_beacon();
        }
    }

    /// `(queued, sent, dropped, retries)`.
    pub fn counts(&self) -> (u32, u32, u32, u32) {
        self.reporter().map_or((0, 0, 0, 0), |r| r.counts())
    }
}
