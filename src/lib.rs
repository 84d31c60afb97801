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

// In the browser the crate is `no_std`: a panic handler of our own (in `wasm`) means no
// panic message formatting, and with it `core::fmt`, stays in the module (2 KB of brotli).
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

/// `String`, `Vec` and friends from `alloc`, which both the `std` and `no_std` builds have.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

pub mod core;

#[cfg(target_arch = "wasm32")]
mod wasm;
