//! A bad config's `Error`, in words: the first module only learns that a config is bad
//! (it carries no messages); this runs the same checks with them
//! ([`crate::web::config::read`], the core built with its `messages` feature).

use crate::core::config::Source;
use crate::web::config::read;
use crate::web::page::error;
use wasm_bindgen::prelude::*;

/// The `Error` a config gets: `given` is `start()`'s object (`source` 0) or a script
/// element (`source` 1). A config that passes here too (the page changed in between)
/// gets a general one.
///
/// ```js
/// const problem = configError(0, { placement: "middle" });
/// // Error: lanterne: config.placement must be "auto", "fragment" or "query" (got "middle")
/// ```
#[wasm_bindgen(js_name = configError)]
pub fn config_error(source: u32, given: JsValue) -> JsValue {
    let source = if source == 0 {
        Source::Object
    } else {
        Source::Attributes
    };
    match read(source, &given) {
        Err(problem) => error(&problem.message()),
        Ok(_) => error("lanterne: the config was refused, and is accepted now: try again"),
    }
}
