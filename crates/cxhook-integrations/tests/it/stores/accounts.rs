//! The `AccountStore` suite: the demo accounts, their transactions, unknown accounts.

use cxhook_integrations::accounts::money::{Currency, Money};
use cxhook_integrations::booking::jiff::Timestamp;
use cxhook_integrations::booking::jiff::tz::TimeZone;

use super::backend::{Db, Kind};

on_every_backend!(
    an_account_is_found_by_its_user_id,
    an_unknown_account_is_none,
    transactions_are_listed_newest_first_up_to_the_limit,
    concurrent_lookups_all_answer,
);

async fn an_account_is_found_by_its_user_id(kind: Kind) {
    let Some(db) = Db::new(kind, "an_account_is_found_by_its_user_id").await else {
        return;
    };
    let store = db.accounts(1000);
    let ada = store.account("u-1001").await.unwrap().unwrap();
    assert_eq!(ada.user_id, "u-1001");
    assert_eq!(ada.holder, "Ada Lovelace");
    assert_eq!(
        ada.balance,
        Money::new(125_075, Currency::parse("USD").unwrap())
    );
    let marie = store.account("u-1005").await.unwrap().unwrap();
    assert_eq!(
        marie.balance,
        Money::new(0, Currency::parse("EUR").unwrap())
    );
}

async fn an_unknown_account_is_none(kind: Kind) {
    let Some(db) = Db::new(kind, "an_unknown_account_is_none").await else {
        return;
    };
    let store = db.accounts(1000);
    assert_eq!(store.account("u-9999").await.unwrap(), None);
    assert_eq!(store.account("").await.unwrap(), None);
    assert_eq!(store.account("u-1001' OR '1'='1").await.unwrap(), None);
    assert_eq!(store.transactions("u-9999", 5).await.unwrap(), None);
}

async fn transactions_are_listed_newest_first_up_to_the_limit(kind: Kind) {
    let Some(db) = Db::new(kind, "transactions_are_listed_newest_first_up_to_the_limit").await
    else {
        return;
    };
    let store = db.accounts(1000);
    let all = store.transactions("u-1001", 10).await.unwrap().unwrap();
    let descriptions: Vec<&str> = all.iter().map(|t| t.description.as_str()).collect();
    assert_eq!(
        descriptions,
        [
            "Coffee Corner",
            "Salary",
            "Grocery Market",
            "Electricity bill",
            "Bookshop",
            "Refund"
        ]
    );
    let usd = Currency::parse("USD").unwrap();
    assert_eq!(all[0].amount, Money::new(-450, usd));
    assert_eq!(all[1].amount, Money::new(320_000, usd));
    let yesterday = Timestamp::now()
        .to_zoned(TimeZone::UTC)
        .date()
        .yesterday()
        .unwrap()
        .to_string();
    assert_eq!(all[0].date, yesterday);
    assert!(
        all.windows(2).all(|pair| pair[0].date >= pair[1].date),
        "{all:?}"
    );

    let two = store.transactions("u-1001", 2).await.unwrap().unwrap();
    assert_eq!(two, all[..2]);
    // The demo data was written once.
    assert_eq!(db.count("transactions").await, 16);
}

async fn concurrent_lookups_all_answer(kind: Kind) {
    let Some(db) = Db::new(kind, "concurrent_lookups_all_answer").await else {
        return;
    };
    let store = db.accounts(5000);
    let lookups = (0..64).map(|n| {
        let store = store.clone();
        tokio::spawn(async move {
            let user = format!("u-100{}", n % 6);
            (user.clone(), store.account(&user).await.unwrap())
        })
    });
    for lookup in lookups {
        let (user, account) = lookup.await.unwrap();
        // u-1000 does not exist; u-1001 to u-1005 do.
        assert_eq!(account.is_some(), user != "u-1000", "{user}");
    }
}
