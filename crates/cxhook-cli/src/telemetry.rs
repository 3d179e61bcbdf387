//! Logging set up from the config: the lines on stderr, written in batches when `[log]
//! batch_ms` asks for it, and the span export to an OpenTelemetry collector (feature `otlp`).
//! Both run until [`flush`] writes and sends what they still hold.

use anyhow::{Context, anyhow};
use cxhook::logging::{LogGuard, Logs};

use crate::config::Config;

/// What logging started, kept until the process ends.
static GUARD: std::sync::Mutex<Option<LogGuard>> = std::sync::Mutex::new(None);

/// Installs the log output `[log]` asks for and, when `[otlp] endpoint` is set, the span
/// export.
pub(crate) fn init(config: &Config) -> anyhow::Result<()> {
    let log = &config.log;
    let mut logs = Logs::new(log.format, &log.filter).project(log.project.as_deref());
    if let Some(interval) = log.batch {
        logs = logs.batched(interval);
    }
    match &config.otlp.endpoint {
        #[cfg(feature = "otlp")]
        Some(endpoint) => {
            logs = logs.otlp(cxhook::logging::Otlp::new(
                endpoint.as_str(),
                &config.otlp.service_name,
            ));
        }
        #[cfg(not(feature = "otlp"))]
        Some(_) => anyhow::bail!(
            "config error: `otlp.endpoint` {}",
            crate::config::WITHOUT_OTLP
        ),
        None => {}
    }
    let guard = logs
        .init()
        .map_err(|e| anyhow!("cannot set up logging with [log] and [otlp] (or RUST_LOG): {e}"))
        .context("config error")?;
    *GUARD.lock().unwrap_or_else(|e| e.into_inner()) = Some(guard);
    Ok(())
}

/// Writes the log lines still gathered and sends the spans the exporter still holds.
pub(crate) fn flush() {
    drop(GUARD.lock().unwrap_or_else(|e| e.into_inner()).take());
}
