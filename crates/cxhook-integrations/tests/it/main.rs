//! Integration tests of the built-in integrations, against real SQLite files and, when the
//! tests are given one (`TEST_POSTGRES_URL`, see `scripts/postgres.sh`), a real
//! Postgres server.

mod accounts;
mod booking;
mod postgres;
mod storage;
mod stores;
mod support;
mod weather;
