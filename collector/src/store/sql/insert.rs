//! Storing batches of events in one transaction: ids already stored are skipped (delivery
//! is at-least-once), each page gets its row in `pages` once, new shares' depths are
//! derived before they are written (`derive.rs`), and the daily tables get one upsert per
//! key (`daily.rs`). On PostgreSQL all of it runs under the derivation lock, so several
//! collectors on one database take turns.

use crate::store::conn::{Bulk, Conn, Kind, Query, Val};
use crate::store::error::{Result, StoreError};
use crate::store::event::{Event, Stored};
use crate::store::sql::daily::Deltas;
use crate::store::sql::derive::derive;
use std::collections::{HashMap, HashSet};

/// A page's row: its id in `pages`, and the title stored with it (events with the same
/// title store none of their own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRow {
    /// Its id in `pages`, which events refer to.
    pub id: i64,
    /// The title stored with the page (its first event's).
    pub title: String,
}

/// Pages known to be stored, by page key (ids never change: a collector keeps them).
pub type KnownPages = HashMap<String, PageRow>;

/// What a transaction stored: each batch's counts, and the pages it found or added (to
/// remember once it is committed).
pub struct Inserted {
    /// Each batch's counts, in the order of the batches.
    pub batches: Vec<Stored>,
    /// The pages the transaction found or added.
    pub pages: KnownPages,
}

/// The `pages` rows of `events`' pages, adding those not stored yet.
pub fn pages_of(conn: &mut dyn Conn, events: &[&Event], known: &KnownPages) -> Result<KnownPages> {
    let mut wanted: Vec<&Event> = Vec::new();
    let mut seen = HashSet::new();
    for e in events {
        if !known.contains_key(&e.page) && seen.insert(e.page.as_str()) {
            wanted.push(e);
        }
    }
    let mut found = KnownPages::new();
    if wanted.is_empty() {
        return Ok(found);
    }
    let urls: Vec<String> = wanted.iter().map(|e| e.page.clone()).collect();
    let read = |conn: &mut dyn Conn, found: &mut KnownPages| -> Result<()> {
        for chunk in urls.chunks(5_000) {
            let mut q = Query::new(conn);
            q.s("SELECT id, url, title FROM pages WHERE ")
                .any("url", chunk);
            for r in q.rows(conn)? {
                found.insert(
                    r.text("url")?,
                    PageRow {
                        id: r.int("id")?,
                        title: r.text("title")?,
                    },
                );
            }
        }
        Ok(())
    };
    read(conn, &mut found)?;
    let missing: Vec<Vec<Val>> = wanted
        .iter()
        .filter(|e| !found.contains_key(&e.page))
        .map(|e| {
            vec![
                Val::Text(e.page.clone()),
                Val::Text(e.site.clone()),
                Val::Text(e.title.clone()),
            ]
        })
        .collect();
    if !missing.is_empty() {
        conn.insert_many(
            &Bulk {
                table: "pages",
                columns: &[
                    ("url", Kind::Text),
                    ("site", Kind::Text),
                    ("title", Kind::Text),
                ],
                tail: "ON CONFLICT (url) DO NOTHING",
            },
            &missing,
        )?;
        read(conn, &mut found)?;
    }
    Ok(found)
}

/// The columns of the events table an insert writes.
const EVENT_COLUMNS: &[(&str, Kind)] = &[
    ("id", Kind::Bytes),
    ("type", Kind::Text),
    ("channel", Kind::Text),
    ("token", Kind::Text),
    ("parent", Kind::Text),
    ("page", Kind::Int),
    ("title", Kind::Text),
    ("ts", Kind::Int),
    ("referrer", Kind::Text),
    ("chars", Kind::Int),
    ("received_at", Kind::Int),
    ("depth", Kind::Int),
    ("dup", Kind::Int),
    ("extra", Kind::Text),
];

/// The events table's row of `e` on page `page`, received at `now`.
pub fn event_row(e: &Event, page: &PageRow, now: i64) -> Vec<Val> {
    vec![
        Val::Bytes(e.id.to_vec()),
        Val::Text(e.kind.clone()),
        Val::Text(e.channel.clone()),
        Val::Text(e.token.clone()),
        e.parent.clone().into(),
        Val::Int(page.id),
        // The page's title is stored once, with the page.
        (e.title != page.title).then(|| e.title.clone()).into(),
        Val::Int(e.ts),
        e.referrer.clone().into(),
        e.chars.into(),
        Val::Int(now),
        e.depth.into(),
        e.dup.into(),
        e.extra.clone().into(),
    ]
}

/// Inserts `rows` (from [`event_row`]) into `table`, with their `seq` when `with_seq`.
pub fn insert_rows(
    conn: &mut dyn Conn,
    table: &str,
    rows: &[Vec<Val>],
    with_seq: bool,
) -> Result<()> {
    let mut columns = Vec::new();
    if with_seq {
        columns.push(("seq", Kind::Int));
    }
    columns.extend_from_slice(EVENT_COLUMNS);
    conn.insert_many(
        &Bulk {
            table,
            columns: &columns,
            tail: "",
        },
        rows,
    )
}

/// Stores `batches` (in order) in the transaction of `conn`; `known` are pages known to
/// be stored.
pub fn insert(
    conn: &mut dyn Conn,
    batches: &[&[Event]],
    now: i64,
    known: &KnownPages,
) -> Result<Inserted> {
    conn.lock_derived()?;
    let ids: Vec<[u8; 16]> = batches
        .iter()
        .flat_map(|b| b.iter().map(|e| e.id))
        .collect();
    let stored = conn.stored_ids(&ids)?;
    // Each new id once, at its first place (a repeated id is a duplicate).
    let mut seen: HashSet<[u8; 16]> = HashSet::new();
    let mut new: Vec<Event> = Vec::new();
    let mut answers = Vec::with_capacity(batches.len());
    for batch in batches {
        let before = new.len();
        for e in batch.iter() {
            if !stored.contains(&e.id) && seen.insert(e.id) {
                new.push(e.clone());
            }
        }
        let n = new.len() - before;
        answers.push(Stored {
            stored: n,
            duplicates: batch.len() - n,
        });
    }
    let refs: Vec<&Event> = new.iter().collect();
    let pages = pages_of(conn, &refs, known)?;

    // Every new share goes through the derivation, in order: the first share stored with
    // a token is the one its children hang from, with or without a parent of its own.
    let mut deltas = Deltas::default();
    let mut shares: Vec<Event> = Vec::new();
    let mut at: Vec<usize> = Vec::new();
    for (i, e) in new.iter().enumerate() {
        deltas.event(e);
        if e.kind == "share" || e.kind == "copy" {
            shares.push(e.clone());
            at.push(i);
        }
    }
    derive(conn, &mut shares, false, Some(&mut deltas))?;
    for (share, i) in shares.into_iter().zip(at) {
        new[i] = share;
    }

    let rows = new
        .iter()
        .map(|e| {
            let page = pages.get(&e.page).or_else(|| known.get(&e.page));
            page.map(|page| event_row(e, page, now))
                .ok_or_else(|| StoreError::Corrupt(format!("no row in pages for {}", e.page)))
        })
        .collect::<Result<Vec<_>>>()?;
    insert_rows(conn, "events", &rows, false)?;
    deltas.apply(conn)?;
    Ok(Inserted {
        batches: answers,
        pages,
    })
}
