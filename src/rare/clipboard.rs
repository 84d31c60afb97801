//! Copy link's fallbacks (docs/share-buttons.md#what-a-click-does): where the Clipboard
//! API is missing (in-app browsers) or refuses, a hidden field and `execCommand("copy")`,
//! in the click's user activation; where that fails too, the link shown in a selected,
//! read-only field, to copy by hand.

use super::markup::build_html;
use crate::core::markup::{manual_field, OFFSCREEN_TEXTAREA};
use crate::web::page::get;
use gloo_utils::document;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// Calls `target.method(argument)` where `target` has that method; `None` when it has
/// not, or the call threw.
fn call(target: &JsValue, method: &str, argument: &JsValue) -> Option<JsValue> {
    let f = get(target, method).dyn_into::<Function>().ok()?;
    f.call1(target, argument).ok()
}

/// Copies `text` through a temporary field and `execCommand("copy")`: whether it worked.
/// The focus goes back where it was.
///
/// ```js
/// copyByField("https://blog.example/a?utm_source=copy_link#lt=C…"); // true
/// ```
#[wasm_bindgen(js_name = copyByField)]
pub fn copy_by_field(text: &str) -> bool {
    let document = document();
    let focused = get(&document, "activeElement");
    let Some(body) = document.body() else {
        return false;
    };
    build_html(body.clone().into(), "beforeend", OFFSCREEN_TEXTAREA);
    let Some(area) = body.last_element_child() else {
        return false;
    };
    let _ = Reflect::set(&area, &"value".into(), &text.into());
    call(&area, "select", &JsValue::UNDEFINED);
    // The end is clamped to the field's length.
    let _ = area
        .unchecked_ref::<web_sys::HtmlTextAreaElement>()
        .set_selection_range(0, u32::MAX);
    let ok = call(&document, "execCommand", &"copy".into()) == Some(JsValue::TRUE);
    area.remove();
    let options = crate::web::handle::object(&[("preventScroll", true.into())]);
    call(&focused, "focus", &options);
    ok
}

/// Shows `url` in a selected, read-only field after `status` (a row's status region),
/// named by `message`; returns the field.
///
/// ```js
/// showManual(status, "Could not copy the link", "https://blog.example/a#lt=C…");
/// ```
#[wasm_bindgen(js_name = showManual)]
pub fn show_manual(status: Element, message: &str, url: &str) -> JsValue {
    build_html(status.clone(), "afterend", &manual_field(message));
    let Some(field) = status.next_element_sibling() else {
        return JsValue::UNDEFINED;
    };
    let _ = Reflect::set(&field, &"value".into(), &url.into());
    call(&field, "select", &JsValue::UNDEFINED);
    field.into()
}
