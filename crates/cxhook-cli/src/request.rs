//! Webhook requests as Dialogflow CX sends them: built fresh for one turn, or read from a file
//! and adjusted.

use std::str::FromStr;

use cxhook::types::{FulfillmentInfo, PageInfo, Query, SessionInfo, WebhookRequest};
use serde_json::{Map, Value};

/// The agent that requests built here come from.
const AGENT: &str =
    "projects/cxhook-local/locations/global/agents/00000000-0000-0000-0000-00000000c0de";

/// The start page of the agent's default start flow, where a fresh session is.
const START_PAGE: &str = "flows/00000000-0000-0000-0000-000000000000/pages/START_PAGE";

/// The display name Dialogflow gives every flow's start page.
const START_PAGE_NAME: &str = "Start Page";

/// The language code of a request when none is given.
const DEFAULT_LANGUAGE: &str = "en";

/// A session parameter given as `KEY=VALUE` on the command line.
///
/// The value is JSON when it parses as JSON (`n=4` is the number 4, `ok=true` a boolean,
/// `gone=null` deletes the parameter) and a string otherwise (`name=Ada`).
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
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
        Ok(Self {
            name: name.to_owned(),
            value,
        })
    }
}

/// What one turn puts into a request: the tag, session parameters and, for a fresh request,
/// the user's text, the session and the language.
#[derive(Debug, Clone, Default)]
pub(crate) struct Turn {
    /// The fulfillment tag.
    pub(crate) tag: Option<String>,
    /// Session parameters, set in order (a later one with the same name wins).
    pub(crate) params: Vec<Param>,
    /// What the user typed.
    pub(crate) text: Option<String>,
    /// A session ID, or a whole session name starting with `projects/`.
    pub(crate) session: Option<String>,
    /// The language code; [`DEFAULT_LANGUAGE`] when unset.
    pub(crate) language: Option<String>,
}

impl Turn {
    /// A fresh request for this turn, as Dialogflow sends it from the start page of the
    /// default start flow of the `cxhook-local` agent: a new response ID, and a new session
    /// unless one is given.
    pub(crate) fn request(&self) -> WebhookRequest {
        let session = match &self.session {
            Some(name) if name.starts_with("projects/") => name.clone(),
            Some(id) => format!("{AGENT}/sessions/{id}"),
            None => format!("{AGENT}/sessions/{}", uuid::Uuid::new_v4()),
        };
        WebhookRequest {
            detect_intent_response_id: uuid::Uuid::new_v4().to_string(),
            query: self.text.clone().map(Query::Text),
            language_code: self
                .language
                .clone()
                .unwrap_or_else(|| DEFAULT_LANGUAGE.to_owned()),
            fulfillment_info: FulfillmentInfo {
                tag: self.tag.clone().unwrap_or_default(),
            },
            page_info: Some(PageInfo {
                current_page: format!("{AGENT}/{START_PAGE}"),
                display_name: START_PAGE_NAME.to_owned(),
                form_info: None,
            }),
            session_info: SessionInfo {
                session,
                parameters: self
                    .params
                    .iter()
                    .map(|p| (p.name.clone(), p.value.clone()))
                    .collect(),
            },
            ..WebhookRequest::default()
        }
    }

    /// Sets this turn's tag and parameters in a request read from elsewhere, keeping
    /// everything else as it is (fields this tool does not know included). Objects written
    /// in snake_case stay in snake_case.
    ///
    /// Returns an error when the request or one of the objects to change is not a JSON
    /// object.
    pub(crate) fn apply(&self, request: &mut Value) -> Result<(), String> {
        let request = request
            .as_object_mut()
            .ok_or("a webhook request must be a JSON object")?;
        if let Some(tag) = &self.tag {
            let info = object(request, "fulfillmentInfo", "fulfillment_info")?;
            info.insert("tag".to_owned(), Value::String(tag.clone()));
        }
        if !self.params.is_empty() {
            let session = object(request, "sessionInfo", "session_info")?;
            let params = object(session, "parameters", "parameters")?;
            for param in &self.params {
                params.insert(param.name.clone(), param.value.clone());
            }
        }
        Ok(())
    }
}

/// The object under `camel` (or under `snake` when only that spelling is there), created
/// when missing or null.
fn object<'a>(
    parent: &'a mut Map<String, Value>,
    camel: &str,
    snake: &str,
) -> Result<&'a mut Map<String, Value>, String> {
    let key = if !parent.contains_key(camel) && parent.contains_key(snake) {
        snake
    } else {
        camel
    };
    let slot = parent.entry(key).or_insert(Value::Null);
    if slot.is_null() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
        .ok_or_else(|| format!("`{key}` in the request is not a JSON object"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn param(text: &str) -> Result<(String, Value), String> {
        text.parse::<Param>().map(|p| (p.name, p.value))
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
    fn a_fresh_request_looks_like_dialogflows() {
        let turn = Turn {
            tag: Some("order.status".into()),
            params: vec!["n=4".parse().unwrap(), "n=5".parse().unwrap()],
            text: Some("where is my order?".into()),
            ..Turn::default()
        };
        let request = turn.request();
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
        let id = uuid::Uuid::parse_str(&request.detect_intent_response_id).unwrap();
        assert_eq!(id.get_version_num(), 4);
        let session = request.session_info.session.as_str();
        let session_id = session.strip_prefix(&format!("{AGENT}/sessions/")).unwrap();
        assert!(uuid::Uuid::parse_str(session_id).is_ok());
        assert_ne!(turn.request().session_info.session, session);
    }

    #[test]
    fn a_session_can_be_an_id_or_a_whole_name() {
        let with = |session: &str| {
            let turn = Turn {
                session: Some(session.into()),
                language: Some("de-DE".into()),
                ..Turn::default()
            };
            turn.request()
        };
        assert_eq!(
            with("s-1").session_info.session,
            format!("{AGENT}/sessions/s-1")
        );
        let name = "projects/p/locations/global/agents/a/environments/-/sessions/s-2";
        assert_eq!(with(name).session_info.session, name);
        assert_eq!(with("s-1").language_code, "de-DE");
        assert_eq!(with("s-1").query, None);
    }

    #[test]
    fn apply_overrides_the_tag_and_merges_params() {
        let turn = Turn {
            tag: Some("new.tag".into()),
            params: vec!["n=4".parse().unwrap()],
            ..Turn::default()
        };
        let mut request = json!({
            "fulfillmentInfo": {"tag": "old.tag"},
            "sessionInfo": {"session": "s", "parameters": {"keep": 1, "n": 1}},
            "source": "VIRTUAL_AGENT"
        });
        turn.apply(&mut request).unwrap();
        assert_eq!(
            request,
            json!({
                "fulfillmentInfo": {"tag": "new.tag"},
                "sessionInfo": {"session": "s", "parameters": {"keep": 1, "n": 4}},
                "source": "VIRTUAL_AGENT"
            })
        );
    }

    #[test]
    fn apply_keeps_snake_case_and_fills_in_what_is_missing() {
        let turn = Turn {
            tag: Some("t".into()),
            params: vec!["name=Ada".parse().unwrap()],
            ..Turn::default()
        };
        let mut request = json!({"fulfillment_info": {"tag": "old"}, "session_info": null});
        turn.apply(&mut request).unwrap();
        assert_eq!(
            request,
            json!({
                "fulfillment_info": {"tag": "t"},
                "session_info": {"parameters": {"name": "Ada"}}
            })
        );
        assert!(turn.apply(&mut json!([])).is_err());
        assert!(turn.apply(&mut json!({"fulfillmentInfo": "x"})).is_err());
    }

    #[test]
    fn apply_without_overrides_changes_nothing() {
        let mut request = json!({"text": "hi"});
        Turn::default().apply(&mut request).unwrap();
        assert_eq!(request, json!({"text": "hi"}));
    }
}
