-- Facts remembered about users across sessions. `user_key` is the HMAC-SHA256 of the user's
-- identity (64 hex digits), never the identity itself; `value` is the fact's JSON text.
-- A forgotten fact stays as a tombstone (`forgotten` = 1, no value) so that a write older
-- than the forget does not bring it back; the retention sweep erases both by
-- `updated_at_ms`, milliseconds since the Unix epoch. `forgotten` is an integer rather than
-- a boolean so that rows read, copy and compare alike on SQLite and Postgres.

CREATE TABLE memory (
    user_key TEXT NOT NULL,
    fact TEXT NOT NULL,
    value TEXT,
    updated_at_ms BIGINT NOT NULL,
    forgotten SMALLINT NOT NULL DEFAULT 0 CHECK (forgotten IN (0, 1)),
    PRIMARY KEY (user_key, fact)
);

CREATE INDEX memory_by_time ON memory (updated_at_ms);
