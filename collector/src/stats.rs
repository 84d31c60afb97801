//! `GET /api/stats` (SPEC §8): what a marketer wants to know about dark social, computed
//! from the stored events. Definitions (README "Stats"):
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
//!   visits for the same period (`direct=N`), their share of it is estimated.
//!
//! The collector computes them in SQL (`queries.rs`); [`compute`] is the same definitions
//! over events in memory, the reference the SQL is tested against.

use lanterne::core::channel::Channel;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One stored event, as far as stats need it.
#[derive(Clone, Debug)]
pub struct Row {
    pub kind: String,
    pub channel: String,
    pub token: String,
    pub parent: Option<String>,
    pub url: String,
    pub referrer: Option<String>,
    pub ts: i64,
}

/// Which events: a time range (ms since the epoch, both ends included), a site (the host
/// of the page URL, see [`crate::queries::site_of`]) and a page.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Filter {
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub site: Option<String>,
    pub page: Option<String>,
    /// The site's own count of "direct" visits in the range, for the dark-social estimate.
    pub direct: Option<u64>,
}

#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Counts {
    pub shares: u64,
    pub arrivals: u64,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct ChannelStats {
    pub channel: String,
    pub shares: u64,
    pub arrivals: u64,
    pub virality: Option<f64>,
    pub sharers: u64,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct PageStats {
    pub url: String,
    pub shares: u64,
    pub arrivals: u64,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Chain {
    pub depth: u32,
    /// The page of the last share.
    pub url: String,
    /// Tokens from the first share (or the address-bar token it came from) to the last.
    pub tokens: Vec<String>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Chains {
    /// How many shares are at each depth (index = depth).
    pub depths: Vec<u64>,
    /// The longest chains, longest first (at most 5).
    pub longest: Vec<Chain>,
}

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
    pub sourceless_pages: Vec<crate::landings::SourcelessPage>,
    /// Days a page received far more sourceless landings than usual (`landings.rs`).
    pub spikes: Vec<crate::landings::Spike>,
    /// Sourceless landings per day (UTC) with any, oldest first: `[day, landings]`.
    pub landings_by_day: Vec<(String, u64)>,
}

impl DarkSocial {
    /// The dark-social part from click-backs, the site's direct visits and landings.
    pub fn new(
        arrivals: u64,
        without_referrer: u64,
        direct: Option<u64>,
        sourceless: crate::landings::Sourceless,
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

#[derive(Debug, PartialEq, Serialize)]
pub struct Stats {
    pub filter: Filter,
    pub shares: u64,
    pub arrivals: u64,
    pub virality: Option<f64>,
    /// Copies, the address bar (click-backs only: its shares are not events) and buttons.
    pub by_source: BTreeMap<&'static str, Counts>,
    /// Per channel, most shares first.
    pub channels: Vec<ChannelStats>,
    /// The most shared pages (at most 10).
    pub top_pages: Vec<PageStats>,
    pub chains: Chains,
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

impl PartialEq for Filter {
    fn eq(&self, other: &Filter) -> bool {
        (self.from, self.to, &self.site, &self.page, self.direct)
            == (other.from, other.to, &other.site, &other.page, other.direct)
    }
}

/// The channel an arrival counts for: the one its token names (the core's token codes),
/// or its `channel` field when the token names none.
fn token_channel(row: &Row) -> &str {
    row.token
        .bytes()
        .next()
        .and_then(Channel::from_code)
        .map_or(row.channel.as_str(), |c| c.id())
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| (a as f64 / b as f64 * 1000.0).round() / 1000.0)
}

/// The calendar day (UTC) of a time in ms since the epoch.
pub fn day(ts: i64) -> String {
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = ts.div_euclid(86_400_000) + 719_468;
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

impl Filter {
    /// Whether the filter selects this event.
    pub fn selects(&self, row: &Row) -> bool {
        self.from.is_none_or(|f| row.ts >= f)
            && self.to.is_none_or(|t| row.ts <= t)
            && self
                .site
                .as_ref()
                .is_none_or(|s| *s == crate::queries::site_of(&row.url))
            && self.page.as_ref().is_none_or(|p| *p == row.url)
    }
}

/// The stats of the events `filter` selects among `rows`: every stored event, in stored
/// order (chains are those of all stored shares). The reference implementation, in
/// memory; the collector answers the same from SQL (`queries::stats`).
pub fn compute(rows: &[Row], filter: Filter) -> Stats {
    // A page is its URL without campaign parameters, token and fragment, as stored.
    let keyed: Vec<Row> = rows
        .iter()
        .map(|r| Row {
            url: crate::pages::page_key(&r.url),
            ..r.clone()
        })
        .collect();
    let rows = &keyed[..];
    let is_share = |r: &Row| r.kind == "share" || r.kind == "copy";
    // Chains over every stored share: each share's depth, by its index in `rows`.
    let all: Vec<usize> = (0..rows.len()).filter(|&i| is_share(&rows[i])).collect();
    let mut by_token: HashMap<&str, usize> = HashMap::new();
    for &i in &all {
        by_token.entry(rows[i].token.as_str()).or_insert(i);
    }
    // No recursion: a chain may be long. Each share's path up to a root, a known depth or
    // a loop is walked once, and the depths written on the way down.
    let mut depth_of: HashMap<usize, u32> = HashMap::new();
    for &start in &all {
        let mut path: Vec<usize> = Vec::new();
        let mut on_path = std::collections::HashSet::new();
        let mut current = start;
        let top = loop {
            if let Some(d) = depth_of.get(&current) {
                break if path.is_empty() { *d } else { d + 1 };
            }
            if !on_path.insert(current) {
                break 0; // a loop: counted from where it closes
            }
            path.push(current);
            match rows[current].parent.as_deref() {
                None => break 0,
                Some(parent) => match by_token.get(parent) {
                    None => break 1, // under an address-bar token
                    Some(&p) => current = p,
                },
            }
        };
        for (k, &i) in path.iter().rev().enumerate() {
            depth_of.insert(i, top + k as u32);
        }
    }

    let selected: Vec<usize> = (0..rows.len())
        .filter(|&i| filter.selects(&rows[i]))
        .collect();
    let shares: Vec<usize> = selected
        .iter()
        .copied()
        .filter(|&i| is_share(&rows[i]))
        .collect();
    let arrivals: Vec<&Row> = selected
        .iter()
        .map(|&i| &rows[i])
        .filter(|r| r.kind == "arrival")
        .collect();

    // Per channel: shares, arrivals, and shares per parent (for sharers).
    type Tally<'a> = (u64, u64, HashMap<Option<&'a str>, u64>);
    let mut channels: HashMap<&str, Tally> = HashMap::new();
    for &i in &shares {
        let share = &rows[i];
        let entry = channels.entry(&share.channel).or_default();
        entry.0 += 1;
        *entry.2.entry(share.parent.as_deref()).or_default() += 1;
    }
    for arrival in &arrivals {
        channels.entry(token_channel(arrival)).or_default().1 += 1;
    }
    let mut channels: Vec<ChannelStats> = channels
        .into_iter()
        .map(|(channel, (s, a, parents))| ChannelStats {
            channel: channel.to_owned(),
            shares: s,
            arrivals: a,
            virality: ratio(a, s),
            sharers: parents
                .iter()
                .map(|(parent, n)| if parent.is_some() { 1 } else { *n })
                .sum(),
        })
        .collect();
    channels.sort_by(|a, b| {
        (b.shares, b.arrivals, &a.channel).cmp(&(a.shares, a.arrivals, &b.channel))
    });

    let mut by_source: BTreeMap<&'static str, Counts> = BTreeMap::new();
    for &i in &shares {
        let source = if rows[i].kind == "copy" {
            "copy"
        } else {
            "buttons"
        };
        by_source.entry(source).or_default().shares += 1;
    }
    for arrival in &arrivals {
        let source = match token_channel(arrival) {
            "copy" => "copy",
            "address_bar" => "address_bar",
            _ => "buttons",
        };
        by_source.entry(source).or_default().arrivals += 1;
    }
    for source in ["copy", "address_bar", "buttons"] {
        by_source.entry(source).or_default();
    }

    let mut pages: HashMap<&str, (u64, u64)> = HashMap::new();
    for &i in &shares {
        pages.entry(&rows[i].url).or_default().0 += 1;
    }
    for arrival in &arrivals {
        pages.entry(&arrival.url).or_default().1 += 1;
    }
    let mut top_pages: Vec<PageStats> = pages
        .into_iter()
        .map(|(url, (s, a))| PageStats {
            url: url.to_owned(),
            shares: s,
            arrivals: a,
        })
        .collect();
    top_pages.sort_by(|a, b| (b.shares, b.arrivals, &a.url).cmp(&(a.shares, a.arrivals, &b.url)));
    top_pages.truncate(10);

    let mut depths = Vec::new();
    for i in &shares {
        let d = depth_of[i] as usize;
        if depths.len() <= d {
            depths.resize(d + 1, 0);
        }
        depths[d] += 1;
    }
    // Longest first; among equals, the newest, then the last stored.
    let mut deepest: Vec<usize> = shares.iter().copied().filter(|i| depth_of[i] > 0).collect();
    deepest.sort_by(|a, b| (depth_of[b], rows[*b].ts, b).cmp(&(depth_of[a], rows[*a].ts, a)));
    let longest = deepest
        .iter()
        .take(5)
        .map(|&leaf| {
            let mut tokens = vec![rows[leaf].token.clone()];
            let mut current = rows[leaf].parent.as_deref();
            while let Some(token) = current {
                if tokens.len() > 10_000 {
                    break;
                }
                tokens.push(token.to_owned());
                current = by_token.get(token).and_then(|&s| rows[s].parent.as_deref());
            }
            tokens.reverse();
            Chain {
                depth: depth_of[&leaf],
                url: rows[leaf].url.clone(),
                tokens,
            }
        })
        .collect();

    let without_referrer = arrivals
        .iter()
        .filter(|a| a.referrer.as_deref().unwrap_or("").is_empty())
        .count() as u64;

    let mut days: HashMap<String, (u64, u64)> = HashMap::new();
    for &i in &shares {
        days.entry(day(rows[i].ts)).or_default().0 += 1;
    }
    for arrival in &arrivals {
        days.entry(day(arrival.ts)).or_default().1 += 1;
    }
    let mut days: Vec<(String, u64, u64)> = days.into_iter().map(|(d, (s, a))| (d, s, a)).collect();
    days.sort();

    let mut sites: Vec<String> = rows
        .iter()
        .map(|r| crate::queries::site_of(&r.url))
        .filter(|s| !s.is_empty())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    sites.sort();

    let (s, a) = (shares.len() as u64, arrivals.len() as u64);
    Stats {
        shares: s,
        arrivals: a,
        virality: ratio(a, s),
        by_source,
        channels,
        top_pages,
        chains: Chains { depths, longest },
        dark_social: DarkSocial::new(
            a,
            without_referrer,
            filter.direct,
            crate::landings::reference(rows, &filter),
        ),
        days,
        sites,
        filter,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Rows as the events a client would send (ids in order).
    pub fn events_of(rows: &[Row]) -> Vec<serde_json::Value> {
        rows.iter()
            .enumerate()
            .map(|(i, r)| {
                let mut e = serde_json::json!({"v": 1, "id": format!("0f8fad5b-d9cb-469f-a165-{:012}", i + 1),
                    "type": r.kind, "channel": r.channel, "token": r.token, "parent": r.parent,
                    "url": r.url, "title": "T", "ts": r.ts});
                if r.kind == "arrival" {
                    e["referrer"] = serde_json::json!(r.referrer);
                }
                if r.kind == "landing" {
                    e["token"] = serde_json::Value::Null;
                }
                if r.kind == "copy" {
                    e["chars"] = serde_json::json!(10);
                }
                e
            })
            .collect()
    }

    /// An in-memory store holding `rows`, stored in order.
    pub fn store_of(rows: &[Row]) -> crate::store::Store {
        let store = crate::store::Store::open_in_memory().unwrap();
        store.insert_batch(&events_of(rows)).unwrap();
        store
    }

    /// A fixture with known chains: a WhatsApp share clicked back, re-shared on Telegram,
    /// clicked back, copied; a second WhatsApp share nobody followed; an arrival from an
    /// address-bar token whose visitor then e-mailed the page.
    pub fn fixture() -> Vec<Row> {
        let row = |kind: &str,
                   channel: &str,
                   token: &str,
                   parent: Option<&str>,
                   url: &str,
                   referrer: Option<&str>,
                   ts: i64| Row {
            kind: kind.into(),
            channel: channel.into(),
            token: token.into(),
            parent: parent.map(Into::into),
            url: url.into(),
            referrer: referrer.map(Into::into),
            ts,
        };
        let a = "https://blog.example/a";
        let b = "https://blog.example/b";
        let day1 = 1_763_683_200_000; // 2025-11-21 00:00 UTC
        let day2 = day1 + 86_400_000;
        vec![
            row("share", "whatsapp", "wAAAAAAAAAA1", None, a, None, day1),
            row(
                "arrival",
                "whatsapp",
                "wAAAAAAAAAA1",
                Some("wAAAAAAAAAA1"),
                a,
                None,
                day1 + 1,
            ),
            row(
                "share",
                "telegram",
                "tAAAAAAAAAA2",
                Some("wAAAAAAAAAA1"),
                a,
                None,
                day1 + 2,
            ),
            row(
                "arrival",
                "telegram",
                "tAAAAAAAAAA2",
                Some("tAAAAAAAAAA2"),
                a,
                Some("https://t.me/"),
                day2,
            ),
            row(
                "copy",
                "copy",
                "cAAAAAAAAAA3",
                Some("tAAAAAAAAAA2"),
                a,
                None,
                day2 + 1,
            ),
            row("share", "whatsapp", "wAAAAAAAAAA4", None, b, None, day2 + 2),
            row(
                "arrival",
                "address_bar",
                "aAAAAAAAAAA5",
                Some("aAAAAAAAAAA5"),
                b,
                None,
                day2 + 3,
            ),
            row(
                "share",
                "email",
                "eAAAAAAAAAA6",
                Some("aAAAAAAAAAA5"),
                b,
                None,
                day2 + 4,
            ),
        ]
    }

    #[test]
    fn exact_numbers_from_known_chains() {
        let stats = compute(
            &fixture(),
            Filter {
                direct: Some(40),
                ..Filter::default()
            },
        );
        assert_eq!(
            (stats.shares, stats.arrivals, stats.virality),
            (5, 3, Some(0.6))
        );
        let channel = |id: &str| stats.channels.iter().find(|c| c.channel == id).unwrap();
        assert_eq!(
            channel("whatsapp"),
            &ChannelStats {
                channel: "whatsapp".into(),
                shares: 2,
                arrivals: 1,
                virality: Some(0.5),
                sharers: 2
            }
        );
        assert_eq!(
            channel("telegram"),
            &ChannelStats {
                channel: "telegram".into(),
                shares: 1,
                arrivals: 1,
                virality: Some(1.0),
                sharers: 1
            }
        );
        assert_eq!(
            channel("address_bar"),
            &ChannelStats {
                channel: "address_bar".into(),
                shares: 0,
                arrivals: 1,
                virality: None,
                sharers: 0
            }
        );
        assert_eq!(stats.channels[0].channel, "whatsapp", "most shares first");
        assert_eq!(
            stats.by_source["copy"],
            Counts {
                shares: 1,
                arrivals: 0
            }
        );
        assert_eq!(
            stats.by_source["buttons"],
            Counts {
                shares: 4,
                arrivals: 2
            }
        );
        assert_eq!(
            stats.by_source["address_bar"],
            Counts {
                shares: 0,
                arrivals: 1
            }
        );
        assert_eq!(
            stats.top_pages[0],
            PageStats {
                url: "https://blog.example/a".into(),
                shares: 3,
                arrivals: 2
            }
        );
        assert_eq!(
            stats.chains.depths,
            vec![2, 2, 1],
            "depth 0: the two first shares; 1: telegram, e-mail; 2: the copy"
        );
        assert_eq!(
            stats.chains.longest[0],
            Chain {
                depth: 2,
                url: "https://blog.example/a".into(),
                tokens: vec![
                    "wAAAAAAAAAA1".into(),
                    "tAAAAAAAAAA2".into(),
                    "cAAAAAAAAAA3".into()
                ]
            }
        );
        assert_eq!(
            stats.chains.longest[1].tokens,
            vec!["aAAAAAAAAAA5", "eAAAAAAAAAA6"],
            "an address-bar token starts a chain"
        );
        assert_eq!(
            stats.dark_social,
            DarkSocial::new(
                3,
                2,
                Some(40),
                crate::landings::Sourceless {
                    pages: ["https://blog.example/a", "https://blog.example/b"]
                        .map(|page| crate::landings::SourcelessPage {
                            page: page.into(),
                            landings: 0,
                            without_referrer: 1,
                            explained: Some(1.0)
                        })
                        .to_vec(),
                    ..Default::default()
                }
            )
        );
        assert_eq!(
            stats.days,
            vec![("2025-11-21".into(), 2, 1), ("2025-11-22".into(), 3, 2)]
        );
    }

    #[test]
    fn days_are_civil_dates() {
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(951_782_400_000), "2000-02-29");
        assert_eq!(day(-1), "1969-12-31");
    }

    /// `n` WhatsApp shares of one page, each a re-share of the one before, from `ts`.
    pub fn chain(n: i64, ts: i64) -> Vec<Row> {
        (0..n)
            .map(|i| Row {
                kind: "share".into(),
                channel: "whatsapp".into(),
                token: format!("w{i:011}"),
                parent: (i > 0).then(|| format!("w{:011}", i - 1)),
                url: "https://blog.example/a".into(),
                referrer: None,
                ts: ts + i,
            })
            .collect()
    }

    #[test]
    fn a_long_chain_is_walked_without_recursion() {
        let rows = chain(200_000, 0);
        let stats = compute(&rows, Filter::default());
        assert_eq!(stats.chains.depths.len(), 200_000);
        assert_eq!(stats.chains.longest[0].depth, 199_999);
    }

    #[test]
    fn arrivals_count_for_the_channel_their_token_names() {
        let mut rows = fixture();
        rows[1].channel = "telegram".into(); // says telegram, token says whatsapp
        let stats = compute(&rows, Filter::default());
        let whatsapp = stats
            .channels
            .iter()
            .find(|c| c.channel == "whatsapp")
            .unwrap();
        assert_eq!(whatsapp.arrivals, 1);
    }

    #[test]
    fn a_loop_in_stored_parents_ends() {
        let mut rows = fixture();
        rows[0].parent = Some("cAAAAAAAAAA3".into()); // w1 -> c3 -> t2 -> w1
        let stats = compute(&rows, Filter::default());
        assert!(stats.chains.depths.iter().sum::<u64>() == 5);
    }

    /// SQLite in memory, and PostgreSQL when the test command names one.
    fn both_backends(name: &str) -> Vec<crate::store::Store> {
        let mut stores = vec![crate::store::Store::open_in_memory().unwrap()];
        stores.extend(crate::queries::tests::pg_store(name));
        stores
    }

    #[test]
    fn answers_are_byte_equal_with_keys_in_order() {
        for store in both_backends("key_order") {
            store.insert_batch(&events_of(&fixture())).unwrap();
            let first = serde_json::to_string(&store.stats(&Filter::default()).unwrap()).unwrap();
            for _ in 0..20 {
                let again = store.stats(&Filter::default()).unwrap();
                assert_eq!(serde_json::to_string(&again).unwrap(), first);
                let reference = compute(&fixture(), Filter::default());
                let keys: Vec<&str> = reference.by_source.keys().copied().collect();
                assert_eq!(keys, ["address_bar", "buttons", "copy"]);
            }
            assert!(first.contains(r#""by_source":{"address_bar":"#), "{first}");
        }
    }

    #[test]
    fn campaign_parameters_token_and_fragment_are_the_same_page() {
        let plain = store_of(&fixture()).stats(&Filter::default()).unwrap();
        let mut rows = fixture();
        for row in rows.iter_mut().filter(|r| r.kind == "arrival") {
            row.url
                .push_str("?utm_source=whatsapp&utm_medium=social&lt=wAAAAAAAAAA1#top");
        }
        for tagged in both_backends("page_key") {
            tagged.insert_batch(&events_of(&rows)).unwrap();
            let tagged = tagged.stats(&Filter::default()).unwrap();
            assert_eq!(tagged.top_pages, plain.top_pages);
            assert_eq!(tagged.chains, plain.chains);
            assert_eq!(
                tagged,
                compute(&rows, Filter::default()),
                "the reference agrees"
            );
            assert!(tagged.top_pages.iter().all(|p| !p.url.contains('?')));
        }
        // The `page=` filter is keyed the same way.
        let query = [(
            "page".to_owned(),
            format!(
                "{}?utm_campaign=x#y",
                rows[0].url.split('?').next().unwrap()
            ),
        )];
        let filter = crate::http::parse_filter(&query.into_iter().collect()).unwrap();
        assert_eq!(filter.page.as_deref(), Some(fixture()[0].url.as_str()));
    }
}
