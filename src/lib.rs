//! # lanterne
//!
//! Dark-social share tracking for the web. On a page, lanterne gives the site's URLs in
//! whatever a visitor copies a unique share token, keeps a token in the address bar,
//! notices visitors who arrive with a token (click-backs), and reports those events to
//! any HTTP endpoint. See `README.md` for the product and `SPEC.md` for the contract.
//!
//! The crate has two halves:
//! - [`core`]: pure Rust (tokens, URL and HTML rewriting, config, events), tested natively;
//! - `browser` (wasm32 only): listeners, DOM, storage and network, a thin layer over the core,
//!   exported to JavaScript with wasm-bindgen.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod browser;
