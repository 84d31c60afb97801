//! The request bodies of each format (docs/analytics.md#adapters): lanterne's own JSON
//! array, and the APIs of Plausible, Umami, PostHog and Matomo, field by field as the
//! JavaScript adapters of earlier releases wrote them; and the names Google Analytics 4
//! gets, whose events stay in the page.
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
/// # let event = Event { id: "e1".into(), kind: EventKind::Share, channel: Some(Channel::Email),
/// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
/// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
/// let outgoing = Outgoing::of(event);
/// assert!(outgoing.json.starts_with(r#"{"v":1,"id":"e1""#));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// The event, for the formats that rewrite it.
    pub event: Event,
    /// Its JSON in lanterne's format ([`Event::to_json`]): what the queue stores and
    /// lanterne's format sends.
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
/// #     channel: Some(Channel::Email), token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
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
/// #     channel: Some(Channel::Email), token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
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
/// module every page loads carries no other format (docs/performance.md#size).
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
/// arrivals, `sourceless_landing` for landings.
///
/// ```
/// use lanterne::core::adapter::ga4_name;
/// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
/// # let mut event = Event { id: "a".into(), kind: EventKind::Share, channel: Some(Channel::Email),
/// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
/// #     url: "https://blog.example/a".into(), title: "A".into(), ts: 0 };
/// assert_eq!(ga4_name(&event), "share");
/// event.kind = EventKind::Arrival { referrer: None };
/// assert_eq!(ga4_name(&event), "share_arrival");
/// event.kind = EventKind::Landing;
/// assert_eq!(ga4_name(&event), "sourceless_landing");
/// ```
pub fn ga4_name(event: &Event) -> &'static str {
    name(
        event,
        ["share", "share", "share_arrival", "sourceless_landing"],
    )
}

/// GA4's `content_type`: `text` for copies (a selection), `page` for the rest.
///
/// ```
/// use lanterne::core::adapter::ga4_content_type;
/// # use lanterne::core::{channel::Channel, event::{Event, EventKind}, token::ShareToken};
/// # let mut event = Event { id: "a".into(), kind: EventKind::Share, channel: Some(Channel::Email),
/// #     token: ShareToken::parse("eAAAAAAAAAA1"), parent: None,
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
/// Umami both get (none for a landing, which has no channel or token: its page is the
/// event's URL).
fn push_share_fields(out: &mut String, event: &Event) {
    let (Some(channel), Some(token)) = (event.channel, &event.token) else {
        return;
    };
    push_field(out, "\"channel\":", channel.id());
    push_field(out, ",\"token\":", token.as_str());
    if let Some(parent) = &event.parent {
        push_field(out, ",\"parent\":", parent.as_str());
    }
}

/// The event's name in a tool: `[share, copy, arrival, landing]` by kind.
fn name<'a>(event: &Event, names: [&'a str; 4]) -> &'a str {
    match event.kind {
        EventKind::Share => names[0],
        EventKind::Copy { .. } => names[1],
        EventKind::Arrival { .. } => names[2],
        EventKind::Landing => names[3],
    }
}

/// Whether the event is a page view's side effect (an arrival, a landing), not
/// something the visitor did.
fn passive(event: &Event) -> bool {
    matches!(event.kind, EventKind::Arrival { .. } | EventKind::Landing)
}

/// Plausible's Events API: a custom event with the channel and token in its props.
fn plausible_body(event: &Event, target: &Target) -> String {
    let mut out = String::new();
    push_field(
        &mut out,
        "{\"name\":",
        name(
            event,
            ["Share", "Copy", "Share arrival", "Sourceless landing"],
        ),
    );
    push_field(&mut out, ",\"url\":", &event.url);
    push_field(&mut out, ",\"domain\":", target.site);
    push_nullable(&mut out, ",\"referrer\":", referrer(event));
    out.push_str(",\"props\":{");
    push_share_fields(&mut out, event);
    // Plausible's props are strings.
    push_chars(&mut out, ",\"chars\":", event, true);
    // An arrival or a landing is a page view's side effect, not something the visitor did.
    out.push_str(if passive(event) {
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
        name(
            event,
            ["share", "copy", "share-arrival", "sourceless-landing"],
        ),
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
            name(
                event,
                ["share", "copy", "share arrival", "sourceless landing"],
            ),
        );
        push_field(&mut out, ",\"distinct_id\":", &event.id);
        push_field(&mut out, ",\"uuid\":", &event.id);
        push_field(&mut out, ",\"properties\":{\"$current_url\":", &event.url);
        push_field(
            &mut out,
            ",\"$process_person_profile\":false,\"$lib\":\"lanterne\",\"title\":",
            &event.title,
        );
        // Not `token`: PostHog reads a `token` property as the project's API key. A
        // landing has no channel, token or parent.
        if let (Some(channel), Some(token)) = (event.channel, &event.token) {
            push_field(&mut out, ",\"share_channel\":", channel.id());
            push_field(&mut out, ",\"share_token\":", token.as_str());
            push_nullable(
                &mut out,
                ",\"share_parent\":",
                event.parent.as_ref().map(|parent| parent.as_str()),
            );
        }
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
/// Share arrival / Sourceless landing, action the channel (`none` for a landing: Matomo
/// needs one), name the token (none for a landing). No visitor id.
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
            name(
                event,
                ["Share", "Copy", "Share arrival", "Sourceless landing"],
            ),
        );
        push_param(
            &mut query,
            "&e_a=",
            event.channel.map_or("none", |c| c.id()),
        );
        if let Some(token) = &event.token {
            push_param(&mut query, "&e_n=", token.as_str());
        }
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
mod tests;
