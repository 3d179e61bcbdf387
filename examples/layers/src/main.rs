//! The layers example, served on port 8082.

use cxhook::logging::LogFormat;
use cxhook::server::serve;
use layers::{AuditLog, webhook};

#[tokio::main]
async fn main() -> Result<(), cxhook::BoxError> {
    cxhook::logging::init(LogFormat::Auto, "info")?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8082").await?;
    serve(listener, webhook(&AuditLog::default())).await?;
    Ok(())
}
