//! Goodbye-graffiti's two webhooks as the tests answer them: `lookup_place` and the address
//! validation API behind Google's Address Collection component. The CLI's agent tests
//! include this file too (by `#[path]`), so that both crates' tests answer alike.

use serde_json::{Value, json};

/// The address validation API's answer for 1600 Amphitheatre Parkway, as Google documents it
/// (trimmed to the fields the component maps): `validated-address.json` beside this file,
/// whose bytes the conversation benchmark answers with.
pub(crate) const VALIDATED_ADDRESS: &str = include_str!("validated-address.json");

/// [`VALIDATED_ADDRESS`], parsed.
pub(crate) fn validated_address() -> Value {
    serde_json::from_str(VALIDATED_ADDRESS).expect("validated-address.json is JSON")
}

/// `lookup_place`'s answer to `request` (tag `geocode`): the address the component collected
/// as `formatted_address` ("1600 Amphitheatre Parkway, Mountain View"), or nothing before it
/// has collected one.
pub(crate) fn found_place(request: &Value) -> Value {
    assert_eq!(request["fulfillmentInfo"]["tag"], "geocode");
    let found = match &request["sessionInfo"]["parameters"]["address_collection_address"] {
        Value::Object(address) => format!(
            "{} {}, {}",
            address["street-number"].as_str().unwrap(),
            address["route"].as_str().unwrap(),
            address["city"].as_str().unwrap()
        ),
        _ => String::new(),
    };
    json!({"sessionInfo": {"parameters": {"formatted_address": found}}})
}
