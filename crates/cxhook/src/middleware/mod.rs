//! Tower middleware over webhook calls, one module each.
//!
//! Every call goes through one stack of tower layers over [`Call`](crate::Call) →
//! [`Answer`](crate::Answer), built in one place,
//! [`server::pipeline`](crate::server::pipeline), outermost first: the call's span and log
//! line, metrics, recording, the 64 KiB size guard, the deadline, the recover layer, then the
//! layers of [`Webhook::layer`](crate::server::Webhook::layer), the router, and each route's
//! layers ([`Router::layer`](crate::Router::layer),
//! [`Router::tag_layer`](crate::Router::tag_layer)) around its handler. A user's layer is
//! the same kind of thing as the built-in ones, a `tower::Layer<`[`Route`](crate::Route)`>`,
//! at any of the three scopes; it runs inside the deadline and recover layers, so a call
//! still gets its answer in time when the layer panics or stalls.

#[cfg(feature = "auth")]
pub mod auth;
pub mod deadline;
#[cfg(feature = "server")]
pub(crate) mod metrics;
#[cfg(feature = "server")]
pub(crate) mod record;
pub mod recover;
#[cfg(feature = "server")]
pub(crate) mod size_guard;
#[cfg(feature = "server")]
pub(crate) mod span;

pub use deadline::{Deadline, DeadlineFuture, DeadlineLayer, DeadlineService};
pub use recover::{Recover, RecoverFuture, RecoverLayer};
