//! Single-page apps (SPEC §2): a client-side route change that changes the path or the
//! query is a new page view. Its address gets a fresh token once the router has
//! rendered; a change of fragment alone (an anchor, a hash router) is not a page view.
//!
//! How a route change is seen: the Navigation API's `currententrychange` where the
//! browser has it; elsewhere `popstate` and the page's DOM changing under the document
//! observer (a router renders its new view: the History API has no event for
//! `pushState`, and wrapping the site's `history` methods would put lanterne between the
//! site and its other analytics, which wrap them too). Either way the new page view
//! waits [`SETTLE_MS`] for the router to finish, and a burst of changes (a redirect) is
//! one page view.
//!
//! How the address is changed: `History.prototype.replaceState` called on `history`,
//! not `history.replaceState`, which analytics tools replace with wrappers that count
//! page views (Umami, Google's tags): lanterne's token never looks like a navigation to
//! them. On back and forward, the token left in the entry is taken out when the entry
//! becomes current: with the Navigation API, before any `popstate` listener reads the
//! address.

use super::handle::{on_settled, EventListener, Timeout};
use super::page::{document, get, href, random_bytes, window};
use super::tracker::Inner;
use crate::core::channel::Channel;
use crate::core::page::{address_bar_url, route_key, Landing};
use crate::core::token::ShareToken;
use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

/// How long a new route waits before it gets its token: routers render within a frame
/// or two, and the site's analytics have read the new address by then (Umami reads it
/// when `pushState` is called and sends 300 ms later; Plausible at once).
pub const SETTLE_MS: f64 = 300.0;

/// The route the address bar's token belongs to, and the change waiting to settle.
#[derive(Default)]
pub struct Routes {
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

impl Routes {
    /// Forgets the change waiting to settle (tracking stopped).
    pub fn cancel(&self) {
        self.pending.borrow_mut().take();
    }
}

/// The Navigation API's `navigation`, where the browser has it.
fn navigation() -> Option<EventTarget> {
    get(&window(), "navigation").dyn_into::<EventTarget>().ok()
}

/// Starts following the page's routes: the current route is this page view's, and its
/// token is placed once the page has loaded (scripts loaded with `async` or `defer`, the
/// site's analytics among them, have run and read the address by then). Returns the
/// listeners, which stop following when dropped.
pub fn follow(tracker: &Rc<Inner>) -> Vec<EventListener> {
    *tracker.routes.key.borrow_mut() = route_key(&href(), &tracker.session.config.param);
    let mut listeners = Vec::new();
    let this = Rc::downgrade(tracker);
    match navigation() {
        // Fires before `popstate`, so a back or forward is cleaned before the site's
        // analytics read the address, whoever listened first.
        Some(navigation) => listeners.push(EventListener::new(
            &navigation,
            &["currententrychange"],
            move |event| {
                // lanterne's own replaceState: not a navigation of the site's.
                if this.upgrade().is_none_or(|t| t.routes.placing.get()) {
                    return;
                }
                let traverse =
                    get(&event, "navigationType").as_string().as_deref() == Some("traverse");
                // In a microtask: what follows may change the address, which fires this
                // event again while the listener runs, and a Rust closure cannot be
                // re-entered. Microtasks run as soon as the code that navigated returns,
                // and on back and forward still before `popstate`.
                let this = this.clone();
                on_settled(&Promise::resolve(&JsValue::UNDEFINED), move |_| {
                    if let Some(tracker) = this.upgrade() {
                        if traverse {
                            on_traverse(&tracker)
                        } else {
                            changed(&tracker)
                        }
                    }
                })
            },
        )),
        // Listeners run in the order they were added: a tool that listened to
        // `popstate` before lanterne started reads the entry as it was.
        None => listeners.push(EventListener::new(&window(), &["popstate"], move |_| {
            if let Some(tracker) = this.upgrade() {
                on_traverse(&tracker)
            }
        })),
    }
    if document().ready_state() == "complete" {
        page_view(tracker);
    } else {
        let this = Rc::downgrade(tracker);
        listeners.push(EventListener::new(&window(), &["load"], move |_| {
            if let Some(tracker) = this.upgrade() {
                page_view(&tracker)
            }
        }));
    }
    listeners
}

/// Back or forward: the entry may show a token (this visitor's own from an earlier view,
/// or one an app put in a URL). It is never an arrival; on a new route it is taken out at
/// once, so the site's analytics record the clean address, and the route's own token
/// follows.
fn on_traverse(tracker: &Rc<Inner>) {
    let here = href();
    let param = &tracker.session.config.param;
    if route_key(&here, param) != *tracker.routes.key.borrow() {
        let landing = Landing::read(&here, param);
        if landing.had_slot {
            place(tracker, &landing.clean_url);
        }
    }
    changed(tracker);
}

/// The address of the current route shows a token this browser did not mint: written
/// back by the site (vue-router, for one, writes the address it read when it was created
/// back into the entries it leaves, the landing's token with it). This view's own token
/// goes back (none until the page has loaded). A token this browser minted is left:
/// another tracker's on the page, or an earlier view's of this route. Twice per page view
/// at most, so two trackers that cannot see each other's tokens never take turns for good.
fn keep_own(tracker: &Rc<Inner>, here: &str) {
    let c = &tracker.session.config;
    let landing = Landing::read(here, &c.param);
    let routes = &tracker.routes;
    let minted = landing.incoming.is_some_and(|token| {
        Some(token) == routes.own.get() || tracker.memory.borrow().minted(&token)
    });
    if !landing.had_slot || minted || routes.kept.get() >= 2 {
        return;
    }
    routes.kept.set(routes.kept.get() + 1);
    show(tracker, &landing.clean_url, routes.own.get());
}

/// Whether the browser follows routes with the Navigation API (otherwise the document
/// observer calls [`changed`] when the page changes).
pub fn by_navigation_api() -> bool {
    navigation().is_some()
}

/// Something may have changed the route: a new route waits [`SETTLE_MS`] for its page
/// view; coming back to the current one before then cancels it. On the current route,
/// the address keeps this view's token.
pub fn changed(tracker: &Rc<Inner>) {
    let routes = &tracker.routes;
    if routes.placing.get() || !tracker.tracking() {
        return;
    }
    let here = href();
    let key = route_key(&here, &tracker.session.config.param);
    if key == *routes.key.borrow() {
        routes.cancel();
        keep_own(tracker, &here);
        return;
    }
    if routes
        .pending
        .borrow()
        .as_ref()
        .is_some_and(|(waiting, _)| *waiting == key)
    {
        return; // the page goes on rendering the route already waited for
    }
    let this = Rc::downgrade(tracker);
    let timer = Timeout::new(SETTLE_MS, move || {
        if let Some(tracker) = this.upgrade() {
            page_view(&tracker)
        }
    });
    *routes.pending.borrow_mut() = Some((key, timer));
}

/// A new page view of the current address (a settled route change, the load, or
/// `tracker.refresh()`): a fresh address-bar token for it (never an arrival: only a
/// landing is one), and the rows of buttons whose view left the page let go.
pub fn page_view(tracker: &Rc<Inner>) {
    let routes = &tracker.routes;
    routes.cancel();
    tracker.prune();
    if !tracker.tracking() {
        return;
    }
    let c = &tracker.session.config;
    let here = href();
    *routes.key.borrow_mut() = route_key(&here, &c.param);
    let landing = Landing::read(&here, &c.param);
    let own = ShareToken::mint(Channel::AddressBar, &random_bytes());
    routes.kept.set(0);
    let shown = show(tracker, &landing.clean_url, Some(own));
    if shown {
        tracker.memory.borrow_mut().remember(&own);
    }
    routes.own.set(shown.then_some(own));
}

/// Shows `clean_url` with the token `own` where the address bar may carry one (the mode
/// is on; not the home page, an address with a fragment of its own, or an excluded
/// path), or clean. Returns whether the token is shown.
fn show(tracker: &Inner, clean_url: &str, own: Option<ShareToken>) -> bool {
    let c = &tracker.session.config;
    let shown = own
        .filter(|_| c.address_bar)
        .and_then(|own| address_bar_url(clean_url, &own, &c.param, c.placement, &c.exclude_paths));
    place(tracker, shown.as_deref().unwrap_or(clean_url));
    shown.is_some()
}

/// Shows `url` in the address bar: `History.prototype.replaceState` on `history` (past
/// any wrapper the site's analytics put on `history.replaceState`), keeping the page's
/// own `history.state` (routers keep theirs there); no new entry, no reload.
pub fn place(tracker: &Inner, url: &str) {
    if url == href() {
        return;
    }
    let Ok(history) = window().history() else {
        return;
    };
    let state = history.state().unwrap_or(JsValue::NULL);
    let prototype = get(&get(&window(), "History"), "prototype");
    let Ok(replace) = get(&prototype, "replaceState").dyn_into::<Function>() else {
        return;
    };
    let routes = &tracker.routes;
    routes.placing.set(true);
    let _ = replace.call3(&history, &state, &JsValue::from_str(""), &url.into());
    routes.placing.set(false);
}
