//! Recording webhook calls: each request and its answer appended to a file as one JSON
//! line ([`Recorded`]), with the values of secret-looking parameters redacted.
//!
//! A [`Recorder`] given to [`Webhook::record`](super::Webhook::record) sees every call whose
//! body is a webhook request, once, after its answer is final (deadline, recover layer and
//! 64 KiB guard included): the record layer (`middleware/record.rs`) hands it each call. The call only hands the bytes to a bounded queue; a writer thread
//! redacts them and appends the line with a single write, so lines are never interleaved or
//! half written. When the queue is full the record is dropped and counted
//! (`cxhook_record_dropped_total`, [`Recorder::dropped`]) instead of slowing the call down.
//! [`Recorder::close`] writes what is queued and stops the writer.
//!
//! A call that carries the [`REPLAY_HEADER`] is not recorded: `cxhook replay` marks its
//! calls with it, so that replaying a recording against a server that records does not
//! append the replayed calls to the recording. (A caller that can call the webhook at all
//! can leave its calls out this way; a recording is a tool for tests, not an audit log.)
//!
//! # What is redacted
//!
//! [`Redaction`] replaces a value with [`REDACTED`] when its parameter's name looks like a
//! secret or is one of the configured names (compared without regard to case):
//!
//! - in the request: session parameters, the intent's parameters (`originalValue` and
//!   `resolvedValue`), the values of form parameters (`pageInfo.formInfo.parameterInfo`), and
//!   any key of the `payload`, at any depth;
//! - in the response: session parameters, form parameter values, and any key of a payload
//!   (top-level or in a message), at any depth;
//! - with [`Redaction::text`], what the user said: `text`, `transcript` and `dtmfDigits`.
//!
//! A name looks like a secret when, lower-cased and with everything but letters and digits
//! taken out, it contains one of [`SECRET_FRAGMENTS`] (`password`, `token`, `apikey`, …), or
//! when one of its words (split at `_`, `-`, `.` and camelCase humps) is one of
//! [`SECRET_WORDS`] (`pin`, `ssn`, `card`, …): `user_pin`, `cardNumber` and `X-Api-Key`
//! look like secrets, `shipping` and `spinner` do not. The texts of the response's messages
//! are not redacted. Every redacted value is listed by its path in the record's
//! [`redacted`](Recorded::redacted).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The header that marks a call as a replay of a recorded one (any value): such calls are not
/// recorded ([`Meta::replay`](super::Meta::replay)).
pub const REPLAY_HEADER: &str = "x-cxhook-replay";

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// How many records may wait for the writer by default.
pub const DEFAULT_QUEUE: usize = 1024;

/// Parts of names that mark them as secrets, wherever they appear in the name (lower-cased,
/// letters and digits only).
pub const SECRET_FRAGMENTS: &[&str] = &[
    "password",
    "passwd",
    "passcode",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
    "authorization",
    "cardnumber",
    "creditcard",
    "debitcard",
    "securitycode",
    "cvv",
    "cvc",
    "socialsecurity",
    "accountnumber",
    "routingnumber",
];

/// Words that mark a name as a secret when they are a whole word of it (`user_pin`,
/// `cardType`), not merely a part of one (`shipping`).
pub const SECRET_WORDS: &[&str] = &[
    "pin", "ssn", "sin", "otp", "card", "auth", "iban", "cvv", "cvc", "pwd",
];

/// One recorded call: a line of the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recorded {
    /// When the call was answered, RFC 3339 in UTC (empty when a hand-written record has none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub time: String,
    /// The request body as received, redacted.
    pub request: Value,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The answer's body, redacted.
    pub response: Value,
    /// How long the call took, in microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_us: Option<u64>,
    /// The paths of the values that were redacted, such as
    /// `request.sessionInfo.parameters.pin` or `response.pageInfo.formInfo.parameterInfo[0].value`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redacted: Vec<String>,
}

/// Which values a [`Recorder`] redacts; see the [module documentation](self).
///
/// ```
/// use cxhook::server::record::Redaction;
///
/// let redaction = Redaction::new().names(["user_id"]);
/// assert!(redaction.redacts("USER_ID"));
/// assert!(redaction.redacts("card_number"));
/// assert!(!redaction.redacts("shipping"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Redaction {
    /// Configured names, lower-cased.
    names: Vec<String>,
    /// Whether what the user said is redacted.
    text: bool,
}

impl Redaction {
    /// Redacts the parameters whose names look like secrets, and keeps what the user said.
    pub fn new() -> Self {
        Self::default()
    }

    /// Redacts these parameter names too, compared without regard to case.
    pub fn names<I, N>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = N>,
        N: AsRef<str>,
    {
        self.names
            .extend(names.into_iter().map(|n| n.as_ref().to_lowercase()));
        self
    }

    /// Whether what the user said (`text`, `transcript`, `dtmfDigits`) is redacted too.
    pub fn text(mut self, redact: bool) -> Self {
        self.text = redact;
        self
    }

    /// Whether the value of a parameter named `name` is redacted.
    pub fn redacts(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        self.names.contains(&lower) || looks_secret(name)
    }

    /// Redacts a webhook request in place; gives the paths of the values it replaced.
    pub fn request(&self, request: &mut Value) -> Vec<String> {
        let mut redacted = Vec::new();
        let Some(request) = request.as_object_mut() else {
            return redacted;
        };
        let mut found = Found::new("request", &mut redacted);
        if let Some(params) = field(request, "sessionInfo", "session_info")
            .and_then(|info| field(info, "parameters", "parameters"))
        {
            self.values(params, &mut found.at("sessionInfo.parameters"));
        }
        if let Some(params) = field(request, "intentInfo", "intent_info")
            .and_then(|info| field(info, "parameters", "parameters"))
        {
            for (name, value) in params.iter_mut() {
                let Some(value) = value.as_object_mut().filter(|_| self.redacts(name)) else {
                    continue;
                };
                for (key, alias) in [
                    ("originalValue", "original_value"),
                    ("resolvedValue", "resolved_value"),
                ] {
                    let key = if value.contains_key(key) { key } else { alias };
                    if let Some(slot) = value.get_mut(key) {
                        replace(
                            slot,
                            &mut found.at(&format!("intentInfo.parameters.{name}.{key}")),
                        );
                    }
                }
            }
        }
        if let Some(form) = field(request, "pageInfo", "page_info")
            .and_then(|page| field(page, "formInfo", "form_info"))
        {
            self.form(
                form,
                "parameterInfo",
                "parameter_info",
                &mut found.at("pageInfo.formInfo"),
            );
        }
        if let Some(payload) = request.get_mut("payload") {
            self.payload(payload, &mut found.at("payload"));
        }
        if self.text {
            for (key, alias) in [
                ("text", "text"),
                ("transcript", "transcript"),
                ("dtmfDigits", "dtmf_digits"),
            ] {
                let key = if request.contains_key(key) {
                    key
                } else {
                    alias
                };
                if let Some(slot) = request.get_mut(key) {
                    replace(slot, &mut found.at(key));
                }
            }
        }
        redacted
    }

    /// Redacts a webhook response in place; gives the paths of the values it replaced.
    pub fn response(&self, response: &mut Value) -> Vec<String> {
        let mut redacted = Vec::new();
        let Some(response) = response.as_object_mut() else {
            return redacted;
        };
        let mut found = Found::new("response", &mut redacted);
        if let Some(params) = field(response, "sessionInfo", "sessionInfo")
            .and_then(|info| field(info, "parameters", "parameters"))
        {
            self.values(params, &mut found.at("sessionInfo.parameters"));
        }
        if let Some(form) = field(response, "pageInfo", "pageInfo")
            .and_then(|page| field(page, "formInfo", "formInfo"))
        {
            self.form(
                form,
                "parameterInfo",
                "parameterInfo",
                &mut found.at("pageInfo.formInfo"),
            );
        }
        if let Some(messages) = field(response, "fulfillmentResponse", "fulfillmentResponse")
            .and_then(|fulfillment| fulfillment.get_mut("messages"))
            .and_then(Value::as_array_mut)
        {
            for (i, message) in messages.iter_mut().enumerate() {
                if let Some(payload) = message.get_mut("payload") {
                    let path = format!("fulfillmentResponse.messages[{i}].payload");
                    self.payload(payload, &mut found.at(&path));
                }
            }
        }
        if let Some(payload) = response.get_mut("payload") {
            self.payload(payload, &mut found.at("payload"));
        }
        redacted
    }

    /// Redacts the values of a map of parameters by their names.
    fn values(&self, params: &mut Map<String, Value>, found: &mut Found<'_>) {
        for (name, value) in params.iter_mut() {
            if self.redacts(name) {
                replace(value, &mut found.at(name));
            }
        }
    }

    /// Redacts the `value` of each form parameter in the list under `key` (or `alias`) whose
    /// `displayName` is redacted.
    fn form(&self, form: &mut Map<String, Value>, key: &str, alias: &str, found: &mut Found<'_>) {
        let key = if form.contains_key(key) { key } else { alias };
        let Some(list) = form.get_mut(key).and_then(Value::as_array_mut) else {
            return;
        };
        for (i, parameter) in list.iter_mut().enumerate() {
            let Some(parameter) = parameter.as_object_mut() else {
                continue;
            };
            let name = parameter
                .get("displayName")
                .or_else(|| parameter.get("display_name"))
                .and_then(Value::as_str);
            if !name.is_some_and(|name| self.redacts(name)) {
                continue;
            }
            if let Some(value) = parameter.get_mut("value") {
                replace(value, &mut found.at(&format!("{key}[{i}].value")));
            }
        }
    }

    /// Redacts every key of a payload that is redacted, at any depth.
    fn payload(&self, value: &mut Value, found: &mut Found<'_>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    let mut inner = found.at(key);
                    if self.redacts(key) {
                        replace(value, &mut inner);
                    } else {
                        self.payload(value, &mut inner);
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.payload(item, &mut found.index(i));
                }
            }
            _ => {}
        }
    }
}

/// The object under `key`, or under its snake_case `alias`.
fn field<'a>(
    object: &'a mut Map<String, Value>,
    key: &str,
    alias: &str,
) -> Option<&'a mut Map<String, Value>> {
    let key = if object.contains_key(key) { key } else { alias };
    object.get_mut(key).and_then(Value::as_object_mut)
}

/// Replaces a value that holds something (not `null`) with [`REDACTED`] and notes its path.
fn replace(value: &mut Value, found: &mut Found<'_>) {
    if !value.is_null() {
        *value = Value::String(REDACTED.to_owned());
        found.note();
    }
}

/// Where a redaction walk is, and the list of paths it redacted.
struct Found<'a> {
    path: String,
    redacted: &'a mut Vec<String>,
}

impl<'a> Found<'a> {
    fn new(root: &str, redacted: &'a mut Vec<String>) -> Self {
        Self {
            path: root.to_owned(),
            redacted,
        }
    }

    /// The walk one key further.
    fn at(&mut self, key: &str) -> Found<'_> {
        Found {
            path: format!("{}.{key}", self.path),
            redacted: self.redacted,
        }
    }

    /// The walk one array index further.
    fn index(&mut self, i: usize) -> Found<'_> {
        Found {
            path: format!("{}[{i}]", self.path),
            redacted: self.redacted,
        }
    }

    /// Notes that the value here was redacted.
    fn note(&mut self) {
        self.redacted.push(self.path.clone());
    }
}

/// Whether `name` looks like the name of a secret; see [`SECRET_FRAGMENTS`] and
/// [`SECRET_WORDS`].
fn looks_secret(name: &str) -> bool {
    let squashed: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_FRAGMENTS
        .iter()
        .any(|fragment| squashed.contains(fragment))
        || words(name).any(|word| SECRET_WORDS.contains(&word.as_str()))
}

/// The words of a name, lower-cased: split at anything but letters and digits, and before
/// an upper-case letter that follows a lower-case one.
fn words(name: &str) -> impl Iterator<Item = String> + '_ {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            words.push(std::mem::take(&mut word));
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_lowercase() || c.is_numeric();
        word.extend(c.to_lowercase());
    }
    words.push(word);
    words.into_iter().filter(|word| !word.is_empty())
}

/// What the writer thread is sent.
enum Message {
    /// A call to record.
    Call(Box<Call>),
    /// Write what came before, then stop.
    Close,
}

/// A call as the request path hands it over: bytes, not yet parsed or redacted.
struct Call {
    time: jiff::Timestamp,
    request: bytes::Bytes,
    status: StatusCode,
    response: Vec<u8>,
    elapsed: Duration,
}

/// Appends calls to a file as JSON lines, off the request path; cheap to clone. See the
/// [module documentation](self).
///
/// ```no_run
/// use cxhook::server::Webhook;
/// use cxhook::server::record::{Recorder, Redaction};
/// use cxhook::{Reply, Router};
///
/// # fn run() -> std::io::Result<()> {
/// let recorder = Recorder::builder("calls.jsonl")
///     .redaction(Redaction::new().names(["user_id"]))
///     .open()?;
/// let router: Router = Router::new().route("ping", || async { Reply::text("pong") });
/// let webhook = Webhook::new(router).record(recorder.clone());
/// // … serve it; once serving has stopped:
/// recorder.close()?;
/// # let _ = webhook;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Recorder(Arc<Shared>);

struct Shared {
    queue: SyncSender<Message>,
    dropped: AtomicU64,
    writer: Mutex<Option<JoinHandle<io::Result<()>>>>,
    path: PathBuf,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("path", &self.0.path)
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

/// How to open a [`Recorder`]: its file, what it redacts, and its queue.
#[derive(Debug, Clone)]
pub struct RecorderBuilder {
    path: PathBuf,
    redaction: Redaction,
    queue: usize,
}

impl RecorderBuilder {
    /// Sets what is redacted (by default [`Redaction::new`]).
    pub fn redaction(mut self, redaction: Redaction) -> Self {
        self.redaction = redaction;
        self
    }

    /// Sets how many records may wait for the writer (at least 1; [`DEFAULT_QUEUE`] by
    /// default); more are dropped and counted.
    pub fn queue(mut self, records: usize) -> Self {
        self.queue = records.max(1);
        self
    }

    /// Opens the file for appending (creating it when missing) and starts the writer thread.
    pub fn open(self) -> io::Result<Recorder> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot open {} to record calls: {e}", self.path.display()),
                )
            })?;
        metrics::describe_counter!(
            "cxhook_record_dropped_total",
            "Calls not recorded because the recording queue was full."
        );
        metrics::describe_counter!(
            "cxhook_record_errors_total",
            "Recorded calls that could not be written to the file."
        );
        let (queue, receive) = mpsc::sync_channel(self.queue);
        let redaction = self.redaction;
        let writer = std::thread::Builder::new()
            .name("cxhook-record".to_owned())
            .spawn(move || write_lines(file, &receive, &redaction))?;
        Ok(Recorder(Arc::new(Shared {
            queue,
            dropped: AtomicU64::new(0),
            writer: Mutex::new(Some(writer)),
            path: self.path,
        })))
    }
}

impl Recorder {
    /// A recorder appending to `path`, with the default redaction and queue.
    pub fn builder(path: impl AsRef<Path>) -> RecorderBuilder {
        RecorderBuilder {
            path: path.as_ref().to_path_buf(),
            redaction: Redaction::new(),
            queue: DEFAULT_QUEUE,
        }
    }

    /// The file records are appended to.
    pub fn path(&self) -> &Path {
        &self.0.path
    }

    /// How many calls were not recorded because the queue was full (or the recorder closed).
    pub fn dropped(&self) -> u64 {
        self.0.dropped.load(Ordering::Relaxed)
    }

    /// Queues one call for the writer, without waiting; a full queue drops it.
    pub(crate) fn record(
        &self,
        request: bytes::Bytes,
        status: StatusCode,
        response: &[u8],
        elapsed: Duration,
    ) {
        let call = Call {
            time: jiff::Timestamp::now(),
            request,
            status,
            response: response.to_vec(),
            elapsed,
        };
        match self.0.queue.try_send(Message::Call(Box::new(call))) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.0.dropped.fetch_add(1, Ordering::Relaxed);
                metrics::counter!("cxhook_record_dropped_total").increment(1);
            }
        }
    }

    /// Writes every call queued so far, then stops the writer; calls recorded after this are
    /// dropped. Gives the first error writing the file met, if any. Blocks until the queue is
    /// written: call it once serving has stopped.
    pub fn close(&self) -> io::Result<()> {
        let writer = self
            .0
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        let Some(writer) = writer else {
            return Ok(());
        };
        let _ = self.0.queue.send(Message::Close);
        writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the recording writer panicked")))
    }
}

/// The writer thread: one line, one write, until told to close or every sender is gone.
fn write_lines(
    mut file: File,
    receive: &Receiver<Message>,
    redaction: &Redaction,
) -> io::Result<()> {
    let mut first_error = None;
    while let Ok(Message::Call(call)) = receive.recv() {
        let mut line = match serde_json::to_vec(&redact(*call, redaction)) {
            Ok(line) => line,
            Err(e) => {
                first_error.get_or_insert(io::Error::other(e));
                continue;
            }
        };
        line.push(b'\n');
        if let Err(e) = file.write_all(&line) {
            metrics::counter!("cxhook_record_errors_total").increment(1);
            if first_error.is_none() {
                tracing::error!(error = %e, "cannot write a recorded call");
                first_error = Some(e);
            }
        }
    }
    file.flush()?;
    first_error.map_or(Ok(()), Err)
}

/// The record of a call: its bodies parsed and redacted.
fn redact(call: Call, redaction: &Redaction) -> Recorded {
    let parse = |bytes: &[u8]| {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
    };
    let mut request = parse(&call.request);
    let mut response = parse(&call.response);
    let mut redacted = redaction.request(&mut request);
    redacted.extend(redaction.response(&mut response));
    Recorded {
        time: call.time.to_string(),
        request,
        status: call.status.as_u16(),
        response,
        elapsed_us: Some(u64::try_from(call.elapsed.as_micros()).unwrap_or(u64::MAX)),
        redacted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_look_like_secrets() {
        for name in [
            "password",
            "userPassword",
            "api_key",
            "X-Api-Key",
            "access_token",
            "pin",
            "user_pin",
            "PIN",
            "pinCode",
            "ssn",
            "card",
            "card_number",
            "cardNumber",
            "cvv",
            "client_secret",
            "otp",
            "account_number",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in [
            "user_id",
            "shipping",
            "spinner",
            "opinion",
            "city",
            "date",
            "discard",
            "classname",
            "booking_id",
            "count",
        ] {
            assert!(!looks_secret(name), "{name}");
        }
    }

    #[test]
    fn words_split_at_separators_and_humps() {
        let split = |name| words(name).collect::<Vec<_>>();
        assert_eq!(split("cardNumber"), ["card", "number"]);
        assert_eq!(split("user_pin-code.x"), ["user", "pin", "code", "x"]);
        assert_eq!(split("PIN"), ["pin"]);
        assert_eq!(split("HTTPServer"), ["httpserver"]);
    }
}
