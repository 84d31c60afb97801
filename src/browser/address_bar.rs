//! The page's own address (SPEC §2): the arrival check on landing, this page view's token
//! in the address bar, and putting the address back on `stop()`.

use super::Session;
use crate::core::channel::Channel;
use crate::core::event::EventKind;
use crate::core::page::{address_bar_url, Landing};
use crate::core::url::without_token;
use wasm_bindgen::prelude::*;

/// Reads the landing address: reports an arrival for a valid token that this browser did
/// not mint itself, remembers it as the visit's parent, then shows the clean address, or
/// the address with this page view's own token when the address bar mode is on.
pub fn on_start(session: &Session) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let href = window.location().href()?;
    let landing = Landing::read(&href, &session.param);
    if let Some(incoming) = landing.incoming {
        let self_click = session.memory.minted(&incoming);
        let already_counted = session.memory.parent() == Some(incoming);
        if !self_click && !already_counted {
            session.memory.set_parent(&incoming);
            let referrer = window
                .document()
                .map(|d| d.referrer())
                .filter(|r| !r.is_empty());
            session.report(
                EventKind::Arrival { referrer },
                incoming.channel(),
                incoming,
                Some(incoming),
            );
        }
    }
    let mut target = None;
    if session.address_bar {
        let token = session.mint(Channel::AddressBar);
        target = address_bar_url(
            &landing.clean_url,
            &token,
            &session.param,
            session.placement,
            &session.exclude_paths,
        );
        if target.is_some() {
            session.memory.remember_minted(&token);
        }
    }
    let target = target.unwrap_or(landing.clean_url);
    if target != href {
        replace_address(&target)?;
    }
    Ok(())
}

/// Takes lanterne's token out of the address bar (on `stop()`).
pub fn restore(param: &str) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let href = window.location().href()?;
    let (clean, token) = without_token(&href, param);
    if token.is_some() {
        replace_address(&clean)?;
    }
    Ok(())
}

/// `history.replaceState` keeping the page's own history state (routers keep theirs there):
/// no new history entry, no reload.
fn replace_address(url: &str) -> Result<(), JsValue> {
    let history = web_sys::window().ok_or(JsValue::NULL)?.history()?;
    history.replace_state_with_url(&history.state()?, "", Some(url))
}
