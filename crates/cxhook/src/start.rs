//! The start-up tasks of a router ([`Router::on_start`](crate::Router::on_start)): background
//! work that begins once the router serves, on the runtime that serves it.
//!
//! A router is built before the runtime that serves it may exist (`cxhook serve` builds it,
//! then binds; a test builds it outside any runtime), so a task cannot be spawned while it is
//! built. It is kept as a function that makes the task's future, and the server and the
//! Lambda runtime call [`Router::start`](crate::Router::start) once they run. Each task
//! starts at most once, however many clones of the router are started, so that a router
//! served on two listeners does not do its background work twice.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::handler::BoxFuture;

/// One start-up task: its name, what makes its future, and whether it has started.
#[derive(Clone)]
pub(crate) struct StartTask {
    name: Arc<str>,
    make: Arc<dyn Fn() -> BoxFuture<()> + Send + Sync>,
    started: Arc<AtomicBool>,
}

impl StartTask {
    pub(crate) fn new<F, Fut>(name: &str, make: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Self {
            name: Arc::from(name),
            make: Arc::new(move || Box::pin(make()) as BoxFuture<()>),
            started: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The name it was given.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Spawns the task on the current Tokio runtime, unless it was started before.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime.
    pub(crate) fn start(&self) {
        let runtime = tokio::runtime::Handle::current();
        if self.started.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::debug!(task = %self.name, "starting a background task");
        runtime.spawn((self.make)());
    }
}

impl std::fmt::Debug for StartTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartTask")
            .field("name", &self.name)
            .field("started", &self.started.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}
