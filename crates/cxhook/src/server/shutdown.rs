//! Serving on a listener until SIGTERM or SIGINT, letting in-flight calls finish.

use std::future::Future;

use tokio::net::TcpListener;

use super::Webhook;

/// Starts the router's start-up tasks and serves `webhook` on `listener` until SIGTERM or
/// SIGINT; calls in flight then finish before this returns.
pub async fn serve(listener: TcpListener, webhook: Webhook) -> std::io::Result<()> {
    serve_with_shutdown(listener, webhook, shutdown_signal()).await
}

/// Starts the router's start-up tasks ([`Webhook::start`]) and serves `webhook` on
/// `listener` until `shutdown` completes; `/readyz` then answers 503, and calls in flight
/// finish before this returns.
pub async fn serve_with_shutdown(
    listener: TcpListener,
    webhook: Webhook,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    webhook.start();
    let readiness = webhook.readiness().clone();
    let limits = webhook.connection_limits();
    let app = webhook.into_axum();
    super::connection::serve(listener, app, &limits, async move {
        shutdown.await;
        readiness.set(false);
        tracing::info!("shutting down: finishing calls in flight");
    })
    .await
}

/// Completes on the first SIGTERM (how Cloud Run and Kubernetes stop a container) or
/// SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(
            tokio::signal::unix::SignalKind::terminate(),
        ) {
            Ok(signal) => signal,
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM; only SIGINT stops the server");
                let _ = interrupt.await;
                return;
            }
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
