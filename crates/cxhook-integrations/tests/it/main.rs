//! Integration tests of the built-in integrations, against real SQLite files.

mod accounts;
mod booking;
mod storage;
mod support;
mod weather;
