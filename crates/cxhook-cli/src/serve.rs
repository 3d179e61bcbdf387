//! `cxhook serve`: serve the webhook until SIGTERM or SIGINT.

use std::io::Write;
use std::net::SocketAddr;

use anyhow::{Context, anyhow};
use cxhook::middleware::RecoverLayer;
use cxhook::server::{self, Webhook};
use tokio::net::TcpListener;

use crate::cli::ServeArgs;
use crate::config::Config;
use crate::routes;

/// Resolves the configuration, sets up logging, binds, says where it listens on stdout, and
/// serves until SIGTERM or SIGINT, letting calls in flight finish.
pub(crate) fn run(flags: &ServeArgs) -> anyhow::Result<()> {
    let config = Config::resolve(flags).context("config error")?;
    cxhook::logging::init(config.log.format, &config.log.filter)
        .map_err(|e| anyhow!("cannot set up logging with log.filter (or RUST_LOG): {e}"))
        .context("config error")?;
    let recover = RecoverLayer::with_text(&config.fallback.text).status(config.fallback.status);
    let webhook = Webhook::new(routes::router(&config)?)
        .recover(recover)
        .body_limit(config.server.body_limit);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = TcpListener::bind(config.server.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.server.addr))?;
        let addr = listener
            .local_addr()
            .context("cannot read the bound address")?;
        announce(addr, &webhook).context("cannot write to stdout")?;
        tracing::info!(%addr, "listening");
        server::serve(listener, webhook)
            .await
            .context("the server stopped with an error")
    })
}

/// Says on stdout where the webhook listens and which tags it serves.
fn announce(addr: SocketAddr, webhook: &Webhook) -> std::io::Result<()> {
    let tags: Vec<&str> = webhook.tags().collect();
    let tags = if tags.is_empty() {
        "(none)".to_owned()
    } else {
        tags.join(", ")
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "cxhook listening on http://{addr}/webhook")?;
    writeln!(stdout, "tags: {tags}")?;
    stdout.flush()
}
