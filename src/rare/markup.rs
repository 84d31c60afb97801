//! lanterne's markup on pages that enforce Trusted Types (`require-trusted-types-for
//! 'script'`), where `insertAdjacentHTML` refuses strings: the same elements, built one by
//! one from the markup read back ([`crate::core::nodes`]). The first module tries the
//! string first, and comes here only when it is refused.

use crate::core::nodes::{nodes, Node};
use crate::web::dom::document;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Node as DomNode};

const SVG: &str = "http://www.w3.org/2000/svg";

/// Inserts lanterne's `html` into `target` as `insertAdjacentHTML(position, html)` would
/// (`"beforeend"` or `"afterend"`), without a string sink.
///
/// ```js
/// buildHtml(row, "beforeend", '<a class="lanterne-button" …>…</a>');
/// ```
#[wasm_bindgen(js_name = buildHtml)]
pub fn build_html(target: Element, position: &str, html: &str) {
    let in_svg = target.namespace_uri().as_deref() == Some(SVG);
    for node in nodes(html) {
        let Some(built) = build(&node, in_svg) else {
            continue;
        };
        let _ = if position == "afterend" {
            target.after_with_node_1(&built)
        } else {
            target.append_with_node_1(&built)
        };
    }
}

fn build(node: &Node, in_svg: bool) -> Option<DomNode> {
    let document = document();
    match node {
        Node::Text(text) => Some(document.create_text_node(text).into()),
        Node::Element {
            name,
            attributes,
            children,
        } => {
            let svg = in_svg || name == "svg";
            let element = if svg {
                document.create_element_ns(Some(SVG), name).ok()?
            } else {
                document.create_element(name).ok()?
            };
            for (key, value) in attributes {
                let _ = element.set_attribute(key, value);
            }
            for child in children {
                if let Some(child) = build(child, svg) {
                    let _ = element.append_child(&child);
                }
            }
            Some(element.unchecked_into())
        }
    }
}
