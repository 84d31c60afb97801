//! Share buttons (SPEC §4, README "Share buttons"): real `<a>` and `<button>` elements
//! drawn from the core's markup (which channels, their words, each share URL with its
//! fresh token), one delegated listener per row, the share sheet, the clipboard, and the
//! `role="status"` region that tells the visitor what happened.
//!
//! Written for size (README "Size"): each closure type handed to the browser is code and
//! glue of its own, so a row has one click listener and one timer closure, and the
//! objects given to the page one closure type each. Methods a browser may lack (the share
//! sheet, the async clipboard) and a few others are called by name ([`call`]); measured,
//! calling more by name instead of through web-sys is no smaller (an import's glue costs
//! about what the call by name does), so the rest stay typed.

use super::handle::{on_settled, EventListener, Getter, Timeout};
use super::icons;
use super::objects::{define, object, Field};
use super::page::{console, document, get, href, page_url, window, Level};
use super::tracker::{Inner, Mode, WeakTracker};
use crate::core::channel::Channel;
use crate::core::chars::find_str;
use crate::core::event::EventKind;
use crate::core::markup;
use crate::core::share::ShareTarget;
use crate::core::strings::Phrase;
use crate::core::token::ShareToken;
use crate::prelude::*;
use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DocumentFragment, Element, Event};

/// The selector of the containers lanterne draws into by itself.
pub const CONTAINER: &str = "[data-lanterne-share]";

/// The classes a row gives its element: always the first, the second for icon-only rows.
const CLASSES: [&str; 2] = ["lanterne-share", "lanterne-icons-only"];

std::thread_local! {
    /// Which row owns which element, across trackers: a container gets one row, however
    /// many trackers a page starts (the script tag and an app's own `start()`).
    static OWNERS: RefCell<Vec<(Element, Weak<Bar>)>> = const { RefCell::new(Vec::new()) };
    /// The channels whose "no button" message was given (bit `channel as u32`): once per
    /// page and reason, and each channel has one reason.
    static TOLD: Cell<u32> = const { Cell::new(0) };
}

/// The row drawn into `element`, if any (by any tracker).
pub fn owner(element: &Element) -> Option<Rc<Bar>> {
    OWNERS.with(|owners| {
        let mut owners = owners.borrow_mut();
        // Rows let go of are forgotten here too: the list never grows past the rows alive.
        owners.retain(|(_, bar)| bar.strong_count() > 0);
        owners
            .iter()
            .find(|(e, _)| e == element)
            .and_then(|(_, bar)| bar.upgrade())
    })
}

/// What a row shares and how it looks.
pub struct RowSettings {
    pub channels: Vec<Channel>,
    /// The page shared (absolute), this page when `None`.
    pub url: Option<String>,
    /// Its title, `document.title` at the click when `None`.
    pub title: Option<String>,
    pub text: String,
    pub labels: bool,
}

/// Whether this is a phone or tablet (Messenger has no web dialog there).
pub fn mobile() -> bool {
    let navigator = window().navigator();
    let read = |key| get(&navigator, key);
    let user_agent = read("userAgent")
        .as_string()
        .unwrap_or_default()
        .to_ascii_lowercase();
    get(&read("userAgentData"), "mobile") == JsValue::TRUE
        || ["mobi", "android", "iphone", "ipad", "ipod"].iter().any(|m| find_str(&user_agent, m).is_some())
        // iPadOS Safari says it is a Mac; a Mac has no touch screen.
        || (read("maxTouchPoints").as_f64().unwrap_or(0.0) > 1.0
            && find_str(&read("platform").as_string().unwrap_or_default(), "Mac").is_some())
}

/// Calls `target.method(argument)` where `target` has that method; `None` when it has
/// not, or the call threw. (By name: one import for every method called this way.)
pub fn call(target: &JsValue, method: &str, argument: &JsValue) -> Option<JsValue> {
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
    let message = ["lanterne: no ", channel.id(), " button: ", reason].concat();
    console(level, &JsValue::from_str(&message));
}

/// The buttons drawn into one element; `remove()` takes them out, removes the listener
/// and puts back what the element held before (server-rendered fallback links).
pub struct Bar {
    tracker: WeakTracker,
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
    row: RefCell<Option<Row>>,
}

/// What a drawn row holds on to until it is removed.
struct Row {
    /// The `role="status"` region after the buttons.
    status: Element,
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

impl Bar {
    /// Draws a row into `element`: for the channels that can be offered here. When none
    /// can, the element keeps what it had (fallback links work).
    pub fn draw(tracker: &Rc<Inner>, element: &Element, settings: RowSettings) -> Rc<Bar> {
        let mobile = mobile();
        let labels = tracker.session.labels();
        let title = settings.title.clone().unwrap_or_else(|| document().title());
        let skipped = Array::new();
        let mut html = String::new();
        for &channel in &settings.channels {
            let prepared = tracker.prepare(
                channel,
                settings.url.as_deref(),
                &title,
                &settings.text,
                mobile,
                tracker.fresh(),
            );
            let why = match prepared {
                Err(unavailable) => unavailable.reason(),
                Ok(_)
                    if channel == Channel::WebShare
                        && !can_share(&super::handle::object(&[("url", href().into())])) =>
                {
                    "this browser has no Web Share API (navigator.canShare)"
                }
                Ok(prepared) => {
                    let icon = icons::drawn(channel);
                    let button = markup::Button {
                        channel,
                        target: &prepared.target,
                        label: labels.name(channel),
                        name: &labels.accessible_name(channel),
                        icon: icon.as_ref().map(|(v, p)| (v.as_str(), p.as_str())),
                    };
                    markup::push_button(&mut html, &button, settings.labels);
                    continue;
                }
            };
            tell_once(channel, why);
            let fields = [
                ("channel", Field::Text(channel.id())),
                ("reason", Field::Text(why)),
            ];
            skipped.push(&object(&fields, true));
        }
        let stash = document().create_document_fragment();
        let bar = Rc::new_cyclic(|this: &Weak<Bar>| {
            // Nothing this browser can use: the element keeps what it had (fallback links).
            let row = if html.is_empty() {
                None
            } else {
                Row::draw(element, &stash, html, settings.labels, this.clone())
            };
            Bar {
                tracker: Rc::downgrade(tracker),
                element: element.clone(),
                settings,
                seen: Cell::new(element.is_connected()),
                stash,
                skipped,
                sharing: Cell::new(false),
                row: RefCell::new(row),
            }
        });
        OWNERS.with(|owners| {
            owners
                .borrow_mut()
                .push((element.clone(), Rc::downgrade(&bar)))
        });
        bar
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
        self.row.borrow().is_some()
    }

    /// Removes the buttons and restores what the element held before. Idempotent.
    pub fn remove(&self) {
        let Some(row) = self.row.borrow_mut().take() else {
            return;
        };
        let element = &self.element;
        element.set_text_content(None); // every child, buttons and status
        let _ = element.append_child(&self.stash);
        let list = element.class_list();
        for (i, class) in CLASSES.iter().enumerate() {
            if row.added & 1 << i != 0 {
                let _ = list.remove_1(class);
            }
        }
        // Dropping the row removes its listener and clears its timer.
    }

    // Tells the visitor: a status a screen reader announces (cleared first, so the same
    // words twice are announced twice), and after a failed copy, the link to copy by hand.
    fn say(self: &Rc<Self>, what: Say) {
        let mut row = self.row.borrow_mut();
        let Some(row) = row.as_mut() else {
            return; // removed meanwhile
        };
        if let Some(field) = row.manual.take() {
            field.remove();
        }
        row.status.set_text_content(None);
        // A moment later, so assistive technology sees the region change.
        row.timer = Some(self.later(50.0, what));
    }

    /// Shows `what` in the status region after `ms` milliseconds (one closure type for
    /// every change of the region).
    fn later(self: &Rc<Self>, ms: f64, what: Say) -> Timeout {
        let this = Rc::downgrade(self);
        Timeout::new(ms, move || {
            if let Some(bar) = this.upgrade() {
                bar.show(what)
            }
        })
    }

    fn show(self: &Rc<Self>, what: Say) {
        let Some(tracker) = self.tracker.upgrade() else {
            return; // stopped: the row is removed
        };
        let mut row = self.row.borrow_mut();
        let Some(row) = row.as_mut() else {
            return;
        };
        let phrase = match what {
            Say::Copied => Phrase::LinkCopied,
            Say::Failed(_) => Phrase::CopyFailed,
            Say::Clear => return row.status.set_text_content(None),
        };
        let labels = tracker.session.labels();
        let message = labels.phrase(phrase);
        row.status.set_text_content(Some(message));
        let Say::Failed(url) = what else {
            row.timer = Some(self.later(5000.0, Say::Clear));
            return;
        };
        let status = &row.status;
        let _ = status.insert_adjacent_html("afterend", &markup::manual_field(message));
        if let Some(field) = status.next_element_sibling() {
            let _ = Reflect::set(&field, &"value".into(), &url.into());
            call(&field, "select", &JsValue::UNDEFINED);
            row.manual = Some(field);
        }
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
        let Some(tracker) = self.tracker.upgrade().filter(|t| !t.stopped()) else {
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
        let mobile = mobile();
        let (url, text) = (self.settings.url.as_deref(), &self.settings.text);
        let title = self.title();
        let Ok(prepared) = tracker.prepare(channel, url, &title, text, mobile, tracker.fresh())
        else {
            return; // fail open: the link's own href still works
        };
        if away {
            // Give the link a fresh token and remember it, so that following it later is
            // not counted as an arrival.
            if let ShareTarget::NewTab(href) | ShareTarget::SameTab(href) = &prepared.target {
                let _ = button.set_attribute("href", href);
            }
            if let (Some(token), true) = (&prepared.token, tracker.tracking()) {
                tracker.memory.borrow_mut().remember(token);
            }
            return;
        }
        let token = prepared.token.as_ref().map_or("", ShareToken::as_str);
        let amended = share_intent(channel, token, &prepared.url, &title, text, &tracker.shares);
        if amended.cancelled || tracker.stopped() {
            event.prevent_default();
            return;
        }
        let mut shared_url = prepared.url;
        let mut target = prepared.target;
        if amended.url != shared_url || amended.title != title || amended.text != *text {
            match page_url(&amended.url) {
                None => {
                    let mut message = String::from("lanterne: a share listener set url to ");
                    crate::core::json::push_str(&mut message, &amended.url);
                    message.push_str(", not an http(s) URL; the share goes ahead unchanged");
                    console(Level::Error, &JsValue::from_str(&message));
                }
                Some(absolute) => {
                    if !token.is_empty() && find_str(&absolute, token).is_none() {
                        console(Level::Warn, &"lanterne: a share listener removed the token from the URL; the share event still carries it".into());
                    }
                    if let Ok(again) = tracker.prepare(
                        channel,
                        Some(&absolute),
                        &amended.title,
                        &amended.text,
                        mobile,
                        Mode::AsGiven,
                    ) {
                        target = again.target;
                    }
                    shared_url = absolute;
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
                self.report(share);
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
                    ("title", amended.title.into()),
                    ("url", shared_url.clone().into()),
                    ("text", amended.text.as_str().into()),
                ];
                // No text: no `text` key at all.
                let data =
                    super::handle::object(&fields[..2 + usize::from(!amended.text.is_empty())]);
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

    /// Reports a share that happened (nothing without tracking: no token).
    fn report(&self, share: Share) {
        if let (Some(tracker), Some(token)) = (self.tracker.upgrade(), share.token) {
            let (page, title) = (Some(share.page), Some(share.title));
            tracker.report_share(EventKind::Share, share.channel, token, page, title);
        }
    }

    /// The title a share goes with: the row's, or the page's at the click.
    fn title(&self) -> String {
        self.settings
            .title
            .clone()
            .unwrap_or_else(|| document().title())
    }

    /// Copy link: the Clipboard API, then a textarea and `execCommand` (in-app browsers);
    /// reported once the link is on the clipboard, else the visitor is told.
    fn copy(self: &Rc<Self>, url: String, share: Share) {
        let clipboard = get(&window().navigator(), "clipboard");
        if clipboard.is_undefined() {
            let ok = copy_by_textarea(&url);
            return self.copied(ok, url, share);
        }
        let written = call(&clipboard, "writeText", &url.as_str().into());
        let this = self.clone();
        let settled = move |ok: bool| {
            let ok = ok || copy_by_textarea(&url);
            this.copied(ok, url, share)
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
}

impl Row {
    /// Draws the buttons (`html`) into `element`, what it held set aside into `stash`, and
    /// listens to the row's clicks.
    fn draw(
        element: &Element,
        stash: &DocumentFragment,
        mut html: String,
        labels: bool,
        bar: Weak<Bar>,
    ) -> Option<Row> {
        super::style::adopt();
        let list = element.class_list();
        let mut added = 0;
        for (i, class) in CLASSES.iter().enumerate().take(if labels { 1 } else { 2 }) {
            if !list.contains(class) {
                let _ = list.add_1(class);
                added |= 1 << i;
            }
        }
        while let Some(child) = element.first_child() {
            let _ = stash.append_child(&child);
        }
        html.push_str(markup::STATUS);
        let _ = element.insert_adjacent_html("beforeend", &html);
        // Brand icons not loaded yet (empty) are drawn when they are.
        if let Ok(empty) = element.query_selector_all(".lanterne-icon:empty") {
            for i in 0..empty.length() {
                let Some(svg) = empty.item(i).map(JsCast::unchecked_into::<Element>) else {
                    continue;
                };
                let id = svg
                    .parent_element()
                    .and_then(|b| b.get_attribute("data-channel"));
                if let Some(channel) = id.and_then(|id| Channel::from_id(&id)) {
                    icons::draw_later(channel, svg);
                }
            }
        }
        let listener = EventListener::new(
            element,
            &["click", "auxclick", "contextmenu", "dragstart"],
            move |event| {
                if let Some(bar) = bar.upgrade() {
                    bar.handle(&event)
                }
            },
        );
        Some(Row {
            status: element.last_element_child()?,
            manual: None,
            timer: None,
            added,
            _listener: listener,
        })
    }
}

/// What share listeners left of a share (README "What a click does").
struct Amended {
    url: String,
    title: String,
    text: String,
    cancelled: bool,
}

/// Shows a share about to happen to the share listeners, as the object `lanterne.d.ts`
/// calls `ShareIntent`: `channel` and `token` read-only, `url`, `title` and `text` to
/// change, `cancel()` and `cancelled`. Returns what they left.
fn share_intent(
    channel: Channel,
    token: &str,
    url: &str,
    title: &str,
    text: &str,
    listeners: &super::listeners::Listeners,
) -> Amended {
    let intent = object(
        &[
            ("channel", Field::Text(channel.id())),
            ("token", Field::Text(token)),
            ("url", Field::Text(url)),
            ("title", Field::Text(title)),
            ("text", Field::Text(text)),
        ],
        true,
    );
    let cancelled = Rc::new(Cell::new(false));
    // `cancel()` and the `cancelled` getter: one closure type for both.
    let function = |cancel: bool| {
        let flag = cancelled.clone();
        Getter::new(move |_| {
            if cancel {
                flag.set(true);
                return JsValue::UNDEFINED;
            }
            flag.get().into()
        })
        .into_js_value()
    };
    let _ = Reflect::set(&intent, &"cancel".into(), &function(true));
    define(&intent, "cancelled", Some(function(false)));
    define(&intent, "channel", None);
    define(&intent, "token", None);
    listeners.call(&intent);
    let read = |key: &str| get(&intent, key).as_string().unwrap_or_default();
    Amended {
        url: read("url"),
        title: read("title"),
        text: read("text"),
        cancelled: cancelled.get(),
    }
}

/// The fallback for browsers without the async Clipboard API, or where it is refused:
/// a temporary textarea and `execCommand("copy")`, in the click's user activation.
fn copy_by_textarea(text: &str) -> bool {
    let document = document();
    let focused = get(&document, "activeElement");
    let Some(body) = document.body() else {
        return false;
    };
    let _ = body.insert_adjacent_html("beforeend", markup::OFFSCREEN_TEXTAREA);
    let Some(area) = body.last_element_child() else {
        return false;
    };
    let _ = Reflect::set(&area, &"value".into(), &text.into());
    call(&area, "select", &JsValue::UNDEFINED);
    // The end is clamped to the field's length.
    let _ = area
        .unchecked_ref::<web_sys::HtmlTextAreaElement>()
        .set_selection_range(0, u32::MAX);
    let ok = call(&document, "execCommand", &"copy".into()) == Some(JsValue::TRUE);
    area.remove();
    let options = super::handle::object(&[("preventScroll", true.into())]);
    call(&focused, "focus", &options);
    ok
}

impl Bar {
    /// The row as `renderButtons` returns it, the object `lanterne.d.ts` calls
    /// `ShareButtons`: `element`, `skipped` (`[{ channel, reason }]`), `drawn` (false
    /// once removed, or when no channel could be offered) and `remove()`.
    pub fn handle_for_page(self: &Rc<Self>) -> JsValue {
        let handle: JsValue = super::handle::object(&[
            ("element", self.element.clone().into()),
            ("skipped", self.skipped.clone().into()),
        ])
        .into();
        // `remove()` and the `drawn` getter: one closure type for both.
        let function = |remove: bool| {
            let bar = Rc::downgrade(self);
            Getter::new(move |_| {
                let bar = bar.upgrade();
                if remove {
                    if let Some(bar) = bar {
                        bar.remove()
                    }
                    return JsValue::UNDEFINED;
                }
                bar.is_some_and(|b| b.drawn()).into()
            })
            .into_js_value()
        };
        let _ = Reflect::set(&handle, &"remove".into(), &function(true));
        define(&handle, "drawn", Some(function(false)));
        for key in ["element", "skipped"] {
            define(&handle, key, None);
        }
        handle
    }
}
