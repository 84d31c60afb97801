//! This tab's queue record in `localStorage` (docs/events.md#delivery). Each tab keeps
//! its own record, `localStorage["lanterne:queue:<tab>"]`, so no two tabs rewrite the
//! same key or send the same event. While its record has events, a tab holds the Web Lock
//! `lanterne:tab:<tab>` (only then: a held lock keeps a page out of the back/forward
//! cache). The records other tabs left behind (after an outage, a closed tab) are found
//! here and taken in by the second module (`src/rare/orphans.rs`), which most pages never
//! need.

use super::super::lazy;
use super::memory::local;
use crate::core::queue::{lock_name, Queued, Record, RECORD_PREFIX};
use crate::prelude::*;
use crate::web::dom::window;
use crate::web::handle::{object, on_settled, Callback, Getter};
use crate::web::page::{get, random_bytes};
use alloc::boxed::Box;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{LockManager, Storage};

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
        let mut key = String::from(RECORD_PREFIX);
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
        let granted = Getter::wrap(Box::new(move |_lock| {
            let Some(release) = keep.take().filter(|r| Rc::strong_count(r) > 1) else {
                return JsValue::UNDEFINED;
            };
            Promise::new(&mut |resolve, _| release.set(Some(resolve))).into()
        }) as Box<dyn FnMut(JsValue) -> JsValue>);
        let options = object(&[("ifAvailable", false.into())]);
        let name = lock_name(&self.key);
        let done = locks.request_with_options(
            &name,
            options.unchecked_ref(),
            granted.as_ref().unchecked_ref(),
        );
        on_settled(&done, move |_| drop(granted));
    }

    /// Hands the records other tabs left behind to `adopt` (`None`: they are forgotten):
    /// when there are any, the second module takes them (those whose tab is gone).
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
    let mut found = false;
    for i in 0..storage.length().unwrap_or(0) {
        if let Some(key) = storage.key(i).ok().flatten() {
            found |= key.starts_with(RECORD_PREFIX) && key != own;
        }
    }
    if !found {
        return;
    }
    // Each record taken: `[dropped, retry_at, ids, jsons]`.
    let adopt = match adopt {
        None => JsValue::UNDEFINED,
        Some(adopt) => Callback::new(move |taken: JsValue| {
            let taken: Array = taken.unchecked_into();
            let (ids, jsons): (Array, Array) =
                (taken.get(2).unchecked_into(), taken.get(3).unchecked_into());
            let mut events = Vec::new();
            for i in 0..ids.length() {
                let id = ids.get(i).as_string().unwrap_or_default();
                events.push(Queued {
                    id,
                    json: jsons.get(i).as_string().unwrap_or_default(),
                });
            }
            let number = |i| taken.get(i).as_f64().unwrap_or(0.0) as u64;
            adopt(Record {
                dropped: number(0),
                retry_at: number(1),
                events,
            });
        })
        .into_js_value(),
    };
    let own = own.to_owned();
    lazy::with(move |rare| {
        if let Some(rare) = rare {
            rare.orphans(&own, &adopt);
        }
    });
}

/// `navigator.locks`, where the browser has Web Locks.
fn locks() -> Option<LockManager> {
    let locks = get(&window().navigator(), "locks");
    (!locks.is_undefined()).then(|| locks.unchecked_into())
}
