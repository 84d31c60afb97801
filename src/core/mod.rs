//! The pure core: everything lanterne decides, with no browser in sight, so `cargo test`
//! checks it natively and a fuzzer can hammer it. The browser layer (`src/browser`) only
//! reads the page, calls in here, and applies the answer.

pub mod adapter;
pub mod attribution;
pub mod buttons;
pub mod channel;
pub mod chars;
pub mod config;
pub mod copy;
pub mod device;
pub mod event;
pub mod fallback;
pub mod format;
pub mod hosts;
pub mod json;
pub mod markup;
pub mod minted;
pub mod nodes;
pub mod page;
pub mod queue;
pub mod retry;
pub mod selection;
pub mod share;
pub mod strings;
pub mod text_rewrite;
pub mod token;
pub mod url;
