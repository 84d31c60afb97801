//! What can go wrong in the store, typed: the database's own error (kept whole, with the
//! statement it came from), a column that is not what the code reads (a schema drift),
//! or stored data the store cannot read back. The HTTP layer logs these and answers
//! anonymous clients without them.

use std::fmt;
use std::sync::Arc;

/// A storage failure.
///
/// ```
/// use lanterne_collector::store::error::StoreError;
/// let e = StoreError::Column { column: "depth".into(), wanted: "an integer" };
/// assert_eq!(e.to_string(), "column depth is not an integer");
/// ```
#[derive(Clone, Debug)]
pub enum StoreError {
    /// SQLite's error.
    Sqlite(Arc<rusqlite::Error>),
    /// PostgreSQL's error, and the start of the statement that failed.
    Postgres {
        /// The driver's error.
        error: Arc<postgres::Error>,
        /// The start of the statement that failed.
        statement: String,
    },
    /// A column missing from a row, or not of the type read.
    Column {
        /// The column's name.
        column: String,
        /// What the code read it as ("a whole number", "a text", "bytes").
        wanted: &'static str,
    },
    /// An event the store cannot keep (what is wrong with it): the HTTP layer validates
    /// events against the schema first, so only a direct caller sees this.
    Invalid(String),
    /// Stored data that cannot be read back (what, and why).
    Corrupt(String),
    /// A group commit ended without writing this batch (a bug: never acknowledged).
    Unwritten,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "SQLite: {e}"),
            StoreError::Postgres { error, statement } => {
                write!(f, "PostgreSQL: {error}")?;
                if let Some(cause) = std::error::Error::source(&**error) {
                    write!(f, ": {cause}")?;
                }
                if !statement.is_empty() {
                    write!(f, " (in {statement})")?;
                }
                Ok(())
            }
            StoreError::Column { column, wanted } => write!(f, "column {column} is not {wanted}"),
            StoreError::Invalid(what) => write!(f, "not stored: {what}"),
            StoreError::Corrupt(what) => write!(f, "stored data unreadable: {what}"),
            StoreError::Unwritten => f.write_str("a batch was left unwritten"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Sqlite(e) => Some(&**e),
            StoreError::Postgres { error, .. } => Some(&**error),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Sqlite(Arc::new(e))
    }
}

impl StoreError {
    /// PostgreSQL's error `e` from the statement `sql` (its first 200 characters).
    pub fn postgres(e: postgres::Error, sql: &str) -> StoreError {
        let statement: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        StoreError::Postgres {
            error: Arc::new(e),
            statement: statement.chars().take(200).collect(),
        }
    }
}

/// A store result.
pub type Result<T> = std::result::Result<T, StoreError>;
