//! The buttons' stylesheet (`js/lanterne.css`, minified into the wasm by `build.rs`),
//! adopted as a constructed stylesheet: no `<style>` element, so it works under a strict
//! `style-src 'self'`. Where constructed stylesheets are missing (Safari before 16.4),
//! the same rules are linked as the package's `lanterne.css`.

use crate::web::dom::document;
use core::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;

const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/lanterne.min.css"));

std::thread_local! {
    static ADOPTED: Cell<bool> = const { Cell::new(false) };
    /// Where the package's `lanterne.css` is, from the entry module.
    static STYLESHEET_URL: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Sets where the fallback stylesheet is.
pub fn set_stylesheet_url(url: String) {
    STYLESHEET_URL.with(|u| *u.borrow_mut() = url);
}

/// Adds the stylesheet to the document, once.
pub fn adopt() {
    if ADOPTED.with(|a| a.replace(true)) {
        return;
    }
    let document = document();
    let adopted = web_sys::CssStyleSheet::new().and_then(|sheet| {
        sheet.replace_sync(CSS)?;
        let sheets = document.adopted_style_sheets();
        sheets.push(&sheet);
        document.set_adopted_style_sheets(&sheets);
        Ok(())
    });
    if adopted.is_err() {
        let link = document.create_element("link").ok();
        if let (Some(link), Some(head)) = (link, document.head()) {
            let _ = link.set_attribute("rel", "stylesheet");
            let _ = link.set_attribute("href", &STYLESHEET_URL.with(|u| u.borrow().clone()));
            let _ = head.append_child(link.unchecked_ref());
        }
    }
}
