//! [`JsonLayer`]: one JSON object per event, in the shape Cloud Logging reads as it is.

use std::io::Write;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// The span fields the layer turns into Cloud Logging's trace correlation fields.
pub(crate) const TRACE_ID: &str = "trace_id";
/// The caller's span ID, as 16 hex digits.
pub(crate) const SPAN_ID: &str = "span_id";
/// Whether the caller sampled the trace.
pub(crate) const TRACE_SAMPLED: &str = "trace_sampled";

/// Writes each event as one line of JSON: `time` (RFC 3339), `severity` (Cloud Logging's
/// names), `message`, `target`, the event's own fields, `span` (the fields of the spans the
/// event is in, outermost first, inner ones winning), and — when a span carries a
/// `trace_id` — `logging.googleapis.com/trace` (`projects/{project}/traces/{trace_id}`),
/// `logging.googleapis.com/spanId` and `logging.googleapis.com/trace_sampled`, so that Cloud
/// Logging groups a call's lines under its request's trace.
///
/// The project is the one given to [`JsonLayer::project`], else the
/// `GOOGLE_CLOUD_PROJECT` environment variable; without one, the trace ID stays in `span`
/// only.
pub struct JsonLayer<W> {
    writer: W,
    project: Option<String>,
}

impl<W> std::fmt::Debug for JsonLayer<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLayer")
            .field("project", &self.project)
            .finish_non_exhaustive()
    }
}

impl<W> JsonLayer<W> {
    /// A layer writing to `writer`, the project taken from `GOOGLE_CLOUD_PROJECT`.
    pub fn new(writer: W) -> Self {
        let project = std::env::var("GOOGLE_CLOUD_PROJECT")
            .ok()
            .filter(|project| !project.trim().is_empty());
        Self { writer, project }
    }

    /// Sets the Google Cloud project the traces belong to (`None` keeps
    /// `GOOGLE_CLOUD_PROJECT`'s).
    #[must_use]
    pub fn project(mut self, project: Option<&str>) -> Self {
        if let Some(project) = project.filter(|project| !project.trim().is_empty()) {
            self.project = Some(project.to_owned());
        }
        self
    }
}

/// The fields a span was given, kept in its extensions.
struct SpanFields(Map<String, Value>);

impl<S, W> Layer<S> for JsonLayer<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + 'static,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = Map::new();
        attrs.record(&mut JsonVisitor(&mut fields));
        span.extensions_mut().insert(SpanFields(fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(SpanFields(fields)) = extensions.get_mut::<SpanFields>() {
            values.record(&mut JsonVisitor(fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let mut line = Map::new();
        line.insert(
            "time".to_owned(),
            Value::String(jiff::Timestamp::now().to_string()),
        );
        line.insert(
            "severity".to_owned(),
            Value::from(severity(*metadata.level())),
        );
        let mut fields = Map::new();
        event.record(&mut JsonVisitor(&mut fields));
        let message = fields
            .remove("message")
            .unwrap_or(Value::String(String::new()));
        line.insert("message".to_owned(), message);
        line.insert("target".to_owned(), Value::from(metadata.target()));
        for (key, value) in fields {
            line.entry(key).or_insert(value);
        }
        let mut spans = Map::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(fields)) = span.extensions().get::<SpanFields>() {
                    spans.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        if let (Some(project), Some(Value::String(trace))) = (&self.project, spans.get(TRACE_ID)) {
            line.insert(
                "logging.googleapis.com/trace".to_owned(),
                Value::String(format!("projects/{project}/traces/{trace}")),
            );
            if let Some(span_id) = spans.get(SPAN_ID) {
                line.insert("logging.googleapis.com/spanId".to_owned(), span_id.clone());
            }
            if let Some(sampled) = spans.get(TRACE_SAMPLED) {
                line.insert(
                    "logging.googleapis.com/trace_sampled".to_owned(),
                    sampled.clone(),
                );
            }
        }
        if !spans.is_empty() {
            line.insert("span".to_owned(), Value::Object(spans));
        }
        let Ok(mut bytes) = serde_json::to_vec(&line) else {
            return;
        };
        bytes.push(b'\n');
        // One write per line, so that lines of concurrent calls never interleave.
        let _ = self.writer.make_writer_for(metadata).write_all(&bytes);
    }
}

/// Cloud Logging's severity of a level.
fn severity(level: Level) -> &'static str {
    match level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARNING",
        Level::INFO => "INFO",
        Level::DEBUG | Level::TRACE => "DEBUG",
    }
}

struct JsonVisitor<'a>(&'a mut Map<String, Value>);

impl Visit for JsonVisitor<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.0
            .insert(field.name().to_owned(), Value::String(value.to_string()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_owned(), Value::String(format!("{value:?}")));
    }
}
