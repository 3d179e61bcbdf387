//! Integration tests of the built-in integrations, against real SQLite files and, when the
//! tests are given them (`TEST_POSTGRES_URL`, see `scripts/postgres.sh`;
//! `TEST_REDIS_URL`, see `scripts/redis.sh`), real Postgres and Redis servers.

mod accounts;
mod booking;
mod booking_languages;
mod database_keys;
mod memory;
mod postgres;
mod remembered;
mod storage;
mod stores;
mod support;
mod weather;
mod weather_shared;
