//! Validation of incoming events against the project's event JSON Schema.

use serde_json::value::RawValue;
use serde_json::Value;

/// The schema every event must satisfy; the same file the browser tests check against.
pub const EVENT_SCHEMA: &str = include_str!("../../schema/event.schema.json");

/// Most events accepted in one request.
pub const MAX_BATCH: usize = 1000;
/// Largest event, as JSON: the schema bounds every known field (about 9 KiB in all);
/// this bounds what unknown fields may add.
pub const MAX_EVENT_BYTES: usize = 16_384;

/// Checks events against [`EVENT_SCHEMA`].
///
/// ```
/// let validator = lanterne_collector::validate::EventValidator::new();
/// let errors = validator.check(&serde_json::json!({"v": 1})).unwrap_err();
/// assert!(errors.contains("required"), "{errors}");
/// ```
pub struct EventValidator {
    schema: jsonschema::Validator,
}

impl Default for EventValidator {
    fn default() -> Self {
        Self::new()
    }
}

impl EventValidator {
    /// Compiles the embedded schema (a bug in it is a build-time mistake: tests catch it).
    pub fn new() -> EventValidator {
        let schema: Value =
            serde_json::from_str(EVENT_SCHEMA).expect("schema/event.schema.json is valid JSON");
        let schema = jsonschema::validator_for(&schema)
            .expect("schema/event.schema.json is a valid JSON Schema");
        EventValidator { schema }
    }

    /// `Ok` for a valid event, else the problems, as `path: message` joined by `; ` (at
    /// most five, so a huge bad event gets a readable answer).
    pub fn check(&self, event: &Value) -> Result<(), String> {
        // Most events are valid: a yes or no first (no error values made), the problems
        // only for the rest.
        if self.schema.is_valid(event) {
            return landing_rules(event);
        }
        let mut problems = Vec::new();
        for error in self.schema.iter_errors(event).take(5) {
            let path = error.instance_path().to_string();
            let path = if path.is_empty() {
                "(event)".to_owned()
            } else {
                path
            };
            let mut message = error.to_string();
            if message.len() > 200 {
                let mut cut = 200;
                while !message.is_char_boundary(cut) {
                    cut -= 1;
                }
                message.truncate(cut);
                message.push('…');
            }
            problems.push(format!("{path}: {message}"));
        }
        if problems.is_empty() {
            landing_rules(event)
        } else {
            Err(problems.join("; "))
        }
    }

    /// Parses a request body: one event or an array of them, each valid. The error names
    /// the first bad event by index.
    pub fn parse_batch(&self, body: &[u8]) -> Result<Vec<Value>, String> {
        // Each event's own text first: its size is checked without writing it out again,
        // and a body of many events is parsed event by event.
        let text = std::str::from_utf8(body)
            .map_err(|e| format!("body is not valid JSON: not UTF-8 ({e})"))?;
        let array = text.trim_start().starts_with('[');
        let raws: Vec<&RawValue> = if array {
            serde_json::from_str(text)
        } else {
            serde_json::from_str::<&RawValue>(text).map(|raw| vec![raw])
        }
        .map_err(|e| format!("body is not valid JSON: {e}"))?;
        if raws.is_empty() {
            return Err("body is an empty array: send at least one event".into());
        }
        if raws.len() > MAX_BATCH {
            return Err(format!(
                "{} events in one request; at most {MAX_BATCH}",
                raws.len()
            ));
        }
        let mut events = Vec::with_capacity(raws.len());
        for (i, raw) in raws.iter().enumerate() {
            let event: Value = serde_json::from_str(raw.get())
                .map_err(|e| format!("body is not valid JSON: {e}"))?;
            if !array && !event.is_object() {
                return Err(format!(
                    "body must be an event object or an array of events, not {}",
                    kind(&event)
                ));
            }
            // The limit is on the event written compactly: its text as sent is that or
            // longer (spaces), so only a long text needs writing out to be measured.
            let size = if raw.get().len() <= MAX_EVENT_BYTES {
                raw.get().len()
            } else {
                event.to_string().len()
            };
            if size > MAX_EVENT_BYTES {
                return Err(format!(
                    "event {i}: {size} bytes of JSON; at most {MAX_EVENT_BYTES}"
                ));
            }
            self.check(&event)
                .map_err(|problems| format!("event {i}: {problems}"))?;
            events.push(event);
        }
        Ok(events)
    }
}

/// What a `landing` (a sourceless page load: no referrer, no token) must be, whatever
/// the schema lets through: no token, no parent, channel `none`.
fn landing_rules(event: &Value) -> Result<(), String> {
    if event.get("type").and_then(Value::as_str) != Some("landing") {
        return Ok(());
    }
    for field in ["token", "parent"] {
        if !event.get(field).is_some_and(Value::is_null) {
            return Err(format!("/{field}: a landing has none (null)"));
        }
    }
    if event.get("channel").and_then(Value::as_str) != Some("none") {
        return Err("/channel: a landing's channel is \"none\"".into());
    }
    Ok(())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Any body at all: an answer (events or a problem), never a panic.
        #[test]
        fn any_bytes_get_an_answer(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = EventValidator::new().parse_batch(&body);
        }

        /// Valid events with one field replaced by anything JSON-shaped: an answer.
        #[test]
        fn any_field_value_gets_an_answer(key in "[a-z]{1,8}", text in ".{0,64}", n in any::<i64>(), f in any::<f64>()) {
            let v = EventValidator::new();
            for value in [json!(text), json!(n), json!(f), json!([text.clone()]), json!({ "k": n }), json!(null)] {
                let mut event = valid();
                event[key.as_str()] = value;
                let _ = v.parse_batch(event.to_string().as_bytes());
            }
        }
    }

    pub fn valid() -> Value {
        json!({"v":1,"id":"0f8fad5b-d9cb-469f-a165-70867728950e","type":"copy","channel":"copy",
               "token":"cAbCdEfGhIj9","parent":null,"url":"https://blog.example/a","title":"A","ts":1_763_700_000_000u64,"chars":12})
    }

    #[test]
    fn accepts_valid_and_names_problems() {
        let v = EventValidator::new();
        assert!(v.check(&valid()).is_ok());
        let mut unknown_field = valid();
        unknown_field["future"] = json!("ok");
        assert!(v.check(&unknown_field).is_ok(), "fields may be added");
        for (field, bad, expect) in [
            ("token", json!("short"), "/token"),
            ("token", json!("zAbCdEfGhIj9"), "/token"),
            ("type", json!("like"), "/type"),
            ("ts", json!(12), "/ts"),
            ("id", json!("not-a-uuid"), "/id"),
            ("url", json!("javascript:alert(1)"), "/url"),
            ("parent", json!(3), "/parent"),
        ] {
            let mut event = valid();
            event[field] = bad;
            let err = v.check(&event).unwrap_err();
            assert!(err.contains(expect), "{field}: {err}");
        }
        let mut no_chars = valid();
        no_chars.as_object_mut().unwrap().remove("chars");
        assert!(v.check(&no_chars).unwrap_err().contains("chars"));
    }

    #[test]
    fn batches() {
        let v = EventValidator::new();
        assert_eq!(
            v.parse_batch(valid().to_string().as_bytes()).unwrap().len(),
            1
        );
        assert!(v.parse_batch(b"[]").unwrap_err().contains("empty"));
        assert!(v
            .parse_batch(b"{")
            .unwrap_err()
            .starts_with("body is not valid JSON"));
        assert!(v.parse_batch(b"42").unwrap_err().contains("not a number"));
        let mut big = valid();
        big["future"] = json!("x".repeat(20_000));
        assert_eq!(
            v.parse_batch(big.to_string().as_bytes()).unwrap_err(),
            format!(
                "event 0: {} bytes of JSON; at most 16384",
                big.to_string().len()
            )
        );
        // The limit is on the event written compactly, however it was sent.
        let spaced = valid()
            .to_string()
            .replacen(',', &format!(",{}", " ".repeat(20_000)), 1);
        assert_eq!(v.parse_batch(spaced.as_bytes()).unwrap(), vec![valid()]);
        let spaced_big = format!("[ {} ]", big.to_string().replacen(',', ",\n  ", 3));
        assert!(v
            .parse_batch(spaced_big.as_bytes())
            .unwrap_err()
            .starts_with(&format!("event 0: {} bytes", big.to_string().len())));
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(v
            .parse_batch(deep.as_bytes())
            .unwrap_err()
            .starts_with("body is not valid JSON"));
        assert!(v
            .parse_batch(b"[\xff\xfe]")
            .unwrap_err()
            .starts_with("body is not valid JSON"));
        let two = format!("[{},{{\"v\":2}}]", valid());
        assert!(v
            .parse_batch(two.as_bytes())
            .unwrap_err()
            .starts_with("event 1: "));
    }
}
