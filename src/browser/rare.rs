//! The second wasm module (`lanterne_rare`, built from `src/rare`): what most pages never use,
//! loaded with `import()` where it is first needed, never on the copy path (README
//! "Size"): the config's error messages, the analytics formats, the share sheet and the
//! clipboard fallbacks. The entry module hands over the function that imports it (only
//! it knows `import.meta.url`, and bundlers see the files there).

use crate::prelude::*;
use crate::web::handle::on_settled;
use crate::web::page::{console, Level};
use alloc::boxed::Box;
use core::cell::RefCell;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// The second module's exports (`src/rare`).
    #[derive(Clone)]
    pub type Rare;

    /// The `Error` a bad config gets: the same checks as the first module's
    /// ([`crate::web::config::read`]), with words.
    #[wasm_bindgen(method, js_name = configError)]
    pub fn config_error(this: &Rare, source: u32, given: &JsValue) -> JsValue;

    /// The request body of an analytics tool's format for the first events of `events`
    /// (their JSON), within `max` bytes: `[count, body]`.
    #[wasm_bindgen(method)]
    pub fn body(
        this: &Rare,
        format: &str,
        site: &str,
        events: &Array,
        dropped: f64,
        max: u32,
    ) -> Array;

    /// Hands events (their JSON) to the page: GA4's `gtag`/`dataLayer`, or the site's
    /// callback. A promise that rejects when that failed.
    #[wasm_bindgen(method)]
    pub fn deliver(
        this: &Rare,
        format: &str,
        events: &Array,
        dropped: f64,
        callback: &JsValue,
    ) -> Promise;

    /// Takes the queue records other tabs left behind (their lock is free; without Web
    /// Locks, ten minutes old), `own` being this tab's: each goes (removed from storage)
    /// to `adopt` as `[dropped, retry_at, ids, jsons]`, or is forgotten when `adopt` is
    /// `undefined`.
    #[wasm_bindgen(method)]
    pub fn orphans(this: &Rare, own: &str, adopt: &JsValue);

    /// Inserts lanterne's `html` into `target` (`"beforeend"`), element by element: for
    /// pages whose Trusted Types refuse HTML strings.
    #[wasm_bindgen(method, js_name = buildHtml)]
    pub fn build_html(this: &Rare, target: &JsValue, position: &str, html: &str);

    /// Copies `text` through a hidden field and `execCommand("copy")` (in-app browsers,
    /// a refused Clipboard API): whether it worked.
    #[wasm_bindgen(method, js_name = copyByField)]
    pub fn copy_by_field(this: &Rare, text: &str) -> bool;

    /// Shows `url` after `status` in a selected, read-only field named `message`, to copy
    /// by hand; returns the field.
    #[wasm_bindgen(method, js_name = showManual)]
    pub fn show_manual(this: &Rare, status: &JsValue, message: &str, url: &str) -> JsValue;
}

type Waiting = Box<dyn FnOnce(Option<&Rare>)>;

/// Where loading stands.
enum State {
    Idle,
    Loading(Vec<Waiting>),
    Ready(Rare),
}

std::thread_local! {
    static LOADER: RefCell<Option<Function>> = const { RefCell::new(None) };
    static STATE: RefCell<State> = const { RefCell::new(State::Idle) };
}

/// Sets the function that imports the second module (from the entry module).
pub fn set_loader(load: Function) {
    LOADER.with(|l| *l.borrow_mut() = Some(load));
}

/// The second module, if it is loaded.
pub fn loaded() -> Option<Rare> {
    STATE.with(|s| match &*s.borrow() {
        State::Ready(rare) => Some(rare.clone()),
        _ => None,
    })
}

/// Calls `f` with the second module: at once if it is loaded, else once it is (with
/// `None` if it cannot be: offline, a file missing; the next call tries again).
pub fn with(f: impl FnOnce(Option<&Rare>) + 'static) {
    let f: Waiting = Box::new(f);
    let start = STATE.with(|s| {
        let mut state = s.borrow_mut();
        match &mut *state {
            State::Ready(rare) => Err((f, Some(rare.clone()))),
            State::Loading(waiting) => {
                waiting.push(f);
                Ok(false)
            }
            State::Idle => {
                *state = State::Loading(vec![f]);
                Ok(true)
            }
        }
    });
    match start {
        // Called outside the borrow: `f` may ask for the module again.
        Err((f, rare)) => f(rare.as_ref()),
        Ok(true) => load(),
        Ok(false) => {}
    }
}

/// Starts loading the second module, for what will soon need it.
pub fn prefetch() {
    with(|_| {});
}

fn load() {
    let import = LOADER.with(|l| {
        l.borrow()
            .as_ref()
            .and_then(|f| f.call0(&JsValue::NULL).ok())
    });
    let Some(import) = import.and_then(|p| p.dyn_into::<Promise>().ok()) else {
        return settle(None);
    };
    on_settled(&import, |module| {
        if let Err(problem) = &module {
            console(Level::Error, problem);
        }
        settle(module.ok().map(JsCast::unchecked_into));
    });
}

fn settle(rare: Option<Rare>) {
    let waiting = STATE.with(|s| {
        let next = match &rare {
            Some(rare) => State::Ready(rare.clone()),
            None => State::Idle,
        };
        match core::mem::replace(&mut *s.borrow_mut(), next) {
            State::Loading(waiting) => waiting,
            _ => Vec::new(),
        }
    });
    for f in waiting {
        f(rare.as_ref());
    }
}
