//! The durable queue's bookkeeping (docs/events.md#delivery): which events wait, in what
//! order, within what bounds, what the next batch is, and the storage record that carries
//! them over to the next page. The browser layer does the rest: it writes
//! [`Queue::record`] to `localStorage["lanterne:queue:<tab>"]`, holds the tab's Web Lock
//! while there is one, reads the records of closed tabs (with the browser's `JSON.parse`)
//! and hands them to [`Queue::adopt`] as [`Record`]s, and sends the batches.
//!
//! Sizes are UTF-8 bytes of each event's JSON, which is what goes over the network. (The
//! JavaScript queue of earlier releases counted UTF-16 code units, as `String.length` does;
//! both bound the same storage to within a factor of three, and a record either release
//! wrote is read by the other.)

use super::chars::cat;
use super::event::Event;
use super::json::{push_key, push_str, push_u64};
use crate::prelude::*;

/// The storage key of a tab's queue record: this, then the tab's 8 characters.
pub const RECORD_PREFIX: &str = "lanterne:queue:";

/// Without Web Locks, a record untouched for this long (ms) is taken to be left behind (a
/// live tab rewrites its record at every attempt).
pub const ORPHAN_MS: u64 = 10 * 60 * 1000;

/// The name of the Web Lock a tab holds while its record (storage key `key`) has events.
///
/// ```
/// assert_eq!(lanterne::core::queue::lock_name("lanterne:queue:ab12cd34"), "lanterne:tab:ab12cd34");
/// ```
pub fn lock_name(key: &str) -> String {
    cat(&[
        "lanterne:tab:",
        key.get(RECORD_PREFIX.len()..).unwrap_or(""),
    ])
}

/// One queued event: its id and its JSON as it will be sent (for an event adopted from
/// storage, the JSON as stored, so fields a newer version added survive). The queue needs
/// nothing else of an event; the formats that rewrite events read them back from the JSON
/// (`crate::core::adapter`).
///
/// ```
/// use lanterne::core::queue::Queued;
/// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
/// # let event = Event { id: "e1".into(), kind: EventKind::Share, channel: Some(Channel::Email),
/// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
/// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
/// let queued = Queued::of(&event);
/// assert_eq!(queued.id, "e1");
/// assert!(queued.json.starts_with(r#"{"v":1,"id":"e1""#));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    /// The event's id (receivers dedupe on it; so does the queue).
    pub id: String,
    /// Its JSON object, sent as it is in lanterne's format and kept in the storage record.
    pub json: String,
}

impl Queued {
    /// An event as it is queued.
    pub fn of(event: &Event) -> Queued {
        Queued {
            id: event.id.clone(),
            json: event.to_json(),
        }
    }
}

/// A queued event and whether a beacon took it in this page view.
#[derive(Clone, Debug)]
struct Slot {
    queued: Queued,
    /// Its JSON as a JSON string, as the record holds it: written once, when queued, not
    /// at every save (a save is on the copy listener's path).
    stored: String,
    /// Handed to a beacon: not sent again from this page, but kept for the next one (the
    /// browser never says whether a beacon arrived).
    aside: bool,
}

impl Slot {
    fn new(queued: Queued) -> Slot {
        let mut stored = String::with_capacity(queued.json.len() + queued.json.len() / 4 + 2);
        push_str(&mut stored, &queued.json);
        Slot {
            queued,
            stored,
            aside: false,
        }
    }
}

/// The events of this tab not yet acknowledged by the endpoint, oldest first, bounded by a
/// number of events and of bytes: past either, the oldest are dropped and counted, and the
/// next batch in lanterne's format says how many.
///
/// ```
/// use lanterne::core::queue::Queue;
/// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
/// # let event = |id: &str| Event { id: id.into(), kind: EventKind::Share, channel: Some(Channel::Email),
/// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
/// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
/// let mut queue = Queue::new(2, 262_144);
/// for id in ["a", "b", "c"] {
///     queue.push(event(id));
/// }
/// assert_eq!((queue.len(), queue.dropped()), (2, 1));
/// let batch: Vec<String> = queue.peek(500, 60_000, &[]).iter().map(|q| q.id.clone()).collect();
/// assert_eq!(batch, ["b", "c"]);
/// queue.remove(&batch);
/// queue.reported(1);
/// assert_eq!(queue.record(1_763_700_000_000), None); // nothing left to keep
/// ```
#[derive(Clone, Debug)]
pub struct Queue {
    slots: Vec<Slot>,
    /// UTF-8 bytes of the JSON of every slot.
    bytes: usize,
    max_events: usize,
    max_bytes: usize,
    dropped: u64,
    dropped_here: u64,
    /// Cleared for good: nothing is taken in any more.
    closed: bool,
    /// When the endpoint may be tried again, in ms since the epoch (backoff and
    /// `Retry-After`); kept in the record (`"r"`), so the next page waits too.
    pub retry_at: u64,
}

impl Queue {
    /// An empty queue holding at most `max_events` events and, while more than one is
    /// left, `max_bytes` bytes of JSON (config `queueLimit` and `queueBytes`). Bytes are
    /// UTF-8 bytes; the JavaScript queue counted UTF-16 code units (`String.length`), so a
    /// title in another script fills this queue up to three times sooner.
    ///
    /// ```
    /// let queue = lanterne::core::queue::Queue::new(1000, 262_144);
    /// assert_eq!((queue.len(), queue.waiting(), queue.dropped(), queue.retry_at), (0, 0, 0, 0));
    /// ```
    pub fn new(max_events: usize, max_bytes: usize) -> Queue {
        Queue {
            slots: Vec::new(),
            bytes: 0,
            max_events,
            max_bytes,
            dropped: 0,
            dropped_here: 0,
            closed: false,
            retry_at: 0,
        }
    }

    /// Events not yet acknowledged (set aside or not).
    ///
    /// ```
    /// assert_eq!(lanterne::core::queue::Queue::new(10, 1024).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no event is queued.
    ///
    /// ```
    /// assert!(lanterne::core::queue::Queue::new(10, 1024).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Events waiting to be sent from this page: those no beacon took.
    ///
    /// ```
    /// use lanterne::core::queue::Queue;
    /// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
    /// # let event = Event { id: "a".into(), kind: EventKind::Share, channel: Some(Channel::Email),
    /// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
    /// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
    /// let mut queue = Queue::new(10, 1024);
    /// queue.push(event);
    /// queue.set_aside(&["a".to_string()]);
    /// assert_eq!((queue.len(), queue.waiting()), (1, 0));
    /// ```
    pub fn waiting(&self) -> usize {
        let mut waiting = 0;
        for slot in &self.slots {
            waiting += usize::from(!slot.aside);
        }
        waiting
    }

    /// Events dropped (queue full) and not yet reported to the endpoint: the record's `"d"`,
    /// and the `dropped` field of the next batch in lanterne's format.
    ///
    /// ```
    /// assert_eq!(lanterne::core::queue::Queue::new(10, 1024).dropped(), 0);
    /// ```
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Events dropped in this page view, reported or not (for `stats()`).
    ///
    /// ```
    /// assert_eq!(lanterne::core::queue::Queue::new(10, 1024).dropped_here(), 0);
    /// ```
    pub fn dropped_here(&self) -> u64 {
        self.dropped_here
    }

    /// Appends an event, then drops the oldest past the bounds. Nothing after [`Queue::clear`].
    ///
    /// ```
    /// use lanterne::core::queue::Queue;
    /// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
    /// # let event = Event { id: "a".into(), kind: EventKind::Share, channel: Some(Channel::Email),
    /// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
    /// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
    /// let mut queue = Queue::new(10, 1024);
    /// queue.push(event.clone());
    /// assert_eq!(queue.peek(1, 1024, &[])[0].json, event.to_json());
    /// ```
    pub fn push(&mut self, event: Event) {
        if self.closed {
            return;
        }
        let queued = Queued::of(&event);
        self.bytes += queued.json.len();
        self.slots.push(Slot::new(queued));
        self.trim();
    }

    /// Takes in the storage record another tab left (see [`Queue::record`]): its events not
    /// already here (by event id) go before this tab's, in their order; its drop count is
    /// added to this one; the later of the two retry times is kept. Then the oldest are
    /// dropped past the bounds. Returns how many of its events were taken in (counted
    /// before that trimming: something was added to send). Nothing is taken in after
    /// [`Queue::clear`].
    ///
    /// ```
    /// use lanterne::core::queue::{Queue, Record};
    /// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, queue::Queued, token::ShareToken};
    /// # let event = Event { id: "e1".into(), kind: EventKind::Share, channel: Some(Channel::Email),
    /// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
    /// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
    /// let record = || Record { dropped: 3, retry_at: 5_000, events: vec![Queued::of(&event)] };
    /// let mut queue = Queue::new(1000, 262_144);
    /// assert_eq!(queue.adopt(record()), 1);
    /// assert_eq!((queue.len(), queue.dropped(), queue.retry_at), (1, 3, 5_000));
    /// assert_eq!(queue.adopt(record()), 0); // already here
    /// ```
    pub fn adopt(&mut self, record: Record) -> usize {
        if self.closed {
            return 0;
        }
        let mut taken: Vec<Slot> = Vec::with_capacity(record.events.len() + self.slots.len());
        for queued in record.events {
            let id = &queued.id;
            if holds(&self.slots, id) || holds(&taken, id) {
                continue;
            }
            self.bytes += queued.json.len();
            taken.push(Slot::new(queued));
        }
        let added = taken.len();
        taken.append(&mut self.slots);
        self.slots = taken;
        self.dropped = self.dropped.saturating_add(record.dropped);
        self.retry_at = self.retry_at.max(record.retry_at);
        self.trim();
        added
    }

    /// The next batch, oldest first, leaving out events a beacon took and those whose id is
    /// in `except` (a request in flight): at most `count` events, and no more than fit in
    /// `max_bytes` counted as the JSON array would be (2 + each event's JSON + 1), except
    /// that the first event is always taken, whatever its size.
    ///
    /// ```
    /// use lanterne::core::queue::Queue;
    /// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
    /// # let event = |id: &str| Event { id: id.into(), kind: EventKind::Share, channel: Some(Channel::Email),
    /// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
    /// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
    /// let mut queue = Queue::new(10, 4096);
    /// for id in ["a", "b", "c"] {
    ///     queue.push(event(id));
    /// }
    /// let ids = |batch: Vec<&lanterne::core::queue::Queued>| batch.iter().map(|q| q.id.clone()).collect::<Vec<_>>();
    /// assert_eq!(ids(queue.peek(2, 4096, &[])), ["a", "b"]);
    /// assert_eq!(ids(queue.peek(2, 4096, &["a".to_string()])), ["b", "c"]);
    /// assert_eq!(ids(queue.peek(2, 10, &[])), ["a"]); // over the budget: the first alone
    /// ```
    pub fn peek(&self, count: usize, max_bytes: usize, except: &[String]) -> Vec<&Queued> {
        let mut batch = Vec::new();
        let mut size = 2;
        for slot in &self.slots {
            if slot.aside || except.contains(&slot.queued.id) {
                continue;
            }
            size += slot.queued.json.len() + 1;
            if batch.len() == count || (!batch.is_empty() && size > max_bytes) {
                break;
            }
            batch.push(&slot.queued);
        }
        batch
    }

    /// Marks the events with these ids as taken by a beacon: kept (for the next page), not
    /// sent again from this one.
    ///
    /// ```
    /// use lanterne::core::queue::Queue;
    /// let mut queue = Queue::new(10, 1024);
    /// queue.set_aside(&["unknown".to_string()]); // ids not here are ignored
    /// assert_eq!(queue.waiting(), 0);
    /// ```
    pub fn set_aside(&mut self, ids: &[String]) {
        for slot in &mut self.slots {
            if ids.contains(&slot.queued.id) {
                slot.aside = true;
            }
        }
    }

    /// Removes the events with these ids (delivered, or refused by the endpoint), wherever
    /// they are now: an adoption may have moved them since they were peeked.
    ///
    /// ```
    /// use lanterne::core::queue::Queue;
    /// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
    /// # let event = |id: &str| Event { id: id.into(), kind: EventKind::Share, channel: Some(Channel::Email),
    /// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
    /// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
    /// let mut queue = Queue::new(10, 4096);
    /// queue.push(event("a"));
    /// queue.push(event("b"));
    /// queue.remove(&["a".to_string()]);
    /// assert_eq!(queue.peek(10, 4096, &[])[0].id, "b");
    /// ```
    pub fn remove(&mut self, ids: &[String]) {
        self.slots.retain(|slot| !ids.contains(&slot.queued.id));
        self.bytes = 0;
        for slot in &self.slots {
            self.bytes += slot.queued.json.len();
        }
    }

    /// `n` dropped events were reported to the endpoint (the batch that said so was
    /// acknowledged); drops counted since then stay to be reported.
    ///
    /// ```
    /// let mut queue = lanterne::core::queue::Queue::new(10, 1024);
    /// queue.reported(5);
    /// assert_eq!(queue.dropped(), 0);
    /// ```
    pub fn reported(&mut self, n: u64) {
        self.dropped = self.dropped.saturating_sub(n);
    }

    /// Forgets every event and the drop count, and takes in nothing more, pushed or adopted
    /// (consent refused, or stopped for good). The record is then `None`: the browser layer
    /// removes the key.
    ///
    /// ```
    /// use lanterne::core::queue::Queue;
    /// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
    /// # let event = Event { id: "a".into(), kind: EventKind::Share, channel: Some(Channel::Email),
    /// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
    /// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
    /// let mut queue = Queue::new(10, 1024);
    /// queue.push(event.clone());
    /// queue.clear();
    /// queue.push(event);
    /// assert_eq!((queue.len(), queue.record(0)), (0, None));
    /// ```
    pub fn clear(&mut self) {
        self.closed = true;
        self.slots.clear();
        self.bytes = 0;
        self.dropped = 0;
    }

    /// The storage record, or `None` when there is nothing to keep (no event and no drop to
    /// report: the browser layer removes the key then). Exactly what the JavaScript queue of
    /// earlier releases wrote, `JSON.stringify({t, d, r, e})`, so each release adopts the
    /// other's records: `t` is when it was written (`now`, ms; a live tab rewrites its record
    /// at every attempt, so an old `t` marks an abandoned one where there are no Web Locks),
    /// `d` the drop count not yet reported, `r` [`Queue::retry_at`], and `e` each event's
    /// JSON as a JSON string. Set-aside events are kept: whether their beacon arrived is
    /// not known.
    ///
    /// ```
    /// use lanterne::core::queue::Queue;
    /// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
    /// # let event = Event { id: "a".into(), kind: EventKind::Share, channel: Some(Channel::Email),
    /// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
    /// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 5 };
    /// let mut queue = Queue::new(10, 1024);
    /// assert_eq!(queue.record(1), None);
    /// queue.push(event);
    /// queue.retry_at = 9;
    /// assert_eq!(queue.record(7).unwrap(), concat!(
    ///     r#"{"t":7,"d":0,"r":9,"e":["{\"v\":1,\"id\":\"a\",\"type\":\"share\",\"channel\":\"email\","#,
    ///     r#"\"token\":\"eAAAAAAAAAA1\",\"parent\":null,\"url\":\"https://blog.example/a\","#,
    ///     r#"\"title\":\"A\",\"ts\":5}"]}"#));
    /// ```
    pub fn record(&self, now: u64) -> Option<String> {
        if self.slots.is_empty() && self.dropped == 0 {
            return None;
        }
        // Each event's JSON grows by its escaped quotes when written as a string.
        let mut out = String::with_capacity(self.bytes + self.bytes / 4 + 64);
        out.push('{');
        push_key(&mut out, "t");
        push_u64(&mut out, now);
        out.push(',');
        push_key(&mut out, "d");
        push_u64(&mut out, self.dropped);
        out.push(',');
        push_key(&mut out, "r");
        push_u64(&mut out, self.retry_at);
        out.push(',');
        push_key(&mut out, "e");
        out.push('[');
        for (i, slot) in self.slots.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&slot.stored);
        }
        out.push_str("]}");
        Some(out)
    }

    /// Drops the oldest events while over `max_events`, or over `max_bytes` while more than
    /// one is left (a single event larger than the budget is still kept and sent).
    fn trim(&mut self) {
        let mut excess = 0;
        let mut left = self.slots.len();
        while left > self.max_events || (left > 1 && self.bytes > self.max_bytes) {
            self.bytes -= self.slots[excess].queued.json.len();
            excess += 1;
            left -= 1;
        }
        if excess > 0 {
            // The newest are kept.
            self.slots = self.slots.split_off(excess);
            let excess = excess as u64;
            self.dropped = self.dropped.saturating_add(excess);
            self.dropped_here = self.dropped_here.saturating_add(excess);
        }
    }
}

/// Whether one of `slots` holds the event `id`.
fn holds(slots: &[Slot], id: &str) -> bool {
    for slot in slots {
        if slot.queued.id == id {
            return true;
        }
    }
    false
}

/// A storage record read back: what [`Queue::adopt`] takes in. The browser layer reads
/// `localStorage`'s JSON with `JSON.parse`, the events with [`Event::from_stored`]
/// (leaving out those it refuses: each was written by a release of lanterne, and one that
/// cannot be read back would be refused by the endpoint too) into [`Queued`]s, and `"d"`
/// and `"r"` with [`count`].
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// Events dropped and not yet reported (`"d"`): added to [`Queue::dropped`].
    pub dropped: u64,
    /// When the endpoint may be tried again (`"r"`, ms since the epoch): the later of it
    /// and [`Queue::retry_at`] wins.
    pub retry_at: u64,
    /// The events it kept waiting (`"e"`), oldest first.
    pub events: Vec<Queued>,
}

/// A stored count or time, read as the JavaScript queue of earlier releases did with
/// `Number(x) || 0`: a non-negative number (a fraction rounded up: a retry time with
/// jitter), else 0.
///
/// ```
/// use lanterne::core::queue::count;
/// assert_eq!((count(Some(2.0)), count(Some(1.5)), count(Some(-3.0)), count(None)), (2, 2, 0, 0));
/// ```
pub fn count(n: Option<f64>) -> u64 {
    match n {
        Some(n) if n > 0.0 && n < 9_007_199_254_740_992.0 => {
            let whole = n as u64;
            whole + u64::from((whole as f64) < n)
        }
        _ => 0,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
