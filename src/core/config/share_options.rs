//! The options of `renderButtons()` and `shareUrl()`. These calls answer at once (they
//! throw, not reject), so their errors are always in words, in every build.

use super::Value;
use crate::core::buttons::parse_channels;
use crate::core::channel::Channel;
use crate::core::chars::{cat, joined};
use crate::prelude::*;

/// A bad option of `renderButtons()` or `shareUrl()`: the field (`options.url`) and what
/// is wrong with it.
///
/// ```
/// use lanterne::core::config::OptionsError;
/// assert_eq!(OptionsError::not_an_object().message(), "lanterne: options must be an object");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionsError {
    /// `options.<key>`, or `options`.
    pub field: String,
    /// `must be …`, `is not an option here …`.
    pub problem: String,
}

impl OptionsError {
    fn new(field: String, problem: &str) -> OptionsError {
        OptionsError {
            field,
            problem: problem.into(),
        }
    }

    /// The options argument is not an object.
    pub fn not_an_object() -> OptionsError {
        OptionsError::new("options".into(), "must be an object")
    }

    /// The message of the `Error` the page sees: `lanterne: <field> <problem>`.
    pub fn message(&self) -> String {
        cat(&["lanterne: ", &self.field, " ", &self.problem])
    }
}

/// The options of `renderButtons()` and `shareUrl()`, checked. `url` is kept as given:
/// the browser layer resolves it against the page and checks it is http(s).
///
/// ```
/// use lanterne::core::config::{ShareOptions, Value};
/// let options = ShareOptions::from_entries(vec![("title".to_string(), Value::Text("Hi".into()))], &["url", "title", "text"]).unwrap();
/// assert_eq!(options.title.as_deref(), Some("Hi"));
/// assert_eq!(options.url, None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShareOptions {
    /// The channels to draw, instead of the config's.
    pub channels: Option<Vec<Channel>>,
    /// The URL to share, as given, instead of the page's.
    pub url: Option<String>,
    /// The title to share, instead of the page's.
    pub title: Option<String>,
    /// Text shared with the URL.
    pub text: Option<String>,
    /// Whether buttons show their names (`false`: icons only).
    pub labels: Option<bool>,
}

impl ShareOptions {
    /// Checks the options object's own entries (name, value) against `allowed`, the keys
    /// that call takes (`renderButtons`: `channels`, `url`, `title`, `text`, `labels`;
    /// `shareUrl`: `url`, `title`, `text`). Errors name `options.<key>`; an object that is
    /// not one is [`OptionsError::not_an_object`].
    ///
    /// ```
    /// use lanterne::core::config::{ShareOptions, Value};
    /// let allowed = ["channels", "url", "title", "text", "labels"];
    /// let channels = vec![("channels".to_string(), Value::List(vec!["myspace".into()]))];
    /// let err = ShareOptions::from_entries(channels, &allowed).unwrap_err();
    /// assert!(err.message().starts_with(r#"lanterne: options.channels has an unknown channel "myspace" (known: whatsapp,"#));
    /// ```
    pub fn from_entries(
        entries: Vec<(String, Value)>,
        allowed: &[&str],
    ) -> Result<ShareOptions, OptionsError> {
        let field = |key: &str| cat(&["options.", key]);
        let mut options = ShareOptions::default();
        let mut channels = None;
        // The place in SHARE_KEYS of the first key (in that order, whatever the order
        // given) whose value has the wrong type; past the end when none has.
        let mut wrong = usize::MAX;
        // One pass: an unknown key is told at once, a value of the wrong type once every
        // key is known to be one.
        for (key, value) in entries {
            let place = SHARE_KEYS.iter().position(|k| *k == key);
            let Some(place) = place.filter(|_| allowed.contains(&key.as_str())) else {
                let problem = cat(&[
                    "is not an option here (known: ",
                    &joined(allowed, ", "),
                    ")",
                ]);
                return Err(OptionsError::new(field(&key), &problem));
            };
            match (place, value) {
                (0, Value::List(ids)) => channels = Some(ids),
                (1, Value::Text(v)) => options.url = Some(v),
                (2, Value::Text(v)) => options.title = Some(v),
                (3, Value::Text(v)) => options.text = Some(v),
                (4, Value::Bool(on)) => options.labels = Some(on),
                _ => wrong = wrong.min(place),
            }
        }
        if let Some(key) = SHARE_KEYS.get(wrong) {
            let problem = match wrong {
                0 => r#"must be an array of channel ids such as ["whatsapp", "email"]"#,
                4 => "must be true or false",
                _ => "must be a string",
            };
            return Err(OptionsError::new(field(key), problem));
        }
        if let Some(ids) = channels {
            let parsed = parse_channels(&joined(&ids, ",")).map_err(|problem| OptionsError {
                field: field("channels"),
                problem,
            })?;
            options.channels = Some(parsed);
        }
        Ok(options)
    }
}

/// The keys [`ShareOptions::from_entries`] knows, in the order their types are checked
/// (and the order of its `match`).
const SHARE_KEYS: [&str; 5] = ["channels", "url", "title", "text", "labels"];
