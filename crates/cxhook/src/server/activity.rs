//! What each open connection is doing, and the cap on how many are open.
//!
//! Every connection has an [`Activity`]: the calls it has in flight, since when it has had
//! none, and since when it has been sending a request head. Its deadline follows from that:
//! a connection that has not finished a request head within the header read timeout of
//! starting it (of its accept, for the first request) is closed, and so is one with nothing
//! in flight for the idle timeout. Without the first rule a connection that sends nothing
//! is never closed (hyper's header timeout starts only once the protocol is detected): in
//! a probe, 1,100 silent connections used up 1,024 file handles and every other client
//! timed out.
//!
//! [`OpenConnections`] counts the connections and, at the cap, makes room by closing the
//! one idle the longest: a flood of silent sockets then only ever displaces itself, since a
//! connection with a call in flight is never chosen, and a new one is the last to be.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http::Version;
use tokio::sync::Notify;
use tokio::time::Instant;

/// What one connection is doing; shared by its socket, its service and the task that drives
/// it.
#[derive(Debug)]
pub(super) struct Activity {
    state: Mutex<State>,
    /// Woken when the deadline may have moved.
    changed: Notify,
}

#[derive(Debug)]
struct State {
    /// Calls in flight.
    busy: usize,
    /// Whether a call has been made on the connection.
    used: bool,
    /// Whether the connection speaks HTTP/2, where reads between calls (pings, settings) do
    /// not start a request head.
    http2: bool,
    /// Since when nothing has been in flight.
    idle_since: Instant,
    /// Since when a request head has been arriving, with nothing in flight.
    head_started: Option<Instant>,
    /// Whether the cap chose this connection to close.
    shed: bool,
}

/// What the driving task should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// Wait for a change: a call is in flight.
    Wait,
    /// Close the connection at `at` if nothing has changed by then.
    CloseAt {
        /// When.
        at: Instant,
        /// Whether to drop it rather than shut it down gracefully: it has made no call, or
        /// it is sending a request head, so there is no answer to finish.
        drop: bool,
    },
}

impl Activity {
    fn new(accepted: Instant) -> Self {
        Self {
            state: Mutex::new(State {
                busy: 0,
                used: false,
                http2: false,
                idle_since: accepted,
                head_started: Some(accepted),
                shed: false,
            }),
            changed: Notify::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes arrived: with nothing in flight on HTTP/1, a request head has started.
    pub(super) fn read(&self) {
        let mut state = self.state();
        if state.busy == 0 && !state.http2 && state.head_started.is_none() {
            state.head_started = Some(Instant::now());
            drop(state);
            self.changed.notify_one();
        }
    }

    /// A call starts; it is in flight until the guard is dropped.
    pub(super) fn call(self: &Arc<Self>, version: Version) -> Busy {
        let mut state = self.state();
        state.busy += 1;
        state.used = true;
        state.http2 |= version == Version::HTTP_2;
        state.head_started = None;
        drop(state);
        self.changed.notify_one();
        Busy(Arc::clone(self))
    }

    /// When to close the connection, by the header read and idle timeouts.
    pub(super) fn next(&self, header_read_timeout: Duration, idle_timeout: Duration) -> Next {
        let state = self.state();
        if state.busy > 0 {
            return Next::Wait;
        }
        let drop = !state.used || state.head_started.is_some();
        let at = if state.shed {
            Instant::now()
        } else if let Some(started) = state.head_started {
            started + header_read_timeout
        } else {
            state.idle_since + idle_timeout
        };
        Next::CloseAt { at, drop }
    }

    /// Completes when the deadline may have moved.
    pub(super) async fn changed(&self) {
        self.changed.notified().await;
    }

    /// Since when the connection has had nothing in flight, or `None` while a call is.
    fn idle_since(&self) -> Option<Instant> {
        let state = self.state();
        (state.busy == 0).then_some(state.idle_since)
    }

    fn shed(&self) {
        self.state().shed = true;
        self.changed.notify_one();
    }
}

/// A call in flight on a connection.
#[derive(Debug)]
pub(super) struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.busy -= 1;
        if state.busy == 0 {
            state.idle_since = Instant::now();
        }
        drop(state);
        self.0.changed.notify_one();
    }
}

/// The open connections, at most `cap` of them.
#[derive(Debug)]
pub(super) struct OpenConnections {
    cap: usize,
    open: Mutex<HashMap<u64, Arc<Activity>>>,
    next_id: AtomicU64,
}

/// Why a new connection was not let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct AllBusy;

impl OpenConnections {
    /// Room for `cap` connections.
    pub(super) fn new(cap: usize) -> Arc<Self> {
        Arc::new(Self {
            cap: cap.max(1),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
        })
    }

    /// Lets in a connection accepted now, closing the one idle the longest when the cap is
    /// reached; [`AllBusy`] when every open connection has a call in flight.
    pub(super) fn admit(self: &Arc<Self>) -> Result<Open, AllBusy> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.len() >= self.cap {
            let oldest = open
                .iter()
                .filter_map(|(id, activity)| Some((activity.idle_since()?, *id)))
                .min()
                .map(|(_, id)| id);
            let shed = oldest.and_then(|id| open.remove(&id)).ok_or(AllBusy)?;
            shed.shed();
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let activity = Arc::new(Activity::new(Instant::now()));
        open.insert(id, Arc::clone(&activity));
        Ok(Open {
            id,
            activity,
            connections: Arc::clone(self),
        })
    }

    /// The number of open connections.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// The cap.
    pub(super) fn cap(&self) -> usize {
        self.cap
    }
}

/// An open connection's place under the cap, given back when dropped.
#[derive(Debug)]
pub(super) struct Open {
    id: u64,
    activity: Arc<Activity>,
    connections: Arc<OpenConnections>,
}

impl Open {
    /// What the connection is doing.
    pub(super) fn activity(&self) -> &Arc<Activity> {
        &self.activity
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.connections
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: Duration = Duration::from_secs(10);
    const IDLE: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn a_new_connection_has_the_header_timeout_from_its_accept() {
        let connections = OpenConnections::new(4);
        let open = connections.admit().unwrap();
        let accepted = Instant::now();
        let first = Next::CloseAt {
            at: accepted + HEAD,
            drop: true,
        };
        assert_eq!(open.activity().next(HEAD, IDLE), first);
        // Bytes do not move the first deadline.
        tokio::time::advance(Duration::from_secs(3)).await;
        open.activity().read();
        assert_eq!(open.activity().next(HEAD, IDLE), first);
    }

    #[tokio::test(start_paused = true)]
    async fn after_a_call_the_idle_timeout_then_a_head_restarts_the_header_timeout() {
        let connections = OpenConnections::new(4);
        let open = connections.admit().unwrap();
        let activity = open.activity();
        let busy = activity.call(Version::HTTP_11);
        assert_eq!(activity.next(HEAD, IDLE), Next::Wait);
        tokio::time::advance(Duration::from_secs(1)).await;
        drop(busy);
        let idle = Instant::now();
        assert_eq!(
            activity.next(HEAD, IDLE),
            Next::CloseAt {
                at: idle + IDLE,
                drop: false
            }
        );
        tokio::time::advance(Duration::from_secs(30)).await;
        activity.read();
        assert_eq!(
            activity.next(HEAD, IDLE),
            Next::CloseAt {
                at: Instant::now() + HEAD,
                drop: true
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn http2_reads_between_calls_start_no_head() {
        let connections = OpenConnections::new(4);
        let open = connections.admit().unwrap();
        let activity = open.activity();
        drop(activity.call(Version::HTTP_2));
        let idle = Instant::now();
        activity.read();
        assert_eq!(
            activity.next(HEAD, IDLE),
            Next::CloseAt {
                at: idle + IDLE,
                drop: false
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn at_the_cap_the_longest_idle_is_shed_and_busy_ones_never() {
        let connections = OpenConnections::new(2);
        let first = connections.admit().unwrap();
        tokio::time::advance(Duration::from_secs(1)).await;
        let second = connections.admit().unwrap();
        let _busy = second.activity().call(Version::HTTP_11);
        tokio::time::advance(Duration::from_secs(1)).await;
        let third = connections.admit().unwrap();
        assert_eq!(
            first.activity().next(HEAD, IDLE),
            Next::CloseAt {
                at: Instant::now(),
                drop: true
            },
            "the longest idle is told to close"
        );
        assert_eq!(connections.len(), 2);
        let _third_busy = third.activity().call(Version::HTTP_11);
        assert_eq!(connections.admit().unwrap_err(), AllBusy);
        drop(first);
        assert_eq!(connections.len(), 2, "a shed connection no longer counts");
        drop(third);
        assert_eq!(connections.len(), 1);
        assert!(connections.admit().is_ok());
    }
}
