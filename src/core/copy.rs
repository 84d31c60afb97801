//! The whole decision for one copy, given what the browser layer read from the page.

use super::attribution::{append_html, append_plain};
use super::selection::{count_words, looks_like_email, looks_like_phone};
use super::text_rewrite::CopyRewriter;
use super::token::ShareToken;
use super::url::with_token;
use crate::prelude::*;

/// Where a copy is never touched (SPEC §3): form fields, editors, code, and opted-out
/// content. A CSS selector, matched against the copy's target, the ends of its selection
/// and everything inside it.
pub const NEVER_TOUCHED: &str = "input,textarea,select,[contenteditable]:not([contenteditable=false]),pre,code,kbd,samp,[data-lanterne-ignore]";

/// How copies are handled on this page: the rewriter, the size cap, the optional
/// attribution line.
///
/// ```
/// use lanterne::core::{copy::{CopyPolicy, CopyDecision}, hosts::TrackedHosts,
///     text_rewrite::CopyRewriter, token::ShareToken, url::Placement};
/// let policy = CopyPolicy {
///     rewriter: CopyRewriter::new(TrackedHosts::for_page("blog.example"), "lt", Placement::Auto),
///     max_chars: 100_000,
///     attribution: None,
/// };
/// let token = ShareToken::parse("cAAAAAAAAAA1").unwrap();
/// let page = "https://blog.example/a";
/// match policy.decide("Go to https://blog.example/b now", "", 32, &token, page) {
///     CopyDecision::Rewrite { plain, .. } => assert_eq!(plain, "Go to https://blog.example/b#lt=cAAAAAAAAAA1 now"),
///     other => panic!("{other:?}"),
/// }
/// assert_eq!(policy.decide("no links here", "", 13, &token, page), CopyDecision::Skip(SkipReason::NothingToTrack));
/// # use lanterne::core::copy::SkipReason;
/// ```
#[derive(Clone, Debug)]
pub struct CopyPolicy {
    /// Rewrites the site's URLs.
    pub rewriter: CopyRewriter,
    /// Selections longer than this many characters are left to the browser.
    pub max_chars: u32,
    /// The "Read more" line, when turned on.
    pub attribution: Option<Attribution>,
}

/// The attribution line's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribution {
    /// Minimum words in the selection.
    pub min_words: u32,
    /// The label before the URL.
    pub label: String,
}

/// What to do with a copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CopyDecision {
    /// Let the browser copy as usual and report nothing.
    Skip(SkipReason),
    /// Write these to the clipboard instead, and report a `copy` event.
    Rewrite {
        /// The new `text/plain`.
        plain: String,
        /// The new `text/html`.
        html: String,
    },
}

/// Why a copy was left alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// Nothing selected.
    Empty,
    /// Over the size cap.
    TooLarge,
    /// The selection is an e-mail address or a phone number.
    ContactDetail,
    /// No URL of a tracked host, and no attribution line applies.
    NothingToTrack,
}

impl CopyPolicy {
    /// Decides what a copy becomes. `chars` is the selection's length as the browser
    /// counts it; `page_url` is the page's URL without token (for the attribution line).
    pub fn decide(
        &self,
        plain: &str,
        html: &str,
        chars: u32,
        token: &ShareToken,
        page_url: &str,
    ) -> CopyDecision {
        if chars > self.max_chars {
            return CopyDecision::Skip(SkipReason::TooLarge);
        }
        if plain.trim_matches(crate::core::chars::is_space).is_empty() {
            return CopyDecision::Skip(SkipReason::Empty);
        }
        if looks_like_email(plain) || looks_like_phone(plain) {
            return CopyDecision::Skip(SkipReason::ContactDetail);
        }
        let new_plain = self.rewriter.rewrite_text(plain, token);
        let new_html = self.rewriter.rewrite_html(html, token);
        if new_plain.urls + new_html.urls > 0 {
            return CopyDecision::Rewrite {
                plain: new_plain.text,
                html: new_html.text,
            };
        }
        if let Some(attribution) = &self.attribution {
            let min = attribution.min_words as usize;
            if count_words(plain, min) >= min {
                let param = &self.rewriter.param;
                if let Some(url) = with_token(page_url, token, param, self.rewriter.placement) {
                    return CopyDecision::Rewrite {
                        plain: append_plain(plain, &attribution.label, &url),
                        html: append_html(html, &attribution.label, &url),
                    };
                }
            }
        }
        CopyDecision::Skip(SkipReason::NothingToTrack)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{hosts::TrackedHosts, url::Placement};

    fn policy(attribution: bool) -> CopyPolicy {
        CopyPolicy {
            rewriter: CopyRewriter::new(
                TrackedHosts::for_page("blog.example"),
                "lt",
                Placement::Auto,
            ),
            max_chars: 50,
            attribution: attribution.then(|| Attribution {
                min_words: 7,
                label: "Read more:".into(),
            }),
        }
    }
    const PAGE: &str = "https://blog.example/post";

    #[test]
    fn skip_rules() {
        let t = ShareToken::parse("cAAAAAAAAAA1").unwrap();
        let p = policy(true);
        assert_eq!(
            p.decide("  ", "", 2, &t, PAGE),
            CopyDecision::Skip(SkipReason::Empty)
        );
        assert_eq!(
            p.decide("x", "", 51, &t, PAGE),
            CopyDecision::Skip(SkipReason::TooLarge)
        );
        assert_eq!(
            p.decide("me@blog.example", "", 15, &t, PAGE),
            CopyDecision::Skip(SkipReason::ContactDetail)
        );
        assert_eq!(
            p.decide("+33 1 23 45 67 89", "", 17, &t, PAGE),
            CopyDecision::Skip(SkipReason::ContactDetail)
        );
        assert_eq!(
            p.decide("six words are not quite enough", "", 30, &t, PAGE),
            CopyDecision::Skip(SkipReason::NothingToTrack)
        );
    }

    #[test]
    fn attribution_only_when_on_and_long_enough() {
        let t = ShareToken::parse("cAAAAAAAAAA1").unwrap();
        let text = "seven words are just about enough here";
        assert_eq!(
            policy(false).decide(text, "", 38, &t, PAGE),
            CopyDecision::Skip(SkipReason::NothingToTrack)
        );
        match policy(true).decide(text, "<b>x</b>", 38, &t, PAGE) {
            CopyDecision::Rewrite { plain, html } => {
                assert_eq!(
                    plain,
                    format!("{text}\n\nRead more: {PAGE}#lt=cAAAAAAAAAA1")
                );
                assert!(html.starts_with(
                    "<b>x</b><p>Read more: <a href=\"https://blog.example/post#lt=cAAAAAAAAAA1\">"
                ));
            }
            other => panic!("{other:?}"),
        }
        // A tracked URL wins over the attribution line.
        let with_url = "seven words and https://blog.example/x are here";
        match policy(true).decide(with_url, "", 40, &t, PAGE) {
            CopyDecision::Rewrite { plain, .. } => assert!(!plain.contains("Read more")),
            other => panic!("{other:?}"),
        }
    }
}
