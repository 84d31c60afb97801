//! Declared containers (SPEC §4): `[data-lanterne-share]` elements in the page at start
//! and any added later (a single-page app, infinite scroll) get their row of buttons;
//! rows whose element left the page for good are let go. The same document observer
//! tells [`super::routes`] the page changed where the browser has no Navigation API.

use super::buttons::{owner, RowSettings, CONTAINER};
use super::handle::Observer;
use super::page::{document, page_url};
use super::tracker::Inner;
use crate::core::buttons::read_channels;
use crate::prelude::*;
use alloc::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// Draws the page's containers now (with `buttons`, the config's `shareButtons`), and
/// those added later; lets go of rows whose element left the page.
pub fn watch(tracker: &Rc<Inner>, buttons: bool) {
    if buttons {
        draw_all(tracker);
    }
    let by_navigation = super::routes::by_navigation_api();
    let this = Rc::downgrade(tracker);
    let observer = Observer::added_nodes(&document(), move |records| {
        let Some(tracker) = this.upgrade() else {
            return;
        };
        if !by_navigation {
            // A router rendering its new view: the History API has no event for pushState.
            super::routes::changed(&tracker);
        }
        for record in records.iter().filter(|_| buttons) {
            let added = record
                .unchecked_into::<web_sys::MutationRecord>()
                .added_nodes();
            for i in 0..added.length() {
                if let Some(element) = added.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    render_in(&tracker, &element);
                }
            }
        }
        // Rows gone from the page for good are let go (a re-added container is redrawn).
        tracker.prune();
    });
    *tracker.observer.borrow_mut() = observer;
}

/// Draws every container in the page that has no row yet.
pub fn draw_all(tracker: &Rc<Inner>) {
    if let Some(root) = document().document_element() {
        render_in(tracker, &root);
    }
}

fn render_in(tracker: &Rc<Inner>, element: &Element) {
    if element.matches(CONTAINER).unwrap_or(false) {
        render_declared(tracker, element);
    }
    if let Ok(found) = element.query_selector_all(CONTAINER) {
        for i in 0..found.length() {
            if let Some(container) = found.item(i) {
                render_declared(tracker, container.unchecked_ref());
            }
        }
    }
}

fn render_declared(tracker: &Rc<Inner>, element: &Element) {
    // Drawn already (moved, or by another tracker on this page): leave it.
    if owner(element).is_some_and(|bar| bar.drawn()) {
        return;
    }
    let url = match element.get_attribute("data-url") {
        None => None,
        Some(raw) => match page_url(&raw) {
            Some(url) => Some(url),
            None => {
                let mut message = String::from("lanterne: data-url must be an http(s) URL (got ");
                crate::core::json::push_str(&mut message, &raw);
                message.push_str("); buttons not drawn");
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
        None => tracker.session.config.channels.clone(),
        Some(list) => {
            let (channels, problem) = read_channels(&list);
            // A bad id is reported and left out; the rest of the row is still drawn.
            if let Some(problem) = problem {
                let message = ["lanterne: data-channels ", &problem].concat();
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
    tracker.render(element, settings);
}
