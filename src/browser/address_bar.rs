//! The page's own address (SPEC §2): the arrival check on landing, and putting the
//! address back on `stop()`. Page views and their address-bar tokens are
//! [`super::routes`]'. The core reads the addresses ([`crate::core::page`]); this
//! applies them.

use super::page::{document, href};
use super::routes;
use super::tracker::Inner;
use crate::core::event::EventKind;
use crate::core::page::Landing;

/// Reads the landing address: reports an arrival for a valid token that this browser did
/// not mint itself, remembers it as the visit's parent, and takes the token out of the
/// address bar.
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
    // The token arrived with leaves the address bar at once, before the site's
    // analytics read it; this page view's own token follows once the page has loaded
    // (`routes::follow`).
    if landing.had_slot {
        routes::place(tracker, &landing.clean_url);
    }
}

/// Takes lanterne's token out of the address bar.
pub fn restore(tracker: &Inner) {
    routes::place(tracker, &tracker.session.clean(&href()));
}
