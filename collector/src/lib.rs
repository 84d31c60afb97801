//! `lanterne-collector`: the embedded default endpoint for lanterne.
//!
//! It validates events against the project's JSON Schema (`schema/event.schema.json`),
//! dedupes them on `id`, and answers `2xx` only once they are committed (SQLite, or
//! PostgreSQL for several collectors), so a client may forget an event as soon as it
//! sees the answer. The layers, each importing only those below it:
//!
//! - HTTP: [`http`] (with [`access`], [`sites`], [`validate`]) and [`report`];
//! - [`store`]: the interface the HTTP layer calls, the SQL, the databases;
//! - [`stats`]: what the numbers mean (types, rules, the in-memory reference), and
//!   [`pages`] (a page's identity).

#![warn(missing_docs)]

pub mod access;
pub mod http;
mod limiter;
pub mod pages;
pub mod report;
pub mod sites;
pub mod stats;
pub mod store;
pub mod validate;
