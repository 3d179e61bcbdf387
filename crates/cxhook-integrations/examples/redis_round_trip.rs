//! How long a GET to Redis takes through the client the shared cache uses (redis-rs's
//! `ConnectionManager`): one call at a time, then 16 tasks sharing the connection; wall
//! time and this process's CPU time per call (Linux). The figures in
//! `src/shared_cache.rs` come from this loop (and the same loop over fred), built in release
//! mode and run against a local server:
//!
//! ```sh
//! eval "$(bash scripts/redis.sh start /tmp/cxhook-redis)"
//! cargo run --release -p cxhook-integrations --example redis_round_trip
//! ```

use std::time::Instant;

use redis::aio::ConnectionManager;
use redis::{AsyncCommands, IntoConnectionInfo};

/// Calls per round.
const CALLS: usize = 40_000;
/// Tasks sharing the connection in the concurrent rounds.
const TASKS: usize = 16;

/// This process's user and system CPU time so far, in seconds (from `/proc/self/stat`).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let Some(rest) = stat.rfind(')').map(|end| &stat[end + 2..]) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("TEST_REDIS_URL")
        .map_err(|_| "TEST_REDIS_URL is unset: start a server with scripts/redis.sh")?;
    let info = url.as_str().into_connection_info()?;
    let info = match std::env::var("TEST_REDIS_PASSWORD") {
        Ok(password) => {
            let settings = info.redis_settings().clone().set_password(password);
            info.set_redis_settings(settings)
        }
        Err(_) => info,
    };
    let mut connection = ConnectionManager::new(redis::Client::open(info)?).await?;
    let value = r#"{"kind":"found","place":"Paris, France","temperature":7.3,"weather_code":3,"wind_speed":12.4,"fetched_at_ms":1764985000000}"#;
    let key = "cxhook-round-trip";
    let () = connection.set(key, value).await?;
    for round in 1..=3 {
        let (started, cpu) = (Instant::now(), cpu_seconds());
        for _ in 0..CALLS {
            let _: Option<Vec<u8>> = connection.get(key).await?;
        }
        let (one, one_cpu) = (started.elapsed(), cpu_seconds() - cpu);
        let (started, cpu) = (Instant::now(), cpu_seconds());
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..TASKS {
            let mut connection = connection.clone();
            tasks.spawn(async move {
                for _ in 0..CALLS / TASKS {
                    let _: Option<Vec<u8>> = connection.get(key).await?;
                }
                Ok::<_, redis::RedisError>(())
            });
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        let (many, many_cpu) = (started.elapsed(), cpu_seconds() - cpu);
        let per_call = |seconds: f64| seconds * 1e6 / CALLS as f64;
        println!(
            "round {round}: one at a time {:.1} µs/GET ({:.1} µs CPU); {TASKS} tasks {:.1} µs/GET \
             ({:.1} µs CPU)",
            per_call(one.as_secs_f64()),
            per_call(one_cpu),
            per_call(many.as_secs_f64()),
            per_call(many_cpu),
        );
    }
    let () = connection.del(key).await?;
    Ok(())
}
