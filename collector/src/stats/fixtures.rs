//! Events with known answers, shared by the reference's tests and the store's: the
//! stats fixture, long chains, realistic share trees with landings.

use super::{Row, DAY_MS};

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

/// A chain of 100 re-shares of one page (`/a`) over four days, a click-back on every
/// fifth share, and a share of another page (`/b`) each day: a chain deeper than a
/// page's daily rows count.
pub fn deep_chain() -> Vec<Row> {
    let mut rows = chain(100, DAY0);
    for (i, row) in rows.iter_mut().enumerate() {
        row.ts = DAY0 + i as i64 * (DAY_MS / 25);
    }
    for i in (0..100).step_by(5) {
        let share = rows[i].clone();
        rows.push(Row {
            kind: "arrival".into(),
            parent: Some(share.token.clone()),
            referrer: None,
            ts: share.ts + 1_000,
            ..share
        });
    }
    for day in 0..4 {
        let mut other = chain(1, DAY0 + day * DAY_MS + 5);
        other[0].token = format!("w{day:011}x");
        other[0].url = "https://blog.example/b".into();
        rows.extend(other);
    }
    rows
}

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

pub const DAY0: i64 = 1_763_683_200_000; // 2025-11-21 00:00 UTC

/// Share trees over three sites and five days, with what stored data can hold: dup
/// parents, a token used twice, arrivals whose channel field disagrees with their
/// token, referrers null, empty or set; stored partly out of order (a child before
/// its parent).
pub fn realistic(seed: u64, trees: usize) -> Vec<Row> {
    let mut rng = Rng::new(seed);
    let sites = ["blog.example", "Shop.Example:8443", "docs.example"];
    let channels = ["whatsapp", "telegram", "email", "x", "facebook", "signal"];
    let mut n = 0u64;
    let mut token = |rng: &mut Rng, code: char| {
        n += 1;
        format!("{code}{:010}{}", n, rng.below(10))
    };
    let mut rows: Vec<Row> = Vec::new();
    for _ in 0..trees {
        let site = sites[rng.below(3) as usize];
        let url = format!("https://{site}/p{}", rng.below(7));
        let ts0 = DAY0 + rng.below(5 * DAY_MS as u64) as i64;
        // (token, ts) of shares whose click-backs may re-share.
        let mut open: Vec<(String, i64, u32)> = Vec::new();
        let root_kind = rng.below(4);
        let (kind, channel, tok) = match root_kind {
            0 => ("copy", "copy".to_string(), token(&mut rng, 'c')),
            1 => ("arrival", "address_bar".to_string(), token(&mut rng, 'a')),
            _ => {
                let c = channels[rng.below(channels.len() as u64) as usize];
                let code = lanterne::core::channel::Channel::from_id(c).unwrap().code() as char;
                ("share", c.to_string(), token(&mut rng, code))
            }
        };
        let parent = if kind == "arrival" {
            Some(tok.clone())
        } else {
            None
        };
        rows.push(Row {
            kind: kind.into(),
            channel: channel.clone(),
            token: tok.clone(),
            parent,
            url: url.clone(),
            referrer: None,
            ts: ts0,
        });
        open.push((tok, ts0, 0));
        while let Some((tok, ts, level)) = open.pop() {
            if level > 6 {
                continue;
            }
            let arrivals = rng.below(3);
            for _ in 0..arrivals {
                let at = ts + rng.below(DAY_MS as u64 / 2) as i64;
                let code = tok.as_bytes()[0];
                let mut channel = lanterne::core::channel::Channel::from_code(code)
                    .unwrap()
                    .id()
                    .to_string();
                if rng.chance(0.05) {
                    channel = "telegram".into();
                }
                let referrer = match rng.below(3) {
                    0 => None,
                    1 => Some(String::new()),
                    _ => Some("https://t.me/".into()),
                };
                rows.push(Row {
                    kind: "arrival".into(),
                    channel,
                    token: tok.clone(),
                    parent: Some(tok.clone()),
                    url: url.clone(),
                    referrer,
                    ts: at,
                });
                // The visitor re-shares (sometimes twice on one channel, or another page).
                if rng.chance(0.45) {
                    let times = if rng.chance(0.15) { 2 } else { 1 };
                    let c = channels[rng.below(channels.len() as u64) as usize];
                    for _ in 0..times {
                        let copy = rng.chance(0.3);
                        let (kind, c) = if copy { ("copy", "copy") } else { ("share", c) };
                        let code =
                            lanterne::core::channel::Channel::from_id(c).unwrap().code() as char;
                        let new = if rng.chance(0.01) && !rows.is_empty() {
                            // A token stored twice (made-up data).
                            rows[rng.below(rows.len() as u64) as usize].token.clone()
                        } else {
                            token(&mut rng, code)
                        };
                        let page = if rng.chance(0.1) {
                            format!("https://{site}/p{}", rng.below(7))
                        } else {
                            url.clone()
                        };
                        let sts = at + 1 + rng.below(3_600_000) as i64;
                        rows.push(Row {
                            kind: kind.into(),
                            channel: c.into(),
                            token: new.clone(),
                            parent: Some(tok.clone()),
                            url: page,
                            referrer: None,
                            ts: sts,
                        });
                        open.push((new, sts, level + 1));
                    }
                }
            }
        }
    }
    // Stored partly out of order: some events are delivered late.
    let len = rows.len();
    for _ in 0..len / 10 {
        let i = rng.below(len as u64) as usize;
        let j = (i + 1 + rng.below(40) as usize).min(len - 1);
        rows.swap(i, j);
    }
    with_landings(rows, seed)
}

/// A landing on `url` at `ts`.
pub fn landing(url: &str, ts: i64) -> Row {
    Row {
        kind: "landing".into(),
        channel: "none".into(),
        token: String::new(),
        parent: None,
        url: url.into(),
        referrer: None,
        ts,
    }
}

/// `rows` with sourceless landings mixed in: a few a day on some pages, and a burst
/// of 14 on one page one day (a spike: nothing the days before).
pub fn with_landings(mut rows: Vec<Row>, seed: u64) -> Vec<Row> {
    let mut rng = Rng::new(seed + 7_000);
    let mut landings = Vec::new();
    for site in ["blog.example", "Shop.Example:8443", "docs.example"] {
        for p in 0..4 {
            for day in 0..5 {
                for _ in 0..rng.below(4) {
                    let ts = DAY0 + day * DAY_MS + rng.below(DAY_MS as u64) as i64;
                    let query = if rng.chance(0.1) { "?utm_source=x" } else { "" };
                    landings.push(landing(&format!("https://{site}/p{p}{query}"), ts));
                }
            }
        }
    }
    let burst = 1 + rng.below(4) as i64;
    for i in 0..14 {
        landings.push(landing(
            "https://blog.example/p9",
            DAY0 + burst * DAY_MS + i * 3_600_000,
        ));
    }
    for l in landings {
        let at = rng.below(rows.len() as u64 + 1) as usize;
        rows.insert(at, l);
    }
    rows
}

pub const A: &str = "https://blog.example/a";
pub const B: &str = "https://blog.example/b";
pub const C: &str = "https://shop.example/c";
pub const D: &str = "https://docs.example/d";
pub const E: &str = "https://docs.example/e";

/// The stats fixture (2025-11-21 and 22) with landings: A 3 then 1, B 2 on the 22nd;
/// C 12 on the 22nd (a spike: nothing before); D 4 a day for 27 days, 11 on the 21st
/// (not a spike: under 3 × 4), 12 on the 22nd (a spike: exactly 3 × its median 4);
/// E 8 on the 22nd (not a spike: under 10).
pub fn landing_fixture() -> Vec<Row> {
    let mut rows = fixture();
    let day2 = DAY0 + DAY_MS;
    let mut add = |url: &str, day: i64, n: i64| {
        for i in 0..n {
            rows.push(landing(url, day + 1_000 + i * 60_000));
        }
    };
    add(A, DAY0, 2);
    add(&format!("{A}?utm_source=x#top"), DAY0, 1);
    add(A, day2, 1);
    add(B, day2, 2);
    add(C, day2, 12);
    for k in 2..=28 {
        add(D, day2 - k * DAY_MS, 4);
    }
    add(D, DAY0, 11);
    add(D, day2, 12);
    add(E, day2, 8);
    rows
}
