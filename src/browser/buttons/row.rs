//! One row of share buttons: drawn into an element with one call (the core's markup,
//! [`crate::core::markup`]), one delegated listener for its clicks, and the
//! `role="status"` region that tells the visitor what happened.
//!
//! A drawn link shows the share URL without a token (with its UTM parameters): each click
//! gives it a fresh token just before the browser follows it, and "copy link address" or a
//! drag does too, so no token is minted for a button nobody uses.

use super::super::lazy;
use super::{icons, Mode, RowSettings, ShareHost};
use crate::core::channel::Channel;
use crate::core::chars::{cat, find_str};
use crate::core::markup;
use crate::core::share::ShareTarget;
use crate::core::strings::Phrase;
use crate::core::token::ShareToken;
use crate::prelude::*;
use crate::web::dom::{document, draw_into, share_intent, window};
use crate::web::handle::{object, on_settled, EventListener, Timeout};
use crate::web::page::{console, get, href, page_url, quoting, Level};
use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DocumentFragment, Element, Event};

/// The classes a row gives its element: always the first, the second for icon-only rows.
const CLASSES: [&str; 2] = ["lanterne-share", "lanterne-icons-only"];

std::thread_local! {
    /// The channels whose "no button" message was given (bit `channel as u32`): once per
    /// page and reason, and each channel has one reason.
    static TOLD: Cell<u32> = const { Cell::new(0) };
}

/// The buttons drawn into one element; `remove()` takes them out, removes the listener
/// and puts back what the element held before (server-rendered fallback links).
pub struct Row {
    host: Weak<ShareHost>,
    /// The element the buttons are drawn into (the page's `ShareButtons.element`).
    pub element: Element,
    settings: RowSettings,
    /// Whether its element has been seen in the page (a row is let go when its element
    /// leaves the page, not before it first joins it).
    seen: Cell<bool>,
    /// What the element held before the buttons.
    stash: DocumentFragment,
    /// `ShareButtons.skipped`: `[{ channel, reason }]`.
    skipped: Array,
    /// Whether a share sheet is open (further clicks on the row are ignored).
    sharing: Cell<bool>,
    /// The buttons, while drawn.
    drawn: RefCell<Option<Drawn>>,
}

/// What a drawn row holds on to until it is removed.
struct Drawn {
    /// The field with the link to copy by hand, after a failed copy.
    manual: Option<Element>,
    /// The status region's next change.
    timer: Option<Timeout>,
    /// Which of [`CLASSES`] the row added to the element (bit `i` for `CLASSES[i]`): only
    /// those are taken back.
    added: u8,
    _listener: EventListener,
}

/// What the status region says next.
enum Say {
    Copied,
    /// The copy failed: the link to show for copying by hand.
    Failed(String),
    Clear,
}

/// A share that happens once the browser says so, to report then.
struct Share {
    channel: Channel,
    token: Option<ShareToken>,
    /// The shared page without lanterne's token.
    page: String,
    title: String,
}

/// Calls `target.method(argument)` where `target` has that method; `None` when it has
/// not, or the call threw. (By name: one import for every method called this way.)
fn call(target: &JsValue, method: &str, argument: &JsValue) -> Option<JsValue> {
    let f = get(target, method).dyn_into::<Function>().ok()?;
    f.call1(target, argument).ok()
}

/// Whether the share sheet takes `data` (`navigator.canShare`).
fn can_share(data: &JsValue) -> bool {
    call(&window().navigator(), "canShare", data) == Some(JsValue::TRUE)
}

// Once per page and reason. A browser without a share sheet is expected (a site offers
// web_share for phones): info. A channel the config leaves unusable is a warning.
fn tell_once(channel: Channel, reason: &str) {
    let bit = 1 << channel as u32;
    if TOLD.with(|told| told.replace(told.get() | bit)) & bit != 0 {
        return;
    }
    let level = if channel == Channel::WebShare {
        Level::Info
    } else {
        Level::Warn
    };
    let message = cat(&["lanterne: no ", channel.id(), " button: ", reason]);
    console(level, &JsValue::from_str(&message));
}

impl Row {
    /// Draws a row into `element`: for the channels that can be offered here. When none
    /// can, the element keeps what it had (fallback links work).
    pub fn draw(host: &Rc<ShareHost>, element: &Element, settings: RowSettings) -> Rc<Row> {
        icons::take_drawn(element);
        let labels = host.session.labels();
        let title = settings.title.clone().unwrap_or_else(|| document().title());
        let skipped = Array::new();
        let mut html = String::new();
        // Whether a button may need the clipboard fallbacks (the second module's).
        let mut copies = false;
        for &channel in &settings.channels {
            let prepared = host.prepare(
                channel,
                settings.url.as_deref(),
                &title,
                &settings.text,
                Mode::Drawn,
            );
            let why = match prepared {
                Err(unavailable) => unavailable.reason(),
                Ok(_)
                    if channel == Channel::WebShare
                        && !can_share(&object(&[("url", href().into())])) =>
                {
                    "this browser has no Web Share API (navigator.canShare)"
                }
                Ok(prepared) => {
                    copies |= matches!(
                        prepared.target,
                        ShareTarget::Clipboard | ShareTarget::NativeSheet
                    );
                    let icon = icons::drawn(channel);
                    let button = markup::Button {
                        channel,
                        target: &prepared.target,
                        label: labels.name(channel),
                        name: &labels.accessible_name(channel),
                        icon: icon.as_ref().map(|(v, p)| (v.as_str(), p.as_str())),
                        waiting: false,
                    };
                    markup::push_button(&mut html, &button, settings.labels);
                    continue;
                }
            };
            tell_once(channel, why);
            skipped.push(&object(&[
                ("channel", channel.id().into()),
                ("reason", why.into()),
            ]));
        }
        // Without the Clipboard API (in-app browsers), every copy needs the fallback:
        // loaded now, so a click finds it.
        if copies && get(&window().navigator(), "clipboard").is_undefined() {
            lazy::prefetch();
        }
        let stash = document().create_document_fragment();
        Rc::new_cyclic(|this: &Weak<Row>| {
            // Nothing this browser can use: the element keeps what it had (fallback links).
            let drawn = if html.is_empty() {
                None
            } else {
                Some(Drawn::draw(
                    element,
                    &stash,
                    html,
                    settings.labels,
                    this.clone(),
                ))
            };
            Row {
                host: Rc::downgrade(host),
                element: element.clone(),
                settings,
                seen: Cell::new(element.is_connected()),
                stash,
                skipped,
                sharing: Cell::new(false),
                drawn: RefCell::new(drawn),
            }
        })
    }

    /// Whether its element left the page after having been in it.
    pub fn gone(&self) -> bool {
        if self.element.is_connected() {
            self.seen.set(true);
        }
        self.seen.get() && !self.element.is_connected()
    }

    /// Whether buttons are drawn (false once removed, or when no channel could be
    /// offered).
    pub fn drawn(&self) -> bool {
        self.drawn.borrow().is_some()
    }

    /// The `role="status"` region after the buttons.
    fn status(&self) -> Option<Element> {
        self.element
            .query_selector(":scope>.lanterne-status")
            .ok()
            .flatten()
    }

    /// Removes the buttons and restores what the element held before. Idempotent.
    pub fn remove(&self) {
        let Some(drawn) = self.drawn.borrow_mut().take() else {
            return;
        };
        let element = &self.element;
        element.set_text_content(None); // every child, buttons and status
        let _ = element.append_child(&self.stash);
        let list = element.class_list();
        for (i, class) in CLASSES.iter().enumerate() {
            if drawn.added & 1 << i != 0 {
                let _ = list.remove_1(class);
            }
        }
        // Dropping what was drawn removes its listener and clears its timer.
    }

    // Tells the visitor: a status a screen reader announces (cleared first, so the same
    // words twice are announced twice), and after a failed copy, the link to copy by hand.
    fn say(self: &Rc<Self>, what: Say) {
        let mut drawn = self.drawn.borrow_mut();
        let Some(drawn) = drawn.as_mut() else {
            return; // removed meanwhile
        };
        if let Some(field) = drawn.manual.take() {
            field.remove();
        }
        if let Some(status) = self.status() {
            status.set_text_content(None);
        }
        // A moment later, so assistive technology sees the region change.
        drawn.timer = Some(self.later(50.0, what));
    }

    /// Shows `what` in the status region after `ms` milliseconds (one closure type for
    /// every change of the region).
    fn later(self: &Rc<Self>, ms: f64, what: Say) -> Timeout {
        let this = Rc::downgrade(self);
        Timeout::new(ms, move || {
            if let Some(row) = this.upgrade() {
                row.show(what)
            }
        })
    }

    fn show(self: &Rc<Self>, what: Say) {
        let Some(host) = self.host.upgrade() else {
            return; // stopped: the row is removed
        };
        let failed = {
            let mut drawn = self.drawn.borrow_mut();
            let (Some(drawn), Some(status)) = (drawn.as_mut(), self.status()) else {
                return;
            };
            let phrase = match what {
                Say::Copied => Phrase::LinkCopied,
                Say::Failed(_) => Phrase::CopyFailed,
                Say::Clear => return status.set_text_content(None),
            };
            let labels = host.session.labels();
            let message = labels.phrase(phrase);
            status.set_text_content(Some(message));
            let Say::Failed(url) = what else {
                drawn.timer = Some(self.later(5000.0, Say::Clear));
                return;
            };
            (status, message.to_owned(), url)
        };
        // The field to copy by hand: the second module's (only a failed copy needs it).
        let (status, message, url) = failed;
        let this = Rc::downgrade(self);
        lazy::with(move |rare| {
            let (Some(rare), Some(row)) = (rare, this.upgrade()) else {
                return;
            };
            let field = rare.show_manual(&status, &message, &url);
            let mut drawn = row.drawn.borrow_mut();
            if let Some(drawn) = drawn.as_mut() {
                drawn.manual = field.dyn_into().ok();
            }
        });
    }

    fn handle(self: &Rc<Self>, event: &Event) {
        let button = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest(".lanterne-button").ok().flatten());
        // Only this row's own buttons (not those of a row nested in it).
        let Some(button) =
            button.filter(|b| self.drawn() && b.parent_element().as_ref() == Some(&self.element))
        else {
            return;
        };
        // After stop() the tracker is gone: leave the link to the browser.
        let Some(host) = self.host.upgrade().filter(|h| !h.stopped()) else {
            return;
        };
        let Some(channel) = button
            .get_attribute("data-channel")
            .and_then(|id| Channel::from_id(&id))
        else {
            return;
        };
        let is_link = button.tag_name() == "A";
        let kind = get(event, "type").as_string().unwrap_or_default();
        // "Copy link address" or a drag: the link is about to leave without a click.
        let away = kind == "contextmenu" || kind == "dragstart";
        if away {
            if !is_link {
                return;
            }
        } else {
            // Another handler took the click (a consent wall, a router): leave it alone.
            // Middle-click opens links only.
            let middle = get(event, "button").as_f64() == Some(1.0);
            if event.default_prevented() || (kind == "auxclick" && (!middle || !is_link)) {
                return;
            }
            if self.sharing.get() {
                event.prevent_default(); // a share sheet is already open
                return;
            }
        }
        let (url, text) = (self.settings.url.as_deref(), &self.settings.text);
        let title = self.title();
        let Ok(prepared) = host.prepare(channel, url, &title, text, Mode::Share) else {
            return; // fail open: the link's own href still works
        };
        if away {
            // Give the link a fresh token and remember it, so that following it later is
            // not counted as an arrival.
            if let ShareTarget::NewTab(href) | ShareTarget::SameTab(href) = &prepared.target {
                let _ = button.set_attribute("href", href);
            }
            if let Some(token) = &prepared.token {
                host.remember(token);
            }
            return;
        }
        let token = prepared.token.as_ref().map_or("", ShareToken::as_str);
        let mut shared_url = prepared.url;
        let mut target = prepared.target;
        let mut sheet_text = text.clone();
        let mut sheet_title = title.clone();
        if !host.shares.is_empty() {
            // Shown to the share listeners, who may amend or cancel it.
            let intent = share_intent(channel.id(), token, &shared_url, &title, text);
            host.shares.call(&intent);
            let read = |key: &str| get(&intent, key).as_string().unwrap_or_default();
            let amended = (read("url"), read("title"), read("text"));
            if get(&intent, "cancelled") == JsValue::TRUE || host.stopped() {
                event.prevent_default();
                return;
            }
            sheet_title.clone_from(&amended.1);
            sheet_text.clone_from(&amended.2);
            if amended.0 != shared_url || amended.1 != title || amended.2 != *text {
                match page_url(&amended.0) {
                    None => {
                        let message = quoting("lanterne: a share listener set url to ", &amended.0);
                        let message = cat(&[
                            &message,
                            ", not an http(s) URL; the share goes ahead unchanged",
                        ]);
                        console(Level::Error, &JsValue::from_str(&message));
                    }
                    Some(absolute) => {
                        if !token.is_empty() && find_str(&absolute, token).is_none() {
                            console(Level::Warn, &"lanterne: a share listener removed the token from the URL; the share event still carries it".into());
                        }
                        if let Ok(again) = host.prepare(
                            channel,
                            Some(&absolute),
                            &amended.1,
                            &amended.2,
                            Mode::AsGiven,
                        ) {
                            target = again.target;
                        }
                        shared_url = absolute;
                    }
                }
            }
        }
        let share = Share {
            channel,
            token: prepared.token,
            page: prepared.page,
            title,
        };
        let new_tab = matches!(target, ShareTarget::NewTab(_));
        match target {
            // Reported first; a link is followed by the browser (a real link click, so
            // Ctrl- and middle-click and the pop-up blocker behave as visitors expect), a
            // button opens it itself.
            ShareTarget::NewTab(href) | ShareTarget::SameTab(href) => {
                host.report(share.channel, share.token, share.page, share.title);
                if is_link {
                    let _ = button.set_attribute("href", &href);
                    return;
                }
                event.prevent_default();
                let window = window();
                if new_tab {
                    let _ = window.open_with_url_and_target_and_features(
                        &href,
                        "_blank",
                        "noopener,noreferrer",
                    );
                } else {
                    let _ = Reflect::set(&window.location(), &"href".into(), &href.into());
                }
            }
            ShareTarget::NativeSheet => {
                event.prevent_default();
                let fields = [
                    ("title", sheet_title.into()),
                    ("url", shared_url.clone().into()),
                    ("text", sheet_text.as_str().into()),
                ];
                // No text: no `text` key at all.
                let data = object(&fields[..2 + usize::from(!sheet_text.is_empty())]);
                let sheet = can_share(&data)
                    .then(|| call(&window().navigator(), "share", &data))
                    .flatten();
                let Some(sheet) = sheet else {
                    return self.copy(shared_url, share);
                };
                self.sharing.set(true);
                let this = self.clone();
                // Reported once the sheet resolves: a cancelled sheet (AbortError) is no
                // share. Signal and Messenger fall back to copy link where the sheet
                // refused the data or the page (not when the visitor cancelled).
                on_settled(&sheet.unchecked_into(), move |outcome| {
                    this.sharing.set(false);
                    match outcome {
                        Ok(_) => this.report(share),
                        Err(reason) => {
                            let name = get(&reason, "name").as_string().unwrap_or_default();
                            if channel != Channel::WebShare
                                && (name == "NotAllowedError" || name == "TypeError")
                            {
                                this.copy(shared_url, share);
                            }
                        }
                    }
                });
            }
            ShareTarget::Clipboard => {
                event.prevent_default();
                self.copy(shared_url, share);
            }
        }
    }

    /// Reports a share that happened.
    fn report(&self, share: Share) {
        if let Some(host) = self.host.upgrade() {
            host.report(share.channel, share.token, share.page, share.title);
        }
    }

    /// The title a share goes with: the row's, or the page's at the click.
    fn title(&self) -> String {
        self.settings
            .title
            .clone()
            .unwrap_or_else(|| document().title())
    }

    /// Copy link: the Clipboard API, then (the second module's) a hidden field and
    /// `execCommand` (in-app browsers); reported once the link is on the clipboard, else
    /// the visitor is told.
    fn copy(self: &Rc<Self>, url: String, share: Share) {
        let clipboard = get(&window().navigator(), "clipboard");
        let written = call(&clipboard, "writeText", &url.as_str().into());
        let this = self.clone();
        let settled = move |ok: bool| {
            if ok {
                return this.copied(true, url, share);
            }
            lazy::with(move |rare| {
                let ok = rare.is_some_and(|rare| rare.copy_by_field(&url));
                this.copied(ok, url, share)
            })
        };
        match written {
            Some(promise) => on_settled(promise.unchecked_ref(), move |r| settled(r.is_ok())),
            None => settled(false),
        }
    }

    fn copied(self: &Rc<Self>, ok: bool, url: String, share: Share) {
        if ok {
            self.report(share);
            self.say(Say::Copied);
        } else {
            self.say(Say::Failed(url));
        }
    }

    /// The row as `renderButtons` returns it, the object `lanterne.d.ts` calls
    /// `ShareButtons`: `element`, `skipped` (`[{ channel, reason }]`), `drawn` (false
    /// once removed, or when no channel could be offered) and `remove()`.
    pub fn handle_for_page(self: &Rc<Self>) -> JsValue {
        let row = Rc::downgrade(self);
        // `remove()` (given `true`) and the `drawn` getter: one closure.
        let state = crate::web::handle::Getter::new(move |remove: JsValue| {
            let row = row.upgrade();
            if remove.is_truthy() {
                if let Some(row) = row {
                    row.remove()
                }
                return JsValue::UNDEFINED;
            }
            row.is_some_and(|r| r.drawn()).into()
        })
        .into_js_value();
        crate::web::dom::share_buttons(&self.element, &self.skipped, &state)
    }
}

impl Drawn {
    /// Draws the buttons (`html`) into `element`, what it held set aside into `stash`, and
    /// listens to the row's clicks.
    fn draw(
        element: &Element,
        stash: &DocumentFragment,
        mut html: String,
        labels: bool,
        row: Weak<Row>,
    ) -> Drawn {
        super::style::ensure();
        let list = element.class_list();
        let mut added = 0;
        for (i, class) in CLASSES.iter().enumerate().take(if labels { 1 } else { 2 }) {
            if !list.contains(class) {
                let _ = list.add_1(class);
                added |= 1 << i;
            }
        }
        html.push_str(markup::STATUS);
        if draw_into(element, stash, &html).is_ok() {
            icons::draw_empty(element);
        } else {
            // Trusted Types refused the string: the second module builds the same
            // elements (the element's children are set aside already).
            let element = element.clone();
            lazy::with(move |rare| {
                if let Some(rare) = rare {
                    rare.build_html(&element, "beforeend", &html);
                    icons::draw_empty(&element);
                }
            });
        }
        let listener = EventListener::new(
            element,
            &["click", "auxclick", "contextmenu", "dragstart"],
            move |event| {
                if let Some(row) = row.upgrade() {
                    row.handle(&event)
                }
            },
        );
        Drawn {
            manual: None,
            timer: None,
            added,
            _listener: listener,
        }
    }
}
