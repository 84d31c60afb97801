//! What a read asks for a page's share tree (`/report?tree=`): its shares, each under the
//! share of the page whose token its sharer arrived with, and their click-backs.

use crate::stats::Filter;
use crate::store::conn::{Conn, Query};
use crate::store::error::Result;
use crate::store::sql::range::{place, Span};
use std::collections::{HashMap, HashSet};

/// Most shares shown in a share tree.
pub const TREE_NODES: i64 = 500;
/// Deepest level of a share tree.
pub const TREE_LEVELS: i64 = 100;

/// One share of a page's share tree.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeNode {
    /// The share's order of storage.
    pub seq: i64,
    /// When it happened, in ms since the epoch.
    pub ts: i64,
    /// Its token.
    pub token: String,
    /// The token it re-shares, if any: its parent in the tree.
    pub parent: Option<String>,
    /// Its channel id.
    pub channel: String,
    /// Its click-backs (arrivals with its token, in the filter).
    pub arrivals: u64,
}

/// The share tree of `page` under `filter`: its shares, each under the share of the page
/// whose token its sharer arrived with (a parent that is not one is a root). At most
/// [`TREE_NODES`] shares, [`TREE_LEVELS`] deep, loops cut; in stored order. `more` is
/// true when the page has shares that were not read.
pub fn tree(conn: &mut dyn Conn, filter: &Filter, page: &str) -> Result<(Vec<TreeNode>, bool)> {
    if filter.page.as_deref().is_some_and(|p| p != page) {
        return Ok((Vec::new(), false));
    }
    let Some(span) = Span::of(filter) else {
        return Ok((Vec::new(), false));
    };
    let mut q = Query::new(conn);
    q.s("SELECT id, site FROM pages WHERE url = ").p(page);
    let Some(row) = q.rows(conn)?.into_iter().next() else {
        return Ok((Vec::new(), false));
    };
    let site = row.text("site")?;
    if filter.site.as_ref().is_some_and(|s| *s != site) {
        return Ok((Vec::new(), false));
    }
    let dialect = conn.dialect();
    let mut q = Query::new(conn);
    q.push(row.int("id")?);
    q.push(span.from);
    q.push(span.to);
    q.push(TREE_NODES + 1);
    // The page's shares in the filter, as a condition on alias `x`.
    let cond = |x: &str| {
        format!("{x}.page = $1 AND {x}.type IN ('share', 'copy') AND {x}.ts >= $2 AND {x}.ts <= $3")
    };
    // SQLite would rather read the page's every event than follow a token: its indexes
    // are named.
    let (by_token, by_parent) = (
        dialect.index_hint("events_token"),
        dialect.index_hint("events_parent"),
    );
    // A root: no share of the page (in the filter) has its parent token (none for a share
    // without a parent). `LIMIT 1` keeps PostgreSQL probing the token index share by
    // share, rather than hashing every share of the page first.
    q.s(&format!(
        "WITH RECURSIVE tree(seq, ts, token, parent, channel, lvl, path) AS (
          SELECT * FROM (SELECT s.seq, s.ts, s.token, s.parent, s.channel, 0, ',' || s.token || ',' FROM events s WHERE {s}
            AND NOT EXISTS (SELECT 1 FROM events p{by_token} WHERE p.token = s.parent AND {p} LIMIT 1)
            ORDER BY s.ts, s.seq LIMIT $4) r
          UNION ALL
          SELECT c.seq, c.ts, c.token, c.parent, c.channel, tree.lvl + 1, tree.path || c.token || ','
            FROM tree JOIN events c{by_parent} ON c.parent = tree.token AND {c}
            WHERE tree.lvl < {TREE_LEVELS} AND {find}(tree.path, ',' || c.token || ',') = 0{limit}
        ) SELECT seq, ts, token, parent, channel FROM tree LIMIT $4",
        s = cond("s"),
        p = cond("p"),
        c = cond("c"),
        find = dialect.find(),
        limit = dialect.recursion_limit("$4"),
    ));
    let rows = q.rows(conn)?;
    let more = rows.len() as i64 > TREE_NODES;
    let mut nodes = rows
        .iter()
        .take(TREE_NODES as usize)
        .map(|r| {
            Ok(TreeNode {
                seq: r.int("seq")?,
                ts: r.int("ts")?,
                token: r.text("token")?,
                parent: r.opt_text("parent")?,
                channel: r.text("channel")?,
                arrivals: 0,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // Their click-backs.
    let tokens: Vec<String> = nodes
        .iter()
        .map(|n| n.token.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut counts: HashMap<String, u64> = HashMap::new();
    for chunk in tokens.chunks(500) {
        let mut q = Query::new(conn);
        q.s("SELECT token, COUNT(*) AS n FROM events e WHERE type = 'arrival' AND ")
            .any("token", chunk)
            .s(" AND e.ts >= ")
            .p(span.from)
            .s(" AND e.ts <= ")
            .p(span.to);
        place(&mut q, filter);
        q.s(" GROUP BY token");
        for r in q.rows(conn)? {
            counts.insert(r.text("token")?, r.count("n")?);
        }
    }
    for n in &mut nodes {
        n.arrivals = counts.get(&n.token).copied().unwrap_or(0);
    }
    nodes.sort_by_key(|n| (n.ts, n.seq));
    Ok((nodes, more))
}
