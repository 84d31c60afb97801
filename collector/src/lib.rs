//! `lanterne-collector`: the embedded default endpoint for lanterne (SPEC §8).
//!
//! It validates events against the project's JSON Schema (`schema/event.schema.json`),
//! dedupes them on `id`, and answers `2xx` only once they are committed to SQLite, so a
//! client may forget an event as soon as it sees the answer.

pub mod access;
pub mod group_commit;
pub mod http;
pub mod landings;
mod limiter;
pub mod pages;
pub mod postgres;
pub mod queries;
pub mod report;
pub mod sites;
pub mod stats;
pub mod store;
pub mod validate;
