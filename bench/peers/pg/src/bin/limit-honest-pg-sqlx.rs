//! The honest minimum on Postgres through sqlx: a `PgPool` of `POOL_SIZE` connections, the
//! statement prepared once per connection (sqlx caches it), no ping before acquire.
use pg::{Lookup, POOL_SIZE, SQL};
use sqlx::postgres::{PgPool, PgPoolOptions};

#[derive(Clone)]
struct Sqlx(PgPool);

impl Lookup for Sqlx {
    async fn balance(&self, user_id: String) -> Result<Option<f64>, String> {
        sqlx::query_scalar::<_, f64>(SQL)
            .bind(user_id)
            .fetch_optional(&self.0)
            .await
            .map_err(|e| e.to_string())
    }
}

#[tokio::main]
async fn main() {
    let (port, url) = pg::args();
    let pool = PgPoolOptions::new()
        .max_connections(POOL_SIZE as u32)
        .min_connections(POOL_SIZE as u32)
        .test_before_acquire(false)
        .connect(&url)
        .await
        .expect("postgres pool");
    pg::serve(port, Sqlx(pool)).await;
}
