//! A webhook of one's own: the `account.balance` tag, served on port 8081.

use cxhook::extract::{LanguageCode, Params};
use cxhook::logging::LogFormat;
use cxhook::server::{Webhook, serve};
use cxhook::{BoxError, Reply, Router};

/// The session parameters the handler reads.
#[derive(serde::Deserialize)]
struct Account {
    user_id: String,
}

/// `Option<Params<_>>`: a call without `user_id` is not an error, the caller is asked for it;
/// a `user_id` that is not a string still is one, answered before this function runs.
async fn balance(account: Option<Params<Account>>, LanguageCode(lang): LanguageCode) -> Reply {
    let Some(Params(account)) = account else {
        return Reply::text("Which account do you mean? Please tell me your user ID.");
    };
    Reply::text(format!("Looking up {} in {lang}.", account.user_id))
        .set_param("looked_up", true)
        .clear_param("pending")
}

/// The tags this webhook serves.
fn router() -> Router {
    Router::new().route("account.balance", balance)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    // Without a subscriber, a failing handler is answered but its error is logged nowhere.
    cxhook::logging::init(LogFormat::Auto, "info")?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8081").await?;
    serve(listener, Webhook::new(router())).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use cxhook_sim::{RequestBuilder, TestClient};

    #[tokio::test]
    async fn looks_up_the_account_or_asks_for_it() {
        let client = TestClient::new(super::router());
        let lookup = RequestBuilder::new()
            .tag("account.balance")
            .param("user_id", "u-1001");
        client
            .send(lookup)
            .await
            .assert_text("Looking up u-1001 in en.")
            .assert_param("looked_up", true)
            .assert_deleted("pending");

        let anonymous = RequestBuilder::new().tag("account.balance");
        client
            .send(anonymous)
            .await
            .assert_text("Which account do you mean? Please tell me your user ID.");

        let mistyped = RequestBuilder::new()
            .tag("account.balance")
            .param("user_id", 1001);
        client
            .send(mistyped)
            .await
            .assert_outcome(cxhook::Outcome::Rejected);
    }
}
