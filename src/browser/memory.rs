//! What lanterne remembers in the browser about tokens, and nothing more (README
//! "Privacy"):
//! - `localStorage["lanterne:minted"]` and `["lanterne:minted-a"]`: the last tokens this
//!   browser minted for shares and copies (500), and for the address bar (200), so that a
//!   visitor following their own link is not counted as an arrival (self-click). Two
//!   lists, so that one token per page view never pushes shared tokens out;
//! - `sessionStorage["lanterne:parent"]`: the token this visit arrived with (same tab,
//!   same site), sent as `parent` on every share of the visit.
//!
//! Everything falls back to memory when storage is missing or throws (private modes,
//! quota), and what is in memory is always consulted too.

use super::page::window;
use crate::core::token::ShareToken;
use crate::prelude::*;
use web_sys::Storage;

const SHARED: &str = "lanterne:minted";
const ADDRESS_BAR: &str = "lanterne:minted-a";
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
    /// What was remembered in this page view, in case storage refused it:
    /// shared tokens, then address-bar tokens, space-separated like the stored lists.
    kept: [String; 2],
    parent: Option<ShareToken>,
}

impl Memory {
    /// Which list a token goes in, and that list's length: address-bar tokens start with
    /// their channel code, `a` (README "Share tokens").
    fn list(token: &ShareToken) -> (usize, &'static str, usize) {
        if token.as_str().starts_with('a') {
            (1, ADDRESS_BAR, 200)
        } else {
            (0, SHARED, 500)
        }
    }

    /// Remembers a token this browser minted.
    pub fn remember(&mut self, token: &ShareToken) {
        let (slot, key, cap) = Memory::list(token);
        let storage = local();
        let stored = appended(&read(storage.as_ref(), key), token.as_str(), cap);
        if let Some(storage) = &storage {
            let _ = storage.set_item(key, &stored);
        }
        self.kept[slot] = appended(&self.kept[slot], token.as_str(), cap);
    }

    /// Whether this browser minted `token`.
    pub fn minted(&self, token: &ShareToken) -> bool {
        let (slot, key, _) = Memory::list(token);
        let has = |list: &str| list.split(' ').any(|t| t == token.as_str());
        has(&self.kept[slot]) || has(&read(local().as_ref(), key))
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
            let _ = storage.remove_item(SHARED);
            let _ = storage.remove_item(ADDRESS_BAR);
        }
        if let Some(storage) = session() {
            let _ = storage.remove_item(PARENT);
        }
    }
}

/// A space-separated list with `token` added, keeping the last `cap`: the items written
/// one space apart, then cut after the `cap`-th space from the end. (No `Vec` of items,
/// no `join`.)
fn appended(list: &str, token: &str, cap: usize) -> String {
    let mut out = String::new();
    for item in list.split(' ').filter(|t| !t.is_empty()) {
        out.push_str(item);
        out.push(' ');
    }
    out.push_str(token);
    let mut spaces = 0;
    let mut at = out.len();
    while at > 0 {
        at -= 1;
        if out.as_bytes()[at] == b' ' {
            spaces += 1;
            if spaces == cap {
                return out.split_off(at + 1);
            }
        }
    }
    out
}
