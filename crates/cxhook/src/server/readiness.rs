//! [`Readiness`]: whether `/readyz` says this replica takes traffic.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::ready::ReadyCheck;

/// What `/readyz` answers from: a switch that turns off once shutdown begins (so load
/// balancers stop sending calls while in-flight ones finish), and the checks of the
/// integrations (a database that cannot be reached, or whose migrations have not run, makes
/// the replica not ready).
#[derive(Debug, Clone)]
pub struct Readiness {
    up: Arc<AtomicBool>,
    checks: Arc<[ReadyCheck]>,
}

impl Default for Readiness {
    fn default() -> Self {
        Self::with_checks(Vec::new())
    }
}

impl Readiness {
    /// Ready from the start, while these checks pass.
    pub fn with_checks(checks: Vec<ReadyCheck>) -> Self {
        Self {
            up: Arc::new(AtomicBool::new(true)),
            checks: checks.into(),
        }
    }

    /// Whether the replica takes traffic as far as the switch says (shutdown has not
    /// begun); [`Readiness::check`] runs the checks too.
    pub fn is_ready(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// Sets whether the replica takes traffic.
    pub fn set(&self, ready: bool) {
        self.up.store(ready, Ordering::Relaxed);
    }

    /// Whether the replica takes traffic: the switch is on and every check passes, run
    /// concurrently. A failure lists the names of what is not ready (`draining` once
    /// shutdown has begun); each failing check is logged.
    pub async fn check(&self) -> Result<(), Vec<String>> {
        self.check_reasons()
            .await
            .map_err(|failed| failed.into_iter().map(|(name, _)| name).collect())
    }

    /// [`Readiness::check`], with each failure's reason beside its name: the text of the
    /// error the check failed with, without its causes (which may name hosts and the like),
    /// such as "the booking schema is at version 1, this program needs version 2".
    pub async fn check_reasons(&self) -> Result<(), Vec<(String, String)>> {
        if !self.is_ready() {
            return Err(vec![(
                "draining".to_owned(),
                "shutdown has begun".to_owned(),
            )]);
        }
        let results =
            futures_util::future::join_all(self.checks.iter().map(|check| async move {
                check.run().await.map_err(|error| (check.name(), error))
            }))
            .await;
        let failed: Vec<(String, String)> = results
            .into_iter()
            .filter_map(Result::err)
            .map(|(name, error)| {
                tracing::warn!(check = name, %error, "not ready");
                (name.to_owned(), error.to_string())
            })
            .collect();
        if failed.is_empty() {
            Ok(())
        } else {
            Err(failed)
        }
    }
}
