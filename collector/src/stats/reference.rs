//! The reference: the stats' definitions (docs/stats.md#stats, [`super`]) computed over
//! events in memory, in the plainest way. Not for serving (it reads every event); the
//! SQL of `store::sql` is tested against it, and the scale benchmark's generator checks
//! the collector's answers with it.

use super::sourceless::{range_days, spikes, top_pages, Sourceless, SPIKE_MIN};
use super::{
    counted_channel, day, ratio, site_of, source_of, Chain, Chains, ChannelStats, Counts,
    DarkSocial, Filter, PageStats, Row, Stats, DAY_MS,
};
use std::collections::{BTreeMap, HashMap};

/// The stats of the events `filter` selects among `rows`: every stored event, in stored
/// order (chains are those of all stored shares). The reference implementation, in
/// memory; the collector answers the same from SQL (`store::sql::stats`).
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
        channels
            .entry(counted_channel(
                &arrival.kind,
                &arrival.channel,
                &arrival.token,
            ))
            .or_default()
            .1 += 1;
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
        let source = source_of(counted_channel(
            &arrival.kind,
            &arrival.channel,
            &arrival.token,
        ));
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
        .map(|r| site_of(&r.url))
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
            sourceless(rows, &filter),
        ),
        days,
        sites,
        filter,
    }
}

fn unreferred(row: &Row) -> bool {
    row.kind == "arrival" && row.referrer.as_deref().unwrap_or("").is_empty()
}

/// The reference, over every stored event (pages already keyed).
pub fn sourceless(rows: &[Row], filter: &Filter) -> Sourceless {
    let mut out = Sourceless::default();
    let mut pages: HashMap<String, (u64, u64)> = HashMap::new();
    let mut by_day: BTreeMap<i64, u64> = BTreeMap::new();
    // Landings per (page, day) of the filter's site and page, whatever the range.
    let mut per_day: HashMap<(String, i64), u64> = HashMap::new();
    let place = Filter {
        from: None,
        to: None,
        ..filter.clone()
    };
    for row in rows {
        if row.kind == "landing" && place.selects(row) {
            *per_day
                .entry((row.url.clone(), row.ts.div_euclid(DAY_MS)))
                .or_default() += 1;
        }
        if !filter.selects(row) {
            continue;
        }
        if row.kind == "landing" {
            out.landings += 1;
            pages.entry(row.url.clone()).or_default().0 += 1;
            *by_day.entry(row.ts.div_euclid(DAY_MS)).or_default() += 1;
        } else if unreferred(row) {
            pages.entry(row.url.clone()).or_default().1 += 1;
        }
    }
    out.pages = top_pages(pages);
    out.by_day = by_day
        .into_iter()
        .map(|(d, n)| (day(d * DAY_MS), n))
        .collect();
    let (d1, d2) = range_days(filter);
    let candidates = per_day
        .iter()
        .filter(|((_, d), n)| *d >= d1 && *d <= d2 && **n >= SPIKE_MIN)
        .map(|((page, d), n)| (page.clone(), *d, *n))
        .collect();
    out.spikes = spikes(candidates, |page, d| {
        per_day.get(&(page.to_owned(), d)).copied().unwrap_or(0)
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::fixtures::{chain, fixture};

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
                crate::stats::sourceless::Sourceless {
                    pages: ["https://blog.example/a", "https://blog.example/b"]
                        .map(|page| crate::stats::sourceless::SourcelessPage {
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
}
