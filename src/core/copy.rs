//! The whole decision for one copy, given what the browser layer read from the page.

use super::attribution::{append_html, append_plain};
use super::selection::{count_words, looks_like_email, looks_like_phone};
use super::text_rewrite::CopyRewriter;
use super::token::ShareToken;
use super::url::with_token;
use crate::prelude::*;

/// Form fields and editors (docs/how-it-works.md#copy-tracking): they manage their own
/// clipboard. A copy whose target or selection touches one is left to the browser. A CSS
/// selector.
pub const EDITORS: &str = "input,textarea,select,[contenteditable]:not([contenteditable=false])";

/// Content copied byte for byte (docs/how-it-works.md#copy-tracking): code, and what a
/// site opts out with `data-lanterne-ignore` (and its `ignoreSelector`). A selection
/// inside one is left to the browser; one that merely contains one is tracked, with the
/// content of each copied exactly as it is, in both formats. A CSS selector.
pub const VERBATIM: &str = "pre,code,kbd,samp,[data-lanterne-ignore]";

/// Share rows (a share row is never part of a visitor's copy:
/// docs/how-it-works.md#copy-tracking): lanterne's own
/// containers and the rows a server wrote (`lanterne/row`, the WordPress plugin), which
/// carry the same class and attribute. `lanterne.css` makes them unselectable
/// (`user-select: none`), so a copy the browser makes leaves them out; a copy lanterne
/// writes leaves out every one its selection spans. A CSS selector.
///
/// ```
/// use lanterne::core::copy::SHARE_ROWS;
/// assert_eq!(SHARE_ROWS, ".lanterne-share,[data-lanterne-share]");
/// ```
pub const SHARE_ROWS: &str = ".lanterne-share,[data-lanterne-share]";

/// How copies are handled on this page: the rewriter, the size cap, the optional
/// attribution line.
///
/// ```
/// use lanterne::core::{copy::{CopyPolicy, CopyDecision, Selection, SkipReason}, hosts::{ascii_lowercase, TrackedHosts},
///     text_rewrite::CopyRewriter, token::ShareToken, url::Placement};
/// let policy = CopyPolicy {
///     rewriter: CopyRewriter::new(TrackedHosts::for_page("blog.example", ascii_lowercase), "lt", Placement::Auto),
///     max_chars: 100_000,
///     attribution: None,
/// };
/// let token = ShareToken::parse("cAAAAAAAAAA1").unwrap();
/// let page = "https://blog.example/a";
/// let copy = Selection { plain: "Go to https://blog.example/b now", segments: &[], links: 0, chars: 32 };
/// assert_eq!(policy.decide(&copy, &token, page), CopyDecision::Rewrite {
///     plain: "Go to https://blog.example/b#lt=cAAAAAAAAAA1 now".into(), html_line: None });
/// let plain = Selection { plain: "no links here", segments: &[], links: 0, chars: 13 };
/// assert_eq!(policy.decide(&plain, &token, page), CopyDecision::Skip(SkipReason::NothingToTrack));
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

/// What the browser layer read of a copy.
#[derive(Clone, Copy, Debug)]
pub struct Selection<'a> {
    /// The selection's text, as the browser's own copy would write `text/plain`.
    pub plain: &'a str,
    /// The selection's text as read from the copied DOM, in order, each piece marked
    /// `true` inside code (see [`VERBATIM`] and
    /// [`CopyRewriter::rewrite_text_keeping`]); empty when the selection holds no code.
    pub segments: &'a [(bool, String)],
    /// How many links the browser layer gave the token in the `text/html` it built (with
    /// [`CopyRewriter::rewrite_href`]).
    pub links: usize,
    /// The selection's length as the browser counts it (UTF-16 code units).
    pub chars: u32,
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
        /// HTML to append to the `text/html` the browser layer built: the attribution
        /// line, when it applies.
        html_line: Option<String>,
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
    /// The selection holds code, and its text as read from the DOM does not match the
    /// selection's text (hidden or generated text), so lanterne cannot be sure to leave
    /// the code as it is.
    CodeNotFound,
    /// No URL of a tracked host, and no attribution line applies.
    NothingToTrack,
}

impl CopyPolicy {
    /// Decides what a copy becomes; `page_url` is the page's URL without token (for the
    /// attribution line).
    pub fn decide(&self, copy: &Selection, token: &ShareToken, page_url: &str) -> CopyDecision {
        let plain = copy.plain;
        if copy.chars > self.max_chars {
            return CopyDecision::Skip(SkipReason::TooLarge);
        }
        if plain.trim_matches(crate::core::chars::is_space).is_empty() {
            return CopyDecision::Skip(SkipReason::Empty);
        }
        if looks_like_email(plain) || looks_like_phone(plain) {
            return CopyDecision::Skip(SkipReason::ContactDetail);
        }
        let Some(new_plain) = self
            .rewriter
            .rewrite_text_keeping(plain, copy.segments, token)
        else {
            return CopyDecision::Skip(SkipReason::CodeNotFound);
        };
        if new_plain.urls + copy.links > 0 {
            return CopyDecision::Rewrite {
                plain: new_plain.text,
                html_line: None,
            };
        }
        if let Some(attribution) = &self.attribution {
            let min = attribution.min_words as usize;
            if count_words(plain, min) >= min {
                let param = &self.rewriter.param;
                if let Some(url) = with_token(page_url, token, param, self.rewriter.placement) {
                    return CopyDecision::Rewrite {
                        plain: append_plain(plain, &attribution.label, &url),
                        html_line: Some(append_html("", &attribution.label, &url)),
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
    use crate::core::{
        hosts::{ascii_lowercase, TrackedHosts},
        url::Placement,
    };

    fn policy(attribution: bool) -> CopyPolicy {
        CopyPolicy {
            rewriter: CopyRewriter::new(
                TrackedHosts::for_page("blog.example", ascii_lowercase),
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

    fn decide(p: &CopyPolicy, plain: &str, dom: &[(bool, &str)], links: usize) -> CopyDecision {
        let segments: Vec<(bool, String)> = dom.iter().map(|(c, t)| (*c, t.to_string())).collect();
        let copy = Selection {
            plain,
            segments: &segments,
            links,
            chars: plain.chars().count() as u32,
        };
        p.decide(&copy, &ShareToken::parse("cAAAAAAAAAA1").unwrap(), PAGE)
    }

    #[test]
    fn skip_rules() {
        let p = policy(true);
        assert_eq!(
            decide(&p, "  ", &[], 0),
            CopyDecision::Skip(SkipReason::Empty)
        );
        assert_eq!(
            decide(&p, &"x".repeat(51), &[], 0),
            CopyDecision::Skip(SkipReason::TooLarge)
        );
        assert_eq!(
            decide(&p, "me@blog.example", &[], 1),
            CopyDecision::Skip(SkipReason::ContactDetail)
        );
        assert_eq!(
            decide(&p, "+33 1 23 45 67 89", &[], 0),
            CopyDecision::Skip(SkipReason::ContactDetail)
        );
        assert_eq!(
            decide(&p, "six words are not quite enough", &[], 0),
            CopyDecision::Skip(SkipReason::NothingToTrack)
        );
        assert_eq!(
            decide(
                &p,
                "see https://blog.example/a",
                &[
                    (false, "see "),
                    (true, "hidden"),
                    (false, "https://blog.example/a")
                ],
                0
            ),
            CopyDecision::Skip(SkipReason::CodeNotFound)
        );
    }

    #[test]
    fn links_and_code() {
        let p = policy(false);
        // A link in the HTML is enough for a rewrite, even with no URL in the text.
        assert_eq!(
            decide(&p, "the contributing guide", &[], 1),
            CopyDecision::Rewrite {
                plain: "the contributing guide".into(),
                html_line: None
            }
        );
        // A URL only inside code: nothing to track.
        assert_eq!(
            decide(
                &p,
                "run curl https://blog.example/a",
                &[(false, "run "), (true, "curl https://blog.example/a")],
                0
            ),
            CopyDecision::Skip(SkipReason::NothingToTrack)
        );
    }

    #[test]
    fn share_rows_are_named_as_rows_are_written() {
        // A server-written row and a drawn one: each marked by a selector of SHARE_ROWS.
        let written = crate::core::fallback::row(
            &crate::core::fallback::FallbackRow {
                channels: &[crate::core::channel::Channel::Whatsapp],
                url: "https://blog.example/a",
                title: "",
                text: "",
                lang: crate::core::strings::Lang::En,
                labels: true,
                utm: true,
                campaign: None,
                mastodon_instance: None,
            },
            |_| None,
        );
        assert!(written.starts_with(r#"<div class="lanterne-share" data-lanterne-share="""#));
        let selectors: Vec<&str> = SHARE_ROWS.split(',').collect();
        assert_eq!(selectors, [".lanterne-share", "[data-lanterne-share]"]);
        // And the stylesheet keeps every one of them out of a selection.
        let css = include_str!("../../js/lanterne.css");
        let rule = css
            .find("user-select: none")
            .map(|at| &css[..at])
            .and_then(|before| before.rfind('}').map(|start| &before[start..]))
            .unwrap_or("");
        for selector in selectors {
            assert!(
                rule.contains(selector),
                "{selector} is not unselectable: {rule}"
            );
        }
    }

    #[test]
    fn attribution_only_when_on_and_long_enough() {
        let text = "seven words are just about enough here";
        assert_eq!(
            decide(&policy(false), text, &[], 0),
            CopyDecision::Skip(SkipReason::NothingToTrack)
        );
        match decide(&policy(true), text, &[], 0) {
            CopyDecision::Rewrite { plain, html_line } => {
                assert_eq!(
                    plain,
                    format!("{text}\n\nRead more: {PAGE}#lt=cAAAAAAAAAA1")
                );
                assert_eq!(
                    html_line.as_deref(),
                    Some("<p>Read more: <a href=\"https://blog.example/post#lt=cAAAAAAAAAA1\">https://blog.example/post#lt=cAAAAAAAAAA1</a></p>")
                );
            }
            other => panic!("{other:?}"),
        }
        // A tracked URL wins over the attribution line.
        match decide(
            &policy(true),
            "seven words and https://blog.example/x are here",
            &[],
            0,
        ) {
            CopyDecision::Rewrite { plain, .. } => assert!(!plain.contains("Read more")),
            other => panic!("{other:?}"),
        }
    }
}
