//! `/readyz`: not ready while a check the router carries fails, and during shutdown drain.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Body;
use cxhook::server::Webhook;
use cxhook::{BoxError, Reply, Router};
use http::{Request, StatusCode};
use serde_json::json;

use crate::support::send;

#[tokio::test]
async fn a_failing_check_of_a_merged_router_makes_the_replica_not_ready() {
    let up = Arc::new(AtomicBool::new(true));
    let watched = up.clone();
    let database = Router::new()
        .route("db.read", || async { Reply::text("read") })
        .ready_check("database", move || {
            let up = watched.load(Ordering::SeqCst);
            async move {
                if up {
                    Ok(())
                } else {
                    Err(BoxError::from("unreachable"))
                }
            }
        });
    let router = Router::new()
        .route("ping", || async { Reply::text("pong") })
        .merge(database);
    let app = Webhook::new(router).into_axum();
    let readyz = || Request::get("/readyz").body(Body::empty()).unwrap();

    assert_eq!(send(&app, readyz()).await.status, StatusCode::OK);
    up.store(false, Ordering::SeqCst);
    let answered = send(&app, readyz()).await;
    assert_eq!(answered.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        answered.body,
        json!({
            "status": "not_ready",
            "failed": ["database"],
            "reasons": {"database": "unreachable"}
        })
    );
    up.store(true, Ordering::SeqCst);
    assert_eq!(send(&app, readyz()).await.status, StatusCode::OK);
}
