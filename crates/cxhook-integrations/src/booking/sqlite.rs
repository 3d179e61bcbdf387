//! [`SqliteBookingStore`]: bookings in the shared SQLite file.
//!
//! A booking is written in one `BEGIN IMMEDIATE` transaction: look for the same turn's (or
//! the same session's same-slot) booking, insert the booking, then claim its slot-grid cells
//! in `booking_slots`, whose primary key `(resource, slot)` refuses a second claim. A refused
//! claim rolls the whole booking back. What the caller hears is what the file holds: a
//! booking whose caller stopped waiting (the query timeout) is rolled back before it commits,
//! or, when it had begun to commit, awaited and told (see [`crate::sqlite`]).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jiff::Timestamp;
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use super::store::{
    Booking, BookingStore, CREATED_CLAIM, Created, NewBooking, Status, StoreError, StoreFuture,
};
use crate::sqlite::{Database, DatabaseOptions, Migrations, OpenError};

/// The bookings' embedded schema.
pub(crate) const MIGRATIONS: Migrations = Migrations {
    component: "booking",
    steps: &[
        include_str!("../../migrations/sqlite/0001_booking.sql"),
        include_str!("../../migrations/sqlite/0002_booking_claims.sql"),
    ],
    seed: None,
};

/// The characters of confirmation numbers: no 0/O, 1/I/L, so they read aloud and back.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

const COLUMNS: &str = "id, confirmation, session, service, resource, starts_at, ends_at, \
                       status, idempotency_key, external_id";

/// Bookings in a SQLite file; cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct SqliteBookingStore {
    database: Database,
}

impl SqliteBookingStore {
    /// Opens (creating and migrating when needed) the database and starts its connection
    /// threads. Blocking: call it at start-up.
    pub fn open(options: &DatabaseOptions) -> Result<Self, OpenError> {
        Ok(Self {
            database: Database::open(options, &[MIGRATIONS], false)?,
        })
    }

    /// The store over an opened database (shared with other components); the booking tables
    /// must have been migrated by its [`Database::open`] (see [`SqliteBookingStore::MIGRATIONS`]).
    pub fn with_database(database: Database) -> Self {
        Self { database }
    }

    /// Whether the database answers and its migrations have run (see [`Database::ping`]).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.database.ping().await
    }

    /// The booking tables' migrations, for [`Database::open`].
    pub const MIGRATIONS: Migrations = MIGRATIONS;
}

impl BookingStore for SqliteBookingStore {
    fn is_taken(&self, resource: &str, cells: &[Timestamp]) -> StoreFuture<'_, bool> {
        let resource = resource.to_owned();
        let cells: Vec<String> = cells.iter().map(Timestamp::to_string).collect();
        Box::pin(self.database.run(move |connection| {
            let mut statement = connection
                .prepare_cached("SELECT 1 FROM booking_slots WHERE resource = ?1 AND slot = ?2")?;
            for cell in &cells {
                if statement.exists(params![resource, cell])? {
                    return Ok(true);
                }
            }
            Ok(false)
        }))
    }

    fn create(&self, booking: NewBooking) -> StoreFuture<'_, Created> {
        Box::pin(
            self.database
                .run(move |connection| create(connection, &booking)),
        )
    }

    fn confirm(&self, id: i64, external_id: &str) -> StoreFuture<'_, ()> {
        let external_id = external_id.to_owned();
        Box::pin(self.database.run(move |connection| {
            connection
                .prepare_cached(
                    "UPDATE bookings SET status = 'confirmed', external_id = ?2 \
                     WHERE id = ?1 AND status = 'pending'",
                )?
                .execute(params![id, external_id])?;
            Ok(())
        }))
    }

    fn release(&self, id: i64, status: Status) -> StoreFuture<'_, ()> {
        Box::pin(self.database.run(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            transaction.execute(
                "UPDATE bookings SET status = ?2 WHERE id = ?1",
                params![id, status.as_str()],
            )?;
            transaction.execute("DELETE FROM booking_slots WHERE booking_id = ?1", [id])?;
            transaction.commit()?;
            Ok(())
        }))
    }

    fn pending(&self) -> StoreFuture<'_, Vec<Booking>> {
        Box::pin(self.database.run(move |connection| {
            let mut statement = connection.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM bookings WHERE status = 'pending' ORDER BY id"
            ))?;
            let rows = statement.query_map([], row)?;
            rows.map(|row| row?.into_booking()).collect()
        }))
    }

    fn claim_pending(&self, lease: Duration, limit: u32) -> StoreFuture<'_, Vec<Booking>> {
        Box::pin(self.database.run(move |connection| {
            // One writer at a time: the immediate transaction is the claim's lock.
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = now_ms();
            let claimed = {
                let mut statement = transaction.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM bookings WHERE status = 'pending' \
                     AND (claimed_until_ms IS NULL OR claimed_until_ms <= ?1) \
                     ORDER BY id LIMIT ?2"
                ))?;
                let rows = statement.query_map(params![now, limit], row)?;
                rows.map(|row| row?.into_booking())
                    .collect::<Result<Vec<_>, _>>()?
            };
            let until = now.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX));
            {
                let mut claim = transaction
                    .prepare_cached("UPDATE bookings SET claimed_until_ms = ?2 WHERE id = ?1")?;
                for booking in &claimed {
                    claim.execute(params![booking.id, until])?;
                }
            }
            transaction.commit()?;
            Ok(claimed)
        }))
    }

    fn unclaim(&self, id: i64) -> StoreFuture<'_, ()> {
        Box::pin(self.database.run(move |connection| {
            connection
                .prepare_cached("UPDATE bookings SET claimed_until_ms = NULL WHERE id = ?1")?
                .execute([id])?;
            Ok(())
        }))
    }

    fn find(&self, confirmation: &str, session: &str) -> StoreFuture<'_, Option<Booking>> {
        let confirmation = confirmation.to_owned();
        let session = session.to_owned();
        Box::pin(self.database.run(move |connection| {
            connection
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM bookings WHERE confirmation = ?1 AND session = ?2"
                ))?
                .query_row(params![confirmation, session], row)
                .optional()?
                .map(Row::into_booking)
                .transpose()
        }))
    }
}

fn create(connection: &mut Connection, booking: &NewBooking) -> Result<Created, StoreError> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let start = booking.start.to_string();
    if let Some(turn) = &booking.turn_key {
        let existing = transaction
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM bookings WHERE turn_key = ?1"
            ))?
            .query_row([turn], row)
            .optional()?;
        if let Some(existing) = existing {
            return Ok(Created::Existing(existing.into_booking()?));
        }
    }
    let existing = transaction
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM bookings WHERE session = ?1 AND resource = ?2 \
             AND starts_at = ?3 AND service = ?4 AND status IN ('pending', 'confirmed') \
             ORDER BY id LIMIT 1"
        ))?
        .query_row(
            params![booking.session, booking.resource, start, booking.service],
            row,
        )
        .optional()?;
    if let Some(existing) = existing {
        return Ok(Created::Existing(existing.into_booking()?));
    }
    let confirmation = loop {
        let candidate = confirmation_number();
        let used = transaction
            .prepare_cached("SELECT 1 FROM bookings WHERE confirmation = ?1")?
            .exists([&candidate])?;
        if !used {
            break candidate;
        }
    };
    transaction
        .prepare_cached(
            "INSERT INTO bookings (confirmation, turn_key, session, service, resource, \
             starts_at, ends_at, status, idempotency_key, created_at, claimed_until_ms) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            confirmation,
            booking.turn_key,
            booking.session,
            booking.service,
            booking.resource,
            start,
            booking.end.to_string(),
            booking.status.as_str(),
            booking.idempotency_key,
            booking.created_at.to_string(),
            (booking.status == Status::Pending).then(|| now_ms() + CREATED_CLAIM_MS),
        ])?;
    let id = transaction.last_insert_rowid();
    {
        let mut claim = transaction.prepare_cached(
            "INSERT INTO booking_slots (resource, slot, booking_id) VALUES (?1, ?2, ?3)",
        )?;
        for cell in &booking.cells {
            match claim.execute(params![booking.resource, cell.to_string(), id]) {
                Ok(_) => {}
                Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
                    return Ok(Created::Taken); // Dropping the transaction rolls back.
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    transaction.commit()?;
    Ok(Created::New(Booking {
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
    }))
}

/// [`CREATED_CLAIM`] in milliseconds.
pub(super) const CREATED_CLAIM_MS: i64 = CREATED_CLAIM.as_millis() as i64;

/// Milliseconds since the Unix epoch, on this machine's clock (one instance uses the file).
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        })
}

/// A fresh `BK-XXXXXX`: 6 characters of a 31-letter alphabet, about 887 million numbers.
pub(super) fn confirmation_number() -> String {
    let code: String = (0..6)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect();
    format!("BK-{code}")
}

/// A booking row as stored, in the order of [`COLUMNS`].
struct Row {
    id: i64,
    confirmation: String,
    session: String,
    service: String,
    resource: String,
    start: String,
    end: String,
    status: String,
    idempotency_key: String,
    external_id: Option<String>,
}

fn row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: row.get(0)?,
        confirmation: row.get(1)?,
        session: row.get(2)?,
        service: row.get(3)?,
        resource: row.get(4)?,
        start: row.get(5)?,
        end: row.get(6)?,
        status: row.get(7)?,
        idempotency_key: row.get(8)?,
        external_id: row.get(9)?,
    })
}

impl Row {
    /// The booking; a bad stored value is a [`StoreError::Data`].
    fn into_booking(self) -> Result<Booking, StoreError> {
        let id = self.id;
        let bad =
            |what: &str, value: &str| StoreError::Data(format!("booking {id}: {what} `{value}`"));
        Ok(Booking {
            id,
            start: self.start.parse().map_err(|_| bad("start", &self.start))?,
            end: self.end.parse().map_err(|_| bad("end", &self.end))?,
            status: Status::parse(&self.status).ok_or_else(|| bad("status", &self.status))?,
            confirmation: self.confirmation,
            session: self.session,
            service: self.service,
            resource: self.resource,
            idempotency_key: self.idempotency_key,
            external_id: self.external_id,
        })
    }
}
