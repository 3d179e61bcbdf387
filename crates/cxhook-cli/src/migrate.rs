//! `cxhook migrate`: apply the embedded migrations of the configured stores and say what was
//! applied, without serving. A release job runs it before instances that are told not to
//! migrate (`cxhook serve --no-migrate`, or `postgres.migrate = false`) start; on Postgres it
//! takes the same advisory lock as start-up, so it may also run beside instances that do.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use cxhook_integrations::schema::{self, Applied};

use crate::cli::MigrateArgs;
use crate::config::Config;

/// Resolves the configuration and migrates the database of each enabled store (accounts,
/// booking, then memory), printing one line per store.
pub(crate) fn run(flags: &MigrateArgs) -> anyhow::Result<()> {
    let config = Config::resolve(flags.config.as_deref(), None).context("config error")?;
    let mut stdout = std::io::stdout().lock();
    if config.accounts.enabled {
        let applied = schema::accounts(&config.accounts)
            .context("cannot migrate the accounts database ([accounts])")?;
        let line = describe("accounts", &config.accounts.database, &applied);
        writeln!(stdout, "{line}").context("cannot write to stdout")?;
    }
    if config.booking.enabled {
        let applied = schema::booking(&config.booking)
            .context("cannot migrate the booking database ([booking])")?;
        let line = describe("booking", &config.booking.database, &applied);
        writeln!(stdout, "{line}").context("cannot write to stdout")?;
    }
    if config.memory.enabled {
        let applied = schema::memory(&config.memory)
            .context("cannot migrate the memory database ([memory])")?;
        let line = describe("memory", &config.memory.database, &applied);
        writeln!(stdout, "{line}").context("cannot write to stdout")?;
    }
    Ok(())
}

/// `accounts (cxhook.db): version 0 → 1, with the demo accounts`, or `… : up to date`. The
/// database is named as configured, which never holds a password.
fn describe(store: &str, database: &Path, applied: &[Applied]) -> String {
    let database = database.display();
    if applied.is_empty() {
        return format!("{store} ({database}): up to date");
    }
    let steps: Vec<String> = applied
        .iter()
        .map(|step| {
            let demo = if step.seeded {
                ", with the demo accounts"
            } else {
                ""
            };
            format!(
                "{} version {} → {}{demo}",
                step.component, step.from, step.to
            )
        })
        .collect();
    format!("{store} ({database}): {}", steps.join("; "))
}
