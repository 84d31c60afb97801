//! The page's own address (SPEC §2): the arrival check on landing, this page view's token
//! in the address bar, and putting the address back on `stop()`. The core reads and
//! writes the addresses ([`crate::core::page`]); this applies them.

use super::page::{document, href, random_bytes, window};
use super::tracker::{Inner, Session};
use crate::core::channel::Channel;
use crate::core::event::EventKind;
use crate::core::page::{address_bar_url, Landing};
use crate::core::token::ShareToken;

/// Reads the landing address: reports an arrival for a valid token that this browser did
/// not mint itself, remembers it as the visit's parent, then shows the clean address, or
/// the address with this page view's own token when the address bar mode is on.
pub fn on_start(tracker: &Inner) {
    let c = &tracker.session.config;
    let landing = Landing::read(&href(), &c.param);
    if let Some(incoming) = landing.incoming {
        let known = {
            let memory = tracker.memory.borrow();
            memory.minted(&incoming) || memory.parent() == Some(incoming)
        };
        if !known {
            tracker.memory.borrow_mut().set_parent(incoming);
            let referrer = document().referrer();
            let referrer = (!referrer.is_empty()).then_some(referrer);
            tracker.report(
                EventKind::Arrival { referrer },
                incoming.channel(),
                incoming,
                Some(incoming),
                None,
                None,
            );
        }
    }
    let own = ShareToken::mint(Channel::AddressBar, &random_bytes());
    let shown = c
        .address_bar
        .then(|| {
            address_bar_url(
                &landing.clean_url,
                &own,
                &c.param,
                c.placement,
                &c.exclude_paths,
            )
        })
        .flatten();
    if shown.is_some() {
        tracker.memory.borrow_mut().remember(&own);
    }
    replace(shown.as_deref().unwrap_or(&landing.clean_url));
}

/// Takes lanterne's token out of the address bar.
pub fn restore(session: &Session) {
    replace(&session.clean(&href()));
}

// history.replaceState keeping the page's own state (routers keep theirs there): no new
// history entry, no reload.
fn replace(url: &str) {
    if url == href() {
        return;
    }
    if let Ok(history) = window().history() {
        let state = history.state().unwrap_or(wasm_bindgen::JsValue::NULL);
        let _ = history.replace_state_with_url(&state, "", Some(url));
    }
}
