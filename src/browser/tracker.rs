//! A running lanterne: the composition root. A [`Tracker`] builds its parts from its
//! session and wires them together, each knowing only what it needs: the copy listener
//! (the session and reporting), the routes (the same), the share buttons (a
//! [`ShareHost`]), and the document observer that tells the routes and the buttons the
//! page changed. Its methods are the JavaScript API (docs/options.md#javascript-api,
//! `lanterne.d.ts`), reached through the module's exported `call`.

use super::buttons::{containers, RowSettings, ShareHost};
use super::copy;
use super::reporting::delivery::Destination;
use super::reporting::records::forget_orphans;
use super::reporting::Reporting;
use super::routes::{by_navigation_api, Routes};
use super::session::Session;
use crate::core::chars::cat;
use crate::core::config::{Consent, OptionsError, ShareOptions};
use crate::core::share::ShareTarget;
use crate::prelude::*;
use crate::web::dom::{document, window};
use crate::web::handle::{object, EventListener, Observer};
use crate::web::page::{error, get, page_url, quoting, type_error};
use crate::web::values::entries;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// A running tracker.
pub struct Tracker {
    session: Rc<Session>,
    reporting: Rc<Reporting>,
    routes: Rc<Routes>,
    share: Rc<ShareHost>,
    consent: Cell<Consent>,
    /// The visitor's browser said no (Global Privacy Control, or Do Not Track where the
    /// site honours it): no tracking, whatever the consent.
    refused: bool,
    /// The `callback` format's function.
    callback: Option<Function>,
    /// The listeners of tracking (copy, visibility, page hide, routes).
    listeners: RefCell<Vec<EventListener>>,
    /// The document observer: containers added, rows gone, route changes.
    observer: RefCell<Option<Observer>>,
}

impl Tracker {
    /// Starts a tracker on this page: tracking (unless consent is denied or the browser
    /// refuses it), the page's containers drawn and watched.
    pub fn start(session: Session, callback: Option<Function>) -> Rc<Tracker> {
        let session = Rc::new(session);
        let c = &session.config;
        let navigator: JsValue = window().navigator().into();
        let refused = (c.gpc && get(&navigator, "globalPrivacyControl") == JsValue::TRUE)
            || (c.dnt && get(&navigator, "doNotTrack").as_string().as_deref() == Some("1"));
        let consent = c.consent;
        let buttons = c.share_buttons;
        let reporting = Rc::new(Reporting::default());
        let routes = Routes::new(session.clone(), reporting.clone());
        let share = ShareHost::new(session.clone(), reporting.clone());
        let tracker = Rc::new(Tracker {
            session,
            reporting,
            routes,
            share,
            consent: Cell::new(consent),
            refused,
            callback,
            listeners: RefCell::default(),
            observer: RefCell::default(),
        });
        // Global Privacy Control, Do Not Track when honoured, or consent denied
        // (docs/privacy.md): nothing is tracked or sent, and what earlier pages queued is
        // not sent either; share buttons still work, without token, UTM or report.
        if consent != Consent::Denied && !refused {
            tracker.track();
        } else {
            forget_orphans();
        }
        if buttons {
            containers::draw_all(&tracker.share);
        }
        *tracker.observer.borrow_mut() = Some(tracker.observe(buttons));
        tracker
    }

    /// The document observer: on a page without the Navigation API, a router rendering
    /// its new view is how a route change shows; containers added get their buttons (with
    /// `shareButtons`); rows whose element left the page are let go.
    fn observe(&self, buttons: bool) -> Observer {
        let by_navigation = by_navigation_api();
        let routes = Rc::downgrade(&self.routes);
        let share = Rc::downgrade(&self.share);
        Observer::tree(&document(), move |records| {
            if let Some(routes) = routes.upgrade().filter(|_| !by_navigation) {
                routes.changed();
            }
            if let Some(share) = share.upgrade() {
                if buttons {
                    containers::draw_added(&share, &records);
                }
                share.prune();
            }
        })
    }

    /// Tracking on: reporting, the landing, the routes, the copy listener, and the
    /// flush when the page is hidden.
    fn track(&self) {
        if self.reporting.tracking() || self.refused || self.share.stopped() {
            return;
        }
        let c = &self.session.config;
        let to = Destination {
            format: c.format,
            endpoint: self.session.endpoint.clone(),
            site: c.site.clone().unwrap_or_default(),
            headers: c.headers.clone(),
            callback: self.callback.clone(),
        };
        let held = self.consent.get() == Consent::Pending;
        self.reporting.start(to, c.queue_limit, c.queue_bytes, held);
        self.routes.land();
        let mut listeners = self.routes.follow();
        let (session, reporting) = (self.session.clone(), self.reporting.clone());
        let on_copy = EventListener::new(&document(), &["copy"], move |event| {
            copy::on_copy(&session, &reporting, &event)
        });
        let reporting = Rc::downgrade(&self.reporting);
        let on_hidden = move |_| {
            if let Some(reporting) = reporting.upgrade().filter(|_| document().hidden()) {
                reporting.flush_beacon()
            }
        };
        let on_visibility =
            EventListener::new(&document(), &["visibilitychange"], on_hidden.clone());
        let on_pagehide = EventListener::new(&window(), &["pagehide"], on_hidden);
        listeners.extend([on_copy, on_visibility, on_pagehide]);
        *self.listeners.borrow_mut() = listeners;
    }

    /// Tracking off: listeners removed, the queue handed to a beacon (`keep`) or
    /// emptied, the address bar restored.
    fn untrack(&self, keep: bool) {
        self.listeners.borrow_mut().clear();
        self.routes.cancel();
        if self.reporting.stop(keep) {
            self.routes.restore();
        }
    }

    /// `stop()`: every listener and every row removed, what is pending sent by beacon,
    /// the address bar restored. The tracker is then only its consent (see
    /// the module's `Slot`).
    pub fn stop(&self) -> Consent {
        self.untrack(true);
        self.observer.borrow_mut().take();
        self.share.stop();
        self.consent.get()
    }

    /// `refresh()`: a new page view now, for views a router draws without the History
    /// API or the Navigation API: rows whose view left the page let go, a fresh
    /// address-bar token, containers drawn.
    pub fn refresh(&self) {
        self.share.prune();
        self.routes.page_view();
        if self.session.config.share_buttons {
            containers::draw_all(&self.share);
        }
    }

    /// `flush()`: pending events sent now, even during a retry backoff.
    pub fn flush(&self) {
        self.reporting.flush();
    }

    /// `running`: whether lanterne is tracking.
    pub fn running(&self) -> bool {
        self.reporting.tracking()
    }

    /// `renderButtons(element, options)`: draws buttons into `element`, replacing those
    /// drawn there before; an `Error` naming the option when one is bad, before anything
    /// changes.
    pub fn render_buttons(&self, element: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
        let Some(element) = element.dyn_ref::<Element>() else {
            return Err(type_error("lanterne: renderButtons needs an element"));
        };
        let options = share_options(options, &["channels", "url", "title", "text", "labels"])?;
        let settings = RowSettings {
            channels: options
                .channels
                .unwrap_or_else(|| self.session.config.channels.clone()),
            url: options.url,
            title: options.title,
            text: options.text.unwrap_or_default(),
            labels: options.labels.unwrap_or(true),
        };
        Ok(self.share.render(element, settings).handle_for_page())
    }

    /// `shareUrl(channel, options)`: the URL that shares a page through `channel`, with a
    /// fresh token; reports nothing (no one has shared yet).
    pub fn share_url(&self, channel: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
        let options = share_options(options, &["url", "title", "text"])?;
        let id = channel.as_string().filter(|id| !id.contains(','));
        let Some(id) = id else {
            return Err(options_error("channel", "must be one channel id"));
        };
        let channel = match crate::core::buttons::parse_channels(&id) {
            Ok(channels) => channels[0],
            Err(problem) => {
                let problem = problem
                    .strip_prefix("has an unknown")
                    .map_or(problem.clone(), |rest| cat(&["is an unknown", rest]));
                return Err(options_error("channel", &problem));
            }
        };
        let title = options.title.unwrap_or_else(|| document().title());
        let text = options.text.unwrap_or_default();
        let mode = super::buttons::Mode::Share;
        let prepared = self
            .share
            .prepare(channel, options.url.as_deref(), &title, &text, mode)
            .map_err(|why| {
                error(&cat(&[
                    "lanterne: no ",
                    channel.id(),
                    " share here: ",
                    why.reason(),
                ]))
            })?;
        Ok(match prepared.target {
            ShareTarget::NewTab(url) | ShareTarget::SameTab(url) => url,
            ShareTarget::NativeSheet | ShareTarget::Clipboard => prepared.url,
        }
        .into())
    }

    /// `on(kind, listener)` and `onShare(listener)` (`kind` `"share"`): the function that
    /// unsubscribes.
    pub fn on(&self, kind: &str, listener: Function) -> JsValue {
        match kind {
            "error" => self.reporting.errors.add(listener),
            "event" => self.reporting.events.add(listener),
            _ => self.share.shares.add(listener),
        }
    }

    /// `grant()`: what waited is sent; with consent `denied`, tracking starts (Global
    /// Privacy Control and Do Not Track still win).
    pub fn grant(&self) {
        self.consent.set(Consent::Granted);
        if self.reporting.tracking() {
            self.reporting.release();
        } else {
            self.track();
        }
    }

    /// `deny()`: tracking stops, and what lanterne stored is removed (buttons stay,
    /// untracked).
    pub fn deny(&self) {
        self.consent.set(Consent::Denied);
        self.untrack(false);
        self.reporting.forget();
    }

    /// `stats()`: `{ consent, tracking, queued, sent, dropped, retries }`.
    pub fn stats(&self) -> JsValue {
        stats(
            self.consent.get(),
            self.reporting.tracking(),
            self.reporting.counts(),
        )
    }
}

/// The object `stats()` returns.
pub fn stats(consent: Consent, tracking: bool, counts: (u32, u32, u32, u32)) -> JsValue {
    object(&[
        ("consent", consent.id().into()),
        ("tracking", tracking.into()),
        ("queued", counts.0.into()),
        ("sent", counts.1.into()),
        ("dropped", counts.2.into()),
        ("retries", counts.3.into()),
    ])
    .into()
}

fn options_error(field: &str, problem: &str) -> JsValue {
    error(&cat(&["lanterne: ", field, " ", problem]))
}

/// Reads a share options argument (`undefined`: none), checking `url` as an http(s) URL.
fn share_options(options: &JsValue, allowed: &[&str]) -> Result<ShareOptions, JsValue> {
    let entries = if options.is_undefined() {
        Vec::new()
    } else {
        entries(options).ok_or_else(|| error(&OptionsError::not_an_object().message()))?
    };
    let mut options =
        ShareOptions::from_entries(entries, allowed).map_err(|e| error(&e.message()))?;
    if let Some(url) = &options.url {
        let absolute = page_url(url).ok_or_else(|| {
            let problem = quoting("must be an http(s) URL (got ", url);
            options_error("options.url", &cat(&[&problem, ")"]))
        })?;
        options.url = Some(absolute);
    }
    Ok(options)
}
