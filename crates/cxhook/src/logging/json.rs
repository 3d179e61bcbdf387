//! [`JsonLayer`]: one JSON object per event, in the shape Cloud Logging reads as it is.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::fmt;
use std::io::Write;
use std::ops::Range;

use serde::Serializer as _;
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

/// The fields a span was given, each written as JSON once, when it is recorded.
struct SpanFields {
    /// The JSON of the values, one after another; a field recorded again is appended.
    json: Vec<u8>,
    /// Each field's name and where its latest value is in `json`.
    fields: Vec<(&'static str, Range<usize>)>,
}

impl SpanFields {
    fn new() -> Self {
        Self {
            json: Vec::with_capacity(128),
            fields: Vec::with_capacity(8),
        }
    }
}

impl FieldSink for SpanFields {
    fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.json
    }

    fn written(&mut self, name: &'static str, json: Range<usize>) {
        match self.fields.iter_mut().find(|(field, _)| *field == name) {
            Some((_, range)) => *range = json,
            None => self.fields.push((name, json)),
        }
    }
}

/// Buffers the layer reuses from one event to the next on each thread, so that writing a
/// line allocates nothing once they have grown.
#[derive(Default)]
struct Scratch {
    /// The JSON of the line's values (and of the span fields they are built from).
    values: Vec<u8>,
    /// The line's members, before sorting: a name can come more than once.
    members: Vec<Member>,
    /// The fields of the event's spans: name, depth (0 the outermost), JSON in `values`.
    spans: Vec<(&'static str, usize, Range<usize>)>,
    /// The line.
    line: Vec<u8>,
}

/// Buffers larger than this after a line are dropped rather than kept for the next.
const SCRATCH_KEPT_BYTES: usize = 64 * 1024;

impl Scratch {
    fn clear(&mut self) {
        if self.values.capacity() > SCRATCH_KEPT_BYTES || self.line.capacity() > SCRATCH_KEPT_BYTES
        {
            *self = Self::default();
        }
        self.values.clear();
        self.members.clear();
        self.spans.clear();
        self.line.clear();
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// One member of a line: its name, its rank among members of the same name (the lowest
/// is written, the others dropped), and its value's JSON in [`Scratch::values`].
struct Member {
    name: &'static str,
    rank: (u8, Reverse<usize>),
    json: Range<usize>,
}

/// The trace correlation fields and `span`: they replace event fields of the same name.
const RANK_SET: u8 = 0;
/// `time`, `severity`, `message` and `target`: event fields of the same name give way.
const RANK_FIXED: u8 = 1;
/// The event's own fields; of two with one name, the later one.
const RANK_FIELD: u8 = 2;

impl FieldSink for Scratch {
    fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.values
    }

    fn written(&mut self, name: &'static str, json: Range<usize>) {
        let rank = if name == "message" {
            RANK_FIXED
        } else {
            RANK_FIELD
        };
        let seq = self.members.len();
        self.members.push(Member {
            name,
            rank: (rank, Reverse(seq)),
            json,
        });
    }
}

impl<S, W> Layer<S> for JsonLayer<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + 'static,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = SpanFields::new();
        attrs.record(&mut JsonVisitor(&mut fields));
        span.extensions_mut().insert(fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(fields) = extensions.get_mut::<SpanFields>() {
            values.record(&mut JsonVisitor(fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let write = |scratch: &mut Scratch| {
            scratch.clear();
            self.write_line(scratch, event, &ctx);
            // One write per line, so that lines of concurrent calls never interleave.
            let _ = self
                .writer
                .make_writer_for(event.metadata())
                .write_all(&scratch.line);
        };
        let reused = SCRATCH.try_with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => write(&mut scratch),
            // An event logged while this thread writes one (by the writer, say).
            Err(_) => write(&mut Scratch::default()),
        });
        if reused.is_err() {
            // The thread is exiting and its buffers are gone.
            write(&mut Scratch::default());
        }
    }
}

impl<W> JsonLayer<W> {
    /// Writes the line of `event`, newline included, to `scratch.line`: the members sorted
    /// by name, as `serde_json` writes a map.
    fn write_line<S>(&self, scratch: &mut Scratch, event: &Event<'_>, ctx: &Context<'_, S>)
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        let metadata = event.metadata();
        let time = write_json(&mut scratch.values, |json| {
            json.collect_str(&jiff::Timestamp::now())
        });
        scratch.push_fixed("time", time);
        let severity = write_json(&mut scratch.values, |json| {
            json.serialize_str(severity(*metadata.level()))
        });
        scratch.push_fixed("severity", severity);
        let target = write_json(&mut scratch.values, |json| {
            json.serialize_str(metadata.target())
        });
        scratch.push_fixed("target", target);
        event.record(&mut JsonVisitor(&mut *scratch));
        if !scratch
            .members
            .iter()
            .any(|member| member.name == "message")
        {
            let empty = write_json(&mut scratch.values, |json| json.serialize_str(""));
            scratch.push_fixed("message", empty);
        }
        if let Some(scope) = ctx.event_scope(event) {
            for (depth, span) in scope.from_root().enumerate() {
                if let Some(fields) = span.extensions().get::<SpanFields>() {
                    for (name, json) in &fields.fields {
                        let start = scratch.values.len();
                        scratch.values.extend_from_slice(&fields.json[json.clone()]);
                        let copied = start..scratch.values.len();
                        scratch.spans.push((name, depth, copied));
                    }
                }
            }
        }
        // Of the fields a name has in several spans, the innermost one's.
        scratch
            .spans
            .sort_by(|a, b| a.0.cmp(b.0).then(b.1.cmp(&a.1)));
        scratch.spans.dedup_by(|later, first| later.0 == first.0);
        self.push_trace(scratch);
        if !scratch.spans.is_empty() {
            let start = scratch.values.len();
            scratch.values.push(b'{');
            for index in 0..scratch.spans.len() {
                if index > 0 {
                    scratch.values.push(b',');
                }
                let (name, _, json) = scratch.spans[index].clone();
                write_key(&mut scratch.values, name);
                scratch.values.extend_from_within(json);
            }
            scratch.values.push(b'}');
            let span = start..scratch.values.len();
            scratch.push_set("span", span);
        }
        scratch
            .members
            .sort_by(|a, b| a.name.cmp(b.name).then(a.rank.cmp(&b.rank)));
        scratch
            .members
            .dedup_by(|later, first| later.name == first.name);
        scratch.line.push(b'{');
        for (index, member) in scratch.members.iter().enumerate() {
            if index > 0 {
                scratch.line.push(b',');
            }
            write_key(&mut scratch.line, member.name);
            scratch
                .line
                .extend_from_slice(&scratch.values[member.json.clone()]);
        }
        scratch.line.extend_from_slice(b"}\n");
    }

    /// Adds Cloud Logging's trace correlation fields when the spans carry a trace ID (a
    /// string) and the project is known.
    fn push_trace(&self, scratch: &mut Scratch) {
        let Some(project) = &self.project else { return };
        let Some(trace) = scratch.span_field(TRACE_ID) else {
            return;
        };
        if scratch.values.get(trace.start) != Some(&b'"') {
            return;
        }
        // `"projects/{project}/traces/` and the trace ID's JSON after its opening quote: one
        // JSON string, escaped as serde_json escapes it, since escaping goes character by
        // character.
        let start = scratch.values.len();
        write_json(&mut scratch.values, |json| {
            json.collect_str(&format_args!("projects/{project}/traces/"))
        });
        scratch.values.pop();
        scratch
            .values
            .extend_from_within(trace.start + 1..trace.end);
        let full = start..scratch.values.len();
        scratch.push_set("logging.googleapis.com/trace", full);
        if let Some(span_id) = scratch.span_field(SPAN_ID) {
            scratch.push_set("logging.googleapis.com/spanId", span_id);
        }
        if let Some(sampled) = scratch.span_field(TRACE_SAMPLED) {
            scratch.push_set("logging.googleapis.com/trace_sampled", sampled);
        }
    }
}

impl Scratch {
    fn push_fixed(&mut self, name: &'static str, json: Range<usize>) {
        self.members.push(Member {
            name,
            rank: (RANK_FIXED, Reverse(0)),
            json,
        });
    }

    fn push_set(&mut self, name: &'static str, json: Range<usize>) {
        self.members.push(Member {
            name,
            rank: (RANK_SET, Reverse(0)),
            json,
        });
    }

    /// The JSON of the span field `name`, once the span fields are sorted and deduplicated.
    fn span_field(&self, name: &str) -> Option<Range<usize>> {
        let index = self
            .spans
            .binary_search_by(|(field, _, _)| (*field).cmp(name))
            .ok()?;
        Some(self.spans[index].2.clone())
    }
}

/// Writes one JSON value to the end of `buffer` with `serde_json`, returning where it is.
fn write_json(
    buffer: &mut Vec<u8>,
    write: impl FnOnce(&mut serde_json::Serializer<&mut Vec<u8>>) -> serde_json::Result<()>,
) -> Range<usize> {
    let start = buffer.len();
    // Writing to a `Vec` fails only for values that are not JSON, which these are not.
    if write(&mut serde_json::Serializer::new(&mut *buffer)).is_err() {
        buffer.truncate(start);
        buffer.extend_from_slice(b"null");
    }
    start..buffer.len()
}

/// Writes `"name":`.
fn write_key(buffer: &mut Vec<u8>, name: &str) {
    write_json(buffer, |json| json.serialize_str(name));
    buffer.push(b':');
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

/// Where a visitor writes the JSON of the fields it visits.
trait FieldSink {
    /// The buffer the values are written to the end of.
    fn buffer(&mut self) -> &mut Vec<u8>;

    /// Field `name` was written at `json` in the buffer.
    fn written(&mut self, name: &'static str, json: Range<usize>);
}

/// Writes each field's value as JSON, as `serde_json` writes a `Value` made of it (a
/// float that is not finite is `null`; errors and `Debug` values are strings).
struct JsonVisitor<'a, T>(&'a mut T);

impl<T: FieldSink> JsonVisitor<'_, T> {
    fn write(
        &mut self,
        field: &Field,
        write: impl FnOnce(&mut serde_json::Serializer<&mut Vec<u8>>) -> serde_json::Result<()>,
    ) {
        let json = write_json(self.0.buffer(), write);
        self.0.written(field.name(), json);
    }
}

impl<T: FieldSink> Visit for JsonVisitor<'_, T> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.write(field, |json| json.serialize_f64(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.write(field, |json| json.serialize_i64(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.write(field, |json| json.serialize_u64(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.write(field, |json| json.serialize_bool(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.write(field, |json| json.serialize_str(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.write(field, |json| json.collect_str(value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.write(field, |json| json.collect_str(&format_args!("{value:?}")));
    }
}
