//! What a read asks of the events themselves: the newest, one by id, an export's pages,
//! the count. Each event comes back as it was received (`store::event`).

use crate::stats::Filter;
use crate::store::conn::{Conn, Query, Row, Val};
use crate::store::error::{Result, StoreError};
use crate::store::event::Event;
use crate::store::sql::range::place;

/// The columns of a stored event (`events e` joined with its page `p`).
const EVENT: &str = "SELECT e.seq AS seq, e.id AS id, e.type AS type, e.channel AS channel, e.token AS token, e.parent AS parent,
    p.url AS url, p.site AS site, COALESCE(e.title, p.title) AS title, e.ts AS ts, e.referrer AS referrer, e.chars AS chars,
    e.depth AS depth, e.dup AS dup, e.extra AS extra FROM events e JOIN pages p ON p.id = e.page";

/// A stored event as [`EVENT`] reads it.
fn event_of(r: &Row) -> Result<Event> {
    Ok(Event {
        seq: r.int("seq")?,
        id: r.bytes("id")?.try_into().map_err(|_| StoreError::Column {
            column: "id".into(),
            wanted: "16 bytes",
        })?,
        kind: r.text("type")?,
        channel: r.text("channel")?,
        token: r.text("token")?,
        parent: r.opt_text("parent")?,
        page: r.text("url")?,
        site: r.text("site")?,
        title: r.text("title")?,
        ts: r.int("ts")?,
        referrer: r.opt_text("referrer")?,
        chars: r.opt_int("chars")?,
        depth: r.opt_int("depth")?,
        dup: r.opt_int("dup")?,
        extra: r.opt_text("extra")?,
    })
}

/// The event of a row, as received.
fn json_of(r: &Row) -> Result<serde_json::Value> {
    event_of(r)?.to_json().map_err(StoreError::Corrupt)
}

/// The newest `limit` events, newest first, as received.
pub fn recent(conn: &mut dyn Conn, limit: usize) -> Result<Vec<serde_json::Value>> {
    let rows = conn.rows(
        &format!("{EVENT} ORDER BY e.seq DESC LIMIT $1"),
        &[Val::Int(limit as i64)],
    )?;
    rows.iter().map(json_of).collect()
}

/// The stored event with this id, if any.
pub fn get(conn: &mut dyn Conn, id: &[u8; 16]) -> Result<Option<serde_json::Value>> {
    let rows = conn.rows(
        &format!("{EVENT} WHERE e.id = $1"),
        &[Val::Bytes(id.to_vec())],
    )?;
    rows.first().map(json_of).transpose()
}

/// How many events are stored.
pub fn count(conn: &mut dyn Conn) -> Result<u64> {
    conn.rows("SELECT COUNT(*) AS n FROM events", &[])?[0].count("n")
}

/// A page of an export: up to `limit` events of the filter after `after` (their
/// `(ts, seq)`), oldest first: `(ts, seq, the event as received)`.
pub fn export_page(
    conn: &mut dyn Conn,
    filter: &Filter,
    after: Option<(i64, i64)>,
    limit: i64,
) -> Result<Vec<(i64, i64, String)>> {
    let mut q = Query::new(conn);
    // After `after`: from its time on (an index seek), past its seq at that time.
    let from = filter.from.unwrap_or(i64::MIN);
    let from = after.map_or(from, |(ts, _)| ts.max(from));
    q.s(EVENT)
        .s(" WHERE e.ts >= ")
        .p(from)
        .s(" AND e.ts <= ")
        .p(filter.to.unwrap_or(i64::MAX));
    if let Some((ts, seq)) = after {
        q.s(" AND (e.ts > ").p(ts).s(" OR e.seq > ").p(seq).s(")");
    }
    place(&mut q, filter);
    q.s(" ORDER BY e.ts, e.seq LIMIT ").p(limit);
    q.rows(conn)?
        .iter()
        .map(|r| Ok((r.int("ts")?, r.int("seq")?, json_of(r)?.to_string())))
        .collect()
}
