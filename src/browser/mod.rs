//! The browser layer: a thin shell over [`crate::core`] that reads the page, listens, and
//! sends. Everything here is wasm32-only and exported to JavaScript with wasm-bindgen.

mod address_bar;
mod config;
pub mod copy;
pub mod listener;
mod memory;
mod random;
mod reporter;
mod share;

use crate::core::attribution::default_label;
use crate::core::channel::Channel;
use crate::core::config::{Config, ConfigError};
use crate::core::copy::{Attribution, CopyPolicy};
use crate::core::event::{uuid_v4, Event, EventKind};
use crate::core::hosts::TrackedHosts;
use crate::core::text_rewrite::CopyRewriter;
use crate::core::token::ShareToken;
use crate::core::url::{without_token, Placement};
use config::Source;
use listener::EventListener;
use memory::Memory;
use random::random_bytes;
use reporter::Reporter;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

// SAFETY: wasm32-unknown-unknown without atomics is single-threaded.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// Everything one running tracker needs, shared by its listeners.
#[doc(hidden)]
pub struct Session {
    policy: CopyPolicy,
    param: String,
    placement: Placement,
    address_bar: bool,
    exclude_paths: Vec<String>,
    /// Where copies are never touched: [`copy::NEVER_TOUCHED`] and `ignoreSelector`.
    never_touched: String,
    memory: Memory,
    reporter: Rc<Reporter>,
}

impl Session {
    fn from_config(config: Config, endpoint: String) -> Result<Session, JsValue> {
        let window =
            web_sys::window().ok_or_else(|| js_error("lanterne: needs a browser window"))?;
        let document = window
            .document()
            .ok_or_else(|| js_error("lanterne: needs a document"))?;
        let hostname = window.location().hostname()?;
        let lang = document
            .document_element()
            .map(|e| e.get_attribute("lang").unwrap_or_default())
            .unwrap_or_default();
        let hosts = config
            .tracked_hosts
            .unwrap_or_else(|| TrackedHosts::for_page(&hostname));
        let read_more = config.strings.iter().find(|(k, _)| k == "readMore");
        let attribution = config.attribution.then(|| Attribution {
            min_words: config.attribution_min_words,
            label: config
                .attribution_text
                .or_else(|| read_more.map(|(_, text)| text.clone()))
                .unwrap_or_else(|| default_label(&lang).to_owned()),
        });
        Ok(Session {
            policy: CopyPolicy {
                rewriter: CopyRewriter::new(hosts, &config.param, config.placement),
                max_chars: config.max_chars,
                attribution,
            },
            param: config.param,
            placement: config.placement,
            address_bar: config.address_bar,
            exclude_paths: config.exclude_paths,
            never_touched: match &config.ignore_selector {
                Some(extra) => [copy::NEVER_TOUCHED, extra.as_str()].join(","),
                None => copy::NEVER_TOUCHED.to_owned(),
            },
            memory: Memory::open(),
            reporter: Reporter::new(endpoint),
        })
    }

    /// A fresh token for `channel`.
    fn mint(&self, channel: Channel) -> ShareToken {
        ShareToken::mint(channel, &random_bytes())
    }

    /// The page URL without any lanterne token.
    fn clean_url(&self) -> String {
        let href = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        without_token(&href, &self.param).0
    }

    /// Reports an event about this page.
    fn report(
        &self,
        kind: EventKind,
        channel: Channel,
        token: ShareToken,
        parent: Option<ShareToken>,
    ) {
        let title = web_sys::window()
            .and_then(|w| w.document())
            .map(|d| d.title())
            .unwrap_or_default();
        self.report_about(kind, channel, token, parent, self.clean_url(), title);
    }

    /// Reports an event about the page at `url` (a share button may share another page).
    fn report_about(
        &self,
        kind: EventKind,
        channel: Channel,
        token: ShareToken,
        parent: Option<ShareToken>,
        url: String,
        title: String,
    ) {
        let mut event = Event {
            id: uuid_v4(random_bytes()),
            kind,
            channel,
            token,
            parent,
            url,
            title,
            ts: js_sys::Date::now() as u64,
        };
        event.clamp_lengths();
        self.reporter.report(&event);
    }

    /// Remembers a token this visitor just shared and reports the share, with the visit's
    /// parent token.
    fn remember_and_report(&self, kind: EventKind, channel: Channel, token: ShareToken) {
        self.memory.remember_minted(&token);
        self.report(kind, channel, token, self.memory.parent());
    }
}

/// A running lanterne: returned by `start()`. `stop()` removes every listener and takes
/// the token out of the address bar.
///
/// ```js
/// import { start } from "lanterne";
/// const tracker = await start({ endpoint: "/collect" });
/// tracker.stop();
/// ```
#[wasm_bindgen]
pub struct Tracker {
    session: Option<Rc<Session>>,
    listeners: Vec<EventListener>,
    /// What share buttons need; kept when tracking is off (Global Privacy Control), where
    /// buttons still share, without token, UTM or report.
    buttons: share::ButtonSettings,
}

#[wasm_bindgen]
impl Tracker {
    /// Stops tracking: removes every listener, sends what is pending, and restores the
    /// address bar. Calling it twice is harmless.
    pub fn stop(&mut self) {
        self.listeners.clear();
        if let Some(session) = self.session.take() {
            session.reporter.shut_down();
            let _ = address_bar::restore(&session.param);
        }
    }

    /// Sends pending events now instead of at the end of the current batch window.
    pub fn flush(&self) {
        if let Some(session) = &self.session {
            session.reporter.flush();
        }
    }

    /// Whether the tracker is running (`false` after `stop()`).
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> bool {
        self.session.is_some()
    }
}

impl Drop for Tracker {
    fn drop(&mut self) {
        self.stop();
    }
}

fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

fn config_error(error: ConfigError) -> JsValue {
    js_error(&error.message())
}

/// Starts lanterne, from a config object or from the `data-*` attributes of the script
/// element that loaded it. Throws an `Error` naming the field on a bad config, before
/// anything is started. (One export for both keeps the wasm glue small.)
///
/// ```js
/// const tracker = start({ endpoint: "/collect", attribution: true });
/// const fromTag = start(document.querySelector("script[data-endpoint]"));
/// ```
#[wasm_bindgen(js_name = start)]
pub fn start(config: JsValue) -> Result<Tracker, JsValue> {
    let (config, source) = match config.dyn_ref::<web_sys::Element>() {
        Some(script) => (config::from_script(script), Source::Script),
        None => (config::from_object(&config), Source::Object),
    };
    run(config.map_err(config_error)?, source)
}

fn run(config: Config, source: Source) -> Result<Tracker, JsValue> {
    let endpoint = config::resolve_endpoint(&config, source).map_err(config_error)?;
    config::check_selector(&config, source).map_err(config_error)?;
    let window = web_sys::window().ok_or_else(|| js_error("lanterne: needs a browser window"))?;
    if window.crypto().is_err() {
        return Err(js_error(
            "lanterne: needs Web Crypto (crypto.getRandomValues)",
        ));
    }
    let protocol = window.location().protocol()?;
    if protocol != "https:" && protocol != "http:" {
        return Err(js_error(
            "lanterne: needs a page served over http(s); event URLs must be web addresses",
        ));
    }
    // Global Privacy Control (SPEC §6): the visitor asked not to be tracked, so nothing is
    // started; the tracker returned is inert (`running` is false).
    let navigator = window.navigator();
    if js_sys::Reflect::get(&navigator, &"globalPrivacyControl".into()).is_ok_and(|v| v.is_truthy())
    {
        return Ok(Tracker {
            session: None,
            listeners: Vec::new(),
            buttons: share::ButtonSettings::from_config(&config),
        });
    }
    let document = window
        .document()
        .ok_or_else(|| js_error("lanterne: needs a document"))?;
    let buttons = share::ButtonSettings::from_config(&config);
    let session = Rc::new(Session::from_config(config, endpoint)?);

    // Everything that can fail has been checked: from here on, start completely.
    let _ = address_bar::on_start(&session);
    let mut listeners = Vec::with_capacity(3);
    let on_copy = session.clone();
    listeners.push(EventListener::new(&document, "copy", move |event| {
        let _ = copy::on_copy(&on_copy, &event);
    }));
    let on_hide = session.clone();
    listeners.push(EventListener::new(
        &document,
        "visibilitychange",
        move |_| {
            if web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.hidden())
            {
                on_hide.reporter.flush_beacon();
            }
        },
    ));
    let on_pagehide = session.clone();
    listeners.push(EventListener::new(&window, "pagehide", move |_| {
        on_pagehide.reporter.flush_beacon()
    }));
    Ok(Tracker {
        session: Some(session),
        listeners,
        buttons,
    })
}
