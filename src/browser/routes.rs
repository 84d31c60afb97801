//! The page's address (docs/how-it-works.md#address-bar-arrivals-chains): the landing (an
//! arrival for a token this browser did not mint, the incoming token out of the address
//! bar; a sourceless landing, docs/events.md#events, when there was no token and no
//! referrer), the token each page view shows, and single-page apps: a client-side route
//! change that changes the path or the query is a new page view. Its address gets a fresh
//! token once the router has rendered; a change of fragment alone (an anchor, a hash
//! router) is not a page view. The core reads the addresses ([`crate::core::page`]); this
//! applies them.
//!
//! How a route change is seen: the Navigation API's `currententrychange` where the
//! browser has it; elsewhere `popstate` and the page's DOM changing (the tracker's
//! document observer calls [`Routes::changed`]: a router renders its new view, and the
//! History API has no event for `pushState`; wrapping the site's `history` methods would
//! put lanterne between the site and its other analytics, which wrap them too). Either
//! way the new page view waits [`SETTLE_MS`] for the router to finish, and a burst of
//! changes (a redirect) is one page view.
//!
//! How the address is changed: `History.prototype.replaceState` called on `history`, not
//! `history.replaceState`, which analytics tools replace with wrappers that count page
//! views (Umami, Google's tags): lanterne's token never looks like a navigation to them.
//! On back and forward, the token left in the entry is taken out when the entry becomes
//! current: with the Navigation API, before any `popstate` listener reads the address.

use super::reporting::Reporting;
use super::session::Session;
use crate::core::channel::Channel;
use crate::core::event::EventKind;
use crate::core::page::{address_bar_url, route_key, sourceless, Landing};
use crate::core::token::ShareToken;
use crate::prelude::*;
use crate::web::dom::{document, navigation_type, replace_url, window};
use crate::web::handle::{on_settled, EventListener, Timeout};
use crate::web::page::{get, href, random_bytes};
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

/// How long a new route waits before it gets its token: routers render within a frame
/// or two, and the site's analytics have read the new address by then (Umami reads it
/// when `pushState` is called and sends 300 ms later; Plausible at once).
pub const SETTLE_MS: f64 = 300.0;

/// A tracker's page views: the route the address bar's token belongs to, and the change
/// waiting to settle.
pub struct Routes {
    session: Rc<Session>,
    reporting: Rc<Reporting>,
    /// The route of the current page view ([`route_key`]).
    key: RefCell<String>,
    /// The route a page view waits for, and its timer.
    pending: RefCell<Option<(String, Timeout)>>,
    /// The token of the current page view's address, when it shows one.
    own: Cell<Option<ShareToken>>,
    /// How many times this page view's token was put back (see `keep_own`).
    kept: Cell<u8>,
    /// Set while lanterne changes the address itself: its own `replaceState` fires
    /// `currententrychange` too, which must not come back as a route change.
    placing: Cell<bool>,
}

/// The Navigation API's `navigation`, where the browser has it.
fn navigation() -> Option<EventTarget> {
    get(&window(), "navigation").dyn_into::<EventTarget>().ok()
}

/// Whether the browser follows routes with the Navigation API (otherwise the document
/// observer tells of page changes).
pub fn by_navigation_api() -> bool {
    navigation().is_some()
}

impl Routes {
    /// The routes of a tracker.
    pub fn new(session: Rc<Session>, reporting: Rc<Reporting>) -> Rc<Routes> {
        Rc::new(Routes {
            session,
            reporting,
            key: RefCell::default(),
            pending: RefCell::default(),
            own: Cell::new(None),
            kept: Cell::new(0),
            placing: Cell::new(false),
        })
    }

    /// The landing (tracking just started): an arrival for a valid token in the address
    /// that this browser did not mint itself, remembered as the visit's parent; the token
    /// leaves the address bar at once, before the site's analytics read it (this page
    /// view's own token follows once the page has loaded: [`Routes::follow`]). Without a
    /// token, a sourceless landing (no referrer, not the home page or a section front, a
    /// navigation: not a reload, a back or forward) is a `landing` event, unless
    /// `landings` is off.
    pub fn land(&self) {
        let c = &self.session.config;
        let here = href();
        let landing = Landing::read(&here, &c.param);
        let reporting = &self.reporting;
        let referrer = document().referrer();
        match landing.incoming {
            Some(incoming) => {
                if !reporting.minted(&incoming) && reporting.parent() != Some(incoming) {
                    reporting.set_parent(incoming);
                    let referrer = (!referrer.is_empty()).then_some(referrer);
                    reporting.report(
                        EventKind::Arrival { referrer },
                        Some(incoming.channel()),
                        Some(incoming),
                        Some(incoming),
                        self.session.clean(&here),
                        document().title(),
                    );
                }
            }
            None => {
                // Before `follow` has set a route: the first time only, so consent denied
                // then granted again never reports the landing twice.
                if self.key.borrow().is_empty()
                    && c.landings
                    && navigation_type() == "navigate"
                    && sourceless(&landing.clean_url, &referrer, &c.front_paths)
                {
                    let url = landing.clean_url.clone();
                    reporting.report(
                        EventKind::Landing,
                        None,
                        None,
                        None,
                        url,
                        document().title(),
                    );
                }
            }
        }
        if landing.had_slot {
            self.place(&landing.clean_url);
        }
    }

    /// Starts following the page's routes: the current route is this page view's, and its
    /// token is placed once the page has loaded (scripts loaded with `async` or `defer`,
    /// the site's analytics among them, have run and read the address by then). Returns
    /// the listeners, which stop following when dropped.
    pub fn follow(self: &Rc<Self>) -> Vec<EventListener> {
        *self.key.borrow_mut() = route_key(&href(), &self.session.config.param);
        let mut listeners = Vec::new();
        let this = Rc::downgrade(self);
        match navigation() {
            // Fires before `popstate`, so a back or forward is cleaned before the site's
            // analytics read the address, whoever listened first.
            Some(navigation) => listeners.push(EventListener::new(
                &navigation,
                &["currententrychange"],
                move |event| {
                    // lanterne's own replaceState: not a navigation of the site's.
                    if this.upgrade().is_none_or(|r| r.placing.get()) {
                        return;
                    }
                    let traverse =
                        get(&event, "navigationType").as_string().as_deref() == Some("traverse");
                    // In a microtask: what follows may change the address, which fires this
                    // event again while the listener runs, and a Rust closure cannot be
                    // re-entered. Microtasks run as soon as the code that navigated
                    // returns, and on back and forward still before `popstate`.
                    let this = this.clone();
                    on_settled(&Promise::resolve(&JsValue::UNDEFINED), move |_| {
                        if let Some(routes) = this.upgrade() {
                            if traverse {
                                routes.traversed()
                            } else {
                                routes.changed()
                            }
                        }
                    })
                },
            )),
            // Listeners run in the order they were added: a tool that listened to
            // `popstate` before lanterne started reads the entry as it was.
            None => listeners.push(EventListener::new(&window(), &["popstate"], move |_| {
                if let Some(routes) = this.upgrade() {
                    routes.traversed()
                }
            })),
        }
        if document().ready_state() == "complete" {
            self.page_view();
        } else {
            let this = Rc::downgrade(self);
            listeners.push(EventListener::new(&window(), &["load"], move |_| {
                if let Some(routes) = this.upgrade() {
                    routes.page_view()
                }
            }));
        }
        listeners
    }

    /// Forgets the change waiting to settle (tracking stopped).
    pub fn cancel(&self) {
        self.pending.borrow_mut().take();
    }

    /// Back or forward: the entry may show a token (this visitor's own from an earlier
    /// view, or one an app put in a URL). It is never an arrival; on a new route it is
    /// taken out at once, so the site's analytics record the clean address, and the
    /// route's own token follows.
    fn traversed(self: &Rc<Self>) {
        let here = href();
        let param = &self.session.config.param;
        if route_key(&here, param) != *self.key.borrow() {
            let landing = Landing::read(&here, param);
            if landing.had_slot {
                self.place(&landing.clean_url);
            }
        }
        self.changed();
    }

    /// The address of the current route shows a token this browser did not mint: written
    /// back by the site (vue-router, for one, writes the address it read when it was
    /// created back into the entries it leaves, the landing's token with it). This view's
    /// own token goes back (none until the page has loaded). A token this browser minted
    /// is left: another tracker's on the page, or an earlier view's of this route. Twice
    /// per page view at most, so two trackers that cannot see each other's tokens never
    /// take turns for good.
    fn keep_own(&self, here: &str) {
        let landing = Landing::read(here, &self.session.config.param);
        let minted = landing
            .incoming
            .is_some_and(|token| Some(token) == self.own.get() || self.reporting.minted(&token));
        if !landing.had_slot || minted || self.kept.get() >= 2 {
            return;
        }
        self.kept.set(self.kept.get() + 1);
        self.show(&landing.clean_url, self.own.get());
    }

    /// Something may have changed the route: a new route waits [`SETTLE_MS`] for its page
    /// view; coming back to the current one before then cancels it. On the current route,
    /// the address keeps this view's token.
    pub fn changed(self: &Rc<Self>) {
        if self.placing.get() || !self.reporting.tracking() {
            return;
        }
        let here = href();
        let key = route_key(&here, &self.session.config.param);
        if key == *self.key.borrow() {
            self.cancel();
            self.keep_own(&here);
            return;
        }
        if self
            .pending
            .borrow()
            .as_ref()
            .is_some_and(|(waiting, _)| *waiting == key)
        {
            return; // the page goes on rendering the route already waited for
        }
        let this = Rc::downgrade(self);
        let timer = Timeout::new(SETTLE_MS, move || {
            if let Some(routes) = this.upgrade() {
                routes.page_view()
            }
        });
        *self.pending.borrow_mut() = Some((key, timer));
    }

    /// A new page view of the current address (a settled route change, the load, or
    /// `tracker.refresh()`): a fresh address-bar token for it (never an arrival: only a
    /// landing is one).
    pub fn page_view(&self) {
        self.cancel();
        if !self.reporting.tracking() {
            return;
        }
        let here = href();
        let param = &self.session.config.param;
        *self.key.borrow_mut() = route_key(&here, param);
        let landing = Landing::read(&here, param);
        let own = ShareToken::mint(Channel::AddressBar, &random_bytes());
        self.kept.set(0);
        let shown = self.show(&landing.clean_url, Some(own));
        if shown {
            self.reporting.remember(&own);
        }
        self.own.set(shown.then_some(own));
    }

    /// Shows `clean_url` with the token `own` where the address bar may carry one (the
    /// mode is on; not the home page, an address with a fragment of its own, or an
    /// excluded path), or clean. Returns whether the token is shown.
    fn show(&self, clean_url: &str, own: Option<ShareToken>) -> bool {
        let c = &self.session.config;
        let shown = own.filter(|_| c.address_bar).and_then(|own| {
            address_bar_url(clean_url, &own, &c.param, c.placement, &c.exclude_paths)
        });
        self.place(shown.as_deref().unwrap_or(clean_url));
        shown.is_some()
    }

    /// Takes lanterne's token out of the address bar (tracking stopped).
    pub fn restore(&self) {
        self.place(&self.session.clean(&href()));
    }

    /// Shows `url` in the address bar, unless it shows it already: no new entry, no
    /// reload, the page's own `history.state` kept (routers keep theirs there).
    fn place(&self, url: &str) {
        if url == href() {
            return;
        }
        self.placing.set(true);
        let _ = replace_url(url);
        self.placing.set(false);
    }
}
