//! # lanterne
//!
//! Dark-social share tracking for the web. On a page, lanterne gives the site's URLs in
//! whatever a visitor copies a unique share token, keeps a token in the address bar,
//! draws share buttons whose links carry tokens too, notices visitors who arrive with a
//! token (click-backs), and reports those events to any HTTP endpoint or analytics tool.
//! See `README.md` for the product and `SPEC.md` for the contract.
//!
//! Two layers, visible in the tree:
//! - [`core`]: everything lanterne decides (tokens, URL and text rewriting, share
//!   templates, the config and its errors, events, the delivery queue, the analytics
//!   tools' request formats); pure Rust, tested natively, property-tested and fuzzed;
//! - the browser layer (wasm32 only), which reads the page, asks the core and applies the
//!   answer, over `web-sys` and `js-sys`, as wasm modules built from this crate:
//!   `browser` (feature `browser`), the module every page loads, whose exported functions
//!   are the JavaScript API; `rare` (feature `rare`), what most pages never use, loaded
//!   only where it is used; and `formats` (feature `formats`), the analytics tools'
//!   formats, loaded where the config names one. `web` is what they share. Another,
//!   `row` (feature `row`), is for Node: the share rows a server writes (`lanterne/row`).

extern crate alloc;

/// `String`, `Vec` and friends from `alloc`: the core is written against `alloc` only.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(all(target_arch = "wasm32", feature = "browser"))]
pub mod browser;

#[cfg(all(target_arch = "wasm32", feature = "rare"))]
pub mod rare;

#[cfg(all(target_arch = "wasm32", feature = "formats"))]
pub mod formats;

#[cfg(all(target_arch = "wasm32", feature = "row"))]
pub mod row;
