//! The core's JavaScript surface (wasm32 only): one [`Core`] per running tracker, made from
//! the site's config, answering the browser layer's questions (`js/`): what a copy
//! becomes, what the address bar shows, what a share button opens, what an event says.
//!
//! The browser layer (listeners, DOM, storage, network) is JavaScript: from wasm, every
//! browser method is an import with a shim in both the module and the glue, and a Rust
//! browser layer cost 13 KB of brotli more than this one (README "Size"). So nothing here
//! touches the browser; every answer is computed from its arguments, and randomness comes
//! in as bytes from `crypto.getRandomValues`. Several answers are NUL-joined strings: one
//! string crosses the boundary with less glue than an array, and no URL, token or label
//! holds a NUL.

use crate::core::attribution::default_label;
use crate::core::buttons::{parse_channels, Labels};
use crate::core::channel::Channel;
use crate::core::config::{Config, ConfigError};
use crate::core::copy::{Attribution, CopyDecision, CopyPolicy, NEVER_TOUCHED};
use crate::core::event::{uuid_v4, Event, EventKind};
use crate::core::hosts::TrackedHosts;
use crate::core::page::{address_bar_url, Landing};
use crate::core::share::{tracked_url, ShareContent, ShareSettings, ShareTarget};
use crate::core::strings::{Lang, Phrase};
use crate::core::text_rewrite::CopyRewriter;
use crate::core::token::ShareToken;
use crate::core::url::without_token;
use crate::prelude::*;
use wasm_bindgen::prelude::*;

// SAFETY: wasm32-unknown-unknown without atomics is single-threaded.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// A validated config and everything derived from it.
///
/// Arguments and answers that are several strings are NUL-joined: one string crosses the
/// boundary with less glue than several, and no URL, token, title or label holds a NUL
/// (the HTML parser replaces it; `js/` strips it from anything a script could set).
#[wasm_bindgen]
pub struct Core {
    config: Config,
    policy: CopyPolicy,
    lang: Lang,
}

fn joined<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push('\0');
        }
        out.push_str(item);
    }
    out
}

/// The first `N` bytes of `random`, zero-padded (JS always passes enough).
fn bytes<const N: usize>(random: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (o, r) in out.iter_mut().zip(random) {
        *o = *r;
    }
    out
}

#[wasm_bindgen]
impl Core {
    /// A core for the config `js/config.js` checked, as key, value pairs (see
    /// [`Config::from_pairs`]); `host` is the page's hostname, `lang` its `<html lang>`.
    /// Throws `option NUL problem` for what only the core can judge (host names, channel
    /// ids, string keys): the browser layer names the field.
    #[wasm_bindgen(constructor)]
    pub fn new(pairs: Vec<String>, host: &str, lang: &str) -> Result<Core, String> {
        let config = Config::from_pairs(pairs)
            .map_err(|ConfigError { field, problem }| [field, problem].join("\0"))?;
        let hosts = config
            .tracked_hosts
            .clone()
            .unwrap_or_else(|| TrackedHosts::for_page(host));
        let read_more = config.strings.iter().find(|(k, _)| k == "readMore");
        let attribution = config.attribution.then(|| Attribution {
            min_words: config.attribution_min_words,
            label: config
                .attribution_text
                .clone()
                .or_else(|| read_more.map(|(_, text)| text.clone()))
                .unwrap_or_else(|| default_label(lang).to_owned()),
        });
        Ok(Core {
            policy: CopyPolicy {
                rewriter: CopyRewriter::new(hosts, &config.param, config.placement),
                max_chars: config.max_chars,
                attribution,
            },
            lang: Lang::from_tag(lang),
            config,
        })
    }

    /// What the browser layer needs to know, NUL-joined: endpoint, `ignoreSelector` (or
    /// empty), the never-touched selector, `maxChars`, `addressBar` and `shareButtons`
    /// (`1` or `0`).
    #[wasm_bindgen(getter)]
    pub fn settings(&self) -> String {
        let c = &self.config;
        let ignore = c.ignore_selector.as_deref().unwrap_or("");
        let never = match ignore {
            "" => NEVER_TOUCHED.to_owned(),
            extra => [NEVER_TOUCHED, ",", extra].concat(),
        };
        let mut max = String::new();
        crate::core::json::push_u64(&mut max, u64::from(c.max_chars));
        let flag = |b: bool| if b { "1" } else { "0" };
        joined([
            c.endpoint.as_str(),
            ignore,
            &never,
            &max,
            flag(c.address_bar),
            flag(c.share_buttons),
        ])
    }

    /// `url` without lanterne's token.
    pub fn clean(&self, url: &str) -> String {
        without_token(url, &self.config.param).0
    }

    /// What a copy becomes: `[plain, html, token]`, or `None` to leave it to the browser.
    /// `chars` is the selection's JavaScript length, `page` the page URL without token.
    pub fn copy(
        &self,
        plain: &str,
        html: &str,
        chars: u32,
        random: &[u8],
        page: &str,
    ) -> Option<Vec<String>> {
        let token = ShareToken::mint(Channel::Copy, &bytes(random));
        match self.policy.decide(plain, html, chars, &token, page) {
            CopyDecision::Skip(_) => None,
            CopyDecision::Rewrite { plain, html } => {
                Some(vec![plain, html, token.as_str().to_owned()])
            }
        }
    }

    /// The landing address, NUL-joined: the address without token, the valid token it
    /// arrived with (or empty), the address to show with this page view's token and that
    /// token (both empty when the address bar is off or left alone here).
    pub fn landing(&self, href: &str, random: &[u8]) -> String {
        let c = &self.config;
        let landing = Landing::read(href, &c.param);
        let incoming = landing.incoming.map(|t| t.as_str().to_owned());
        let token = ShareToken::mint(Channel::AddressBar, &bytes(random));
        let shown = c
            .address_bar
            .then(|| {
                address_bar_url(
                    &landing.clean_url,
                    &token,
                    &c.param,
                    c.placement,
                    &c.exclude_paths,
                )
            })
            .flatten();
        let own = if shown.is_some() { token.as_str() } else { "" };
        joined([
            landing.clean_url.as_str(),
            incoming.as_deref().unwrap_or(""),
            shown.as_deref().unwrap_or(""),
            own,
        ])
    }

    /// An event as JSON (SPEC §5). `fields` is NUL-joined: `kind` (`copy`, `share` or
    /// `arrival`), `channel` (empty: the one the token names), `token`, `parent` (not a
    /// token: `null`), `url`, `title`, and `extra`: the copy's `chars` or the arrival's
    /// referrer. `None` for a bad token.
    pub fn event(&self, fields: &str, ts: f64, random: &[u8]) -> Option<String> {
        let mut f = fields.split('\0');
        let mut next = || f.next().unwrap_or("");
        let (kind, channel, token, parent, url, title, extra) =
            (next(), next(), next(), next(), next(), next(), next());
        let token = ShareToken::parse(token)?;
        let kind = match kind {
            "copy" => EventKind::Copy {
                chars: extra.bytes().fold(0u32, |n, b| {
                    n.saturating_mul(10)
                        .saturating_add(u32::from(b.wrapping_sub(b'0')))
                }),
            },
            "arrival" => EventKind::Arrival {
                referrer: (!extra.is_empty()).then(|| extra.to_owned()),
            },
            _ => EventKind::Share,
        };
        let mut event = Event {
            id: uuid_v4(bytes(random)),
            kind,
            channel: Channel::from_id(channel).unwrap_or(token.channel()),
            token,
            parent: ShareToken::parse(parent),
            url: url.to_owned(),
            title: title.to_owned(),
            ts: ts as u64,
        };
        event.clamp_lengths();
        Some(event.to_json())
    }

    /// The buttons for a channel list (`None`: the config's `channels`), NUL-joined: the
    /// two status phrases `linkCopied, copyFailed`, then `id, label, accessible name,
    /// reason` per channel, `reason` empty when the channel can be offered here. Throws the
    /// problem with a bad list (the caller names the attribute or option).
    pub fn plan(&self, channels: Option<String>, mobile: bool) -> Result<String, String> {
        let channels = match channels {
            Some(list) => parse_channels(&list)?,
            None => self.config.channels.clone(),
        };
        let labels = self.labels();
        let settings = self.share_settings(mobile);
        let probe = ShareContent {
            url: "https://a.example/",
            title: "",
            text: "",
            page: "https://a.example/",
        };
        let names: Vec<String> = channels
            .iter()
            .map(|c| labels.accessible_name(*c))
            .collect();
        let mut items = vec![
            labels.phrase(Phrase::LinkCopied),
            labels.phrase(Phrase::CopyFailed),
        ];
        for (channel, name) in channels.iter().zip(&names) {
            let reason = channel
                .share_target(&probe, &settings)
                .err()
                .map_or("", |u| u.reason());
            items.extend([channel.id(), labels.name(*channel), name, reason]);
        }
        Ok(joined(items))
    }

    /// A share about to happen. `fields` is NUL-joined: `channel`, `url`, `title`, `text`,
    /// and `page`, the address of the page shared from (Messenger returns there).
    /// The answer is NUL-joined too: `page URL without token, shared URL, token, target`.
    /// `mode` 0: the shared URL is `url` with a fresh token and UTM parameters; 1: `url`
    /// exactly as a share listener left it (no new token); 2: tracking is off (Global
    /// Privacy Control), `url` without token or UTM. The target is `n` + URL (new tab),
    /// `s` + URL (same tab), `w` (native share sheet) or `c` (clipboard). Throws the
    /// reason when the channel cannot be offered here.
    pub fn share(
        &self,
        fields: &str,
        mobile: bool,
        mode: u8,
        random: &[u8],
    ) -> Result<String, String> {
        let c = &self.config;
        let mut f = fields.split('\0');
        let mut next = || f.next().unwrap_or("");
        let (channel, url, title, text, page) = (next(), next(), next(), next(), next());
        let channel = Channel::from_id(channel)
            .filter(|c| c.is_button())
            .ok_or("not a share channel")?;
        let base = self.clean(url);
        let (shared, token) = match mode {
            0 => {
                let token = ShareToken::mint(channel, &bytes(random));
                let campaign = c.utm_campaign.as_deref();
                let tracked = tracked_url(
                    &base,
                    channel,
                    &token,
                    &c.param,
                    c.placement,
                    c.utm,
                    campaign,
                );
                (tracked, token.as_str().to_owned())
            }
            1 => (url.to_owned(), String::new()),
            _ => (base.clone(), String::new()),
        };
        let page = self.clean(page);
        let content = ShareContent {
            url: &shared,
            title,
            text,
            page: &page,
        };
        let target = channel
            .share_target(&content, &self.share_settings(mobile))
            .map_err(|u| u.reason())?;
        let target = match target {
            ShareTarget::NewTab(url) => ["n", &url].concat(),
            ShareTarget::SameTab(url) => ["s", &url].concat(),
            ShareTarget::NativeSheet => "w".to_owned(),
            ShareTarget::Clipboard => "c".to_owned(),
        };
        Ok(joined([
            base.as_str(),
            shared.as_str(),
            token.as_str(),
            target.as_str(),
        ]))
    }
}

impl Core {
    fn labels(&self) -> Labels<'_> {
        Labels {
            lang: self.lang,
            overrides: &self.config.strings,
        }
    }

    fn share_settings(&self, mobile: bool) -> ShareSettings<'_> {
        ShareSettings {
            messenger_app_id: self.config.messenger_app_id.as_deref(),
            mastodon_instance: self.config.mastodon_instance.as_deref(),
            mobile,
        }
    }
}

/// A panic in the core is a bug; in the browser it traps, and the JavaScript call that
/// reached the core throws (a copy then goes ahead unchanged). No message is formatted, so
/// no formatting code ships.
#[cfg(not(test))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}
