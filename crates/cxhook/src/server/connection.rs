//! The connection loop: accepts connections, keeps their number under the cap, closes the
//! ones that send nothing or stay idle, and runs every call to its end.
//!
//! Each connection is driven by a task of its own that watches its [`Activity`]: a
//! connection that has made no call, or is sending a request head, is dropped at its
//! deadline (there is no answer to finish); an idle one is asked to close with hyper's
//! graceful shutdown, which lets an answer being written go out, and dropped if it is still
//! open a header read timeout later. Stopping the server asks every connection to close the
//! same way. hyper-util's `GracefulShutdown` watcher cannot be used for this: it owns the
//! connection, so nothing else can ask it to close.
//!
//! Calls run on tasks of their own, so that a client that goes away does not cancel a call
//! halfway (a booking stored with its confirmation never sent, or one half-written): the
//! call finishes and only its answer is lost. Stopping waits for those calls too. HTTP/1
//! connections answer a client that has shut down its sending side after a complete
//! request (`half_close`); otherwise hyper takes the end of input for a lost connection.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::response::Response;
use futures_util::FutureExt;
use futures_util::future::Either;
use http::header::HOST;
use http::{Request, StatusCode, Version};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::UpgradeableConnection;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tower::ServiceExt;

use super::activity::{Activity, Next, Open, OpenConnections};
use super::edge::{Routes, WebhookRoute};
use super::file_limit;
use super::limits::{self, Limits};
use super::socket::Socket;
use crate::handler::BoxFuture;

/// A connection as the connection loop drives it.
type Connection = UpgradeableConnection<'static, TokioIo<Socket<TcpStream>>, Calls, TokioExecutor>;

/// Serves `app` on `listener` with the connection limits of `limits` until `shutdown`
/// completes; connections in flight then finish their calls before this returns.
pub(crate) async fn serve(
    listener: TcpListener,
    routes: Routes,
    limits: &Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let file_limit = file_limit::raise();
    let open = OpenConnections::new(file_limit::connection_cap(
        limits.max_connections,
        file_limit,
    ));
    tracing::info!(
        max_connections = open.cap(),
        file_limit,
        "capped the open connections"
    );
    let builder = limits.builder();
    let (stop, stopping) = watch::channel(false);
    // Every connection and every call holds a sender; `recv` ends when all are gone.
    let (running, mut all_done) = mpsc::channel::<Infallible>(1);
    let mut refused = Refused::default();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(place) = open.admit() else {
            refused.count(open.cap());
            continue;
        };
        let activity = Arc::clone(place.activity());
        let socket = Socket::new(stream, Arc::clone(&activity), *limits);
        let calls = Calls {
            routes: routes.clone(),
            activity,
            running: running.clone(),
        };
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(socket), calls)
            .into_owned();
        tokio::spawn(drive(
            connection,
            place,
            *limits,
            stopping.clone(),
            running.clone(),
        ));
    }
    drop(listener);
    stop.send_replace(true);
    drop(running);
    while all_done.recv().await.is_some() {}
    Ok(())
}

/// Drives one connection to its end: closes it at its deadline or when the server stops.
async fn drive(
    connection: Connection,
    place: Open,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
    _running: mpsc::Sender<Infallible>,
) {
    let activity = Arc::clone(place.activity());
    let mut connection = std::pin::pin!(connection);
    // Since when the connection has been asked to close.
    let mut closing: Option<tokio::time::Instant> = None;
    let mut stop_seen = false;
    loop {
        let (next, at_once) = match (
            activity.next(limits.header_read_timeout, limits.idle_timeout),
            closing,
        ) {
            (Next::Wait, _) => (None, false),
            (Next::CloseAt { .. }, Some(since)) => (Some(since + limits.header_read_timeout), true),
            (Next::CloseAt { at, drop }, None) => (Some(at), drop),
        };
        let deadline = async move {
            match next {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            ended = connection.as_mut() => {
                if let Err(error) = ended {
                    tracing::debug!(%error, "a connection ended with an error");
                }
                return;
            }
            () = activity.changed() => {}
            () = deadline => {
                if at_once {
                    // Nothing in flight and no answer to finish: close it now.
                    return;
                }
                connection.as_mut().graceful_shutdown();
                closing = Some(tokio::time::Instant::now());
            }
            _ = stopping.changed(), if !stop_seen => {
                stop_seen = true;
                connection.as_mut().graceful_shutdown();
                closing.get_or_insert_with(tokio::time::Instant::now);
            }
        }
    }
}

/// The service of one connection: checks what the transport must (the `Host` header), and
/// runs each call on a task of its own.
#[derive(Clone)]
struct Calls {
    routes: Routes,
    activity: Arc<Activity>,
    running: mpsc::Sender<Infallible>,
}

impl hyper::service::Service<Request<Incoming>> for Calls {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response, Infallible>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let busy = self.activity.call(request.version());
        if let Some(problem) = host_problem(&request) {
            return Box::pin(async move {
                drop(busy);
                Ok(limits::error(StatusCode::BAD_REQUEST, "bad_host", problem))
            });
        }
        // The webhook's future is several KiB: boxed once here, it is not copied again as
        // it is spawned, polled and finished.
        let call = if WebhookRoute::matches(&request) {
            Either::Left(Box::pin(self.routes.webhook.clone().answer(request)).map(Ok))
        } else {
            Either::Right(self.routes.rest.clone().oneshot(request))
        };
        let running = self.running.clone();
        let task = tokio::spawn(async move {
            let _running = running;
            call.await
        });
        Box::pin(async move {
            let _busy = busy;
            match task.await {
                Ok(Ok(response)) => Ok(response),
                Ok(Err(never)) => match never {},
                Err(error) => {
                    tracing::error!(%error, "a call's task ended without an answer");
                    Ok(limits::error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        "the call failed without an answer",
                    ))
                }
            }
        })
    }
}

/// What is wrong with the request's `Host` header: an HTTP/1.1 request must have exactly
/// one (RFC 9112, section 3.2).
fn host_problem<B>(request: &Request<B>) -> Option<&'static str> {
    if request.version() != Version::HTTP_11 {
        return None;
    }
    let mut hosts = request.headers().get_all(HOST).iter();
    match (hosts.next(), hosts.next()) {
        (None, _) => Some("an HTTP/1.1 request must have a Host header"),
        (Some(_), Some(_)) => Some("an HTTP/1.1 request must have only one Host header"),
        (Some(_), None) => None,
    }
}

/// Connections refused because every open one had a call in flight; logged at most once a
/// second, with the count since the last line.
#[derive(Debug, Default)]
struct Refused {
    count: u64,
    last_logged: Option<Instant>,
}

impl Refused {
    fn count(&mut self, cap: usize) {
        self.count += 1;
        if self
            .last_logged
            .is_none_or(|at| at.elapsed() >= Duration::from_secs(1))
        {
            self.last_logged = Some(Instant::now());
            tracing::warn!(
                refused = self.count,
                max_connections = cap,
                "closed new connections: every open one has a call in flight"
            );
            self.count = 0;
        }
    }
}
