//! The webhook request `send` posts: built fresh for one turn with cxhook's
//! [`RequestBuilder`], or read from a file and adjusted by the same flags.

use std::str::FromStr;

use cxhook::types::{ParameterState, Query};
use cxhook_sim::RequestBuilder;
use serde_json::Value;

/// A session parameter given as `KEY=VALUE` on the command line.
///
/// The value is JSON when it parses as JSON (`n=4` is the number 4, `ok=true` a boolean,
/// `gone=null` a null) and a string otherwise (`name=Ada`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Param {
    /// The parameter's name.
    pub(crate) name: String,
    /// The parameter's value.
    pub(crate) value: Value,
}

impl FromStr for Param {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (name, value) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not KEY=VALUE"))?;
        if name.is_empty() {
            return Err(format!("`{text}` has no parameter name before `=`"));
        }
        Ok(Self {
            name: name.to_owned(),
            value: json_or_string(value),
        })
    }
}

/// A form parameter of the current page given as `NAME:STATE[:VALUE]` on the command line:
/// STATE is `EMPTY`, `INVALID` or `FILLED` (in any case), VALUE is read as a [`Param`]'s.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FormParam {
    /// The parameter's display name.
    pub(crate) name: String,
    /// Its state.
    pub(crate) state: ParameterState,
    /// Its value, when given.
    pub(crate) value: Option<Value>,
}

impl FromStr for FormParam {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut parts = text.splitn(3, ':');
        let name = parts.next().unwrap_or_default();
        let state = parts
            .next()
            .ok_or_else(|| format!("`{text}` is not NAME:STATE[:VALUE]"))?;
        if name.is_empty() {
            return Err(format!("`{text}` has no parameter name before `:`"));
        }
        let state = match state.to_ascii_uppercase().as_str() {
            "EMPTY" => ParameterState::Empty,
            "INVALID" => ParameterState::Invalid,
            "FILLED" => ParameterState::Filled,
            _ => {
                return Err(format!(
                    "`{state}` is not a form parameter state: give EMPTY, INVALID or FILLED"
                ));
            }
        };
        Ok(Self {
            name: name.to_owned(),
            state,
            value: parts.next().map(json_or_string),
        })
    }
}

/// `text` as JSON when it parses as JSON, else as a string.
fn json_or_string(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// What the flags put into a request; each is left as it is when not given.
#[derive(Debug, Clone, Default)]
pub(crate) struct Turn {
    /// The fulfillment tag; empty for none.
    pub(crate) tag: Option<String>,
    /// The `detectIntentResponseId`.
    pub(crate) response_id: Option<String>,
    /// Session parameters, set in order (a later one with the same name wins).
    pub(crate) params: Vec<Param>,
    /// What the user said or did.
    pub(crate) query: Option<Query>,
    /// A session ID, or a whole session name starting with `projects/`.
    pub(crate) session: Option<String>,
    /// The language code.
    pub(crate) language: Option<String>,
    /// The current page's display name.
    pub(crate) page: Option<String>,
    /// Form parameters of the current page, set in order after the page.
    pub(crate) form: Vec<FormParam>,
}

impl Turn {
    /// Whether the flags change nothing.
    pub(crate) fn is_empty(&self) -> bool {
        let Self {
            tag,
            response_id,
            params,
            query,
            session,
            language,
            page,
            form,
        } = self;
        tag.is_none()
            && response_id.is_none()
            && params.is_empty()
            && query.is_none()
            && session.is_none()
            && language.is_none()
            && page.is_none()
            && form.is_empty()
    }

    /// Sets what the flags give on `builder` (a fresh request from `RequestBuilder::new`,
    /// or one read from a file): the session first, then the page (a page of
    /// the session's agent), then the rest.
    pub(crate) fn apply(&self, mut builder: RequestBuilder) -> RequestBuilder {
        if let Some(session) = &self.session {
            builder = builder.session(session);
        }
        if let Some(page) = &self.page {
            builder = builder.page(page);
        }
        if let Some(tag) = &self.tag {
            builder = builder.tag(tag);
        }
        if let Some(id) = &self.response_id {
            builder = builder.response_id(id);
        }
        if let Some(query) = &self.query {
            builder = builder.query(query.clone());
        }
        if let Some(language) = &self.language {
            builder = builder.lang(language);
        }
        for param in &self.params {
            builder = builder.param(&param.name, param.value.clone());
        }
        for param in &self.form {
            builder = builder.form_param(&param.name, param.state, param.value.clone());
        }
        builder
    }
}

#[cfg(test)]
mod tests {
    use cxhook::types::WebhookRequest;
    use cxhook_sim::AGENT;
    use serde_json::json;

    use super::*;

    fn built(turn: &Turn) -> WebhookRequest {
        turn.apply(RequestBuilder::new()).build()
    }

    fn param(text: &str) -> Result<(String, Value), String> {
        text.parse::<Param>().map(|p| (p.name, p.value))
    }

    fn form(text: &str) -> Result<FormParam, String> {
        text.parse()
    }

    #[test]
    fn param_values_are_json_when_they_parse() {
        assert_eq!(param("n=4"), Ok(("n".into(), json!(4))));
        assert_eq!(param("x=2.5"), Ok(("x".into(), json!(2.5))));
        assert_eq!(param("ok=true"), Ok(("ok".into(), json!(true))));
        assert_eq!(param("gone=null"), Ok(("gone".into(), Value::Null)));
        assert_eq!(
            param(r#"date={"year":2024,"month":5}"#),
            Ok(("date".into(), json!({"year": 2024, "month": 5})))
        );
        assert_eq!(param("ids=[1,2]"), Ok(("ids".into(), json!([1, 2]))));
        assert_eq!(param(r#"code="42""#), Ok(("code".into(), json!("42"))));
    }

    #[test]
    fn param_values_are_strings_otherwise() {
        assert_eq!(param("name=Ada"), Ok(("name".into(), json!("Ada"))));
        assert_eq!(
            param("name=Ada Lovelace"),
            Ok(("name".into(), json!("Ada Lovelace")))
        );
        assert_eq!(param("empty="), Ok(("empty".into(), json!(""))));
        assert_eq!(param("eq=a=b"), Ok(("eq".into(), json!("a=b"))));
        assert_eq!(param("open=[1"), Ok(("open".into(), json!("[1"))));
        assert_eq!(param("True=True"), Ok(("True".into(), json!("True"))));
    }

    #[test]
    fn params_need_a_name_and_an_equals_sign() {
        assert!(param("n").unwrap_err().contains("KEY=VALUE"));
        assert!(param("=4").unwrap_err().contains("no parameter name"));
    }

    #[test]
    fn form_params_have_a_name_a_state_and_maybe_a_value() {
        assert_eq!(
            form("time:empty"),
            Ok(FormParam {
                name: "time".into(),
                state: ParameterState::Empty,
                value: None
            })
        );
        assert_eq!(
            form(r#"date:FILLED:{"year":2026,"month":12,"day":1}"#)
                .unwrap()
                .value,
            Some(json!({"year": 2026, "month": 12, "day": 1}))
        );
        assert_eq!(
            form("at:Invalid:10:30").unwrap(),
            FormParam {
                name: "at".into(),
                state: ParameterState::Invalid,
                value: Some(json!("10:30"))
            }
        );
        assert!(form("time").unwrap_err().contains("NAME:STATE[:VALUE]"));
        assert!(form(":EMPTY").unwrap_err().contains("no parameter name"));
        let error = form("time:VALID").unwrap_err();
        assert!(
            error.contains("`VALID` is not a form parameter state"),
            "{error}"
        );
        assert!(form("time:PARAMETER_STATE_UNSPECIFIED").is_err());
    }

    #[test]
    fn a_fresh_request_looks_like_dialogflows() {
        let turn = Turn {
            tag: Some("order.status".into()),
            params: vec!["n=4".parse().unwrap(), "n=5".parse().unwrap()],
            query: Some(Query::Text("where is my order?".into())),
            ..Turn::default()
        };
        let request = built(&turn);
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["fulfillmentInfo"]["tag"], "order.status");
        assert_eq!(json["text"], "where is my order?");
        assert_eq!(json["languageCode"], "en");
        assert_eq!(json["sessionInfo"]["parameters"], json!({"n": 5}));
        assert_eq!(json["pageInfo"]["displayName"], "Start Page");
        assert_eq!(
            json["pageInfo"]["currentPage"],
            format!("{AGENT}/flows/00000000-0000-0000-0000-000000000000/pages/START_PAGE")
        );
        assert_ne!(
            built(&turn).session_info.session,
            request.session_info.session
        );
    }

    #[test]
    fn pages_and_forms_belong_to_the_given_session() {
        let turn = Turn {
            session: Some("projects/p/locations/l/agents/a/sessions/s".into()),
            page: Some("Book".into()),
            form: vec![
                form("date:INVALID").unwrap(),
                form("time:FILLED:10").unwrap(),
            ],
            ..Turn::default()
        };
        let request = built(&turn);
        let page = request.page_info.as_ref().unwrap();
        assert!(
            page.current_page
                .starts_with("projects/p/locations/l/agents/a/flows/"),
            "{page:?}"
        );
        assert_eq!(page.display_name, "Book");
        let states: Vec<_> = page
            .form_info
            .as_ref()
            .unwrap()
            .parameter_info
            .iter()
            .map(|p| (p.display_name.as_str(), p.state))
            .collect();
        assert_eq!(
            states,
            [
                ("date", ParameterState::Invalid),
                ("time", ParameterState::Filled)
            ]
        );
        assert_eq!(request.param("time"), Some(&json!(10)));
    }

    #[test]
    fn an_empty_turn_changes_nothing() {
        assert!(Turn::default().is_empty());
        let request = RequestBuilder::new().tag("t").text("hi");
        assert_eq!(Turn::default().apply(request.clone()), request);
        let tagged = Turn {
            tag: Some("x".into()),
            ..Turn::default()
        };
        assert!(!tagged.is_empty());
    }
}
