//! Button icons. Brand icons are one small SVG file each (`pkg/icons/`, written by
//! `scripts/icons.mjs` from simple-icons, CC0, and bootstrap-icons, MIT), fetched from
//! where lanterne is served, only for the channels a page shows, never from a third party,
//! and drawn inline as `<svg><path>` (no `innerHTML`). The four generic icons are
//! lanterne's own and small enough to live here.

use super::handle::on_settled;
use super::page::{document, window};
use crate::core::channel::Channel;
use crate::prelude::*;
use core::cell::RefCell;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Response};

const SVG: &str = "http://www.w3.org/2000/svg";

/// 24×24, drawn with the even-odd rule so inner shapes cut out.
fn generic(channel: Channel) -> Option<&'static str> {
    Some(match channel {
        Channel::Email => "M3 4.5h18A1.5 1.5 0 0 1 22.5 6v12a1.5 1.5 0 0 1-1.5 1.5H3A1.5 1.5 0 0 1 1.5 18V6A1.5 1.5 0 0 1 3 4.5zm.5 2.3v.9l8.5 5.6 8.5-5.6v-.9L12 12.3z",
        Channel::Sms => "M4 2.5h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H10l-5.5 4.5v-4.5H4a2 2 0 0 1-2-2v-11a2 2 0 0 1 2-2zM8 8.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm4 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm4 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z",
        Channel::CopyLink => "M9 1.5h10.5A1.5 1.5 0 0 1 21 3v13.5a1.5 1.5 0 0 1-1.5 1.5H9a1.5 1.5 0 0 1-1.5-1.5V3A1.5 1.5 0 0 1 9 1.5zm.5 2v12.5h9.5V3.5zM4 6h2v14h11v2.5H4A1.5 1.5 0 0 1 2.5 21V7.5A1.5 1.5 0 0 1 4 6z",
        Channel::WebShare => "M12 1l5.5 5.5-1.4 1.4-3.1-3.1V15h-2V4.8L7.9 7.9 6.5 6.5zM4 10h4v2H5v8.5h14V12h-3v-2h4a1 1 0 0 1 1 1v10.5a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1z",
        // Signal and Messenger open the share sheet but keep their own logos (fetched).
        _ => return None,
    })
}

/// A brand icon: loading (the icons and buttons waiting for it), or its drawing.
enum Brand {
    Loading(Vec<(Element, Element)>),
    Drawn {
        view_box: String,
        paths: Vec<String>,
    },
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

/// An `<svg>` for `channel`, hidden from assistive technology (the button is named).
/// Brand paths arrive asynchronously; if they cannot be loaded, `button` gets the class
/// `lanterne-no-icon` and shows its label instead.
pub fn icon(channel: Channel, button: &Element) -> Result<Element, JsValue> {
    let svg = document().create_element_ns(Some(SVG), "svg")?;
    svg.set_attribute("class", "lanterne-icon")?;
    svg.set_attribute("aria-hidden", "true")?;
    svg.set_attribute("focusable", "false")?;
    svg.set_attribute("viewBox", "0 0 24 24")?;
    if let Some(path) = generic(channel) {
        fill(&svg, "0 0 24 24", &[path], true);
        return Ok(svg);
    }
    let drawn = BRANDS.with(|brands| {
        let mut brands = brands.borrow_mut();
        match brands.iter_mut().find(|(c, _)| *c == channel) {
            Some((_, Brand::Drawn { view_box, paths })) => Some((view_box.clone(), paths.clone())),
            Some((_, Brand::Loading(waiting))) => {
                waiting.push((svg.clone(), button.clone()));
                None
            }
            None => {
                brands.push((channel, Brand::Loading(vec![(svg.clone(), button.clone())])));
                load(channel);
                None
            }
        }
    });
    if let Some((view_box, paths)) = drawn {
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        fill(&svg, &view_box, &paths, false);
    }
    Ok(svg)
}

fn fill(svg: &Element, view_box: &str, paths: &[&str], even_odd: bool) {
    let document = document();
    let _ = svg.set_attribute("viewBox", view_box);
    for d in paths {
        if let Ok(path) = document.create_element_ns(Some(SVG), "path") {
            let _ = path.set_attribute("d", d);
            if even_odd {
                let _ = path.set_attribute("fill-rule", "evenodd");
            }
            let _ = svg.append_child(&path);
        }
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

fn loaded(channel: Channel, svg: Option<String>) {
    let drawing = svg.map(|svg| parse(&svg));
    let waiting = BRANDS.with(|brands| {
        let mut brands = brands.borrow_mut();
        let at = brands.iter().position(|(c, _)| *c == channel)?;
        let waiting = match &drawing {
            Some((view_box, paths)) => core::mem::replace(
                &mut brands[at].1,
                Brand::Drawn {
                    view_box: view_box.clone(),
                    paths: paths.clone(),
                },
            ),
            None => brands.remove(at).1,
        };
        match waiting {
            Brand::Loading(waiting) => Some(waiting),
            Brand::Drawn { .. } => None,
        }
    });
    for (svg, button) in waiting.unwrap_or_default() {
        match &drawing {
            Some((view_box, paths)) => {
                let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
                fill(&svg, view_box, &paths, false)
            }
            None => {
                let _ = button.class_list().add_1("lanterne-no-icon");
            }
        }
    }
}

/// The `viewBox` and the `d` of each path of an icon file.
fn parse(svg: &str) -> (String, Vec<String>) {
    let attribute = |from: &str, name: &str| -> Option<(String, usize)> {
        let at = crate::core::chars::find_str(from, name)? + name.len();
        let rest = from.get(at..)?;
        let end = rest.find('"')?;
        Some((rest.get(..end)?.to_owned(), at + end))
    };
    let view_box = attribute(svg, "viewBox=\"").map_or_else(|| "0 0 24 24".to_owned(), |(v, _)| v);
    let mut paths = Vec::new();
    let mut rest = svg;
    while let Some((d, end)) = attribute(rest, " d=\"") {
        paths.push(d);
        rest = rest.get(end..).unwrap_or("");
    }
    (view_box, paths)
}
