//! Bindings to the page, declared by hand where that is smaller than web-sys's: the
//! window and the document as globals (web-sys's `window()` probes four globals first),
//! and a few one-line functions of `js/dom.js` that each do one fixed thing the page would
//! otherwise need several imported calls for. Those hold no decision (no branching on the
//! page, the config or the selection): every decision is made in Rust.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Window};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: Window;
    #[wasm_bindgen(thread_local_v2, js_name = document)]
    static DOCUMENT: Document;
}

/// The page's `window`.
pub fn window() -> Window {
    WINDOW.with(Clone::clone)
}

/// The page's `document`.
pub fn document() -> Document {
    DOCUMENT.with(Clone::clone)
}

#[wasm_bindgen(module = "/js/dom.js")]
extern "C" {
    /// `location.href`.
    pub fn href() -> String;
    /// How this document was loaded: `PerformanceNavigationTiming.type` (`navigate`,
    /// `reload`, `back_forward`, `prerender`), `"undefined"` where the browser does not say.
    #[wasm_bindgen(js_name = navigationType)]
    pub fn navigation_type() -> String;
    /// Shows `url` in the address bar: `History.prototype.replaceState` on `history`, past
    /// any wrapper a site's analytics put on `history.replaceState`, keeping
    /// `history.state`.
    #[wasm_bindgen(js_name = replaceUrl, catch)]
    pub fn replace_url(url: &str) -> Result<(), JsValue>;
    /// `fetch(url, { method: "POST", body, keepalive, mode: "cors", credentials: "omit",
    /// signal, headers })`.
    pub fn post(
        url: &str,
        body: &str,
        keepalive: bool,
        signal: &JsValue,
        headers: &JsValue,
    ) -> Promise;
    /// Sets a row's element aside into `stash` (its children) and draws `html` into it.
    /// Throws where Trusted Types refuse HTML strings (the children are set aside then).
    #[wasm_bindgen(js_name = drawInto, catch)]
    pub fn draw_into(element: &Element, stash: &JsValue, html: &str) -> Result<(), JsValue>;
    /// `new MutationObserver(callback).observe(root, { childList: true, subtree: true })`,
    /// returning the observer.
    #[wasm_bindgen(js_name = observeTree)]
    pub fn observe_tree(root: &JsValue, callback: &Function) -> JsValue;
    /// A share about to happen, as `onShare` listeners see it (`ShareIntent` in
    /// `lanterne.d.ts`): `channel` and `token` read-only, `url`, `title` and `text` to
    /// change, `cancel()` and `cancelled`.
    #[wasm_bindgen(js_name = shareIntent)]
    pub fn share_intent(channel: &str, token: &str, url: &str, title: &str, text: &str) -> JsValue;
    /// A row as `renderButtons` returns it (`ShareButtons`): `element`, `skipped`, and
    /// `state(false)` as its `drawn`, `state(true)` as its `remove()`.
    #[wasm_bindgen(js_name = shareButtons)]
    pub fn share_buttons(element: &Element, skipped: &JsValue, state: &JsValue) -> JsValue;
}
