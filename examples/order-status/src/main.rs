//! Serves the order-status webhook with the demo orders on `http://127.0.0.1:8080/webhook`
//! (or the address given as the first argument).

use cxhook::server::{Webhook, serve};
use order_status::{Shop, router};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "order-status listening on http://{}/webhook",
        listener.local_addr()?
    );
    serve(listener, Webhook::new(router(Shop::demo()))).await
}
