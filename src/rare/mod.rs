//! The second wasm module, `lanterne_rare` (wasm32 only): what most pages never use,
//! loaded with `import()` by the first (`src/browser/lazy.rs`) where it is first
//! needed, and never on the copy path (docs/performance.md#size):
//!
//! - [`config`]: the words of a bad config's `Error`;
//! - [`clipboard`]: copy link's fallbacks where the Clipboard API is missing or refused,
//!   and the field that shows the link to copy by hand;
//! - [`orphans`]: the queue records other tabs left behind, taken in;
//! - [`markup`]: lanterne's markup built element by element where Trusted Types refuse
//!   HTML strings.
//!
//! The analytics tools' formats are a module of their own (`src/formats.rs`): a site that
//! names one loads them at every start, and should not load the rest of this with them.
//!
//! Its exported functions are only for the first module; both modules pass each other
//! plain JavaScript values.

pub mod clipboard;
pub mod config;
pub mod markup;
pub mod orphans;
