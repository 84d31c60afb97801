//! # lanterne
//!
//! Dark-social share tracking for the web. On a page, lanterne gives the site's URLs in
//! whatever a visitor copies a unique share token, keeps a token in the address bar,
//! notices visitors who arrive with a token (click-backs), and reports those events to
//! any HTTP endpoint. See `README.md` for the product and `SPEC.md` for the contract.
//!
//! The crate is the pure core: everything lanterne decides.
//! - [`core`]: tokens, URL, text and HTML rewriting, share templates, config, events;
//!   pure Rust, tested natively and fuzzed;
//! - `wasm` (wasm32 only): the core's JavaScript surface, one `Core` object per tracker.
//!
//! The browser layer (listeners, DOM, storage, network) is JavaScript, in `js/`, and asks
//! the core every question; see `wasm` for why it is not Rust.

pub mod core;

#[cfg(target_arch = "wasm32")]
mod wasm;
