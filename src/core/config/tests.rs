//! The config checks and their messages, tested natively.

use super::options::describe;
use super::*;
use crate::core::hosts::ascii_lowercase;

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| s.to_string()).collect())
}

fn object(entries: &[(&str, &str)]) -> Value {
    Value::Object(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn from_object(entries: Vec<(&str, Value)>) -> Result<Config, ConfigError> {
    let entries = entries
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    Config::from_object(entries, ascii_lowercase)
}

/// The error message for `start(config)`, or "accepted".
fn error(entries: Vec<(&str, Value)>) -> String {
    from_object(entries).map_or_else(|e| e.message(), |_| "accepted".into())
}

fn from_attributes(attributes: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let attributes = attributes
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Config::from_attributes(attributes, ascii_lowercase)
}

/// The error message for a script tag with `data-endpoint="/c"` and `attributes`.
fn fails(attributes: &[(&str, &str)]) -> String {
    let mut all = vec![("data-endpoint", "/c")];
    all.extend_from_slice(attributes);
    from_attributes(&all).map_or_else(|e| e.message(), |_| "accepted".into())
}

#[test]
fn errors_name_the_field_and_the_expectation() {
    assert_eq!(
        error(vec![]),
        r#"lanterne: config.endpoint is required: the URL events are POSTed to, such as "/collect""#
    );
    assert_eq!(
        ConfigError::not_an_object().message(),
        r#"lanterne: config must be an object such as { endpoint: "/collect" }"#
    );
    assert_eq!(
        error(vec![("endpoint", Value::Number(3.0))]),
        "lanterne: config.endpoint must be a string (got 3)"
    );
    assert!(error(vec![("endpoint", text("a b"))])
        .starts_with("lanterne: config.endpoint must be a URL"));
    assert!(error(vec![("endpont", text("/c"))]).starts_with(
        "lanterne: config.endpont is not a lanterne option (known: endpoint, trackedHosts,"
    ));
    assert!(
        error(vec![("endpoint", text("/c")), ("param", text("a&b"))])
            .contains("config.param must be 1 to 32")
    );
    assert_eq!(
        error(vec![
            ("endpoint", text("/c")),
            ("placement", text("middle"))
        ]),
        r#"lanterne: config.placement must be "auto", "fragment" or "query" (got "middle")"#
    );
    assert_eq!(
        error(vec![("endpoint", text("/c")), ("addressBar", text("no"))]),
        r#"lanterne: config.addressBar must be true or false (got "no")"#
    );
    assert_eq!(
        error(vec![("endpoint", text("/c")), ("maxChars", Value::Number(0.5))]),
        "lanterne: config.maxChars must be a whole number from 1 to 100000000 (got a fractional or non-finite number)"
    );
    assert_eq!(
        error(vec![
            ("endpoint", text("/c")),
            ("maxChars", Value::Number(-3.0))
        ]),
        "lanterne: config.maxChars must be a whole number from 1 to 100000000 (got -3)"
    );
    assert_eq!(
        error(vec![
            ("endpoint", text("/c")),
            ("trackedHosts", text("a.example"))
        ]),
        r#"lanterne: config.trackedHosts must be an array of strings (got "a.example")"#
    );
    assert_eq!(
        error(vec![("endpoint", text("/c")), ("trackedHosts", Value::Array)]),
        "lanterne: config.trackedHosts must be an array of strings (got an array with non-string items)"
    );
    assert_eq!(
        error(vec![("endpoint", text("/c")), ("trackedHosts", list(&[]))]),
        r#"lanterne: config.trackedHosts must be a non-empty list of host names such as "example.com" or "*.example.com" (got an array of 0)"#
    );
    assert_eq!(
        error(vec![
            ("endpoint", text("/c")),
            ("excludePaths", list(&["/ok", "admin"]))
        ]),
        r#"lanterne: config.excludePaths must be paths starting with "/", such as "/search" or "/admin/*" (got "admin")"#
    );
    assert_eq!(
        error(vec![
            ("endpoint", text("/c")),
            ("ignoreSelector", Value::Null)
        ]),
        "lanterne: config.ignoreSelector must be a string (got null)"
    );
    assert_eq!(
        error(vec![("endpoint", text("/c")), ("strings", text("x"))]),
        r#"lanterne: config.strings must be an object of strings such as { linkCopied: "Copied!" } (got "x")"#
    );
    assert_eq!(
        error(vec![
            ("endpoint", text("/c")),
            ("strings", object(&[("linkCopied", " ")]))
        ]),
        "lanterne: config.strings.linkCopied must be a non-empty string of at most 200 characters"
    );
    assert!(error(vec![
        ("endpoint", text("/c")),
        ("messengerAppId", text("abc"))
    ])
    .contains("must be a Meta app id"));
    assert_eq!(
        error(vec![
            ("endpoint", text("/c")),
            ("channels", text("whatsapp"))
        ]),
        r#"lanterne: config.channels must be an array of strings (got "whatsapp")"#
    );
    // `{ param: undefined }`: the browser layer leaves undefined values out.
    assert_eq!(
        error(vec![("endpoint", text("/c"))]),
        "accepted",
        "undefined means not set"
    );
}

#[test]
fn values_are_read_into_the_config() {
    let c = from_object(vec![
        ("endpoint", text("/c")),
        ("addressBar", Value::Bool(false)),
        ("maxChars", Value::Number(500.0)),
        ("channels", list(&["whatsapp", "email"])),
        ("strings", object(&[("linkCopied", "Copié")])),
        ("consent", text("pending")),
        ("queueLimit", Value::Number(50.0)),
    ])
    .unwrap();
    assert_eq!(c.endpoint, "/c");
    assert!(!c.address_bar);
    assert_eq!(c.max_chars, 500);
    assert_eq!(c.channels, [Channel::Whatsapp, Channel::Email]);
    assert_eq!(c.strings, [("linkCopied".to_owned(), "Copié".to_owned())]);
    assert_eq!((c.consent, c.queue_limit), (Consent::Pending, 50));
    // What was not given keeps its default.
    assert!(c.attribution == Config::default().attribution && c.gpc && !c.dnt);
    assert_eq!(
        (c.queue_bytes, c.format, c.site, c.callback),
        (262_144, Format::Lanterne, None, false)
    );
}

#[test]
fn delivery_options_are_checked_with_what_they_need_together() {
    let c = |entries: Vec<(&str, Value)>| {
        let mut all = vec![("endpoint", text("/c"))];
        all.extend(entries);
        error(all)
    };
    assert_eq!(
        c(vec![("consent", text("maybe"))]),
        r#"lanterne: config.consent must be "granted", "pending" or "denied" (got "maybe")"#
    );
    assert!(c(vec![("format", text("ga3"))]).starts_with(
        r#"lanterne: config.format must be one of "lanterne", "plausible", "umami", "posthog", "matomo", "ga4", "callback" (got "ga3")"#
    ));
    assert!(c(vec![("headers", object(&[("X Bad", "v")]))])
        .starts_with("lanterne: config.headers must be HTTP headers"));
    assert!(
        c(vec![("headers", object(&[("X-Ok", "a\r\nSet-Cookie: x")]))])
            .contains("must be HTTP headers")
    );
    assert!(c(vec![("queueBytes", Value::Number(10.0))])
        .contains("config.queueBytes must be a number of bytes from 1024"));
    assert_eq!(
        error(vec![
            ("endpoint", text("/api/event")),
            ("format", text("plausible"))
        ]),
        r#"lanterne: config.site is required with format "plausible": the site's id in that tool"#
    );
    assert!(error(vec![("format", text("callback"))])
        .starts_with(r#"lanterne: config.callback is required with format "callback""#));
    assert_eq!(
        error(vec![
            ("format", text("callback")),
            ("callback", Value::Function)
        ]),
        "accepted",
        "a callback needs no endpoint"
    );
    assert_eq!(
        error(vec![("format", text("ga4"))]),
        "accepted",
        "gtag needs no endpoint"
    );
    assert_eq!(
        c(vec![("callback", text("f"))]),
        r#"lanterne: config.callback must be a function receiving each batch of events (got "f")"#
    );
    assert_eq!(
        c(vec![
            ("gpc", Value::Bool(false)),
            ("dnt", Value::Bool(true))
        ]),
        "accepted"
    );

    let d = from_object(vec![
        ("format", text("callback")),
        ("callback", Value::Function),
        ("headers", object(&[("X-Api-Key", "k1")])),
        ("queueBytes", Value::Number(4096.0)),
        ("site", text("example.com")),
        ("gpc", Value::Bool(false)),
        ("dnt", Value::Bool(true)),
    ])
    .unwrap();
    assert_eq!(
        (d.format, d.callback, d.endpoint.as_str()),
        (Format::Callback, true, "")
    );
    assert_eq!(d.headers, [("X-Api-Key".to_owned(), "k1".to_owned())]);
    assert_eq!(
        (d.queue_bytes, d.site.as_deref(), d.gpc, d.dnt),
        (4096, Some("example.com"), false, true)
    );
}

#[test]
fn a_script_tags_attributes_are_converted_checked_and_named_in_errors() {
    let c = from_attributes(&[
        ("src", "/lanterne.js"),
        ("data-endpoint", "/collect"),
        ("data-address-bar", "false"),
        ("data-attribution", ""),
        ("data-attribution-min-words", "12"),
        ("data-tracked-hosts", " a.example, *.b.example ,"),
        ("data-cfasync", "false"),
        ("data-strings-link-copied", "Copié !"),
        ("data-consent", "pending"),
        ("data-headers-x-api-key", "k1"),
        ("data-gpc", "false"),
    ])
    .unwrap();
    assert_eq!(c.endpoint, "/collect");
    assert!(!c.address_bar && c.attribution && c.attribution_min_words == 12);
    let hosts = c.tracked_hosts.as_ref().unwrap();
    assert!(
        hosts.matches("a.example") && hosts.matches("x.b.example") && !hosts.matches("c.example")
    );
    assert_eq!(c.strings, [("linkCopied".to_owned(), "Copié !".to_owned())]);
    assert_eq!((c.consent, c.gpc), (Consent::Pending, false));
    assert_eq!(c.headers, [("x-api-key".to_owned(), "k1".to_owned())]);

    assert_eq!(
        fails(&[("data-address-bar", "nope")]),
        r#"lanterne: data-address-bar must be true or false (got "nope")"#
    );
    assert!(fails(&[("data-max-chars", "lots")])
        .starts_with("lanterne: data-max-chars must be a whole number"));
    assert_eq!(
        fails(&[("data-placement", "middle")]),
        r#"lanterne: data-placement must be "auto", "fragment" or "query" (got "middle")"#
    );
    assert_eq!(
        fails(&[("data-strings-link-copied", "")]),
        "lanterne: data-strings-link-copied must be a non-empty string of at most 200 characters"
    );
    assert!(from_attributes(&[("data-param", "x")])
        .unwrap_err()
        .message()
        .starts_with("lanterne: data-endpoint is required"));
    assert!(
        from_attributes(&[("data-endpoint", "/c"), ("data-format", "umami")])
            .unwrap_err()
            .message()
            .starts_with(r#"lanterne: data-site is required with format "umami""#)
    );
    assert_eq!(
        fails(&[("data-consent", "later")]),
        r#"lanterne: data-consent must be "granted", "pending" or "denied" (got "later")"#
    );
}

#[test]
fn the_cores_errors_are_named_after_where_the_config_came_from() {
    assert_eq!(Source::Object.field("trackedHosts"), "config.trackedHosts");
    assert_eq!(
        Source::Attributes.field("trackedHosts"),
        "data-tracked-hosts"
    );
    assert_eq!(
        Source::Object.field("strings.shareOnn"),
        "config.strings.shareOnn"
    );
    assert_eq!(
        Source::Attributes.field("strings.shareOnn"),
        "data-strings-share-onn"
    );
    assert_eq!(Source::Attributes.field("headers.x"), "data-headers-x");
    assert_eq!(
        Source::Attributes.field("attributionMinWords"),
        "data-attribution-min-words"
    );
    assert_eq!(Source::Attributes.field("strings"), "data-strings-");

    assert_eq!(
        fails(&[("data-tracked-hosts", "ok.example, bad host")]),
        r#"lanterne: data-tracked-hosts must be host names such as "example.com" or "*.example.com" (got "bad host")"#
    );
    assert_eq!(
        error(vec![
            ("endpoint", text("/c")),
            ("trackedHosts", list(&["ok.example", "bad host"]))
        ]),
        r#"lanterne: config.trackedHosts must be host names such as "example.com" or "*.example.com" (got "bad host")"#
    );
    assert!(
        fails(&[("data-channels", "whatsapp, myspace")]).starts_with(
            r#"lanterne: data-channels has an unknown channel "myspace" (known: whatsapp,"#
        )
    );
    assert!(fails(&[("data-channels", " , ")])
        .starts_with("lanterne: data-channels must list at least one channel"));
    assert_eq!(
        fails(&[("data-strings-share-onn", "x")]),
        "lanterne: data-strings-share-onn is not a lanterne string (known: shareOn, copyLink, linkCopied, copyFailed, shareVia, readMore, or a channel id such as whatsapp)"
    );
    assert!(error(vec![
        ("endpoint", text("/c")),
        ("strings", object(&[("shareOnn", "x")]))
    ])
    .starts_with("lanterne: config.strings.shareOnn is not a lanterne string"));
    assert_eq!(
        fails(&[("data-mastodon-instance", "localhost")]),
        r#"lanterne: data-mastodon-instance must be a Mastodon server's host name such as "mastodon.social" (got "localhost")"#
    );
    // Every type is checked before the core's own checks, and those before what
    // options need of each other.
    assert!(error(vec![
        ("trackedHosts", list(&["bad host"])),
        ("param", text("a&b"))
    ])
    .contains("config.param"));
    assert!(error(vec![("trackedHosts", list(&["bad host"]))]).contains("config.trackedHosts"));
}

#[test]
fn values_only_the_core_can_judge() {
    let c = from_object(vec![
        ("endpoint", text("/collect")),
        ("attribution", Value::Bool(true)),
        ("attributionMinWords", Value::Number(12.0)),
        ("trackedHosts", list(&["a.example", "*.b.example"])),
        ("excludePaths", list(&["/search", "/admin/*"])),
        ("placement", text("query")),
        ("channels", list(&["whatsapp", "copy_link", "whatsapp"])),
        ("mastodonInstance", text("Mastodon.Social")),
        ("utm", Value::Bool(false)),
        ("utmCampaign", text("spring")),
        ("messengerAppId", text("1234567890")),
        ("attributionText", text("Lire la suite :")),
        ("ignoreSelector", text(".no-track")),
        ("shareButtons", Value::Bool(false)),
    ])
    .unwrap();
    assert!(c.attribution && c.attribution_min_words == 12);
    assert_eq!(c.exclude_paths, ["/search", "/admin/*"]);
    assert!(c.tracked_hosts.as_ref().unwrap().matches("x.b.example"));
    assert_eq!(c.placement, Placement::Query);
    assert_eq!(c.channels, [Channel::Whatsapp, Channel::CopyLink]);
    assert_eq!(c.mastodon_instance.as_deref(), Some("mastodon.social"));
    assert!(!c.utm && !c.share_buttons);
    assert_eq!(c.utm_campaign.as_deref(), Some("spring"));
    assert_eq!(c.messenger_app_id.as_deref(), Some("1234567890"));
    assert_eq!(c.attribution_text.as_deref(), Some("Lire la suite :"));
    assert_eq!(c.ignore_selector.as_deref(), Some(".no-track"));
    // Hosts go through the browser's IDNA (here: ASCII only).
    assert!(error(vec![
        ("endpoint", text("/c")),
        ("trackedHosts", list(&["café.example"]))
    ])
    .ends_with(r#"(got "café.example")"#));
}

#[test]
fn values_are_shown_as_javascript_would() {
    let got = |value: Value| describe(&value);
    assert_eq!(
        got(text(&"é".repeat(70))),
        ["\"", &"é".repeat(60), "\""].concat()
    );
    assert_eq!(got(text("a\"b\n")), r#""a\"b\n""#);
    assert_eq!(got(Value::Number(-0.0)), "0");
    assert_eq!(got(Value::Number(999_999_999_999_999.0)), "999999999999999");
    assert_eq!(
        got(Value::Number(1e15)),
        "a fractional or non-finite number"
    );
    assert_eq!(
        got(Value::Number(f64::NAN)),
        "a fractional or non-finite number"
    );
    assert_eq!(
        got(Value::Number(f64::NEG_INFINITY)),
        "a fractional or non-finite number"
    );
    assert_eq!(got(Value::Bool(true)), "true");
    assert_eq!(got(list(&["a", "b"])), "an array of 2");
    assert_eq!(got(object(&[])), "an object");
    assert_eq!(got(Value::Mixed), "an object with non-string values");
    assert_eq!(got(Value::Function), "a function");
    let known: Vec<String> = Format::ALL
        .iter()
        .map(|f| ["\"", f.id(), "\""].concat())
        .collect();
    assert_eq!(
        option("format").unwrap().expected,
        ["one of ", &known.join(", ")].concat()
    );
}

#[test]
fn attributes_are_read_as_javascript_values_would_be() {
    let read = |key: &str, raw: &str| option(key).unwrap().kind.read_attribute(raw.into());
    assert_eq!(read("gpc", " true "), Value::Bool(true));
    assert_eq!(read("gpc", "yes"), text("yes"));
    assert_eq!(read("maxChars", " 42 "), Value::Number(42.0));
    assert_eq!(read("maxChars", "1e3"), text("1e3"));
    assert_eq!(
        read("maxChars", "1234567890123456"),
        text("1234567890123456")
    );
    assert_eq!(read("channels", ",a, b,,"), list(&["a", "b"]));
    assert_eq!(read("param", " x "), text(" x "));
    assert_eq!(camel("share-on"), "shareOn");
    assert_eq!(camel("a-"), "a-");
    assert_eq!(
        fails(&[("data-callback", "f"), ("data-max-chars", "0")]),
        "lanterne: data-max-chars must be a whole number from 1 to 100000000 (got 0)",
        "data-callback is not an attribute"
    );
    assert!(fails(&[("data-format", "callback")])
        .starts_with(r#"lanterne: data-format is required with format "callback""#));
    assert!(fails(&[("data-headers-x-ok", "a\nb")])
        .starts_with("lanterne: data-headers- must be HTTP headers"));
}

#[test]
fn share_options() {
    let all = ["channels", "url", "title", "text", "labels"];
    let message = |entries: Vec<(&str, Value)>, allowed: &[&str]| {
        let entries = entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        ShareOptions::from_entries(entries, allowed)
            .map_or_else(|e| e.message(), |_| "accepted".into())
    };
    assert!(
        message(vec![("channels", list(&["myspace"]))], &all).starts_with(
            r#"lanterne: options.channels has an unknown channel "myspace" (known: whatsapp,"#
        )
    );
    assert_eq!(
        message(vec![("chanels", list(&["email"]))], &all),
        "lanterne: options.chanels is not an option here (known: channels, url, title, text, labels)"
    );
    assert_eq!(
        message(
            vec![("channels", list(&["email"]))],
            &["url", "title", "text"]
        ),
        "lanterne: options.channels is not an option here (known: url, title, text)"
    );
    assert_eq!(
        message(vec![("labels", text("no"))], &all),
        "lanterne: options.labels must be true or false"
    );
    assert_eq!(
        message(vec![("channels", text("email"))], &all),
        r#"lanterne: options.channels must be an array of channel ids such as ["whatsapp", "email"]"#
    );
    assert_eq!(
        message(vec![("title", Value::Number(1.0))], &all),
        "lanterne: options.title must be a string"
    );
    assert_eq!(
        message(
            vec![("text", Value::Null), ("channels", Value::Array)],
            &all
        ),
        r#"lanterne: options.channels must be an array of channel ids such as ["whatsapp", "email"]"#,
        "checked in a fixed order"
    );
    assert_eq!(
        OptionsError::not_an_object().message(),
        "lanterne: options must be an object"
    );

    let entries = vec![
        ("url".to_string(), text("/a")),
        ("labels".to_string(), Value::Bool(false)),
        ("channels".to_string(), list(&["email", "sms"])),
    ];
    let options = ShareOptions::from_entries(entries, &all).unwrap();
    assert_eq!(
        options,
        ShareOptions {
            channels: Some(vec![Channel::Email, Channel::Sms]),
            url: Some("/a".into()),
            title: None,
            text: None,
            labels: Some(false),
        }
    );
}

#[test]
fn landings_and_front_paths() {
    let c = from_object(vec![("endpoint", text("/c"))]).unwrap();
    assert!(c.landings && c.front_paths.is_empty());
    let c = from_object(vec![
        ("endpoint", text("/c")),
        ("landings", Value::Bool(false)),
        ("frontPaths", list(&["/news", "/category/*"])),
    ])
    .unwrap();
    assert!(!c.landings);
    assert_eq!(c.front_paths, ["/news", "/category/*"]);
    let c = from_attributes(&[
        ("data-endpoint", "/c"),
        ("data-landings", "false"),
        ("data-front-paths", "/news, /tag/*"),
    ])
    .unwrap();
    assert!(!c.landings);
    assert_eq!(c.front_paths, ["/news", "/tag/*"]);
    assert_eq!(
        error(vec![("endpoint", text("/c")), ("landings", text("no"))]),
        r#"lanterne: config.landings must be true or false (got "no")"#
    );
    assert_eq!(
        error(vec![
            ("endpoint", text("/c")),
            ("frontPaths", list(&["/news", "news"]))
        ]),
        r#"lanterne: config.frontPaths must be paths starting with "/", such as "/news" or "/category/*" (got "news")"#
    );
    assert_eq!(
        fails(&[("data-front-paths", "tag")]),
        r#"lanterne: data-front-paths must be paths starting with "/", such as "/news" or "/category/*" (got "tag")"#
    );
}
