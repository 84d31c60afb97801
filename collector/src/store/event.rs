//! An event as the store keeps it: one row type from the JSON a client sent to the
//! database and back.
//!
//! Every field a client sent is kept, once. The columns hold what stats and exports read
//! (`type`, `channel`, `token`, …; the page as its key, in the `pages` table with its site
//! and first title); `extra` holds, as a JSON object, only what the columns would not give
//! back as sent: fields the schema does not name, a URL with campaign parameters or a
//! fragment, a number written as `1.7e12`. Reading an event rebuilds it from the columns
//! and lays `extra` over it, so exports give exactly the fields and values received.

use crate::stats::{site_of, Row as StatsRow};
use serde_json::{Map, Value};

/// The shape of `extra` when the columns would add a field the client did not send (an
/// arrival without `referrer`): the whole event, under this one key.
const WHOLE: &str = "~";

/// An event, stored or being stored.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Event {
    /// The database's order of storage (0 until stored).
    pub seq: i64,
    /// The UUID, as 16 bytes.
    pub id: [u8; 16],
    /// The event's `type`: `share`, `copy`, `arrival` or `landing`.
    pub kind: String,
    /// Its `channel` id (`none` for a landing).
    pub channel: String,
    /// Empty for a landing (which has none).
    pub token: String,
    /// The token the sharer arrived with, if any.
    pub parent: Option<String>,
    /// The page key (`pages::page_key`): the URL without campaign parameters, token and
    /// fragment.
    pub page: String,
    /// The host of the page (`stats::site_of`).
    pub site: String,
    /// The page's title as the event gave it.
    pub title: String,
    /// When it happened, in ms since the epoch (the client's clock).
    pub ts: i64,
    /// An arrival's `document.referrer`, if it had one.
    pub referrer: Option<String>,
    /// A copy's length in UTF-16 code units, if given.
    pub chars: Option<i64>,
    /// What the columns do not give back (JSON), if anything.
    pub extra: Option<String>,
    /// A share's chain depth (0 for every other event), once derived.
    pub depth: Option<i64>,
    /// 1 when another share of the same channel has the same parent.
    pub dup: Option<i64>,
}

/// A JSON number that is a whole number, however it was written (`1732000000000`,
/// `1732000000000.0`, `1.732e12`: JSON Schema counts all three as integers).
pub fn whole_number(value: Option<&Value>) -> Option<i64> {
    let value = value?;
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

/// The 16 bytes of a UUID written `8-4-4-4-12` in hex digits.
///
/// ```
/// use lanterne_collector::store::event::{uuid_bytes, uuid_text};
/// let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
/// assert_eq!(uuid_text(&uuid_bytes(id).unwrap()), id);
/// assert_eq!(uuid_bytes("0f8fad5b"), None);
/// ```
pub fn uuid_bytes(text: &str) -> Option<[u8; 16]> {
    let hex: Vec<u8> = text.bytes().filter(|b| *b != b'-').collect();
    if hex.len() != 32 || text.len() != 36 {
        return None;
    }
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

/// A UUID's 16 bytes written `8-4-4-4-12` in lower-case hex.
pub fn uuid_text(id: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, byte) in id.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[usize::from(byte >> 4)] as char);
        out.push(HEX[usize::from(byte & 15)] as char);
    }
    out
}

impl Event {
    /// The event a client sent (validated against the schema first), with what the
    /// columns do not keep in `extra`; what makes it impossible to keep, if anything.
    pub fn from_json(event: &Value) -> Result<Event, String> {
        let text = |key: &str| event.get(key).and_then(Value::as_str);
        let kind = text("type").unwrap_or("");
        let url = text("url").unwrap_or("");
        let mut e = Event {
            seq: 0,
            id: text("id")
                .and_then(uuid_bytes)
                .ok_or("an event whose id is not a UUID")?,
            kind: kind.to_owned(),
            channel: text("channel").unwrap_or("").to_owned(),
            token: text("token").unwrap_or("").to_owned(),
            parent: text("parent").map(str::to_owned),
            page: crate::pages::page_key(url),
            site: site_of(url),
            title: text("title").unwrap_or("").to_owned(),
            ts: whole_number(event.get("ts")).ok_or("an event whose ts is not a whole number")?,
            referrer: text("referrer").map(str::to_owned),
            chars: whole_number(event.get("chars")),
            extra: None,
            // Arrivals, landings and shares without a parent are at depth 0 for good; a
            // re-share's is derived before it is stored.
            depth: (kind != "share" && kind != "copy" || text("parent").is_none()).then_some(0),
            dup: (kind != "share" && kind != "copy" || text("parent").is_none()).then_some(0),
        };
        e.extra = extra_of(event, &e);
        Ok(e)
    }

    /// The event as the columns alone give it back.
    fn rebuilt(&self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("v".into(), Value::from(1));
        out.insert("id".into(), Value::from(uuid_text(&self.id)));
        out.insert("type".into(), Value::from(self.kind.as_str()));
        out.insert("channel".into(), Value::from(self.channel.as_str()));
        out.insert(
            "token".into(),
            if self.kind == "landing" && self.token.is_empty() {
                Value::Null
            } else {
                Value::from(self.token.as_str())
            },
        );
        out.insert("parent".into(), self.parent.as_deref().into());
        out.insert("url".into(), Value::from(self.page.as_str()));
        out.insert("title".into(), Value::from(self.title.as_str()));
        out.insert("ts".into(), Value::from(self.ts));
        // Arrivals say where they came from, even nowhere (null).
        if self.kind == "arrival" || self.referrer.is_some() {
            out.insert("referrer".into(), self.referrer.as_deref().into());
        }
        if let Some(chars) = self.chars {
            out.insert("chars".into(), Value::from(chars));
        }
        out
    }

    /// The event as the client sent it.
    pub fn to_json(&self) -> Result<Value, String> {
        let mut out = self.rebuilt();
        if let Some(extra) = &self.extra {
            let extra: Map<String, Value> = serde_json::from_str(extra)
                .map_err(|e| format!("extra of event {}: {e}", uuid_text(&self.id)))?;
            if let Some(Value::Object(whole)) = extra.get(WHOLE).filter(|_| extra.len() == 1) {
                return Ok(Value::Object(whole.clone()));
            }
            out.extend(extra);
        }
        Ok(Value::Object(out))
    }

    /// The event as the stats' reference reads it.
    pub fn stats_row(&self) -> StatsRow {
        StatsRow {
            kind: self.kind.clone(),
            channel: self.channel.clone(),
            token: self.token.clone(),
            parent: self.parent.clone(),
            url: self.page.clone(),
            referrer: self.referrer.clone(),
            ts: self.ts,
        }
    }
}

/// What of `sent` the columns of `e` do not give back ([`Event::rebuilt`]): the fields
/// that differ or that the columns lack, as a JSON object; the whole event when the
/// columns would add a field. Field by field, without building the rebuilt event (this
/// runs for every event received).
fn extra_of(sent: &Value, e: &Event) -> Option<String> {
    let sent = sent.as_object()?;
    const ALWAYS: [&str; 9] = [
        "v", "id", "type", "channel", "token", "parent", "url", "title", "ts",
    ];
    let adds_referrer = e.kind == "arrival" && !sent.contains_key("referrer");
    let whole = || {
        let mut whole = Map::new();
        whole.insert(WHOLE.into(), Value::Object(sent.clone()));
        Some(Value::Object(whole).to_string())
    };
    if adds_referrer || ALWAYS.iter().any(|k| !sent.contains_key(*k)) {
        return whole();
    }
    let differs: Map<String, Value> = sent
        .iter()
        .filter(|(k, v)| !e.gives_back(k, v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if differs.is_empty() {
        return None;
    }
    // An object of one field named like the whole-event form would read as it.
    if differs.len() == 1 && differs.get(WHOLE).is_some_and(Value::is_object) {
        return whole();
    }
    Some(Value::Object(differs).to_string())
}

/// Whether `value` is `text`, or null for `None`.
fn is_text(value: &Value, text: Option<&str>) -> bool {
    match text {
        Some(t) => value.as_str() == Some(t),
        None => value.is_null(),
    }
}

/// Whether `value` is the whole number `n` written as one (`1.7e12` is not).
fn is_int(value: &Value, n: i64) -> bool {
    !value.is_f64() && value.as_i64() == Some(n)
}

impl Event {
    /// Whether [`Event::rebuilt`] has `value` under `key`.
    fn gives_back(&self, key: &str, value: &Value) -> bool {
        match key {
            "v" => is_int(value, 1),
            "id" => value.as_str() == Some(uuid_text(&self.id).as_str()),
            "type" => is_text(value, Some(&self.kind)),
            "channel" => is_text(value, Some(&self.channel)),
            "token" if self.kind == "landing" && self.token.is_empty() => value.is_null(),
            "token" => is_text(value, Some(&self.token)),
            "parent" => is_text(value, self.parent.as_deref()),
            "url" => is_text(value, Some(&self.page)),
            "title" => is_text(value, Some(&self.title)),
            "ts" => is_int(value, self.ts),
            "referrer" if self.kind == "arrival" || self.referrer.is_some() => {
                is_text(value, self.referrer.as_deref())
            }
            "chars" => self.chars.is_some_and(|n| is_int(value, n)),
            _ => false,
        }
    }
}

/// What happened to a batch.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    /// Events newly stored.
    pub stored: usize,
    /// Events whose `id` was already stored (ignored: delivery is at-least-once).
    pub duplicates: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(event: Value) -> Option<String> {
        let e = Event::from_json(&event).unwrap();
        assert_eq!(e.to_json().unwrap(), event, "{event}");
        assert_eq!(e.to_json().unwrap().to_string(), event.to_string());
        e.extra
    }

    /// `extra` as first written: the rebuilt event as a map, compared key by key.
    fn extra_by_map(sent: &Value, rebuilt: &Map<String, Value>) -> Option<String> {
        let sent = sent.as_object()?;
        let whole = || Some(json!({ WHOLE: sent }).to_string());
        if rebuilt.keys().any(|k| !sent.contains_key(k)) {
            return whole();
        }
        let differs: Map<String, Value> = sent
            .iter()
            .filter(|(k, v)| rebuilt.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if differs.is_empty() {
            None
        } else if differs.len() == 1 && differs.get(WHOLE).is_some_and(Value::is_object) {
            whole()
        } else {
            Some(Value::Object(differs).to_string())
        }
    }

    proptest::proptest! {
        /// Field by field, `extra` is what comparing with the whole rebuilt event gives.
        #[test]
        fn extra_field_by_field_is_extra_by_map(
            kind in proptest::sample::select(vec!["share", "copy", "arrival", "landing"]),
            drop in proptest::collection::vec(proptest::sample::select(vec!["v", "token", "parent", "referrer", "chars", "title", "ts"]), 0..3),
            values in proptest::collection::vec((
                proptest::sample::select(vec!["v", "id", "token", "parent", "referrer", "chars", "title", "ts", "url", "~", "x"]),
                proptest::sample::select(vec![json!(null), json!(1), json!(1.0), json!(-5), json!(12), json!("A"), json!("wAbCdEfGhIj9"),
                    json!("0F8FAD5B-D9CB-469F-A165-70867728950E"), json!({"v": 2}), json!([1]), json!(1_763_700_000_000u64), json!(1.7637e12)]),
            ), 0..4),
        ) {
            let mut event = json!({"v":1,"id":"0f8fad5b-d9cb-469f-a165-70867728950e","type":kind,"channel":"whatsapp",
                "token":"wAbCdEfGhIj9","parent":null,"url":"https://blog.example/a?utm_source=x","title":"A","ts":1_763_700_000_000u64,
                "referrer":"https://example.com/","chars":12});
            let object = event.as_object_mut().unwrap();
            for key in drop {
                object.remove(key);
            }
            for (key, value) in values {
                object.insert(key.into(), value);
            }
            // Only events the schema could let through: a known field of the right type.
            if let Ok(e) = Event::from_json(&event) {
                proptest::prop_assert_eq!(e.extra.clone(), extra_by_map(&event, &e.rebuilt()));
            }
        }
    }

    #[test]
    fn every_field_comes_back_as_sent_and_only_what_differs_is_extra() {
        let share = json!({"v":1,"id":"0f8fad5b-d9cb-469f-a165-70867728950e","type":"share","channel":"whatsapp",
            "token":"wAbCdEfGhIj9","parent":null,"url":"https://blog.example/a","title":"A","ts":1_763_700_000_000u64});
        assert_eq!(
            round_trip(share.clone()),
            None,
            "a plain share needs nothing more"
        );
        let mut arrival = share.clone();
        arrival["type"] = json!("arrival");
        arrival["parent"] = json!("wAbCdEfGhIj9");
        arrival["referrer"] = Value::Null;
        arrival["url"] = json!("https://blog.example/a?utm_source=whatsapp&lt=wAbCdEfGhIj9#top");
        assert_eq!(
            round_trip(arrival.clone()).as_deref(),
            Some(r#"{"url":"https://blog.example/a?utm_source=whatsapp&lt=wAbCdEfGhIj9#top"}"#)
        );
        let mut odd = share.clone();
        odd["ts"] = json!(1.7e12);
        odd["dropped"] = json!(3);
        odd["x-unknown"] = json!({"nested": [1, 2]});
        odd["chars"] = Value::Null;
        round_trip(odd);
        // An arrival without a referrer: the columns would add one.
        let mut bare = arrival.clone();
        bare.as_object_mut().unwrap().remove("referrer");
        assert!(round_trip(bare).unwrap().starts_with(r#"{"~":"#));
        // A client field named like the whole-event form.
        let mut tricky = share.clone();
        tricky["~"] = json!({"v": 2});
        round_trip(tricky);
        let mut landing = share;
        landing["type"] = json!("landing");
        landing["channel"] = json!("none");
        landing["token"] = Value::Null;
        assert_eq!(round_trip(landing), None);
    }
}
