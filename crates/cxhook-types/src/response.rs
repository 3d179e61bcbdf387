//! `WebhookResponse`: what a webhook answers.

use serde::{Deserialize, Serialize};

use crate::{MergeBehavior, PageInfo, ResponseMessage, SessionInfo, Struct};

/// The body of a webhook's answer. Every field is optional: `{}` changes nothing.
///
/// It serializes to camelCase and leaves out what is unset. Build it with the `cxhook`
/// framework's `Reply`, which refuses what Dialogflow would reject, or by hand.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "wire::WebhookResponse")]
pub struct WebhookResponse {
    /// Messages for the user, and how they merge with the queued ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fulfillment_response: Option<FulfillmentResponse>,
    /// Form parameter changes (only `formInfo.parameterInfo[]` has an effect).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_info: Option<PageInfo>,
    /// Session parameter changes (only `parameters` has an effect; `null` deletes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_info: Option<SessionInfo>,
    /// Data for the detect-intent caller, not shown to the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<Struct>,
    /// An immediate transition (the `transition` one-of).
    #[serde(flatten)]
    pub transition: Option<Transition>,
}

/// Messages for the user.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FulfillmentResponse {
    /// The messages, in order.
    #[serde(
        default,
        deserialize_with = "crate::value::null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub messages: Vec<ResponseMessage>,
    /// How the messages combine with those already queued for the turn.
    #[serde(
        default,
        alias = "merge_behavior",
        skip_serializing_if = "MergeBehavior::is_unspecified"
    )]
    pub merge_behavior: MergeBehavior,
}

/// Where to go right after the webhook call: the `transition` one-of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Transition {
    /// `targetPage`: a page of the current flow, `projects/…/agents/<A>/flows/<F>/pages/<P>`;
    /// the special pages (`END_SESSION`, `END_FLOW`, …) take the same form.
    TargetPage(String),
    /// `targetFlow`: another flow of the agent, `projects/…/agents/<A>/flows/<F>`.
    TargetFlow(String),
}

/// The response as it is on the wire, with the transition one-of as two fields.
mod wire {
    use serde::Deserialize;

    use crate::value::OneOf;
    use crate::{PageInfo, SessionInfo, Struct};

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct WebhookResponse {
        #[serde(default, alias = "fulfillment_response")]
        fulfillment_response: Option<super::FulfillmentResponse>,
        #[serde(default, alias = "page_info")]
        page_info: Option<PageInfo>,
        #[serde(default, alias = "session_info")]
        session_info: Option<SessionInfo>,
        #[serde(default)]
        payload: Option<Struct>,
        #[serde(alias = "target_page")]
        target_page: Option<String>,
        #[serde(alias = "target_flow")]
        target_flow: Option<String>,
    }

    impl TryFrom<WebhookResponse> for super::WebhookResponse {
        type Error = String;

        fn try_from(w: WebhookResponse) -> Result<Self, String> {
            use super::Transition as T;
            let transition = OneOf::new("WebhookResponse")
                .member("targetPage", w.target_page.map(T::TargetPage))
                .member("targetFlow", w.target_flow.map(T::TargetFlow))
                .finish()?;
            Ok(Self {
                fulfillment_response: w.fulfillment_response,
                page_info: w.page_info,
                session_info: w.session_info,
                payload: w.payload,
                transition,
            })
        }
    }
}
