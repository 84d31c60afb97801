//! What lanterne does with the page's own address
//! (docs/how-it-works.md#address-bar-arrivals-chains): reading the token a visitor
//! arrived with, telling a sourceless landing (docs/events.md#events), and choosing the
//! address to show in the address bar.

use super::selection::path_matches;
use super::token::ShareToken;
use super::url::{with_token, without_tokens, Placement, UrlParts};
use crate::prelude::*;

/// The page address as a visitor landed on it.
///
/// ```
/// use lanterne::core::page::Landing;
/// let landing = Landing::read("https://blog.example/a#lt=wAbCdEfGh-_9", "lt");
/// assert_eq!(landing.clean_url, "https://blog.example/a");
/// assert_eq!(landing.incoming.unwrap().as_str(), "wAbCdEfGh-_9");
/// let junk = Landing::read("https://blog.example/a#lt=9AbCdEfGh-_9", "lt");
/// assert!(junk.incoming.is_none() && junk.had_slot && junk.clean_url == "https://blog.example/a");
/// let theirs = Landing::read("https://blog.example/a?lt=5", "lt");
/// assert!(!theirs.had_slot && theirs.clean_url == "https://blog.example/a?lt=5");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Landing {
    /// The address without any token slot: what events report as `url`.
    pub clean_url: String,
    /// The token arrived with: the first well-formed one among the slots.
    pub incoming: Option<ShareToken>,
    /// Whether the address had a token-shaped slot at all (valid or not): if so, it is
    /// taken out of the address bar. Values of other shapes are the site's own.
    pub had_slot: bool,
}

impl Landing {
    /// Reads `href` (the page's `location.href`).
    pub fn read(href: &str, param: &str) -> Landing {
        let (clean_url, values) = without_tokens(href, param);
        Landing {
            incoming: values.iter().find_map(|v| ShareToken::parse(v)),
            had_slot: !values.is_empty(),
            clean_url,
        }
    }
}

/// Which route a page address shows, for single-page apps (docs/npm.md#single-page-apps):
/// the address without lanterne's token and without its fragment. A change of path or
/// query is a new page view; a change of fragment alone (an anchor, a hash router's
/// route) is not.
///
/// ```
/// use lanterne::core::page::route_key;
/// let a = route_key("https://app.example/a?tab=2#lt=aAAAAAAAAAA1", "lt");
/// assert_eq!(a, "https://app.example/a?tab=2");
/// assert_eq!(a, route_key("https://app.example/a?tab=2#comments", "lt"));
/// assert_eq!(a, route_key("https://app.example/a?lt=aAAAAAAAAAA1&tab=2", "lt"));
/// assert_ne!(a, route_key("https://app.example/a?tab=3", "lt"));
/// ```
pub fn route_key(href: &str, param: &str) -> String {
    let (clean, _) = without_tokens(href, param);
    let end = clean.find('#').unwrap_or(clean.len());
    let mut clean = clean;
    clean.truncate(end);
    clean
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
    if is_home(&parts, clean_url) || parts.fragment(clean_url).is_some_and(|f| !f.is_empty()) {
        return None;
    }
    if exclude.iter().any(|pattern| path_matches(pattern, path)) {
        return None;
    }
    with_token(clean_url, token, param, placement)
}

/// Whether a page view is a sourceless landing (docs/events.md#events), given the address
/// it landed on without lanterne's token (the caller checks it arrived with none) and
/// `document.referrer`: no referrer (none, or one the browser withheld), and a path other
/// than the home page's (`/`, whatever the query) and the section fronts `fronts` (path
/// patterns like `excludePaths`'s: `/news`, `/tag/*`).
///
/// ```
/// use lanterne::core::page::sourceless;
/// let fronts = ["/tag/*".to_string()];
/// assert!(sourceless("https://blog.example/2026/a-post", "", &fronts));
/// assert!(!sourceless("https://blog.example/2026/a-post", "https://www.google.com/", &fronts));
/// assert!(!sourceless("https://blog.example/?utm_source=x", "", &fronts));
/// assert!(!sourceless("https://blog.example/tag/rust", "", &fronts));
/// ```
pub fn sourceless(clean_url: &str, referrer: &str, fronts: &[String]) -> bool {
    let parts = UrlParts::split(clean_url);
    let path = parts.path(clean_url);
    referrer.is_empty()
        && !matches!(path, "" | "/")
        && !fronts.iter().any(|pattern| path_matches(pattern, path))
}

/// Whether `url` (split as `parts`) is the home page: the path `/` or none, and a query
/// of campaign parameters at most.
fn is_home(parts: &UrlParts, url: &str) -> bool {
    let path = parts.path(url);
    (path.is_empty() || path == "/") && parts.query(url).is_none_or(only_campaign_params)
}

/// Whether a query only carries campaign and click-id parameters: `/?utm_source=x` is
/// still the home page, while `/?p=123` (WordPress's plain permalinks) is an article.
fn only_campaign_params(query: &str) -> bool {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .all(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            name.starts_with("utm_")
                || matches!(
                    name,
                    "fbclid" | "gclid" | "msclkid" | "mc_cid" | "mc_eid" | "ref"
                )
        })
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
        assert_eq!(f("https://b.example/?utm_source=x&fbclid=y"), None);
        assert_eq!(f("https://b.example/?").as_deref(), None);
        assert_eq!(
            f("https://b.example/?p=123").as_deref(),
            Some("https://b.example/?p=123#lt=aAAAAAAAAAA1")
        );
        assert_eq!(f("https://b.example/search"), None);
        assert_eq!(f("https://b.example/admin/users"), None);
        assert!(f("https://b.example/searching").is_some());
        assert_eq!(
            address_bar_url("https://b.example/a", &t, "lt", Placement::Query, &[]).as_deref(),
            Some("https://b.example/a?lt=aAAAAAAAAAA1")
        );
    }

    #[test]
    fn sourceless_landings() {
        let fronts = vec!["/news".to_owned(), "/category/*".to_owned()];
        let f = |u: &str, r: &str| sourceless(u, r, &fronts);
        // Deep pages without a referrer: WordPress's plain permalinks too.
        assert!(f("https://b.example/2026/12/a-post", ""));
        assert!(f("https://b.example/a?x=1#sec", ""));
        assert!(f("https://b.example/news/a-story", ""));
        // The home page, with a query or a fragment, never.
        for home in [
            "https://b.example",
            "https://b.example/",
            "https://b.example/?p=123",
            "https://b.example/?utm_source=newsletter&fbclid=x",
            "https://b.example/#top",
        ] {
            assert!(!f(home, ""), "{home}");
        }
        // Section fronts, as given.
        assert!(!f("https://b.example/news", ""));
        assert!(!f("https://b.example/category/rust", ""));
        // Any referrer: a search engine, a social site, the site itself.
        for referrer in [
            "https://www.google.com/",
            "https://t.co/x",
            "https://b.example/",
        ] {
            assert!(!f("https://b.example/a", referrer), "{referrer}");
        }
    }

    #[test]
    fn route_keys() {
        let k = |u: &str| route_key(u, "lt");
        // Fragment-only changes (anchors, hash routes, the token itself) keep the route.
        assert_eq!(
            k("https://b.example/a#x"),
            k("https://b.example/a#/route/2")
        );
        assert_eq!(
            k("https://b.example/a"),
            k("https://b.example/a#lt=aAAAAAAAAAA1")
        );
        assert_eq!(
            k("https://b.example/a?q=1"),
            k("https://b.example/a?q=1&lt=aAAAAAAAAAA1")
        );
        // The site's own `lt` values of another shape are its query, so part of the route.
        assert_ne!(k("https://b.example/a?lt=5"), k("https://b.example/a"));
        assert_ne!(k("https://b.example/a"), k("https://b.example/b"));
        assert_ne!(k("https://b.example/a?q=1"), k("https://b.example/a?q=2"));
        assert_eq!(k("https://b.example/a?"), "https://b.example/a?");
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
