//! The SQL, by concern, written once for SQLite and PostgreSQL over [`crate::store::conn::Conn`]:
//!
//! - [`schema`]: the tables and the migrations;
//! - what an insert does: [`insert`] (the transaction), [`derive`](mod@derive) (chain depths and
//!   dups), [`daily`] (the daily tables stats are read from);
//! - what a read asks: [`stats`], [`sourceless`], [`trees`], [`events`] (the events as
//!   received: recent, by id, exports), over [`range`] (a filter's days and edges).

pub mod daily;
pub mod derive;
pub mod events;
pub mod insert;
pub mod range;
pub mod schema;
pub mod sourceless;
pub mod stats;
pub mod trees;
