//! What an insert derives, before it writes (docs/stats.md#stats): each new share's chain
//! `depth` (0 without a parent, else one more than the first stored share whose token is
//! its parent, 1 when there is none: an address-bar token) and `dup` (1 when another
//! share of the same channel has the same parent: those few are counted exactly, for
//! `sharers`). A new share can change stored ones: it makes a stored sibling a dup, or it
//! is the late parent of shares stored before it, whose subtree it renumbers. Those are
//! the only rows an insert updates; everything else is written once, right.

use crate::store::conn::{Conn, Query, Row};
use crate::store::error::Result;
use crate::store::event::Event;
use crate::store::sql::daily::Deltas;
use std::collections::{HashMap, HashSet};

/// Most shares whose depth one batch may change (a late parent re-numbers its subtree).
const CASCADE_MAX: usize = 100_000;

/// The columns of a stored share as the derivation reads it (`events e` joined with its
/// page `p`).
pub const SHARE_COLUMNS: &str = "e.seq AS seq, e.token AS token, e.parent AS parent, e.type AS type, e.channel AS channel, p.url AS url, p.site AS site, e.ts AS ts, e.depth AS depth, e.dup AS dup";

/// A stored share as [`SHARE_COLUMNS`] read it.
pub fn share_of(r: &Row) -> Result<Event> {
    Ok(Event {
        seq: r.int("seq")?,
        token: r.text("token")?,
        parent: r.opt_text("parent")?,
        kind: r.text("type")?,
        channel: r.text("channel")?,
        page: r.text("url")?,
        site: r.text("site")?,
        ts: r.int("ts")?,
        depth: r.opt_int("depth")?,
        dup: r.opt_int("dup")?,
        ..Event::default()
    })
}

/// Processed shares (`depth` known) whose parent is one of `tokens`.
fn children(conn: &mut dyn Conn, tokens: &[String]) -> Result<Vec<Event>> {
    let mut out = Vec::new();
    for chunk in tokens.chunks(5_000) {
        let mut q = Query::new(conn);
        q.s(&format!(
            "SELECT {SHARE_COLUMNS} FROM events e JOIN pages p ON p.id = e.page WHERE "
        ))
        .any("e.parent", chunk)
        .s(" AND e.type IN ('share', 'copy') AND e.depth IS NOT NULL");
        for r in q.rows(conn)? {
            out.push(share_of(&r)?);
        }
    }
    Ok(out)
}

/// The first processed share (lowest seq) with each of `tokens`, if any: one index probe
/// each, however many events carry the token.
fn first_shares(conn: &mut dyn Conn, tokens: &[String]) -> Result<Vec<Event>> {
    let mut out = Vec::new();
    for chunk in tokens.chunks(5_000) {
        let mut q = Query::new(conn);
        let list = conn.dialect().list_table("$1", "t");
        let first = conn.dialect().join_up_to(
            "SELECT s.seq FROM events s WHERE s.token = t.value AND s.type IN ('share', 'copy') AND s.depth IS NOT NULL ORDER BY s.seq",
            1,
        );
        q.s(&format!(
            "SELECT {SHARE_COLUMNS} FROM {list} {first} JOIN pages p ON p.id = e.page"
        ));
        q.push(conn.dialect().text_list(chunk));
        for r in q.rows(conn)? {
            out.push(share_of(&r)?);
        }
    }
    Ok(out)
}

/// Up to two processed shares of each (channel, parent) group.
fn group_members(conn: &mut dyn Conn, groups: &[(String, String)]) -> Result<Vec<Event>> {
    let mut out = Vec::new();
    for chunk in groups.chunks(5_000) {
        let dialect = conn.dialect();
        let (pairs, params) = dialect.text_pairs(chunk, 1, "k");
        let members = dialect.join_up_to(
            "SELECT s.seq FROM events s WHERE s.channel = k.a AND s.parent = k.b AND s.type IN ('share', 'copy') AND s.depth IS NOT NULL",
            2,
        );
        let mut q = Query::new(conn);
        q.s(&format!(
            "SELECT {SHARE_COLUMNS} FROM {pairs} {members} JOIN pages p ON p.id = e.page"
        ));
        for p in params {
            q.push(p);
        }
        for r in q.rows(conn)? {
            out.push(share_of(&r)?);
        }
    }
    Ok(out)
}

/// Where a share's canonical parent is: the first stored share with the token.
#[derive(Clone, Copy, Debug)]
enum Node {
    /// A stored share that keeps its depth.
    Fixed(i64),
    /// A node of this derivation (a new share, or a stored one whose depth may change).
    Open(usize),
}

/// Sets the depth and `dup` of `new` shares (in stored order, depth unknown), changing
/// stored shares they re-number or make dups, and records the changes to the daily
/// tables in `deltas` (none during a migration, which rebuilds them after).
pub fn derive(
    conn: &mut dyn Conn,
    new: &mut [Event],
    stored: bool,
    mut deltas: Option<&mut Deltas>,
) -> Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    let n_new = new.len();
    let new_shares = new;
    // The nodes: the new shares, then stored shares under them.
    let mut nodes: Vec<Event> = new_shares.to_vec();

    // Canonical shares of every token involved: the stored one with the lowest seq, else
    // the first new one.
    let mut wanted: Vec<String> = nodes
        .iter()
        .flat_map(|s| std::iter::once(s.token.clone()).chain(s.parent.clone()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    wanted.sort();
    let mut canon: HashMap<String, (i64, Node)> = HashMap::new();
    for row in first_shares(conn, &wanted)? {
        canon.insert(
            row.token.clone(),
            (row.seq, Node::Fixed(row.depth.unwrap_or(0))),
        );
    }
    let mut frontier: Vec<String> = Vec::new();
    for (i, s) in nodes.iter().enumerate() {
        if canon.contains_key(&s.token) {
            continue;
        }
        if s.parent.is_none() {
            // A share without a parent is at depth 0 for good: stored shares under such
            // a late root were counted under an address-bar token, at the same depths
            // (1, 2, …) it gives them, so there is nothing below it to renumber.
            canon.insert(s.token.clone(), (s.seq, Node::Fixed(0)));
        } else {
            canon.insert(s.token.clone(), (s.seq, Node::Open(i)));
            frontier.push(s.token.clone());
        }
    }

    // Stored shares of the same channel and parent as new ones (two at most: if there are
    // two, they are dups already), and stored shares under new canonical shares (a parent
    // stored after its children).
    let mut groups: Vec<(String, String)> = nodes[..n_new]
        .iter()
        .filter_map(|s| s.parent.clone().map(|p| (s.channel.clone(), p)))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    groups.sort();
    let mut siblings: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let mut index_of: HashMap<i64, usize> = HashMap::new();
    for row in group_members(conn, &groups)? {
        let key = (row.channel.clone(), row.parent.clone().unwrap_or_default());
        let i = *index_of.entry(row.seq).or_insert_with(|| {
            nodes.push(row);
            nodes.len() - 1
        });
        siblings.entry(key).or_default().push(i);
    }
    frontier.sort();
    let mut under: Vec<usize> = Vec::new();
    for row in children(conn, &frontier)? {
        let i = *index_of.entry(row.seq).or_insert_with(|| {
            nodes.push(row);
            nodes.len() - 1
        });
        under.push(i);
    }
    // Down the subtrees of new canonical shares, as far as stored shares are canonical.
    let mut collected = 0usize;
    while !under.is_empty() && collected < CASCADE_MAX {
        collected += under.len();
        let tokens: Vec<String> = under
            .iter()
            .map(|&i| nodes[i].token.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for row in first_shares(conn, &tokens)? {
            canon
                .entry(row.token.clone())
                .or_insert((row.seq, Node::Fixed(row.depth.unwrap_or(0))));
        }
        let mut next_tokens = Vec::new();
        for &i in &under {
            let token = nodes[i].token.clone();
            if let Some(entry) = canon.get_mut(&token) {
                if entry.0 == nodes[i].seq && matches!(entry.1, Node::Fixed(_)) {
                    entry.1 = Node::Open(i);
                    next_tokens.push(token);
                }
            }
        }
        next_tokens.sort();
        next_tokens.dedup();
        under.clear();
        for row in children(conn, &next_tokens)? {
            if index_of.contains_key(&row.seq) {
                continue;
            }
            nodes.push(row);
            let i = nodes.len() - 1;
            index_of.insert(nodes[i].seq, i);
            under.push(i);
        }
    }

    // Depths of the open nodes, walking up to a root, a fixed share or a loop (which ends
    // where it closes), each node once.
    let mut depth: Vec<Option<i64>> = vec![None; nodes.len()];
    for start in 0..nodes.len() {
        let mut path: Vec<usize> = Vec::new();
        let mut on_path = HashSet::new();
        let mut current = start;
        // The depth of the last node of the path.
        let top = loop {
            if let Some(d) = depth[current] {
                // `current` is the parent of the path's last node.
                break if path.is_empty() { d } else { d + 1 };
            }
            if !on_path.insert(current) {
                break 0;
            }
            path.push(current);
            match nodes[current].parent.as_ref().map(|p| canon.get(p)) {
                None => break 0,
                Some(None) => break 1,
                Some(Some((_, Node::Fixed(d)))) => break d + 1,
                Some(Some((_, Node::Open(j)))) => current = *j,
            }
        };
        for (k, &node) in path.iter().rev().enumerate() {
            depth[node] = Some(top + k as i64);
        }
    }

    // Dups: a parent shared more than once on one channel.
    let mut groups: HashMap<(String, String), Vec<usize>> = siblings;
    for (i, s) in nodes[..n_new].iter().enumerate() {
        if let Some(parent) = &s.parent {
            groups
                .entry((s.channel.clone(), parent.clone()))
                .or_default()
                .push(i);
        }
    }
    let mut dup: Vec<i64> = nodes.iter().map(|s| s.dup.unwrap_or(0)).collect();
    dup[..n_new].fill(0);
    for members in groups.values() {
        let mut members = members.clone();
        members.sort_unstable();
        members.dedup();
        if members.len() > 1 {
            for &i in &members {
                dup[i] = 1;
            }
        }
    }

    // The new shares' values, and updates of the stored ones that changed (of the new
    // ones too, when they are stored already: a migration).
    let mut writes: Vec<(i64, i64, i64)> = Vec::new();
    for (i, s) in nodes.iter_mut().enumerate() {
        let d = depth[i].unwrap_or(0);
        let new = i < n_new;
        let stale = (stored || !new) && (s.depth != Some(d) || s.dup != Some(dup[i]));
        if !new && !stale {
            continue;
        }
        if let Some(deltas) = deltas.as_deref_mut() {
            // A stored share leaves the counts it was in; a new one was in none.
            if !new {
                deltas.share(s, -1);
            }
        }
        s.depth = Some(d);
        s.dup = Some(dup[i]);
        if new {
            new_values(new_shares, i, d, dup[i]);
        }
        if let Some(deltas) = deltas.as_deref_mut() {
            deltas.share(s, 1);
        }
        if stale {
            writes.push((s.seq, d, dup[i]));
        }
    }
    set_derived(conn, &writes)
}

fn new_values(new: &mut [Event], i: usize, depth: i64, dup: i64) {
    new[i].depth = Some(depth);
    new[i].dup = Some(dup);
}

/// Writes changed depths and dups of stored shares.
fn set_derived(conn: &mut dyn Conn, writes: &[(i64, i64, i64)]) -> Result<()> {
    if writes.is_empty() {
        return Ok(());
    }
    for chunk in writes.chunks(5_000) {
        let (table, params) = conn.dialect().int_triples(chunk, 1, "v");
        conn.exec(
            &format!(
                "UPDATE events SET depth = v.b, dup = v.c FROM {table} WHERE events.seq = v.a"
            ),
            &params,
        )?;
    }
    Ok(())
}
