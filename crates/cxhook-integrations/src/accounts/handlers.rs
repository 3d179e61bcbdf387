//! The `account.balance` and `account.transactions` handlers.

use std::sync::Arc;

use cxhook::Reply;
use cxhook::extract::{Form, LanguageCode, Params, State};
use cxhook::types::value::as_i64;
use serde::Deserialize;
use serde_json::Value;

use super::store::{AccountStore, StoreError};
use crate::messages::{Catalog, FluentValue, Say, ssml};

/// How many transactions a call lists when it does not say.
pub const DEFAULT_TRANSACTION_COUNT: u32 = 3;

/// The parameter naming the account.
const USER_ID: &str = "user_id";
/// The parameter saying how many transactions to list.
const COUNT: &str = "count";

/// The parameters the handlers read (the form's value over the session's, see
/// [`Params`]), as said: a user ID may be a string or a number, a count a word, and what
/// does not read as one is asked for again rather than rejected.
#[derive(Deserialize)]
pub(super) struct Said {
    #[serde(default)]
    user_id: Option<Value>,
    #[serde(default)]
    count: Option<Value>,
}

/// The handlers' state.
#[derive(Clone)]
pub(super) struct Accounts {
    pub(super) store: Arc<dyn AccountStore>,
    pub(super) max_transactions: u32,
    /// What the handlers say, by language.
    pub(super) messages: Arc<Catalog>,
}

/// `account.balance`.
pub(super) async fn balance(
    State(accounts): State<Accounts>,
    Params(said): Params<Said>,
    form: Form,
    LanguageCode(language): LanguageCode,
) -> Result<Reply, cxhook::Error> {
    let say = Say::new(&accounts.messages, &language);
    let Some(user_id) = user_id(said.user_id.as_ref()) else {
        return Ok(ask_for_user_id(&form, say));
    };
    let account = accounts
        .store
        .account(&user_id)
        .await
        .map_err(|e| unavailable(e, say))?;
    let Some(account) = account else {
        return Ok(unknown(&user_id, &form, say)
            .clear_param("balance")
            .clear_param("balance_minor")
            .clear_param("currency"));
    };
    let balance = account.balance.format(&language);
    Ok(Reply::text(say.text(
        "account-balance",
        &[
            ("user_id", user_id.as_str().into()),
            ("balance", balance.as_str().into()),
        ],
    ))
    .set_param("account_found", true)
    .set_param("balance", &balance)
    .set_param("balance_minor", account.balance.minor)
    .set_param("currency", account.balance.currency.as_str()))
}

/// `account.transactions`.
pub(super) async fn transactions(
    State(accounts): State<Accounts>,
    Params(said): Params<Said>,
    form: Form,
    LanguageCode(language): LanguageCode,
) -> Result<Reply, cxhook::Error> {
    let say = Say::new(&accounts.messages, &language);
    let Some(user_id) = user_id(said.user_id.as_ref()) else {
        return Ok(ask_for_user_id(&form, say));
    };
    let max = accounts.max_transactions;
    let (count, capped) = match count(said.count.as_ref()) {
        Count::Default => (DEFAULT_TRANSACTION_COUNT.min(max), false),
        Count::Some(count) => (count.min(max), count > max),
        Count::OutOfRange(said) => {
            return Ok(ask_for_count(
                &form,
                say.text(
                    "account-count-out-of-range",
                    &[("said", said.into()), ("max", max.into())],
                ),
            ));
        }
        Count::NotUnderstood(said) => {
            return Ok(ask_for_count(
                &form,
                say.text(
                    "account-count-not-understood",
                    &[("said", said.into()), ("max", max.into())],
                ),
            ));
        }
    };
    let transactions = accounts
        .store
        .transactions(&user_id, count)
        .await
        .map_err(|e| unavailable(e, say))?;
    let Some(transactions) = transactions else {
        return Ok(unknown(&user_id, &form, say).clear_param("transaction_count"));
    };
    let user = ("user_id", FluentValue::from(user_id.as_str()));
    let capped = capped.then(|| say.text("account-transactions-capped", &[("max", max.into())]));
    if transactions.is_empty() {
        let text = say.text("account-no-transactions", &[user]);
        let text = match capped {
            Some(capped) => format!("{capped} {text}"),
            None => text,
        };
        return Ok(Reply::text(text)
            .set_param("account_found", true)
            .set_param("transaction_count", 0));
    }
    let heading = (
        "account-transactions",
        [user, ("count", transactions.len().into())],
    );
    let items: Vec<[(&str, FluentValue<'_>); 3]> = transactions
        .iter()
        .map(|t| {
            // The stores keep `YYYY-MM-DD`; anything else is said as it is.
            let date = t
                .date
                .parse::<jiff::civil::Date>()
                .map_or_else(|_| t.date.clone(), |date| say.day(date));
            [
                ("date", date.into()),
                ("description", t.description.as_str().into()),
                ("amount", t.amount.format_signed(&language).into()),
            ]
        })
        .collect();
    let said: Vec<String> = items
        .iter()
        .map(|item| say.text("account-transaction", item))
        .collect();
    let mut text = format!(
        "{} {}.",
        say.text(heading.0, &heading.1),
        say.and_list(&said)
    );
    if let Some(capped) = &capped {
        text = format!("{capped} {text}");
    }
    let mut reply = Reply::text(text);
    if say.speaks_ssml() {
        // The same words, with a pause after the heading and between the transactions.
        let spoken: Vec<String> = items
            .iter()
            .map(|item| say.ssml("account-transaction", item, &[]))
            .collect();
        let mut aloud = format!(
            "{}{} {}.",
            say.ssml(heading.0, &heading.1, &[]),
            ssml::PAUSE,
            say.ssml_and_list(&spoken)
        );
        if let Some(capped) = &capped {
            aloud = format!("{} {aloud}", ssml::escape(capped));
        }
        reply = reply.ssml(aloud);
    }
    Ok(reply
        .set_param("account_found", true)
        .set_param("transaction_count", transactions.len()))
}

/// The `user_id` parameter: a non-blank string, or an integral number.
fn user_id(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(id) => Some(id.trim().to_owned()).filter(|id| !id.is_empty()),
        number @ Value::Number(_) => as_i64(number).filter(|n| *n >= 0).map(|n| n.to_string()),
        _ => None,
    }
}

/// What the `count` parameter asks for.
#[derive(Debug, PartialEq, Eq)]
enum Count {
    /// Not said: the default.
    Default,
    /// A number of transactions, 1 or more (capped by the handler).
    Some(u32),
    /// A number that is no count: 0, negative or fractional; as said.
    OutOfRange(String),
    /// Not a number at all; as said, cut to a few words.
    NotUnderstood(String),
}

/// How much of a `count` that is not a number is said back.
const SAID_MAX_CHARS: usize = 24;

/// The `count` parameter: a number (CX sends numbers as doubles), a string of digits, or an
/// English number word from one to twenty (what a caller says when the parameter is not
/// typed `@sys.number`).
fn count(value: Option<&Value>) -> Count {
    let number = match value {
        None | Some(Value::Null) => return Count::Default,
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) if s.trim().is_empty() => return Count::Default,
        Some(Value::String(s)) => {
            let said = s.trim();
            match said.parse::<f64>() {
                Ok(n) if n.is_finite() => Some(n),
                _ => number_word(said).map(f64::from),
            }
        }
        Some(_) => None,
    };
    let said = || match value {
        Some(Value::String(s)) => s.trim().chars().take(SAID_MAX_CHARS).collect(),
        Some(other) => other.to_string().chars().take(SAID_MAX_CHARS).collect(),
        None => String::new(),
    };
    match number {
        Some(n) if n >= 1.0 && n.fract() == 0.0 => {
            Count::Some(if n >= f64::from(u32::MAX) {
                u32::MAX
            } else {
                // A whole number in 1..u32::MAX: the cast is exact.
                n as u32
            })
        }
        Some(n) => Count::OutOfRange(if n.fract() == 0.0 {
            format!("{n:.0}")
        } else {
            n.to_string()
        }),
        None => Count::NotUnderstood(said()),
    }
}

/// `one` to `twenty`, in any case.
fn number_word(word: &str) -> Option<u32> {
    const WORDS: [&str; 20] = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    let word = word.to_lowercase();
    let index = WORDS.iter().position(|w| *w == word)?;
    u32::try_from(index + 1).ok()
}

/// Asks for the count again, saying why: by marking the form's `count` invalid (and
/// clearing it) when the page collects it, and in words either way.
fn ask_for_count(form: &Form, text: String) -> Reply {
    let reply = Reply::text(text);
    if form.contains(COUNT) {
        reply.invalidate(COUNT).clear_param(COUNT)
    } else {
        reply
    }
}

/// Asks for the user ID: by marking the form's `user_id` invalid when the page has one, so
/// the agent prompts for it, else by saying so.
fn ask_for_user_id(form: &Form, say: Say<'_>) -> Reply {
    if form.contains(USER_ID) {
        Reply::new().invalidate(USER_ID)
    } else {
        Reply::text(say.text("account-which", &[]))
    }
}

/// The reply for an account that does not exist.
fn unknown(user_id: &str, form: &Form, say: Say<'_>) -> Reply {
    let reply = Reply::text(say.text("account-unknown", &[("user_id", user_id.into())]))
        .set_param("account_found", false);
    if form.contains(USER_ID) {
        reply.invalidate(USER_ID)
    } else {
        reply
    }
}

/// A store failure as the error the recover layer answers for.
fn unavailable(error: StoreError, say: Say<'_>) -> cxhook::Error {
    cxhook::Error::new(error).say(say.text("account-unavailable", &[]))
}

#[cfg(test)]
mod tests {
    use cxhook::Router;
    use cxhook_sim::{RequestBuilder, TestClient};

    use super::*;
    use crate::accounts::SqliteStore;
    use crate::sqlite::DatabaseOptions;

    /// The transactions router over a fresh seeded database, with `messages`.
    fn client(dir: &std::path::Path, messages: Catalog) -> TestClient {
        let options = DatabaseOptions {
            path: dir.join("cxhook.db"),
            connections: 1,
            query_timeout: std::time::Duration::from_secs(5),
        };
        let state = Accounts {
            store: Arc::new(SqliteStore::open(&options, true).unwrap()),
            max_transactions: 10,
            messages: Arc::new(messages),
        };
        TestClient::new(
            Router::new()
                .route("account.transactions", transactions)
                .with_state(state),
        )
    }

    fn transactions_of(user_id: &str, language: &str) -> RequestBuilder {
        RequestBuilder::new()
            .tag("account.transactions")
            .lang(language)
            .param("user_id", user_id)
            .param("count", 2.0)
    }

    #[tokio::test]
    async fn with_ssml_the_transaction_list_also_has_a_spoken_variant_with_pauses() {
        let dir = tempfile::tempdir().unwrap();
        let plain = client(dir.path(), Catalog::new());
        let reply = plain.send(transactions_of("u-1001", "de")).await;
        assert!(
            reply.json()["fulfillmentResponse"]["messages"][1].is_null(),
            "{reply}"
        );
        let text = reply.text().to_owned();

        let voice = client(dir.path(), Catalog::new().with_ssml(true));
        let reply = voice.send(transactions_of("u-1001", "de")).await;
        assert_eq!(reply.text(), text, "the text is the same");
        let messages = &reply.json()["fulfillmentResponse"]["messages"];
        let ssml = messages[1]["outputAudioText"]["ssml"].as_str().unwrap();
        assert!(
            ssml.starts_with(
                "<speak>Die letzten 2 Umsätze auf dem Konto u-1001:<break time=\"300ms\"/> \
                 Coffee Corner über -4,50\u{a0}$ am "
            ),
            "{ssml}"
        );
        assert!(
            ssml.contains(" und Salary über +3.200,00\u{a0}$ am "),
            "{ssml}"
        );
        assert!(ssml.ends_with(".</speak>"), "{ssml}");
        let words = ssml
            .replace("<speak>", "")
            .replace("</speak>", "")
            .replace("<break time=\"300ms\"/>", "");
        assert_eq!(words, text, "the voice says what the text shows");
    }
}
