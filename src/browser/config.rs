//! Builds a tracker's [`Session`] from its config, read and checked on this page
//! ([`crate::web::config`]). A bad config is only known to be bad here: the module every
//! page loads carries no error messages, and the second module, loaded then, says what
//! is wrong.

use super::session::Session;
use crate::core::attribution::default_label;
use crate::core::chars::cat;
use crate::core::config::{ConfigError, Source};
use crate::core::copy::{Attribution, CopyPolicy, VERBATIM};
use crate::core::device::is_mobile;
use crate::core::hosts::TrackedHosts;
use crate::core::strings::Lang;
use crate::core::text_rewrite::CopyRewriter;
use crate::prelude::*;
use crate::web::config::read;
use crate::web::dom::window;
use crate::web::page::{get, to_ascii};
use js_sys::Function;
use wasm_bindgen::prelude::*;

/// The session `given` (a config object, or a script element's attributes) gives on this
/// page, and the `callback` format's function.
pub fn session(
    source: Source,
    given: &JsValue,
) -> Result<(Session, Option<Function>), ConfigError> {
    let read = read(source, given)?;
    let config = read.config;
    let hosts = config
        .tracked_hosts
        .clone()
        .unwrap_or_else(|| TrackedHosts::for_page(&read.hostname, to_ascii));
    let read_more = config.strings.iter().find(|(k, _)| k == "readMore");
    let attribution = config.attribution.then(|| Attribution {
        min_words: config.attribution_min_words,
        label: config
            .attribution_text
            .clone()
            .or_else(|| read_more.map(|(_, text)| text.clone()))
            .unwrap_or_else(|| default_label(&read.lang).to_owned()),
    });
    let verbatim = match &config.ignore_selector {
        Some(extra) => cat(&[VERBATIM, ",", extra]),
        None => VERBATIM.to_owned(),
    };
    let session = Session {
        policy: CopyPolicy {
            rewriter: CopyRewriter::new(hosts, &config.param, config.placement),
            max_chars: config.max_chars,
            attribution,
        },
        verbatim,
        lang: Lang::from_tag(&read.lang),
        endpoint: read.endpoint,
        mobile: mobile(),
        config,
    };
    Ok((session, read.callback))
}

/// Whether this is a phone or tablet, from what `navigator` says.
fn mobile() -> bool {
    let navigator: JsValue = window().navigator().into();
    let read = |key| get(&navigator, key);
    is_mobile(
        get(&read("userAgentData"), "mobile") == JsValue::TRUE,
        &read("userAgent").as_string().unwrap_or_default(),
        read("maxTouchPoints").as_f64().unwrap_or(0.0),
        &read("platform").as_string().unwrap_or_default(),
    )
}
