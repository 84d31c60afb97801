//! Declared containers (docs/share-buttons.md#placing-them): `[data-lanterne-share]`
//! elements in the page at start and any added later (a single-page app, infinite scroll)
//! get their row of buttons, with the channels, page, title and text their attributes
//! name. The tracker's document observer hands over what was added ([`draw_added`]).

use super::{owner, RowSettings, ShareHost, CONTAINER};
use crate::core::buttons::read_channels;
use crate::core::chars::cat;
use crate::prelude::*;
use crate::web::dom::document;
use crate::web::page::{page_url, quoting};
use alloc::rc::Rc;
use js_sys::Array;
use wasm_bindgen::JsCast;
use web_sys::{Element, MutationRecord};

/// Draws every container in the page that has no row yet.
pub fn draw_all(host: &Rc<ShareHost>) {
    if let Some(root) = document().document_element() {
        draw_in(host, &root);
    }
}

/// Draws the containers among the nodes that mutation `records` added.
pub fn draw_added(host: &Rc<ShareHost>, records: &Array) {
    for record in records.iter() {
        let added = record.unchecked_into::<MutationRecord>().added_nodes();
        for i in 0..added.length() {
            if let Some(element) = added.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                draw_in(host, &element);
            }
        }
    }
}

fn draw_in(host: &Rc<ShareHost>, element: &Element) {
    if element.matches(CONTAINER).unwrap_or(false) {
        draw_declared(host, element);
    }
    if let Ok(found) = element.query_selector_all(CONTAINER) {
        for i in 0..found.length() {
            if let Some(container) = found.item(i) {
                draw_declared(host, container.unchecked_ref());
            }
        }
    }
}

fn draw_declared(host: &Rc<ShareHost>, element: &Element) {
    // Drawn already (moved, or by another tracker on this page): leave it.
    if owner(element).is_some_and(|row| row.drawn()) {
        return;
    }
    let url = match element.get_attribute("data-url") {
        None => None,
        Some(raw) => match page_url(&raw) {
            Some(url) => Some(url),
            None => {
                let message = quoting("lanterne: data-url must be an http(s) URL (got ", &raw);
                let message = cat(&[&message, "); buttons not drawn"]);
                web_sys::console::error_2(&message.into(), element);
                return;
            }
        },
    };
    // No list: the channels of the server-rendered fallback links, if they name them.
    let list = element.get_attribute("data-channels").or_else(|| {
        let named = element.query_selector_all("[data-channel]").ok()?;
        let mut ids = String::new();
        for i in 0..named.length() {
            let id = named
                .item(i)?
                .unchecked_into::<Element>()
                .get_attribute("data-channel");
            ids.push_str(&id.unwrap_or_default());
            ids.push(','); // empty ids are skipped when read
        }
        (!ids.is_empty()).then_some(ids)
    });
    let channels = match list {
        None => host.session.config.channels.clone(),
        Some(list) => {
            let (channels, problem) = read_channels(&list);
            // A bad id is reported and left out; the rest of the row is still drawn.
            if let Some(problem) = problem {
                let message = cat(&["lanterne: data-channels ", &problem]);
                web_sys::console::error_2(&message.into(), element);
            }
            if channels.is_empty() {
                return;
            }
            channels
        }
    };
    let settings = RowSettings {
        channels,
        url,
        title: element.get_attribute("data-title"),
        text: element.get_attribute("data-text").unwrap_or_default(),
        labels: element.get_attribute("data-labels").as_deref() != Some("false"),
    };
    host.render(element, settings);
}
