//! [`BookingStore`]: where bookings are kept, and the guarantees a backend gives.

use std::time::Duration;

use jiff::Timestamp;

pub use crate::store::{StoreError, StoreFuture};

/// How long a pending booking is claimed by the call that created it, which sends it to the
/// scheduling API itself: no sweep takes it meanwhile. A webhook call never lasts longer
/// (30 s is Dialogflow's longest webhook timeout), and the call ends the claim at once when
/// the API did not settle the booking ([`BookingStore::unclaim`]).
pub const CREATED_CLAIM: Duration = Duration::from_secs(30);

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Recorded, waiting for the external scheduling API to confirm it.
    Pending,
    /// Booked.
    Confirmed,
    /// Cancelled by its session; its slot is free again.
    Cancelled,
    /// Refused by the external scheduling API; its slot is free again.
    Rejected,
}

impl Status {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Rejected => "rejected",
        }
    }

    /// The status stored as `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "pending" => Self::Pending,
            "confirmed" => Self::Confirmed,
            "cancelled" => Self::Cancelled,
            "rejected" => Self::Rejected,
            _ => return None,
        })
    }
}

/// A stored booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// The row ID.
    pub id: i64,
    /// The confirmation number the caller hears (`BK-7Q4M2X`).
    pub confirmation: String,
    /// The session that booked it; only it may cancel.
    pub session: String,
    /// The service, as configured.
    pub service: String,
    /// What the appointment occupies.
    pub resource: String,
    /// When it starts.
    pub start: Timestamp,
    /// When it ends.
    pub end: Timestamp,
    /// Where it stands.
    pub status: Status,
    /// The key sent as `Idempotency-Key` to the external API.
    pub idempotency_key: String,
    /// The external API's ID, once it confirmed.
    pub external_id: Option<String>,
}

/// A booking to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBooking {
    /// The turn that asks (session, `detectIntentResponseId` and tag): the same turn books
    /// once.
    pub turn_key: Option<String>,
    /// The session asking.
    pub session: String,
    /// The service, as configured.
    pub service: String,
    /// What the appointment occupies.
    pub resource: String,
    /// When it starts.
    pub start: Timestamp,
    /// When it ends.
    pub end: Timestamp,
    /// The start of every slot-grid cell it covers; no two live bookings share a cell of
    /// one resource.
    pub cells: Vec<Timestamp>,
    /// [`Status::Confirmed`] for the built-in backend, [`Status::Pending`] for the external.
    pub status: Status,
    /// The `Idempotency-Key` for the external API.
    pub idempotency_key: String,
    /// When it was asked for.
    pub created_at: Timestamp,
}

/// What [`BookingStore::create`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// Recorded a new booking.
    New(Booking),
    /// The same turn, or the same session for the same slot, booked already: that booking.
    Existing(Booking),
    /// Another booking holds (part of) the slot.
    Taken,
}

/// The bookings backend; object safe, like the accounts store, so the backend is picked at
/// run time. Every method answers within the store's query timeout, and its answer is what
/// the database holds: a write that fails or times out has left nothing (a backend stops or
/// rolls back what its caller stopped waiting for), and one that had begun to commit at the
/// timeout is waited for and answered as it ended.
pub trait BookingStore: Send + Sync + 'static {
    /// Whether a live booking of `resource` covers any of `cells`.
    fn is_taken(&self, resource: &str, cells: &[Timestamp]) -> StoreFuture<'_, bool>;

    /// Records a booking, atomically: the existing booking of the same turn (or of the same
    /// session for the same slot) is returned instead, and a slot that another booking holds
    /// is refused. Of any number of concurrent calls for one slot, exactly one records it.
    /// A new pending booking is claimed for [`CREATED_CLAIM`], for its creator to send.
    fn create(&self, booking: NewBooking) -> StoreFuture<'_, Created>;

    /// Marks a pending booking confirmed with the external API's ID.
    fn confirm(&self, id: i64, external_id: &str) -> StoreFuture<'_, ()>;

    /// Marks a booking rejected (or cancelled) and frees its slot.
    fn release(&self, id: i64, status: Status) -> StoreFuture<'_, ()>;

    /// All pending bookings, oldest first.
    fn pending(&self) -> StoreFuture<'_, Vec<Booking>>;

    /// Claims up to `limit` pending bookings that no claim holds, oldest first, for
    /// `lease`: until it ends, no other call (of this store or of another replica's on the
    /// same database) returns them, so that one sweep alone sends each to the scheduling
    /// API. Concurrent calls never wait for one another (Postgres: `FOR UPDATE SKIP
    /// LOCKED`). A booking still pending when its lease ends can be claimed again.
    fn claim_pending(&self, lease: Duration, limit: u32) -> StoreFuture<'_, Vec<Booking>>;

    /// Ends the claim on a booking, which stays as it is, so that the next claim may take
    /// it (a booking the scheduling API did not settle, for the next sweep to send again).
    fn unclaim(&self, id: i64) -> StoreFuture<'_, ()>;

    /// The booking with this confirmation number, when `session` made it.
    fn find(&self, confirmation: &str, session: &str) -> StoreFuture<'_, Option<Booking>>;
}
