//! The `copy` listener (SPEC §3): reads the selection, asks the core what the copy
//! becomes, writes it to the clipboard. Fail-safe by construction: `preventDefault` is
//! the very last call, made only once both formats are written, so any error before it
//! leaves the browser's own copy untouched.

use super::Session;
use crate::core::channel::Channel;
use crate::core::copy::CopyDecision;
use crate::core::event::EventKind;
use wasm_bindgen::prelude::*;
use web_sys::{ClipboardEvent, Element, Node};

/// Where a copy is never touched: form fields, editors, code, and opted-out content.
pub const NEVER_TOUCHED: &str = "input,textarea,select,[contenteditable]:not([contenteditable=false]),pre,code,kbd,samp,[data-lanterne-ignore]";

/// Handles one `copy` event. Errors are swallowed by the caller: the browser then copies
/// as it would have without lanterne.
pub fn on_copy(session: &Session, event: &web_sys::Event) -> Result<(), JsValue> {
    let Some(event) = event.dyn_ref::<ClipboardEvent>() else {
        return Ok(());
    };
    if event.default_prevented() {
        return Ok(()); // an editor or another script already took this copy
    }
    let Some(clipboard) = event.clipboard_data() else {
        return Ok(());
    };
    let never = session.never_touched.as_str();
    if let Some(target) = event.target().and_then(|t| element_of(&t.unchecked_into())) {
        if target.closest(never)?.is_some() {
            return Ok(());
        }
    }
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let document = window.document().ok_or(JsValue::NULL)?;
    let Some(selection) = document.get_selection()? else {
        return Ok(());
    };
    if selection.is_collapsed() || selection.range_count() == 0 {
        return Ok(());
    }
    let plain_js = selection.to_string();
    let chars = plain_js.length();
    if chars > session.policy.max_chars {
        return Ok(()); // before any further work on a huge selection
    }

    // The selection as HTML, the way a native copy would serialise it.
    let container = document.create_element("div")?;
    for i in 0..selection.range_count() {
        let range = selection.get_range_at(i)?;
        for end in [range.start_container()?, range.end_container()?] {
            if element_of(&end)
                .map(|e| e.closest(never))
                .transpose()?
                .flatten()
                .is_some()
            {
                return Ok(());
            }
        }
        let fragment: Node = range.clone_contents()?.into();
        // Selecting inside a single link keeps the link, as browsers do natively.
        let link = element_of(&range.common_ancestor_container()?)
            .map(|e| e.closest("a[href]"))
            .transpose()?
            .flatten();
        match link {
            Some(link) => {
                let wrapper = link.clone_node()?;
                wrapper.append_child(&fragment)?;
                container.append_child(&wrapper)?;
            }
            None => {
                container.append_child(&fragment)?;
            }
        }
    }
    if container.query_selector(never)?.is_some() {
        return Ok(());
    }
    if let Some(extra) = &session.ignore_selector {
        if container.query_selector(extra)?.is_some() {
            return Ok(());
        }
        if let Some(target) = event.target().and_then(|t| element_of(&t.unchecked_into())) {
            if target.closest(extra)?.is_some() {
                return Ok(());
            }
        }
    }
    absolutize_links(&container, &document.base_uri()?.unwrap_or_default())?;

    let plain = String::from(plain_js);
    let html = container.inner_html();
    let token = session.mint(Channel::Copy);
    match session
        .policy
        .decide(&plain, &html, chars, &token, &session.clean_url())
    {
        CopyDecision::Skip(_) => Ok(()),
        CopyDecision::Rewrite { plain, html } => {
            clipboard.set_data("text/plain", &plain)?;
            clipboard.set_data("text/html", &html)?;
            event.prevent_default();
            session.remember_and_report(EventKind::Copy { chars }, Channel::Copy, token);
            Ok(())
        }
    }
}

/// The element a node is or is in (text nodes give their parent).
fn element_of(node: &Node) -> Option<Element> {
    match node.dyn_ref::<Element>() {
        Some(element) => Some(element.clone()),
        None => node.parent_element(),
    }
}

/// Makes relative `href` and `src` attributes absolute against the page, as the browser's
/// own copy does, so links pasted elsewhere keep working (and the site's relative links
/// become tracked ones).
fn absolutize_links(container: &Element, base: &str) -> Result<(), JsValue> {
    let nodes = container.query_selector_all("[href],[src]")?;
    for i in 0..nodes.length() {
        let Some(element) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        for name in ["href", "src"] {
            let Some(value) = element.get_attribute(name) else {
                continue;
            };
            if has_scheme(&value) {
                continue;
            }
            if let Ok(url) = web_sys::Url::new_with_base(&value, base) {
                element.set_attribute(name, &url.href())?;
            }
        }
    }
    Ok(())
}

fn has_scheme(value: &str) -> bool {
    let value = value.trim_start();
    match value.find(':') {
        Some(i) if i > 0 => {
            let scheme = &value.as_bytes()[..i];
            scheme[0].is_ascii_alphabetic()
                && scheme
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        }
        _ => false,
    }
}
