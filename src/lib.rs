//! # lanterne
//!
//! Dark-social share tracking for the web. On a page, lanterne gives the site's URLs in
//! whatever a visitor copies a unique share token, keeps a token in the address bar,
//! draws share buttons whose links carry tokens too, notices visitors who arrive with a
//! token (click-backs), and reports those events to any HTTP endpoint or analytics tool.
//! The guide (docs/README.md) says what it does for a site and how to install it; how it
//! works, token by token, is docs/how-it-works.md.
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
//!
//! # Example
//!
//! A share's life, as the core sees it: a visitor clicks a WhatsApp button, which mints a
//! token for the channel and shares the page's URL with it; whoever opens that link lands
//! with the token, which names the channel it was shared through.
//!
//! ```
//! use lanterne::core::{channel::Channel, page::Landing, share::{tracked_url, ShareContent,
//!     ShareSettings, ShareTarget}, token::ShareToken, url::Placement};
//!
//! // The button's click: 9 random bytes (crypto.getRandomValues in the browser).
//! let token = ShareToken::mint(Channel::Whatsapp, &[42; 9]);
//! let url = tracked_url("https://blog.example/a", Channel::Whatsapp, Some(&token), "lt",
//!     Placement::Auto, true, None);
//! assert_eq!(url, format!("https://blog.example/a?utm_source=whatsapp&utm_medium=social#lt={}", token.as_str()));
//! let content = ShareContent { url: &url, title: "A", text: "", page: "https://blog.example/a" };
//! let Ok(ShareTarget::NewTab(share_page)) = Channel::Whatsapp.share_target(&content, &ShareSettings::default()) else {
//!     panic!("WhatsApp shares through a page")
//! };
//! assert!(share_page.starts_with("https://api.whatsapp.com/send?text=A%0Ahttps%3A%2F%2Fblog.example%2Fa"));
//!
//! // The click-back: the token is read from the address and taken out of it.
//! let landing = Landing::read(&url, "lt");
//! assert_eq!(landing.incoming.map(|t| t.channel()), Some(Channel::Whatsapp));
//! assert_eq!(landing.clean_url, "https://blog.example/a?utm_source=whatsapp&utm_medium=social");
//! ```

#![warn(missing_docs)]

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
