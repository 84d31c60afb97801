//! What lanterne does with the page's own address (SPEC §2): reading the token a visitor
//! arrived with, and choosing the address to show in the address bar.

use super::selection::path_matches;
use super::token::ShareToken;
use super::url::{with_token, without_token, Placement, UrlParts};

/// The page address as a visitor landed on it.
///
/// ```
/// use lanterne::core::page::Landing;
/// let landing = Landing::read("https://blog.example/a#lt=wAbCdEfGh-_9", "lt");
/// assert_eq!(landing.clean_url, "https://blog.example/a");
/// assert_eq!(landing.incoming.unwrap().as_str(), "wAbCdEfGh-_9");
/// let junk = Landing::read("https://blog.example/a#lt=<script>", "lt");
/// assert!(junk.incoming.is_none() && junk.had_slot);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Landing {
    /// The address without any token slot: what events report as `url`.
    pub clean_url: String,
    /// The token arrived with, if the slot held a well-formed one.
    pub incoming: Option<ShareToken>,
    /// Whether the address had a token slot at all (valid or not): if so, it is taken out
    /// of the address bar.
    pub had_slot: bool,
}

impl Landing {
    /// Reads `href` (the page's `location.href`).
    pub fn read(href: &str, param: &str) -> Landing {
        let (clean_url, value) = without_token(href, param);
        Landing {
            incoming: value.as_deref().and_then(ShareToken::parse),
            had_slot: value.is_some(),
            clean_url,
        }
    }
}

/// The address to put in the address bar for this page view, or `None` to leave the
/// clean address: on the home page `/`, when the address has a fragment of its own (an
/// anchor, a hash route, a text fragment), and on excluded paths.
///
/// ```
/// use lanterne::core::{page::address_bar_url, token::ShareToken, url::Placement};
/// let t = ShareToken::parse("aAAAAAAAAAA1").unwrap();
/// assert_eq!(address_bar_url("https://blog.example/a", &t, "lt", Placement::Auto, &[]).as_deref(),
///            Some("https://blog.example/a#lt=aAAAAAAAAAA1"));
/// assert_eq!(address_bar_url("https://blog.example/", &t, "lt", Placement::Auto, &[]), None);
/// assert_eq!(address_bar_url("https://blog.example/a#intro", &t, "lt", Placement::Auto, &[]), None);
/// ```
pub fn address_bar_url(
    clean_url: &str,
    token: &ShareToken,
    param: &str,
    placement: Placement,
    exclude: &[String],
) -> Option<String> {
    let parts = UrlParts::split(clean_url);
    let path = parts.path(clean_url);
    if path.is_empty() || path == "/" || parts.fragment(clean_url).is_some_and(|f| !f.is_empty()) {
        return None;
    }
    if exclude.iter().any(|pattern| path_matches(pattern, path)) {
        return None;
    }
    with_token(clean_url, token, param, placement)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_bar_rules() {
        let t = ShareToken::parse("aAAAAAAAAAA1").unwrap();
        let ex = vec!["/search".to_owned(), "/admin/*".to_owned()];
        let f = |u: &str| address_bar_url(u, &t, "lt", Placement::Auto, &ex);
        assert_eq!(
            f("https://b.example/post?x=1").as_deref(),
            Some("https://b.example/post?x=1#lt=aAAAAAAAAAA1")
        );
        assert_eq!(
            f("https://b.example/post#").as_deref(),
            Some("https://b.example/post#lt=aAAAAAAAAAA1")
        );
        assert_eq!(f("https://b.example"), None);
        assert_eq!(f("https://b.example/?utm_source=x"), None);
        assert_eq!(f("https://b.example/search"), None);
        assert_eq!(f("https://b.example/admin/users"), None);
        assert!(f("https://b.example/searching").is_some());
        assert_eq!(
            address_bar_url("https://b.example/a", &t, "lt", Placement::Query, &[]).as_deref(),
            Some("https://b.example/a?lt=aAAAAAAAAAA1")
        );
    }

    #[test]
    fn landing_forms() {
        let l = Landing::read("https://b.example/a?lt=wAbCdEfGh-_9#sec", "lt");
        assert_eq!(
            (l.clean_url.as_str(), l.incoming.is_some()),
            ("https://b.example/a#sec", true)
        );
        let none = Landing::read("https://b.example/a#sec", "lt");
        assert!(
            !none.had_slot
                && none.incoming.is_none()
                && none.clean_url == "https://b.example/a#sec"
        );
        let other_param = Landing::read("https://b.example/a#ref=wAbCdEfGh-_9", "ref");
        assert!(other_param.incoming.is_some());
    }
}
