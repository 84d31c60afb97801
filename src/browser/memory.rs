//! What lanterne remembers in the browser, and nothing more:
//! - `localStorage["lanterne:minted"]`: the last tokens this browser minted, so that a
//!   visitor clicking their own shared link is not counted as an arrival (self-click);
//! - `sessionStorage["lanterne:parent"]`: the token this visit arrived with (same tab,
//!   same site), sent as `parent` on every share of the visit.
//! Both fall back to memory when storage is unavailable or throws (private modes, quota).

use crate::core::token::{ShareToken, TOKEN_LEN};
use std::cell::RefCell;
use web_sys::Storage;

const MINTED_KEY: &str = "lanterne:minted";
const PARENT_KEY: &str = "lanterne:parent";
/// How many minted tokens are remembered: about 6.5 KB of storage.
const MINTED_CAP: usize = 500;

/// The browser-side memory of minted tokens and of this visit's parent token.
pub struct Memory {
    local: Option<Storage>,
    session: Option<Storage>,
    /// Used when storage is missing or refuses writes.
    fallback_minted: RefCell<String>,
    fallback_parent: RefCell<Option<ShareToken>>,
}

impl Memory {
    /// Opens the page's storages; either may be missing.
    pub fn open() -> Memory {
        let window = web_sys::window();
        Memory {
            local: window
                .as_ref()
                .and_then(|w| w.local_storage().ok().flatten()),
            session: window
                .as_ref()
                .and_then(|w| w.session_storage().ok().flatten()),
            fallback_minted: RefCell::new(String::new()),
            fallback_parent: RefCell::new(None),
        }
    }

    fn minted_list(&self) -> String {
        self.local
            .as_ref()
            .and_then(|s| s.get_item(MINTED_KEY).ok().flatten())
            .unwrap_or_else(|| self.fallback_minted.borrow().clone())
    }

    /// Remembers a token this browser minted.
    pub fn remember_minted(&self, token: &ShareToken) {
        let mut list = self.minted_list();
        if !list.is_empty() {
            list.push(' ');
        }
        list.push_str(token.as_str());
        let max_len = MINTED_CAP * (TOKEN_LEN + 1);
        if list.len() > max_len {
            // Tokens are fixed-width, so this cut lands right after a separator.
            list.drain(..list.len() - max_len + 1);
        }
        let stored = self
            .local
            .as_ref()
            .is_some_and(|s| s.set_item(MINTED_KEY, &list).is_ok());
        if !stored {
            *self.fallback_minted.borrow_mut() = list;
        }
    }

    /// Whether this browser minted `token`.
    pub fn minted(&self, token: &ShareToken) -> bool {
        self.minted_list().split(' ').any(|t| t == token.as_str())
    }

    /// The token this visit arrived with, if any.
    pub fn parent(&self) -> Option<ShareToken> {
        self.session
            .as_ref()
            .and_then(|s| s.get_item(PARENT_KEY).ok().flatten())
            .and_then(|v| ShareToken::parse(&v))
            .or(*self.fallback_parent.borrow())
    }

    /// Records the token this visit arrived with.
    pub fn set_parent(&self, token: &ShareToken) {
        let stored = self
            .session
            .as_ref()
            .is_some_and(|s| s.set_item(PARENT_KEY, token.as_str()).is_ok());
        if !stored {
            *self.fallback_parent.borrow_mut() = Some(*token);
        }
    }
}
