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
    // NEVER_TOUCHED plus the site's `ignoreSelector`, joined once at start.
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
        let common = element_of(&range.common_ancestor_container()?);
        container.append_child(&wrap_in_context(fragment, common)?)?;
    }
    if container.query_selector(never)?.is_some() {
        return Ok(());
    }
    // Against the address without lanterne's token: a link to "#intro" must not carry the
    // address-bar token (with `placement: "query"` it would, and the copy's own token
    // would then be refused as a second slot).
    let base = document.base_uri()?.unwrap_or_default();
    let base = crate::core::url::without_token(&base, &session.param).0;
    absolutize_links(&container, &base)?;

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

/// Inline elements whose meaning a selection inside them keeps (a link stays a link).
const INLINE: [&str; 20] = [
    "A", "ABBR", "B", "BDI", "BDO", "CITE", "DEL", "DFN", "EM", "I", "INS", "MARK", "Q", "S",
    "SMALL", "SPAN", "STRONG", "SUB", "SUP", "U",
];

/// Wraps a cloned selection in shallow copies of the ancestors it needs to paste as it
/// looks, as the browser's own copy does: the links and inline formatting a selection is
/// inside of, and the table or list around a selection that spans cells, rows or items
/// (without which a rich paste runs cells together and loses numbering).
fn wrap_in_context(content: Node, common: Option<Element>) -> Result<Node, JsValue> {
    let wrap = |element: &Element, content: Node| -> Result<Node, JsValue> {
        let wrapper = element.clone_node()?;
        wrapper.append_child(&content)?;
        Ok(wrapper)
    };
    let mut content = content;
    let mut current = common;
    while let Some(element) = current.take() {
        if !INLINE.contains(&element.tag_name().as_str()) {
            current = Some(element);
            break;
        }
        content = wrap(&element, content)?;
        current = element.parent_element();
    }
    if let Some(element) = current {
        match element.tag_name().as_str() {
            "TR" | "THEAD" | "TBODY" | "TFOOT" | "TABLE" => {
                let mut next = Some(element);
                while let Some(part) = next {
                    content = wrap(&part, content)?;
                    next = if part.tag_name() == "TABLE" {
                        None
                    } else {
                        part.parent_element()
                    };
                }
            }
            "UL" | "OL" | "DL" => content = wrap(&element, content)?,
            _ => {}
        }
    }
    Ok(content)
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
