//! Understanding the user's words with the agent's [`Nlu`]: which intent they mean, and the value
//! they give for the form parameter being prompted for (rules 3 and 5 of the
//! [`runtime`](super) module).

use cxhook_types::IntentParameterValue;
use jiff::civil::Date;
use serde_json::Value;

use super::session::MatchedIntent;
use crate::model::FormParameter;
use crate::nlu::Nlu;

/// CX's default classification threshold, for a flow that sets none.
const DEFAULT_THRESHOLD: f64 = 0.3;

/// What the runtime understands the user with.
pub(crate) struct Understanding {
    /// The agent's intents and entity types, prepared.
    pub(crate) nlu: Nlu,
    /// The day relative dates count from.
    pub(crate) today: Date,
}

impl Understanding {
    /// The intent among `candidates` that `text` means, with the parameters it fills.
    pub(crate) fn match_intent(
        &self,
        candidates: &[&str],
        text: &str,
        language: &str,
        threshold: Option<f64>,
    ) -> Option<MatchedIntent> {
        let threshold = threshold.unwrap_or(DEFAULT_THRESHOLD);
        let found = self
            .nlu
            .match_intent(text, language, self.today, candidates, threshold)?;
        Some(MatchedIntent {
            name: found.display_name,
            confidence: found.confidence as f32,
            params: found
                .parameters
                .into_iter()
                .map(|param| {
                    let value = IntentParameterValue {
                        original_value: param.original,
                        resolved_value: param.resolved,
                    };
                    (param.id, value)
                })
                .collect(),
        })
    }

    /// The value `text` gives for `param` (every value, as a list, for a list parameter).
    pub(crate) fn extract(
        &self,
        param: &FormParameter,
        text: &str,
        language: &str,
    ) -> Option<Value> {
        let entity_type = &param.entity_type;
        match param.is_list {
            true => {
                let values: Vec<Value> = self
                    .nlu
                    .extract_list(entity_type, text, language, self.today)
                    .into_iter()
                    .map(|found| found.resolved)
                    .collect();
                (!values.is_empty()).then_some(Value::Array(values))
            }
            false => self
                .nlu
                .extract(entity_type, text, language, self.today)
                .map(|found| found.resolved),
        }
    }
}
