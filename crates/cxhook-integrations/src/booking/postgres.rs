//! [`PostgresBookingStore`]: bookings on a Postgres server that every replica shares (see
//! [`crate::postgres`] for the client, the pool and how a write whose caller gave up is
//! stopped before it commits).
//!
//! A booking is written in one transaction, as on SQLite, but under Postgres's concurrency
//! rather than one writer at a time: look for the same turn's (or the same session's
//! same-slot) booking, insert the booking, then claim its slot-grid cells in
//! `booking_slots`, whose primary key `(resource, slot)` lets one claim of a cell stand. The
//! inserts say `ON CONFLICT DO NOTHING`, so that a conflict is an answer, not an error that
//! aborts the transaction: a second insert of one turn key, or a second claim of one cell,
//! waits for the transaction that holds it and, once that commits, inserts nothing. Then the
//! booking it lost to is read again (a new statement sees what committed meanwhile): the
//! same turn's booking, or the same session's booking of the same slot, is the answer
//! ([`Created::Existing`]); any other holder makes the slot [`Created::Taken`], and what this
//! transaction wrote is rolled back.
//!
//! Every replica sweeps the pending external bookings. A sweep claims a batch in one
//! statement: the oldest pending rows whose claim (`claimed_until_ms`, on the server's clock,
//! so that the replicas' clocks need not agree) has ended, locked `FOR UPDATE SKIP LOCKED` so
//! that concurrent sweeps pass over each other's rows instead of waiting for them, and
//! claimed for a lease that covers sending the whole batch. Three replicas sweeping 30
//! pending bookings at once sent each to the scheduling API exactly once.

use std::time::Duration;

use jiff::Timestamp;

use super::sqlite::{CREATED_CLAIM_MS, confirmation_number};
use super::store::{Booking, BookingStore, Created, NewBooking, Status, StoreError, StoreFuture};
use crate::postgres::{BoxFuture, Client, Database, Finish, OpenError, Options};
use crate::sqlite::Migrations;

/// The bookings' embedded Postgres schema.
pub(crate) const MIGRATIONS: Migrations = Migrations {
    component: "booking",
    steps: &[
        include_str!("../../migrations/postgres/0001_booking.sql"),
        include_str!("../../migrations/postgres/0002_booking_claims.sql"),
    ],
    seed: None,
};

const COLUMNS: &str = "id, confirmation, session, service, resource, starts_at, ends_at, \
                       status, idempotency_key, external_id";

/// Claims the oldest pending bookings no claim holds (`$2` of them) for `$1` milliseconds
/// of the server's clock, so that replicas' clocks need not agree. `SKIP LOCKED` passes over
/// the rows another sweep is claiming at this moment, rather than waiting to claim them too.
const CLAIM: &str = "UPDATE bookings SET claimed_until_ms = \
     (extract(epoch FROM statement_timestamp()) * 1000)::bigint + $1 \
     WHERE id IN (SELECT id FROM bookings WHERE status = 'pending' \
     AND (claimed_until_ms IS NULL \
     OR claimed_until_ms <= (extract(epoch FROM statement_timestamp()) * 1000)::bigint) \
     ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) \
     RETURNING id, confirmation, session, service, resource, starts_at, ends_at, status, \
     idempotency_key, external_id";

/// How many confirmation numbers a booking tries before giving up: two of about 887
/// million colliding is rare already.
const CONFIRMATION_TRIES: usize = 8;

/// Bookings on a Postgres server; cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct PostgresBookingStore {
    database: Database,
}

impl PostgresBookingStore {
    /// Makes the pool and applies the booking migrations. Blocking: call it at start-up.
    pub fn open(options: &Options) -> Result<Self, OpenError> {
        Ok(Self {
            database: Database::open(options, &[MIGRATIONS], false)?,
        })
    }

    /// Whether the server answers and the migrations have run (see [`Database::ping`]).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.database.ping().await
    }

    /// The booking tables' Postgres migrations, for [`Database::migrate`].
    pub const MIGRATIONS: Migrations = MIGRATIONS;
}

impl BookingStore for PostgresBookingStore {
    fn is_taken(&self, resource: &str, cells: &[Timestamp]) -> StoreFuture<'_, bool> {
        let cells: Vec<String> = cells.iter().map(Timestamp::to_string).collect();
        Box::pin(
            self.database
                .read((resource.to_owned(), cells), |client, (resource, cells)| {
                    Box::pin(async move {
                        let statement = client
                            .prepare_cached(
                                "SELECT EXISTS (SELECT 1 FROM booking_slots \
                                 WHERE resource = $1 AND slot = ANY($2))",
                            )
                            .await?;
                        Ok(client
                            .query_one(&statement, &[resource, cells])
                            .await?
                            .get(0))
                    })
                }),
        )
    }

    fn create(&self, booking: NewBooking) -> StoreFuture<'_, Created> {
        Box::pin(self.database.write(booking, create_boxed))
    }

    fn confirm(&self, id: i64, external_id: &str) -> StoreFuture<'_, ()> {
        Box::pin(
            self.database
                .write((id, external_id.to_owned()), |client, (id, external_id)| {
                    Box::pin(async move {
                        let statement = client
                            .prepare_cached(
                                "UPDATE bookings SET status = 'confirmed', external_id = $2 \
                                 WHERE id = $1 AND status = 'pending'",
                            )
                            .await?;
                        client.execute(&statement, &[id, external_id]).await?;
                        Ok(((), Finish::Commit))
                    })
                }),
        )
    }

    fn release(&self, id: i64, status: Status) -> StoreFuture<'_, ()> {
        Box::pin(self.database.write((id, status), |client, (id, status)| {
            Box::pin(async move {
                let update = client
                    .prepare_cached("UPDATE bookings SET status = $2 WHERE id = $1")
                    .await?;
                client.execute(&update, &[id, &status.as_str()]).await?;
                let free = client
                    .prepare_cached("DELETE FROM booking_slots WHERE booking_id = $1")
                    .await?;
                client.execute(&free, &[id]).await?;
                Ok(((), Finish::Commit))
            })
        }))
    }

    fn pending(&self) -> StoreFuture<'_, Vec<Booking>> {
        Box::pin(self.database.read((), |client, ()| {
            Box::pin(async move {
                let statement = client
                    .prepare_cached(&format!(
                        "SELECT {COLUMNS} FROM bookings WHERE status = 'pending' ORDER BY id"
                    ))
                    .await?;
                client
                    .query(&statement, &[])
                    .await?
                    .iter()
                    .map(booking)
                    .collect()
            })
        }))
    }

    fn claim_pending(&self, lease: Duration, limit: u32) -> StoreFuture<'_, Vec<Booking>> {
        let lease = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
        Box::pin(
            self.database
                .write((lease, i64::from(limit)), |client, (lease, limit)| {
                    Box::pin(async move {
                        let statement = client.prepare_cached(CLAIM).await?;
                        let mut claimed = client
                            .query(&statement, &[lease, limit])
                            .await?
                            .iter()
                            .map(booking)
                            .collect::<Result<Vec<_>, _>>()?;
                        claimed.sort_by_key(|booking| booking.id);
                        Ok((claimed, Finish::Commit))
                    })
                }),
        )
    }

    fn unclaim(&self, id: i64) -> StoreFuture<'_, ()> {
        Box::pin(self.database.write(id, |client, id| {
            Box::pin(async move {
                let statement = client
                    .prepare_cached("UPDATE bookings SET claimed_until_ms = NULL WHERE id = $1")
                    .await?;
                client.execute(&statement, &[id]).await?;
                Ok(((), Finish::Commit))
            })
        }))
    }

    fn find(&self, confirmation: &str, session: &str) -> StoreFuture<'_, Option<Booking>> {
        Box::pin(self.database.read(
            (confirmation.to_owned(), session.to_owned()),
            |client, (confirmation, session)| {
                Box::pin(async move {
                    let statement = client
                        .prepare_cached(&format!(
                            "SELECT {COLUMNS} FROM bookings WHERE confirmation = $1 \
                             AND session = $2"
                        ))
                        .await?;
                    client
                        .query_opt(&statement, &[confirmation, session])
                        .await?
                        .as_ref()
                        .map(booking)
                        .transpose()
                })
            },
        ))
    }
}

fn create_boxed<'a>(
    client: &'a Client,
    booking: &'a NewBooking,
) -> BoxFuture<'a, Result<(Created, Finish), StoreError>> {
    Box::pin(create(client, booking))
}

async fn create(client: &Client, booking: &NewBooking) -> Result<(Created, Finish), StoreError> {
    let existing = |found: Booking| Ok((Created::Existing(found), Finish::Rollback));
    let start = booking.start.to_string();
    if let Some(turn) = &booking.turn_key
        && let Some(found) = by_turn(client, turn).await?
    {
        return existing(found);
    }
    if let Some(found) = same_slot(client, booking, &start, 0).await? {
        return existing(found);
    }
    let insert = client
        .prepare_cached(
            "INSERT INTO bookings (confirmation, turn_key, session, service, resource, \
             starts_at, ends_at, status, idempotency_key, created_at, claimed_until_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             (extract(epoch FROM statement_timestamp()) * 1000)::bigint + $11) \
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .await?;
    let end = booking.end.to_string();
    let created_at = booking.created_at.to_string();
    // NULL (no claim) unless it is pending.
    let claim = (booking.status == Status::Pending).then_some(CREATED_CLAIM_MS);
    let mut inserted = None;
    for _ in 0..CONFIRMATION_TRIES {
        let confirmation = confirmation_number();
        let row = client
            .query_opt(
                &insert,
                &[
                    &confirmation,
                    &booking.turn_key,
                    &booking.session,
                    &booking.service,
                    &booking.resource,
                    &start,
                    &end,
                    &booking.status.as_str(),
                    &booking.idempotency_key,
                    &created_at,
                    &claim,
                ],
            )
            .await?;
        if let Some(row) = row {
            inserted = Some((row.get::<_, i64>(0), confirmation));
            break;
        }
        // The same turn booked meanwhile (its transaction committed while this insert
        // waited), or, rarely, the confirmation number is taken: then try another.
        if let Some(turn) = &booking.turn_key
            && let Some(found) = by_turn(client, turn).await?
        {
            return existing(found);
        }
    }
    let Some((id, confirmation)) = inserted else {
        return Err(StoreError::Data(format!(
            "no free confirmation number, or the idempotency key {} is taken",
            booking.idempotency_key
        )));
    };
    let claim = client
        .prepare_cached(
            "INSERT INTO booking_slots (resource, slot, booking_id) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .await?;
    for cell in &booking.cells {
        let claimed = client
            .execute(&claim, &[&booking.resource, &cell.to_string(), &id])
            .await?;
        if claimed == 0 {
            // Held: by this session's booking of the same slot, made meanwhile, or another.
            return match same_slot(client, booking, &start, id).await? {
                Some(found) => existing(found),
                None => Ok((Created::Taken, Finish::Rollback)),
            };
        }
    }
    Ok((
        Created::New(Booking {
            id,
            confirmation,
            session: booking.session.clone(),
            service: booking.service.clone(),
            resource: booking.resource.clone(),
            start: booking.start,
            end: booking.end,
            status: booking.status,
            idempotency_key: booking.idempotency_key.clone(),
            external_id: None,
        }),
        Finish::Commit,
    ))
}

/// The booking of the turn `turn`.
async fn by_turn(client: &Client, turn: &str) -> Result<Option<Booking>, StoreError> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM bookings WHERE turn_key = $1"
        ))
        .await?;
    client
        .query_opt(&statement, &[&turn])
        .await?
        .as_ref()
        .map(booking)
        .transpose()
}

/// The live booking the same session made of the same service and slot, other than `own`.
async fn same_slot(
    client: &Client,
    new: &NewBooking,
    start: &str,
    own: i64,
) -> Result<Option<Booking>, StoreError> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM bookings WHERE session = $1 AND resource = $2 \
             AND starts_at = $3 AND service = $4 AND status IN ('pending', 'confirmed') \
             AND id <> $5 ORDER BY id LIMIT 1"
        ))
        .await?;
    client
        .query_opt(
            &statement,
            &[&new.session, &new.resource, &start, &new.service, &own],
        )
        .await?
        .as_ref()
        .map(booking)
        .transpose()
}

/// The booking in a row of [`COLUMNS`]; a bad stored value is a [`StoreError::Data`].
fn booking(row: &tokio_postgres::Row) -> Result<Booking, StoreError> {
    let id: i64 = row.get(0);
    let bad = |what: &str, value: &str| StoreError::Data(format!("booking {id}: {what} `{value}`"));
    let start: String = row.get(5);
    let end: String = row.get(6);
    let status: String = row.get(7);
    Ok(Booking {
        id,
        confirmation: row.get(1),
        session: row.get(2),
        service: row.get(3),
        resource: row.get(4),
        start: start.parse().map_err(|_| bad("start", &start))?,
        end: end.parse().map_err(|_| bad("end", &end))?,
        status: Status::parse(&status).ok_or_else(|| bad("status", &status))?,
        idempotency_key: row.get(8),
        external_id: row.get(9),
    })
}
