//! One suite per store trait, run against every backend (SQLite, and Postgres when the
//! tests are given a server), so that the backends' semantics cannot drift apart: each test
//! is an async function taking the backend, or what the suite's `given` makes of it,
//! instantiated once per backend by [`on_every_backend`].

/// Instantiates each named suite function as a test per backend: `sqlite::name` and
/// `postgres::name`. A suite function takes the backend (`async fn name(kind: Kind)`), or,
/// after `given GIVEN;`, what the suite's `async fn GIVEN(kind: Kind, test: &str) ->
/// Option<T>` gives it (`async fn name(given: T)`), so that each test states only what is
/// its own; a test given nothing (Postgres skipped) passes.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        on_every_backend!(@on crate::stores::backend::the_kind; $($name),*);
    };
    (given $given:ident; $($name:ident),* $(,)?) => {
        on_every_backend!(@on super::$given; $($name),*);
    };
    (@on $given:path; $($name:ident),*) => {
        on_every_backend!(@module sqlite, Sqlite, $given; $($name),*);
        on_every_backend!(@module postgres, Postgres, $given; $($name),*);
    };
    (@module $module:ident, $kind:ident, $given:path; $($name:ident),*) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let kind = crate::stores::backend::Kind::$kind;
                    if let Some(given) = $given(kind, stringify!($name)).await {
                        super::$name(given).await;
                    }
                }
            )*
        }
    };
}

mod accounts;
pub(crate) mod backend;
mod booking;
mod memory;
