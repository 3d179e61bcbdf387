//! `cxhook memory show --user ID` and `cxhook memory forget --user ID`: what `[memory]`
//! keeps about one user, shown or erased from the command line, for support and for data
//! access and erasure requests.
//!
//! The user is named as the agent knew them (a user ID, a phone number) and keyed with the
//! secret the server keys them with: the store is looked up by that key, and the identity
//! itself is neither stored nor printed (the output names the key's first 12 hex digits).
//! With no secret given and the database SQLite, that is the secret kept beside the
//! database, which only `serve` makes: with no such file, no server has remembered anyone
//! there, and the commands say so (and succeed, as for a user with nothing remembered)
//! without making the file or the database.

use std::io::Write;

use anyhow::{Context, anyhow, bail};
use cxhook_integrations::memory::{self, SecretSource};
use serde_json::{Map, Value, json};

use crate::cli::{MemoryCommand, MemoryUserArgs};
use crate::config::Config;

/// Shows or erases the facts of the user the flags name.
pub(crate) fn run(command: &MemoryCommand) -> anyhow::Result<()> {
    let (flags, forget) = match command {
        MemoryCommand::Show(flags) => (flags, false),
        MemoryCommand::Forget(flags) => (flags, true),
    };
    let MemoryUserArgs { user, config } = flags;
    let config = Config::resolve(config.as_deref(), None).context("config error")?;
    let section = &config.memory;
    let identity = user.trim();
    if identity.is_empty() {
        bail!("--user must name a user");
    }
    let source = section
        .secret_source()
        .map_err(|e| anyhow!("`memory.{}`: {}", e.key, e.problem))?;
    let secret = match source {
        SecretSource::Given(secret) => secret,
        SecretSource::Kept(file) => match memory::read_kept(&file)? {
            Some(secret) => secret,
            None => return nothing_remembered(forget, &file),
        },
        SecretSource::Missing => bail!(
            "memory has no secret: set the variable `memory.secret_env` names ({}) or \
             `memory.secret_file`, as the server has them",
            section.secret_env
        ),
    };
    let user = secret.key(identity);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let store = {
        let _runtime = runtime.enter();
        memory::open(section).context("cannot open the memory store ([memory])")?
    };
    let mut stdout = std::io::stdout().lock();
    if forget {
        let facts = runtime
            .block_on(store.forget_user(user.clone()))
            .context("cannot erase the user's memory")?;
        let noun = if facts == 1 { "fact" } else { "facts" };
        writeln!(stdout, "user {}: {facts} {noun} forgotten", user.short())
            .context("cannot write to stdout")?;
        return Ok(());
    }
    let facts = runtime
        .block_on(store.recall(user.clone()))
        .context("cannot read the user's memory")?;
    let facts: Map<String, Value> = facts
        .into_iter()
        .map(|fact| {
            let updated_at = jiff::Timestamp::try_from(fact.updated_at)
                .map_or_else(|_| Value::Null, |at| Value::String(at.to_string()));
            (
                fact.name,
                json!({"value": fact.value, "updated_at": updated_at}),
            )
        })
        .collect();
    let shown = json!({"user": user.short(), "facts": facts});
    let text = serde_json::to_string_pretty(&shown).context("cannot write the facts as JSON")?;
    writeln!(stdout, "{text}").context("cannot write to stdout")
}

/// What the commands say when the secret file kept beside the database does not exist: no
/// server has keyed anyone with it, so nothing is remembered, and there is nothing to look
/// up (the database is not opened, nor made). What is written to stdout has the form of a
/// user with nothing remembered; stderr says why.
fn nothing_remembered(forget: bool, file: &std::path::Path) -> anyhow::Result<()> {
    eprintln!(
        "nothing is remembered: no secret is set and {} does not exist (`cxhook serve` makes \
         it when memory starts)",
        file.display()
    );
    let mut stdout = std::io::stdout().lock();
    let text = if forget {
        "0 facts forgotten".to_owned()
    } else {
        serde_json::to_string_pretty(&json!({"user": null, "facts": {}}))
            .context("cannot write the facts as JSON")?
    };
    writeln!(stdout, "{text}").context("cannot write to stdout")
}
