//! What lanterne remembers in the browser, and nothing more:
//! - `localStorage["lanterne:minted"]` and `["lanterne:minted-a"]`: the last tokens this
//!   browser minted for shares and copies, and for the address bar, so that a visitor
//!   clicking their own link is not counted as an arrival (self-click). Two lists, so that
//!   one token per page view in the address bar never pushes shared tokens out;
//! - `sessionStorage["lanterne:parent"]`: the token this visit arrived with (same tab,
//!   same site), sent as `parent` on every share of the visit.
//!
//! Everything falls back to memory when storage is unavailable or throws (private modes,
//! quota), and what is in memory is always consulted too.

use crate::core::channel::Channel;
use crate::core::token::{ShareToken, TOKEN_LEN};
use std::cell::RefCell;
use web_sys::Storage;

const PARENT_KEY: &str = "lanterne:parent";

/// A bounded, space-separated list of tokens in one storage key.
struct TokenList {
    key: &'static str,
    cap: usize,
    /// This page's own additions, kept whether or not storage accepted them.
    fallback: RefCell<String>,
}

impl TokenList {
    fn stored(&self, storage: Option<&Storage>) -> String {
        storage
            .and_then(|s| s.get_item(self.key).ok().flatten())
            .unwrap_or_default()
    }

    fn contains(&self, storage: Option<&Storage>, token: &ShareToken) -> bool {
        let has = |list: &str| list.split(' ').any(|t| t == token.as_str());
        has(&self.fallback.borrow()) || has(&self.stored(storage))
    }

    fn add(&self, storage: Option<&Storage>, token: &ShareToken) {
        let mut stored = self.stored(storage);
        self.push(&mut stored, token);
        if let Some(storage) = storage {
            let _ = storage.set_item(self.key, &stored);
        }
        // Also in memory, in case storage refused the write (quota, private mode).
        self.push(&mut self.fallback.borrow_mut(), token);
    }

    fn push(&self, list: &mut String, token: &ShareToken) {
        if !list.is_empty() {
            list.push(' ');
        }
        list.push_str(token.as_str());
        let max_len = self.cap * (TOKEN_LEN + 1);
        if list.len() > max_len {
            // Tokens are fixed-width ASCII, so this cut lands right after a separator.
            list.drain(..list.len() - max_len + 1);
        }
    }
}

/// The browser-side memory of minted tokens and of this visit's parent token.
pub struct Memory {
    local: Option<Storage>,
    session: Option<Storage>,
    shared: TokenList,
    address_bar: TokenList,
    fallback_parent: RefCell<Option<ShareToken>>,
}

impl Memory {
    /// Opens the page's storages; either may be missing.
    pub fn open() -> Memory {
        let window = web_sys::window();
        let list = |key, cap| TokenList {
            key,
            cap,
            fallback: RefCell::new(String::new()),
        };
        Memory {
            local: window
                .as_ref()
                .and_then(|w| w.local_storage().ok().flatten()),
            session: window
                .as_ref()
                .and_then(|w| w.session_storage().ok().flatten()),
            shared: list("lanterne:minted", 500),
            address_bar: list("lanterne:minted-a", 200),
            fallback_parent: RefCell::new(None),
        }
    }

    fn list_for(&self, token: &ShareToken) -> &TokenList {
        if token.channel() == Channel::AddressBar {
            &self.address_bar
        } else {
            &self.shared
        }
    }

    /// Remembers a token this browser minted.
    pub fn remember_minted(&self, token: &ShareToken) {
        self.list_for(token).add(self.local.as_ref(), token);
    }

    /// Whether this browser minted `token`.
    pub fn minted(&self, token: &ShareToken) -> bool {
        self.list_for(token).contains(self.local.as_ref(), token)
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
        *self.fallback_parent.borrow_mut() = Some(*token);
        if let Some(session) = &self.session {
            let _ = session.set_item(PARENT_KEY, token.as_str());
        }
    }
}
