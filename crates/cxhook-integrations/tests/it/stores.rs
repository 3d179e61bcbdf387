//! One suite per store trait, run against every backend (SQLite, and Postgres when the
//! tests are given a server), so that the backends' semantics cannot drift apart: each test
//! is an async function taking the backend, instantiated once per backend by
//! [`on_every_backend`].

/// Instantiates each named suite function (`async fn name(kind: Kind)`) as a test per
/// backend: `sqlite::name` and `postgres::name`.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::stores::backend::Kind::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::stores::backend::Kind::Postgres).await;
                }
            )*
        }
    };
}

mod accounts;
pub(crate) mod backend;
mod booking;
mod memory;
