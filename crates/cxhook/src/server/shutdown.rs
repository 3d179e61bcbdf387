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
    let routes = webhook.into_routes();
    super::connection::serve(listener, routes, &limits, async move {
        shutdown.await;
        readiness.set(false);
        tracing::info!("shutting down: finishing calls in flight");
    })
    .await
}

/// Completes on the first SIGTERM (how Cloud Run and Kubernetes stop a container) or
/// SIGINT (Ctrl-C).
///
/// The handlers are installed when this is called, not when the future is first polled:
/// a process that says it is listening after calling this already stops cleanly on a
/// signal sent right after it said so. Call it inside a Tokio runtime.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let handlers = signal(SignalKind::terminate())
            .and_then(|terminate| Ok((terminate, signal(SignalKind::interrupt())?)));
        async move {
            match handlers {
                Ok((mut terminate, mut interrupt)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot listen for SIGTERM; only SIGINT stops the server");
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
