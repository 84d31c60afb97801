//! Share events (SPEC §5) and their JSON form.

use super::channel::Channel;
use super::json::{push_key, push_str, push_u64};
use super::token::ShareToken;
use crate::prelude::*;

/// Schema version written in every event's `v`.
pub const SCHEMA_VERSION: u64 = 1;

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The visitor copied a selection that got a token; `chars` is its length in UTF-16
    /// code units (JavaScript's `length`), never its text.
    Copy { chars: u32 },
    /// The visitor used a share button.
    Share,
    /// The visitor landed with a token; `referrer` is `document.referrer` if not empty.
    Arrival { referrer: Option<String> },
}

/// One event, ready to be serialised and sent.
///
/// ```
/// use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
/// let token = ShareToken::parse("cAAAAAAAAAA1").unwrap();
/// let event = Event {
///     id: "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f".into(),
///     kind: EventKind::Copy { chars: 42 },
///     channel: Channel::Copy,
///     token,
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
    /// Through what the page was shared (for an arrival: the channel its token names).
    pub channel: Channel,
    /// The token minted for this share, or the one arrived with.
    pub token: ShareToken,
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
    if let Some((at, _)) = s.char_indices().nth(max) {
        s.truncate(at);
    }
}

impl Event {
    /// Cuts `title`, `url` and `referrer` to the schema's limits, so an odd page (a
    /// 5 000-character title) never gets its events refused by the receiver.
    ///
    /// ```
    /// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
    /// let mut event = Event { id: String::new(), kind: EventKind::Share, channel: Channel::Email,
    ///     token: ShareToken::parse("eAAAAAAAAAA1").unwrap(), parent: None,
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
        push_str(out, self.channel.id());
        out.push(',');
        push_key(out, "token");
        push_str(out, self.token.as_str());
        out.push(',');
        push_key(out, "parent");
        match &self.parent {
            Some(parent) => push_str(out, parent.as_str()),
            None => out.push_str("null"),
        }
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
            EventKind::Share => {}
        }
        out.push('}');
    }

    /// The event as a JSON object.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        self.write_json(&mut out);
        out
    }
}

/// The JSON array body that carries a batch of events (SPEC §6).
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
