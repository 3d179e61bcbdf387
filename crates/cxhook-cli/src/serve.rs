//! `cxhook serve`: serve the webhook until SIGTERM or SIGINT.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;

use anyhow::Context;
use cxhook::logging::LogFormat;
use cxhook::server::{self, Webhook};
use tokio::net::TcpListener;

use crate::cli::ServeArgs;
use crate::config::Config;

/// Resolves the configuration, installs logging, builds the app, binds, says where it listens
/// on stdout, and serves until SIGTERM or SIGINT, letting calls in flight finish.
pub(crate) fn run(flags: &ServeArgs) -> anyhow::Result<()> {
    let mut config =
        Config::resolve(flags.config.as_deref(), flags.addr).context("config error")?;
    if flags.no_migrate {
        config.accounts.postgres.migrate = false;
        config.booking.postgres.migrate = false;
        config.memory.postgres.migrate = false;
    }
    crate::security::require_auth(config.server.addr, &config.auth, flags.insecure)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // Built inside the runtime, which runs whatever the integrations spawn as they are
    // built; their start-up tasks (reconciling pending external bookings) begin when
    // `server::serve` runs, with the server.
    let (webhook, recorder) = {
        let _runtime = runtime.enter();
        crate::telemetry::init(&config)?;
        crate::platform::warn_about_local_data(&config);
        // Serving is what makes memory's secret file, when it keys users with one.
        cxhook_integrations::memory::keep_secret(&config.memory)
            .context("cannot start memory ([memory])")?;
        let webhook = crate::app::webhook(&config)?;
        crate::security::announce(&config.auth);
        config.record.attach(webhook, flags.record.as_deref())?
    };
    let served = runtime.block_on(async {
        let listener = TcpListener::bind(config.server.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.server.addr))?;
        let addr = listener
            .local_addr()
            .context("cannot read the bound address")?;
        // Installed before the announcement: a SIGTERM sent once it is read stops cleanly.
        let shutdown = server::shutdown_signal();
        announce(addr, &webhook, json_lines(&config)).context("cannot write to stdout")?;
        tracing::info!(%addr, "listening");
        server::serve_with_shutdown(listener, webhook, shutdown)
            .await
            .context("the server stopped with an error")
    });
    served.and(crate::record::finish(recorder.as_ref()))
}

/// Whether the log lines are JSON: then every line cxhook writes is.
fn json_lines(config: &Config) -> bool {
    match config.log.format {
        LogFormat::Json => true,
        LogFormat::Human => false,
        LogFormat::Auto => !std::io::stderr().is_terminal(),
    }
}

/// Says on stdout where the webhook listens and which tags it serves: two lines for people,
/// or, when the log lines are JSON, one JSON line in their shape (`time`, `severity`,
/// `message`) with `addr`, `url` and `tags`, so that a log collector reads every line.
fn announce(addr: SocketAddr, webhook: &Webhook, json: bool) -> std::io::Result<()> {
    let tags: Vec<&str> = webhook.tags().collect();
    let url = format!("http://{addr}/webhook");
    let mut stdout = std::io::stdout().lock();
    if json {
        let line = serde_json::json!({
            "time": jiff::Timestamp::now().to_string(),
            "severity": "INFO",
            "message": format!("cxhook listening on {url}"),
            "addr": addr.to_string(),
            "url": url,
            "tags": tags,
        });
        writeln!(stdout, "{line}")?;
    } else {
        let tags = if tags.is_empty() {
            "(none)".to_owned()
        } else {
            tags.join(", ")
        };
        writeln!(stdout, "cxhook listening on {url}")?;
        writeln!(stdout, "tags: {tags}")?;
    }
    stdout.flush()
}
