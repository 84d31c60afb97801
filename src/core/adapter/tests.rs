//! The formats' request bodies, field by field, against what each tool's own client writes.

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
        channel: Some(Channel::Email),
        token: ShareToken::parse("eAbCdEfGhIj1"),
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
        channel: Some(Channel::Copy),
        token: ShareToken::parse("cX3kP0aZq1Lm"),
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
        channel: Some(Channel::Whatsapp),
        token: ShareToken::parse("wAAAAAAAAAA1"),
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

/// A sourceless landing: no channel, no token, no parent.
fn landing() -> Outgoing {
    let event = Event {
        id: "7c9e6679-7425-40de-944b-e07fc1f90ae7".into(),
        kind: EventKind::Landing,
        channel: None,
        token: None,
        parent: None,
        url: "https://blog.example/2026/a-post?x=1".into(),
        title: "A post".into(),
        ts: NOW,
    };
    Outgoing::of(event)
}

#[test]
fn landings_are_custom_events_with_the_page() {
    let l = landing();
    let batch = [&l];
    assert_eq!(
        body(Format::Plausible, &batch, 0, &target()),
        concat!(
            r#"{"name":"Sourceless landing","url":"https://blog.example/2026/a-post?x=1","#,
            r#""domain":"site 1","referrer":null,"props":{},"interactive":false}"#
        )
    );
    assert_eq!(
        body(Format::Umami, &batch, 0, &target()),
        concat!(
            r#"{"type":"event","payload":{"website":"site 1","hostname":"blog.example","#,
            r#""language":"fr-FR","url":"/2026/a-post?x=1","title":"A post","referrer":"","#,
            r#""name":"sourceless-landing","data":{}}}"#
        )
    );
    assert_eq!(
        body(Format::Posthog, &batch, 0, &target()),
        concat!(
            r#"{"api_key":"site 1","batch":[{"event":"sourceless landing","#,
            r#""distinct_id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","#,
            r#""uuid":"7c9e6679-7425-40de-944b-e07fc1f90ae7","#,
            r#""properties":{"$current_url":"https://blog.example/2026/a-post?x=1","#,
            r#""$process_person_profile":false,"$lib":"lanterne","title":"A post"},"#,
            r#""timestamp":"2026-11-26T11:16:38.123Z"}]}"#
        )
    );
    assert_eq!(
        body(Format::Matomo, &batch, 0, &target()),
        concat!(
            r#"{"requests":["?idsite=site+1&rec=1&apiv=1&send_image=0"#,
            r#"&url=https%3A%2F%2Fblog.example%2F2026%2Fa-post%3Fx%3D1&action_name=A+post"#,
            r#"&e_c=Sourceless+landing&e_a=none&rand=7c9e6679&cdt=1795691798"]}"#
        )
    );
    assert_eq!(ga4_name(&l.event), "sourceless_landing");
    assert_eq!(ga4_content_type(&l.event), "page");
    // In lanterne's own format and the in-page ones, the event as it is.
    assert_eq!(
        body(Format::Callback, &batch, 0, &target()),
        cat(&["[", &l.json, "]"])
    );
}
