//! Bytes → `WebhookRequest`: parsing never panics, and whatever parses writes back out as
//! JSON that parses again to the same request.

#![no_main]

use cxhook_types::WebhookRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(request) = serde_json::from_slice::<WebhookRequest>(bytes) else {
        return;
    };
    let _ = request.tag();
    let written = serde_json::to_vec(&request).expect("a parsed request writes out");
    let again: WebhookRequest =
        serde_json::from_slice(&written).expect("a written request parses again");
    assert_eq!(
        serde_json::to_value(&again).expect("writes out"),
        serde_json::to_value(&request).expect("writes out"),
        "a request changes on a round trip"
    );
});
