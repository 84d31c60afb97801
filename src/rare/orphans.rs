//! The queue records other tabs left behind (docs/events.md#delivery): an outage, a tab
//! closed before its events went. The first module notices there are some; this takes
//! those whose tab is gone (its Web Lock is free, taken meanwhile; without Web Locks, a
//! record untouched for ten minutes), reads them back with the browser's `JSON.parse` and
//! the core's checks, removes them, and hands them over to the first module's queue.

use crate::core::queue::{count, lock_name, ORPHAN_MS, RECORD_PREFIX};
use crate::prelude::*;
use crate::web::dom::window;
use crate::web::handle::{object, on_settled, Getter};
use crate::web::page::{get, now};
use crate::web::values::stored_event;
use alloc::boxed::Box;
use js_sys::{Array, Function, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{LockManager, Storage};

/// Takes the records of the tabs that are gone, but this one's (`own`): each is removed
/// from storage and handed to `adopt` as `[dropped, retry_at, ids, jsons]` (its events
/// that can be read back), or only removed when `adopt` is `undefined` (consent refused).
///
/// ```js
/// orphans("lanterne:queue:ab12cd34", ([dropped, retryAt, ids, jsons]) => queue.adopt(…));
/// ```
#[wasm_bindgen]
pub fn orphans(own: &str, adopt: JsValue) {
    let Some(storage) = window().local_storage().ok().flatten() else {
        return;
    };
    // The keys first: removing a record renumbers the others.
    let mut keys = Vec::new();
    for i in 0..storage.length().unwrap_or(0) {
        if let Some(key) = storage.key(i).ok().flatten() {
            if key.starts_with(RECORD_PREFIX) && key != own {
                keys.push(key);
            }
        }
    }
    let adopt = adopt.dyn_into::<Function>().ok();
    let locks = get(&window().navigator(), "locks");
    for key in keys {
        let orphan = Orphan {
            storage: storage.clone(),
            key,
            adopt: adopt.clone(),
        };
        if locks.is_undefined() {
            if orphan.age() >= ORPHAN_MS {
                orphan.take();
            }
            continue;
        }
        // Only if no one holds it: else the lock callback gets `null`.
        let name = lock_name(&orphan.key);
        let mut orphan = Some(orphan);
        let granted = Getter::wrap(Box::new(move |lock: JsValue| {
            if let Some(orphan) = orphan.take().filter(|_| !lock.is_null()) {
                orphan.take();
            }
            JsValue::UNDEFINED
        }) as Box<dyn FnMut(JsValue) -> JsValue>);
        let options = object(&[("ifAvailable", true.into())]);
        let done = locks.unchecked_ref::<LockManager>().request_with_options(
            &name,
            options.unchecked_ref(),
            granted.as_ref().unchecked_ref(),
        );
        on_settled(&done, move |_| drop(granted));
    }
}

/// The record of a tab that is gone, and where its events go.
struct Orphan {
    storage: Storage,
    key: String,
    adopt: Option<Function>,
}

impl Orphan {
    fn text(&self) -> String {
        self.storage
            .get_item(&self.key)
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// How long ago it was written (`u64::MAX` when it cannot be read).
    fn age(&self) -> u64 {
        read(&self.text()).map_or(u64::MAX, |(written, _)| now().saturating_sub(written))
    }

    /// Removes the record, and hands it over if there is a queue to take it.
    fn take(self) {
        let text = self.text();
        let _ = self.storage.remove_item(&self.key);
        if let (Some(adopt), Some((_, record))) = (self.adopt, read(&text)) {
            let _ = adopt.call1(&JsValue::UNDEFINED, &record);
        }
    }
}

/// A stored queue record, read with the browser's `JSON.parse`: when it was written, and
/// `[dropped, retry_at, ids, jsons]` of the events that can be read back (each was written
/// by a release of lanterne; one that cannot be read back would be refused by the
/// endpoint too). `None` when it is not an object with an `"e"` array.
fn read(text: &str) -> Option<(u64, Array)> {
    let record = JSON::parse(text).ok().filter(JsValue::is_object)?;
    let items = get(&record, "e").dyn_into::<Array>().ok()?;
    let (ids, jsons) = (Array::new(), Array::new());
    for item in items.iter() {
        let Some(json) = item.as_string() else {
            continue;
        };
        if let Some(event) = stored_event(&json) {
            ids.push(&event.id.into());
            jsons.push(&json.into());
        }
    }
    let number = |key: &str| count(get(&record, key).as_f64()) as f64;
    let taken = Array::of4(&number("d").into(), &number("r").into(), &ids, &jsons);
    Some((count(get(&record, "t").as_f64()), taken))
}
