-- Appointments. Instants are RFC 3339 UTC text (`2026-12-01T14:00:00Z`), which sorts as time.
-- Kept to SQL that Postgres also takes, but for the INTEGER PRIMARY KEY row id.

CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
    confirmation TEXT NOT NULL UNIQUE,
    -- The turn that booked (detectIntentResponseId and tag): one booking per turn.
    turn_key TEXT UNIQUE,
    session TEXT NOT NULL,
    service TEXT NOT NULL,
    resource TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled', 'rejected')),
    idempotency_key TEXT NOT NULL UNIQUE,
    external_id TEXT,
    created_at TEXT NOT NULL
);

CREATE INDEX bookings_by_session ON bookings (session, resource, starts_at);
CREATE INDEX bookings_pending ON bookings (status, id);

-- The slot-grid cells a live booking occupies: the unique constraint on (resource, slot)
-- that lets exactly one of any number of concurrent bookings of one slot succeed.
CREATE TABLE booking_slots (
    resource TEXT NOT NULL,
    slot TEXT NOT NULL,
    booking_id BIGINT NOT NULL REFERENCES bookings (id),
    PRIMARY KEY (resource, slot)
);

CREATE INDEX booking_slots_by_booking ON booking_slots (booking_id);
