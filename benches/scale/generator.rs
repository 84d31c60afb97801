//! The scale benchmark's generator (docs/performance.md#scale; driven by
//! `benches/scale.mjs`).
//!
//!   scale fill <db> <events> <seed> <end-day>    fills a database as a collector from
//!       before stats came from SQL left it (its table, its indexes), as fast as the
//!       database takes it: SQLite in one transaction, PostgreSQL with COPY;
//!   scale events <events> <seed> <end-day>       the same events as JSON lines (to POST);
//!   scale expect <end-day> <filters.json> <events:seed>...   the reference numbers
//!       (`stats::compute`, in memory) of those events, stored in that order, for each
//!       filter: what `/api/stats` must answer.
//!
//! The events: three sites, 800 pages with a long tail (Zipf), 90 days up to `end-day`
//! (days since 1970), share trees started by a button share, a copy or an address-bar
//! arrival; each share clicked back a geometric number of times (virality about 1.3), a
//! click-back re-shared one time in eight, sometimes twice on one channel; referrers
//! empty for messengers and e-mail, mostly set for social networks; sourceless landings
//! (`landing` events, no token) on a tree's page over the days after it, and now and then
//! a burst of them on one day (a spike).

use lanterne_collector::stats::{compute, Filter, Row};
use serde_json::{json, Value};
use std::io::Write;

const DAY_MS: i64 = 86_400_000;

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, weighted: &'a [(T, f64)]) -> &'a T {
        let total: f64 = weighted.iter().map(|w| w.1).sum();
        let mut x = self.unit() * total;
        for (item, w) in weighted {
            if x < *w {
                return item;
            }
            x -= w;
        }
        &weighted[weighted.len() - 1].0
    }
}

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// One generated event.
struct Event {
    id: String,
    kind: &'static str,
    channel: &'static str,
    token: String,
    parent: Option<String>,
    url: String,
    title: String,
    ts: i64,
    referrer: Option<&'static str>,
    chars: Option<i64>,
}

impl Event {
    fn json(&self) -> Value {
        let mut e = json!({"v": 1, "id": self.id, "type": self.kind, "channel": self.channel,
            "token": self.token, "parent": self.parent, "url": self.url, "title": self.title, "ts": self.ts});
        if self.kind == "landing" {
            e["token"] = Value::Null;
        }
        if self.kind == "arrival" {
            e["referrer"] = json!(self.referrer);
        }
        if let Some(chars) = self.chars {
            e["chars"] = json!(chars);
        }
        e
    }
    fn row(&self) -> Row {
        Row {
            kind: self.kind.into(),
            channel: self.channel.into(),
            token: self.token.clone(),
            parent: self.parent.clone(),
            url: self.url.clone(),
            referrer: self.referrer.map(Into::into),
            ts: self.ts,
        }
    }
}

/// The events of one run: `n` of them, from `seed`, over the 90 days up to `end_day`.
struct Generator {
    rng: Rng,
    seed: u64,
    made: u64,
    pages: Vec<(String, String, f64)>,
    start: i64,
    /// Events generated, not yet given out, by time (then generation order).
    pending: std::collections::BinaryHeap<std::cmp::Reverse<(i64, u64, usize)>>,
    slots: Vec<Option<Event>>,
    free: Vec<usize>,
    generated: u64,
    /// The day whose trees are generated next (0 to 89), and how many events a day.
    day: i64,
    per_day: u64,
}

const BUTTONS: [(&str, f64); 10] = [
    ("whatsapp", 30.0),
    ("email", 15.0),
    ("telegram", 10.0),
    ("facebook", 10.0),
    ("x", 8.0),
    ("linkedin", 8.0),
    ("messenger", 6.0),
    ("signal", 5.0),
    ("sms", 4.0),
    ("reddit", 4.0),
];

impl Generator {
    fn new(seed: u64, end_day: i64, n: u64) -> Generator {
        let mut pages = Vec::new();
        for (site, count, weight) in [
            ("blog.example", 400, 0.6),
            ("shop.example", 250, 0.3),
            ("docs.example", 150, 0.1),
        ] {
            let norm: f64 = (1..=count).map(|k| 1.0 / k as f64).sum();
            for k in 1..=count {
                pages.push((
                    format!(
                        "https://{site}/{}/{k}",
                        if site == "shop.example" { "p" } else { "a" }
                    ),
                    format!("{site} page {k}"),
                    weight / (k as f64 * norm),
                ));
            }
        }
        Generator {
            rng: Rng::new(seed),
            seed,
            made: 0,
            pages,
            start: (end_day - 89) * DAY_MS,
            pending: Default::default(),
            slots: Vec::new(),
            free: Vec::new(),
            generated: 0,
            day: 0,
            per_day: n / 90 + 1,
        }
    }

    fn token(&mut self, channel: &str) -> String {
        let code = lanterne::core::channel::Channel::from_id(channel).map_or(b'c', |c| c.code());
        let mut t = String::with_capacity(12);
        t.push(code as char);
        for _ in 0..10 {
            t.push(ALPHABET[self.rng.below(64) as usize] as char);
        }
        t.push(ALPHABET[self.rng.below(62) as usize] as char);
        t
    }

    fn id(&mut self) -> String {
        self.made += 1;
        let r = self.rng.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            self.made >> 16,
            (self.made & 0xffff) as u16,
            self.seed & 0xfff,
            (r >> 52) & 0xfff,
            r & 0xffff_ffff_ffff
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        kind: &'static str,
        channel: &'static str,
        token: String,
        parent: Option<String>,
        page: usize,
        ts: i64,
        referrer: Option<&'static str>,
    ) -> Event {
        let (url, title, _) = &self.pages[page];
        let (url, title) = (url.clone(), title.clone());
        let chars = (kind == "copy").then(|| 20 + self.rng.below(2000) as i64);
        Event {
            id: String::new(),
            kind,
            channel,
            token,
            parent,
            url,
            title,
            ts,
            referrer,
            chars,
        }
    }

    /// One share tree started on `self.day`; how many events it has.
    fn tree(&mut self) -> u64 {
        let weights: Vec<(usize, f64)> = self
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.2))
            .collect();
        let page = *self.rng.pick(&weights);
        let ts0 = self.start + self.day * DAY_MS + self.rng.below(DAY_MS as u64) as i64;
        let mut events = Vec::new();
        // (token, channel, ts, depth) of shares to click back.
        let mut open: Vec<(String, &'static str, i64, u32)> = Vec::new();
        let root = self.rng.unit();
        if root < 0.45 {
            let channel = *self.rng.pick(&BUTTONS);
            let token = self.token(channel);
            events.push(self.event("share", channel, token.clone(), None, page, ts0, None));
            open.push((token, channel, ts0, 0));
        } else if root < 0.80 {
            let token = self.token("copy");
            events.push(self.event("copy", "copy", token.clone(), None, page, ts0, None));
            open.push((token, "copy", ts0, 0));
        } else {
            // Someone copied the address bar; a visitor arrives with its token.
            let token = self.token("address_bar");
            open.push((token, "address_bar", ts0, 0));
        }
        while let Some((token, channel, ts, depth)) = open.pop() {
            if events.len() > 400 {
                break;
            }
            let social = matches!(channel, "facebook" | "x" | "linkedin" | "reddit");
            let mut clicks = u32::from(channel == "address_bar");
            while clicks < 40 && self.rng.chance(0.56) {
                clicks += 1;
            }
            for _ in 0..clicks {
                let at = ts + 60_000 + (self.rng.unit().powi(3) * 3.0 * DAY_MS as f64) as i64;
                let referrer = if social && self.rng.chance(0.7) {
                    Some("https://social.example/")
                } else if self.rng.chance(0.08) {
                    Some("https://mail.example/")
                } else {
                    None
                };
                let arrival_channel =
                    lanterne::core::channel::Channel::from_code(token.as_bytes()[0])
                        .map_or("copy", |c| c.id());
                events.push(self.event(
                    "arrival",
                    arrival_channel,
                    token.clone(),
                    Some(token.clone()),
                    page,
                    at,
                    referrer,
                ));
                if depth < 12 && self.rng.chance(0.125) {
                    let twice = self.rng.chance(0.05);
                    let (kind, channel) = if self.rng.chance(0.4) {
                        ("copy", "copy")
                    } else {
                        ("share", *self.rng.pick(&BUTTONS))
                    };
                    // Sometimes the visitor shares another page of the site.
                    let shared = if self.rng.chance(0.1) {
                        let site = self.pages[page]
                            .0
                            .split('/')
                            .nth(2)
                            .unwrap_or("")
                            .to_owned();
                        let same: Vec<usize> = (0..self.pages.len())
                            .filter(|&i| self.pages[i].0.contains(&site))
                            .collect();
                        same[self.rng.below(same.len() as u64) as usize]
                    } else {
                        page
                    };
                    for _ in 0..(1 + u32::from(twice)) {
                        let sts = at + 10_000 + self.rng.below(1_800_000) as i64;
                        let new = self.token(channel);
                        events.push(self.event(
                            kind,
                            channel,
                            new.clone(),
                            Some(token.clone()),
                            shared,
                            sts,
                            None,
                        ));
                        open.push((new, channel, sts, depth + 1));
                    }
                }
            }
        }
        // Sourceless landings on the page: a few over the next days; sometimes a burst.
        let landings = if self.rng.chance(0.02) {
            12
        } else {
            self.rng.below(4)
        };
        let burst = landings == 12;
        for _ in 0..landings {
            let at = if burst {
                ts0 + self.rng.below(DAY_MS as u64 / 4) as i64
            } else {
                ts0 + self.rng.below(3 * DAY_MS as u64) as i64
            };
            events.push(self.event("landing", "none", String::new(), None, page, at, None));
        }
        let n = events.len() as u64;
        for e in events {
            self.generated += 1;
            let key = (e.ts, self.generated);
            let slot = match self.free.pop() {
                Some(i) => {
                    self.slots[i] = Some(e);
                    i
                }
                None => {
                    self.slots.push(Some(e));
                    self.slots.len() - 1
                }
            };
            self.pending.push(std::cmp::Reverse((key.0, key.1, slot)));
        }
        n
    }
}

/// Events come out in time order, as a collector receives them: a day's trees are made
/// before anything of that day is given out (their click-backs and re-shares may fall on
/// later days, never earlier).
impl Iterator for Generator {
    type Item = Event;
    fn next(&mut self) -> Option<Event> {
        loop {
            let frontier = self.start + self.day * DAY_MS;
            let ready = self
                .pending
                .peek()
                .is_some_and(|top| top.0 .0 < frontier || self.day >= 90);
            if ready {
                let std::cmp::Reverse((_, _, slot)) = self.pending.pop()?;
                let mut event = self.slots[slot].take()?;
                self.free.push(slot);
                event.id = self.id();
                return Some(event);
            }
            if self.day >= 90 {
                return None;
            }
            let mut made = 0;
            while made < self.per_day {
                made += self.tree();
            }
            self.day += 1;
        }
    }
}

fn events(n: u64, seed: u64, end_day: i64) -> impl Iterator<Item = Event> {
    Generator::new(seed, end_day, n).take(n as usize)
}

const OLD_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL UNIQUE,
    type        TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    token       TEXT    NOT NULL,
    parent      TEXT,
    url         TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    ts          INTEGER NOT NULL,
    referrer    TEXT,
    chars       INTEGER,
    received_at INTEGER NOT NULL,
    body        TEXT    NOT NULL
)";
const OLD_INDEXES: &str = "CREATE INDEX IF NOT EXISTS events_ts ON events(ts);
CREATE INDEX IF NOT EXISTS events_token ON events(token);
CREATE INDEX IF NOT EXISTS events_parent ON events(parent);";

fn fill_sqlite(
    path: &str,
    n: u64,
    seed: u64,
    end_day: i64,
) -> Result<(), Box<dyn std::error::Error>> {
    let db = rusqlite::Connection::open(path)?;
    db.pragma_update(None, "journal_mode", "WAL")?;
    db.pragma_update(None, "synchronous", "OFF")?;
    db.pragma_update(None, "cache_size", -512_000)?;
    db.execute_batch(OLD_SCHEMA)?;
    let tx = db.unchecked_transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO events (id, type, channel, token, parent, url, title, ts, referrer, chars, received_at, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for e in events(n, seed, end_day) {
            insert.execute(rusqlite::params![
                e.id,
                e.kind,
                e.channel,
                e.token,
                e.parent,
                e.url,
                e.title,
                e.ts,
                e.referrer,
                e.chars,
                e.ts + 1000,
                e.json().to_string()
            ])?;
        }
    }
    tx.commit()?;
    db.execute_batch(OLD_INDEXES)?;
    db.pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
    Ok(())
}

/// A field of PostgreSQL's COPY text format.
fn copy_field(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.extend_from_slice(b"\\N"),
        Some(v) => {
            for b in v.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
    }
}

fn fill_postgres(
    url: &str,
    n: u64,
    seed: u64,
    end_day: i64,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    client.batch_execute(
        &OLD_SCHEMA
            .replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
            .replace("INTEGER", "BIGINT"),
    )?;
    let mut writer = client.copy_in(
        "COPY events (id, type, channel, token, parent, url, title, ts, referrer, chars, received_at, body) FROM STDIN",
    )?;
    let mut line = Vec::with_capacity(1024);
    for e in events(n, seed, end_day) {
        line.clear();
        let ts = e.ts.to_string();
        let received = (e.ts + 1000).to_string();
        let chars = e.chars.map(|c| c.to_string());
        let body = e.json().to_string();
        let fields: [Option<&str>; 12] = [
            Some(&e.id),
            Some(e.kind),
            Some(e.channel),
            Some(&e.token),
            e.parent.as_deref(),
            Some(&e.url),
            Some(&e.title),
            Some(&ts),
            e.referrer,
            chars.as_deref(),
            Some(&received),
            Some(&body),
        ];
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                line.push(b'\t');
            }
            copy_field(&mut line, *f);
        }
        line.push(b'\n');
        writer.write_all(&line)?;
    }
    writer.finish()?;
    client.batch_execute(OLD_INDEXES)?;
    client.batch_execute("ANALYZE events")?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| -> i64 { args.get(i).and_then(|a| a.parse().ok()).expect("a number") };
    match args.first().map(String::as_str) {
        Some("fill") => {
            let db = &args[1];
            let (n, seed, end) = (num(2) as u64, num(3) as u64, num(4));
            let started = std::time::Instant::now();
            if db.starts_with("postgres://") || db.starts_with("postgresql://") {
                fill_postgres(db, n, seed, end)?;
            } else {
                fill_sqlite(db, n, seed, end)?;
            }
            println!(
                "{}",
                json!({"events": n, "seconds": started.elapsed().as_secs_f64()})
            );
        }
        Some("events") => {
            let out = std::io::stdout();
            let mut out = std::io::BufWriter::new(out.lock());
            for e in events(num(1) as u64, num(2) as u64, num(3)) {
                writeln!(out, "{}", e.json())?;
            }
        }
        Some("expect") => {
            let end = num(1);
            let filters: Vec<Filter> =
                serde_json::from_str::<Vec<Value>>(&std::fs::read_to_string(&args[2])?)?
                    .iter()
                    .map(|f| Filter {
                        from: f["from"].as_i64(),
                        to: f["to"].as_i64(),
                        site: f["site"].as_str().map(Into::into),
                        page: f["page"].as_str().map(Into::into),
                        direct: f["direct"].as_u64(),
                    })
                    .collect();
            let mut rows = Vec::new();
            for part in &args[3..] {
                let (n, seed) = part.split_once(':').expect("events:seed");
                rows.extend(events(n.parse()?, seed.parse()?, end).map(|e| e.row()));
            }
            let out: Vec<_> = filters.into_iter().map(|f| compute(&rows, f)).collect();
            println!("{}", serde_json::to_string(&out)?);
        }
        _ => {
            eprintln!("usage: scale fill <db> <events> <seed> <end-day> | events <events> <seed> <end-day> | expect <end-day> <filters.json> <events:seed>...");
            std::process::exit(2);
        }
    }
    Ok(())
}
