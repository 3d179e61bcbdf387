//! [`Readiness`]: whether `/readyz` says this replica takes traffic.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A shared switch behind `/readyz`: ready from the start, not ready once shutdown begins
/// (so load balancers stop sending calls while in-flight ones finish).
#[derive(Debug, Clone)]
pub struct Readiness(Arc<AtomicBool>);

impl Default for Readiness {
    fn default() -> Self {
        Self(Arc::new(AtomicBool::new(true)))
    }
}

impl Readiness {
    /// Whether the replica takes traffic.
    pub fn is_ready(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Sets whether the replica takes traffic.
    pub fn set(&self, ready: bool) {
        self.0.store(ready, Ordering::Relaxed);
    }
}
