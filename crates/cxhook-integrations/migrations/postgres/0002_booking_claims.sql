-- The claim a sweep holds on a pending booking while it sends it to the scheduling API:
-- milliseconds since the Unix epoch on the server's clock, until which no other sweep (on any
-- replica) takes the booking. NULL: never claimed.

ALTER TABLE bookings ADD COLUMN claimed_until_ms BIGINT;
