//! A third wasm module (feature `row`), for Node, never for a page: the share rows a
//! server writes into its pages ([`crate::core::fallback`]), behind the npm package's
//! `lanterne/row` (a build, a static site generator, server-side rendering) and the
//! `lanterne-row` command: links that work before the script arrives, in the space
//! lanterne's buttons will take.

use crate::core::buttons::DEFAULT_CHANNELS;
use crate::core::chars::cat;
use crate::core::config::{ShareOptions, Value};
use crate::core::fallback::{row, FallbackRow};
use crate::core::markup::brand_icon;
use crate::core::strings::Lang;
use crate::prelude::*;
use crate::web::page::{error, quoting};
use crate::web::values::entries;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn problem(field: &str, what: &str) -> JsValue {
    error(&cat(&["lanterne: options.", field, " ", what]))
}

/// The markup of a container with its row (`lanterne.d.ts`'s `ShareRowOptions`):
/// `url` (absolute, http(s)), `title`, `text`, `channels`, `labels` as for
/// `renderButtons`; `lang` a language tag (`<html lang>`); `utm`, `utmCampaign` and
/// `mastodonInstance` as lanterne's own options. `readIcon(channel)` gives the text of a
/// brand icon's file (or throws: then that button shows its label). Throws an `Error`
/// naming the option when one is bad.
///
/// ```js
/// shareRow({ url: "https://blog.example/a", title: "A" }, (channel) => readFileSync(`icons/${channel}.svg`, "utf8"));
/// ```
#[wasm_bindgen(js_name = shareRow)]
pub fn share_row(options: JsValue, read_icon: JsValue) -> Result<String, JsValue> {
    let Some(all) = entries(&options) else {
        return Err(error("lanterne: options must be an object"));
    };
    // lanterne's own options, then those of renderButtons.
    let (mut lang, mut utm, mut campaign, mut mastodon) = (Lang::En, true, None, None);
    let mut rest = Vec::new();
    for (key, value) in all {
        match (key.as_str(), &value) {
            ("lang", Value::Text(tag)) => lang = Lang::from_tag(tag),
            ("utm", Value::Bool(on)) => utm = *on,
            ("utmCampaign", Value::Text(name)) if !name.is_empty() => campaign = Some(name.clone()),
            ("mastodonInstance", Value::Text(host)) if !host.is_empty() => {
                mastodon = Some(host.to_ascii_lowercase())
            }
            ("lang" | "utmCampaign" | "mastodonInstance", _) => {
                return Err(problem(&key, "must be a non-empty string"))
            }
            ("utm", _) => return Err(problem("utm", "must be true or false")),
            _ => rest.push((key, value)),
        }
    }
    let options = ShareOptions::from_entries(rest, &["channels", "url", "title", "text", "labels"])
        .map_err(|e| error(&e.message()))?;
    let url = options.url.unwrap_or_default();
    let absolute = web_sys::Url::new(&url)
        .ok()
        .filter(|u| matches!(u.protocol().as_str(), "https:" | "http:"))
        .map(|u| u.href());
    let Some(url) = absolute else {
        let got = quoting(
            "must be an absolute http(s) URL such as \"https://blog.example/a\" (got ",
            &url,
        );
        return Err(problem("url", &cat(&[&got, ")"])));
    };
    let channels = options
        .channels
        .unwrap_or_else(|| DEFAULT_CHANNELS.to_vec());
    let read_icon = read_icon.dyn_into::<Function>().ok();
    let icon = |channel: crate::core::channel::Channel| {
        let file = read_icon
            .as_ref()?
            .call1(&JsValue::NULL, &channel.id().into())
            .ok()?;
        Some(brand_icon(&file.as_string()?)).filter(|(_, paths)| !paths.is_empty())
    };
    let fallback = FallbackRow {
        channels: &channels,
        url: &url,
        title: options.title.as_deref().unwrap_or(""),
        text: options.text.as_deref().unwrap_or(""),
        lang,
        labels: options.labels.unwrap_or(true),
        utm,
        campaign: campaign.as_deref(),
        mastodon_instance: mastodon.as_deref(),
    };
    Ok(row(&fallback, icon))
}
