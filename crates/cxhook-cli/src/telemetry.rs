//! Logging set up from the config, and the span export to an OpenTelemetry collector
//! (feature `otlp`), which runs until [`flush`] sends its last spans.

use anyhow::{Context, anyhow};

use crate::config::Config;

/// The running span exporter, once logging is set up with one.
#[cfg(feature = "otlp")]
static EXPORTER: std::sync::Mutex<Option<cxhook::logging::OtlpGuard>> =
    std::sync::Mutex::new(None);

/// Installs the log output `[log]` asks for and, when `[otlp] endpoint` is set, the span
/// export.
pub(crate) fn init(config: &Config) -> anyhow::Result<()> {
    let log = &config.log;
    let project = log.project.as_deref();
    #[cfg(feature = "otlp")]
    if let Some(endpoint) = &config.otlp.endpoint {
        let otlp = cxhook::logging::Otlp::new(endpoint.as_str(), &config.otlp.service_name);
        let guard = cxhook::logging::init_with_otlp(log.format, &log.filter, project, &otlp)
            .map_err(|e| anyhow!("cannot set up logging and the OTLP export: {e}"))
            .context("config error")?;
        *EXPORTER.lock().unwrap_or_else(|e| e.into_inner()) = Some(guard);
        return Ok(());
    }
    #[cfg(not(feature = "otlp"))]
    if config.otlp.endpoint.is_some() {
        anyhow::bail!("config error: `otlp.endpoint` {}", crate::config::WITHOUT_OTLP);
    }
    cxhook::logging::init_with_project(log.format, &log.filter, project)
        .map_err(|e| anyhow!("cannot set up logging with log.filter (or RUST_LOG): {e}"))
        .context("config error")
}

/// Sends the spans the exporter still holds and stops it; nothing without one.
pub(crate) fn flush() {
    #[cfg(feature = "otlp")]
    drop(EXPORTER.lock().unwrap_or_else(|e| e.into_inner()).take());
}
