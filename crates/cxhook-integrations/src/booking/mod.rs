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
//! With memory served around it (`[memory]`), a `booking.validate` or `booking.create`
//! without a service said offers the one the caller booked last time (remembered under
//! `service`, when the schedule still offers it): "Would you like a haircut again?", with
//! `service_suggested` naming it. It books nothing on its own: `service` stays unset until
//! the caller says it.
//!
//! Replies are in the call's language, from the [message catalogs](crate::messages): the
//! slot said as the caller's language and region say dates and times ("Tuesday, December 1
//! at 9:00 AM", "Tuesday 1 December at 9:00" in `en-GB`, "Dienstag, 1. Dezember, um
//! 9:00 Uhr"), the configured services by their names in that language where the catalog
//! has them (`booking-service`: a business with other services names them in its override
//! files) and as configured where it does not. Several refusals in one reply apologise
//! once: the first that can apologise is given `$sorry = yes`, the ones after it `no`.
//!
//! Each parameter is read through [`Params`](cxhook::extract::Params): the page's form's
//! value where it has one, else the session parameter's (see
//! [the crate's shape](crate#one-shape)).
//!
//! Bookings live in the database ([`BookingStore`]; [`SqliteBookingStore`] in the same file
//! as the accounts). With `backend = "external"` they are also sent to a scheduling API
//! (`POST {api_url}/api/appointments`, a bearer token from the environment or a file, an
//! `Idempotency-Key` derived from the turn): the booking is recorded as pending before the
//! call and confirmed after it, so a timeout never loses or duplicates it. A pending booking
//! is sent again, with the same key, when its turn (or its session and slot) comes back, at
//! start-up, and every `reconcile_interval_ms` (a minute) after, with no call needed: the
//! router's start-up task ([`Router::on_start`]) does that once it serves. Every replica
//! sweeps, each sending only the bookings it claims ([`BookingStore::claim_pending`]), and a
//! new booking is its creating call's to send ([`CREATED_CLAIM`]), so that one replica alone
//! sends each.

mod config;
mod external;
mod handlers;
#[cfg(feature = "postgres")]
mod postgres;
mod said;
mod schedule;
mod sentences;
mod sqlite;
mod store;

use std::sync::Arc;

use crate::messages::Catalog;
use cxhook::Router;

pub use config::{Backend, BookingConfig, BookingTags, ExternalConfig, OpeningHours};
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

pub use crate::database::PostgresConfig;
pub use crate::database_config::DatabaseConfig;
pub use crate::sqlite::{DatabaseOptions, OpenError};
pub use crate::{ConfigError, Error};

/// What [`router_with`] serves the bookings over, instead of what [`router`] opens.
#[derive(Clone)]
pub struct Parts {
    /// Where the bookings are kept.
    pub store: Arc<dyn BookingStore>,
    /// What time it is for the handlers ([`Clock::system`], or a fixed time in tests).
    pub clock: Clock,
    /// What the replies are said with: [`Catalog::shipped`], or one with a business's
    /// override files ([`Catalog::with_overrides`]).
    pub messages: Arc<Catalog>,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parts")
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// The booking router for `config`: opens (creating the tables when needed) the SQLite
/// database, or the Postgres one, and serves the three tags on the system clock, with a
/// readiness check of the database. When the integration is disabled, a router with no tags
/// and no database.
///
/// With the external backend, the router has a start-up task
/// ([`Router::on_start`]) that reconciles the pending bookings once the router serves, and
/// again every `reconcile_interval_ms`.
pub fn router(config: &BookingConfig) -> Result<Router, Error> {
    router_saying(config, Catalog::shipped())
}

/// [`router`], with replies said from `messages` (a catalog with a business's override
/// files) instead of the shipped catalog.
pub fn router_saying(config: &BookingConfig, messages: Arc<Catalog>) -> Result<Router, Error> {
    let (schedule, external) = configured(config)?;
    if !config.enabled {
        return Ok(Router::new());
    }
    let clock = Clock::system();
    #[cfg(feature = "postgres")]
    if crate::database::is_postgres(&config.database) {
        let store = Arc::new(PostgresBookingStore::open(&config.postgres_options()?)?);
        let pinged = store.clone();
        let router = serve(
            config,
            Parts {
                store,
                clock,
                messages: messages.clone(),
            },
            schedule,
            external,
        );
        return Ok(router.ready_check("booking", move || {
            let store = pinged.clone();
            async move { store.ping().await.map_err(Into::into) }
        }));
    }
    let store = Arc::new(SqliteBookingStore::open(&config.database_options())?);
    let pinged = store.clone();
    let router = serve(
        config,
        Parts {
            store,
            clock,
            messages,
        },
        schedule,
        external,
    );
    Ok(router.ready_check("booking", move || {
        let store = pinged.clone();
        async move { store.ping().await.map_err(Into::into) }
    }))
}

/// The booking router for `config` over `parts` (a store of another backend or shared with
/// other code, a fixed clock). When the integration is disabled, a router with no tags.
pub fn router_with(config: &BookingConfig, parts: Parts) -> Result<Router, Error> {
    let (schedule, external) = configured(config)?;
    if !config.enabled {
        return Ok(Router::new());
    }
    Ok(serve(config, parts, schedule, external))
}

/// What the configuration gives before anything is opened: the schedule, and the API client
/// with its token for the external backend.
fn configured(
    config: &BookingConfig,
) -> Result<(schedule::Schedule, Option<external::ExternalApi>), Error> {
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

/// The router of the three tags, and the reconciliation's start-up task with an external
/// API.
fn serve(
    config: &BookingConfig,
    parts: Parts,
    schedule: schedule::Schedule,
    external: Option<external::ExternalApi>,
) -> Router {
    let state =
        handlers::Bookings::new(parts.store, schedule, parts.clock, external, parts.messages);
    let reconciling = state.reconciling();
    let router = Router::new()
        .route(&config.tags.validate, handlers::validate)
        .route(&config.tags.create, handlers::create)
        .route(&config.tags.cancel, handlers::cancel)
        .with_state(state);
    match reconciling {
        Some(task) => router.on_start("booking.reconcile", task),
        None => router,
    }
}
