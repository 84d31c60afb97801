//! What a tracker decided at start and keeps for its life: its checked config and what
//! follows from it on this page. Built by `config.rs`; shared, read-only, by the
//! copy listener, the routes and the share buttons.

use crate::core::buttons::Labels;
use crate::core::config::Config;
use crate::core::copy::CopyPolicy;
use crate::core::share::ShareSettings;
use crate::core::strings::Lang;
use crate::core::url::without_token;
use crate::prelude::*;

/// A tracker's config and what follows from it.
pub struct Session {
    /// The checked config.
    pub config: Config,
    /// What the copy listener does with a copy.
    pub policy: CopyPolicy,
    /// Where copies are copied byte for byte: [`VERBATIM`](crate::core::copy::VERBATIM)
    /// and the site's `ignoreSelector`.
    pub verbatim: String,
    /// The page's language (`<html lang>`), for the buttons' words.
    pub lang: Lang,
    /// `endpoint`, resolved against the page.
    pub endpoint: String,
    /// Whether this is a phone or tablet (Messenger has no web dialog there).
    pub mobile: bool,
}

impl Session {
    /// The buttons' words: the page language's, with the site's `strings` on top.
    pub fn labels(&self) -> Labels<'_> {
        Labels {
            lang: self.lang,
            overrides: &self.config.strings,
        }
    }

    /// What some channels need of the site and the device.
    pub fn share_settings(&self) -> ShareSettings<'_> {
        ShareSettings {
            messenger_app_id: self.config.messenger_app_id.as_deref(),
            mastodon_instance: self.config.mastodon_instance.as_deref(),
            mobile: self.mobile,
        }
    }

    /// `url` without lanterne's token.
    pub fn clean(&self, url: &str) -> String {
        without_token(url, &self.config.param).0
    }
}
