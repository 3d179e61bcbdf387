//! The fields a [`WebhookResponse`](crate::WebhookResponse) may have, object by object, to
//! find the ones Dialogflow's strict parser would reject (our own types ignore unknown
//! fields).
//!
//! Each field is listed in camelCase; its snake_case spelling is accepted too, as protobuf
//! parsers do. Free-form values (payloads, parameter values, metadata) are not looked into.

use serde_json::{Map, Value};

/// An object of the wire format and the fields it may have.
struct Shape {
    name: &'static str,
    fields: &'static [(&'static str, Inner)],
}

/// What a field holds, as far as this check looks.
enum Inner {
    /// A value this check does not look into.
    Any,
    /// An object of this shape.
    Object(&'static Shape),
    /// A list of objects of this shape.
    List(&'static Shape),
}

const RESPONSE: Shape = Shape {
    name: "WebhookResponse",
    fields: &[
        ("fulfillmentResponse", Inner::Object(&FULFILLMENT_RESPONSE)),
        ("pageInfo", Inner::Object(&PAGE_INFO)),
        ("sessionInfo", Inner::Object(&SESSION_INFO)),
        ("payload", Inner::Any),
        ("targetPage", Inner::Any),
        ("targetFlow", Inner::Any),
    ],
};

const FULFILLMENT_RESPONSE: Shape = Shape {
    name: "FulfillmentResponse",
    fields: &[
        ("messages", Inner::List(&MESSAGE)),
        ("mergeBehavior", Inner::Any),
    ],
};

const MESSAGE: Shape = Shape {
    name: "ResponseMessage",
    fields: &[
        ("text", Inner::Object(&TEXT)),
        ("payload", Inner::Any),
        ("conversationSuccess", Inner::Object(&METADATA)),
        ("outputAudioText", Inner::Object(&OUTPUT_AUDIO_TEXT)),
        ("liveAgentHandoff", Inner::Object(&METADATA)),
        ("endInteraction", Inner::Object(&EMPTY)),
        ("playAudio", Inner::Object(&PLAY_AUDIO)),
        ("mixedAudio", Inner::Object(&MIXED_AUDIO)),
        ("telephonyTransferCall", Inner::Object(&TRANSFER_CALL)),
        ("knowledgeInfoCard", Inner::Object(&EMPTY)),
        ("toolCall", Inner::Object(&TOOL_CALL)),
        ("channel", Inner::Any),
        ("responseType", Inner::Any),
    ],
};

const TEXT: Shape = Shape {
    name: "Text",
    fields: &[
        ("text", Inner::Any),
        ("allowPlaybackInterruption", Inner::Any),
    ],
};

const METADATA: Shape = Shape {
    name: "metadata message",
    fields: &[("metadata", Inner::Any)],
};

const EMPTY: Shape = Shape {
    name: "empty message",
    fields: &[],
};

const OUTPUT_AUDIO_TEXT: Shape = Shape {
    name: "OutputAudioText",
    fields: &[
        ("text", Inner::Any),
        ("ssml", Inner::Any),
        ("allowPlaybackInterruption", Inner::Any),
    ],
};

const PLAY_AUDIO: Shape = Shape {
    name: "PlayAudio",
    fields: &[
        ("audioUri", Inner::Any),
        ("allowPlaybackInterruption", Inner::Any),
    ],
};

const MIXED_AUDIO: Shape = Shape {
    name: "MixedAudio",
    fields: &[("segments", Inner::List(&SEGMENT))],
};

const SEGMENT: Shape = Shape {
    name: "MixedAudio.Segment",
    fields: &[
        ("audio", Inner::Any),
        ("uri", Inner::Any),
        ("allowPlaybackInterruption", Inner::Any),
    ],
};

const TRANSFER_CALL: Shape = Shape {
    name: "TelephonyTransferCall",
    fields: &[("phoneNumber", Inner::Any)],
};

const TOOL_CALL: Shape = Shape {
    name: "ToolCall",
    fields: &[
        ("tool", Inner::Any),
        ("action", Inner::Any),
        ("inputParameters", Inner::Any),
    ],
};

const PAGE_INFO: Shape = Shape {
    name: "PageInfo",
    fields: &[
        ("currentPage", Inner::Any),
        ("displayName", Inner::Any),
        ("formInfo", Inner::Object(&FORM_INFO)),
    ],
};

const FORM_INFO: Shape = Shape {
    name: "FormInfo",
    fields: &[("parameterInfo", Inner::List(&PARAMETER_INFO))],
};

const PARAMETER_INFO: Shape = Shape {
    name: "ParameterInfo",
    fields: &[
        ("displayName", Inner::Any),
        ("required", Inner::Any),
        ("state", Inner::Any),
        ("value", Inner::Any),
        ("justCollected", Inner::Any),
    ],
};

const SESSION_INFO: Shape = Shape {
    name: "SessionInfo",
    fields: &[("session", Inner::Any), ("parameters", Inner::Any)],
};

/// Every field of the JSON `response` that the wire format does not have, one sentence each,
/// starting ``unknown field `PATH`:`` with its JSON path. Each field is known in camelCase and
/// in snake_case; free-form values (payloads, parameter values, metadata) are not looked
/// into, and values of the wrong type are left to the typed parse.
///
/// ```
/// use cxhook_types::check::unknown_fields;
///
/// let response = serde_json::json!({"sessionInfo": {"params": {}}, "payload": {"any": 1}});
/// let found = unknown_fields(&response);
/// assert_eq!(found.len(), 1);
/// assert!(found[0].starts_with("unknown field `sessionInfo.params`: SessionInfo has no such field"));
/// ```
pub fn unknown_fields(response: &Value) -> Vec<String> {
    let mut found = Vec::new();
    if let Value::Object(object) = response {
        visit(&RESPONSE, object, "", &mut found);
    }
    found
}

fn visit(shape: &Shape, object: &Map<String, Value>, path: &str, found: &mut Vec<String>) {
    for (key, value) in object {
        let at = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let field = shape
            .fields
            .iter()
            .find(|(name, _)| key == name || *key == snake_case(name));
        match field {
            None => found.push(unknown(shape, &at)),
            Some((_, Inner::Any)) => {}
            Some((_, Inner::Object(inner))) => {
                if let Value::Object(object) = value {
                    visit(inner, object, &at, found);
                }
            }
            Some((_, Inner::List(inner))) => {
                for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                    if let Value::Object(object) = item {
                        visit(inner, object, &format!("{at}[{i}]"), found);
                    }
                }
            }
        }
    }
}

fn unknown(shape: &Shape, at: &str) -> String {
    let expected = if shape.fields.is_empty() {
        "it has no fields".to_owned()
    } else {
        let names: Vec<_> = shape.fields.iter().map(|(name, _)| *name).collect();
        format!("it has {}", names.join(", "))
    };
    format!(
        "unknown field `{at}`: {} has no such field ({expected}), and Dialogflow rejects \
         responses with fields it does not know",
        shape.name
    )
}

fn snake_case(camel: &str) -> String {
    let mut snake = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    snake
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const FIXTURES: [&str; 4] = [
        include_str!("../../../../testdata/fixtures/response-01-balance-text-params.json"),
        include_str!("../../../../testdata/fixtures/response-02-booking-invalidate-param.json"),
        include_str!("../../../../testdata/fixtures/response-03-handoff-transfer-targetflow.json"),
        include_str!("../../../../testdata/fixtures/response-04-all-variants.json"),
    ];

    #[test]
    fn the_response_fixtures_have_known_fields_only() {
        for fixture in FIXTURES {
            let response: Value = serde_json::from_str(fixture).unwrap();
            assert_eq!(unknown_fields(&response), Vec::<String>::new());
        }
    }

    #[test]
    fn snake_case_spellings_are_known() {
        let response = json!({
            "fulfillment_response": {
                "messages": [{"output_audio_text": {"ssml": "<speak/>"}, "response_type": "X"}],
                "merge_behavior": "REPLACE"
            },
            "page_info": {"form_info": {"parameter_info": [{"display_name": "d", "just_collected": true}]}},
            "session_info": {"parameters": {"anyThing": {"goes": "here"}}},
            "target_page": "p"
        });
        assert_eq!(unknown_fields(&response), Vec::<String>::new());
    }

    #[test]
    fn unknown_fields_are_found_with_their_paths() {
        let response = json!({
            "fulfillmentResponse": {
                "messages": [
                    {"text": {"text": ["hi"]}},
                    {"text": {"txt": ["hi"]}, "chanel": "web"},
                    {"knowledgeInfoCard": {"card": 1}}
                ]
            },
            "pageInfo": {"formInfo": {"parameterInfo": [{"displayName": "d", "valid": true}]}},
            "sessionInfo": {"params": {}},
            "targetPgae": "p",
            "payload": {"free": {"form": true}}
        });
        let found = unknown_fields(&response);
        let mut paths: Vec<_> = found.iter().map(|s| s.split('`').nth(1).unwrap()).collect();
        paths.sort_unstable();
        assert_eq!(
            paths,
            [
                "fulfillmentResponse.messages[1].chanel",
                "fulfillmentResponse.messages[1].text.txt",
                "fulfillmentResponse.messages[2].knowledgeInfoCard.card",
                "pageInfo.formInfo.parameterInfo[0].valid",
                "sessionInfo.params",
                "targetPgae",
            ]
        );
        let top = found.iter().find(|s| s.contains("`targetPgae`")).unwrap();
        assert!(top.contains("WebhookResponse has no such field"));
        assert!(top.contains("targetPage"));
    }

    #[test]
    fn values_of_other_types_are_left_alone() {
        let response = json!({"fulfillmentResponse": {"messages": "x"}, "pageInfo": 3});
        assert_eq!(unknown_fields(&response), Vec::<String>::new());
        assert_eq!(unknown_fields(&json!([1])), Vec::<String>::new());
    }
}
