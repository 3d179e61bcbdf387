//! `ResponseMessage`: one message for the end user, of exactly one kind.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::{ResponseType, Struct};

/// A message in `WebhookRequest.messages` or `WebhookResponse.fulfillmentResponse.messages`.
///
/// `message` is `None` only for a message of a kind this crate does not know yet, read from a
/// request; such a message is kept (with its `channel`) rather than failing the whole request.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(try_from = "wire::ResponseMessage")]
pub struct ResponseMessage {
    /// The kind of message and its content.
    pub message: Option<Message>,
    /// The channel this message is for; empty means the default for every channel.
    pub channel: String,
    /// Which fulfillment produced the message (v3 only, seen in requests).
    pub response_type: ResponseType,
}

impl ResponseMessage {
    /// A message of this kind for every channel.
    pub fn new(message: Message) -> Self {
        Self {
            message: Some(message),
            ..Self::default()
        }
    }

    /// The text variants of a text message, and nothing for any other kind.
    pub fn texts(&self) -> &[String] {
        match &self.message {
            Some(Message::Text(text)) => &text.text,
            _ => &[],
        }
    }
}

/// The kinds of [`ResponseMessage`] (the `message` one-of).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Message {
    /// `text`: text for the user; with several variants Dialogflow picks one.
    Text(Text),
    /// `payload`: a custom payload for the integration (Messenger `richContent`, Slack, …).
    Payload(Struct),
    /// `conversationSuccess`: an analytics signal that the conversation succeeded.
    ConversationSuccess(Metadata),
    /// `outputAudioText`: text or SSML for speech synthesis.
    OutputAudioText(OutputAudioText),
    /// `liveAgentHandoff`: a signal to the caller to hand off to a human.
    LiveAgentHandoff(Metadata),
    /// `endInteraction`: output only, emitted by Dialogflow when the session ends.
    EndInteraction(EndInteraction),
    /// `playAudio`: an audio file for the client to play.
    PlayAudio(PlayAudio),
    /// `mixedAudio`: output only, built by Dialogflow from speech and audio.
    MixedAudio(MixedAudio),
    /// `telephonyTransferCall`: asks the telephony client to transfer the call.
    TelephonyTransferCall(TelephonyTransferCall),
    /// `knowledgeInfoCard`: asks for an info card for a generative knowledge answer.
    KnowledgeInfoCard(KnowledgeInfoCard),
    /// `toolCall`: asks the client to run a client-side function tool.
    ToolCall(ToolCall),
}

impl Message {
    /// The wire name of this kind (`"outputAudioText"`).
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Text(_) => "text",
            Self::Payload(_) => "payload",
            Self::ConversationSuccess(_) => "conversationSuccess",
            Self::OutputAudioText(_) => "outputAudioText",
            Self::LiveAgentHandoff(_) => "liveAgentHandoff",
            Self::EndInteraction(_) => "endInteraction",
            Self::PlayAudio(_) => "playAudio",
            Self::MixedAudio(_) => "mixedAudio",
            Self::TelephonyTransferCall(_) => "telephonyTransferCall",
            Self::KnowledgeInfoCard(_) => "knowledgeInfoCard",
            Self::ToolCall(_) => "toolCall",
        }
    }

    /// Whether only Dialogflow may produce this kind (`endInteraction`, `mixedAudio`).
    pub const fn is_output_only(&self) -> bool {
        matches!(self, Self::EndInteraction(_) | Self::MixedAudio(_))
    }
}

/// A text message: `{"text": ["variant", …]}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Text {
    /// The variants; Dialogflow sends one of them. Must not be empty in a response.
    #[serde(default, deserialize_with = "crate::value::null_as_default")]
    pub text: Vec<String>,
    /// Output only: whether the user can interrupt playback of this message.
    #[serde(
        default,
        alias = "allow_playback_interruption",
        deserialize_with = "crate::value::null_as_default",
        skip_serializing_if = "is_false"
    )]
    pub allow_playback_interruption: bool,
}

/// The `{"metadata": {…}}` body of `conversationSuccess` and `liveAgentHandoff`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Metadata {
    /// Free-form data for the caller or for analytics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Struct>,
}

/// Text or SSML for speech synthesis.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(try_from = "wire::OutputAudioText")]
pub struct OutputAudioText {
    /// The text or SSML; `None` only when read from a message that set neither.
    pub source: Option<AudioSource>,
    /// Output only: whether the user can interrupt playback of this message.
    pub allow_playback_interruption: bool,
}

/// The `source` one-of of [`OutputAudioText`].
#[derive(Debug, Clone, PartialEq)]
pub enum AudioSource {
    /// `text`: plain text to synthesize.
    Text(String),
    /// `ssml`: SSML to synthesize, one `<speak>` element.
    Ssml(String),
}

/// `endInteraction`: an empty, output-only marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EndInteraction {}

/// `knowledgeInfoCard`: an empty marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KnowledgeInfoCard {}

/// `playAudio`: an audio file the client plays; Dialogflow never fetches it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlayAudio {
    /// The URI of the audio; required.
    #[serde(
        default,
        alias = "audio_uri",
        deserialize_with = "crate::value::null_as_default"
    )]
    pub audio_uri: String,
    /// Output only: whether the user can interrupt playback.
    #[serde(
        default,
        alias = "allow_playback_interruption",
        deserialize_with = "crate::value::null_as_default",
        skip_serializing_if = "is_false"
    )]
    pub allow_playback_interruption: bool,
}

/// `mixedAudio`: output only, speech and audio segments Dialogflow assembled.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MixedAudio {
    /// The segments, in playing order.
    #[serde(default, deserialize_with = "crate::value::null_as_default")]
    pub segments: Vec<MixedAudioSegment>,
}

/// One segment of [`MixedAudio`].
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(try_from = "wire::MixedAudioSegment")]
pub struct MixedAudioSegment {
    /// The audio itself or where to find it.
    pub content: Option<SegmentContent>,
    /// Whether the user can interrupt playback of this segment.
    pub allow_playback_interruption: bool,
}

/// The `content` one-of of [`MixedAudioSegment`].
#[derive(Debug, Clone, PartialEq)]
pub enum SegmentContent {
    /// `audio`: raw audio, standard base64 as on the wire.
    Audio(String),
    /// `uri`: a URI the client plays.
    Uri(String),
}

/// `telephonyTransferCall`: transfer the call to a phone number.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TelephonyTransferCall {
    /// The number to call, in E.164 form (`+15551234567`).
    #[serde(
        alias = "phone_number",
        deserialize_with = "crate::value::null_as_default"
    )]
    pub phone_number: String,
}

/// `toolCall`: ask the client to run a client-side function tool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolCall {
    /// The tool's resource name, `projects/…/agents/<A>/tools/<T>`; required.
    #[serde(default, deserialize_with = "crate::value::null_as_default")]
    pub tool: String,
    /// The action (function) of the tool to run; required.
    #[serde(default, deserialize_with = "crate::value::null_as_default")]
    pub action: String,
    /// The input parameters of the action.
    #[serde(
        default,
        alias = "input_parameters",
        skip_serializing_if = "Option::is_none"
    )]
    pub input_parameters: Option<Struct>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Serialize for ResponseMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(message) = &self.message {
            let key = message.kind();
            match message {
                Message::Text(v) => map.serialize_entry(key, v)?,
                Message::Payload(v) => map.serialize_entry(key, v)?,
                Message::ConversationSuccess(v) | Message::LiveAgentHandoff(v) => {
                    map.serialize_entry(key, v)?;
                }
                Message::OutputAudioText(v) => map.serialize_entry(key, v)?,
                Message::EndInteraction(v) => map.serialize_entry(key, v)?,
                Message::PlayAudio(v) => map.serialize_entry(key, v)?,
                Message::MixedAudio(v) => map.serialize_entry(key, v)?,
                Message::TelephonyTransferCall(v) => map.serialize_entry(key, v)?,
                Message::KnowledgeInfoCard(v) => map.serialize_entry(key, v)?,
                Message::ToolCall(v) => map.serialize_entry(key, v)?,
            }
        }
        if !self.channel.is_empty() {
            map.serialize_entry("channel", &self.channel)?;
        }
        if !self.response_type.is_unspecified() {
            map.serialize_entry("responseType", &self.response_type)?;
        }
        map.end()
    }
}

impl Serialize for OutputAudioText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match &self.source {
            Some(AudioSource::Text(text)) => map.serialize_entry("text", text)?,
            Some(AudioSource::Ssml(ssml)) => map.serialize_entry("ssml", ssml)?,
            None => {}
        }
        if self.allow_playback_interruption {
            map.serialize_entry("allowPlaybackInterruption", &true)?;
        }
        map.end()
    }
}

impl Serialize for MixedAudioSegment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match &self.content {
            Some(SegmentContent::Audio(audio)) => map.serialize_entry("audio", audio)?,
            Some(SegmentContent::Uri(uri)) => map.serialize_entry("uri", uri)?,
            None => {}
        }
        if self.allow_playback_interruption {
            map.serialize_entry("allowPlaybackInterruption", &true)?;
        }
        map.end()
    }
}

/// The shapes as they are on the wire, every one-of member a field of its own; converting
/// them checks that at most one member of each one-of is set.
mod wire {
    use serde::Deserialize;

    use crate::value::{OneOf, null_as_default};
    use crate::{ResponseType, Struct};

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct ResponseMessage {
        text: Option<super::Text>,
        payload: Option<Struct>,
        #[serde(alias = "conversation_success")]
        conversation_success: Option<super::Metadata>,
        #[serde(alias = "output_audio_text")]
        output_audio_text: Option<super::OutputAudioText>,
        #[serde(alias = "live_agent_handoff")]
        live_agent_handoff: Option<super::Metadata>,
        #[serde(alias = "end_interaction")]
        end_interaction: Option<super::EndInteraction>,
        #[serde(alias = "play_audio")]
        play_audio: Option<super::PlayAudio>,
        #[serde(alias = "mixed_audio")]
        mixed_audio: Option<super::MixedAudio>,
        #[serde(alias = "telephony_transfer_call")]
        telephony_transfer_call: Option<super::TelephonyTransferCall>,
        #[serde(alias = "knowledge_info_card")]
        knowledge_info_card: Option<super::KnowledgeInfoCard>,
        #[serde(alias = "tool_call")]
        tool_call: Option<super::ToolCall>,
        #[serde(default, deserialize_with = "null_as_default")]
        channel: String,
        #[serde(default, alias = "response_type")]
        response_type: ResponseType,
    }

    impl TryFrom<ResponseMessage> for super::ResponseMessage {
        type Error = String;

        fn try_from(w: ResponseMessage) -> Result<Self, String> {
            use super::Message as M;
            let message = OneOf::new("ResponseMessage")
                .member("text", w.text.map(M::Text))
                .member("payload", w.payload.map(M::Payload))
                .member(
                    "conversationSuccess",
                    w.conversation_success.map(M::ConversationSuccess),
                )
                .member(
                    "outputAudioText",
                    w.output_audio_text.map(M::OutputAudioText),
                )
                .member(
                    "liveAgentHandoff",
                    w.live_agent_handoff.map(M::LiveAgentHandoff),
                )
                .member("endInteraction", w.end_interaction.map(M::EndInteraction))
                .member("playAudio", w.play_audio.map(M::PlayAudio))
                .member("mixedAudio", w.mixed_audio.map(M::MixedAudio))
                .member(
                    "telephonyTransferCall",
                    w.telephony_transfer_call.map(M::TelephonyTransferCall),
                )
                .member(
                    "knowledgeInfoCard",
                    w.knowledge_info_card.map(M::KnowledgeInfoCard),
                )
                .member("toolCall", w.tool_call.map(M::ToolCall))
                .finish()?;
            Ok(Self {
                message,
                channel: w.channel,
                response_type: w.response_type,
            })
        }
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct OutputAudioText {
        text: Option<String>,
        ssml: Option<String>,
        #[serde(default, alias = "allow_playback_interruption")]
        allow_playback_interruption: Option<bool>,
    }

    impl TryFrom<OutputAudioText> for super::OutputAudioText {
        type Error = String;

        fn try_from(w: OutputAudioText) -> Result<Self, String> {
            use super::AudioSource as A;
            let source = OneOf::new("OutputAudioText")
                .member("text", w.text.map(A::Text))
                .member("ssml", w.ssml.map(A::Ssml))
                .finish()?;
            Ok(Self {
                source,
                allow_playback_interruption: w.allow_playback_interruption.unwrap_or_default(),
            })
        }
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct MixedAudioSegment {
        audio: Option<String>,
        uri: Option<String>,
        #[serde(default, alias = "allow_playback_interruption")]
        allow_playback_interruption: Option<bool>,
    }

    impl TryFrom<MixedAudioSegment> for super::MixedAudioSegment {
        type Error = String;

        fn try_from(w: MixedAudioSegment) -> Result<Self, String> {
            use super::SegmentContent as C;
            let content = OneOf::new("MixedAudio.Segment")
                .member("audio", w.audio.map(C::Audio))
                .member("uri", w.uri.map(C::Uri))
                .finish()?;
            Ok(Self {
                content,
                allow_playback_interruption: w.allow_playback_interruption.unwrap_or_default(),
            })
        }
    }
}
