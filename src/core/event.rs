//! Share events (docs/events.md#events) and their JSON form.

use super::channel::Channel;
use super::json::{push_key, push_str, push_u64};
use super::token::ShareToken;
use crate::prelude::*;

/// Schema version written in every event's `v`.
pub const SCHEMA_VERSION: u64 = 1;

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The visitor copied a selection that got a token.
    Copy {
        /// The selection's length in UTF-16 code units (JavaScript's `length`), never its
        /// text.
        chars: u32,
    },
    /// The visitor used a share button.
    Share,
    /// The visitor landed with a token.
    Arrival {
        /// `document.referrer`, if not empty.
        referrer: Option<String>,
    },
    /// A sourceless landing: a page view that landed on a page other than the home page
    /// (or a section front) with no referrer and no token. No channel, no token, no
    /// parent: `"channel":"none","token":null,"parent":null`.
    Landing,
}

/// One event, ready to be serialised and sent.
///
/// ```
/// use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
/// let token = ShareToken::parse("cAAAAAAAAAA1").unwrap();
/// let event = Event {
///     id: "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f".into(),
///     kind: EventKind::Copy { chars: 42 },
///     channel: Some(Channel::Copy),
///     token: Some(token),
///     parent: None,
///     url: "https://blog.example/a".into(),
///     title: "A \"title\"".into(),
///     ts: 1_732_000_000_000,
/// };
/// assert_eq!(event.to_json(), concat!(
///     r#"{"v":1,"id":"6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f","type":"copy","channel":"copy","#,
///     r#""token":"cAAAAAAAAAA1","parent":null,"url":"https://blog.example/a","title":"A \"title\"","#,
///     r#""ts":1732000000000,"chars":42}"#));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// UUID v4, unique per event: receivers dedupe on it.
    pub id: String,
    /// What happened, with the fields only that kind has.
    pub kind: EventKind,
    /// Through what the page was shared (for an arrival: the channel its token names);
    /// `None` for a landing (written `"none"`).
    pub channel: Option<Channel>,
    /// The token minted for this share, or the one arrived with; `None` for a landing
    /// (written `null`).
    pub token: Option<ShareToken>,
    /// The token this visitor arrived with, if any.
    pub parent: Option<ShareToken>,
    /// The page URL without any lanterne token.
    pub url: String,
    /// The page title.
    pub title: String,
    /// Milliseconds since the Unix epoch.
    pub ts: u64,
}

/// Longest `title` sent, in characters (the schema's limit).
pub const MAX_TITLE: usize = 1024;
/// Longest `url` and `referrer` sent, in characters (the schema's limit).
pub const MAX_URL: usize = 4096;

/// Cuts `s` to at most `max` characters.
fn truncate_chars(s: &mut String, max: usize) {
    s.truncate(super::chars::char_offset(s, max));
}

impl Event {
    /// Cuts `title`, `url` and `referrer` to the schema's limits, so an odd page (a
    /// 5 000-character title) never gets its events refused by the receiver.
    ///
    /// ```
    /// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
    /// let mut event = Event { id: String::new(), kind: EventKind::Share, channel: Some(Channel::Email),
    ///     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
    ///     url: "https://a.example/".into(), title: "é".repeat(2000), ts: 0 };
    /// event.clamp_lengths();
    /// assert_eq!(event.title.chars().count(), 1024);
    /// ```
    pub fn clamp_lengths(&mut self) {
        truncate_chars(&mut self.title, MAX_TITLE);
        truncate_chars(&mut self.url, MAX_URL);
        if let EventKind::Arrival {
            referrer: Some(referrer),
        } = &mut self.kind
        {
            truncate_chars(referrer, MAX_URL);
        }
    }

    /// The `type` field.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            EventKind::Copy { .. } => "copy",
            EventKind::Share => "share",
            EventKind::Arrival { .. } => "arrival",
            EventKind::Landing => "landing",
        }
    }

    /// Appends the event's JSON object to `out`.
    pub fn write_json(&self, out: &mut String) {
        out.push('{');
        push_key(out, "v");
        push_u64(out, SCHEMA_VERSION);
        out.push(',');
        push_key(out, "id");
        push_str(out, &self.id);
        out.push(',');
        push_key(out, "type");
        push_str(out, self.type_name());
        out.push(',');
        push_key(out, "channel");
        push_str(out, self.channel.map_or("none", Channel::id));
        out.push(',');
        push_key(out, "token");
        push_token(out, self.token.as_ref());
        out.push(',');
        push_key(out, "parent");
        push_token(out, self.parent.as_ref());
        out.push(',');
        push_key(out, "url");
        push_str(out, &self.url);
        out.push(',');
        push_key(out, "title");
        push_str(out, &self.title);
        out.push(',');
        push_key(out, "ts");
        push_u64(out, self.ts);
        match &self.kind {
            EventKind::Copy { chars } => {
                out.push(',');
                push_key(out, "chars");
                push_u64(out, u64::from(*chars));
            }
            EventKind::Arrival { referrer } => {
                out.push(',');
                push_key(out, "referrer");
                match referrer {
                    Some(r) => push_str(out, r),
                    None => out.push_str("null"),
                }
            }
            EventKind::Share | EventKind::Landing => {}
        }
        out.push('}');
    }

    /// The event as a JSON object.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        self.write_json(&mut out);
        out
    }

    /// Reads back an event stored as JSON (a queue left by an earlier page, perhaps of an
    /// earlier or later release), given its fields as the browser's `JSON.parse` read them:
    /// keys it does not know are ignored. `None` when a field is missing or invalid: `v`
    /// must be 1; `id` a non-empty string; `type` `copy`, `share` or `arrival`; `channel` a
    /// known channel id; `token` a valid token; `url` and `title` strings; `ts` a
    /// non-negative whole number. A `landing` has no channel, token or parent: what
    /// its `channel`, `token` and `parent` hold is not read. Optional: `parent` (null or a token; a string that is not
    /// a valid token reads as none), `chars` (a copy's; 0 when absent) and `referrer` (an
    /// arrival's; null or a string).
    ///
    /// ```
    /// use lanterne::core::{channel::Channel, event::{Event, EventKind, Stored}};
    /// let fields = |key: &str| match key {
    ///     "v" => Stored::Number(1.0), "id" => Stored::Text("e1".into()), "type" => Stored::Text("arrival".into()),
    ///     "channel" => Stored::Text("whatsapp".into()), "token" | "parent" => Stored::Text("wAAAAAAAAAA1".into()),
    ///     "url" => Stored::Text("https://blog.example/a".into()), "title" => Stored::Text("A".into()),
    ///     "ts" => Stored::Number(1763700000000.0), "referrer" => Stored::Null, _ => Stored::Other,
    /// };
    /// let event = Event::from_stored(fields).unwrap();
    /// assert_eq!((event.kind, event.channel), (EventKind::Arrival { referrer: None }, Some(Channel::Whatsapp)));
    /// assert_eq!(Event::from_stored(|_| Stored::Other), None);
    /// ```
    pub fn from_stored(field: impl Fn(&str) -> Stored) -> Option<Event> {
        let text = |key: &str| match field(key) {
            Stored::Text(text) => Some(text),
            _ => None,
        };
        let whole = |key: &str| match field(key) {
            Stored::Number(n)
                if (0.0..=9_007_199_254_740_992.0).contains(&n) && n as u64 as f64 == n =>
            {
                Some(n as u64)
            }
            _ => None,
        };
        let kind = match text("type")?.as_str() {
            "copy" => EventKind::Copy {
                chars: match field("chars") {
                    Stored::Other => 0,
                    _ => u32::try_from(whole("chars")?).ok()?,
                },
            },
            "share" => EventKind::Share,
            "arrival" => EventKind::Arrival {
                referrer: match field("referrer") {
                    Stored::Text(referrer) => Some(referrer),
                    Stored::Null | Stored::Other => None,
                    Stored::Number(_) => return None,
                },
            },
            "landing" => EventKind::Landing,
            _ => return None,
        };
        if whole("v")? != SCHEMA_VERSION {
            return None;
        }
        let landing = kind == EventKind::Landing;
        let (channel, token) = if landing {
            (None, None)
        } else {
            (
                Some(Channel::from_id(&text("channel")?)?),
                Some(ShareToken::parse(&text("token")?)?),
            )
        };
        Some(Event {
            id: text("id").filter(|id| !id.is_empty())?,
            kind,
            channel,
            token,
            parent: match field("parent") {
                Stored::Text(parent) => ShareToken::parse(&parent).filter(|_| !landing),
                Stored::Null | Stored::Other => None,
                Stored::Number(_) => return None,
            },
            url: text("url")?,
            title: text("title")?,
            ts: whole("ts")?,
        })
    }
}

/// A field of a stored event as the browser's JSON parser gave it (see
/// [`Event::from_stored`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Stored {
    /// A string.
    Text(String),
    /// A number (JSON has only doubles).
    Number(f64),
    /// `null`.
    Null,
    /// Missing, or anything else (true, an object…).
    Other,
}

/// Appends a token as a JSON string, or `null`.
fn push_token(out: &mut String, token: Option<&ShareToken>) {
    match token {
        Some(token) => push_str(out, token.as_str()),
        None => out.push_str("null"),
    }
}

/// The JSON array body that carries a batch of events (docs/events.md#delivery).
///
/// ```
/// assert_eq!(lanterne::core::event::batch_json(&[]), "[]");
/// ```
pub fn batch_json(events: &[Event]) -> String {
    let mut out = String::with_capacity(events.len() * 256 + 2);
    out.push('[');
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        event.write_json(&mut out);
    }
    out.push(']');
    out
}

/// A UUID v4 string from 16 random bytes.
///
/// ```
/// let id = lanterne::core::event::uuid_v4([0xab; 16]);
/// assert_eq!(id, "abababab-abab-4bab-abab-abababababab");
/// ```
pub fn uuid_v4(random: [u8; 16]) -> String {
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(random)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut buf)
        .to_owned()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the browser layer does with a stored event: `JSON.parse`, then the fields.
    pub(crate) fn from_json(json: &str) -> Option<Event> {
        let value: serde_json::Value = serde_json::from_str(json).ok()?;
        let object = value.as_object()?;
        Event::from_stored(|key| match object.get(key) {
            Some(serde_json::Value::String(text)) => Stored::Text(text.clone()),
            Some(serde_json::Value::Number(n)) => Stored::Number(n.as_f64().unwrap_or(f64::NAN)),
            Some(serde_json::Value::Null) => Stored::Null,
            _ => Stored::Other,
        })
    }

    const COPY: &str = concat!(
        r#"{"v":1,"id":"6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f","type":"copy","channel":"copy","#,
        r#""token":"cAAAAAAAAAA1","parent":null,"url":"https://blog.example/a","title":"A","#,
        r#""ts":1732000000000,"chars":42}"#
    );

    fn copy_event() -> Event {
        Event {
            id: "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f".into(),
            kind: EventKind::Copy { chars: 42 },
            channel: Some(Channel::Copy),
            token: ShareToken::parse("cAAAAAAAAAA1"),
            parent: None,
            url: "https://blog.example/a".into(),
            title: "A".into(),
            ts: 1_732_000_000_000,
        }
    }

    /// `COPY` with `from` replaced by `to` (test helper: `str::replace` is fine natively).
    fn edited(from: &str, to: &str) -> String {
        assert!(COPY.contains(from), "{from:?}");
        COPY.replacen(from, to, 1)
    }

    #[test]
    fn reads_what_it_writes() {
        assert_eq!(from_json(COPY), Some(copy_event()));
        assert_eq!(copy_event().to_json(), COPY);
    }

    #[test]
    fn any_key_order_unknown_and_nested_keys() {
        let shuffled = r#" { "chars" : 42 , "ts":1732000000000,"title":"A","url":"https://blog.example/a",
            "parent":null,"token":"cAAAAAAAAAA1","channel":"copy","type":"copy",
            "id":"6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f","v":1 } "#;
        assert_eq!(from_json(shuffled), Some(copy_event()));
        // What a batch carries (dropped) and what a later version may add, nested or not.
        let extended = edited(
            r#"{"v":1,"#,
            r#"{"dropped":30,"later":{"a":[1,{"b":null}],"c":"}"},"list":[[],{}],"flag":true,"n":-1.5e3,"v":1,"#,
        );
        assert_eq!(from_json(&extended), Some(copy_event()));
        // The last of a repeated key counts, as with JSON.parse.
        assert_eq!(
            from_json(&edited(r#""title":"A""#, r#""title":"B","title":"A""#)),
            Some(copy_event())
        );
    }

    #[test]
    fn optional_fields() {
        let no_chars = edited(r#","chars":42"#, "");
        let mut event = copy_event();
        event.kind = EventKind::Copy { chars: 0 };
        assert_eq!(from_json(&no_chars), Some(event.clone()));
        // An invalid parent reads as none; a valid one is kept.
        assert_eq!(
            from_json(&edited(r#""parent":null"#, r#""parent":"nope""#)),
            Some(copy_event())
        );
        event = copy_event();
        event.parent = ShareToken::parse("wAAAAAAAAAA2");
        assert_eq!(
            from_json(&edited(r#""parent":null"#, r#""parent":"wAAAAAAAAAA2""#)),
            Some(event)
        );
        // Share: chars or referrer, if present, are checked but not kept.
        let share = edited(r#""type":"copy""#, r#""type":"share""#);
        assert_eq!(from_json(&share).map(|e| e.kind), Some(EventKind::Share));
        let arrival = edited(r#""type":"copy""#, r#""type":"arrival""#);
        assert_eq!(
            from_json(&arrival).map(|e| e.kind),
            Some(EventKind::Arrival { referrer: None })
        );
        let arrival = arrival.replacen(r#","chars":42"#, r#","referrer":"https://t.co/x""#, 1);
        assert_eq!(
            from_json(&arrival).map(|e| e.kind),
            Some(EventKind::Arrival {
                referrer: Some("https://t.co/x".into())
            })
        );
    }

    #[test]
    fn malformed_or_invalid_is_none() {
        let cases = [
            String::new(),
            "null".into(),
            "[]".into(),
            "{}".into(),
            COPY.replacen('}', "", 1),
            COPY.to_owned() + "x",
            COPY.to_owned() + "{}",
            edited(r#""v":1"#, r#""v":2"#),
            edited(r#""v":1"#, r#""v":"1""#),
            edited(r#""v":1,"#, ""),
            edited(
                r#""id":"6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f""#,
                r#""id":"""#,
            ),
            edited(
                r#""id":"6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f""#,
                r#""id":7"#,
            ),
            edited(r#""type":"copy""#, r#""type":"paste""#),
            edited(r#""channel":"copy""#, r#""channel":"myspace""#),
            edited(r#""token":"cAAAAAAAAAA1""#, r#""token":"cAAAAAAAAAA_""#),
            edited(r#""token":"cAAAAAAAAAA1","#, ""),
            edited(r#""parent":null"#, r#""parent":5"#),
            edited(r#""url":"https://blog.example/a""#, r#""url":null"#),
            edited(r#""title":"A","#, ""),
            edited(r#""ts":1732000000000"#, r#""ts":-1"#),
            edited(r#""ts":1732000000000"#, r#""ts":1732000000000.5"#),
            edited(r#""ts":1732000000000"#, r#""ts":"1732000000000""#),
            edited(r#""chars":42"#, r#""chars":4294967296"#),
            edited(r#""chars":42"#, r#""chars":null"#),
            edited(r#""type":"copy""#, r#""type":"arrival""#).replacen(
                r#""chars":42"#,
                r#""referrer":7"#,
                1,
            ),
            edited(r#""chars":42"#, r#""chars":42,"later":[1,]"#),
            edited(r#""chars":42"#, r#""chars":42,"#),
            edited(r#""title":"A""#, "\"title\":\"A\nB\""),
        ];
        for json in cases {
            assert_eq!(from_json(&json), None, "{json}");
        }
    }

    /// Strings with what JSON has to escape: quotes, backslashes, control characters,
    /// U+2028, emoji and other non-BMP characters, among any others.
    fn tricky_string() -> impl Strategy<Value = String> {
        let tricky = prop_oneof![
            Just('"'),
            Just('\\'),
            Just('/'),
            Just('\u{2028}'),
            Just('\u{2029}'),
            Just('😀'),
            Just('\u{10ffff}'),
            Just('\u{fffd}'),
            proptest::char::range('\u{0}', '\u{1f}'),
            any::<char>(),
        ];
        prop::collection::vec(tricky, 0..24).prop_map(|chars| chars.into_iter().collect())
    }

    fn any_token() -> impl Strategy<Value = ShareToken> {
        (0..Channel::all().count(), any::<[u8; 9]>())
            .prop_map(|(i, random)| ShareToken::mint(Channel::all().nth(i).unwrap(), &random))
    }

    fn any_event() -> impl Strategy<Value = Event> {
        let kind = prop_oneof![
            any::<u32>().prop_map(|chars| EventKind::Copy { chars }),
            Just(EventKind::Share),
            proptest::option::of(tricky_string())
                .prop_map(|referrer| EventKind::Arrival { referrer }),
            Just(EventKind::Landing),
        ];
        (
            tricky_string().prop_filter("non-empty id", |id| !id.is_empty()),
            kind,
            0..Channel::all().count(),
            any_token(),
            proptest::option::of(any_token()),
            (tricky_string(), tricky_string()),
            0..=(1u64 << 53),
        )
            .prop_map(|(id, kind, channel, token, parent, (url, title), ts)| {
                // A landing has no channel, token or parent.
                let sourced = kind != EventKind::Landing;
                Event {
                    id,
                    kind,
                    channel: Channel::all().nth(channel).filter(|_| sourced),
                    token: Some(token).filter(|_| sourced),
                    parent: parent.filter(|_| sourced),
                    url,
                    title,
                    ts,
                }
            })
    }

    #[test]
    fn landing_json() {
        let landing = Event {
            id: "e1".into(),
            kind: EventKind::Landing,
            channel: None,
            token: None,
            parent: None,
            url: "https://blog.example/a".into(),
            title: "A".into(),
            ts: 1_732_000_000_000,
        };
        let json = concat!(
            r#"{"v":1,"id":"e1","type":"landing","channel":"none","token":null,"parent":null,"#,
            r#""url":"https://blog.example/a","title":"A","ts":1732000000000}"#
        );
        assert_eq!(landing.to_json(), json);
        assert_eq!(from_json(json), Some(landing.clone()));
        // A landing's channel, token and parent are not read: it has none.
        for odd in [
            json.replacen(r#""token":null,"#, "", 1),
            json.replacen(r#""channel":"none""#, r#""channel":"copy""#, 1),
            json.replacen(r#""token":null"#, r#""token":"cAAAAAAAAAA1""#, 1),
            json.replacen(r#""parent":null"#, r#""parent":"wAAAAAAAAAA2""#, 1),
        ] {
            assert_eq!(from_json(&odd), Some(landing.clone()), "{odd}");
        }
        // Other kinds need a channel and a token.
        let share = json.replacen(r#""type":"landing""#, r#""type":"share""#, 1);
        assert_eq!(from_json(&share), None);
    }

    proptest! {
        #[test]
        fn json_round_trip(event in any_event()) {
            prop_assert_eq!(from_json(&event.to_json()), Some(event));
        }
    }
}
