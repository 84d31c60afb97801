//! What `GET /api/stats` answers: the types, and the rules both ways of computing them
//! share. Definitions (docs/stats.md#stats):
//!
//! - a **share** is a `share` event (a button) or a `copy` event: each minted a token;
//! - a **click-back** is an `arrival`, counted for the channel its token names;
//! - **virality** is click-backs per share, for a channel with shares;
//! - **sharers**: lanterne has no visitor id, by design; a visit is known only by the token
//!   it arrived with (`parent`), so shares with the same parent count as one sharer and
//!   each share without a parent as its own: an upper bound;
//! - a share's **chain depth** is how many shares led to it: 0 without a parent, else one
//!   more than the share whose token is its parent (1 when that is not a share event: an
//!   address-bar token, which has no event of its own). The chain is that of the stored
//!   shares, whatever the range or page asked: a share's depth is the same in every view;
//!   the first share stored with a token is the one its children hang from;
//! - **dark social**: click-backs whose referrer is empty came through apps, messengers or
//!   e-mail, which analytics tools file as "direct"; given the site's own count of direct
//!   visits for the same period (`direct=N`), their share of it is estimated; and without
//!   the site's analytics, sourceless landings ([`sourceless`]).
//!
//! The collector computes them in SQL (`store::sql`); [`reference::compute`] is the same
//! definitions over events in memory, the reference the SQL is tested against. This
//! module imports neither.

use serde::Serialize;
use std::collections::BTreeMap;

pub mod reference;
pub mod sourceless;

#[cfg(test)]
pub(crate) mod fixtures;

pub use reference::compute;

/// A day, in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// One stored event, as far as stats need it.
#[derive(Clone, Debug)]
pub struct Row {
    /// The event's `type`: `share`, `copy`, `arrival` or `landing`.
    pub kind: String,
    /// Its `channel` id (`whatsapp`, `copy`, `address_bar`…; `none` for a landing).
    pub channel: String,
    /// Its share token; empty for a landing, which has none.
    pub token: String,
    /// The token the sharer arrived with, if any: the share this one re-shares.
    pub parent: Option<String>,
    /// The page: its URL, or its key ([`crate::pages::page_key`]) where the caller keyed
    /// it already ([`Filter::selects`] expects the key; [`compute`] keys it itself).
    pub url: String,
    /// An arrival's `document.referrer`, if it had one.
    pub referrer: Option<String>,
    /// When it happened, in ms since the epoch.
    pub ts: i64,
}

/// Which events: a time range (ms since the epoch, both ends included), a site (the host
/// of the page URL, see [`site_of`]) and a page.
///
/// ```
/// use lanterne_collector::stats::Filter;
/// let last_day = Filter { from: Some(1_763_683_200_000), ..Filter::default() };
/// assert_eq!(last_day.site, None);
/// ```
#[derive(Clone, Debug, Default, Serialize)]
pub struct Filter {
    /// The first instant counted (ms since the epoch), if any.
    pub from: Option<i64>,
    /// The last instant counted (ms since the epoch), if any.
    pub to: Option<i64>,
    /// Only this site's events: a host as [`site_of`] gives it.
    pub site: Option<String>,
    /// Only this page's events: a page key ([`crate::pages::page_key`]).
    pub page: Option<String>,
    /// The site's own count of "direct" visits in the range, for the dark-social estimate.
    pub direct: Option<u64>,
}

impl PartialEq for Filter {
    fn eq(&self, other: &Filter) -> bool {
        (self.from, self.to, &self.site, &self.page, self.direct)
            == (other.from, other.to, &other.site, &other.page, other.direct)
    }
}

impl Filter {
    /// Whether the filter selects this event (its `url` already a page key).
    pub fn selects(&self, row: &Row) -> bool {
        self.from.is_none_or(|f| row.ts >= f)
            && self.to.is_none_or(|t| row.ts <= t)
            && self.site.as_ref().is_none_or(|s| *s == site_of(&row.url))
            && self.page.as_ref().is_none_or(|p| *p == row.url)
    }
}

/// Shares and click-backs of one source.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Shares: `share` and `copy` events.
    pub shares: u64,
    /// Click-backs: `arrival` events.
    pub arrivals: u64,
}

/// One channel's numbers.
#[derive(Debug, PartialEq, Serialize)]
pub struct ChannelStats {
    /// The channel's id.
    pub channel: String,
    /// Shares through it.
    pub shares: u64,
    /// Click-backs on its tokens.
    pub arrivals: u64,
    /// Click-backs per share, to three decimals; none without shares.
    pub virality: Option<f64>,
    /// Its sharers, an upper bound: shares with the same parent count as one.
    pub sharers: u64,
}

/// One page's numbers.
#[derive(Debug, PartialEq, Serialize)]
pub struct PageStats {
    /// The page key ([`crate::pages::page_key`]).
    pub url: String,
    /// Shares of the page.
    pub shares: u64,
    /// Click-backs to it.
    pub arrivals: u64,
}

/// A chain of shares, each a re-share of the one before.
#[derive(Debug, PartialEq, Serialize)]
pub struct Chain {
    /// How many shares led to the last one.
    pub depth: u32,
    /// The page of the last share.
    pub url: String,
    /// Tokens from the first share (or the address-bar token it came from) to the last.
    pub tokens: Vec<String>,
}

/// How deep shares go.
#[derive(Debug, PartialEq, Serialize)]
pub struct Chains {
    /// How many shares are at each depth (index = depth).
    pub depths: Vec<u64>,
    /// The longest chains, longest first (at most 5).
    pub longest: Vec<Chain>,
}

/// How much of the traffic without a source was dark social.
#[derive(Debug, PartialEq, Serialize)]
pub struct DarkSocial {
    /// Click-backs (arrivals with a lanterne token).
    pub arrivals: u64,
    /// Of those, with no referrer: what analytics call "direct".
    pub without_referrer: u64,
    /// The site's direct visits, when given.
    pub direct: Option<u64>,
    /// `without_referrer / direct`: the part of "direct" traffic that was dark social.
    pub share_of_direct: Option<f64>,
    /// `landing` events: page loads on a deep page with no referrer and no token.
    pub sourceless_landings: u64,
    /// `sourceless_landings + without_referrer`.
    pub sourceless_visits: u64,
    /// `without_referrer / sourceless_visits`: the part lanterne's tokens explained.
    pub explained: Option<f64>,
    /// The pages most reached without a source (at most 10, most sourceless visits first).
    pub sourceless_pages: Vec<sourceless::SourcelessPage>,
    /// Days a page received far more sourceless landings than usual ([`sourceless`]).
    pub spikes: Vec<sourceless::Spike>,
    /// Sourceless landings per day (UTC) with any, oldest first: `[day, landings]`.
    pub landings_by_day: Vec<(String, u64)>,
}

impl DarkSocial {
    /// The dark-social part from click-backs, the site's direct visits and landings.
    pub fn new(
        arrivals: u64,
        without_referrer: u64,
        direct: Option<u64>,
        sourceless: sourceless::Sourceless,
    ) -> DarkSocial {
        let visits = sourceless.landings + without_referrer;
        DarkSocial {
            arrivals,
            without_referrer,
            direct,
            share_of_direct: direct.and_then(|d| ratio(without_referrer, d)),
            sourceless_landings: sourceless.landings,
            sourceless_visits: visits,
            explained: ratio(without_referrer, visits),
            sourceless_pages: sourceless.pages,
            spikes: sourceless.spikes,
            landings_by_day: sourceless.by_day,
        }
    }
}

/// The answer of `/api/stats`.
#[derive(Debug, PartialEq, Serialize)]
pub struct Stats {
    /// The filter they answer.
    pub filter: Filter,
    /// Shares: `share` and `copy` events.
    pub shares: u64,
    /// Click-backs: `arrival` events.
    pub arrivals: u64,
    /// Click-backs per share, to three decimals; none without shares.
    pub virality: Option<f64>,
    /// Copies, the address bar (click-backs only: its shares are not events) and buttons.
    pub by_source: BTreeMap<&'static str, Counts>,
    /// Per channel, most shares first.
    pub channels: Vec<ChannelStats>,
    /// The most shared pages (at most 10).
    pub top_pages: Vec<PageStats>,
    /// How deep shares go.
    pub chains: Chains,
    /// How much of the traffic without a source was dark social.
    pub dark_social: DarkSocial,
    /// Shares per day (UTC), oldest first: `[day as YYYY-MM-DD, shares, arrivals]`.
    pub days: Vec<(String, u64, u64)>,
    /// Every site seen (whatever the filter), in order.
    pub sites: Vec<String>,
}

impl Stats {
    /// The same stats with this list of sites.
    pub fn with_sites(mut self, sites: Vec<String>) -> Stats {
        self.sites = sites;
        self
    }
}

/// `a / b` to three decimals, none when `b` is 0 (every ratio of the stats).
///
/// ```
/// assert_eq!(lanterne_collector::stats::ratio(1, 3), Some(0.333));
/// assert_eq!(lanterne_collector::stats::ratio(1, 0), None);
/// ```
pub fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| (a as f64 / b as f64 * 1000.0).round() / 1000.0)
}

/// The calendar day (UTC) of a time in ms since the epoch.
///
/// ```
/// assert_eq!(lanterne_collector::stats::day(951_782_400_000), "2000-02-29");
/// ```
pub fn day(ts: i64) -> String {
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = ts.div_euclid(DAY_MS) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The site of a page: the host of its URL, lower-case, with its port unless it is the
/// scheme's default (as `new URL(url).host` in a browser). Events are `http(s)://` URLs.
///
/// ```
/// use lanterne_collector::stats::site_of;
/// assert_eq!(site_of("https://Blog.Example/a?b#c"), "blog.example");
/// assert_eq!(site_of("http://127.0.0.1:8080/t/"), "127.0.0.1:8080");
/// assert_eq!(site_of("https://user:pw@shop.example:443/"), "shop.example");
/// ```
pub fn site_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let mut host = host.to_ascii_lowercase();
    let default = match scheme.to_ascii_lowercase().as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => "",
    };
    if !default.is_empty() && host.ends_with(default) && !host.ends_with("]") {
        host.truncate(host.len() - default.len());
    }
    host
}

/// The channel an event counts for: an arrival's is the one its token names (the core's
/// token codes; its `channel` field when the token names none), anything else's its
/// `channel`.
///
/// ```
/// use lanterne_collector::stats::counted_channel;
/// assert_eq!(counted_channel("arrival", "telegram", "wAbCdEfGhIj9"), "whatsapp");
/// assert_eq!(counted_channel("share", "telegram", "wAbCdEfGhIj9"), "telegram");
/// ```
pub fn counted_channel<'a>(kind: &str, channel: &'a str, token: &str) -> &'a str {
    if kind != "arrival" {
        return channel;
    }
    token
        .bytes()
        .next()
        .and_then(lanterne::core::channel::Channel::from_code)
        .map_or(channel, |c| c.id())
}

/// Where a click-back or a share came from: `copy`, `address_bar` or `buttons`.
pub fn source_of(counted_channel: &str) -> &'static str {
    match counted_channel {
        "copy" => "copy",
        "address_bar" => "address_bar",
        _ => "buttons",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_civil_dates() {
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(951_782_400_000), "2000-02-29");
        assert_eq!(day(-1), "1969-12-31");
    }

    #[test]
    fn sites_are_hosts() {
        assert_eq!(site_of("https://blog.example/a"), "blog.example");
        assert_eq!(site_of("http://Blog.Example:80/a"), "blog.example");
        assert_eq!(site_of("https://blog.example:8443"), "blog.example:8443");
        assert_eq!(site_of("https://a@b.example?x"), "b.example");
        assert_eq!(site_of("http://[::1]:8080/"), "[::1]:8080");
        assert_eq!(site_of("https://#x"), "");
    }
}
