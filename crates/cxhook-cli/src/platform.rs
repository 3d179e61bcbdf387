//! The warning at start-up of an instance that keeps its data in SQLite on a platform that
//! runs several instances and replaces them (Cloud Run, Kubernetes, Lambda).
//!
//! The embedded default is right for one long-lived instance, and nothing stops it from
//! starting elsewhere: it is how cxhook is tried out. But there each instance books slots in
//! its own file (two instances book one slot twice), remembers users in its own file under
//! a secret of its own, and a replaced instance takes its files with it, so the start says
//! so, once, with what to change. A platform is recognised by
//! what it sets: Cloud Run `K_SERVICE`, Lambda `AWS_LAMBDA_FUNCTION_NAME`, and Cloud Run,
//! the Kubernetes manifest and most container platforms `PORT`.

use std::path::Path;

use cxhook_integrations::database::is_postgres;

use crate::config::Config;

/// The variables that say which platform runs this process, most telling first, with the
/// platform's name.
const PLATFORMS: &[(&str, &str)] = &[
    ("K_SERVICE", "Cloud Run"),
    ("AWS_LAMBDA_FUNCTION_NAME", "AWS Lambda"),
    ("PORT", "a container platform"),
];

/// The platform this process runs on, from the variable `var` reads: its name and the
/// variable that told.
fn platform(var: impl Fn(&str) -> Option<String>) -> Option<(&'static str, &'static str)> {
    PLATFORMS
        .iter()
        .find(|(name, _)| var(name).is_some_and(|value| !value.is_empty()))
        .map(|(name, platform)| (*platform, *name))
}

/// The data that an enabled integration keeps in SQLite, of `stores` (name, whether it is
/// enabled, its `database`): `accounts (cxhook.db)`.
fn sqlite_data(stores: &[(&str, bool, &Path)]) -> Vec<String> {
    stores
        .iter()
        .filter(|(_, enabled, database)| *enabled && !is_postgres(database))
        .map(|(name, _, database)| format!("{name} ({})", database.display()))
        .collect()
}

/// The warning for the data `kept` in SQLite in an environment that `var` reads, if one is
/// due.
fn warning(kept: &[String], var: impl Fn(&str) -> Option<String>) -> Option<String> {
    let (platform, variable) = platform(var)?;
    let listed = match kept {
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
        [] => return None,
    };
    Some(format!(
        "running on {platform} ({variable} is set) with data in SQLite: {listed} live in \
         this instance only; another instance has its own (two would book one slot twice) \
         and a replaced instance loses them. Run one instance, or put them on Postgres: \
         [accounts], [booking] and [memory] database = \"postgres://…\", with memory's \
         secret shared by every instance (CXHOOK_MEMORY_SECRET)"
    ))
}

/// Logs the warning, once at start-up, when this process runs on a platform with data in
/// SQLite.
pub(crate) fn warn_about_local_data(config: &Config) {
    let kept = sqlite_data(&[
        (
            "accounts",
            config.accounts.enabled,
            &config.accounts.database,
        ),
        ("bookings", config.booking.enabled, &config.booking.database),
        ("memory", config.memory.enabled, &config.memory.database),
    ]);
    if let Some(warning) = warning(&kept, |name| std::env::var(name).ok()) {
        tracing::warn!("{warning}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(set: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            set.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    /// The default: both integrations and memory in `cxhook.db`.
    fn default_data() -> Vec<String> {
        let file = Path::new("cxhook.db");
        sqlite_data(&[
            ("accounts", true, file),
            ("bookings", true, file),
            ("memory", true, file),
        ])
    }

    #[test]
    fn each_platform_variable_with_sqlite_data_warns_naming_the_files() {
        for (variable, platform) in PLATFORMS {
            let said = warning(&default_data(), env(&[(variable, "x")])).unwrap();
            assert!(
                said.starts_with(&format!("running on {platform} ({variable} is set)")),
                "{said}"
            );
            assert!(
                said.contains(
                    "accounts (cxhook.db), bookings (cxhook.db) and memory (cxhook.db) live in \
                     this instance only"
                ),
                "{said}"
            );
        }
        let both = env(&[("PORT", "8080"), ("K_SERVICE", "cxhook")]);
        let said = warning(&default_data(), both).unwrap();
        assert!(said.starts_with("running on Cloud Run"), "{said}");
    }

    #[test]
    fn no_platform_or_no_sqlite_data_is_no_warning() {
        assert_eq!(warning(&default_data(), env(&[])), None);
        assert_eq!(warning(&default_data(), env(&[("PORT", "")])), None);
        let url = Path::new("postgres://cxhook@db/cxhook");
        let socket = Path::new("host=/cloudsql/p:r:i dbname=cxhook user=cxhook");
        let postgres = sqlite_data(&[("accounts", true, url), ("bookings", true, socket)]);
        assert_eq!(warning(&postgres, env(&[("PORT", "8080")])), None);
        let file = Path::new("cxhook.db");
        let off = sqlite_data(&[("accounts", false, file), ("bookings", false, file)]);
        assert_eq!(warning(&off, env(&[("K_SERVICE", "cxhook")])), None);
        let half = sqlite_data(&[("accounts", true, url), ("bookings", true, file)]);
        let said = warning(&half, env(&[("PORT", "8080")])).unwrap();
        assert!(said.contains(": bookings (cxhook.db) live"), "{said}");
    }
}
