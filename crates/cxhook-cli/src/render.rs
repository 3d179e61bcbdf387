//! A webhook response read out for people: one line per message and per change.

use cxhook::types::{
    AudioSource, Message, Metadata, ParameterInfo, ResponseMessage, Transition, WebhookResponse,
};
use serde_json::Value;

/// The lines that say what `response` does: its messages, how they merge, the session and
/// form parameters it changes, its transition and its payload.
pub(crate) fn render(response: &WebhookResponse) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(fulfillment) = &response.fulfillment_response {
        lines.extend(fulfillment.messages.iter().map(message));
        if !fulfillment.merge_behavior.is_unspecified() {
            lines.push(format!("merge: {}", fulfillment.merge_behavior));
        }
    }
    if let Some(session) = &response.session_info {
        lines.extend(session.parameters.iter().map(|(name, value)| match value {
            Value::Null => format!("delete {name}"),
            value => format!("set {name} = {value}"),
        }));
    }
    let form = response
        .page_info
        .iter()
        .filter_map(|page| page.form_info.as_ref());
    lines.extend(form.flat_map(|f| &f.parameter_info).map(form_change));
    match &response.transition {
        Some(Transition::TargetPage(page)) => lines.push(format!("go to page {page}")),
        Some(Transition::TargetFlow(flow)) => lines.push(format!("go to flow {flow}")),
        None => {}
    }
    if let Some(payload) = &response.payload {
        lines.push(format!(
            "payload for the caller: {}",
            Value::from(payload.clone())
        ));
    }
    if lines.is_empty() {
        lines.push("(an empty response: it says and changes nothing)".to_owned());
    }
    lines
}

/// One message read out: `text: …`, `payload: {…}`, `end interaction`, with its channel.
pub(crate) fn message(message: &ResponseMessage) -> String {
    let line = match &message.message {
        Some(kind) => message_kind(kind),
        None => "a message of a kind this tool does not know".to_owned(),
    };
    if message.channel.is_empty() {
        line
    } else {
        format!("[{}] {line}", message.channel)
    }
}

fn message_kind(message: &Message) -> String {
    match message {
        Message::Text(text) => match text.text.as_slice() {
            [one] => format!("text: {one}"),
            variants => {
                let quoted: Vec<_> = variants.iter().map(|v| Value::from(v.as_str())).collect();
                format!("text, one of: {}", Value::from(quoted))
            }
        },
        Message::Payload(payload) => format!("payload: {}", Value::from(payload.clone())),
        Message::ConversationSuccess(metadata) => with_metadata("conversation success", metadata),
        Message::OutputAudioText(audio) => match &audio.source {
            Some(AudioSource::Ssml(ssml)) => format!("ssml: {ssml}"),
            Some(AudioSource::Text(text)) => format!("speech: {text}"),
            None => "speech: (nothing)".to_owned(),
        },
        Message::LiveAgentHandoff(metadata) => with_metadata("handoff", metadata),
        Message::PlayAudio(audio) => format!("play audio {}", audio.audio_uri),
        Message::TelephonyTransferCall(call) => format!("transfer call to {}", call.phone_number),
        Message::ToolCall(call) => {
            let input = call.input_parameters.clone().map(Value::from);
            let mut line = format!("tool call {} action {}", call.tool, call.action);
            if let Some(input) = input {
                line.push_str(&format!(" {input}"));
            }
            line
        }
        Message::KnowledgeInfoCard(_) => "knowledge info card".to_owned(),
        Message::EndInteraction(_) => "end interaction".to_owned(),
        Message::MixedAudio(audio) => format!("mixed audio of {} segments", audio.segments.len()),
        other => other.kind().to_owned(),
    }
}

fn with_metadata(what: &str, metadata: &Metadata) -> String {
    match &metadata.metadata {
        Some(metadata) => format!("{what} {}", Value::from(metadata.clone())),
        None => what.to_owned(),
    }
}

fn form_change(param: &ParameterInfo) -> String {
    let mut changes = Vec::new();
    if !param.state.is_unspecified() {
        changes.push(param.state.to_string());
    }
    if let Some(value) = &param.value {
        changes.push(format!("value {value}"));
    }
    if param.required {
        changes.push("required".to_owned());
    }
    if changes.is_empty() {
        changes.push("no change".to_owned());
    }
    format!("form {}: {}", param.display_name, changes.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(json: &str) -> Vec<String> {
        render(&serde_json::from_str(json).unwrap())
    }

    #[test]
    fn every_kind_of_message_is_read_out() {
        let fixture = include_str!("../../../testdata/fixtures/response-04-all-variants.json");
        let tool = "projects/demo-project/locations/global/agents/\
                    a3e0c1f2-5b6d-4e7f-8a9b-0c1d2e3f4a5b/tools/3a0f4284-aba0-5942-92ce-983a6e1ec58c";
        assert_eq!(
            lines(fixture),
            [
                "text: Your balance is $1,250.40.".to_owned(),
                r#"payload: {"richContent":[[{"options":[{"text":"Yes"},{"text":"No"}],"type":"chips"}]]}"#.to_owned(),
                r#"conversation success {"resolved":true}"#.to_owned(),
                r#"ssml: <speak>Your balance is <say-as interpret-as="currency">USD12.50</say-as>.</speak>"#.to_owned(),
                "speech: Plain text for speech synthesis.".to_owned(),
                r#"handoff {"priority":2.0,"queue":"billing"}"#.to_owned(),
                "end interaction".to_owned(),
                "play audio https://example.com/audio/hold-music.wav".to_owned(),
                "mixed audio of 2 segments".to_owned(),
                "transfer call to +15551234567".to_owned(),
                "knowledge info card".to_owned(),
                format!(r#"tool call {tool} action lookupCustomer {{"customerId":"C-1001"}}"#),
                "[sms] text: Channel-specific text for SMS.".to_owned(),
                "text: Tagged as a handler prompt.".to_owned(),
                "merge: REPLACE".to_owned(),
                "set balance = 1250.4".to_owned(),
            ]
        );
    }

    #[test]
    fn changes_and_transitions_are_read_out() {
        let response = r#"{
            "fulfillmentResponse": {"messages": [{"text": {"text": ["a", "b"]}}, {"liveAgentHandoff": {}}]},
            "pageInfo": {"formInfo": {"parameterInfo": [
                {"displayName": "date", "state": "INVALID"},
                {"displayName": "size", "value": 4, "required": true},
                {"displayName": "note"}
            ]}},
            "sessionInfo": {"parameters": {"gone": null, "name": "Ada"}},
            "targetPage": "projects/p/locations/l/agents/a/flows/f/pages/END_SESSION",
            "payload": {"k": 1}
        }"#;
        assert_eq!(
            lines(response),
            [
                r#"text, one of: ["a","b"]"#,
                "handoff",
                "delete gone",
                r#"set name = "Ada""#,
                "form date: INVALID",
                "form size: value 4, required",
                "form note: no change",
                "go to page projects/p/locations/l/agents/a/flows/f/pages/END_SESSION",
                r#"payload for the caller: {"k":1}"#,
            ]
        );
        assert_eq!(
            lines(r#"{"targetFlow": "projects/p/locations/l/agents/a/flows/f"}"#),
            ["go to flow projects/p/locations/l/agents/a/flows/f"]
        );
    }

    #[test]
    fn an_empty_response_says_so() {
        assert_eq!(
            lines("{}"),
            ["(an empty response: it says and changes nothing)"]
        );
    }
}
