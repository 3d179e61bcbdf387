//! Booking: appointments that are never booked twice.
//!
//! Three tags, configurable ([`BookingTags`]):
//!
//! - `booking.validate`, the form validation webhook of a page with the parameters `service`
//!   (a configured service), `date` (`@sys.date`) and `time` (`@sys.time`): whichever of them
//!   are known are checked against the clock, the opening hours in the configured time zone
//!   ([`BookingConfig::time_zone`], with jiff's bundled time zone database) and the bookings.
//!   A date in the past, a closed day, a time that has passed or lies outside the opening
//!   hours or off the slot grid, an unknown service or a taken slot marks that parameter
//!   INVALID (and clears it) with a sentence saying why (a service that would end after
//!   closing is offered the last start that fits); a free slot is accepted with a short
//!   confirmation.
//! - `booking.create` books the slot and answers with a confirmation number (`BK-7Q4M2X`),
//!   also set as the session parameter `confirmation_id` (and `booking_status`). It is
//!   idempotent: the same turn (session, `detectIntentResponseId` and tag) sent twice, or the
//!   same session asking for the same slot again, gets the same booking; a turn ID that
//!   another session sends is another turn. Of concurrent bookings of one slot exactly one
//!   succeeds; the others hear that the slot was just taken, or already taken when it was
//!   held before their turn (and `time` is marked INVALID when the form has it). What is
//!   missing of service, date and time is asked for, and only that.
//! - `booking.cancel` cancels the booking in `confirmation` (or `confirmation_id`), only for
//!   the session that made it; any other number, or one that cannot be a confirmation
//!   number, is "not found" (and marked INVALID when the form has it).
//!
//! Bookings live in the database ([`BookingStore`]; [`SqliteBookingStore`] in the same file
//! as the accounts). With `backend = "external"` they are also sent to a scheduling API
//! (`POST {api_url}/api/appointments`, a bearer token from the environment or a file, an
//! `Idempotency-Key` derived from the turn): the booking is recorded as pending before the
//! call and confirmed after it, so a timeout never loses or duplicates it. A pending booking
//! is sent again, with the same key, when its turn (or its session and slot) comes back, at
//! start-up, and every `reconcile_interval_ms` (a minute) after, with no call needed. Every
//! replica sweeps, each sending only the bookings it claims ([`BookingStore::claim_pending`]),
//! and a new booking is its creating call's to send ([`CREATED_CLAIM`]), so that one replica
//! alone sends each.

mod config;
mod external;
mod handlers;
#[cfg(feature = "postgres")]
mod postgres;
mod schedule;
mod sqlite;
mod store;

use std::sync::Arc;

use cxhook::Router;

pub use config::{Backend, BookingConfig, BookingTags, ConfigError, ExternalConfig, OpeningHours};
pub use external::TokenError;
/// The jiff this crate uses, for [`Clock::fixed`].
pub use jiff;
#[cfg(feature = "postgres")]
pub use postgres::PostgresBookingStore;
pub use schedule::Clock;
pub use sqlite::SqliteBookingStore;
pub use store::{
    Booking, BookingStore, CREATED_CLAIM, Created, NewBooking, Status, StoreError, StoreFuture,
};

pub use crate::sqlite::OpenError;

/// Why the booking router could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database could not be opened.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The Postgres database could not be opened.
    #[cfg(feature = "postgres")]
    #[error(transparent)]
    Postgres(#[from] crate::postgres::OpenError),
    /// The external API's token could not be read.
    #[error(transparent)]
    Token(#[from] TokenError),
}

/// The booking router for `config`: opens (creating the tables when needed) the SQLite
/// database and serves the three tags on the system clock. When the integration is
/// disabled, a router with no tags and no database.
///
/// With the external backend, pending bookings are reconciled in the background, at once
/// and then every `reconcile_interval_ms`, as soon as a Tokio runtime is there: right away
/// when this is called inside one (as `cxhook serve` does), else from the first call.
pub fn router(config: &BookingConfig) -> Result<Router, BookingError> {
    let (schedule, external) = parts(config)?;
    if !config.enabled {
        return Ok(Router::new());
    }
    #[cfg(feature = "postgres")]
    if crate::database::is_postgres(&config.database) {
        let options = config.postgres_options()?;
        let store = Arc::new(PostgresBookingStore::open(&options)?);
        let pinged = store.clone();
        let router = serve(config, store, schedule, external, Clock::system());
        return Ok(router.ready_check("booking", move || {
            let store = pinged.clone();
            async move { store.ping().await.map_err(Into::into) }
        }));
    }
    let store = Arc::new(SqliteBookingStore::open(&config.database_options())?);
    let pinged = store.clone();
    let router = serve(config, store, schedule, external, Clock::system());
    Ok(router.ready_check("booking", move || {
        let store = pinged.clone();
        async move { store.ping().await.map_err(Into::into) }
    }))
}

/// The booking router over any store and clock (tests, a Postgres store, a shared database).
pub fn router_with(
    config: &BookingConfig,
    store: Arc<dyn BookingStore>,
    clock: Clock,
) -> Result<Router, BookingError> {
    let (schedule, external) = parts(config)?;
    Ok(serve(config, store, schedule, external, clock))
}

/// What the configuration gives before anything is opened: the schedule, and the API client
/// with its token for the external backend.
fn parts(
    config: &BookingConfig,
) -> Result<(schedule::Schedule, Option<external::ExternalApi>), BookingError> {
    let schedule = config.schedule()?;
    let external = match config.backend {
        Backend::Builtin => None,
        Backend::External => {
            let token = external::Token::load(&config.external)?;
            Some(external::ExternalApi::new(&config.external, token)?)
        }
    };
    Ok((schedule, external))
}

fn serve(
    config: &BookingConfig,
    store: Arc<dyn BookingStore>,
    schedule: schedule::Schedule,
    external: Option<external::ExternalApi>,
    clock: Clock,
) -> Router {
    let state = handlers::Bookings::new(store, schedule, clock, external);
    state.start_reconciling();
    Router::new()
        .route(&config.tags.validate, handlers::validate)
        .route(&config.tags.create, handlers::create)
        .route(&config.tags.cancel, handlers::cancel)
        .with_state(state)
}
