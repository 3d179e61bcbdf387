-- Accounts and their transactions. Money is integer minor units plus an ISO 4217 code.
-- Kept to SQL that Postgres also takes, but for the INTEGER PRIMARY KEY row id.

CREATE TABLE accounts (
    user_id TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    currency CHAR(3) NOT NULL CHECK (length(currency) = 3),
    balance_minor BIGINT NOT NULL
);

CREATE TABLE transactions (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES accounts (user_id),
    booked_on DATE NOT NULL,
    description TEXT NOT NULL,
    amount_minor BIGINT NOT NULL
);

CREATE INDEX transactions_by_user ON transactions (user_id, booked_on DESC, id DESC);
