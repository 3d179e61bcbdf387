//! What the two database backends report about themselves alike: their query metrics
//! ([`QueryMetrics`]) and their readiness, probed at most once a second ([`Probes`]).
//!
//! A SQLite file and a Postgres server fail in different ways, so each backend probes its
//! own way; how the outcome is shared, reused and logged, and how queries are counted for
//! `/metrics`, is one thing, kept here so that the two cannot drift.

use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use metrics::{Counter, Gauge};

use crate::store::StoreError;

/// How long a readiness probe's outcome is reused: `/readyz` polled many times a second
/// costs one probe a second.
const PROBE_REUSE: Duration = Duration::from_secs(1);

/// The metrics of one database, labelled `db` with its components' names joined by `+`:
/// queries by outcome, callers waiting, connections busy. Looked up at the first query, after
/// the server installed its recorder.
#[derive(Debug)]
pub(crate) struct QueryMetrics {
    label: String,
    handles: OnceLock<Handles>,
}

/// The metric handles of one database.
#[derive(Debug)]
struct Handles {
    queued: Gauge,
    busy: Gauge,
    ok: Counter,
    timeout: Counter,
    closed: Counter,
    overloaded: Counter,
    error: Counter,
}

impl QueryMetrics {
    /// The metrics of the database opened for these components.
    pub(crate) fn new<'a>(components: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            label: components.into_iter().collect::<Vec<_>>().join("+"),
            handles: OnceLock::new(),
        }
    }

    /// The `db` label.
    pub(crate) fn label(&self) -> &str {
        &self.label
    }

    fn handles(&self) -> &Handles {
        self.handles.get_or_init(|| {
            let db = self.label.clone();
            let queries = |result: &'static str| {
                metrics::counter!("cxhook_db_queries_total", "db" => db.clone(), "result" => result)
            };
            Handles {
                queued: metrics::gauge!("cxhook_db_queue_depth", "db" => db.clone()),
                busy: metrics::gauge!("cxhook_db_connections_busy", "db" => db.clone()),
                ok: queries("ok"),
                timeout: queries("timeout"),
                closed: queries("closed"),
                overloaded: queries("overloaded"),
                error: queries("error"),
            }
        })
    }

    /// Callers waiting for a connection (`cxhook_db_queue_depth`).
    pub(crate) fn queued(&self) -> &Gauge {
        &self.handles().queued
    }

    /// Connections running a query (`cxhook_db_connections_busy`).
    pub(crate) fn busy(&self) -> &Gauge {
        &self.handles().busy
    }

    /// Counts one query by how it ended.
    pub(crate) fn count<T>(&self, result: &Result<T, StoreError>) {
        let handles = self.handles();
        match result {
            Ok(_) => &handles.ok,
            Err(StoreError::Timeout(_)) => &handles.timeout,
            Err(StoreError::Closed) => &handles.closed,
            Err(StoreError::Overloaded) => &handles.overloaded,
            Err(_) => &handles.error,
        }
        .increment(1);
    }
}

/// The last readiness probe of a database and its outcome; its lock makes concurrent checks
/// share one probe.
#[derive(Debug, Default)]
pub(crate) struct Probes(tokio::sync::Mutex<Option<(Instant, Result<(), Failure>)>>);

/// Why a probe failed: a schema that is behind, kept as such so that readiness names the
/// component and version, or any other error, described.
#[derive(Debug, Clone)]
enum Failure {
    Schema {
        component: &'static str,
        found: i64,
        needed: usize,
    },
    Other(String),
}

impl Failure {
    fn new(error: &StoreError) -> Self {
        match *error {
            StoreError::Schema {
                component,
                found,
                needed,
            } => Self::Schema {
                component,
                found,
                needed,
            },
            ref error => Self::Other(describe(error)),
        }
    }

    fn error(self) -> StoreError {
        match self {
            Self::Schema {
                component,
                found,
                needed,
            } => StoreError::Schema {
                component,
                found,
                needed,
            },
            Self::Other(text) => StoreError::Database(text.into()),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Schema { .. } => self.clone().error().fmt(f),
            Self::Other(text) => f.write_str(text),
        }
    }
}

impl Probes {
    /// The outcome of the last `probe` when it is less than a second old, else of `probe`
    /// run now; a change of outcome is logged with its cause, labelled with `db`.
    pub(crate) async fn check(
        &self,
        db: &str,
        probe: impl Future<Output = Result<(), StoreError>>,
    ) -> Result<(), StoreError> {
        let mut last = self.0.lock().await;
        if let Some((_, outcome)) = last.as_ref().filter(|(at, _)| at.elapsed() < PROBE_REUSE) {
            return outcome.clone().map_err(Failure::error);
        }
        let outcome = probe.await.map_err(|error| Failure::new(&error));
        match (last.as_ref().map(|(_, outcome)| outcome), &outcome) {
            (None | Some(Ok(())), Err(error)) => {
                tracing::warn!(%db, %error, "the database is not ready");
            }
            (Some(Err(_)), Ok(())) => {
                tracing::info!(%db, "the database is ready again");
            }
            _ => {}
        }
        *last = Some((Instant::now(), outcome.clone()));
        outcome.map_err(Failure::error)
    }
}

/// An error and its causes, on one line, for the [`StoreError::Database`] that a failed
/// readiness check answers with.
fn describe(error: &StoreError) -> String {
    let error: &(dyn std::error::Error + 'static) = match error {
        StoreError::Database(source) => source.as_ref(),
        error => error,
    };
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}
