//! The retention sweep: a start-up task of the memory's router that erases, every sweep
//! interval, the facts (and tombstones) last written longer ago than the retention period.
//!
//! Every replica sweeps; a sweep is one `DELETE` by time, so two at once erase each row
//! once and neither fails. The time is the system clock's, or one given ([`Now`]), so that a
//! test can move it by days without waiting.

use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime};

use cxhook::BoxFuture;
use cxhook::memory::MemoryStore;

/// What time it is, for the sweep.
pub type Now = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The system clock.
pub fn system_now() -> Now {
    Arc::new(SystemTime::now)
}

/// The sweep as a start-up task ([`cxhook::Router::on_start`]): at once, then every
/// `interval`, erases what was last written more than `retention` before `now()`. It ends
/// when the store is dropped (the router that owns it is gone).
pub fn task(
    store: &Arc<dyn MemoryStore>,
    retention: Duration,
    interval: Duration,
    now: Now,
) -> impl Fn() -> BoxFuture<()> + Send + Sync + 'static {
    let store: Weak<dyn MemoryStore> = Arc::downgrade(store);
    move || -> BoxFuture<()> {
        let store = store.clone();
        let now = now.clone();
        Box::pin(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(store) = store.upgrade() else {
                    return;
                };
                let before = now()
                    .checked_sub(retention)
                    .unwrap_or(SystemTime::UNIX_EPOCH);
                match store.sweep(before).await {
                    Ok(0) => {}
                    Ok(swept) => {
                        tracing::info!(swept, "memory: facts past their retention erased");
                    }
                    Err(error) => {
                        tracing::error!(error = %error, "memory: the retention sweep failed");
                    }
                }
            }
        })
    }
}
