//! Prometheus metrics: the process-wide recorder behind the `metrics` facade, and what
//! `GET /metrics` renders from it in the Prometheus text format.
//!
//! cxhook and its integrations record through the [`metrics`](https://docs.rs/metrics)
//! macros; they cost nothing until [`install`] sets the recorder. What is recorded:
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `cxhook_requests_total` | counter | `tag`, `outcome` (`ok`, `fallback`, `error`, `rejected`, `deadline`) |
//! | `cxhook_request_duration_seconds` | histogram (1 ms … 10 s) | `tag` |
//! | `cxhook_deadline_hits_total` | counter | `tag` |
//! | `cxhook_unknown_tag_total` | counter | |
//! | `cxhook_cache_requests_total` | counter | `cache`, `result` (`hit`, `miss`, `stale`, `unavailable`; the shared level `weather_shared`: `hit`, `miss`, `waited`, `wait_timeout`) |
//! | `cxhook_cache_errors_total` | counter | `cache` (`redis`), `op`, `reason` (`timeout`, `error`, `skipped`) |
//! | `cxhook_cache_available` | gauge | `cache` (`redis`): 1 while it answers, 0 during an outage |
//! | `cxhook_upstream_requests_total` | counter | `integration`, `call` |
//! | `cxhook_upstream_failures_total` | counter | `integration`, `call`, `reason` |
//! | `cxhook_db_queries_total` | counter | `db`, `result` (`ok`, `error`, `timeout`, `overloaded`, `closed`) |
//! | `cxhook_db_queue_depth` | gauge | `db` |
//! | `cxhook_db_connections_busy` | gauge | `db` |
//! | `process_*` | the process's CPU, memory, threads, open files | |
//!
//! The `tag` label takes only the tags the router serves; any other tag (and a call without
//! one, or one that did not parse) is counted under `tag="unknown"`, so a caller cannot grow
//! the number of series.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::answer::Outcome;
use crate::error::BoxError;

/// The label value of every tag the router does not serve.
pub const UNKNOWN_TAG: &str = "unknown";

/// The histogram buckets of durations, in seconds: fine below 100 ms, and around the 5 s
/// default budget so that calls near it can be told apart.
pub const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 4.5, 5.0, 7.5,
    10.0,
];

/// The installed recorder, rendering `/metrics`; cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
    process: std::sync::Arc<metrics_process::Collector>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

static INSTALLED: OnceLock<Result<Metrics, String>> = OnceLock::new();

/// How often the recorder folds the histogram samples recorded since into its buckets.
/// Until it does, each sample is kept (about 8 bytes a call): without upkeep, a server
/// nobody scrapes grows by every call it answers, and between two upkeeps a server answering
/// 30,000 calls a second holds about 240 KB of samples per second of interval. Folding costs
/// the same whenever it runs.
const UPKEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

/// Installs the Prometheus recorder as the process's `metrics` recorder, once, with a thread
/// that folds histogram samples into their buckets every second; later calls return the same
/// handle.
///
/// Returns an error (every time) when another recorder was installed first.
pub fn install() -> Result<Metrics, BoxError> {
    let installed = INSTALLED.get_or_init(|| {
        let handle = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), DURATION_BUCKETS)
            .and_then(|builder| builder.install_recorder())
            .map_err(|e| e.to_string())?;
        let upkeep = handle.clone();
        std::thread::Builder::new()
            .name("cxhook-metrics".to_owned())
            .spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP_INTERVAL);
                    upkeep.run_upkeep();
                }
            })
            .map_err(|e| format!("cannot start the metrics upkeep thread: {e}"))?;
        let process = metrics_process::Collector::default();
        process.describe();
        describe();
        Ok(Metrics {
            handle,
            process: std::sync::Arc::new(process),
        })
    });
    installed.clone().map_err(Into::into)
}

impl Metrics {
    /// Everything recorded so far, in the Prometheus text format (with the process's
    /// metrics as of now).
    pub fn render(&self) -> String {
        self.process.collect();
        self.handle.run_upkeep();
        self.handle.render()
    }
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "cxhook_requests_total",
        "Webhook calls answered, by tag and outcome."
    );
    describe_histogram!(
        "cxhook_request_duration_seconds",
        Unit::Seconds,
        "How long webhook calls took to answer, by tag."
    );
    describe_counter!(
        "cxhook_deadline_hits_total",
        "Webhook calls that ran out of time and got the deadline fallback, by tag."
    );
    describe_counter!(
        "cxhook_unknown_tag_total",
        "Webhook calls whose tag no handler serves."
    );
    describe_counter!(
        "cxhook_cache_requests_total",
        "Cache lookups of the integrations, by cache and result."
    );
    describe_counter!(
        "cxhook_cache_errors_total",
        "Calls to a shared cache that failed, timed out or were skipped during an outage."
    );
    describe_gauge!(
        "cxhook_cache_available",
        "Whether a shared cache answers: 1, or 0 during an outage."
    );
    describe_counter!(
        "cxhook_upstream_requests_total",
        "Calls the integrations made to external APIs."
    );
    describe_counter!(
        "cxhook_upstream_failures_total",
        "Calls to external APIs that failed, by reason."
    );
    describe_counter!(
        "cxhook_db_queries_total",
        "Database queries, by database and result."
    );
    describe_gauge!(
        "cxhook_db_queue_depth",
        "Database queries waiting for a connection."
    );
    describe_gauge!(
        "cxhook_db_connections_busy",
        "Database connections running a query."
    );
}

/// Whether [`install`] has set cxhook's recorder as the process's.
fn installed() -> bool {
    matches!(INSTALLED.get(), Some(Ok(_)))
}

/// The series of one value of the `tag` label, each resolved the first time it is recorded
/// and then kept, so that counting a call builds no label and looks nothing up.
///
/// A handle taken before a recorder is installed would count nowhere forever, so handles
/// are kept only once [`install`] has run; until then (or under another recorder) each call
/// looks its series up, as the `metrics` macros do.
#[derive(Debug)]
pub(crate) struct TagMetrics {
    tag: Box<str>,
    requests: [OnceLock<metrics::Counter>; OUTCOMES],
    duration: OnceLock<metrics::Histogram>,
    deadline_hits: OnceLock<metrics::Counter>,
}

/// How many outcomes there are: one `cxhook_requests_total` series each.
const OUTCOMES: usize = 5;

/// The index of an outcome's series in [`TagMetrics::requests`].
const fn outcome_index(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Ok => 0,
        Outcome::Fallback => 1,
        Outcome::Error => 2,
        Outcome::Rejected => 3,
        Outcome::Deadline => 4,
    }
}

impl TagMetrics {
    /// The series of calls labelled `tag`.
    pub(crate) fn new(tag: &str) -> Self {
        Self {
            tag: tag.into(),
            requests: Default::default(),
            duration: OnceLock::new(),
            deadline_hits: OnceLock::new(),
        }
    }

    /// Counts one answered call.
    pub(crate) fn record(&self, outcome: Outcome, elapsed: Duration) {
        let requests = || {
            metrics::counter!(
                "cxhook_requests_total",
                "tag" => self.tag.to_string(),
                "outcome" => outcome.as_str()
            )
        };
        let duration = || {
            metrics::histogram!(
                "cxhook_request_duration_seconds",
                "tag" => self.tag.to_string()
            )
        };
        let deadline_hits =
            || metrics::counter!("cxhook_deadline_hits_total", "tag" => self.tag.to_string());
        if installed() {
            self.requests[outcome_index(outcome)]
                .get_or_init(requests)
                .increment(1);
            self.duration
                .get_or_init(duration)
                .record(elapsed.as_secs_f64());
            if outcome == Outcome::Deadline {
                self.deadline_hits.get_or_init(deadline_hits).increment(1);
            }
        } else {
            requests().increment(1);
            duration().record(elapsed.as_secs_f64());
            if outcome == Outcome::Deadline {
                deadline_hits().increment(1);
            }
        }
    }
}
