//! System functions: `$sys.func.NAME(args…)`, parsed once and evaluated against a [`Scope`].
//!
//! The semantics follow Google's system functions reference
//! (cloud.google.com/dialogflow/cx/docs/reference/system-functions); where it is silent, or
//! where the agents need more than it says, the rule is marked *inferred*:
//!
//! 1. **Names are capitals**; `rand` is also accepted for `RAND`. An unknown name, or a
//!    call with too few or too many arguments, is a parse error naming the function.
//! 2. **Math.** `ADD` and `MULTIPLY` take any number of numbers, `MINUS` and `DIVIDE`
//!    two (dividing by zero is an error), `ROUND` one, and *inferred* an optional number of
//!    decimal places. *Inferred:* a string holding a number counts as that number, as
//!    webhook-set values often are strings. Integral results are integers.
//! 3. **Lists.** `APPEND(list, v…)` adds values at the end and `REMOVE(list, v…)` removes
//!    every element equal to one, a list argument standing for its elements (the agents
//!    write `REMOVE($flow.missing_elems, ["country"])`). *Inferred:* an unset list is empty
//!    (the agents `APPEND` to webhook results that may not exist). `COUNT` is the length,
//!    `CONTAIN(list, v)` whether an element equals `v` (*inferred:* on a string, whether it
//!    holds `v`'s text), `UNIQUE` keeps first occurrences, *inferred* `GET(list, i)` is
//!    element `i` from 0 or `null` and `MATCH(list, v)` the first index of `v` or -1.
//! 4. **Text.** `LEN` counts characters, `LOWER`/`UPPER` change case, `CONCATENATE` joins
//!    texts, `JOIN(delimiter, list[, last delimiter])`, `SPLIT(text, delimiter)`,
//!    `SUBSTITUTE(text, old, new)` replaces every occurrence, `MID(text, start, length)`
//!    counts `start` from 1, `URL_ENCODE` percent-encodes all but letters, digits and
//!    `-_.~`. Values are rendered as text as [`Template`](crate::template::Template)s do.
//! 5. **Objects.** `GET_FIELD(object, key)`, `NESTED_FIELD(object, key…)` (a key may end
//!    in `[n]`), `FILTER(value, jsonpath)` (every match, as a list, read with
//!    `serde_json_path`, which the flexible webhooks' mappings use too), `IDENTITY`. A
//!    missing field is `null` (*inferred*).
//! 6. **Conversion and validation.** `TO_TEXT`, `TO_NUMBER` (an error when the text is no
//!    number), `TO_OBJECT` (JSON text to an object), `IS_DATE(text, pattern)` with the
//!    Java-style pattern letters the reference uses (`uuuu-MM-dd`; `y`, `u`, `M`, `MMM`,
//!    `MMMM`, `d`, `H`, `m`, `s`, `E` and quoted text), `IS_CREDIT_CARD_NUMBER` (12 to 19
//!    digits passing the Luhn check; *inferred*, the reference names no algorithm).
//! 7. **`IF(condition, then, else)`.** A quoted condition is parsed with the condition
//!    grammar when the call is; any other first argument must evaluate to a boolean (the
//!    agents pass `$sys.func.CONTAIN(…)`). Only the branch taken is evaluated, so the
//!    evaluator evaluates `IF` itself, as a special form.
//! 8. **`RAND()` and `UUID()`** draw from [`Scope::random`], so that a seeded scope
//!    repeats them; `UUID` is a version 4 UUID built from four draws.
//! 9. **Failures.** CX logs a failing function in `diagnosticInfo["SystemFunctionResults"]`
//!    and carries on; here it is an [`EvalError`] naming the function, and the engine
//!    decides what the failure means where the call stands.
//!
//! Not implemented: the date functions that need a clock (`NOW`, `ADD_DATE`,
//! `FORMAT_DATE`, `IS_FUTURE_DATE`, `IS_PAST_DATE`) and the phone number functions, which
//! need a numbering-plan database; naming one is a parse error that says so.
//!
//! This module holds what each function computes from its argument values. A [`Call`] is a
//! node of the expression tree, parsed and evaluated with the rest of it (the crate's
//! `expr` module and its `parse` and `eval`), which call on this module and are never called
//! back.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use crate::expr::value::{number, parse_number, to_text};
use crate::reference::{Name, Scope, Step, step_into};

pub use crate::expr::Call;

/// A system function that failed: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    function: &'static str,
    message: String,
}

impl EvalError {
    pub(crate) fn new(function: Function, message: impl Into<String>) -> Self {
        Self {
            function: function.name(),
            message: message.into(),
        }
    }

    /// The function's name, such as `ADD`.
    pub fn function(&self) -> &str {
        self.function
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "$sys.func.{}: {}", self.function, self.message)
    }
}

impl std::error::Error for EvalError {}

/// The system functions implemented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `IF(condition, then, else)`.
    If,
    /// `ADD(n…)`.
    Add,
    /// `MINUS(a, b)`.
    Minus,
    /// `MULTIPLY(n…)`.
    Multiply,
    /// `DIVIDE(a, b)`.
    Divide,
    /// `ROUND(n[, places])`.
    Round,
    /// `APPEND(list, v…)`.
    Append,
    /// `REMOVE(list, v…)`.
    Remove,
    /// `CONTAIN(list, v)`.
    Contain,
    /// `COUNT(list)`.
    Count,
    /// `UNIQUE(list)`.
    Unique,
    /// `GET(list, index)`.
    Get,
    /// `MATCH(list, v)`.
    Match,
    /// `LEN(text)`.
    Len,
    /// `LOWER(text)`.
    Lower,
    /// `UPPER(text)`.
    Upper,
    /// `CONCATENATE(text…)`.
    Concatenate,
    /// `JOIN(delimiter, list[, last delimiter])`.
    Join,
    /// `SPLIT(text, delimiter)`.
    Split,
    /// `SUBSTITUTE(text, old, new)`.
    Substitute,
    /// `MID(text, start, length)`.
    Mid,
    /// `URL_ENCODE(text)`.
    UrlEncode,
    /// `GET_FIELD(object, key)`.
    GetField,
    /// `NESTED_FIELD(object, key…)`.
    NestedField,
    /// `FILTER(value, jsonpath)`.
    Filter,
    /// `IDENTITY(v)`.
    Identity,
    /// `TO_TEXT(v)`.
    ToText,
    /// `TO_NUMBER(text)`.
    ToNumber,
    /// `TO_OBJECT(text)`.
    ToObject,
    /// `IS_DATE(text, pattern[, language])`.
    IsDate,
    /// `IS_CREDIT_CARD_NUMBER(text)`.
    IsCreditCardNumber,
    /// `RAND()`.
    Rand,
    /// `UUID()`.
    Uuid,
}

/// Each function's name and its fewest and most arguments.
const FUNCTIONS: [(&str, Function, usize, usize); 33] = [
    ("IF", Function::If, 3, 3),
    ("ADD", Function::Add, 1, usize::MAX),
    ("MINUS", Function::Minus, 2, 2),
    ("MULTIPLY", Function::Multiply, 1, usize::MAX),
    ("DIVIDE", Function::Divide, 2, 2),
    ("ROUND", Function::Round, 1, 2),
    ("APPEND", Function::Append, 1, usize::MAX),
    ("REMOVE", Function::Remove, 1, usize::MAX),
    ("CONTAIN", Function::Contain, 2, 2),
    ("COUNT", Function::Count, 1, 1),
    ("UNIQUE", Function::Unique, 1, 1),
    ("GET", Function::Get, 2, 2),
    ("MATCH", Function::Match, 2, 2),
    ("LEN", Function::Len, 1, 1),
    ("LOWER", Function::Lower, 1, 1),
    ("UPPER", Function::Upper, 1, 1),
    ("CONCATENATE", Function::Concatenate, 1, usize::MAX),
    ("JOIN", Function::Join, 2, 3),
    ("SPLIT", Function::Split, 2, 2),
    ("SUBSTITUTE", Function::Substitute, 3, 3),
    ("MID", Function::Mid, 3, 3),
    ("URL_ENCODE", Function::UrlEncode, 1, 1),
    ("GET_FIELD", Function::GetField, 2, 2),
    ("NESTED_FIELD", Function::NestedField, 2, usize::MAX),
    ("FILTER", Function::Filter, 2, 2),
    ("IDENTITY", Function::Identity, 1, 1),
    ("TO_TEXT", Function::ToText, 1, 1),
    ("TO_NUMBER", Function::ToNumber, 1, 1),
    ("TO_OBJECT", Function::ToObject, 1, 1),
    ("IS_DATE", Function::IsDate, 2, 3),
    ("IS_CREDIT_CARD_NUMBER", Function::IsCreditCardNumber, 1, 1),
    ("RAND", Function::Rand, 0, 0),
    ("UUID", Function::Uuid, 0, 0),
];

/// Functions of CX that are not implemented here (module doc).
pub(crate) const NOT_IMPLEMENTED: [&str; 8] = [
    "NOW",
    "ADD_DATE",
    "FORMAT_DATE",
    "IS_FUTURE_DATE",
    "IS_PAST_DATE",
    "TO_PHONE_NUMBER",
    "IS_PHONE_NUMBER",
    "MATCH_PHONE_NUMBER",
];

impl Function {
    /// The function for a name as written after `$sys.func.`.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = if name == "rand" { "RAND" } else { name };
        FUNCTIONS.iter().find(|f| f.0 == name).map(|f| f.1)
    }

    /// The function's name.
    pub fn name(self) -> &'static str {
        self.entry().0
    }

    /// The fewest and most arguments the function takes.
    pub(crate) fn arity(self) -> (usize, usize) {
        let (_, _, min, max) = self.entry();
        (*min, *max)
    }

    fn entry(self) -> &'static (&'static str, Function, usize, usize) {
        FUNCTIONS
            .iter()
            .find(|f| f.1 == self)
            .expect("every function is in the table")
    }
}

/// The arguments of one call, with the function for error messages.
struct Args<'a> {
    function: Function,
    values: &'a [Value],
}

impl Args<'_> {
    fn error(&self, message: impl Into<String>) -> EvalError {
        EvalError::new(self.function, message)
    }

    fn num(&self, i: usize) -> Result<f64, EvalError> {
        let value = &self.values[i];
        match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => parse_number(s.trim()),
            _ => None,
        }
        .ok_or_else(|| self.error(format!("argument {} is not a number: {value}", i + 1)))
    }

    fn int(&self, i: usize) -> Result<i64, EvalError> {
        let f = self.num(i)?;
        if f.fract() == 0.0 {
            Ok(f as i64)
        } else {
            Err(self.error(format!("argument {} is not a whole number: {f}", i + 1)))
        }
    }

    fn list(&self, i: usize) -> Result<Vec<Value>, EvalError> {
        match &self.values[i] {
            Value::Array(items) => Ok(items.clone()),
            Value::Null => Ok(Vec::new()),
            other => Err(self.error(format!("argument {} is not a list: {other}", i + 1))),
        }
    }

    fn text(&self, i: usize) -> String {
        to_text(&self.values[i])
    }

    /// The arguments from `i` on, a list standing for its elements.
    fn flattened(&self, from: usize) -> Vec<Value> {
        self.values[from..]
            .iter()
            .flat_map(|v| match v {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            })
            .collect()
    }
}

/// Whether two values are equal, numbers by value (`1` equals `1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// The characters `URL_ENCODE` leaves as they are: letters, digits and `-_.~`.
const URL_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// What `function` computes from its argument values; `IF`, whose arguments are not all
/// evaluated, is evaluated by the evaluator instead (rule 7).
pub(crate) fn apply(
    function: Function,
    values: &[Value],
    scope: &dyn Scope,
) -> Result<Value, EvalError> {
    let a = Args { function, values };
    Ok(match function {
        Function::If => unreachable!("IF is evaluated lazily, by the evaluator"),
        Function::Add => number(
            (0..values.len())
                .map(|i| a.num(i))
                .sum::<Result<f64, _>>()?,
        ),
        Function::Minus => number(a.num(0)? - a.num(1)?),
        Function::Multiply => number(
            (0..values.len())
                .map(|i| a.num(i))
                .product::<Result<f64, _>>()?,
        ),
        Function::Divide => {
            let divisor = a.num(1)?;
            if divisor == 0.0 {
                return Err(a.error("division by zero"));
            }
            number(a.num(0)? / divisor)
        }
        Function::Round => {
            let places = if values.len() > 1 { a.int(1)? } else { 0 };
            let scale = 10f64.powi(places as i32);
            number((a.num(0)? * scale).round() / scale)
        }
        Function::Append => {
            let mut list = a.list(0)?;
            list.extend(a.flattened(1));
            Value::Array(list)
        }
        Function::Remove => {
            let gone = a.flattened(1);
            let mut list = a.list(0)?;
            list.retain(|v| !gone.iter().any(|g| same(v, g)));
            Value::Array(list)
        }
        Function::Contain => match &values[0] {
            Value::String(s) => Value::Bool(s.contains(&a.text(1))),
            _ => Value::Bool(a.list(0)?.iter().any(|v| same(v, &values[1]))),
        },
        Function::Count => number(a.list(0)?.len() as f64),
        Function::Unique => {
            let mut out: Vec<Value> = Vec::new();
            for v in a.list(0)? {
                if !out.iter().any(|o| same(o, &v)) {
                    out.push(v);
                }
            }
            Value::Array(out)
        }
        Function::Get => {
            let list = a.list(0)?;
            let index = a.int(1)?;
            usize::try_from(index)
                .ok()
                .and_then(|i| list.get(i).cloned())
                .unwrap_or(Value::Null)
        }
        Function::Match => {
            let list = a.list(0)?;
            number(
                list.iter()
                    .position(|v| same(v, &values[1]))
                    .map_or(-1.0, |i| i as f64),
            )
        }
        Function::Len => number(a.text(0).chars().count() as f64),
        Function::Lower => Value::String(a.text(0).to_lowercase()),
        Function::Upper => Value::String(a.text(0).to_uppercase()),
        Function::Concatenate => Value::String((0..values.len()).map(|i| a.text(i)).collect()),
        Function::Join => {
            let delimiter = a.text(0);
            let items: Vec<String> = match &values[1] {
                Value::Array(items) => items.iter().map(to_text).collect(),
                Value::Null => Vec::new(),
                other => vec![to_text(other)],
            };
            let last = if values.len() > 2 {
                a.text(2)
            } else {
                delimiter.clone()
            };
            Value::String(match items.split_last() {
                Some((tail, init)) if !init.is_empty() => {
                    format!("{}{last}{tail}", init.join(&delimiter))
                }
                _ => items.concat(),
            })
        }
        Function::Split => {
            let delimiter = a.text(1);
            if delimiter.is_empty() {
                return Err(a.error("the delimiter is empty"));
            }
            Value::Array(
                a.text(0)
                    .split(delimiter.as_str())
                    .map(|s| Value::String(s.to_owned()))
                    .collect(),
            )
        }
        Function::Substitute => {
            let old = a.text(1);
            if old.is_empty() {
                return Err(a.error("the text to replace is empty"));
            }
            Value::String(a.text(0).replace(&old, &a.text(2)))
        }
        Function::Mid => {
            let start = a.int(1)?;
            let length = a.int(2)?;
            if start < 1 || length < 0 {
                return Err(a.error(format!(
                    "the start ({start}) counts from 1 and the length ({length}) from 0"
                )));
            }
            Value::String(
                a.text(0)
                    .chars()
                    .skip(start as usize - 1)
                    .take(length as usize)
                    .collect(),
            )
        }
        Function::UrlEncode => {
            Value::String(utf8_percent_encode(&a.text(0), URL_UNRESERVED).to_string())
        }
        Function::GetField => match &values[0] {
            Value::Object(map) => map.get(&a.text(1)).cloned().unwrap_or(Value::Null),
            Value::Null => Value::Null,
            other => return Err(a.error(format!("argument 1 is not an object: {other}"))),
        },
        Function::NestedField => {
            let mut value = values[0].clone();
            for i in 1..values.len() {
                for step in key_steps(&a.text(i)).map_err(|m| a.error(m))? {
                    value = step_into(value, &step).unwrap_or(Value::Null);
                }
            }
            value
        }
        Function::Filter => {
            let path = serde_json_path::JsonPath::parse(&a.text(1))
                .map_err(|e| a.error(format!("bad JSONPath: {e}")))?;
            Value::Array(path.query(&values[0]).all().into_iter().cloned().collect())
        }
        Function::Identity => values[0].clone(),
        Function::ToText => Value::String(a.text(0)),
        Function::ToNumber => number(a.num(0)?),
        Function::ToObject => match &values[0] {
            Value::Object(_) => values[0].clone(),
            _ => match serde_json::from_str::<Value>(&a.text(0)) {
                Ok(object @ Value::Object(_)) => object,
                _ => return Err(a.error(format!("not a JSON object: {}", a.text(0)))),
            },
        },
        Function::IsDate => {
            let format = strftime_of(&a.text(1)).map_err(|m| a.error(m))?;
            let parsed = jiff::fmt::strtime::parse(&format, a.text(0));
            Value::Bool(parsed.is_ok_and(|tm| tm.to_date().is_ok()))
        }
        Function::IsCreditCardNumber => Value::Bool(luhn(&a.text(0))),
        Function::Rand => Value::from(scope.random()),
        Function::Uuid => Value::String(uuid_v4(scope)),
    })
}

/// The steps of a `NESTED_FIELD` key: a field, then any `[n]` indexes (`lines[0]`).
pub(crate) fn key_steps(key: &str) -> Result<Vec<Step>, String> {
    let (field, mut rest) = key.split_once('[').map_or((key, ""), |(f, r)| (f, r));
    let mut steps = vec![Step::Field(Name::new(field))];
    while !rest.is_empty() {
        let (index, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("unclosed `[` in the key `{key}`"))?;
        let index = index
            .parse()
            .map_err(|_| format!("`{index}` in the key `{key}` is not an index"))?;
        steps.push(Step::Index(index));
        rest = after.strip_prefix('[').unwrap_or(after);
    }
    Ok(steps)
}

/// The `strftime` format of a Java-style date pattern (`uuuu-MM-dd`).
fn strftime_of(pattern: &str) -> Result<String, String> {
    let mut out = String::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        if c == '\'' {
            let end = chars[i + 1..]
                .iter()
                .position(|&d| d == '\'')
                .ok_or("an unclosed quote in the date pattern")?;
            out.extend(
                chars[i + 1..i + 1 + end]
                    .iter()
                    .map(|&d| d.to_string().replace('%', "%%")),
            );
            i += end + 2;
            continue;
        }
        let spec = match (c, run) {
            ('y' | 'u', 2) => "%y",
            ('y' | 'u', _) => "%Y",
            ('M', 1 | 2) => "%m",
            ('M', 3) => "%b",
            ('M', _) => "%B",
            ('d', _) => "%d",
            ('H', _) => "%H",
            ('m', _) => "%M",
            ('s', _) => "%S",
            ('E', 1..=3) => "%a",
            ('E', _) => "%A",
            (c, _) if c.is_ascii_alphabetic() => {
                return Err(format!("the date pattern letter `{c}` is not supported"));
            }
            ('%', _) => "%%",
            _ => {
                out.push(c);
                i += 1;
                continue;
            }
        };
        out.push_str(spec);
        i += run;
    }
    Ok(out)
}

/// Whether `text` is 12 to 19 digits (spaces and dashes ignored) passing the Luhn check.
fn luhn(text: &str) -> bool {
    let digits: Vec<u32> = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .unwrap_or_default();
    if !(12..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2, d * 2) {
            (0, _) => d,
            (_, doubled) if doubled > 9 => doubled - 9,
            (_, doubled) => doubled,
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A version 4 UUID from four draws of [`Scope::random`].
fn uuid_v4(scope: &dyn Scope) -> String {
    let mut bytes = [0u8; 16];
    for chunk in bytes.chunks_mut(4) {
        let word = (scope.random() * 4_294_967_296.0) as u32;
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests;
