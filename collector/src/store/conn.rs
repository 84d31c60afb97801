//! One database connection, SQLite or PostgreSQL, as the SQL of `store::sql` sees it:
//! statements written once with `$1`-style parameters, rows read by column name, and the
//! few places the two databases differ as methods of the connection ([`Dialect`] for
//! what only changes a statement's text, [`Conn`] for what runs differently).

use crate::store::error::{Result, StoreError};
use std::collections::HashSet;
use std::fmt::Write;
use std::sync::Arc;

/// A value going into or coming out of SQL.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// SQL `NULL`.
    Null,
    /// A whole number (`INTEGER`, `BIGINT`).
    Int(i64),
    /// Text (`TEXT`).
    Text(String),
    /// Bytes (`BLOB`, `BYTEA`): event ids.
    Bytes(Vec<u8>),
    /// A list bound as one parameter (see [`Dialect::text_list`]).
    Texts(Vec<String>),
    /// A list of whole numbers bound as one parameter (PostgreSQL arrays).
    Ints(Vec<i64>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(v)
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(v.to_owned())
    }
}

impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(v)
    }
}

impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Val {
        v.map_or(Val::Null, Into::into)
    }
}

/// A row of a query's answer, read by column name: a missing column or one of another
/// type is an error ([`StoreError::Column`]), never a silent 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Val>,
}

impl Row {
    /// A row of `values` under the query's column `names`.
    pub fn new(names: Arc<[String]>, values: Vec<Val>) -> Row {
        Row { names, values }
    }

    fn get(&self, column: &str, wanted: &'static str) -> Result<&Val> {
        self.names
            .iter()
            .position(|n| n == column)
            .map(|i| &self.values[i])
            .ok_or_else(|| StoreError::Column {
                column: column.into(),
                wanted,
            })
    }

    fn wrong(column: &str, wanted: &'static str) -> StoreError {
        StoreError::Column {
            column: column.into(),
            wanted,
        }
    }

    /// A whole number.
    pub fn int(&self, column: &str) -> Result<i64> {
        self.opt_int(column)?
            .ok_or_else(|| Row::wrong(column, "a whole number"))
    }

    /// A whole number or NULL.
    pub fn opt_int(&self, column: &str) -> Result<Option<i64>> {
        match self.get(column, "a whole number")? {
            Val::Null => Ok(None),
            Val::Int(i) => Ok(Some(*i)),
            _ => Err(Row::wrong(column, "a whole number")),
        }
    }

    /// A count (a whole number, at least 0).
    pub fn count(&self, column: &str) -> Result<u64> {
        u64::try_from(self.int(column)?).map_err(|_| Row::wrong(column, "a count"))
    }

    /// A text.
    pub fn text(&self, column: &str) -> Result<String> {
        self.opt_text(column)?
            .ok_or_else(|| Row::wrong(column, "a text"))
    }

    /// A text or NULL.
    pub fn opt_text(&self, column: &str) -> Result<Option<String>> {
        match self.get(column, "a text")? {
            Val::Null => Ok(None),
            Val::Text(t) => Ok(Some(t.clone())),
            _ => Err(Row::wrong(column, "a text")),
        }
    }

    /// Bytes.
    pub fn bytes(&self, column: &str) -> Result<Vec<u8>> {
        match self.get(column, "bytes")? {
            Val::Bytes(b) => Ok(b.clone()),
            _ => Err(Row::wrong(column, "bytes")),
        }
    }
}

/// A column type of a bulk insert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Whole numbers ([`Val::Int`]; PostgreSQL's `BIGINT`).
    Int,
    /// Text ([`Val::Text`]).
    Text,
    /// Bytes ([`Val::Bytes`]; PostgreSQL's `BYTEA`).
    Bytes,
}

/// Many rows into one table: `INSERT INTO {table} ({columns}) … {tail}` (the tail an
/// `ON CONFLICT` clause, or empty).
pub struct Bulk<'a> {
    /// The table inserted into.
    pub table: &'a str,
    /// Its columns written, each with its type, in the order of each row's values.
    pub columns: &'a [(&'a str, Kind)],
    /// What follows the values: an `ON CONFLICT` clause, or empty.
    pub tail: &'a str,
}

/// What changes only the text of a statement between the databases.
pub trait Dialect: Sync {
    /// Byte-order comparison for `ORDER BY` (PostgreSQL's default is the locale's).
    fn byte_order(&self) -> &'static str;
    /// A table of one text column `value` from the list parameter `param` (bound as
    /// [`Dialect::text_list`]), aliased `alias`.
    fn list_table(&self, param: &str, alias: &str) -> String;
    /// A list of texts as one parameter.
    fn text_list(&self, items: &[String]) -> Val;
    /// A table of two text columns `a` and `b` holding `pairs`, aliased `alias`, and
    /// its parameters, numbered from `first`.
    fn text_pairs(
        &self,
        pairs: &[(String, String)],
        first: usize,
        alias: &str,
    ) -> (String, Vec<Val>);
    /// A table of three whole-number columns `a`, `b`, `c` holding `rows`, and its
    /// parameters, numbered from `first`.
    fn int_triples(
        &self,
        rows: &[(i64, i64, i64)],
        first: usize,
        alias: &str,
    ) -> (String, Vec<Val>);
    /// The columns of the token index: the first share of a token is the one with the
    /// lowest `seq` (SQLite's indexes end with the row's `seq` already).
    fn token_index(&self) -> &'static str;
    /// A join that gives, for each row of the tables before it, the events `e` whose
    /// `seq` the correlated query `inner` (selecting `seq`) finds, at most `limit` of
    /// them (PostgreSQL: a lateral join; SQLite has none, and probes the subquery).
    fn join_up_to(&self, inner: &str, limit: u32) -> String;
    /// A query with a row when the table `$1` has the column `$2`.
    fn column_exists(&self) -> &'static str;
    /// A hint that a query read `index` (SQLite's planner sometimes prefers a worse one).
    fn index_hint(&self, index: &str) -> String;
    /// What stops a recursive query's recursion after `param` rows (SQLite; PostgreSQL
    /// takes no limit there).
    fn recursion_limit(&self, param: &str) -> String;
    /// The position of a text in another (`instr`, `strpos`).
    fn find(&self) -> &'static str;
    /// The DDL type of the events table's key, `seq`.
    fn seq_type(&self) -> &'static str;
    /// The DDL type of bytes (`BLOB`, `BYTEA`).
    fn bytes_type(&self) -> &'static str;
    /// What makes `table`'s `seq` continue after rows inserted with their own.
    fn continue_seq(&self, table: &str) -> String;
    /// What follows a `CREATE TABLE` of a table keyed by its primary key.
    fn clustered(&self) -> &'static str;
}

/// One database connection (or transaction), SQLite or PostgreSQL.
pub trait Conn {
    /// The rows of a query.
    fn rows(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>>;
    /// Runs a statement; how many rows it changed.
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64>;
    /// Runs several statements without parameters.
    fn batch(&mut self, sql: &str) -> Result<()>;
    /// What changes the text of statements.
    fn dialect(&self) -> &'static dyn Dialect;
    /// Whether `table` has `column`.
    fn has_column(&mut self, table: &str, column: &str) -> Result<bool> {
        let sql = self.dialect().column_exists();
        Ok(!self
            .rows(sql, &[Val::from(table), Val::from(column)])?
            .is_empty())
    }
    /// Inserts many rows (SQLite: one prepared statement each; PostgreSQL: one statement
    /// of arrays for thousands).
    fn insert_many(&mut self, bulk: &Bulk, rows: &[Vec<Val>]) -> Result<()>;
    /// Which of `ids` the events table holds already.
    fn stored_ids(&mut self, ids: &[[u8; 16]]) -> Result<HashSet<[u8; 16]>>;
    /// Keeps other writers out of what an insert derives until the transaction ends
    /// (PostgreSQL: several collectors on one database; SQLite has one writer).
    fn lock_derived(&mut self) -> Result<()>;
}

/// A query being written: SQL with numbered parameters, for one connection's dialect.
pub struct Query {
    dialect: &'static dyn Dialect,
    /// The SQL written so far, its parameters as `$1`, `$2`…
    pub sql: String,
    /// The parameters' values, in order: `params[0]` is `$1`.
    pub params: Vec<Val>,
}

impl Query {
    /// An empty query for `conn`'s dialect.
    pub fn new(conn: &dyn Conn) -> Query {
        Query {
            dialect: conn.dialect(),
            sql: String::new(),
            params: Vec::new(),
        }
    }
    /// SQL text; `{C}` is byte-order collation.
    pub fn s(&mut self, sql: &str) -> &mut Query {
        if sql.contains("{C}") {
            self.sql
                .push_str(&sql.replace("{C}", self.dialect.byte_order()));
        } else {
            self.sql.push_str(sql);
        }
        self
    }
    /// A parameter.
    pub fn p(&mut self, v: impl Into<Val>) -> &mut Query {
        self.params.push(v.into());
        let _ = write!(self.sql, "${}", self.params.len());
        self
    }
    /// The next parameter's placeholder, once pushed with [`Query::push`].
    pub fn next(&self) -> String {
        format!("${}", self.params.len() + 1)
    }
    /// Pushes a parameter without writing it.
    pub fn push(&mut self, v: impl Into<Val>) {
        self.params.push(v.into());
    }
    /// `column IN (…)`: a list of texts, as one parameter (so the statement is the same
    /// whatever the list's length, prepared once).
    pub fn any(&mut self, column: &str, items: &[String]) -> &mut Query {
        if items.is_empty() {
            return self.s("1 = 0");
        }
        let table = self.dialect.list_table(&self.next(), "l");
        let list = self.dialect.text_list(items);
        self.s(column)
            .s(&format!(" IN (SELECT l.value FROM {table})"));
        self.push(list);
        self
    }
    /// Runs the query.
    pub fn rows(&self, conn: &mut dyn Conn) -> Result<Vec<Row>> {
        conn.rows(&self.sql, &self.params)
    }
    /// Runs the statement.
    pub fn exec(&self, conn: &mut dyn Conn) -> Result<u64> {
        conn.exec(&self.sql, &self.params)
    }
}
