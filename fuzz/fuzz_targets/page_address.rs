//! Hammers what lanterne does with an address: reading a landing address, removing tokens,
//! choosing the address-bar URL, and reading a config from attributes. No input may panic, and removing
//! tokens must leave no token-shaped slot behind.
#![no_main]

use lanterne::core::{config::Config, hosts::ascii_lowercase, page::{address_bar_url, Landing}, token::ShareToken,
    url::{find_token_slot, is_token_shaped, with_token, Placement}};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let landing = Landing::read(input, "lt");
    if let Some(slot) = find_token_slot(&landing.clean_url, "lt") {
        assert!(!is_token_shaped(slot.value), "a token-shaped slot survived: {:?}", landing.clean_url);
    }
    let token = ShareToken::parse("aFUZZtoken_9").unwrap();
    for placement in [Placement::Auto, Placement::Fragment, Placement::Query] {
        if let Some(url) = with_token(input, &token, "lt", placement) {
            assert_eq!(Landing::read(&url, "lt").incoming, Some(token), "placed token not read back: {url:?}");
        }
        let _ = address_bar_url(&landing.clean_url, &token, "lt", placement, &["/a/*".to_owned()]);
    }
    // The input as a script tag's attributes: name=value pairs, one per line.
    let attributes = input.lines().filter_map(|line| line.split_once('=')).map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    let _ = Config::from_attributes(attributes, ascii_lowercase);
});
