//! The buttons' stylesheet, the package's `lanterne.css`. A page links it in its `<head>`
//! (docs/script-tag.md): then the space of a row is known before the wasm arrives,
//! and buttons appearing move nothing. Where a page did not (an app that imports only the
//! module), the first row drawn links it: the stylesheet declares `--lanterne-stylesheet`
//! on the root element, which tells whether it is there.

use crate::web::dom::{document, window};
use core::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;

std::thread_local! {
    static CHECKED: Cell<bool> = const { Cell::new(false) };
    /// Where the package's `lanterne.css` is, from the entry module.
    static STYLESHEET_URL: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Sets where the stylesheet is.
pub fn set_stylesheet_url(url: String) {
    STYLESHEET_URL.with(|u| *u.borrow_mut() = url);
}

/// Links the stylesheet, unless the page has it (checked once).
pub fn ensure() {
    if CHECKED.with(|c| c.replace(true)) {
        return;
    }
    let document = document();
    let Some(root) = document.document_element() else {
        return;
    };
    let present = window()
        .get_computed_style(&root)
        .ok()
        .flatten()
        .and_then(|style| style.get_property_value("--lanterne-stylesheet").ok())
        .is_some_and(|value| !value.is_empty());
    if present {
        return;
    }
    let link = document.create_element("link").ok();
    if let (Some(link), Some(head)) = (link, document.head()) {
        let _ = link.set_attribute("rel", "stylesheet");
        let _ = link.set_attribute("href", &STYLESHEET_URL.with(|u| u.borrow().clone()));
        let _ = head.append_child(link.unchecked_ref());
    }
}
