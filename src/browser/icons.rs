//! Brand icons: one small SVG file per channel (`pkg/icons/`, written by
//! `scripts/icons.mjs` from simple-icons, CC0, and bootstrap-icons, MIT), fetched from
//! where lanterne is served, only for the channels a page shows, never from a third
//! party. Only the paths' `d` of a file reach the page ([`crate::core::markup::brand_icon`]).
//! lanterne's own four icons are in the buttons' markup.

use super::handle::on_settled;
use super::page::window;
use crate::core::channel::Channel;
use crate::core::markup::brand_icon;
use crate::prelude::*;
use core::cell::RefCell;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Response};

/// A brand icon: loading (the icons and buttons waiting for it), or its drawing
/// (`viewBox`, paths markup).
enum Brand {
    Loading(Vec<(Element, Element)>),
    Drawn(String, String),
}

std::thread_local! {
    /// Where the package's icons are: a function of the channel id, from the entry
    /// module (only it knows `import.meta.url`, and bundlers see the folder there).
    static ICON_URL: RefCell<Option<Function>> = const { RefCell::new(None) };
    static BRANDS: RefCell<Vec<(Channel, Brand)>> = const { RefCell::new(Vec::new()) };
}

/// Sets where brand icons are fetched from.
pub fn set_icon_url(url: Function) {
    ICON_URL.with(|u| *u.borrow_mut() = Some(url));
}

/// The drawing of a brand icon already loaded: `viewBox` and paths markup.
pub fn drawn(channel: Channel) -> Option<(String, String)> {
    BRANDS.with(
        |brands| match brands.borrow().iter().find(|(c, _)| *c == channel) {
            Some((_, Brand::Drawn(view_box, paths))) => Some((view_box.clone(), paths.clone())),
            _ => None,
        },
    )
}

/// Draws `channel`'s icon into `svg` once it is loaded; if it cannot be, `button` gets
/// the class `lanterne-no-icon` and shows its label instead.
pub fn draw_later(channel: Channel, svg: Element, button: Element) {
    let start = BRANDS.with(|brands| {
        let mut brands = brands.borrow_mut();
        match brands.iter_mut().find(|(c, _)| *c == channel) {
            Some((_, Brand::Loading(waiting))) => {
                waiting.push((svg, button));
                false
            }
            Some((_, Brand::Drawn(..))) => false,
            None => {
                brands.push((channel, Brand::Loading(vec![(svg, button)])));
                true
            }
        }
    });
    if start {
        load(channel)
    }
}

/// Fetches a brand icon, then draws it into every icon waiting for it; on failure marks
/// their buttons and forgets the attempt, so a later row may try again (offline a moment
/// ago).
fn load(channel: Channel) {
    let url = ICON_URL
        .with(|u| {
            u.borrow()
                .as_ref()
                .and_then(|f| f.call1(&JsValue::UNDEFINED, &channel.id().into()).ok())
        })
        .and_then(|u| u.as_string())
        .unwrap_or_default();
    on_settled(&window().fetch_with_str(&url), move |answer| {
        let text = answer
            .ok()
            .map(|r| r.unchecked_into::<Response>())
            .filter(Response::ok)
            .and_then(|r| r.text().ok());
        match text {
            Some(text) => on_settled(&text, move |text| {
                loaded(channel, text.ok().and_then(|t| t.as_string()))
            }),
            None => loaded(channel, None),
        }
    });
}

fn loaded(channel: Channel, file: Option<String>) {
    let drawing = file.map(|file| brand_icon(&file));
    let waiting = BRANDS.with(|brands| {
        let mut brands = brands.borrow_mut();
        let at = brands.iter().position(|(c, _)| *c == channel)?;
        let previous = match &drawing {
            Some((view_box, paths)) => core::mem::replace(
                &mut brands[at].1,
                Brand::Drawn(view_box.clone(), paths.clone()),
            ),
            None => brands.remove(at).1,
        };
        match previous {
            Brand::Loading(waiting) => Some(waiting),
            Brand::Drawn(..) => None,
        }
    });
    for (svg, button) in waiting.unwrap_or_default() {
        match &drawing {
            Some((view_box, paths)) => {
                let _ = svg.set_attribute("viewBox", view_box);
                svg.set_inner_html(paths);
            }
            None => {
                let _ = button.class_list().add_1("lanterne-no-icon");
            }
        }
    }
}
