-- The claim a sweep holds on a pending booking while it sends it to the scheduling API:
-- milliseconds since the Unix epoch, until which no other sweep takes the booking. NULL: never
-- claimed. One instance uses a SQLite file; the column keeps both schemas alike.

ALTER TABLE bookings ADD COLUMN claimed_until_ms INTEGER;
