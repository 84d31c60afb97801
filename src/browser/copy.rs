//! The copy listener (docs/how-it-works.md#copy-tracking): reads what the visitor is
//! copying from the page, asks the core what the copy becomes ([`crate::core::copy`]),
//! and writes that to the clipboard. Fail-safe by construction: `preventDefault` is the
//! very last call, made only once both formats are written, and any error before it
//! leaves the browser's own copy as it was.
//!
//! Links are rewritten on the copied DOM (the browser already decoded every attribute),
//! so no HTML tokenizer ships in the wasm. Share rows are left out of it
//! ([`SHARE_ROWS`]).

use super::reporting::Reporting;
use super::session::Session;
use crate::core::channel::Channel;
use crate::core::chars::{find_byte, sub};
use crate::core::copy::{CopyDecision, Selection, EDITORS, SHARE_ROWS};
use crate::core::event::EventKind;
use crate::core::token::ShareToken;
use crate::core::url::is_scheme;
use crate::prelude::*;
use crate::web::dom::document;
use crate::web::page::{base_url, console, element_of, href, inside, random_bytes, Level};
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ClipboardEvent, Element, Event, Node};

/// Handles one `copy` event: changes the copy only when the core says so, and never
/// throws (an error is reported on the console, and the browser copies as usual).
pub fn on_copy(session: &Session, reporting: &Rc<Reporting>, event: &Event) {
    if let Err(error) = try_copy(session, reporting, event.unchecked_ref()) {
        console(Level::Error, &error);
    }
}

// Inline elements a selection inside them is wrapped in, as a native copy does, so that
// a paste keeps the link or the emphasis.
const INLINE: [&str; 20] = [
    "A", "ABBR", "B", "BDI", "BDO", "CITE", "DEL", "DFN", "EM", "I", "INS", "MARK", "Q", "S",
    "SMALL", "SPAN", "STRONG", "SUB", "SUP", "U",
];
const TABLE_PARTS: [&str; 5] = ["TR", "THEAD", "TBODY", "TFOOT", "TABLE"];

fn try_copy(
    session: &Session,
    reporting: &Rc<Reporting>,
    event: &ClipboardEvent,
) -> Result<(), JsValue> {
    // Another handler took this copy (an editor, a site script): leave it.
    let Some(data) = event
        .clipboard_data()
        .filter(|_| !event.default_prevented())
    else {
        return Ok(());
    };
    let target = event.target().and_then(|t| element_of(t.unchecked_ref()));
    if target.is_some_and(|t| inside(&t, EDITORS)) {
        return Ok(());
    }
    let document = document();
    let Some(selection) = document.get_selection()? else {
        return Ok(());
    };
    // (No range at all is collapsed too.)
    if selection.is_collapsed() {
        return Ok(());
    }
    let text = selection.to_string();
    let chars = text.length();
    if chars > session.config.max_chars {
        return Ok(()); // before any further work on a huge selection
    }
    let verbatim = session.verbatim.as_str();
    let container = document.create_element("div")?;
    // Whether a range starts or ends inside code: that code's part must be in the copy as
    // code, or the copy is left alone (see below).
    let mut ends_in_code = false;
    for i in 0..selection.range_count() {
        let range = selection.get_range_at(i)?;
        let common = element_of(&range.common_ancestor_container()?);
        // A selection inside code is the browser's alone; so is one inside an editor, which
        // the checks of its ends below find (they are inside whatever `common` is in).
        if common.as_ref().is_some_and(|c| inside(c, verbatim)) {
            return Ok(());
        }
        for end in [range.start_container()?, range.end_container()?] {
            match element_of(&end) {
                Some(e) if inside(&e, EDITORS) => return Ok(()),
                Some(e) => ends_in_code |= inside(&e, verbatim),
                None => {}
            }
        }
        container.append_child(&in_context(range.clone_contents()?.into(), common)?)?;
    }
    // A share row is never part of a copy (docs/how-it-works.md#copy-tracking): the
    // stylesheet keeps it out of the selection's text, and any row the selection spans is
    // left out of what is written (its links, icons and labels, and a copy-by-hand field
    // it may show). (querySelectorAll: the one query import the layer has for elements.)
    let rows = container.query_selector_all(SHARE_ROWS)?;
    for i in 0..rows.length() {
        if let Some(row) = rows.item(i) {
            row.unchecked_into::<Element>().remove();
        }
    }
    let has_code = container.query_selector_all(verbatim)?.length() > 0;
    // A selection ending in code that the copied DOM does not show as code (a site's
    // ignoreSelector that needs ancestors outside the copy): left alone, to be safe.
    if container.query_selector_all(EDITORS)?.length() > 0 || (ends_in_code && !has_code) {
        return Ok(());
    }
    // Relative links made absolute, as the browser's own copy does; against the address
    // without lanterne's token: a link to "#intro" must not carry the address bar's
    // token (with query placement it would, and the copy's own token would then be
    // refused as a second slot). Then each link of a tracked host, outside code (copied
    // byte for byte), gets the token.
    let base = session.clean(&base_url());
    let token = ShareToken::mint(Channel::Copy, &random_bytes());
    let rewriter = &session.policy.rewriter;
    let mut links = 0;
    let linked = container.query_selector_all("[href],[src]")?;
    for i in 0..linked.length() {
        let Some(element) = linked.item(i).map(|n| n.unchecked_into::<Element>()) else {
            continue;
        };
        for name in ["src", "href"] {
            let Some(mut value) = element.get_attribute(name) else {
                continue;
            };
            if !has_scheme(&value) {
                if let Ok(url) = web_sys::Url::new_with_base(&value, &base) {
                    value = url.to_string().into(); // its href
                    element.set_attribute(name, &value)?;
                }
            }
            // Links: what `a[href],area[href]` selects (in HTML, SVG and XHTML documents).
            if name == "href"
                && matches!(element.tag_name().as_str(), "A" | "AREA" | "a" | "area")
                && !inside(&element, verbatim)
            {
                if let Some(tracked) = rewriter.rewrite_href(&value, &token) {
                    element.set_attribute(name, &tracked)?;
                    links += 1;
                }
            }
        }
    }
    let segments = if has_code {
        segments(&document, &container, verbatim)?
    } else {
        Vec::new()
    };
    let plain = String::from(text);
    let copy = Selection {
        plain: &plain,
        segments: &segments,
        links,
        chars,
    };
    let page = session.clean(&href());
    let CopyDecision::Rewrite { plain, html_line } = session.policy.decide(&copy, &token, &page)
    else {
        return Ok(());
    };
    let mut html = container.inner_html();
    html.push_str(html_line.as_deref().unwrap_or(""));
    data.set_data("text/plain", &plain)?;
    data.set_data("text/html", &html)?;
    event.prevent_default();
    let kind = EventKind::Copy { chars };
    reporting.report_share(kind, Channel::Copy, token, page, document.title());
    Ok(())
}

/// Whether a link value starts with a scheme (`https:`, `mailto:`): left as it is.
fn has_scheme(value: &str) -> bool {
    let value = value.trim_start_matches(crate::core::chars::is_space);
    find_byte(value, b':').is_some_and(|colon| is_scheme(sub(value, 0, colon)))
}

// Wraps a cloned selection in shallow copies of the ancestors it needs to paste as it
// looks, as the browser's own copy does: the links and inline formatting it is inside
// of, and the table or list around a selection that spans cells, rows or items. One walk
// up: inline elements, then either a table part and every ancestor up to its table, or
// one list.
fn in_context(mut content: Node, mut element: Option<Element>) -> Result<Node, JsValue> {
    let mut in_table = false;
    while let Some(e) = element {
        let tag = e.tag_name();
        let tag = tag.as_str();
        let list = matches!(tag, "UL" | "OL" | "DL");
        if !in_table && !INLINE.contains(&tag) {
            in_table = TABLE_PARTS.contains(&tag);
            if !in_table && !list {
                break;
            }
        }
        let wrapper = e.clone_node()?;
        wrapper.append_child(&content)?;
        content = wrapper;
        element = if tag == "TABLE" || (list && !in_table) {
            None
        } else {
            e.parent_element()
        };
    }
    Ok(content)
}

/// The copied DOM's text, in order, each run marked `true` inside code: what the core
/// aligns with the selection's text to leave code untouched.
fn segments(
    document: &web_sys::Document,
    container: &Element,
    verbatim: &str,
) -> Result<Vec<(bool, String)>, JsValue> {
    const SHOW_TEXT: u32 = 4;
    let walker = document.create_tree_walker_with_what_to_show(container, SHOW_TEXT)?;
    let mut segments: Vec<(bool, String)> = Vec::new();
    while let Some(node) = walker.next_node()? {
        let code = node.parent_element().is_some_and(|p| inside(&p, verbatim));
        let text = node.node_value().unwrap_or_default();
        match segments.last_mut() {
            Some((last, run)) if *last == code => run.push_str(&text),
            _ => segments.push((code, text)),
        }
    }
    Ok(segments)
}
