//! The Rust half of the share buttons (SPEC §4): which buttons a container gets, the URL
//! each opens with a fresh token, and the `share` event. `js/buttons.js` draws the buttons
//! and calls these methods (underscore-named: internal, not the public API). The DOM work
//! is in JavaScript because every DOM call made from wasm costs an import shim in both the
//! glue and the module, and the buttons have to fit the size budget (README "Size").

use super::{js_error, random::random_bytes, Tracker};
use crate::core::buttons::{parse_channels, Labels};
use crate::core::channel::Channel;
use crate::core::config::Config;
use crate::core::event::EventKind;
use crate::core::share::{tracked_url, ShareContent, ShareSettings, ShareTarget};
use crate::core::strings::{Lang, Phrase};
use crate::core::token::ShareToken;
use crate::core::url::{without_token, Placement};
use js_sys::Array;
use wasm_bindgen::prelude::*;

/// The part of the config share buttons use, kept even when tracking is off.
pub struct ButtonSettings {
    lang: Lang,
    strings: Vec<(String, String)>,
    channels: Vec<Channel>,
    utm: bool,
    campaign: Option<String>,
    messenger_app_id: Option<String>,
    mastodon_instance: Option<String>,
    param: String,
    placement: Placement,
    auto: bool,
}

impl ButtonSettings {
    pub fn from_config(config: &Config) -> ButtonSettings {
        let lang = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .unwrap_or_default();
        ButtonSettings {
            lang: Lang::from_tag(&lang),
            strings: config.strings.clone(),
            channels: config.channels.clone(),
            utm: config.utm,
            campaign: config.utm_campaign.clone(),
            messenger_app_id: config.messenger_app_id.clone(),
            mastodon_instance: config.mastodon_instance.clone(),
            param: config.param.clone(),
            placement: config.placement,
            auto: config.share_buttons,
        }
    }

    fn labels(&self) -> Labels<'_> {
        Labels {
            lang: self.lang,
            overrides: &self.strings,
        }
    }

    fn settings(&self, mobile: bool) -> ShareSettings<'_> {
        ShareSettings {
            messenger_app_id: self.messenger_app_id.as_deref(),
            mastodon_instance: self.mastodon_instance.as_deref(),
            mobile,
        }
    }
}

fn button_channel(id: &str) -> Result<Channel, JsValue> {
    Channel::from_id(id)
        .filter(|c| c.is_button())
        .ok_or_else(|| js_error("lanterne: not a share channel"))
}

#[wasm_bindgen]
impl Tracker {
    /// Internal. The buttons for a channel list (`None`: the config's `channels`): for
    /// each, `id, label, accessible name, reason` flattened, `reason` empty when the
    /// channel can be offered here. A bad list throws the problem (without a field name:
    /// the caller knows whether it was an attribute or an option).
    #[wasm_bindgen(js_name = _plan)]
    pub fn plan(&self, channels: Option<String>, mobile: bool) -> Result<Array, JsValue> {
        let channels = match channels {
            Some(list) => parse_channels(&list).map_err(|p| JsValue::from_str(&p))?,
            None => self.buttons.channels.clone(),
        };
        let labels = self.buttons.labels();
        let settings = self.buttons.settings(mobile);
        let probe = ShareContent {
            url: "https://a.example/",
            title: "",
            text: "",
        };
        let plan = Array::new();
        for channel in channels {
            let reason = channel
                .share_target(&probe, &settings)
                .err()
                .map_or("", |u| u.reason());
            for item in [
                channel.id(),
                labels.name(channel),
                &labels.accessible_name(channel),
                reason,
            ] {
                plan.push(&JsValue::from_str(item));
            }
        }
        Ok(plan)
    }

    /// Internal. A share about to happen: `[page URL without token, tracked URL, token,
    /// target]` where the tracked URL carries a fresh token and UTM parameters (none of
    /// either, and an empty token, when tracking is off) and `target` is what
    /// [`Tracker::target`] returns. `url` empty means this page.
    #[wasm_bindgen(js_name = _share)]
    pub fn share(
        &self,
        channel: &str,
        url: &str,
        title: &str,
        text: &str,
        mobile: bool,
    ) -> Result<Array, JsValue> {
        let channel = button_channel(channel)?;
        let settings = &self.buttons;
        let page = match url {
            "" => web_sys::window()
                .and_then(|w| w.location().href().ok())
                .unwrap_or_default(),
            url => url.to_owned(),
        };
        let base = without_token(&page, &settings.param).0;
        let (tracked, token) = match &self.session {
            Some(_) => {
                let token = ShareToken::mint(channel, &random_bytes());
                let tracked = tracked_url(
                    &base,
                    channel,
                    &token,
                    &settings.param,
                    settings.placement,
                    settings.utm,
                    settings.campaign.as_deref(),
                );
                (tracked, token.as_str().to_owned())
            }
            None => (base.clone(), String::new()),
        };
        let target = self.target(channel.id(), &tracked, title, text, mobile)?;
        let out = Array::new();
        for item in [&base, &tracked, &token, &target] {
            out.push(&JsValue::from_str(item));
        }
        Ok(out)
    }

    /// Internal. Where sharing `url` with `title` and `text` through `channel` goes:
    /// `n` + URL (new tab), `s` + URL (same tab), `w` (native share sheet) or `c`
    /// (clipboard). Throws the reason when the channel is unavailable.
    #[wasm_bindgen(js_name = _target)]
    pub fn target(
        &self,
        channel: &str,
        url: &str,
        title: &str,
        text: &str,
        mobile: bool,
    ) -> Result<String, JsValue> {
        let content = ShareContent { url, title, text };
        let target = button_channel(channel)?
            .share_target(&content, &self.buttons.settings(mobile))
            .map_err(|u| js_error(u.reason()))?;
        Ok(match target {
            ShareTarget::NewTab(url) => ["n", &url].concat(),
            ShareTarget::SameTab(url) => ["s", &url].concat(),
            ShareTarget::NativeSheet => "w".to_owned(),
            ShareTarget::Clipboard => "c".to_owned(),
        })
    }

    /// Internal. Reports the `share` event of a share that happened: `token` is the one in
    /// the shared URL, `url` the shared page without token.
    #[wasm_bindgen(js_name = _report)]
    pub fn report_share(&self, channel: &str, token: &str, url: &str, title: &str) {
        let (Some(session), Ok(channel), Some(token)) = (
            &self.session,
            button_channel(channel),
            ShareToken::parse(token),
        ) else {
            return;
        };
        session.memory.remember_minted(&token);
        session.report_about(
            EventKind::Share,
            channel,
            token,
            session.memory.parent(),
            url.to_owned(),
            title.to_owned(),
        );
    }

    /// Internal. A visible phrase (`linkCopied`, `copyFailed`), overridden or built in.
    #[wasm_bindgen(js_name = _phrase)]
    pub fn phrase(&self, key: &str) -> String {
        let phrase = Phrase::ALL
            .into_iter()
            .find(|p| p.key() == key)
            .unwrap_or(Phrase::CopyFailed);
        self.buttons.labels().phrase(phrase).to_owned()
    }

    /// Internal. Whether `[data-lanterne-share]` containers get buttons automatically.
    #[wasm_bindgen(getter, js_name = _autoButtons)]
    pub fn auto_buttons(&self) -> bool {
        self.buttons.auto
    }
}
