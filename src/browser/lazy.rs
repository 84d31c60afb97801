//! The modules a page loads only where it uses them, with `import()`, never on the copy
//! path (docs/performance.md#size): `lanterne_rare` (built from `src/rare`: a bad
//! config's words, the clipboard fallbacks, records other tabs left behind, markup under
//! Trusted Types) and `lanterne_formats` (`src/formats.rs`: the analytics tools' formats,
//! loaded at start where the config names one). The entry module hands over the functions
//! that import them (only it knows `import.meta.url`, and bundlers see the files there).

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

#[wasm_bindgen]
extern "C" {
    /// The analytics formats module's exports (`src/formats.rs`).
    #[derive(Clone)]
    pub type Formats;

    /// The request body of an analytics tool's format for the first events of `events`
    /// (their JSON), within `max` bytes: `[count, body]`.
    #[wasm_bindgen(method)]
    pub fn body(
        this: &Formats,
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
        this: &Formats,
        format: &str,
        events: &Array,
        dropped: f64,
        callback: &JsValue,
    ) -> Promise;

}

/// A module loaded where it is used.
#[derive(Clone, Copy)]
enum Lazy {
    Rare = 0,
    Formats = 1,
}

type Waiting = Box<dyn FnOnce(Option<&JsValue>)>;

/// Where a module's loading stands.
enum State {
    Idle,
    Loading(Vec<Waiting>),
    Ready(JsValue),
}

/// A module's loader (from the entry module) and its state.
struct Module {
    loader: Option<Function>,
    state: State,
}

std::thread_local! {
    static MODULES: RefCell<[Module; 2]> = const {
        RefCell::new([Module { loader: None, state: State::Idle }, Module { loader: None, state: State::Idle }])
    };
}

/// Sets the functions that import the modules (from the entry module).
pub fn set_loaders(rare: Function, formats: Function) {
    MODULES.with(|m| {
        let mut modules = m.borrow_mut();
        modules[Lazy::Rare as usize].loader = Some(rare);
        modules[Lazy::Formats as usize].loader = Some(formats);
    });
}

/// Calls `f` with the second module: at once if it is loaded, else once it is (with
/// `None` if it cannot be: offline, a file missing; the next call tries again).
pub fn with(f: impl FnOnce(Option<&Rare>) + 'static) {
    get(
        Lazy::Rare,
        Box::new(move |m| f(m.map(JsCast::unchecked_ref))),
    );
}

/// Starts loading the second module, for what will soon need it.
pub fn prefetch() {
    get(Lazy::Rare, Box::new(|_| {}));
}

/// The formats module, if it is loaded.
pub fn formats_loaded() -> Option<Formats> {
    MODULES.with(|m| match &m.borrow()[Lazy::Formats as usize].state {
        State::Ready(module) => Some(module.clone().unchecked_into()),
        _ => None,
    })
}

/// Calls `f` with the formats module, as [`with`] does.
pub fn with_formats(f: impl FnOnce(Option<&Formats>) + 'static) {
    get(
        Lazy::Formats,
        Box::new(move |m| f(m.map(JsCast::unchecked_ref))),
    );
}

fn get(which: Lazy, f: Waiting) {
    let start = MODULES.with(|m| {
        let mut modules = m.borrow_mut();
        let state = &mut modules[which as usize].state;
        match state {
            State::Ready(module) => Err((f, Some(module.clone()))),
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
        Err((f, module)) => f(module.as_ref()),
        Ok(true) => load(which),
        Ok(false) => {}
    }
}

fn load(which: Lazy) {
    let import = MODULES.with(|m| {
        m.borrow()[which as usize]
            .loader
            .as_ref()
            .and_then(|f| f.call0(&JsValue::NULL).ok())
    });
    let Some(import) = import.and_then(|p| p.dyn_into::<Promise>().ok()) else {
        return settle(which, None);
    };
    on_settled(&import, move |module| {
        if let Err(problem) = &module {
            console(Level::Error, problem);
        }
        settle(which, module.ok());
    });
}

fn settle(which: Lazy, module: Option<JsValue>) {
    let waiting = MODULES.with(|m| {
        let next = match &module {
            Some(module) => State::Ready(module.clone()),
            None => State::Idle,
        };
        match core::mem::replace(&mut m.borrow_mut()[which as usize].state, next) {
            State::Loading(waiting) => waiting,
            _ => Vec::new(),
        }
    });
    for f in waiting {
        f(module.as_ref());
    }
}
