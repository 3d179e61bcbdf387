//! Running a fulfillment: generators, parameter presets, messages, conditional cases, and the
//! webhook call with what its outcome decides (rules 7 to 10 of the [`runtime`](super) module).

use std::time::Instant;

use cxhook_types::{Message, Text};
use serde_json::Value;

use super::engine::{After, Run};
use super::flexible::map_response;
use super::trace::Handler;
use super::turn::TurnError;
use super::webhook::{
    Outcome, Outgoing, WebhookCall, apply_reply, error_events, judge_standard, standard_request,
};
use crate::model::{
    CaseContent, ConditionalCases, Fulfillment, FulfillmentMessage, GeneratorCall, Webhook,
};
use crate::reference::{Reference, Root};
use crate::template::BodyTemplate;

impl<'a> Run<'_, 'a> {
    /// Runs `fulfillment` (rule 7): generators, then parameter presets in order, then the
    /// static messages and the conditional cases, then the webhook call.
    pub(crate) async fn fulfill(
        &mut self,
        fulfillment: &'a Fulfillment,
    ) -> Result<After, TurnError> {
        for call in &fulfillment.generators {
            self.generate(call)?;
        }
        for action in &fulfillment.set_parameter_actions {
            let value = self.scope().value(&action.value);
            if let Some(value) = value.map_err(TurnError::Agent)? {
                self.preset(&action.parameter, value)?;
            }
        }
        for message in &fulfillment.messages {
            self.say(message)?;
        }
        for cases in &fulfillment.conditional_cases {
            self.cases(cases)?;
        }
        match &fulfillment.webhook {
            Some(webhook) => {
                let tag = fulfillment.tag.as_deref().unwrap_or_default();
                self.call_webhook(webhook, tag).await
            }
            None => Ok(After::Continue),
        }
    }

    /// Rule 10: a generator's output: the runtime's text for it with each `$placeholder` replaced
    /// by the value of the call's input of that name, or the marked placeholder.
    fn generate(&mut self, call: &GeneratorCall) -> Result<(), TurnError> {
        let name = self
            .runtime
            .agent
            .generator(&call.generator)
            .map_or(call.generator.as_str(), |g| g.display_name.as_str());
        let text = match self.runtime.generators.get(name) {
            Some(text) => {
                let mut text = text.clone();
                for input in &call.input_parameters {
                    let value = self
                        .scope()
                        .render(&input.value)
                        .map_err(TurnError::Agent)?;
                    text = text.replace(&format!("${}", input.key), &value);
                }
                text
            }
            None => format!("[generator {name}]"),
        };
        match call.output_parameter.strip_prefix("$request.generative.") {
            Some(output) => {
                self.generative.insert(output.to_lowercase(), text);
            }
            None => self.preset(&call.output_parameter, Value::String(text))?,
        }
        Ok(())
    }

    /// Rule 7: writes `value` where a preset or a parameter mapping names: a session or
    /// `$flow.` parameter, or a field inside one (`$sys.func.NESTED_FIELD(…)`).
    fn preset(&mut self, name: &str, value: Value) -> Result<(), TurnError> {
        let target = Reference::parse_target(name)
            .map_err(|e| TurnError::Agent(format!("the parameter `{name}` does not parse: {e}")))?;
        let key = match target.root() {
            Root::Session(param) => param.text().to_owned(),
            Root::Flow(param) => format!("$flow.{}", param.text()),
            _ => {
                return Err(TurnError::Agent(format!(
                    "`{name}` is no parameter a fulfillment can set"
                )));
            }
        };
        let value = target.assign(self.session.param(&key).cloned(), value);
        self.session.set_param(&key, value);
        Ok(())
    }

    /// Rule 7: queues a message for the session's language with its texts rendered.
    fn say(&mut self, message: &FulfillmentMessage) -> Result<(), TurnError> {
        if !speaks(&message.language_code, self.session.language()) {
            return Ok(());
        }
        let mut message = message.message.clone();
        if let Some(Message::Text(Text { text, .. })) = &mut message.message {
            for variant in text.iter_mut() {
                *variant = self.scope().render(variant).map_err(TurnError::Agent)?;
            }
        }
        self.messages.push(message);
        Ok(())
    }

    /// Rule 7: the first case whose condition holds gives its content; nested cases recurse.
    fn cases(&mut self, cases: &ConditionalCases) -> Result<(), TurnError> {
        for case in &cases.cases {
            if !self
                .scope()
                .holds(&case.condition)
                .map_err(TurnError::Agent)?
            {
                continue;
            }
            for content in &case.case_content {
                match content {
                    CaseContent::Message(message) => self.say(message)?,
                    CaseContent::AdditionalCases(more) => self.cases(more)?,
                }
            }
            break;
        }
        Ok(())
    }

    /// Rules 8 and 9: calls a webhook and applies what came back.
    async fn call_webhook(&mut self, name: &str, tag: &str) -> Result<After, TurnError> {
        let agent = self.runtime.agent;
        let webhook: &'a Webhook = agent
            .webhook(name)
            .ok_or_else(|| TurnError::Agent(format!("there is no webhook `{name}`")))?;
        if webhook.disabled || !self.webhooks {
            return Ok(After::Continue);
        }
        let flexible = webhook
            .generic_web_service
            .as_ref()
            .filter(|service| !service.webhook_type.is_standard());
        let outgoing = match flexible {
            Some(service) => {
                let template = service.request_body.as_deref().unwrap_or("");
                let rendered = BodyTemplate::parse(template)
                    .map_err(|e| {
                        format!("the request body of webhook `{name}` does not parse: {e}")
                    })
                    .and_then(|body| {
                        body.render(&self.scope())
                            .map_err(|e| format!("the request body of webhook `{name}` fails: {e}"))
                    })
                    .map_err(TurnError::Agent)?;
                let body = match rendered.trim() {
                    "" => Value::Null,
                    text => serde_json::from_str(text).map_err(|e| {
                        TurnError::Agent(format!(
                            "the request body of webhook `{name}` is not JSON once filled in ({e}): {rendered}"
                        ))
                    })?,
                };
                Outgoing::Flexible {
                    method: service
                        .http_method
                        .clone()
                        .unwrap_or_else(|| "POST".to_owned()),
                    body,
                }
            }
            None => Outgoing::Standard(Box::new(standard_request(
                agent,
                self.session,
                tag,
                self.query.clone(),
                &self.messages,
            ))),
        };
        let started = Instant::now();
        let outcome = self.runtime.webhooks.call(webhook, &outgoing).await;
        let latency = started.elapsed();
        let status = match &outcome {
            Outcome::Answered { status, .. } => Some(*status),
            Outcome::TimedOut | Outcome::Failed(_) => None,
        };
        self.session.webhook_status = status;
        let (after, problems, events) = match &outgoing {
            Outgoing::Standard(request) => {
                let (reply, problems) = judge_standard(&outcome);
                let events = error_events(&outcome, reply.is_some());
                let after = match reply {
                    Some(reply) => {
                        let applied = apply_reply(agent, self.session, request, &reply)
                            .map_err(TurnError::Reply)?;
                        self.messages = applied.messages;
                        applied.target.map_or(After::Continue, After::Go)
                    }
                    None => After::Continue,
                };
                (after, problems, events)
            }
            Outgoing::Flexible { .. } => {
                let mapping = flexible.map_or(&[][..], |service| &service.parameter_mapping);
                let body = match &outcome {
                    Outcome::Answered {
                        status: 200..=299,
                        body,
                    } => serde_json::from_slice::<Value>(body).map_err(|e| e.to_string()),
                    _ => Err(String::new()),
                };
                match body {
                    Ok(body) => {
                        for (param, value) in
                            map_response(mapping, &body).map_err(TurnError::Agent)?
                        {
                            self.preset(&param, value)?;
                        }
                        (After::Continue, Vec::new(), Vec::new())
                    }
                    Err(why) => {
                        let problems = match why.is_empty() {
                            true => judge_standard(&outcome).1,
                            false => vec![format!("the body is not JSON: {why}")],
                        };
                        (After::Continue, problems, error_events(&outcome, false))
                    }
                }
            }
        };
        self.calls.push(WebhookCall {
            webhook: name.to_owned(),
            tag: tag.to_owned(),
            request: outgoing.to_json(),
            status,
            latency,
            error: events.first().copied(),
            problems,
        });
        if events.is_empty() {
            return Ok(after);
        }
        let events: Vec<String> = events.iter().map(|e| (*e).to_owned()).collect();
        let Some(handler) = self.event_handler(&events)? else {
            return Ok(After::Continue);
        };
        self.fired(Handler::Event(handler));
        Ok(
            match Box::pin(self.fulfill(&handler.trigger_fulfillment)).await? {
                After::Go(target) => After::Go(target),
                After::Continue | After::Stay => match &handler.target {
                    crate::model::Target::None => After::Stay,
                    target => After::Go(target.clone()),
                },
            },
        )
    }
}

/// Whether a message for `code` is for the session's `language` (an empty code is for every
/// language; `en` is for `en-US` and the other way round).
fn speaks(code: &str, language: &str) -> bool {
    let base = |code: &str| code.split('-').next().unwrap_or(code).to_ascii_lowercase();
    code.is_empty() || base(code) == base(language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_for_the_base_language_are_spoken() {
        assert!(speaks("", "de"));
        assert!(speaks("en", "en-US"));
        assert!(speaks("en-GB", "en"));
        assert!(!speaks("de", "en"));
    }
}
