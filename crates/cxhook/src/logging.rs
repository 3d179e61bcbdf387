//! Log output: human lines on a terminal, JSON lines that Cloud Logging reads as they are
//! everywhere else.
//!
//! What is logged is decided where it is logged, not here: the server's spans carry the
//! request ID (the detectIntentResponseId), the tag, a hash of the session name and the
//! trace of the request, never parameter values (but those a configured allow-list names),
//! user text or headers. [`JsonLayer`] turns the trace into Cloud Logging's correlation
//! fields, so a call's lines appear under its request in the console.

mod batch;
mod json;
#[cfg(feature = "otlp")]
mod otlp;
mod trace;

pub use batch::{Batched, Line};
pub use json::JsonLayer;
#[cfg(feature = "server")]
pub(crate) use json::{SPAN_ID, TRACE_ID, TRACE_SAMPLED};
#[cfg(feature = "otlp")]
pub(crate) use otlp::set_parent;
#[cfg(feature = "otlp")]
pub use otlp::{Otlp, OtlpGuard};
pub use trace::TraceContext;

#[cfg(feature = "server")]
use std::borrow::Cow;
use std::io::IsTerminal;
use std::time::Duration;

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human lines when stderr is a terminal, JSON lines otherwise.
    #[default]
    Auto,
    /// JSON lines with Cloud Logging's `severity`, `message` and `time` fields.
    Json,
    /// Compact lines for people.
    Human,
}

/// Installs the global subscriber, writing to stderr. `filter` is an `EnvFilter` directive
/// such as `info` or `cxhook=debug,info`; `RUST_LOG`, when set, wins over it. [`Logs`] has
/// the other settings.
///
/// Returns an error when the filter does not parse or a subscriber is already installed.
pub fn init(format: LogFormat, filter: &str) -> Result<(), crate::BoxError> {
    Logs::new(format, filter).init().map(drop)
}

/// What the global subscriber does: the format and filter of the lines on stderr, the Google
/// Cloud project they name traces in, whether they are written in batches, and (feature
/// `otlp`) where call spans are exported. [`Logs::init`] installs it.
#[derive(Debug, Clone)]
pub struct Logs {
    format: LogFormat,
    filter: String,
    project: Option<String>,
    batch: Option<Duration>,
    #[cfg(feature = "otlp")]
    otlp: Option<Otlp>,
}

impl Logs {
    /// Lines in `format`, filtered by `filter` (an `EnvFilter` directive; `RUST_LOG`, when
    /// set, wins over it), each written to stderr as it is logged.
    pub fn new(format: LogFormat, filter: &str) -> Self {
        Self {
            format,
            filter: filter.to_owned(),
            project: None,
            batch: None,
            #[cfg(feature = "otlp")]
            otlp: None,
        }
    }

    /// The Google Cloud project JSON lines name traces in (`None`, the default: the
    /// `GOOGLE_CLOUD_PROJECT` environment variable's).
    pub fn project(mut self, project: Option<&str>) -> Self {
        self.project = project.map(str::to_owned);
        self
    }

    /// Gathers lines and writes them every `interval` (and at once for warnings and errors;
    /// see [`Batched`]): one system call for many lines, at the price of lines that are up to
    /// `interval` late. Not for a process that is frozen between calls, as on AWS Lambda.
    pub fn batched(mut self, interval: Duration) -> Self {
        self.batch = Some(interval);
        self
    }

    /// Also exports the call spans to an OpenTelemetry collector as `otlp` says.
    #[cfg(feature = "otlp")]
    pub fn otlp(mut self, otlp: Otlp) -> Self {
        self.otlp = Some(otlp);
        self
    }

    /// Installs the global subscriber. Keep the guard until the process ends: dropping it
    /// writes the lines still gathered and sends the last spans.
    ///
    /// Returns an error when the filter does not parse, the batch thread or the exporter
    /// can't be started, or a subscriber is already installed.
    pub fn init(self) -> Result<LogGuard, crate::BoxError> {
        let filter = match std::env::var("RUST_LOG") {
            Ok(env) if !env.is_empty() => EnvFilter::try_new(env)?,
            _ => EnvFilter::try_new(&self.filter)?,
        };
        let batched = self
            .batch
            .map(|interval| Batched::new(std::io::stderr(), interval))
            .transpose()?;
        #[cfg(feature = "otlp")]
        let (otlp, exporter) = match &self.otlp {
            Some(otlp) => {
                let (layer, guard) = otlp.layer()?;
                (Some(layer), Some(guard))
            }
            None => (None, None),
        };
        #[cfg(not(feature = "otlp"))]
        let otlp = None::<tracing_subscriber::layer::Identity>;
        let json = match self.format {
            LogFormat::Auto => !std::io::stderr().is_terminal(),
            LogFormat::Json => true,
            LogFormat::Human => false,
        };
        let project = self.project.as_deref();
        let registry = tracing_subscriber::registry().with(otlp).with(filter);
        match (json, batched.clone()) {
            (true, Some(batched)) => registry
                .with(JsonLayer::new(batched).project(project))
                .try_init()?,
            (true, None) => registry
                .with(JsonLayer::new(std::io::stderr).project(project))
                .try_init()?,
            (false, Some(batched)) => registry
                .with(
                    tracing_subscriber::fmt::layer()
                        .compact()
                        .with_writer(batched),
                )
                .try_init()?,
            (false, None) => registry
                .with(
                    tracing_subscriber::fmt::layer()
                        .compact()
                        .with_writer(std::io::stderr),
                )
                .try_init()?,
        }
        Ok(LogGuard {
            batched,
            #[cfg(feature = "otlp")]
            exporter,
        })
    }
}

/// Keeps what [`Logs::init`] started; dropping it writes the lines still gathered and, with
/// the `otlp` feature, sends the last spans.
#[derive(Debug)]
#[must_use = "dropping the guard at once writes and exports nothing more after it"]
pub struct LogGuard {
    batched: Option<Batched>,
    #[cfg(feature = "otlp")]
    exporter: Option<OtlpGuard>,
}

impl LogGuard {
    /// Writes out the lines gathered so far.
    pub fn flush(&self) -> std::io::Result<()> {
        self.batched.as_ref().map_or(Ok(()), Batched::flush)
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        let _ = self.flush();
        // Then the exporter's own guard sends the last spans and stops it.
        #[cfg(feature = "otlp")]
        drop(self.exporter.take());
    }
}

/// The JSON-lines layer [`init`] installs, writing to `writer`: one object per event with
/// `severity`, `message` and `time` (Cloud Logging's names), the event's fields, the
/// fields of its spans, and the trace correlation fields (see [`JsonLayer`]).
pub fn json_layer<S, W>(writer: W) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    JsonLayer::new(writer)
}

/// The most of a caller's text (a tag) that a log line shows, in characters: enough for any
/// real tag, while a 500 KB one stays a short line.
#[cfg(feature = "server")]
pub(crate) const MAX_SHOWN_CHARS: usize = 128;

/// `text` as log lines show it: whole up to [`MAX_SHOWN_CHARS`] characters, else its first
/// [`MAX_SHOWN_CHARS`], an ellipsis and its length (`xxxx… (512000 bytes)`).
#[cfg(feature = "server")]
pub(crate) fn clipped(text: &str) -> Cow<'_, str> {
    if text.len() <= MAX_SHOWN_CHARS {
        return Cow::Borrowed(text);
    }
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((end, _)) => Cow::Owned(format!("{}… ({} bytes)", &text[..end], text.len())),
        None => Cow::Borrowed(text),
    }
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_clipped_on_a_character_boundary() {
        assert_eq!(clipped("booking.create"), "booking.create");
        let short = "é".repeat(MAX_SHOWN_CHARS);
        assert_eq!(clipped(&short), short, "128 characters, 256 bytes");
        let long = format!("{}{}", "é".repeat(MAX_SHOWN_CHARS), "x".repeat(1000));
        assert_eq!(
            clipped(&long),
            format!("{}… (1256 bytes)", "é".repeat(MAX_SHOWN_CHARS))
        );
    }
}
