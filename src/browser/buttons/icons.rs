//! Brand icons: one small SVG file per channel (`pkg/icons/`, written by
//! `scripts/icons.mjs` from simple-icons, CC0, and bootstrap-icons, MIT), fetched from
//! where lanterne is served, only for the channels a page shows, never from a third
//! party. Only the paths' `d` of a file reach the page ([`crate::core::markup::brand_icon`]).
//! lanterne's own four icons are in the buttons' markup. A server-rendered row
//! ([`crate::core::fallback`]) has its brand icons inline: those are taken as they are
//! ([`take_drawn`]), so the buttons drawn in its place neither fetch nor blink.

use super::super::lazy;
use crate::core::channel::Channel;
use crate::core::markup::{brand_icon, generic_icon};
use crate::prelude::*;
use crate::web::dom::window;
use crate::web::handle::on_settled;
use core::cell::RefCell;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Response};

/// A brand icon: its drawing once loaded (`viewBox`, paths markup), and the buttons'
/// empty `<svg>`s waiting for it meanwhile.
struct Brand {
    channel: Channel,
    drawing: Option<(String, String)>,
    waiting: Vec<Element>,
}

std::thread_local! {
    /// Where the package's icons are: a function of the channel id, from the entry
    /// module (only it knows `import.meta.url`, and bundlers see the folder there).
    static ICON_URL: RefCell<Option<Function>> = const { RefCell::new(None) };
    static BRANDS: RefCell<Vec<Brand>> = const { RefCell::new(Vec::new()) };
}

/// Sets where brand icons are fetched from.
pub fn set_icon_url(url: Function) {
    ICON_URL.with(|u| *u.borrow_mut() = Some(url));
}

/// The drawing of a brand icon already loaded: `viewBox` and paths markup.
pub fn drawn(channel: Channel) -> Option<(String, String)> {
    BRANDS.with(|brands| {
        let brands = brands.borrow();
        brands
            .iter()
            .find(|b| b.channel == channel)?
            .drawing
            .clone()
    })
}

/// Calls `f` with each icon under `element` that `selector` picks, and its button's
/// channel. Not generic: one body for both callers.
fn each_icon(element: &Element, selector: &str, f: &mut dyn FnMut(Channel, Element)) {
    let Ok(svgs) = element.query_selector_all(selector) else {
        return;
    };
    for i in 0..svgs.length() {
        let Some(svg) = svgs.item(i).map(JsCast::unchecked_into::<Element>) else {
            continue;
        };
        let id = svg
            .parent_element()
            .and_then(|b| b.get_attribute("data-channel"));
        if let Some(channel) = id.and_then(|id| Channel::from_id(&id)) {
            f(channel, svg);
        }
    }
}

/// Takes the brand icons a server-rendered row in `element` drew (a button's
/// `svg.lanterne-icon` with paths), as if they had been fetched.
pub fn take_drawn(element: &Element) {
    each_icon(
        element,
        "[data-channel]>.lanterne-icon",
        &mut |channel, svg| {
            if generic_icon(channel).is_none() && drawn(channel).is_none() {
                loaded(channel, Some(svg.outer_html()));
            }
        },
    );
}

/// Draws the brand icons of the buttons drawn into `element` whose icon is empty (not
/// loaded yet) once they are.
pub fn draw_empty(element: &Element) {
    each_icon(element, ".lanterne-icon:empty", &mut draw_later);
}

/// Draws `channel`'s icon into `svg` (a button's empty icon) once it is loaded, unless
/// it is drawn already; if it cannot be loaded, the button gets the class
/// `lanterne-no-icon` and shows its label instead.
pub fn draw_later(channel: Channel, svg: Element) {
    let start = BRANDS.with(|brands| {
        let mut brands = brands.borrow_mut();
        match brands.iter_mut().find(|b| b.channel == channel) {
            Some(brand) => {
                if brand.drawing.is_none() {
                    brand.waiting.push(svg);
                }
                false
            }
            None => {
                brands.push(Brand {
                    channel,
                    drawing: None,
                    waiting: vec![svg],
                });
                true
            }
        }
    });
    if start {
        load(channel)
    }
}

/// Fetches a brand icon, then draws it into every button waiting for it; on failure
/// marks those buttons and forgets the attempt, so a later row may try again (offline a
/// moment ago).
fn load(channel: Channel) {
    let url = ICON_URL
        .with(|u| {
            u.borrow()
                .as_ref()
                .and_then(|f| f.call1(&JsValue::UNDEFINED, &channel.id().into()).ok())
        })
        .and_then(|u| u.as_string())
        .unwrap_or_default();
    // A bundler may inline the small icon files as `data:` URLs (Vite does, under 4 KB):
    // read in place, since a strict CSP's `connect-src` blocks fetching them.
    if let Some(data) = url.strip_prefix("data:") {
        return loaded(channel, data_url(data));
    }
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

/// The text of a `data:` URL (what follows `data:`): base64 or percent-encoded.
fn data_url(data: &str) -> Option<String> {
    let (meta, payload) = data.split_once(',')?;
    if meta.ends_with(";base64") {
        return window().atob(payload).ok();
    }
    js_sys::decode_uri_component(payload).ok()?.as_string()
}

fn loaded(channel: Channel, file: Option<String>) {
    // A file with no path is no icon (the button says so, as for a failed fetch).
    let drawing = file
        .map(|file| brand_icon(&file))
        .filter(|(_, paths)| !paths.is_empty());
    let waiting = BRANDS.with(|brands| {
        let mut brands = brands.borrow_mut();
        let Some(at) = brands.iter().position(|b| b.channel == channel) else {
            // Taken from a server-rendered row: known now, nothing waits.
            if drawing.is_some() {
                brands.push(Brand {
                    channel,
                    drawing: drawing.clone(),
                    waiting: Vec::new(),
                });
            }
            return None;
        };
        if drawing.is_none() {
            return Some(brands.remove(at).waiting);
        }
        let brand = &mut brands[at];
        brand.drawing.clone_from(&drawing);
        Some(core::mem::take(&mut brand.waiting))
    });
    for svg in waiting.unwrap_or_default() {
        match &drawing {
            Some((view_box, paths)) => {
                let _ = svg.set_attribute("viewBox", view_box);
                // The svg is empty. Where Trusted Types refuse the string, the second
                // module builds the paths.
                if svg.insert_adjacent_html("beforeend", paths).is_err() {
                    let paths = paths.clone();
                    lazy::with(move |rare| {
                        if let Some(rare) = rare {
                            rare.build_html(&svg, "beforeend", &paths);
                        }
                    });
                }
            }
            None => {
                if let Some(button) = svg.parent_element() {
                    let _ = button.class_list().add_1("lanterne-no-icon");
                }
            }
        }
    }
}
