//! A running lanterne: the exported `Tracker` (the JavaScript API of SPEC §7), what its
//! listeners share, and the share intent listeners may amend.

use super::buttons::{Bar, RowSettings};
use super::delivery::{forget_orphans, Destination, Reporter};
use super::handle::EventListener;
use super::listeners::Listeners;
use super::memory::Memory;
use super::objects::{self, Field};
use super::page::{document, error, get, href, now, page_url, random_bytes, type_error, window};
use super::routes::{self, Routes};
use super::{address_bar, config, containers, copy};
use crate::core::buttons::Labels;
use crate::core::channel::Channel;
use crate::core::config::{Config, Consent, ShareOptions};
use crate::core::copy::CopyPolicy;
use crate::core::event::{uuid_v4, Event, EventKind};
use crate::core::share::{tracked_url, ShareContent, ShareSettings, ShareTarget, Unavailable};
use crate::core::strings::Lang;
use crate::core::token::ShareToken;
use crate::core::url::without_token;
use crate::prelude::*;
use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

std::thread_local! {
    /// Running trackers, held until `stop()`: a page that keeps no reference to its
    /// tracker (the script tag, or `await start(…)` in a function) must go on being
    /// tracked after the JavaScript wrapper is garbage collected.
    static RUNNING: RefCell<Vec<Rc<Inner>>> = const { RefCell::new(Vec::new()) };
}

/// What a tracker decided at start: its config and what follows from it.
pub struct Session {
    pub config: Config,
    pub policy: CopyPolicy,
    /// Where copies are copied byte for byte: [`VERBATIM`](crate::core::copy::VERBATIM)
    /// and the site's `ignoreSelector`.
    pub verbatim: String,
    pub lang: Lang,
    /// `endpoint`, resolved against the page.
    pub endpoint: String,
}

impl Session {
    pub fn labels(&self) -> Labels<'_> {
        Labels {
            lang: self.lang,
            overrides: &self.config.strings,
        }
    }

    pub fn share_settings(&self, mobile: bool) -> ShareSettings<'_> {
        ShareSettings {
            messenger_app_id: self.config.messenger_app_id.as_deref(),
            mastodon_instance: self.config.mastodon_instance.as_deref(),
            mobile,
        }
    }

    /// `url` without lanterne's token.
    pub fn clean(&self, url: &str) -> String {
        without_token(url, &self.config.param).0
    }
}

/// How a share's URL is made (see [`Inner::prepare`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A fresh token and UTM parameters.
    Fresh,
    /// The URL exactly as a share listener left it.
    AsGiven,
    /// Tracking is off: the page URL without token or UTM.
    Untracked,
}

/// A share about to happen.
pub struct Prepared {
    /// The shared page without lanterne's token (what the event reports).
    pub page: String,
    /// The URL shared: with its token and UTM parameters, unless tracking is off.
    pub url: String,
    pub token: Option<ShareToken>,
    pub target: ShareTarget,
}

/// A tracker's state, shared by its listeners, buttons and handles.
pub struct Inner {
    pub session: Session,
    consent: Cell<Consent>,
    /// The visitor's browser said no (Global Privacy Control, or Do Not Track where the
    /// site honours it): no tracking, whatever the consent.
    refused: bool,
    tracking: Cell<bool>,
    stopped: Cell<bool>,
    callback: Option<Function>,
    pub memory: RefCell<Memory>,
    reporter: RefCell<Option<Rc<Reporter>>>,
    listeners: RefCell<Vec<EventListener>>,
    pub bars: RefCell<Vec<Rc<Bar>>>,
    /// The page view's route (single-page apps).
    pub routes: Routes,
    pub observer: RefCell<Option<super::handle::Observer>>,
    pub shares: Listeners,
    events: Listeners,
    errors: Listeners,
}

impl Inner {
    /// Whether tracking is on (tokens, reports).
    pub fn tracking(&self) -> bool {
        self.tracking.get()
    }

    /// Whether `stop()` was called.
    pub fn stopped(&self) -> bool {
        self.stopped.get()
    }

    /// Tracking on: the memory, the reporter, the address bar, the listeners.
    fn track(self: &Rc<Self>) {
        if self.tracking.get() || self.refused || self.stopped.get() {
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
        *self.memory.borrow_mut() = Memory::default();
        *self.reporter.borrow_mut() = Some(Reporter::new(
            to,
            c.queue_limit,
            c.queue_bytes,
            held,
            self.errors.clone(),
        ));
        self.tracking.set(true);
        address_bar::on_start(self);
        let mut listeners = routes::follow(self);
        let this = Rc::downgrade(self);
        let on_copy = EventListener::new(&document(), &["copy"], move |event| {
            if let Some(tracker) = this.upgrade() {
                copy::on_copy(&tracker, &event)
            }
        });
        let this = Rc::downgrade(self);
        let on_hidden = move |_| {
            if let Some(reporter) = this.upgrade().and_then(|t| t.reporter.borrow().clone()) {
                if document().hidden() {
                    reporter.flush_beacon()
                }
            }
        };
        let on_visibility =
            EventListener::new(&document(), &["visibilitychange"], on_hidden.clone());
        let on_pagehide = EventListener::new(&window(), &["pagehide"], on_hidden);
        listeners.extend([on_copy, on_visibility, on_pagehide]);
        *self.listeners.borrow_mut() = listeners;
    }

    // Tracking off: listeners removed, the address bar restored, the queue handed to a
    // beacon (`keep`) or emptied.
    fn untrack(&self, keep: bool) {
        self.listeners.borrow_mut().clear();
        self.routes.cancel();
        if !self.tracking.get() {
            return;
        }
        if let Some(reporter) = self.reporter.borrow_mut().take() {
            if keep {
                reporter.shut_down()
            } else {
                reporter.forget()
            }
        }
        address_bar::restore(self);
        self.tracking.set(false);
    }

    /// Reports an event about the page at `url` (this page's address without token when
    /// `None`) with `title` (`document.title` when `None`).
    pub fn report(
        &self,
        kind: EventKind,
        channel: Channel,
        token: ShareToken,
        parent: Option<ShareToken>,
        url: Option<String>,
        title: Option<String>,
    ) {
        let Some(reporter) = self.reporter.borrow().clone() else {
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
            url: url.unwrap_or_else(|| self.session.clean(&href())),
            title: title.unwrap_or_else(|| document().title()),
            ts: now(),
        };
        event.clamp_lengths();
        if !self.events.is_empty() {
            self.events.call(&objects::event(&event));
        }
        reporter.report(event);
    }

    /// Remembers a token this visitor just shared (no self-click later) and reports the
    /// share, with the visit's parent.
    pub fn report_share(
        &self,
        kind: EventKind,
        channel: Channel,
        token: ShareToken,
        url: Option<String>,
        title: Option<String>,
    ) {
        if self.reporter.borrow().is_none() {
            return;
        }
        self.memory.borrow_mut().remember(&token);
        let parent = self.memory.borrow().parent();
        self.report(kind, channel, token, parent, url, title);
    }

    /// A share of `url` (this page when `None`) through `channel`: the URL it shares and
    /// where it sends the visitor. `Err` when the channel cannot be offered here.
    pub fn prepare(
        &self,
        channel: Channel,
        url: Option<&str>,
        title: &str,
        text: &str,
        mobile: bool,
        mode: Mode,
    ) -> Result<Prepared, Unavailable> {
        let c = &self.session.config;
        let here = href();
        let given = url.unwrap_or(&here);
        let page = self.session.clean(given);
        let (shared, token) = match mode {
            Mode::Fresh => {
                let token = ShareToken::mint(channel, &random_bytes());
                let url = tracked_url(
                    &page,
                    channel,
                    &token,
                    &c.param,
                    c.placement,
                    c.utm,
                    c.utm_campaign.as_deref(),
                );
                (url, Some(token))
            }
            Mode::AsGiven => (given.to_owned(), None),
            Mode::Untracked => (page.clone(), None),
        };
        // Messenger returns to the page shared from.
        let from = self.session.clean(&here);
        let content = ShareContent {
            url: &shared,
            title,
            text,
            page: &from,
        };
        let target = channel.share_target(&content, &self.session.share_settings(mobile))?;
        Ok(Prepared {
            page,
            url: shared,
            token,
            target,
        })
    }

    /// The mode of a new share: with a token while tracking.
    pub fn fresh(&self) -> Mode {
        if self.tracking.get() {
            Mode::Fresh
        } else {
            Mode::Untracked
        }
    }

    /// Draws buttons into `element`, replacing any row drawn there (by any tracker).
    pub fn render(self: &Rc<Self>, element: &Element, settings: RowSettings) -> Rc<Bar> {
        if let Some(previous) = super::buttons::owner(element) {
            previous.remove();
            remove(&mut self.bars.borrow_mut(), &previous);
        }
        let bar = Bar::draw(self, element, settings);
        // Kept until stop(), a new render here, or its element leaving the page after
        // having been in it (see `prune`): stop() must reach it.
        self.bars.borrow_mut().push(bar.clone());
        bar
    }

    /// Lets go of the rows whose element was in the page and has left it (a view a
    /// router took away): their buttons are removed and the element gets back what it
    /// held. A row drawn into an element not yet in the page waits for it.
    pub fn prune(&self) {
        // (Removing a row touches only its own element, not the list.)
        self.bars.borrow_mut().retain(|bar| {
            let gone = bar.gone();
            if gone {
                bar.remove();
            }
            !gone
        });
    }
}

/// Removes `item` from `list`, which holds it once at most (`retain` would cost a copy
/// of its own for each closure).
fn remove<T>(list: &mut Vec<Rc<T>>, item: &Rc<T>) {
    if let Some(i) = list.iter().position(|t| Rc::ptr_eq(t, item)) {
        list.remove(i);
    }
}

/// A running lanterne, returned by `start()` (README "Install on a site", `lanterne.d.ts`).
///
/// ```js
/// import { start } from "lanterne";
/// const tracker = await start({ endpoint: "/collect" });
/// tracker.renderButtons(document.querySelector("#share"), { channels: ["whatsapp", "email"] });
/// tracker.stop();
/// ```
#[wasm_bindgen]
pub struct Tracker {
    inner: Rc<Inner>,
}

fn options_error(field: &str, problem: &str) -> JsValue {
    error(&["lanterne: ", field, " ", problem].concat())
}

/// Reads a share options argument (`undefined`: none), checking `url` as an http(s) URL.
fn share_options(options: &JsValue, allowed: &[&str]) -> Result<ShareOptions, JsValue> {
    let entries = if options.is_undefined() {
        Vec::new()
    } else {
        config::entries(options).ok_or_else(|| options_error("options", "must be an object"))?
    };
    let mut options =
        ShareOptions::from_entries(entries, allowed).map_err(|e| error(&e.message()))?;
    if let Some(url) = &options.url {
        let absolute = page_url(url).ok_or_else(|| {
            let mut problem = String::from("must be an http(s) URL (got ");
            crate::core::json::push_str(&mut problem, url);
            problem.push(')');
            options_error("options.url", &problem)
        })?;
        options.url = Some(absolute);
    }
    Ok(options)
}

#[wasm_bindgen]
impl Tracker {
    /// Removes every listener and every drawn button, sends what is pending by beacon,
    /// restores the address bar. Calling it again does nothing.
    ///
    /// ```js
    /// tracker.stop();
    /// ```
    pub fn stop(&self) {
        let inner = &self.inner;
        if inner.stopped.get() {
            return;
        }
        RUNNING.with(|r| remove(&mut r.borrow_mut(), inner));
        inner.untrack(true);
        inner.stopped.set(true);
        inner.observer.borrow_mut().take();
        let bars = core::mem::take(&mut *inner.bars.borrow_mut());
        for bar in bars {
            bar.remove();
        }
        inner.shares.clear();
    }

    /// Starts a new page view now, for views a router draws without the History API or
    /// the Navigation API (README "Single-page apps"): the address bar gets a fresh token
    /// for the current address, rows of buttons whose view left the page are let go, and
    /// `[data-lanterne-share]` containers are drawn. Route changes through `pushState`,
    /// `replaceState`, back and forward need no call.
    ///
    /// ```js
    /// await renderView(next);
    /// tracker.refresh();
    /// ```
    pub fn refresh(&self) {
        let inner = &self.inner;
        if inner.stopped.get() {
            return;
        }
        routes::page_view(inner);
        if inner.session.config.share_buttons {
            containers::draw_all(inner);
        }
    }

    /// Sends pending events now, even during a retry backoff.
    ///
    /// ```js
    /// tracker.flush();
    /// ```
    pub fn flush(&self) {
        let reporter = self.inner.reporter.borrow().clone();
        if let Some(reporter) = reporter {
            reporter.flush();
        }
    }

    /// Whether lanterne is tracking: false after `stop()` or `deny()`, with consent
    /// `denied`, and under Global Privacy Control (or Do Not Track when honoured).
    ///
    /// ```js
    /// if (tracker.running) tracker.flush();
    /// ```
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> bool {
        self.inner.tracking.get()
    }

    /// Draws share buttons into `element`, replacing buttons drawn there before. Throws an
    /// `Error` naming the option when one is bad, before anything changes.
    ///
    /// ```js
    /// const buttons = tracker.renderButtons(element, { channels: ["whatsapp", "copy_link"], labels: false });
    /// ```
    #[wasm_bindgen(js_name = renderButtons)]
    pub fn render_buttons(&self, element: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        if self.inner.stopped.get() {
            return Err(error("lanterne: this tracker is stopped"));
        }
        let Some(element) = element.dyn_ref::<Element>() else {
            return Err(type_error("lanterne: renderButtons needs an element"));
        };
        let options = share_options(&options, &["channels", "url", "title", "text", "labels"])?;
        let settings = RowSettings {
            channels: options
                .channels
                .unwrap_or_else(|| self.inner.session.config.channels.clone()),
            url: options.url,
            title: options.title,
            text: options.text.unwrap_or_default(),
            labels: options.labels.unwrap_or(true),
        };
        Ok(self.inner.render(element, settings).handle_for_page())
    }

    /// The URL that shares a page through `channel`, with a fresh token: the share page
    /// of a link channel, the tracked page URL for `web_share`, `signal` and `copy_link`.
    /// Reports nothing (no one has shared yet).
    ///
    /// ```js
    /// const href = tracker.shareUrl("telegram", { text: "Worth a read" });
    /// ```
    #[wasm_bindgen(js_name = shareUrl)]
    pub fn share_url(&self, channel: JsValue, options: JsValue) -> Result<String, JsValue> {
        let inner = &self.inner;
        if inner.stopped.get() {
            return Err(error("lanterne: this tracker is stopped"));
        }
        let options = share_options(&options, &["url", "title", "text"])?;
        let id = channel.as_string().filter(|id| !id.contains(','));
        let Some(id) = id else {
            return Err(options_error("channel", "must be one channel id"));
        };
        let channel = match crate::core::buttons::parse_channels(&id) {
            Ok(channels) => channels[0],
            Err(problem) => {
                let problem = problem
                    .strip_prefix("has an unknown")
                    .map_or(problem.clone(), |rest| ["is an unknown", rest].concat());
                return Err(options_error("channel", &problem));
            }
        };
        let title = options.title.unwrap_or_else(|| document().title());
        let text = options.text.unwrap_or_default();
        let mobile = super::buttons::mobile();
        let prepared = inner
            .prepare(
                channel,
                options.url.as_deref(),
                &title,
                &text,
                mobile,
                inner.fresh(),
            )
            .map_err(|why| {
                error(&["lanterne: no ", channel.id(), " share here: ", why.reason()].concat())
            })?;
        Ok(match prepared.target {
            ShareTarget::NewTab(url) | ShareTarget::SameTab(url) => url,
            ShareTarget::NativeSheet | ShareTarget::Clipboard => prepared.url,
        })
    }

    /// Calls `listener` with every share from a button before it happens, to amend or
    /// cancel it; returns the function that unsubscribes.
    ///
    /// ```js
    /// tracker.onShare((share) => { if (share.channel === "email") share.text = "From our newsletter"; });
    /// ```
    #[wasm_bindgen(js_name = onShare)]
    pub fn on_share(&self, listener: JsValue) -> Result<JsValue, JsValue> {
        let listener = listener
            .dyn_into::<Function>()
            .map_err(|_| type_error("lanterne: onShare needs a function"))?;
        Ok(self.inner.shares.add(listener))
    }

    /// Listens to delivery errors (`"error"`), every event as it is queued (`"event"`),
    /// or shares before they happen (`"share"`, as `onShare`); returns the function that
    /// unsubscribes.
    ///
    /// ```js
    /// const off = tracker.on("error", (e) => console.log(e.status, e.retry));
    /// ```
    pub fn on(&self, kind: JsValue, listener: JsValue) -> Result<JsValue, JsValue> {
        let listener = listener
            .dyn_into::<Function>()
            .map_err(|_| type_error("lanterne: on() needs a function"))?;
        let set = match kind.as_string().as_deref() {
            Some("error") => &self.inner.errors,
            Some("event") => &self.inner.events,
            Some("share") => &self.inner.shares,
            _ => {
                let got = js_sys::JSON::stringify(&kind)
                    .ok()
                    .and_then(|s| s.as_string())
                    .unwrap_or_else(|| "undefined".into());
                return Err(type_error(
                    &[
                        "lanterne: on() takes \"error\", \"event\" or \"share\" (got ",
                        &got,
                        ")",
                    ]
                    .concat(),
                ));
            }
        };
        Ok(set.add(listener))
    }

    /// Consent given: what waited is sent; with consent `denied`, tracking starts (Global
    /// Privacy Control and Do Not Track still win).
    ///
    /// ```js
    /// consentBanner.onAccept(() => tracker.grant());
    /// ```
    pub fn grant(&self) {
        let inner = &self.inner;
        if inner.stopped.get() {
            return;
        }
        inner.consent.set(Consent::Granted);
        let reporter = inner.reporter.borrow().clone();
        match reporter {
            Some(reporter) => reporter.release(),
            None => inner.track(),
        }
    }

    /// Consent refused: tracking stops, and what lanterne stored is removed (buttons
    /// stay, untracked).
    ///
    /// ```js
    /// consentBanner.onRefuse(() => tracker.deny());
    /// ```
    pub fn deny(&self) {
        let inner = &self.inner;
        if inner.stopped.get() {
            return;
        }
        inner.consent.set(Consent::Denied);
        inner.untrack(false);
        // Nothing of this visitor's is kept: queued events (this tab's and closed
        // tabs'), the tokens remembered against self-clicks, the visit's parent.
        forget_orphans();
        inner.memory.borrow_mut().clear();
    }

    /// Delivery health: `{ consent, tracking, queued, sent, dropped, retries }`.
    ///
    /// ```js
    /// const { queued, retries } = tracker.stats();
    /// ```
    pub fn stats(&self) -> JsValue {
        let inner = &self.inner;
        let counts = inner
            .reporter
            .borrow()
            .as_ref()
            .map_or((0, 0, 0, 0), |r| r.counts());
        objects::object(
            &[
                ("consent", Field::Text(inner.consent.get().id())),
                ("tracking", Field::Bool(inner.tracking.get())),
                ("queued", Field::Number(f64::from(counts.0))),
                ("sent", Field::Number(f64::from(counts.1))),
                ("dropped", Field::Number(f64::from(counts.2))),
                ("retries", Field::Number(f64::from(counts.3))),
            ],
            true,
        )
    }
}

/// Starts a tracker from a checked config (see `super::start`): the checks only a
/// browser can make, then everything at once, or nothing.
pub fn begin(
    config: Config,
    callback: Option<Function>,
    source: crate::core::config::Source,
) -> Result<Tracker, JsValue> {
    let session = config::session(config, source)?;
    let c = &session.config;
    let navigator = window().navigator();
    let refused = (c.gpc && get(&navigator, "globalPrivacyControl") == JsValue::TRUE)
        || (c.dnt && get(&navigator, "doNotTrack").as_string().as_deref() == Some("1"));
    let consent = c.consent;
    let buttons = c.share_buttons;
    let inner = Rc::new(Inner {
        session,
        consent: Cell::new(consent),
        refused,
        tracking: Cell::new(false),
        stopped: Cell::new(false),
        callback,
        memory: RefCell::new(Memory::default()),
        reporter: RefCell::new(None),
        listeners: RefCell::new(Vec::new()),
        bars: RefCell::new(Vec::new()),
        routes: Routes::default(),
        observer: RefCell::new(None),
        shares: Listeners::default(),
        events: Listeners::default(),
        errors: Listeners::default(),
    });
    RUNNING.with(|r| r.borrow_mut().push(inner.clone()));
    // Global Privacy Control, Do Not Track when honoured, or consent denied (SPEC §6):
    // nothing is tracked or sent, and what earlier pages queued is not sent either;
    // share buttons still work, without token, UTM or report.
    if consent != Consent::Denied && !refused {
        inner.track();
    } else {
        forget_orphans();
    }
    containers::watch(&inner, buttons);
    Ok(Tracker { inner })
}

/// A weak handle on a tracker, for closures the tracker owns.
pub type WeakTracker = Weak<Inner>;
