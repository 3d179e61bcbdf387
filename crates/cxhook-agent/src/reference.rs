//! Parameter references (`$session.params.city`, `$page.params.status`, `$flow.x[0]`, …),
//! parsed once, and the [`Scope`] a turn looks them up in.
//!
//! The grammar, from the condition reference
//! (cloud.google.com/dialogflow/cx/docs/reference/condition) and the parameter guide
//! (cloud.google.com/dialogflow/cx/docs/concept/parameter):
//!
//! 1. **Roots.** `$session.params.<id>`, `$page.params.status` (the form is filled),
//!    `$page.params.<id>.status` (`UPDATED` when filled this turn), `$intent.params.<id>`
//!    with `.original` or `.resolved` (bare means resolved), `$flow.<id>` (flow-scoped,
//!    as Google's prebuilt components write them), `$request.sentiment.score`,
//!    `.magnitude` and `.succeeded`, `$request.generative.<id>` (a generator's output),
//!    `$request.webhook_status_code` (flexible webhooks), `$request.knowledge.<id>` and
//!    `$request.user-utterance` (both seen in exports). Anything else after `$` in a
//!    condition or a function argument is an error naming the reference.
//! 2. **Steps.** After the root, `.field` selects a field of an object (composite
//!    entities, webhook-set objects) and `[n]` an element of a list, as in
//!    `$flow.city_webhook[0]` and `$request.knowledge.answers[0]`.
//! 3. **Names are case-insensitive**: CX treats `Apple` and `apple` as one parameter. A
//!    [`Name`] keeps the spelling for display and a lowercase key that [`Scope`] lookups
//!    receive. *Inferred:* object fields are matched exactly first, then ignoring case.
//! 4. **Names stop at the first character that cannot be in one.** CX allows letters,
//!    digits, `-`, `_` and `.` in names; `.` is read as a field step here, so a message
//!    can end a sentence with a reference (`… is $flow.city.`).

use serde_json::Value;

use crate::syntax::{Cursor, ParseError, is_ident_char};

/// The state of a turn that references read: the session's parameters and the rest.
///
/// Each method receives the lowercase key of a name (see [`Name::key`]) and answers `None`
/// when the parameter is not set. The turn engine implements it; [`Reference::resolve`]
/// applies the field and index steps on what it returns.
pub trait Scope {
    /// A session parameter (`$session.params.<id>`).
    fn session_param(&self, key: &str) -> Option<Value>;
    /// A parameter of the current flow (`$flow.<id>`).
    fn flow_param(&self, key: &str) -> Option<Value>;
    /// The current page's form status (`$page.params.status`): `"FINAL"` once every
    /// required parameter is filled.
    fn page_status(&self) -> Option<Value>;
    /// The status of one form parameter (`$page.params.<id>.status`), such as `"UPDATED"`.
    fn page_param_status(&self, key: &str) -> Option<Value>;
    /// A parameter of the matched intent (`$intent.params.<id>.original|resolved`).
    fn intent_param(&self, key: &str, part: IntentPart) -> Option<Value>;
    /// A field of the request (`$request.…`).
    fn request(&self, field: &RequestField) -> Option<Value>;
    /// A number in `[0, 1)` for `$sys.func.RAND` and `$sys.func.UUID`: the engine decides
    /// where it comes from (a seeded source makes a test repeatable).
    fn random(&self) -> f64;
}

/// A parameter name as written, with the lowercase key lookups use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    text: String,
    key: String,
}

impl Name {
    /// A name as written; its key is its lowercase form.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            key: text.to_lowercase(),
        }
    }

    /// The name as the agent spells it.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The lowercase key [`Scope`] lookups receive.
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// Which value of an intent parameter a reference reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentPart {
    /// What the user said (`.original`).
    Original,
    /// The entity's value (`.resolved`, also the bare reference).
    Resolved,
}

/// A field of the request (`$request.…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestField {
    /// `$request.sentiment.score`: from -1 (negative) to 1 (positive).
    SentimentScore,
    /// `$request.sentiment.magnitude`: how strong the sentiment is, from 0.
    SentimentMagnitude,
    /// `$request.sentiment.succeeded`: whether sentiment analysis ran.
    SentimentSucceeded,
    /// `$request.generative.<id>`: a generator's output parameter.
    Generative(Name),
    /// `$request.knowledge.<id>`: data store answers (`answers`).
    Knowledge(Name),
    /// `$request.webhook_status_code`: the HTTP status of the last flexible webhook call.
    WebhookStatusCode,
    /// `$request.user-utterance`: the user's text this turn.
    UserUtterance,
}

/// Where a reference starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// `$session.params.<id>`.
    Session(Name),
    /// `$page.params.status`.
    PageStatus,
    /// `$page.params.<id>.status`.
    PageParamStatus(Name),
    /// `$intent.params.<id>[.original|.resolved]`.
    Intent(Name, IntentPart),
    /// `$flow.<id>`.
    Flow(Name),
    /// `$request.…`.
    Request(RequestField),
}

/// A step from a value into a part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `.field` of an object.
    Field(Name),
    /// `[n]` of a list.
    Index(usize),
}

/// A parsed parameter reference: a root and the steps into its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    root: Root,
    steps: Vec<Step>,
    text: String,
}

/// The prefixes that begin a reference or a function call.
const PREFIXES: [&str; 6] = [
    "$session.params.",
    "$page.params.",
    "$intent.params.",
    "$flow.",
    "$request.",
    "$sys.func.",
];

/// Whether `text` begins with a reference or function prefix (`$session.params.`, …), so
/// that a template must read it as one; any other `$` is plain text.
pub(crate) fn starts_reference(text: &str) -> bool {
    PREFIXES
        .iter()
        .any(|p| text.starts_with(p) && text[p.len()..].starts_with(|c: char| is_ident_char(c)))
}

impl Reference {
    /// Parses a text that is exactly one reference, such as a `parameterMapping` key.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut cur = Cursor::new(text);
        let reference = Self::parse_at(&mut cur)?;
        if !cur.at_end() {
            return Err(cur.expected("the end of the reference"));
        }
        Ok(reference)
    }

    /// A reference to `root` with no steps, written as `text`: a bare name where a value is
    /// written.
    pub(crate) fn new(root: Root, text: String) -> Self {
        Self {
            root,
            steps: Vec::new(),
            text,
        }
    }

    /// This reference with more steps, as `NESTED_FIELD` names them.
    pub(crate) fn extended(&self, steps: Vec<Step>, text: String) -> Self {
        let mut all = self.steps.clone();
        all.extend(steps);
        Self {
            root: self.root.clone(),
            steps: all,
            text,
        }
    }

    /// The root's new value once `value` is written at this reference's steps inside
    /// `base`, the root's current value. *Inferred:* a field step into something that is
    /// not an object makes it one, an index step into something that is not a list makes
    /// it one, and a list is padded with `null` up to the index.
    pub fn assign(&self, base: Option<Value>, value: Value) -> Value {
        fn write(slot: &mut Value, steps: &[Step], value: Value) {
            let Some((step, rest)) = steps.split_first() else {
                *slot = value;
                return;
            };
            match step {
                Step::Field(name) => {
                    if !slot.is_object() {
                        *slot = Value::Object(serde_json::Map::new());
                    }
                    let map = slot.as_object_mut().expect("made an object");
                    let key = map
                        .keys()
                        .find(|k| k.to_lowercase() == name.key())
                        .cloned()
                        .unwrap_or_else(|| name.text().to_owned());
                    write(map.entry(key).or_insert(Value::Null), rest, value);
                }
                Step::Index(i) => {
                    if !slot.is_array() {
                        *slot = Value::Array(Vec::new());
                    }
                    let list = slot.as_array_mut().expect("made a list");
                    if list.len() <= *i {
                        list.resize(i + 1, Value::Null);
                    }
                    write(&mut list[*i], rest, value);
                }
            }
        }
        let mut root = base.unwrap_or(Value::Null);
        write(&mut root, &self.steps, value);
        root
    }

    /// The root the reference starts from.
    pub fn root(&self) -> &Root {
        &self.root
    }

    /// The field and index steps after the root.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The reference as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Looks the reference up: the root's value from `scope`, then each step. `None` when
    /// the parameter is unset or a step finds nothing (a missing field, an index past the
    /// end, a step into a value that has no parts).
    pub fn resolve(&self, scope: &dyn Scope) -> Option<Value> {
        let base = match &self.root {
            Root::Session(name) => scope.session_param(name.key()),
            Root::PageStatus => scope.page_status(),
            Root::PageParamStatus(name) => scope.page_param_status(name.key()),
            Root::Intent(name, part) => scope.intent_param(name.key(), *part),
            Root::Flow(name) => scope.flow_param(name.key()),
            Root::Request(field) => scope.request(field),
        }?;
        self.steps.iter().try_fold(base, step_into)
    }

    /// Parses a reference at the cursor (on its `$`).
    pub(crate) fn parse_at(cur: &mut Cursor<'_>) -> Result<Self, ParseError> {
        let start = cur.pos();
        let root = parse_root(cur, start)?;
        let mut steps = Vec::new();
        loop {
            let mark = cur.pos();
            if cur.eat(".") {
                match cur.ident() {
                    Some(field) => steps.push(Step::Field(Name::new(field))),
                    None => {
                        // A `.` that no name follows ends the reference: `… $flow.city.`
                        cur.set_pos(mark);
                        break;
                    }
                }
            } else if cur.peek() == Some('[') {
                cur.bump();
                let digits = cur.rest();
                let len = digits
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(digits.len());
                let index = digits[..len]
                    .parse()
                    .map_err(|_| cur.expected("a list index"))?;
                cur.set_pos(cur.pos() + len);
                cur.expect(']')?;
                steps.push(Step::Index(index));
            } else {
                break;
            }
        }
        let text = cur.src()[start..cur.pos()].to_owned();
        Ok(Self { root, steps, text })
    }
}

fn parse_root(cur: &mut Cursor<'_>, start: usize) -> Result<Root, ParseError> {
    let name = |cur: &mut Cursor<'_>| {
        cur.ident()
            .map(Name::new)
            .ok_or_else(|| cur.expected("a parameter name"))
    };
    if cur.eat("$session.params.") {
        return Ok(Root::Session(name(cur)?));
    }
    if cur.eat("$page.params.") {
        let id = name(cur)?;
        let mark = cur.pos();
        if cur.eat(".")
            && cur
                .ident()
                .is_some_and(|s| s.eq_ignore_ascii_case("status"))
        {
            return Ok(Root::PageParamStatus(id));
        }
        cur.set_pos(mark);
        if id.key() == "status" {
            return Ok(Root::PageStatus);
        }
        return Err(cur.error_at(
            start,
            format!(
                "`$page.params.{}` needs `.status`: a page reference is `$page.params.status` or `$page.params.<id>.status`",
                id.text()
            ),
        ));
    }
    if cur.eat("$intent.params.") {
        let id = name(cur)?;
        let mark = cur.pos();
        if cur.eat(".") {
            match cur.ident().map(str::to_ascii_lowercase).as_deref() {
                Some("original") => return Ok(Root::Intent(id, IntentPart::Original)),
                Some("resolved") => return Ok(Root::Intent(id, IntentPart::Resolved)),
                _ => cur.set_pos(mark),
            }
        }
        return Ok(Root::Intent(id, IntentPart::Resolved));
    }
    if cur.eat("$flow.") {
        return Ok(Root::Flow(name(cur)?));
    }
    if cur.eat("$request.") {
        let field_start = cur.pos();
        let field = cur.ident().map(str::to_ascii_lowercase);
        let sub = |cur: &mut Cursor<'_>| {
            cur.expect('.')?;
            name(cur)
        };
        return match field.as_deref() {
            Some("sentiment") => match sub(cur)?.key() {
                "score" => Ok(Root::Request(RequestField::SentimentScore)),
                "magnitude" => Ok(Root::Request(RequestField::SentimentMagnitude)),
                "succeeded" => Ok(Root::Request(RequestField::SentimentSucceeded)),
                other => Err(cur.error_at(
                    start,
                    format!("unknown sentiment field `{other}`: expected score, magnitude or succeeded"),
                )),
            },
            Some("generative") => Ok(Root::Request(RequestField::Generative(sub(cur)?))),
            Some("knowledge") => Ok(Root::Request(RequestField::Knowledge(sub(cur)?))),
            Some("webhook_status_code") => Ok(Root::Request(RequestField::WebhookStatusCode)),
            Some("user-utterance") => Ok(Root::Request(RequestField::UserUtterance)),
            _ => Err(cur.error_at(
                field_start,
                format!(
                    "unknown request field in `{}`: expected sentiment, generative, knowledge, webhook_status_code or user-utterance",
                    reference_text(cur.src(), start)
                ),
            )),
        };
    }
    Err(cur.error_at(
        start,
        format!(
            "unknown reference `{}`: expected $session.params., $page.params., $intent.params., $flow., $request. or $sys.func.",
            reference_text(cur.src(), start)
        ),
    ))
}

/// The reference-looking text at `start`, for an error message.
fn reference_text(src: &str, start: usize) -> &str {
    let rest = &src[start..];
    let len = rest[1..]
        .find(|c: char| !(is_ident_char(c) || c == '.'))
        .map_or(rest.len(), |n| n + 1);
    &rest[..len]
}

pub(crate) fn step_into(value: Value, step: &Step) -> Option<Value> {
    match (value, step) {
        (Value::Object(mut map), Step::Field(name)) => map.remove(name.text()).or_else(|| {
            let key = map.keys().find(|k| k.to_lowercase() == name.key())?.clone();
            map.remove(&key)
        }),
        (Value::Array(mut list), Step::Index(i)) if *i < list.len() => Some(list.swap_remove(*i)),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
