//! Browser tests of the browser layer, run by `wasm-pack test --headless --chrome` in
//! Debian's Chromium: real DOM, real events, real storage.
#![cfg(target_arch = "wasm32")]

use lanterne::browser::listener::EventListener;
use lanterne::browser::{start, Tracker};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{ClipboardEvent, ClipboardEventInit, DataTransfer, Document, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn config(extra: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    js_sys::Reflect::set(&object, &"endpoint".into(), &"/collect-nowhere".into()).unwrap();
    for (key, value) in extra {
        js_sys::Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

/// Puts `html` in a fresh container, selects the contents of `select`, and dispatches a
/// cancelable `copy` event with its own DataTransfer on it, as a browser would.
fn copy(html: &str, select: &str) -> (ClipboardEvent, DataTransfer) {
    let doc = document();
    let container: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    container.set_inner_html(html);
    doc.body().unwrap().append_child(&container).unwrap();
    let target = container.query_selector(select).unwrap().unwrap();
    let range = doc.create_range().unwrap();
    range.select_node_contents(&target).unwrap();
    let selection = doc.get_selection().unwrap().unwrap();
    selection.remove_all_ranges().unwrap();
    selection.add_range(&range).unwrap();
    let data = DataTransfer::new().unwrap();
    let init = ClipboardEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_clipboard_data(Some(&data));
    let event = ClipboardEvent::new_with_event_init_dict("copy", &init).unwrap();
    target.dispatch_event(&event).unwrap();
    container.remove();
    (event, data)
}

fn host() -> String {
    web_sys::window().unwrap().location().host().unwrap()
}

#[wasm_bindgen_test]
fn dropping_a_listener_removes_it() {
    let count = Rc::new(Cell::new(0));
    let seen = count.clone();
    let target: web_sys::EventTarget = document().unchecked_into();
    let listener = EventListener::new(&target, "lanterne-test", move |_| seen.set(seen.get() + 1));
    target
        .dispatch_event(&web_sys::Event::new("lanterne-test").unwrap())
        .unwrap();
    assert_eq!(count.get(), 1);
    drop(listener);
    target
        .dispatch_event(&web_sys::Event::new("lanterne-test").unwrap())
        .unwrap();
    assert_eq!(count.get(), 1, "no call after drop");
}

#[wasm_bindgen_test]
fn bad_config_throws_an_error_naming_the_field() {
    let cases: [(JsValue, &str); 4] = [
        (
            js_sys::Object::new().into(),
            "lanterne: config.endpoint is required",
        ),
        (
            JsValue::from_str("/collect"),
            "lanterne: config must be an object",
        ),
        (
            config(&[("placement", "middle".into())]),
            "lanterne: config.placement must be",
        ),
        (
            config(&[("maxChars", JsValue::from_f64(-1.0))]),
            "lanterne: config.maxChars must be a whole number",
        ),
    ];
    for (value, expected) in cases {
        let error = match start(value) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e,
        };
        let error: js_sys::Error = error.dyn_into().expect("an Error object");
        let message = String::from(error.message());
        assert!(message.starts_with(expected), "{message}");
    }
}

#[wasm_bindgen_test]
fn copy_rewrites_only_tracked_links_and_stop_removes_the_listener() {
    let mut tracker: Tracker = start(config(&[("addressBar", false.into())])).unwrap();
    let html = format!(
        r#"<p id="p">Ours: <a href="/a">http://{host}/a</a>, theirs: <a href="https://else.example/b">https://else.example/b</a>.</p>"#,
        host = host()
    );
    let (event, data) = copy(&html, "#p");
    assert!(event.default_prevented(), "the copy was taken over");
    let plain = data.get_data("text/plain").unwrap();
    let token = plain.split("#lt=").nth(1).unwrap()[..12].to_owned();
    assert_eq!(
        plain,
        format!(
            "Ours: http://{}/a#lt={token}, theirs: https://else.example/b.",
            host()
        )
    );
    assert!(token.starts_with('c'));
    let rich = data.get_data("text/html").unwrap();
    assert!(
        rich.contains(&format!(r#"href="http://{}/a#lt={token}""#, host())),
        "{rich}"
    );
    assert!(rich.contains(r#"href="https://else.example/b""#), "{rich}");
    // The token is remembered as minted by this browser (self-clicks are not arrivals).
    let minted = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("lanterne:minted")
        .unwrap()
        .unwrap();
    assert!(minted.contains(&token));

    tracker.stop();
    assert!(!tracker.running());
    let (after, data) = copy(&html, "#p");
    assert!(!after.default_prevented(), "no listener after stop()");
    assert_eq!(data.get_data("text/plain").unwrap(), "");
}

#[wasm_bindgen_test]
fn never_touched_places_are_left_to_the_browser() {
    let tracker = start(config(&[
        ("addressBar", false.into()),
        ("ignoreSelector", ".private".into()),
    ]))
    .unwrap();
    let url = format!("http://{}/a", host());
    for (html, select) in [
        (format!("<pre id=x>{url}</pre>"), "#x"),
        (format!("<p>see <code id=x>{url}</code></p>"), "#x"),
        (
            format!("<div contenteditable id=x><p>{url}</p></div>"),
            "#x",
        ),
        (
            format!("<div data-lanterne-ignore><p id=x>{url}</p></div>"),
            "#x",
        ),
        (format!("<div class=private><p id=x>{url}</p></div>"), "#x"),
        (format!("<p id=x>text <code>{url}</code> more</p>"), "#x"),
        ("<p id=x>ana@blog.example</p>".to_owned(), "#x"),
        ("<p id=x>no link at all here</p>".to_owned(), "#x"),
    ] {
        let (event, _) = copy(&html, select);
        assert!(!event.default_prevented(), "{html} must not be touched");
    }
    drop(tracker);
}

#[wasm_bindgen_test]
fn address_bar_gets_a_token_off_the_home_page_and_stop_restores_it() {
    let window = web_sys::window().unwrap();
    let history = window.history().unwrap();
    let original = window.location().href().unwrap();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some("/an/article?x=1"))
        .unwrap();
    let mut tracker = start(config(&[])).unwrap();
    let href = window.location().href().unwrap();
    let token = href.rsplit("#lt=").next().unwrap().to_owned();
    assert!(
        href.ends_with(&format!("/an/article?x=1#lt={token}")),
        "{href}"
    );
    assert_eq!(token.len(), 12);
    assert!(token.starts_with('a'), "an address-bar token: {token}");
    tracker.stop();
    assert!(window
        .location()
        .href()
        .unwrap()
        .ends_with("/an/article?x=1"));
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&original))
        .unwrap();
}

#[wasm_bindgen_test]
fn arrival_sets_the_visit_parent() {
    let window = web_sys::window().unwrap();
    let history = window.history().unwrap();
    let original = window.location().href().unwrap();
    let session = window.session_storage().unwrap().unwrap();
    session.remove_item("lanterne:parent").unwrap();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some("/post#lt=eAbCdEfGh-_9"))
        .unwrap();
    let tracker = start(config(&[("addressBar", false.into())])).unwrap();
    assert_eq!(
        session.get_item("lanterne:parent").unwrap().as_deref(),
        Some("eAbCdEfGh-_9")
    );
    assert!(
        window.location().href().unwrap().ends_with("/post"),
        "incoming token removed"
    );
    drop(tracker);
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&original))
        .unwrap();
}

#[wasm_bindgen_test]
fn rich_copies_keep_their_table_list_and_link_context() {
    let tracker = start(config(&[("addressBar", false.into())])).unwrap();
    let table = r#"<table id=t><tbody><tr id=r><td>Name</td><td><a href="/x">x</a></td></tr></tbody></table>"#;
    let (event, data) = copy(table, "#r");
    assert!(event.default_prevented());
    let rich = data.get_data("text/html").unwrap();
    assert!(
        rich.starts_with("<table id=\"t\"><tbody><tr id=\"r\"><td>Name</td><td><a href=\"http://"),
        "{rich}"
    );
    assert!(rich.contains("/x#lt=c"), "{rich}");

    let list = r#"<ol id=l><li>one <a href="/y">y</a></li><li>two</li></ol>"#;
    let (_, data) = copy(list, "#l");
    let rich = data.get_data("text/html").unwrap();
    assert!(rich.starts_with("<ol id=\"l\"><li>one <a href="), "{rich}");

    let inline = r#"<p><strong id=s><a href="/z">read this</a></strong></p>"#;
    let (_, data) = copy(inline, "#s a");
    let rich = data.get_data("text/html").unwrap();
    assert!(
        rich.starts_with("<strong id=\"s\"><a href=\"http://"),
        "{rich}"
    );
    assert_eq!(
        data.get_data("text/plain").unwrap(),
        "read this",
        "no URL in the text: text unchanged"
    );
    drop(tracker);
}
