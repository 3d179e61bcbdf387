//! What the built-in integrations' tags read and set, for `cxhook agent lint`'s check that
//! the agent sets every parameter a tag needs.
//!
//! A cxhook handler reads its parameters with an extractor (`Params<T>`), which no router
//! can list, so the table is written here, by hand, from the handlers; the tag names and
//! the weather's place parameter come from the configuration, as the integrations read them.
//! Only what a tag cannot answer without is listed: a tag that asks for what is missing (the
//! accounts tags ask for a user ID) still needs the agent to collect it somewhere.
//!
//! | tag (default name)     | needs                              | sets              |
//! |------------------------|------------------------------------|-------------------|
//! | `account.balance`      | `user_id`                          | `account_found`   |
//! | `account.transactions` | `user_id`                          | `account_found`   |
//! | `weather.current`      | `weather.param` (`city`)           |                   |
//! | `booking.validate`     | (checks what is given)             |                   |
//! | `booking.create`       | `service`, `date`, `time`          | `confirmation_id` |
//! | `booking.cancel`       | `confirmation` or `confirmation_id`|                   |
//!
//! A router of the user's own declares nothing, and its tags are only checked for being
//! served.

use cxhook_agent::lint::TagParams;

use crate::config::Config;

/// The table for the integrations `config` enables.
pub(crate) fn tag_params(config: &Config) -> Vec<TagParams> {
    let one = |name: &str| vec![name.to_owned()];
    let tag = |tag: &str, needs: Vec<Vec<String>>, sets: &[&str]| TagParams {
        tag: tag.to_owned(),
        needs,
        sets: sets.iter().map(|name| (*name).to_owned()).collect(),
    };
    let mut table = Vec::new();
    if config.accounts.enabled {
        let tags = &config.accounts.tags;
        table.push(tag(&tags.balance, vec![one("user_id")], &["account_found"]));
        table.push(tag(
            &tags.transactions,
            vec![one("user_id")],
            &["account_found"],
        ));
    }
    if config.weather.enabled {
        let current = &config.weather.tags.current;
        table.push(tag(current, vec![one(&config.weather.param)], &[]));
    }
    if config.booking.enabled {
        let tags = &config.booking.tags;
        table.push(tag(&tags.validate, Vec::new(), &[]));
        let needs = vec![one("service"), one("date"), one("time")];
        table.push(tag(&tags.create, needs, &["confirmation_id"]));
        let either = vec!["confirmation".to_owned(), "confirmation_id".to_owned()];
        table.push(tag(&tags.cancel, vec![either], &[]));
    }
    table
}
