//! What lanterne remembers in the browser about tokens, and nothing more
//! (docs/privacy.md): the tokens this browser minted ([`crate::core::minted`]: two lists
//! in `localStorage`), so that a visitor following their own link is not counted as an
//! arrival (self-click), and `sessionStorage["lanterne:parent"]`, the token this visit
//! arrived with (same tab, same site), sent as `parent` on every share of the visit.
//!
//! Everything falls back to memory when storage is missing or throws (private modes,
//! quota), and what is in memory is always consulted too.

use crate::core::minted::{appended, holds, List};
use crate::core::token::ShareToken;
use crate::prelude::*;
use crate::web::dom::window;
use web_sys::Storage;

const PARENT: &str = "lanterne:parent";

/// `localStorage`, or `None` where reading it throws (storage disabled).
pub fn local() -> Option<Storage> {
    window().local_storage().ok().flatten()
}

fn session() -> Option<Storage> {
    window().session_storage().ok().flatten()
}

/// `storage[key]`, or `""`.
pub fn read(storage: Option<&Storage>, key: &str) -> String {
    storage
        .and_then(|s| s.get_item(key).ok().flatten())
        .unwrap_or_default()
}

/// The tokens this browser minted, and the visit's parent.
#[derive(Default)]
pub struct Memory {
    /// What was remembered in this page view, in case storage refused it: shared tokens,
    /// then address-bar tokens.
    kept: [String; 2],
    /// Remembered, not written to storage yet ([`Memory::save`]).
    unsaved: Vec<ShareToken>,
    parent: Option<ShareToken>,
}

impl Memory {
    /// Remembers a token this browser minted: at once here, in storage at the next
    /// [`Memory::save`].
    pub fn remember(&mut self, token: &ShareToken) {
        let list = List::of(token.as_str());
        let kept = &mut self.kept[list as usize];
        *kept = appended(kept, token.as_str(), list.cap());
        self.unsaved.push(*token);
    }

    /// Writes the tokens remembered since the last save to storage: one read and one
    /// write per list.
    pub fn save(&mut self) {
        let unsaved = core::mem::take(&mut self.unsaved);
        let Some(storage) = local().filter(|_| !unsaved.is_empty()) else {
            return;
        };
        for list in [List::Shared, List::AddressBar] {
            let mut tokens = unsaved
                .iter()
                .filter(|t| List::of(t.as_str()) == list)
                .peekable();
            if tokens.peek().is_none() {
                continue;
            }
            let mut stored = read(Some(&storage), list.key());
            for token in tokens {
                stored = appended(&stored, token.as_str(), list.cap());
            }
            let _ = storage.set_item(list.key(), &stored);
        }
    }

    /// Whether this browser minted `token`.
    pub fn minted(&self, token: &ShareToken) -> bool {
        let list = List::of(token.as_str());
        holds(&self.kept[list as usize], token.as_str())
            || holds(&read(local().as_ref(), list.key()), token.as_str())
    }

    /// The token this visit arrived with, if any.
    pub fn parent(&self) -> Option<ShareToken> {
        ShareToken::parse(&read(session().as_ref(), PARENT)).or(self.parent)
    }

    /// Remembers the token this visit arrived with.
    pub fn set_parent(&mut self, token: ShareToken) {
        self.parent = Some(token);
        if let Some(storage) = session() {
            let _ = storage.set_item(PARENT, token.as_str());
        }
    }

    /// Forgets every token and the visit's parent (consent refused).
    pub fn clear(&mut self) {
        *self = Memory::default();
        if let Some(storage) = local() {
            let _ = storage.remove_item(List::Shared.key());
            let _ = storage.remove_item(List::AddressBar.key());
        }
        if let Some(storage) = session() {
            let _ = storage.remove_item(PARENT);
        }
    }
}
