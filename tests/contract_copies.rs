//! The channel ids and token codes are defined once, in `src/core/channel.rs`. Three
//! files outside Rust have to spell them too: the event schema (what the collector and
//! the browser tests accept), `js/lanterne.d.ts` (what TypeScript users may write) and the
//! WordPress plugin's `includes/events.php` (what its endpoint accepts). This test reads
//! each copy and fails, naming the file and the core's list, when one of them drifts.
#![cfg(not(target_arch = "wasm32"))]

use lanterne::core::channel::Channel;
use std::path::Path;

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Every channel id, in the core's order.
fn ids() -> Vec<&'static str> {
    Channel::all().map(Channel::id).collect()
}

/// The ids a share button may have (every channel but `copy` and `address_bar`).
fn button_ids() -> Vec<&'static str> {
    Channel::all()
        .filter(|c| c.is_button())
        .map(Channel::id)
        .collect()
}

/// The token pattern: the channel's code, ten base64url characters, one alphanumeric.
fn token_pattern() -> String {
    let codes: String = Channel::all().map(|c| c.code() as char).collect();
    format!("^[{codes}][A-Za-z0-9_-]{{10}}[A-Za-z0-9]$")
}

/// The double-quoted or single-quoted strings of `text`, in order.
fn quoted(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest.as_bytes()[start] as char;
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        out.push(after[..end].to_owned());
        rest = &after[end + 1..];
    }
    out
}

/// The text of `file` from `start` to the first `end` after it.
fn between<'a>(file: &str, text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{file}: no {start:?}"));
    let rest = &text[from + start.len()..];
    &rest[..rest
        .find(end)
        .unwrap_or_else(|| panic!("{file}: no {end:?} after {start:?}"))]
}

#[test]
fn the_event_schema_names_the_cores_channels_and_token_codes() {
    let file = "schema/event.schema.json";
    let schema: serde_json::Value = serde_json::from_str(&read(file)).unwrap();
    let channels: Vec<&str> = schema["properties"]["channel"]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{file}: no properties.channel.enum"))
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    let mut expected = ids();
    // A landing's channel: no channel at all.
    expected.push("none");
    assert_eq!(channels, expected, "{file}: properties.channel.enum");
    assert_eq!(
        schema["$defs"]["token"]["pattern"].as_str(),
        Some(token_pattern().as_str()),
        "{file}: $defs.token.pattern"
    );
}

#[test]
fn lanterne_d_ts_names_the_cores_button_channels() {
    let file = "js/lanterne.d.ts";
    let text = read(file);
    let channel = between(file, &text, "export type Channel =", ";");
    assert_eq!(quoted(channel), button_ids(), "{file}: type Channel");
}

#[test]
fn the_plugins_endpoint_names_the_cores_channels_and_token_codes() {
    let file = "wordpress/lanterne/includes/events.php";
    let text = read(file);
    let channels = between(file, &text, "const LANTERNE_EVENT_CHANNELS = array(", ");");
    assert_eq!(quoted(channels), ids(), "{file}: LANTERNE_EVENT_CHANNELS");
    let pattern = between(file, &text, "const LANTERNE_TOKEN_PATTERN = ", ";");
    assert_eq!(
        quoted(pattern),
        [format!("/{}/D", token_pattern())],
        "{file}: LANTERNE_TOKEN_PATTERN"
    );
}
