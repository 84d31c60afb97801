//! This tab's queue record in `localStorage` and the records other tabs left (README
//! "Delivery"). Each tab keeps its own record, `localStorage["lanterne:queue:<tab>"]`, so
//! no two tabs rewrite the same key or send the same event. While its record has events,
//! a tab holds the Web Lock `lanterne:tab:<tab>` (only then: a held lock keeps a page out
//! of the back/forward cache); a later page adopts the records whose lock is free, so
//! retries resume after a reload or a closed tab. Without Web Locks, a record untouched
//! for ten minutes is taken to be left behind.

use super::memory::{local, read};
use crate::core::chars::cat;
use crate::core::queue::{count, Queued, Record};
use crate::prelude::*;
use crate::web::dom::window;
use crate::web::handle::{object, on_settled, Getter};
use crate::web::page::{get, now, random_bytes};
use crate::web::values::stored_event;
use alloc::boxed::Box;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::{Array, Function, Promise, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{LockManager, Storage};

const PREFIX: &str = "lanterne:queue:";
const LOCK: &str = "lanterne:tab:";
/// Without Web Locks, a record untouched for this long is taken to be an orphan (a live
/// tab rewrites its record at every attempt).
const ORPHAN_MS: u64 = 10 * 60 * 1000;

/// This tab's record and lock.
pub struct TabRecord {
    storage: RefCell<Option<Storage>>,
    /// `lanterne:queue:<tab>`.
    key: String,
    /// The lock's release: `Some` while this tab holds (or waits for) its lock.
    lock: RefCell<Option<Rc<Cell<Option<Function>>>>>,
}

impl TabRecord {
    /// A record for this tab, named by 8 random characters of [a-z0-9].
    pub fn open() -> TabRecord {
        let mut key = String::from(PREFIX);
        for b in random_bytes::<8>() {
            key.push(char::from(
                b"abcdefghijklmnopqrstuvwxyz0123456789"[usize::from(b % 36)],
            ));
        }
        TabRecord {
            storage: RefCell::new(local()),
            key,
            lock: RefCell::new(None),
        }
    }

    /// Writes the record (`None`: there is nothing to keep, the key goes), and holds this
    /// tab's lock while it has one.
    pub fn write(&self, record: Option<String>) {
        self.hold_lock(record.is_some());
        let mut storage = self.storage.borrow_mut();
        let Some(store) = storage.as_ref() else {
            return;
        };
        let written = match &record {
            Some(record) => store.set_item(&self.key, record),
            None => store.remove_item(&self.key),
        };
        if written.is_err() {
            // Quota, or a storage that went away: keep going in memory, and leave no
            // stale record for a later page to send again.
            let _ = store.remove_item(&self.key);
            *storage = None;
        }
    }

    fn hold_lock(&self, hold: bool) {
        let Some(locks) = locks() else { return };
        let mut lock = self.lock.borrow_mut();
        if !hold {
            // Let go: resolve the promise the lock callback returned.
            if let Some(release) = lock.take().and_then(|r| r.take()) {
                let _ = release.call0(&JsValue::UNDEFINED);
            }
            return;
        }
        if lock.is_some() {
            return;
        }
        let release: Rc<Cell<Option<Function>>> = Rc::default();
        *lock = Some(release.clone());
        // Granted asynchronously: by then the queue may be empty again, and this
        // `release` is no longer the one kept.
        let mut keep = Some(release);
        request_lock(
            &locks,
            &self.key,
            false,
            Box::new(move |_lock| {
                let Some(release) = keep.take().filter(|r| Rc::strong_count(r) > 1) else {
                    return JsValue::UNDEFINED;
                };
                Promise::new(&mut |resolve, _| release.set(Some(resolve))).into()
            }),
        );
    }

    /// Removes the record of every other tab that is gone (its lock is free, taken
    /// meanwhile; without Web Locks, when it is older than [`ORPHAN_MS`]), and hands what
    /// it held to `adopt` (`None`: it is forgotten).
    pub fn take_orphans(&self, adopt: Option<Rc<dyn Fn(Record)>>) {
        let storage = self.storage.borrow().clone();
        take_orphans(storage, &self.key, adopt);
    }
}

/// Removes the queue records of every tab that is gone (consent refused).
pub fn forget_orphans() {
    take_orphans(local(), "", None);
}

fn take_orphans(storage: Option<Storage>, own: &str, adopt: Option<Rc<dyn Fn(Record)>>) {
    let Some(storage) = storage else { return };
    // The keys first: removing a record renumbers the others.
    let mut keys = Vec::new();
    for i in 0..storage.length().unwrap_or(0) {
        if let Some(key) = storage.key(i).ok().flatten() {
            if key.starts_with(PREFIX) && key != own {
                keys.push(key);
            }
        }
    }
    let locks = locks();
    for key in keys {
        let orphan = Orphan {
            storage: storage.clone(),
            key,
            adopt: adopt.clone(),
        };
        let Some(locks) = &locks else {
            if queue_age(&read(Some(&storage), &orphan.key)) >= ORPHAN_MS {
                orphan.take();
            }
            continue;
        };
        let key = orphan.key.clone();
        let mut orphan = Some(orphan);
        request_lock(
            locks,
            &key,
            true,
            Box::new(move |lock| {
                if let Some(orphan) = orphan.take().filter(|_| !lock.is_null()) {
                    orphan.take();
                }
                JsValue::UNDEFINED
            }),
        );
    }
}

/// `navigator.locks`, where the browser has Web Locks.
fn locks() -> Option<LockManager> {
    let locks = get(&window().navigator(), "locks");
    (!locks.is_undefined()).then(|| locks.unchecked_into())
}

/// Requests the Web Lock of the tab whose record is `key` (`if_available`: only if no one
/// holds it, else `granted` gets `null`). `granted` gets the lock, and what it returns
/// (a promise) holds the lock until it settles.
fn request_lock(
    locks: &LockManager,
    key: &str,
    if_available: bool,
    granted: Box<dyn FnMut(JsValue) -> JsValue>,
) {
    let name = cat(&[LOCK, key.get(PREFIX.len()..).unwrap_or("")]);
    let granted = Getter::wrap(granted);
    let options = object(&[("ifAvailable", if_available.into())]);
    let done = locks.request_with_options(
        &name,
        options.unchecked_ref(),
        granted.as_ref().unchecked_ref(),
    );
    on_settled(&done, move |_| drop(granted));
}

/// The record of a tab that is gone, and where its events go.
struct Orphan {
    storage: Storage,
    key: String,
    adopt: Option<Rc<dyn Fn(Record)>>,
}

impl Orphan {
    /// Removes the record, and hands it over if there is a queue to take it.
    fn take(self) {
        let text = read(Some(&self.storage), &self.key);
        let _ = self.storage.remove_item(&self.key);
        if let (Some(adopt), Some((_, record))) = (self.adopt, read_record(&text)) {
            adopt(record);
        }
    }
}

/// How long ago a stored record was written (`u64::MAX` when it cannot be read).
fn queue_age(record: &str) -> u64 {
    read_record(record).map_or(u64::MAX, |(written, _)| now().saturating_sub(written))
}

/// A stored queue record, read with the browser's `JSON.parse`: when it was written, and
/// what [`Queue::adopt`](crate::core::queue::Queue::adopt) takes. `None` when it is not
/// an object with an `"e"` array.
fn read_record(text: &str) -> Option<(u64, Record)> {
    let record = JSON::parse(text).ok().filter(JsValue::is_object)?;
    let items = get(&record, "e").dyn_into::<Array>().ok()?;
    let mut events = Vec::new();
    for item in items.iter() {
        let Some(json) = item.as_string() else {
            continue;
        };
        if let Some(event) = stored_event(&json) {
            events.push(Queued { event, json });
        }
    }
    let number = |key: &str| count(get(&record, key).as_f64());
    Some((
        number("t"),
        Record {
            dropped: number("d"),
            retry_at: number("r"),
            events,
        },
    ))
}
