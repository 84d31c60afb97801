//! What a database must give the store: transactions, each running some work on a
//! connection ([`crate::store::conn::Conn`]). Everything else (inserting, reading stats,
//! exporting, retention) is written once over that, in `store::sql`.

use crate::store::conn::Conn;
use crate::store::error::Result;

/// What a transaction may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A consistent snapshot, read-only; never holds up writes.
    Read,
    /// Writes, committed when the work returns `Ok` (rolled back otherwise).
    Write,
    /// No transaction around the work, which opens its own (a migration, in chunks
    /// that each commit), with other collectors' maintenance kept out.
    Maintenance,
}

/// A database: SQLite (`store::sqlite`) or PostgreSQL (`store::postgres`).
pub trait Backend: Send + Sync {
    /// Runs `work` in one transaction.
    fn transaction(
        &self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Conn) -> Result<()>,
    ) -> Result<()>;
}
