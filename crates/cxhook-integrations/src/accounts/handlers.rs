//! The `account.balance` and `account.transactions` handlers.

use std::sync::Arc;

use cxhook::Reply;
use cxhook::extract::{Form, LanguageCode, Session, State};
use cxhook::types::value::as_i64;
use serde_json::Value;

use super::DEFAULT_TRANSACTION_COUNT;
use super::store::{AccountStore, StoreError};

/// The session (and form) parameter naming the account.
const USER_ID: &str = "user_id";

/// What the user hears when the database fails.
const UNAVAILABLE: &str =
    "Sorry, I can't reach your account details right now. Please try again in a moment.";

/// The handlers' state.
#[derive(Clone)]
pub(super) struct Accounts {
    pub(super) store: Arc<dyn AccountStore>,
    pub(super) max_transactions: u32,
}

/// `account.balance`.
pub(super) async fn balance(
    State(accounts): State<Accounts>,
    session: Session,
    form: Form,
    LanguageCode(language): LanguageCode,
) -> Result<Reply, cxhook::Error> {
    let Some(user_id) = user_id(&session) else {
        return Ok(ask_for_user_id(&form));
    };
    let account = accounts
        .store
        .account(&user_id)
        .await
        .map_err(unavailable)?;
    let Some(account) = account else {
        return Ok(unknown(&user_id, &form)
            .clear_param("balance")
            .clear_param("balance_minor")
            .clear_param("currency"));
    };
    let balance = account.balance.format(&language);
    Ok(
        Reply::text(format!("The balance of account {user_id} is {balance}."))
            .set_param("account_found", true)
            .set_param("balance", &balance)
            .set_param("balance_minor", account.balance.minor)
            .set_param("currency", account.balance.currency.as_str()),
    )
}

/// `account.transactions`.
pub(super) async fn transactions(
    State(accounts): State<Accounts>,
    session: Session,
    form: Form,
    LanguageCode(language): LanguageCode,
) -> Result<Reply, cxhook::Error> {
    let Some(user_id) = user_id(&session) else {
        return Ok(ask_for_user_id(&form));
    };
    let count = count(session.param("count")).min(accounts.max_transactions);
    let transactions = accounts
        .store
        .transactions(&user_id, count)
        .await
        .map_err(unavailable)?;
    let Some(transactions) = transactions else {
        return Ok(unknown(&user_id, &form).clear_param("transaction_count"));
    };
    let text = if transactions.is_empty() {
        format!("There are no transactions on account {user_id} yet.")
    } else {
        let lines: Vec<String> = transactions
            .iter()
            .map(|t| {
                format!(
                    "{}: {}, {}",
                    t.date,
                    t.description,
                    t.amount.format_signed(&language)
                )
            })
            .collect();
        let what = match transactions.len() {
            1 => "The last transaction".to_owned(),
            n => format!("The last {n} transactions"),
        };
        format!("{what} on account {user_id}:\n{}", lines.join("\n"))
    };
    Ok(Reply::text(text)
        .set_param("account_found", true)
        .set_param("transaction_count", transactions.len()))
}

/// The `user_id` session parameter: a non-blank string, or an integral number.
fn user_id(session: &Session) -> Option<String> {
    match session.param(USER_ID)? {
        Value::String(id) => Some(id.trim().to_owned()).filter(|id| !id.is_empty()),
        number @ Value::Number(_) => as_i64(number).filter(|n| *n >= 0).map(|n| n.to_string()),
        _ => None,
    }
}

/// The `count` parameter: a positive whole number (CX sends numbers as doubles; a string of
/// digits also does), else the default.
fn count(value: Option<&Value>) -> u32 {
    let count = match value {
        Some(Value::Number(n)) => n.as_f64().filter(|f| f.is_finite() && *f >= 1.0).map(|f| {
            if f >= f64::from(u32::MAX) {
                u32::MAX
            } else {
                f as u32
            }
        }),
        Some(Value::String(s)) => s.trim().parse().ok().filter(|n| *n >= 1),
        _ => None,
    };
    count.unwrap_or(DEFAULT_TRANSACTION_COUNT)
}

/// Asks for the user ID: by marking the form's `user_id` invalid when the page has one, so
/// the agent prompts for it, else by saying so.
fn ask_for_user_id(form: &Form) -> Reply {
    if form.contains(USER_ID) {
        Reply::new().invalidate(USER_ID)
    } else {
        Reply::text("Which account do you mean? Please tell me your user ID.")
    }
}

/// The reply for an account that does not exist.
fn unknown(user_id: &str, form: &Form) -> Reply {
    let reply = Reply::text(format!(
        "I couldn't find an account with the user ID {user_id}. \
         Please check the ID and tell me again."
    ))
    .set_param("account_found", false);
    if form.contains(USER_ID) {
        reply.invalidate(USER_ID)
    } else {
        reply
    }
}

/// A store failure as the error the recover layer answers for.
fn unavailable(error: StoreError) -> cxhook::Error {
    cxhook::Error::new(error).say(UNAVAILABLE)
}
