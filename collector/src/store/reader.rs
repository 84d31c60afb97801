//! A consistent snapshot of the database, read through typed questions: what the report
//! shows is read in one transaction, so its parts agree.

use crate::stats::{Filter, Stats};
use crate::store::conn::Conn;
use crate::store::error::Result;
use crate::store::sql;
pub use crate::store::sql::stats::Totals;
pub use crate::store::sql::trees::TreeNode;

/// The questions a read may ask, on one snapshot (`Store::read`).
///
/// ```
/// use lanterne_collector::{stats::Filter, store::Store};
/// let store = Store::open_in_memory().unwrap();
/// let (stats, any) = store.read(|r| Ok((r.stats(&Filter::default())?, r.any_events()?))).unwrap();
/// assert_eq!((stats.shares, any), (0, false));
/// ```
pub struct Reader<'a> {
    conn: &'a mut dyn Conn,
}

impl<'a> Reader<'a> {
    /// A reader on the connection of a read transaction.
    pub fn new(conn: &'a mut dyn Conn) -> Reader<'a> {
        Reader { conn }
    }

    /// `/api/stats` for `filter`.
    pub fn stats(&mut self, filter: &Filter) -> Result<Stats> {
        sql::stats::stats(self.conn, filter)
    }

    /// The headline numbers of `filter` (the report's previous period).
    pub fn totals(&mut self, filter: &Filter) -> Result<Totals> {
        sql::stats::totals(self.conn, filter)
    }

    /// The share tree of `page` under `filter`, and whether it was cut.
    pub fn tree(&mut self, filter: &Filter, page: &str) -> Result<(Vec<TreeNode>, bool)> {
        sql::trees::tree(self.conn, filter, page)
    }

    /// Whether any event is stored at all.
    pub fn any_events(&mut self) -> Result<bool> {
        sql::stats::any_events(self.conn)
    }
}
