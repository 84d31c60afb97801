//! Share buttons (SPEC §4, README "Share buttons"): real `<a>` and `<button>` elements
//! drawn from the core's plan (which channels, their words, each share URL with its fresh
//! token), one delegated listener per row, the share sheet, the clipboard, and the
//! `role="status"` region that tells the visitor what happened.

use super::handle::{on_settled, Callback, EventListener, Getter, Timeout};
use super::icons;
use super::objects::{define, object, Field};
use super::page::{console, document, get, page_url, window, Level};
use super::tracker::{Inner, Mode, WeakTracker};
use crate::core::channel::Channel;
use crate::core::event::EventKind;
use crate::core::markup;
use crate::core::share::ShareTarget;
use crate::core::strings::Phrase;
use crate::prelude::*;
use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DocumentFragment, Element, Event, HtmlElement};

/// The selector of the containers lanterne draws into by itself.
pub const CONTAINER: &str = "[data-lanterne-share]";

std::thread_local! {
    /// Which row owns which element, across trackers: a container gets one row, however
    /// many trackers a page starts (the script tag and an app's own `start()`).
    static OWNERS: RefCell<Vec<(Element, Weak<Bar>)>> = const { RefCell::new(Vec::new()) };
    /// Console messages already given (once per page and reason).
    static TOLD: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
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
    let user_agent = navigator
        .user_agent()
        .unwrap_or_default()
        .to_ascii_lowercase();
    get(&get(&navigator, "userAgentData"), "mobile") == JsValue::TRUE
        || ["mobi", "android", "iphone", "ipad", "ipod"].iter().any(|m| crate::core::chars::find_str(&user_agent, m).is_some())
        // iPadOS Safari says it is a Mac; a Mac has no touch screen.
        || (navigator.max_touch_points() > 1 && crate::core::chars::find_str(&navigator.platform().unwrap_or_default(), "Mac").is_some())
}

/// Calls a method of `navigator` by name, where the browser has it.
fn navigator_call(method: &str, data: &JsValue) -> Option<JsValue> {
    let navigator = window().navigator();
    let f = get(&navigator, method).dyn_into::<Function>().ok()?;
    f.call1(&navigator, data).ok()
}

/// Whether the share sheet takes `data` (`navigator.canShare`).
fn can_share(data: &JsValue) -> bool {
    navigator_call("canShare", data) == Some(JsValue::TRUE)
}

// Once per page and reason. A browser without a share sheet is expected (a site offers
// web_share for phones): info. A channel the config leaves unusable is a warning.
fn tell_once(channel: Channel, reason: &str) {
    let message = ["lanterne: no ", channel.id(), " button: ", reason].concat();
    let first = TOLD.with(|told| {
        let mut told = told.borrow_mut();
        let first = !told.contains(&message);
        if first {
            told.push(message.clone());
        }
        first
    });
    if first {
        let level = if channel == Channel::WebShare {
            Level::Info
        } else {
            Level::Warn
        };
        console(level, &JsValue::from_str(&message));
    }
}

/// The buttons drawn into one element; `remove()` takes them out, removes the listener
/// and puts back what the element held before (server-rendered fallback links).
pub struct Bar {
    tracker: WeakTracker,
    pub element: Element,
    settings: RowSettings,
    /// Whether it was drawn for a `[data-lanterne-share]` container (let go with it).
    pub declared: bool,
    stash: DocumentFragment,
    status: RefCell<Option<Element>>,
    manual: RefCell<Option<Element>>,
    timer: RefCell<Option<Timeout>>,
    classes: RefCell<Vec<&'static str>>,
    phrases: [String; 2],
    sharing: Cell<bool>,
    listener: RefCell<Option<EventListener>>,
    skipped: Vec<(Channel, String)>,
}

impl Bar {
    /// Draws a row into `element`: for the channels that can be offered here. When none
    /// can, the element keeps what it had (fallback links work).
    pub fn draw(
        tracker: &Rc<Inner>,
        element: &Element,
        settings: RowSettings,
        declared: bool,
    ) -> Rc<Bar> {
        let mobile = mobile();
        let session = &tracker.session;
        let labels = session.labels();
        let title = settings.title.clone().unwrap_or_else(|| document().title());
        let mut skipped = Vec::new();
        let mut offered = Vec::new();
        for &channel in &settings.channels {
            let prepared = tracker.prepare(
                channel,
                settings.url.as_deref(),
                &title,
                &settings.text,
                mobile,
                tracker.fresh(),
            );
            let why = match &prepared {
                Err(unavailable) => Some(unavailable.reason()),
                Ok(_)
                    if channel == Channel::WebShare
                        && !can_share(&super::handle::object(&[(
                            "url",
                            super::page::href().into(),
                        )])) =>
                {
                    Some("this browser has no Web Share API (navigator.canShare)")
                }
                Ok(_) => None,
            };
            match (why, prepared) {
                (Some(why), _) => {
                    tell_once(channel, why);
                    skipped.push((channel, why.to_owned()));
                }
                (None, Ok(prepared)) => {
                    offered.push((channel, prepared.target, icons::drawn(channel)))
                }
                (None, Err(_)) => {}
            }
        }
        let names: Vec<String> = offered
            .iter()
            .map(|(c, ..)| labels.accessible_name(*c))
            .collect();
        let buttons: Vec<markup::Button> = offered
            .iter()
            .zip(&names)
            .map(|((channel, target, icon), name)| markup::Button {
                channel: *channel,
                target,
                label: labels.name(*channel),
                name,
                icon: icon.as_ref().map(|(v, p)| (v.as_str(), p.as_str())),
            })
            .collect();
        let bar = Rc::new(Bar {
            tracker: Rc::downgrade(tracker),
            element: element.clone(),
            declared,
            stash: document().create_document_fragment(),
            status: RefCell::new(None),
            manual: RefCell::new(None),
            timer: RefCell::new(None),
            classes: RefCell::new(Vec::new()),
            phrases: [
                labels.phrase(Phrase::LinkCopied).to_owned(),
                labels.phrase(Phrase::CopyFailed).to_owned(),
            ],
            sharing: Cell::new(false),
            listener: RefCell::new(None),
            skipped,
            settings,
        });
        OWNERS.with(|owners| {
            owners
                .borrow_mut()
                .push((element.clone(), Rc::downgrade(&bar)))
        });
        // Nothing this browser can use: the element keeps what it had (fallback links).
        if buttons.is_empty() {
            return bar;
        }
        super::style::adopt();
        let list = element.class_list();
        let wanted: &[&'static str] = if bar.settings.labels {
            &["lanterne-share"]
        } else {
            &["lanterne-share", "lanterne-icons-only"]
        };
        for class in wanted.iter().filter(|c| !list.contains(c)) {
            let _ = list.add_1(class);
            bar.classes.borrow_mut().push(class);
        }
        while let Some(child) = element.first_child() {
            let _ = bar.stash.append_child(&child);
        }
        let _ =
            element.insert_adjacent_html("beforeend", &markup::row(&buttons, bar.settings.labels));
        // Brand icons not loaded yet are drawn when they are.
        let mut button = element.first_element_child();
        for (channel, _, icon) in &offered {
            let Some(this) = button else { break };
            if let (None, None, Some(svg)) = (
                icon,
                markup::generic_icon(*channel),
                this.first_element_child(),
            ) {
                icons::draw_later(*channel, svg, this.clone());
            }
            button = this.next_element_sibling();
        }
        *bar.status.borrow_mut() = element.last_element_child();
        let this = Rc::downgrade(&bar);
        let listener = EventListener::new(
            element,
            &["click", "auxclick", "contextmenu", "dragstart"],
            move |event| {
                if let Some(bar) = this.upgrade() {
                    bar.handle(&event)
                }
            },
        );
        *bar.listener.borrow_mut() = Some(listener);
        bar
    }

    /// Whether buttons are drawn (false once removed, or when no channel could be
    /// offered).
    pub fn drawn(&self) -> bool {
        self.status.borrow().is_some()
    }

    /// Removes the buttons and restores what the element held before. Idempotent.
    pub fn remove(&self) {
        let Some(_status) = self.status.borrow_mut().take() else {
            return;
        };
        self.listener.borrow_mut().take();
        self.timer.borrow_mut().take();
        self.manual.borrow_mut().take();
        let element = &self.element;
        while let Some(child) = element.first_child() {
            let _ = element.remove_child(&child);
        }
        let _ = element.append_child(&self.stash);
        let list = element.class_list();
        for class in self.classes.borrow().iter() {
            let _ = list.remove_1(class);
        }
    }

    // Tells the visitor: a status a screen reader announces (cleared first, so the same
    // words twice are announced twice), and after a failed copy, the link to copy by hand.
    fn say(self: &Rc<Self>, ok: bool, manual_url: &str) {
        let Some(status) = self.status.borrow().clone() else {
            return; // removed meanwhile
        };
        if let Some(field) = self.manual.borrow_mut().take() {
            field.remove();
        }
        status.set_text_content(None);
        let this = self.clone();
        let manual_url = manual_url.to_owned();
        // A moment later, so assistive technology sees the region change.
        let show = Timeout::new(50.0, move || {
            let message = &this.phrases[usize::from(!ok)];
            status.set_text_content(Some(message));
            if ok {
                let status = status.clone();
                let clear = Timeout::new(5000.0, move || status.set_text_content(None));
                *this.timer.borrow_mut() = Some(clear);
                return;
            }
            let Ok(field) = document().create_element("input") else {
                return;
            };
            let _ = field.set_attribute("class", "lanterne-manual");
            let _ = field.set_attribute("readonly", "");
            let _ = field.set_attribute("aria-label", message);
            let input: &web_sys::HtmlInputElement = field.unchecked_ref();
            input.set_value(&manual_url);
            let _ = status.after_with_node_1(&field);
            input.select();
            *this.manual.borrow_mut() = Some(field);
        });
        *self.timer.borrow_mut() = Some(show);
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
        let mobile = mobile();
        let kind = event.type_();
        let url = self.settings.url.as_deref();
        let text = &self.settings.text;
        if kind == "contextmenu" || kind == "dragstart" {
            // The link is about to be copied or dragged away without a click: give it a
            // fresh token and remember it, so that following it later is not counted as
            // an arrival.
            if is_link {
                let title = self.title();
                if let Ok(prepared) =
                    tracker.prepare(channel, url, &title, text, mobile, tracker.fresh())
                {
                    if let ShareTarget::NewTab(href) | ShareTarget::SameTab(href) = &prepared.target
                    {
                        let _ = button.set_attribute("href", href);
                    }
                    if let (Some(token), true) = (prepared.token, tracker.tracking()) {
                        tracker.memory.borrow_mut().remember(&token);
                    }
                }
            }
            return;
        }
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
        let title = self.title();
        let Ok(prepared) = tracker.prepare(channel, url, &title, text, mobile, tracker.fresh())
        else {
            return; // fail open: the link's own href still works
        };
        let token = prepared
            .token
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default();
        let amended = share_intent(
            channel,
            &token,
            &prepared.url,
            &title,
            text,
            &tracker.shares,
        );
        if amended.cancelled || tracker.stopped() {
            event.prevent_default();
            return;
        }
        let mut shared_url = prepared.url.clone();
        let mut target = prepared.target;
        if amended.url != prepared.url || amended.title != title || amended.text != *text {
            match page_url(&amended.url) {
                None => {
                    let mut message = String::from("lanterne: a share listener set url to ");
                    crate::core::json::push_str(&mut message, &amended.url);
                    message.push_str(", not an http(s) URL; the share goes ahead unchanged");
                    console(Level::Error, &JsValue::from_str(&message));
                }
                Some(absolute) => {
                    if !token.is_empty()
                        && crate::core::chars::find_str(&absolute, &token).is_none()
                    {
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
        let (share_title, share_text) = (amended.title, amended.text);
        let report = {
            let tracker = Rc::downgrade(&tracker);
            let page = prepared.page;
            move || {
                if let (Some(tracker), Some(token)) = (tracker.upgrade(), prepared.token) {
                    tracker.report_share(EventKind::Share, channel, token, Some(page), Some(title));
                }
            }
        };
        match target {
            ShareTarget::NewTab(href) => self.follow(event, &button, is_link, &href, true, report),
            ShareTarget::SameTab(href) => {
                self.follow(event, &button, is_link, &href, false, report)
            }
            ShareTarget::NativeSheet => {
                event.prevent_default();
                let data = super::handle::object(&[
                    ("title", share_title.into()),
                    ("url", shared_url.clone().into()),
                ]);
                if !share_text.is_empty() {
                    let _ = js_sys::Reflect::set(&data, &"text".into(), &share_text.into());
                }
                let sheet = can_share(&data)
                    .then(|| navigator_call("share", &data))
                    .flatten();
                let Some(sheet) = sheet else {
                    return self.copy(shared_url, report);
                };
                self.sharing.set(true);
                let this = self.clone();
                // Reported once the sheet resolves: a cancelled sheet (AbortError) is no
                // share. Signal and Messenger fall back to copy link where the sheet
                // refused the data or the page (not when the visitor cancelled).
                on_settled(&sheet.unchecked_into(), move |outcome| {
                    this.sharing.set(false);
                    match outcome {
                        Ok(_) => report(),
                        Err(reason) => {
                            let name = get(&reason, "name").as_string().unwrap_or_default();
                            if channel != Channel::WebShare
                                && (name == "NotAllowedError" || name == "TypeError")
                            {
                                this.copy(shared_url, report);
                            }
                        }
                    }
                });
            }
            ShareTarget::Clipboard => {
                event.prevent_default();
                self.copy(shared_url, report);
            }
        }
    }

    /// Opens a share page or an app link: reported first; a link is followed by the
    /// browser (a real link click, so Ctrl- and middle-click and the pop-up blocker
    /// behave as visitors expect), a button opens it itself.
    fn follow(
        &self,
        event: &Event,
        button: &Element,
        is_link: bool,
        href: &str,
        new_tab: bool,
        report: impl FnOnce(),
    ) {
        report();
        if is_link {
            let _ = button.set_attribute("href", href);
            return;
        }
        event.prevent_default();
        let window = window();
        if new_tab {
            let _ =
                window.open_with_url_and_target_and_features(href, "_blank", "noopener,noreferrer");
        } else {
            let _ = window.location().set_href(href);
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
    fn copy(self: &Rc<Self>, url: String, report: impl FnOnce() + 'static) {
        let this = self.clone();
        let done = move |ok: bool, url: String| {
            if ok {
                report();
            }
            this.say(ok, if ok { "" } else { &url });
        };
        let clipboard = get(&window().navigator(), "clipboard");
        if clipboard.is_undefined() {
            let ok = copy_by_textarea(&url);
            return done(ok, url);
        }
        let clipboard: web_sys::Clipboard = clipboard.unchecked_into();
        on_settled(&clipboard.write_text(&url), move |written| {
            let ok = written.is_ok() || copy_by_textarea(&url);
            done(ok, url)
        });
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
    let flag = cancelled.clone();
    let cancel = Callback::new(move |_| flag.set(true)).into_js_value();
    let _ = js_sys::Reflect::set(&intent, &"cancel".into(), &cancel);
    let flag = cancelled.clone();
    define(
        &intent,
        "cancelled",
        Some(Getter::new(move |_| flag.get().into()).into_js_value()),
    );
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
    let focused = document.active_element();
    let Ok(area) = document.create_element("textarea") else {
        return false;
    };
    let _ = area.set_attribute("class", "lanterne-offscreen");
    let _ = area.set_attribute("readonly", "");
    let _ = area.set_attribute("aria-hidden", "true");
    let textarea: &web_sys::HtmlTextAreaElement = area.unchecked_ref();
    textarea.set_value(text);
    let Some(body) = document.body() else {
        return false;
    };
    let _ = body.append_child(&area);
    textarea.select();
    // The end is clamped to the field's length.
    let _ = textarea.set_selection_range(0, u32::MAX);
    let ok = document
        .unchecked_ref::<web_sys::HtmlDocument>()
        .exec_command("copy")
        .unwrap_or(false);
    area.remove();
    if let Some(focused) = focused.and_then(|f| f.dyn_into::<HtmlElement>().ok()) {
        let options = super::handle::object(&[("preventScroll", true.into())]);
        let _ = focused.focus_with_options(options.unchecked_ref());
    }
    ok
}

impl Bar {
    /// The row as `renderButtons` returns it, the object `lanterne.d.ts` calls
    /// `ShareButtons`: `element`, `skipped` (`[{ channel, reason }]`), `drawn` (false
    /// once removed, or when no channel could be offered) and `remove()`.
    pub fn handle_for_page(self: &Rc<Self>) -> JsValue {
        let skipped: js_sys::Array = self
            .skipped
            .iter()
            .map(|(channel, reason)| {
                object(
                    &[
                        ("channel", Field::Text(channel.id())),
                        ("reason", Field::Text(reason)),
                    ],
                    true,
                )
            })
            .collect();
        let handle: JsValue = super::handle::object(&[
            ("element", self.element.clone().into()),
            ("skipped", skipped.into()),
        ])
        .into();
        let bar = Rc::downgrade(self);
        let remove = Callback::new(move |_| {
            if let Some(bar) = bar.upgrade() {
                bar.remove()
            }
        });
        let _ = js_sys::Reflect::set(&handle, &"remove".into(), &remove.into_js_value());
        let bar = Rc::downgrade(self);
        let drawn = Getter::new(move |_| bar.upgrade().is_some_and(|b| b.drawn()).into());
        define(&handle, "drawn", Some(drawn.into_js_value()));
        for key in ["element", "skipped"] {
            define(&handle, key, None);
        }
        handle
    }
}
