//! The request bodies of each format (README "Adapters"): lanterne's own JSON array, and
//! the APIs of Plausible, Umami, PostHog and Matomo, field by field as the JavaScript
//! adapters of earlier releases wrote them; and the names Google Analytics 4 gets, whose
//! events stay in the page.
//!
//! Objects are written with their keys in the order `JSON.stringify` gave them in those
//! adapters. Strings are escaped by [`push_str`], which also escapes U+2028 and U+2029 and
//! writes `\u0008`/`\u000c` where `JSON.stringify` writes `\b`/`\f`: the same JSON values.

use super::chars::sub;
use super::event::{Event, EventKind};
use super::format::Format;
use super::json::{push_str, push_u64};
use super::url::UrlParts;
use crate::prelude::*;

/// What the formats need besides the events.
///
/// ```
/// use lanterne::core::adapter::Target;
/// use lanterne::core::adapter::iso_time;
/// let target = Target { site: "blog.example", language: "en-US", now: 1_763_700_000_000, iso_time };
/// assert_eq!(target.site, "blog.example");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// The site's id in the tool (config `site`): Plausible's domain, Umami's website id,
    /// PostHog's project API key, Matomo's site id.
    pub site: &'a str,
    /// The browser's language (`navigator.language`), which Umami records.
    pub language: &'a str,
    /// Now, in ms since the epoch: Matomo takes an event's own time (`cdt`) only for events
    /// of the last day.
    pub now: u64,
    /// A time in ms since the epoch as `new Date(ms).toISOString()` writes it, for
    /// PostHog's `timestamp`: [`iso_time`], or in the browser the browser's own (its
    /// WebAssembly is smaller without a calendar).
    pub iso_time: fn(u64) -> String,
}

/// An event to send in one of the formats, and its JSON as queued (sent as it is in
/// lanterne's format; the analytics tools' formats rewrite the event).
///
/// ```
/// use lanterne::core::adapter::Outgoing;
/// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
/// # let event = Event { id: "e1".into(), kind: EventKind::Share, channel: Channel::Email,
/// #     token: ShareToken::parse("eAAAAAAAAAA1").unwrap(), parent: None,
/// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
/// let outgoing = Outgoing::of(event);
/// assert!(outgoing.json.starts_with(r#"{"v":1,"id":"e1""#));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub event: Event,
    pub json: String,
}

impl Outgoing {
    /// An event with its own JSON.
    pub fn of(event: Event) -> Outgoing {
        Outgoing {
            json: event.to_json(),
            event,
        }
    }
}

/// Matomo accepts `cdt` without a `token_auth` for events up to a day old: 23 hours keeps
/// a margin for clocks that disagree.
const MATOMO_CDT_MS: u64 = 23 * 3600 * 1000;

/// The request body of a batch in `format`:
/// - `Lanterne`: the JSON array of the events as queued (their JSON as stored, so fields a
///   newer release added go too); `dropped` > 0 goes as a first field `"dropped"` of the
///   first event: `[{"dropped":30,"v":1,…},…]`;
/// - `Plausible`, `Umami`: one event per request, the first of `batch` (an empty batch has
///   an empty body);
/// - `Posthog`, `Matomo`: one request for the whole batch.
///
/// The drop count goes in lanterne's format only. The in-page formats (`Ga4`, `Callback`)
/// send no request: they get lanterne's array without the count, for the browser layer to
/// turn into the objects it hands over (the callback gets the count on its own).
///
/// ```
/// use lanterne::core::{adapter::{body, Outgoing, Target}, format::Format};
/// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
/// # let event = Event { id: "0f8fad5b-d9cb-469f-a165-70867728950e".into(), kind: EventKind::Share,
/// #     channel: Channel::Email, token: ShareToken::parse("eAAAAAAAAAA1").unwrap(), parent: None,
/// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 1_763_700_000_000 };
/// let outgoing = Outgoing::of(event);
/// let batch = [&outgoing];
/// let target = Target { site: "blog.example", language: "en", now: 1_763_700_000_000, iso_time: lanterne::core::adapter::iso_time };
/// assert!(body(Format::Lanterne, &batch, 30, &target).starts_with(r#"[{"dropped":30,"v":1,"#));
/// assert_eq!(body(Format::Plausible, &batch, 30, &target), concat!(
///     r#"{"name":"Share","url":"https://blog.example/a","domain":"blog.example","referrer":null,"#,
///     r#""props":{"channel":"email","token":"eAAAAAAAAAA1"},"interactive":true}"#));
/// ```
pub fn body(format: Format, batch: &[&Outgoing], dropped: u64, target: &Target) -> String {
    let jsons = || batch.iter().map(|o| o.json.as_str());
    match format {
        Format::Lanterne => lanterne_body(jsons(), dropped),
        Format::Plausible => batch
            .first()
            .map_or_else(String::new, |queued| plausible_body(&queued.event, target)),
        Format::Umami => batch
            .first()
            .map_or_else(String::new, |queued| umami_body(&queued.event, target)),
        Format::Posthog => posthog_body(batch, target),
        Format::Matomo => matomo_body(batch, target),
        Format::Ga4 | Format::Callback => lanterne_body(jsons(), 0),
    }
}

/// The body of a prefix of `batch` within `max_bytes` bytes of UTF-8 (keepalive requests
/// and beacons share a 64 KiB budget): the batch is halved (rounding up) until its body
/// fits, or until one event is left, which then goes alone whatever its size (the browser
/// layer sends it without keepalive). At most [`Format::batch`] events are taken: a
/// Plausible or Umami body carries one. Returns how many events of `batch` (from the
/// first) the body carries, and the body.
///
/// ```
/// use lanterne::core::{adapter::{body, fit, Outgoing, Target}, format::Format};
/// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
/// # let event = |id: &str| Event { id: id.into(), kind: EventKind::Share,
/// #     channel: Channel::Email, token: ShareToken::parse("eAAAAAAAAAA1").unwrap(), parent: None,
/// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 1_763_700_000_000 };
/// let events: Vec<Outgoing> = ["a", "b", "c"].into_iter().map(|id| Outgoing::of(event(id))).collect();
/// let batch: Vec<&Outgoing> = events.iter().collect();
/// let target = Target { site: "", language: "", now: 0, iso_time: lanterne::core::adapter::iso_time };
/// let two = body(Format::Lanterne, &batch[..2], 0, &target);
/// assert_eq!(fit(Format::Lanterne, &batch, 0, &target, two.len()), (2, two));
/// assert_eq!(fit(Format::Lanterne, &batch, 0, &target, 10).0, 1);
/// ```
pub fn fit(
    format: Format,
    batch: &[&Outgoing],
    dropped: u64,
    target: &Target,
    max_bytes: usize,
) -> (usize, String) {
    fit_by(batch.len().min(format.batch()), max_bytes, |n| {
        body(format, batch.get(..n).unwrap_or(batch), dropped, target)
    })
}

/// What [`fit`] does, for one format's body (`body(n)`: the body of the first `n` events of
/// a batch of `count`): the browser layer calls it with lanterne's own body only, so the
/// module every page loads carries no other format (README "Size").
///
/// ```
/// use lanterne::core::adapter::fit_by;
/// assert_eq!(fit_by(5, 20, |n| "x".repeat(n * 6)), (3, "x".repeat(18)));
/// assert_eq!(fit_by(5, 2, |n| "x".repeat(n * 6)), (1, "x".repeat(6)));
/// ```
pub fn fit_by(count: usize, max_bytes: usize, body: impl Fn(usize) -> String) -> (usize, String) {
    let mut count = count;
    loop {
        let body = body(count);
        if body.len() <= max_bytes || count <= 1 {
            return (count, body);
        }
        count = count.div_ceil(2);
    }
}

/// GA4's event name: the recommended `share` for shares and copies, `share_arrival` for
/// arrivals.
///
/// ```
/// use lanterne::core::adapter::ga4_name;
/// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
/// # let mut event = Event { id: "a".into(), kind: EventKind::Share, channel: Channel::Email,
/// #     token: ShareToken::parse("eAAAAAAAAAA1").unwrap(), parent: None,
/// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
/// assert_eq!(ga4_name(&event), "share");
/// event.kind = EventKind::Arrival { referrer: None };
/// assert_eq!(ga4_name(&event), "share_arrival");
/// ```
pub fn ga4_name(event: &Event) -> &'static str {
    match event.kind {
        EventKind::Arrival { .. } => "share_arrival",
        _ => "share",
    }
}

/// GA4's `content_type`: `text` for copies (a selection), `page` for the rest.
///
/// ```
/// use lanterne::core::adapter::ga4_content_type;
/// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
/// # let mut event = Event { id: "a".into(), kind: EventKind::Share, channel: Channel::Email,
/// #     token: ShareToken::parse("eAAAAAAAAAA1").unwrap(), parent: None,
/// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
/// assert_eq!(ga4_content_type(&event), "page");
/// event.kind = EventKind::Copy { chars: 3 };
/// assert_eq!(ga4_content_type(&event), "text");
/// ```
pub fn ga4_content_type(event: &Event) -> &'static str {
    match event.kind {
        EventKind::Copy { .. } => "text",
        _ => "page",
    }
}

/// lanterne's own body: `[` the events' JSON `]`, the drop count first in the first event
/// (as the JavaScript reporter of earlier releases wrote it).
///
/// ```
/// use lanterne::core::adapter::lanterne_body;
/// assert_eq!(lanterne_body([], 3), "[]");
/// assert_eq!(lanterne_body([r#"{"v":1}"#, "{}"], 3), r#"[{"dropped":3,"v":1},{}]"#);
/// ```
pub fn lanterne_body<'a>(jsons: impl IntoIterator<Item = &'a str>, dropped: u64) -> String {
    let mut out = String::from("[");
    for (i, json) in jsons.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Stored JSON may start with white space; its object opens after it.
        let object = json.trim_start_matches([' ', '\t', '\n', '\r']);
        if i == 0 && dropped > 0 && object.starts_with('{') {
            out.push_str("{\"dropped\":");
            push_u64(&mut out, dropped);
            out.push(',');
            out.push_str(sub(object, 1, object.len()));
        } else {
            out.push_str(json);
        }
    }
    out.push(']');
    out
}

/// The arrival's referrer, if it is one.
fn referrer(event: &Event) -> Option<&str> {
    match &event.kind {
        EventKind::Arrival { referrer } => referrer.as_deref(),
        _ => None,
    }
}

/// Appends `before` (JSON text: punctuation and a key) and `value` as a JSON string.
fn push_field(out: &mut String, before: &str, value: &str) {
    out.push_str(before);
    push_str(out, value);
}

/// Appends `before` and `value` as a JSON string, or `null`.
fn push_nullable(out: &mut String, before: &str, value: Option<&str>) {
    match value {
        Some(value) => push_field(out, before, value),
        None => {
            out.push_str(before);
            out.push_str("null");
        }
    }
}

/// Appends `before` and a copy's number of characters (as a JSON string if `quoted`), if
/// the event is a copy.
fn push_chars(out: &mut String, before: &str, event: &Event, quoted: bool) {
    if let EventKind::Copy { chars } = event.kind {
        out.push_str(before);
        if quoted {
            out.push('"');
        }
        push_u64(out, u64::from(chars));
        if quoted {
            out.push('"');
        }
    }
}

/// Appends `"channel":…,"token":…`, then `"parent":…` if any: the props Plausible and
/// Umami both get.
fn push_share_fields(out: &mut String, event: &Event) {
    push_field(out, "\"channel\":", event.channel.id());
    push_field(out, ",\"token\":", event.token.as_str());
    if let Some(parent) = &event.parent {
        push_field(out, ",\"parent\":", parent.as_str());
    }
}

/// The event's name in a tool: `[share, copy, arrival]` by kind.
fn name<'a>(event: &Event, names: [&'a str; 3]) -> &'a str {
    match event.kind {
        EventKind::Share => names[0],
        EventKind::Copy { .. } => names[1],
        EventKind::Arrival { .. } => names[2],
    }
}

/// Plausible's Events API: a custom event with the channel and token in its props.
fn plausible_body(event: &Event, target: &Target) -> String {
    let mut out = String::new();
    push_field(
        &mut out,
        "{\"name\":",
        name(event, ["Share", "Copy", "Share arrival"]),
    );
    push_field(&mut out, ",\"url\":", &event.url);
    push_field(&mut out, ",\"domain\":", target.site);
    push_nullable(&mut out, ",\"referrer\":", referrer(event));
    out.push_str(",\"props\":{");
    push_share_fields(&mut out, event);
    // Plausible's props are strings.
    push_chars(&mut out, ",\"chars\":", event, true);
    // An arrival is a page view's side effect, not something the visitor did.
    out.push_str(if matches!(event.kind, EventKind::Arrival { .. }) {
        "},\"interactive\":false}"
    } else {
        "},\"interactive\":true}"
    });
    out
}

/// Umami's collect API: a custom event with the channel and token in its data.
fn umami_body(event: &Event, target: &Target) -> String {
    let url = event.url.as_str();
    let parts = UrlParts::split(url);
    let mut out = String::new();
    push_field(
        &mut out,
        "{\"type\":\"event\",\"payload\":{\"website\":",
        target.site,
    );
    // `new URL(url).hostname`: event URLs come from the browser, already serialised, so
    // lower-casing is the only normalisation left to do.
    push_field(
        &mut out,
        ",\"hostname\":",
        &parts.host(url).unwrap_or("").to_ascii_lowercase(),
    );
    push_field(&mut out, ",\"language\":", target.language);
    // `pathname + search`: an empty path is `/`, an empty query is left out with its `?`.
    let mut path = String::from(match parts.path(url) {
        "" => "/",
        path => path,
    });
    if let Some(query) = parts.query(url).filter(|query| !query.is_empty()) {
        path.push('?');
        path.push_str(query);
    }
    push_field(&mut out, ",\"url\":", &path);
    push_field(&mut out, ",\"title\":", &event.title);
    push_field(&mut out, ",\"referrer\":", referrer(event).unwrap_or(""));
    push_field(
        &mut out,
        ",\"name\":",
        name(event, ["share", "copy", "share-arrival"]),
    );
    out.push_str(",\"data\":{");
    push_share_fields(&mut out, event);
    push_chars(&mut out, ",\"chars\":", event, false);
    out.push_str("}}}");
    out
}

/// PostHog's batch capture API: anonymous events (the event id as `distinct_id`, no person
/// profile), PostHog deduping on `uuid`.
fn posthog_body(batch: &[&Outgoing], target: &Target) -> String {
    let mut out = String::new();
    push_field(&mut out, "{\"api_key\":", target.site);
    out.push_str(",\"batch\":[");
    for (i, queued) in batch.iter().enumerate() {
        let event = &queued.event;
        if i > 0 {
            out.push(',');
        }
        push_field(
            &mut out,
            "{\"event\":",
            name(event, ["share", "copy", "share arrival"]),
        );
        push_field(&mut out, ",\"distinct_id\":", &event.id);
        push_field(&mut out, ",\"uuid\":", &event.id);
        push_field(&mut out, ",\"properties\":{\"$current_url\":", &event.url);
        push_field(
            &mut out,
            ",\"$process_person_profile\":false,\"$lib\":\"lanterne\",\"title\":",
            &event.title,
        );
        // Not `token`: PostHog reads a `token` property as the project's API key.
        push_field(&mut out, ",\"share_channel\":", event.channel.id());
        push_field(&mut out, ",\"share_token\":", event.token.as_str());
        push_nullable(
            &mut out,
            ",\"share_parent\":",
            event.parent.as_ref().map(|parent| parent.as_str()),
        );
        if let Some(referrer) = referrer(event).filter(|referrer| !referrer.is_empty()) {
            push_field(&mut out, ",\"$referrer\":", referrer);
        }
        push_chars(&mut out, ",\"share_chars\":", event, false);
        out.push_str("},\"timestamp\":\"");
        out.push_str(&(target.iso_time)(event.ts));
        out.push_str("\"}");
    }
    out.push_str("]}");
    out
}

/// Matomo's bulk Tracking API: one event per request line, category Share / Copy /
/// Share arrival, action the channel, name the token. No visitor id.
fn matomo_body(batch: &[&Outgoing], target: &Target) -> String {
    let mut out = String::from("{\"requests\":[");
    let mut query = String::new();
    for (i, queued) in batch.iter().enumerate() {
        let event = &queued.event;
        if i > 0 {
            out.push(',');
        }
        query.clear();
        push_param(&mut query, "?idsite=", target.site);
        push_param(&mut query, "&rec=1&apiv=1&send_image=0&url=", &event.url);
        push_param(&mut query, "&action_name=", &event.title);
        push_param(
            &mut query,
            "&e_c=",
            name(event, ["Share", "Copy", "Share arrival"]),
        );
        push_param(&mut query, "&e_a=", event.channel.id());
        push_param(&mut query, "&e_n=", event.token.as_str());
        let rand_end = event
            .id
            .char_indices()
            .nth(8)
            .map_or(event.id.len(), |(at, _)| at);
        push_param(&mut query, "&rand=", event.id.get(..rand_end).unwrap_or(""));
        if let Some(referrer) = referrer(event).filter(|referrer| !referrer.is_empty()) {
            push_param(&mut query, "&urlref=", referrer);
        }
        // When it happened, for events sent late (an outage, the next page). An event
        // stamped after `now` (clocks) is recent too.
        if target.now.saturating_sub(event.ts) < MATOMO_CDT_MS {
            query.push_str("&cdt=");
            push_u64(&mut query, event.ts / 1000);
        }
        push_str(&mut out, &query);
    }
    out.push_str("]}");
    out
}

/// Appends `before` (`?name=` or `&name=`) and `value` form-encoded.
fn push_param(out: &mut String, before: &str, value: &str) {
    out.push_str(before);
    push_form(out, value);
}

/// Appends `value` encoded as `URLSearchParams` writes it
/// (application/x-www-form-urlencoded): ASCII letters, digits and `*-._` as they are, a
/// space as `+`, every other byte of its UTF-8 as `%XX`, upper case.
fn push_form(out: &mut String, value: &str) {
    for &byte in value.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 15)]));
            }
        }
    }
}

/// Appends `n` in decimal, zero-padded to `width` digits.
fn push_padded(out: &mut String, n: u64, width: u32) {
    let mut digits = 1;
    let mut rest = n / 10;
    while rest > 0 {
        digits += 1;
        rest /= 10;
    }
    for _ in digits..width {
        out.push('0');
    }
    push_u64(out, n);
}

/// `ms` (since the epoch) as JavaScript's `new Date(ms).toISOString()` writes it (see
/// [`Target::iso_time`]).
///
/// ```
/// assert_eq!(lanterne::core::adapter::iso_time(1_795_691_798_123), "2026-11-26T11:16:38.123Z");
/// ```
pub fn iso_time(ms: u64) -> String {
    let mut out = String::new();
    push_iso_time(&mut out, ms);
    out
}

/// Appends `ms` (since the epoch) as JavaScript's `new Date(ms).toISOString()` writes it:
/// `2026-11-26T11:16:38.123Z`, and `+012345-…` for years past 9999 (where JavaScript
/// stops at year 275760, this goes on).
fn push_iso_time(out: &mut String, ms: u64) {
    const DAY_MS: u64 = 86_400_000;
    let (year, month, day) = civil_date(ms / DAY_MS);
    let in_day = ms % DAY_MS;
    if year > 9999 {
        out.push('+');
        push_padded(out, year, 6);
    } else {
        push_padded(out, year, 4);
    }
    for (separator, value, width) in [
        ('-', month, 2),
        ('-', day, 2),
        ('T', in_day / 3_600_000, 2),
        (':', in_day / 60_000 % 60, 2),
        (':', in_day / 1000 % 60, 2),
        ('.', in_day % 1000, 3),
    ] {
        out.push(separator);
        push_padded(out, value, width);
    }
    out.push('Z');
}

/// The proleptic Gregorian (year, month, day) of a day counted from 1970-01-01, by Howard
/// Hinnant's `civil_from_days` (days shifted to start on 0000-03-01, so leap days end each
/// year; 400-year eras of 146 097 days), in unsigned integers since days are never before
/// 1970.
fn civil_date(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let (month, year_offset) = if month_from_march < 10 {
        (month_from_march + 3, 0)
    } else {
        (month_from_march - 9, 1)
    };
    (era * 400 + year_of_era + year_offset, month, day)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::channel::Channel;
    use crate::core::chars::cat;
    use crate::core::token::ShareToken;

    const NOW: u64 = 1_795_691_798_123; // 2026-11-26T11:16:38.123Z

    fn target() -> Target<'static> {
        Target {
            site: "site 1",
            language: "fr-FR",
            now: NOW,
            iso_time: super::iso_time,
        }
    }

    /// A share by e-mail.
    fn share() -> Outgoing {
        let event = Event {
            id: "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
            kind: EventKind::Share,
            channel: Channel::Email,
            token: ShareToken::parse("eAbCdEfGhIj1").unwrap(),
            parent: None,
            url: "https://Blog.Example/a".into(),
            title: "A \"post\"".into(),
            ts: NOW - 1000,
        };
        Outgoing::of(event)
    }

    /// A copy with a parent, a day old (no `cdt` for Matomo).
    fn copy() -> Outgoing {
        let event = Event {
            id: "1b4e28ba-2fa1-41d2-883f-0016d3cca427".into(),
            kind: EventKind::Copy { chars: 212 },
            channel: Channel::Copy,
            token: ShareToken::parse("cX3kP0aZq1Lm").unwrap(),
            parent: ShareToken::parse("wParent00001"),
            url: "https://blog.example:8080/%C3%A9t%C3%A9?x=1&y=a%20b#top".into(),
            title: "Été & co".into(),
            ts: NOW - 24 * 3600 * 1000,
        };
        Outgoing::of(event)
    }

    /// An arrival from WhatsApp with a referrer, to a page without a path.
    fn arrival() -> Outgoing {
        let event = Event {
            id: "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f".into(),
            kind: EventKind::Arrival {
                referrer: Some("https://l.example/?u=1".into()),
            },
            channel: Channel::Whatsapp,
            token: ShareToken::parse("wAAAAAAAAAA1").unwrap(),
            parent: ShareToken::parse("wAAAAAAAAAA1"),
            url: "https://blog.example?q=".into(),
            title: "B".into(),
            ts: NOW,
        };
        Outgoing::of(event)
    }

    #[test]
    fn lanterne_format() {
        let (a, b) = (share(), copy());
        let batch = [&a, &b];
        let plain = cat(&["[", &a.json, ",", &b.json, "]"]);
        assert_eq!(body(Format::Lanterne, &batch, 0, &target()), plain);
        let with_dropped = [
            "[{\"dropped\":30,",
            a.json.get(1..).unwrap(),
            ",",
            &b.json,
            "]",
        ]
        .concat();
        assert_eq!(body(Format::Lanterne, &batch, 30, &target()), with_dropped);
        assert!(with_dropped.starts_with(r#"[{"dropped":30,"v":1,"id":"0f8fad5b"#));
        assert_eq!(body(Format::Lanterne, &[], 30, &target()), "[]");
        // The in-page formats get the array, never the count.
        assert_eq!(body(Format::Callback, &batch, 30, &target()), plain);
        assert_eq!(body(Format::Ga4, &batch, 30, &target()), plain);
        // Stored JSON with white space before its object.
        let mut spaced = share();
        spaced.json = cat(&[" \n", &spaced.json]);
        assert_eq!(
            body(Format::Lanterne, &[&spaced], 2, &target()),
            cat(&["[{\"dropped\":2,", a.json.get(1..).unwrap(), "]"])
        );
    }

    #[test]
    fn plausible_format() {
        let cases = [
            (
                share(),
                concat!(
                    r#"{"name":"Share","url":"https://Blog.Example/a","domain":"site 1","referrer":null,"#,
                    r#""props":{"channel":"email","token":"eAbCdEfGhIj1"},"interactive":true}"#
                ),
            ),
            (
                copy(),
                concat!(
                    r#"{"name":"Copy","url":"https://blog.example:8080/%C3%A9t%C3%A9?x=1&y=a%20b#top","domain":"site 1","#,
                    r#""referrer":null,"props":{"channel":"copy","token":"cX3kP0aZq1Lm","parent":"wParent00001","#,
                    r#""chars":"212"},"interactive":true}"#
                ),
            ),
            (
                arrival(),
                concat!(
                    r#"{"name":"Share arrival","url":"https://blog.example?q=","domain":"site 1","#,
                    r#""referrer":"https://l.example/?u=1","props":{"channel":"whatsapp","token":"wAAAAAAAAAA1","#,
                    r#""parent":"wAAAAAAAAAA1"},"interactive":false}"#
                ),
            ),
        ];
        for (queued, expected) in cases {
            assert_eq!(body(Format::Plausible, &[&queued], 7, &target()), expected);
        }
        // One event per request: the first.
        let (a, b) = (share(), copy());
        assert_eq!(
            body(Format::Plausible, &[&a, &b], 0, &target()),
            body(Format::Plausible, &[&a], 0, &target())
        );
        assert_eq!(body(Format::Plausible, &[], 0, &target()), "");
    }

    #[test]
    fn umami_format() {
        let cases = [
            (
                share(),
                concat!(
                    r#"{"type":"event","payload":{"website":"site 1","hostname":"blog.example","language":"fr-FR","#,
                    r#""url":"/a","title":"A \"post\"","referrer":"","name":"share","#,
                    r#""data":{"channel":"email","token":"eAbCdEfGhIj1"}}}"#
                ),
            ),
            (
                copy(),
                concat!(
                    r#"{"type":"event","payload":{"website":"site 1","hostname":"blog.example","language":"fr-FR","#,
                    r#""url":"/%C3%A9t%C3%A9?x=1&y=a%20b","title":"Été & co","referrer":"","name":"copy","#,
                    r#""data":{"channel":"copy","token":"cX3kP0aZq1Lm","parent":"wParent00001","chars":212}}}"#
                ),
            ),
            (
                arrival(),
                concat!(
                    r#"{"type":"event","payload":{"website":"site 1","hostname":"blog.example","language":"fr-FR","#,
                    r#""url":"/?q=","title":"B","referrer":"https://l.example/?u=1","name":"share-arrival","#,
                    r#""data":{"channel":"whatsapp","token":"wAAAAAAAAAA1","parent":"wAAAAAAAAAA1"}}}"#
                ),
            ),
        ];
        for (queued, expected) in cases {
            assert_eq!(body(Format::Umami, &[&queued], 7, &target()), expected);
        }
        // An empty query is left out with its `?`, as `URL.search` does.
        let mut bare = share();
        bare.event.url = "https://blog.example?".into();
        assert!(body(Format::Umami, &[&bare], 0, &target()).contains(r#""url":"/","#));
    }

    #[test]
    fn posthog_format() {
        let (a, b, c) = (share(), copy(), arrival());
        let expected = concat!(
            r#"{"api_key":"site 1","batch":["#,
            r#"{"event":"share","distinct_id":"0f8fad5b-d9cb-469f-a165-70867728950e","#,
            r#""uuid":"0f8fad5b-d9cb-469f-a165-70867728950e","properties":{"$current_url":"https://Blog.Example/a","#,
            r#""$process_person_profile":false,"$lib":"lanterne","title":"A \"post\"","share_channel":"email","#,
            r#""share_token":"eAbCdEfGhIj1","share_parent":null},"timestamp":"2026-11-26T11:16:37.123Z"},"#,
            r#"{"event":"copy","distinct_id":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","#,
            r#""uuid":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","properties":{"#,
            r#""$current_url":"https://blog.example:8080/%C3%A9t%C3%A9?x=1&y=a%20b#top","$process_person_profile":false,"#,
            r#""$lib":"lanterne","title":"Été & co","share_channel":"copy","share_token":"cX3kP0aZq1Lm","#,
            r#""share_parent":"wParent00001","share_chars":212},"timestamp":"2026-11-25T11:16:38.123Z"},"#,
            r#"{"event":"share arrival","distinct_id":"6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f","#,
            r#""uuid":"6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f","properties":{"$current_url":"https://blog.example?q=","#,
            r#""$process_person_profile":false,"$lib":"lanterne","title":"B","share_channel":"whatsapp","#,
            r#""share_token":"wAAAAAAAAAA1","share_parent":"wAAAAAAAAAA1","$referrer":"https://l.example/?u=1"},"#,
            r#""timestamp":"2026-11-26T11:16:38.123Z"}]}"#
        );
        assert_eq!(body(Format::Posthog, &[&a, &b, &c], 7, &target()), expected);
        // An empty referrer is left out.
        let mut no_referrer = arrival();
        no_referrer.event.kind = EventKind::Arrival {
            referrer: Some(String::new()),
        };
        assert!(!body(Format::Posthog, &[&no_referrer], 0, &target()).contains("$referrer"));
    }

    #[test]
    fn matomo_format() {
        let (a, b, c) = (share(), copy(), arrival());
        let expected = concat!(
            r#"{"requests":["#,
            r#""?idsite=site+1&rec=1&apiv=1&send_image=0&url=https%3A%2F%2FBlog.Example%2Fa"#,
            r#"&action_name=A+%22post%22&e_c=Share&e_a=email&e_n=eAbCdEfGhIj1&rand=0f8fad5b&cdt=1795691797","#,
            r#""?idsite=site+1&rec=1&apiv=1&send_image=0"#,
            r#"&url=https%3A%2F%2Fblog.example%3A8080%2F%25C3%25A9t%25C3%25A9%3Fx%3D1%26y%3Da%2520b%23top"#,
            r#"&action_name=%C3%89t%C3%A9+%26+co&e_c=Copy&e_a=copy&e_n=cX3kP0aZq1Lm&rand=1b4e28ba","#,
            r#""?idsite=site+1&rec=1&apiv=1&send_image=0&url=https%3A%2F%2Fblog.example%3Fq%3D"#,
            r#"&action_name=B&e_c=Share+arrival&e_a=whatsapp&e_n=wAAAAAAAAAA1&rand=6f1c2d3e"#,
            r#"&urlref=https%3A%2F%2Fl.example%2F%3Fu%3D1&cdt=1795691798"]}"#
        );
        assert_eq!(body(Format::Matomo, &[&a, &b, &c], 7, &target()), expected);
        // Just inside and just outside the 23 hours; an event from the future has its time.
        let mut late = share();
        for (ts, has_cdt) in [
            (NOW - MATOMO_CDT_MS + 1, true),
            (NOW - MATOMO_CDT_MS, false),
            (NOW + 5000, true),
        ] {
            late.event.ts = ts;
            assert_eq!(
                body(Format::Matomo, &[&late], 0, &target()).contains("&cdt="),
                has_cdt,
                "{ts}"
            );
        }
        // `rand` is the id's first 8 characters, however short or wide the id.
        late.event.id = "abc".into();
        assert!(body(Format::Matomo, &[&late], 0, &target()).contains("&rand=abc&"));
        late.event.id = "éééééééééé".into();
        assert!(
            body(Format::Matomo, &[&late], 0, &target()).contains(&cat(&[
                "&rand=",
                &"%C3%A9".repeat(8),
                "&"
            ]))
        );
    }

    #[test]
    fn form_encoding() {
        let encoded = |value: &str| {
            let mut out = String::new();
            push_form(&mut out, value);
            out
        };
        assert_eq!(encoded("azAZ09*-._"), "azAZ09*-._");
        assert_eq!(encoded("a b+c"), "a+b%2Bc");
        assert_eq!(
            encoded("~!'()&=?/#%:;,@$[]{}|\\^`\"<>"),
            "%7E%21%27%28%29%26%3D%3F%2F%23%25%3A%3B%2C%40%24%5B%5D%7B%7D%7C%5C%5E%60%22%3C%3E"
        );
        assert_eq!(encoded("\n\t\u{0}\u{7f}"), "%0A%09%00%7F");
        assert_eq!(encoded("é😀日"), "%C3%A9%F0%9F%98%80%E6%97%A5");
        assert_eq!(encoded(""), "");
    }

    #[test]
    fn iso_time() {
        let iso = |ms: u64| {
            let mut out = String::new();
            push_iso_time(&mut out, ms);
            out
        };
        // Checked against `new Date(ms).toISOString()` in Node.
        for (ms, expected) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (NOW, "2026-11-26T11:16:38.123Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (951_868_799_999, "2000-02-29T23:59:59.999Z"),
            (951_868_800_000, "2000-03-01T00:00:00.000Z"),
            (1_709_164_800_000, "2024-02-29T00:00:00.000Z"),
            (946_684_799_999, "1999-12-31T23:59:59.999Z"),
            (68_169_600_000, "1972-02-29T00:00:00.000Z"),
            (4_107_456_000_000, "2100-02-28T00:00:00.000Z"),
            (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
            (4_133_980_799_999, "2100-12-31T23:59:59.999Z"),
            (7_258_118_400_000, "2200-01-01T00:00:00.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
            (253_402_300_800_000, "+010000-01-01T00:00:00.000Z"),
            (8_640_000_000_000_000, "+275760-09-13T00:00:00.000Z"),
        ] {
            assert_eq!(iso(ms), expected, "{ms}");
        }
    }

    #[test]
    fn fit_halves_until_it_fits() {
        let events: Vec<Outgoing> = (0..5)
            .map(|i| {
                let mut queued = share();
                queued.event.id = cat(&["id", &"x".repeat(i)]);
                queued.json = queued.event.to_json();
                queued
            })
            .collect();
        let batch: Vec<&Outgoing> = events.iter().collect();
        let size = |count: usize| body(Format::Lanterne, &batch[..count], 9, &target()).len();
        // Everything fits: all five.
        assert_eq!(
            fit(Format::Lanterne, &batch, 9, &target(), size(5)),
            (5, body(Format::Lanterne, &batch, 9, &target()))
        );
        // One byte short: 5 → 3.
        assert_eq!(
            fit(Format::Lanterne, &batch, 9, &target(), size(5) - 1).0,
            3
        );
        // Under three: 5 → 3 → 2.
        assert_eq!(
            fit(Format::Lanterne, &batch, 9, &target(), size(3) - 1).0,
            2
        );
        // Under two: → 1, which goes alone even over the budget.
        assert_eq!(
            fit(Format::Lanterne, &batch, 9, &target(), size(2) - 1),
            (1, body(Format::Lanterne, &batch[..1], 9, &target()))
        );
        let (count, alone) = fit(Format::Lanterne, &batch, 9, &target(), 10);
        assert_eq!(count, 1);
        assert!(alone.len() > 10 && alone.starts_with("[{\"dropped\":9,"));
        // Budgets are UTF-8 bytes.
        let mut wide = share();
        wide.event.title = "é".repeat(100);
        wide.json = wide.event.to_json();
        let two = [&wide, &wide];
        let wide_size = body(Format::Lanterne, &two, 0, &target()).len();
        assert_eq!(
            fit(Format::Lanterne, &two, 0, &target(), wide_size - 100).0,
            1
        );
        // PostHog and Matomo halve their own bodies; one-event formats carry one.
        assert_eq!(fit(Format::Posthog, &batch, 0, &target(), 60_000).0, 5);
        let matomo_two = body(Format::Matomo, &batch[..2], 0, &target());
        assert_eq!(
            fit(Format::Matomo, &batch, 0, &target(), matomo_two.len()),
            (2, matomo_two)
        );
        assert_eq!(fit(Format::Plausible, &batch, 0, &target(), 60_000).0, 1);
        assert_eq!(fit(Format::Umami, &batch, 0, &target(), 60_000).0, 1);
        assert_eq!(
            fit(Format::Lanterne, &[], 0, &target(), 0),
            (0, "[]".into())
        );
    }

    #[test]
    fn ga4_names() {
        let (a, b, c) = (share(), copy(), arrival());
        assert_eq!(
            (ga4_name(&a.event), ga4_content_type(&a.event)),
            ("share", "page")
        );
        assert_eq!(
            (ga4_name(&b.event), ga4_content_type(&b.event)),
            ("share", "text")
        );
        assert_eq!(
            (ga4_name(&c.event), ga4_content_type(&c.event)),
            ("share_arrival", "page")
        );
    }
}
