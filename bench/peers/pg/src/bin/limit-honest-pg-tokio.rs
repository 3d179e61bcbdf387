//! The honest minimum on Postgres through tokio-postgres and deadpool-postgres: a pool of
//! `POOL_SIZE` connections, the statement prepared once per connection (`prepare_cached`),
//! a recycled connection checked by its state only (`RecyclingMethod::Fast`, no query).
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use pg::{Lookup, POOL_SIZE, SQL};

#[derive(Clone)]
struct TokioPostgres(Pool);

impl Lookup for TokioPostgres {
    async fn balance(&self, user_id: String) -> Result<Option<f64>, String> {
        let client = self.0.get().await.map_err(|e| e.to_string())?;
        let statement = client.prepare_cached(SQL).await.map_err(|e| e.to_string())?;
        let row = client
            .query_opt(&statement, &[&user_id])
            .await
            .map_err(|e| e.to_string())?;
        Ok(row.map(|row| row.get::<_, f64>(0)))
    }
}

#[tokio::main]
async fn main() {
    let (port, url) = pg::args();
    let config: tokio_postgres::Config = url.parse().expect("postgres URL");
    let manager = Manager::from_config(
        config,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(POOL_SIZE)
        .build()
        .expect("postgres pool");
    pg::serve(port, TokioPostgres(pool)).await;
}
