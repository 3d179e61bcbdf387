//! Every condition, template, parameter name and JSONPath in the agent parsed at load time,
//! or an error naming the file, the JSON path and the column.
//!
//! CX refuses to save an agent whose condition does not parse or that calls an unknown
//! `$sys.func`, so an export never holds one unless it was edited by hand; each is therefore
//! an error, and the first the check meets is reported. A call of a function CX has but this
//! crate does not run (`NOW`, the date and phone functions: see the `func` module) is a
//! [`WarningKind::Unsupported`] instead: CX loads that agent, and only the turns that reach
//! the text fail.
//!
//! What is parsed is what the turn engine parses: route conditions and conditional cases
//! (nested `additionalCases` included), message texts (`text.text[]`), parameter presets
//! (the parameter written and the value), generator inputs, and of each webhook the header
//! values (system functions work there, per the system functions reference) and, when it is
//! flexible, the request body, the parameter mapping's keys (parameters, as presets write
//! them) and its values (JSONPath, read with `serde_json_path` as the runtime reads them).
//! *Inferred:* a header value or JSONPath that does not parse is an error too, though the
//! reference does not say whether CX checks those on save: the runtime could not call such a
//! webhook or apply such a mapping anyway.
//!
//! The parsed forms are dropped: the model keeps the texts, as the export writes them.

use cxhook_types::{Message, Text};
use serde_json_path::JsonPath;

use super::error::{LoadError, Warning, WarningKind};
use super::scope::Scope;
use crate::condition::Condition;
use crate::model::{
    CaseContent, ConditionalCases, Fulfillment, FulfillmentMessage, Webhook, WebhookType,
};
use crate::reference::Reference;
use crate::syntax::ParseError;
use crate::template::{BodyTemplate, JsonTemplate, Template};

/// A header value's parse error, which would quote the value: only the column is given.
const SECRET_MESSAGE: &str =
    "not a valid template (the parser's message is withheld: it would quote a secret value)";

/// What the text at `json_path` of `file` parsing to `result` means for the load: nothing,
/// a warning (a function not run offline) or an error. `secret` withholds the parser's
/// message of a malformed text.
fn verdict<T>(
    result: Result<T, ParseError>,
    file: &str,
    json_path: String,
    secret: bool,
    warnings: &mut Vec<Warning>,
) -> Result<(), LoadError> {
    let Err(error) = result else {
        return Ok(());
    };
    if error.is_unsupported() {
        warnings.push(Warning {
            file: file.to_owned(),
            json_path,
            kind: WarningKind::Unsupported {
                column: error.column(),
                message: error.message().to_owned(),
            },
        });
        return Ok(());
    }
    Err(LoadError::Syntax {
        file: file.to_owned(),
        json_path,
        column: error.column(),
        message: if secret {
            SECRET_MESSAGE.to_owned()
        } else {
            error.message().to_owned()
        },
    })
}

impl Scope<'_, '_> {
    /// Judges the parse of the text at `json_path` of the current file.
    fn parsed<T>(
        &mut self,
        result: Result<T, ParseError>,
        json_path: String,
    ) -> Result<(), LoadError> {
        verdict(result, self.file, json_path, false, self.warnings)
    }

    /// Parses the condition at `path`.
    pub(super) fn condition(&mut self, condition: &str, path: String) -> Result<(), LoadError> {
        self.parsed(Condition::parse(condition), path)
    }

    /// Parses the conditions and templates of the fulfillment at `path`.
    pub(super) fn texts(&mut self, fulfillment: &Fulfillment, path: &str) -> Result<(), LoadError> {
        self.messages(&fulfillment.messages, &format!("{path}.messages"))?;
        for (index, action) in fulfillment.set_parameter_actions.iter().enumerate() {
            let path = format!("{path}.setParameterActions[{index}]");
            self.parsed(
                Reference::parse_target(&action.parameter),
                format!("{path}.parameter"),
            )?;
            self.parsed(JsonTemplate::parse(&action.value), format!("{path}.value"))?;
        }
        for (index, cases) in fulfillment.conditional_cases.iter().enumerate() {
            self.cases(cases, &format!("{path}.conditionalCases[{index}]"))?;
        }
        for (index, call) in fulfillment.generators.iter().enumerate() {
            for (input, parameter) in call.input_parameters.iter().enumerate() {
                self.parsed(
                    Template::parse(&parameter.value),
                    format!("{path}.generators[{index}].inputParameters[{input}].value"),
                )?;
            }
        }
        Ok(())
    }

    /// Parses the text variants of the messages at `path`.
    fn messages(&mut self, messages: &[FulfillmentMessage], path: &str) -> Result<(), LoadError> {
        for (index, message) in messages.iter().enumerate() {
            self.message(message, &format!("{path}[{index}]"))?;
        }
        Ok(())
    }

    /// Parses the text variants of the message at `path`.
    fn message(&mut self, message: &FulfillmentMessage, path: &str) -> Result<(), LoadError> {
        let Some(Message::Text(Text { text, .. })) = &message.message.message else {
            return Ok(());
        };
        for (variant, text) in text.iter().enumerate() {
            self.parsed(
                Template::parse(text),
                format!("{path}.text.text[{variant}]"),
            )?;
        }
        Ok(())
    }

    /// Parses the conditional cases at `path`, nested ones included.
    fn cases(&mut self, cases: &ConditionalCases, path: &str) -> Result<(), LoadError> {
        for (index, case) in cases.cases.iter().enumerate() {
            let path = format!("{path}.cases[{index}]");
            self.condition(&case.condition, format!("{path}.condition"))?;
            for (content_index, content) in case.case_content.iter().enumerate() {
                let path = format!("{path}.caseContent[{content_index}]");
                match content {
                    CaseContent::Message(message) => {
                        self.message(message, &format!("{path}.message"))?;
                    }
                    CaseContent::AdditionalCases(nested) => {
                        self.cases(nested, &format!("{path}.additionalCases"))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Parses the templates, parameters and JSONPaths of `webhook`, read from `file`.
pub(super) fn webhook(
    file: &str,
    webhook: &Webhook,
    warnings: &mut Vec<Warning>,
) -> Result<(), LoadError> {
    let Some(service) = &webhook.generic_web_service else {
        return Ok(());
    };
    for (index, header) in service.request_headers.iter().enumerate() {
        verdict(
            Template::parse(header.value.expose()),
            file,
            format!("genericWebService.requestHeaders[{index}].value"),
            true,
            warnings,
        )?;
    }
    if service.webhook_type != WebhookType::Flexible {
        return Ok(());
    }
    if let Some(body) = &service.request_body {
        verdict(
            BodyTemplate::parse(body),
            file,
            "genericWebService.requestBody".to_owned(),
            false,
            warnings,
        )?;
    }
    for (index, mapping) in service.parameter_mapping.iter().enumerate() {
        let path = format!("genericWebService.parameterMapping[{index}]");
        verdict(
            Reference::parse_target(&mapping.key),
            file,
            format!("{path}.key"),
            false,
            warnings,
        )?;
        JsonPath::parse(&mapping.value).map_err(|e| LoadError::Syntax {
            file: file.to_owned(),
            json_path: format!("{path}.value"),
            column: json_path_column(&mapping.value, e.position()),
            message: e.message().to_owned(),
        })?;
    }
    Ok(())
}

/// The column (in characters, from 1) of `serde_json_path`'s error position, which is a
/// byte offset into the path.
fn json_path_column(path: &str, offset: usize) -> usize {
    let prefix = path.get(..offset).unwrap_or(path);
    prefix.chars().count() + 1
}
