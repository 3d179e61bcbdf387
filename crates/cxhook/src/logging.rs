//! Log output: human lines on a terminal, JSON lines that Cloud Logging reads as they are
//! everywhere else.
//!
//! What is logged is decided where it is logged, not here: the server's spans carry the
//! request ID (the detectIntentResponseId), the tag, a hash of the session name and the
//! trace of the request, never parameter values (but those a configured allow-list names),
//! user text or headers. [`JsonLayer`] turns the trace into Cloud Logging's correlation
//! fields, so a call's lines appear under its request in the console.

mod json;
#[cfg(feature = "otlp")]
mod otlp;
mod trace;

pub use json::JsonLayer;
#[cfg(feature = "otlp")]
pub(crate) use otlp::set_parent;
#[cfg(feature = "otlp")]
pub use otlp::{Otlp, OtlpGuard};
pub(crate) use json::{SPAN_ID, TRACE_ID, TRACE_SAMPLED};
pub use trace::TraceContext;

use std::io::IsTerminal;

use tracing::Subscriber;
use tracing_subscriber::{EnvFilter, Registry};
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
/// such as `info` or `cxhook=debug,info`; `RUST_LOG`, when set, wins over it.
///
/// Returns an error when the filter does not parse or a subscriber is already installed.
pub fn init(format: LogFormat, filter: &str) -> Result<(), crate::BoxError> {
    init_with_project(format, filter, None)
}

/// [`init`], with the Google Cloud project the JSON lines name traces in (`None`: the
/// `GOOGLE_CLOUD_PROJECT` environment variable's).
pub fn init_with_project(
    format: LogFormat,
    filter: &str,
    project: Option<&str>,
) -> Result<(), crate::BoxError> {
    install(format, filter, project, None::<tracing_subscriber::layer::Identity>)
}

/// [`init_with_project`], and the call spans exported to an OpenTelemetry collector as
/// `otlp` says. Keep the guard until the process ends: dropping it sends the last spans.
#[cfg(feature = "otlp")]
pub fn init_with_otlp(
    format: LogFormat,
    filter: &str,
    project: Option<&str>,
    otlp: &Otlp,
) -> Result<OtlpGuard, crate::BoxError> {
    let (layer, guard) = otlp.layer()?;
    install(format, filter, project, Some(layer))?;
    Ok(guard)
}

/// Installs the global subscriber: `extra` (when some), the filter, and the log lines.
fn install<L>(
    format: LogFormat,
    filter: &str,
    project: Option<&str>,
    extra: Option<L>,
) -> Result<(), crate::BoxError>
where
    L: Layer<Registry> + Send + Sync,
{
    let filter = match std::env::var("RUST_LOG") {
        Ok(env) if !env.is_empty() => EnvFilter::try_new(env)?,
        _ => EnvFilter::try_new(filter)?,
    };
    let json = match format {
        LogFormat::Auto => !std::io::stderr().is_terminal(),
        LogFormat::Json => true,
        LogFormat::Human => false,
    };
    let registry = tracing_subscriber::registry().with(extra).with(filter);
    if json {
        registry
            .with(JsonLayer::new(std::io::stderr).project(project))
            .try_init()?;
    } else {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .compact()
                    .with_writer(std::io::stderr),
            )
            .try_init()?;
    }
    Ok(())
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
