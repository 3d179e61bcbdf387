//! OpenTelemetry export (feature `otlp`): the call spans go to an OTLP collector over HTTP
//! with protobuf bodies, batched on a thread of their own, under the trace the caller sent.

use std::time::Duration;

use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState, TracerProvider,
};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Subscriber;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::Layer;
use tracing_subscriber::registry::LookupSpan;

use super::TraceContext;

/// Where and as what the spans are exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Otlp {
    /// The collector's traces URL, e.g. `http://127.0.0.1:4318/v1/traces`.
    pub endpoint: String,
    /// The `service.name` resource attribute the spans carry.
    pub service_name: String,
    /// How long one export may take before it is given up.
    pub timeout: Duration,
}

impl Otlp {
    /// Spans of `service_name` exported to `endpoint`, with a 10 s export timeout.
    pub fn new(endpoint: impl Into<String>, service_name: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
            service_name: service_name.into(),
            timeout: Duration::from_secs(10),
        }
    }

    /// The layer that turns spans into OpenTelemetry spans, and the exporter's handle, which
    /// sends what is still batched when it is dropped or shut down.
    ///
    /// Returns an error when the endpoint is not a valid URL or the HTTP client can't be
    /// built.
    pub fn layer<S>(&self) -> Result<(impl Layer<S> + use<S>, OtlpGuard), crate::BoxError>
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_endpoint(self.endpoint.clone())
            .with_timeout(self.timeout)
            .build()?;
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(
                Resource::builder()
                    .with_service_name(self.service_name.clone())
                    .build(),
            )
            .build();
        let tracer = provider.tracer("cxhook");
        let layer = tracing_opentelemetry::layer().with_tracer(tracer);
        Ok((layer, OtlpGuard { provider }))
    }
}

/// Keeps the exporter running; dropping it sends the spans still batched and stops it.
#[derive(Debug)]
pub struct OtlpGuard {
    provider: SdkTracerProvider,
}

impl OtlpGuard {
    /// Sends every span ended so far, waiting for the collector's answer.
    pub fn flush(&self) -> Result<(), crate::BoxError> {
        self.provider.force_flush()?;
        Ok(())
    }
}

impl Drop for OtlpGuard {
    fn drop(&mut self) {
        if let Err(error) = self.provider.shutdown() {
            tracing::warn!(%error, "could not send the last spans to the OTLP collector");
        }
    }
}

/// Makes `span` a child of the caller's span in `trace`, so the exported call span sits
/// under the request in the trace viewer.
pub(crate) fn set_parent(span: &tracing::Span, trace: &TraceContext) {
    let (Ok(trace_id), Some(Ok(span_id))) = (
        TraceId::from_hex(&trace.trace_id),
        trace.span_id.as_deref().map(SpanId::from_hex),
    ) else {
        return;
    };
    let flags = if trace.sampled {
        TraceFlags::SAMPLED
    } else {
        TraceFlags::default()
    };
    let remote = SpanContext::new(trace_id, span_id, flags, true, TraceState::default());
    let parent = opentelemetry::Context::new().with_remote_span_context(remote);
    // A span that no OpenTelemetry layer sees has no parent to set; that is not an error.
    let _ = span.set_parent(parent);
}
