//! The configuration of `cxhook serve`: resolved from its layers and validated.
//!
//! Each layer overrides the one before it: the defaults built in from `default.toml` (which
//! documents every key), the TOML file named by `--config` or `CXHOOK_CONFIG`, the
//! environment variables `CXHOOK_<SECTION>__<KEY>`, the `PORT` variable (which only sets the
//! address, to `0.0.0.0:$PORT`), and the `--addr` flag. A key no section has is an error
//! that names it and where it was set.
//!
//! A variable the configuration names as the source of a secret (the value of any `*_env` or
//! `*_envs` key, such as the default `[booking.external] token_env = "CXHOOK_BOOKING_TOKEN"`)
//! holds that secret and sets no key, even when its name starts with `CXHOOK_`: it is left
//! out of the variables layer, where it would be an unknown key that stops start-up. The
//! names are those of the resolved configuration (defaults, file and the variables that set
//! `*_env` keys), so a name moved to another variable is left out too.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use cxhook::logging::LogFormat;
use cxhook::server::Limits;
use figment::error::Kind;
use figment::providers::{Env, Format, Toml};
use figment::value::{Dict, Value};
use figment::{Figment, Metadata, Provider, Source};
use http::StatusCode;
use serde::de::{self, Deserializer, Visitor};

use cxhook_integrations::ConfigError;
use cxhook_integrations::accounts::AccountsConfig;
use cxhook_integrations::booking::BookingConfig;
use cxhook_integrations::memory::{MemoryConfig, SecretSource};
use cxhook_integrations::messages::Catalog;
use cxhook_integrations::shared_cache::CacheConfig;
use cxhook_integrations::weather::WeatherConfig;

/// The built-in defaults.
const DEFAULTS: &str = include_str!("default.toml");

/// Dialogflow's longest webhook timeout, in milliseconds.
const MAX_TIMEOUT_MS: u64 = 30_000;

/// The prefix of the environment variables that set keys.
const ENV_PREFIX: &str = "CXHOOK_";

/// What `cxhook serve` runs with.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// `[server]`: where and how to listen.
    pub(crate) server: Server,
    /// `[log]`: what is logged and how.
    pub(crate) log: Log,
    /// `[fallback]`: how failures are answered.
    pub(crate) fallback: Fallback,
    /// `[deadline]`: the webhook timeout, and what calls that run out of time get.
    pub(crate) deadline: Deadline,
    /// `[messages]`: the catalog every sentence is said from, with the override files of
    /// `dir` loaded and checked.
    pub(crate) messages: Arc<Catalog>,
    /// `[metrics]`: whether `/metrics` is served.
    pub(crate) metrics: Metrics,
    /// `[otlp]`: where call spans are exported, if anywhere.
    pub(crate) otlp: Otlp,
    /// `[record]`: where `serve` records calls, and what it redacts.
    pub(crate) record: crate::record::Record,
    /// `[limits]`: what one client may ask of the server.
    pub(crate) limits: Limits,
    /// `[limits] max_upstream_body_bytes`: the most bytes read of another service's answer.
    pub(crate) upstream_body_limit: usize,
    /// `[auth]`: which credentials a call must carry, their secrets read, and what
    /// authenticates calls in front of cxhook.
    pub(crate) auth: crate::security::Access,
    /// `[accounts]`: the accounts integration.
    pub(crate) accounts: AccountsConfig,
    /// `[weather]`: the weather integration.
    pub(crate) weather: WeatherConfig,
    /// `[booking]`: the booking integration.
    pub(crate) booking: BookingConfig,
    /// `[cache]`: the Redis server the replicas share as a second cache level, if any.
    pub(crate) cache: CacheConfig,
    /// `[memory]`: users remembered across sessions, around every integration's tags.
    pub(crate) memory: MemoryConfig,
}

/// The `[server]` section.
#[derive(Debug, Clone)]
pub(crate) struct Server {
    /// Where to listen.
    pub(crate) addr: SocketAddr,
    /// The largest request body accepted, in bytes; more than 0.
    pub(crate) body_limit: usize,
}

/// The `[log]` section.
#[derive(Debug, Clone)]
pub(crate) struct Log {
    /// How log lines are written.
    pub(crate) format: LogFormat,
    /// Which events are logged, as a tracing filter.
    pub(crate) filter: String,
    /// The Google Cloud project traces are named in, when set.
    pub(crate) project: Option<String>,
    /// The session parameters whose values may be logged.
    pub(crate) params: Vec<String>,
    /// How often gathered lines are written; `None`: each line as it is logged.
    pub(crate) batch: Option<Duration>,
}

/// The `[deadline]` section.
#[derive(Debug, Clone)]
pub(crate) struct Deadline {
    /// The agent's webhook timeout; 1 ms to 30 s.
    pub(crate) timeout: Duration,
    /// How much earlier calls are answered; less than the timeout.
    pub(crate) margin: Duration,
    /// What the user hears in every language, when set; not blank. Unset, the message
    /// `fallback-deadline` in the caller's language.
    pub(crate) text: Option<String>,
    /// The session parameter set to true in that answer, when set.
    pub(crate) param: Option<String>,
}

/// Why an `[otlp] endpoint` can't be used by a build without the exporter.
pub(crate) const WITHOUT_OTLP: &str = "is set, but this cxhook was built without the `otlp` \
     feature (cargo build --release -p cxhook-cli --features otlp)";

/// The `[otlp]` section.
#[derive(Debug, Clone)]
pub(crate) struct Otlp {
    /// The collector's OTLP/HTTP traces URL; unset, nothing is exported.
    pub(crate) endpoint: Option<reqwest::Url>,
    /// The `service.name` the spans carry.
    #[cfg_attr(
        not(feature = "otlp"),
        allow(dead_code, reason = "only the exporter of the `otlp` feature reads it")
    )]
    pub(crate) service_name: String,
}

/// The `[metrics]` section.
#[derive(Debug, Clone)]
pub(crate) struct Metrics {
    /// Whether `/metrics` is served.
    pub(crate) enabled: bool,
}

/// The `[fallback]` section.
#[derive(Debug, Clone)]
pub(crate) struct Fallback {
    /// What the user hears when a handler fails, in every language, when set; not blank.
    /// Unset, the message `fallback-failure` in the caller's language.
    pub(crate) text: Option<String>,
    /// The status of the answer when a handler fails: `200 OK` (answer with `text`) or an
    /// error status.
    pub(crate) status: StatusCode,
    /// The error status for calls whose tag no handler serves, instead of a reply.
    pub(crate) unknown_tag_status: Option<StatusCode>,
}

impl Config {
    /// Resolves the configuration from the defaults, the file named by the flags or
    /// `CXHOOK_CONFIG`, the `CXHOOK_*` and `PORT` environment variables, and the flags.
    pub(crate) fn resolve(file: Option<&Path>, addr: Option<SocketAddr>) -> anyhow::Result<Self> {
        let port = match std::env::var("PORT") {
            Ok(port) => Some(port),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(port)) => {
                bail!("PORT must be a port number (0-65535), not {port:?}")
            }
        };
        let mut files = Figment::from(Toml::string(DEFAULTS));
        if let Some(file) = file {
            files = files.merge(Toml::file_exact(file));
        }
        // Each round leaves out one more name or ends: the names come from finitely many
        // values.
        let mut secrets = secret_vars(&files);
        let figment = loop {
            let figment = files.clone().merge(env(&secrets));
            let named = secret_vars(&figment);
            if named.iter().all(|name| secrets.contains(name)) {
                break figment;
            }
            secrets.extend(named);
            secrets.sort_unstable();
            secrets.dedup();
        };
        Self::from_layers(&figment, port.as_deref(), addr)
    }

    /// Validates what `figment` holds, then lets `PORT` and the `--addr` flag set the address.
    fn from_layers(
        figment: &Figment,
        port: Option<&str>,
        addr_flag: Option<SocketAddr>,
    ) -> anyhow::Result<Self> {
        let raw: raw::Config = figment.extract().map_err(explain)?;
        let invalid = |key: &str, problem: &dyn fmt::Display| {
            anyhow!(
                "`{key}`{}: {problem}",
                place(figment.find_metadata(key), key)
            )
        };
        let mut addr: SocketAddr = raw.server.addr.parse().map_err(|_| {
            let problem = format!(
                "`{}` is not an address of the form IP:PORT, such as 127.0.0.1:8080",
                raw.server.addr
            );
            invalid("server.addr", &problem)
        })?;
        if let Some(port) = port {
            let port: u16 = port
                .parse()
                .with_context(|| format!("PORT must be a port number (0-65535), not `{port}`"))?;
            addr = SocketAddr::from((Ipv4Addr::UNSPECIFIED, port));
        }
        if let Some(flag) = addr_flag {
            addr = flag;
        }
        if raw.server.body_limit == 0 {
            return Err(invalid("server.body_limit", &"must be more than 0 bytes"));
        }
        if blank(raw.fallback.text.as_deref()) {
            return Err(invalid("fallback.text", &"must say something"));
        }
        let status = match raw.fallback.status {
            200 => StatusCode::OK,
            code => error_status(code).ok_or_else(|| {
                let problem = format!(
                    "must be 200 (answer with the fallback text) or an error status 400-599, \
                     not {code}"
                );
                invalid("fallback.status", &problem)
            })?,
        };
        let unknown_tag_status = raw
            .fallback
            .unknown_tag_status
            .map(|code| {
                error_status(code).ok_or_else(|| {
                    let problem = format!("must be an error status 400-599, not {code}");
                    invalid("fallback.unknown_tag_status", &problem)
                })
            })
            .transpose()?;
        if raw.deadline.timeout_ms == 0 || raw.deadline.timeout_ms > MAX_TIMEOUT_MS {
            let problem = format!(
                "must be 1 to {MAX_TIMEOUT_MS} ms (Dialogflow's limit), not {}",
                raw.deadline.timeout_ms
            );
            return Err(invalid("deadline.timeout_ms", &problem));
        }
        if raw.deadline.margin_ms >= raw.deadline.timeout_ms {
            return Err(invalid(
                "deadline.margin_ms",
                &"must be less than deadline.timeout_ms",
            ));
        }
        if blank(raw.deadline.text.as_deref()) {
            return Err(invalid("deadline.text", &"must say something"));
        }
        if raw
            .deadline
            .param
            .as_deref()
            .is_some_and(|p| p.trim().is_empty())
        {
            return Err(invalid("deadline.param", &"must not be blank"));
        }
        let otlp = otlp(raw.otlp, &invalid)?;
        let messages = messages(&raw.messages, &invalid)?;
        if raw.log.params.iter().any(|p| p.trim().is_empty()) {
            return Err(invalid("log.params", &"must not name a blank parameter"));
        }
        let in_section = |section: &'static str| {
            move |e: ConfigError| invalid(&format!("{section}.{}", e.key), &e.problem)
        };
        raw.accounts.validate().map_err(in_section("accounts"))?;
        raw.weather.validate().map_err(in_section("weather"))?;
        raw.booking.validate().map_err(in_section("booking"))?;
        raw.cache.validate().map_err(in_section("cache"))?;
        raw.memory.validate().map_err(in_section("memory"))?;
        let (limits, upstream_body_limit) = raw.limits.build().map_err(in_section("limits"))?;
        let mut record = raw.record.build().map_err(in_section("record"))?;
        // With memory on, the parameters it recalls are a user's remembered data: a
        // recording shows none of their values. On SQLite with no secret given, `serve`
        // keys users with the one kept beside the database, which it makes if need be
        // (resolving the configuration makes nothing): memory is on there too.
        let memory_on = raw.memory.enabled
            && !matches!(
                raw.memory.secret_source().map_err(in_section("memory"))?,
                SecretSource::Missing
            );
        if memory_on {
            let prefix = &raw.memory.recall_prefix;
            record.redact_also(
                raw.memory
                    .remember
                    .iter()
                    .map(|name| format!("{prefix}{name}")),
            );
        }
        let auth = raw.auth.build().map_err(in_section("auth"))?;
        Ok(Self {
            server: Server {
                addr,
                body_limit: raw.server.body_limit,
            },
            log: Log {
                format: raw.log.format,
                filter: raw.log.filter,
                project: raw.log.project.filter(|p| !p.trim().is_empty()),
                params: raw.log.params,
                batch: (raw.log.batch_ms > 0).then(|| Duration::from_millis(raw.log.batch_ms)),
            },
            deadline: Deadline {
                timeout: Duration::from_millis(raw.deadline.timeout_ms),
                margin: Duration::from_millis(raw.deadline.margin_ms),
                text: raw.deadline.text,
                param: raw.deadline.param,
            },
            messages,
            metrics: Metrics {
                enabled: raw.metrics.enabled,
            },
            otlp,
            limits,
            upstream_body_limit,
            record,
            auth,
            fallback: Fallback {
                text: raw.fallback.text,
                status,
                unknown_tag_status,
            },
            accounts: raw.accounts,
            weather: raw.weather,
            booking: raw.booking,
            cache: raw.cache,
            memory: raw.memory,
        })
    }
}

/// Whether the user set `key`: in `file` (the one named by `--config` or `CXHOOK_CONFIG`) or
/// by its `CXHOOK_` variable, rather than leaving it to the built-in default.
pub(crate) fn is_set(file: Option<&Path>, key: &str) -> bool {
    std::env::var_os(env_var(key)).is_some()
        || file.is_some_and(|file| Figment::from(Toml::file_exact(file)).contains(key))
}

/// Whether an optional text is set but says nothing.
fn blank(text: Option<&str>) -> bool {
    text.is_some_and(|t| t.trim().is_empty())
}

/// The catalog of the `[messages]` section: the shipped one, with the override files of `dir`
/// when it is set, and SSML variants when `ssml` is on. A file that cannot be used is an
/// error naming it and the line.
fn messages(
    raw: &raw::Messages,
    invalid: &dyn Fn(&str, &dyn fmt::Display) -> anyhow::Error,
) -> anyhow::Result<Arc<Catalog>> {
    let catalog = match raw.dir.trim() {
        "" if !raw.ssml => return Ok(Catalog::shipped()),
        "" => Catalog::new(),
        _ => {
            Catalog::with_overrides(Path::new(&raw.dir)).map_err(|e| invalid("messages.dir", &e))?
        }
    };
    Ok(Arc::new(catalog.with_ssml(raw.ssml)))
}

/// The `[otlp]` section checked: an HTTP(S) endpoint, and only in a build that can export.
fn otlp(
    raw: raw::Otlp,
    invalid: &dyn Fn(&str, &dyn fmt::Display) -> anyhow::Error,
) -> anyhow::Result<Otlp> {
    if raw.service_name.trim().is_empty() {
        return Err(invalid("otlp.service_name", &"must not be blank"));
    }
    let endpoint = raw
        .endpoint
        .filter(|e| !e.trim().is_empty())
        .map(|e| match reqwest::Url::parse(&e) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
            _ => Err(invalid(
                "otlp.endpoint",
                &format!("`{e}` is not an http:// or https:// URL"),
            )),
        })
        .transpose()?;
    if endpoint.is_some() && !cfg!(feature = "otlp") {
        return Err(invalid("otlp.endpoint", &WITHOUT_OTLP));
    }
    Ok(Otlp {
        endpoint,
        service_name: raw.service_name,
    })
}

/// `code` as a status, when it is a client or server error (400-599).
fn error_status(code: u16) -> Option<StatusCode> {
    let status = StatusCode::from_u16(code).ok()?;
    (status.is_client_error() || status.is_server_error()).then_some(status)
}

/// The layer of `CXHOOK_<SECTION>__<KEY>` variables; `CXHOOK_CONFIG` names the file and is
/// no key, nor is any of the variables `secrets` names.
fn env(secrets: &[String]) -> Env {
    let secrets: Vec<String> = secrets
        .iter()
        .filter_map(|name| {
            let prefix = name.get(..ENV_PREFIX.len())?;
            prefix
                .eq_ignore_ascii_case(ENV_PREFIX)
                .then(|| name[ENV_PREFIX.len()..].to_owned())
        })
        .collect();
    Env::prefixed(ENV_PREFIX)
        .filter(move |key| !secrets.iter().any(|secret| key == secret.as_str()))
        .split("__")
        .ignore(&["config"])
}

/// The environment variables `figment` names as the sources of secrets: the values of its
/// `*_env` and `*_envs` keys, in any section.
fn secret_vars(figment: &Figment) -> Vec<String> {
    fn collect(dict: &Dict, names: &mut Vec<String>) {
        for (key, value) in dict {
            match value {
                Value::Dict(_, inner) => collect(inner, names),
                Value::String(_, name) if key.ends_with("_env") => names.push(name.clone()),
                Value::Array(_, values) if key.ends_with("_envs") => {
                    names.extend(values.iter().filter_map(Value::as_str).map(str::to_owned));
                }
                _ => {}
            }
        }
    }
    // A configuration that does not read is reported by `from_layers`, which reads it again.
    let Ok(dict) = figment.extract::<Dict>() else {
        return Vec::new();
    };
    let mut names = Vec::new();
    collect(&dict, &mut names);
    names.retain(|name| !name.trim().is_empty());
    names.sort_unstable();
    names.dedup();
    names
}

/// The `CXHOOK_` variable that sets `key` (`server.addr` → `CXHOOK_SERVER__ADDR`).
fn env_var(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.replace('.', "__").to_uppercase())
}

/// Where the value of `key` was set, as a phrase to follow the key: ` in FILE`,
/// ` set by CXHOOK_…`, or nothing for the built-in defaults.
fn place(metadata: Option<&Metadata>, key: &str) -> String {
    let Some(metadata) = metadata else {
        return String::new();
    };
    match &metadata.source {
        Some(Source::File(path)) => format!(" in {}", path.display()),
        _ if metadata.name == env(&[]).metadata().name => {
            format!(" set by {}", env_var(key))
        }
        _ => String::new(),
    }
}

/// A figment error as one sentence that names the key and where it was set.
fn explain(error: figment::Error) -> anyhow::Error {
    let sentences: Vec<_> = error.into_iter().map(|e| sentence(&e)).collect();
    anyhow!(sentences.join("; "))
}

fn sentence(error: &figment::Error) -> String {
    let key = error.path.join(".");
    let place = place(error.metadata.as_ref(), &key);
    match &error.kind {
        Kind::UnknownField(_, known) => {
            let section = &error.path[..error.path.len().saturating_sub(1)];
            let known = known.join(", ");
            let what = if section.is_empty() {
                format!("the sections are {known}")
            } else {
                format!("[{}] has {known}", section.join("."))
            };
            format!("unknown key `{key}`{place} ({what})")
        }
        Kind::UnknownVariant(found, known) => {
            format!(
                "`{key}`{place}: `{found}` is not one of {}",
                known.join(", ")
            )
        }
        kind if key.is_empty() => match &error.metadata {
            Some(Metadata {
                source: Some(Source::File(path)),
                ..
            }) => format!("{}: {}", path.display(), kind.to_string().trim_end()),
            _ => kind.to_string().trim_end().to_owned(),
        },
        kind => format!("`{key}`{place}: {kind}"),
    }
}

/// The shape of every layer; all keys are there once the defaults are merged in.
mod raw {
    use cxhook::logging::LogFormat;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Config {
        pub(super) server: Server,
        pub(super) log: Log,
        pub(super) fallback: Fallback,
        pub(super) deadline: Deadline,
        pub(super) messages: Messages,
        pub(super) metrics: Metrics,
        pub(super) otlp: Otlp,
        pub(super) record: crate::record::RecordConfig,
        pub(super) limits: crate::security::LimitsConfig,
        pub(super) auth: crate::security::AuthConfig,
        pub(super) accounts: cxhook_integrations::accounts::AccountsConfig,
        pub(super) weather: cxhook_integrations::weather::WeatherConfig,
        pub(super) booking: cxhook_integrations::booking::BookingConfig,
        pub(super) cache: cxhook_integrations::shared_cache::CacheConfig,
        pub(super) memory: cxhook_integrations::memory::MemoryConfig,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Server {
        #[serde(deserialize_with = "super::text")]
        pub(super) addr: String,
        pub(super) body_limit: usize,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Log {
        pub(super) format: LogFormat,
        #[serde(deserialize_with = "super::text")]
        pub(super) filter: String,
        #[serde(default, deserialize_with = "super::optional_text")]
        pub(super) project: Option<String>,
        pub(super) params: Vec<String>,
        pub(super) batch_ms: u64,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Deadline {
        pub(super) timeout_ms: u64,
        pub(super) margin_ms: u64,
        #[serde(default, deserialize_with = "super::optional_text")]
        pub(super) text: Option<String>,
        #[serde(default, deserialize_with = "super::optional_text")]
        pub(super) param: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Otlp {
        #[serde(default)]
        pub(super) endpoint: Option<String>,
        #[serde(deserialize_with = "super::text")]
        pub(super) service_name: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Messages {
        #[serde(deserialize_with = "super::text")]
        pub(super) dir: String,
        pub(super) ssml: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Metrics {
        pub(super) enabled: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Fallback {
        #[serde(default, deserialize_with = "super::optional_text")]
        pub(super) text: Option<String>,
        pub(super) status: u16,
        #[serde(default)]
        pub(super) unknown_tag_status: Option<u16>,
    }
}

/// [`text`], for a key that may be absent.
fn optional_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    text(deserializer).map(Some)
}

/// Reads a string, or a number or boolean as its text: an environment variable's value looks
/// like one to figment when it is all digits (`CXHOOK_FALLBACK__TEXT=42`).
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct Text;

    impl Visitor<'_> for Text {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }

    deserializer.deserialize_any(Text)
}

#[cfg(test)]
mod tests {
    use cxhook::server::DEFAULT_BODY_LIMIT;

    use super::*;

    fn with(toml: &str) -> Figment {
        Figment::from(Toml::string(DEFAULTS)).merge(Toml::string(toml))
    }

    fn resolve(toml: &str) -> anyhow::Result<Config> {
        Config::from_layers(&with(toml), None, None)
    }

    fn error(toml: &str) -> String {
        resolve(toml).unwrap_err().to_string()
    }

    #[test]
    fn the_defaults_are_the_librarys() {
        let config = resolve("").unwrap();
        assert_eq!(config.server.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.server.body_limit, DEFAULT_BODY_LIMIT);
        assert_eq!(config.log.format, LogFormat::Auto);
        assert_eq!(config.log.filter, "info");
        assert_eq!(config.fallback.text, None);
        assert_eq!(config.messages.languages(), ["de", "en", "es", "fr"]);
        assert_eq!(config.fallback.status, StatusCode::OK);
        assert_eq!(config.fallback.unknown_tag_status, None);
        assert_eq!(config.accounts, AccountsConfig::default());
        assert_eq!(config.weather, WeatherConfig::default());
        assert_eq!(config.booking, BookingConfig::default());
        assert_eq!(config.memory, MemoryConfig::default());
    }

    #[test]
    fn the_accounts_section_is_read_and_checked() {
        let config = resolve(
            r#"
            [accounts]
            database = "/var/lib/cxhook/accounts.db"
            query_timeout_ms = 250
            [accounts.tags]
            balance = "balance.get"
            "#,
        )
        .unwrap();
        assert!(config.accounts.enabled);
        assert_eq!(
            config.accounts.database,
            std::path::Path::new("/var/lib/cxhook/accounts.db")
        );
        assert_eq!(config.accounts.query_timeout_ms, 250);
        assert_eq!(config.accounts.connections, 2);
        assert_eq!(config.accounts.tags.balance, "balance.get");
        assert_eq!(config.accounts.tags.transactions, "account.transactions");
        assert!(
            !resolve("[accounts]\nenabled = false")
                .unwrap()
                .accounts
                .enabled
        );
    }

    #[test]
    fn the_otlp_endpoint_needs_a_url_and_the_feature() {
        let config = resolve("").unwrap();
        assert_eq!(config.otlp.endpoint, None);
        assert_eq!(config.otlp.service_name, "cxhook");
        let error = resolve("[otlp]\nendpoint = \"localhost:4318\"").unwrap_err();
        assert!(
            format!("{error:#}").contains("is not an http:// or https:// URL"),
            "{error:#}"
        );
        let set = resolve("[otlp]\nendpoint = \"http://127.0.0.1:4318/v1/traces\"");
        if cfg!(feature = "otlp") {
            let endpoint = set.unwrap().otlp.endpoint.unwrap();
            assert_eq!(endpoint.as_str(), "http://127.0.0.1:4318/v1/traces");
        } else {
            let error = set.unwrap_err();
            assert!(
                format!("{error:#}").contains("built without the `otlp` feature"),
                "{error:#}"
            );
        }
    }

    #[test]
    fn every_default_key_has_a_comment_above_it() {
        let lines: Vec<&str> = DEFAULTS.lines().collect();
        let mut keys = Vec::new();
        for pair in lines.windows(2) {
            let Some((key, _)) = pair[1].trim_start_matches("# ").split_once(" = ") else {
                continue;
            };
            if key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                assert!(pair[0].starts_with('#'), "`{key}` has no comment above it");
                keys.push(key);
            }
        }
        assert_eq!(
            keys,
            [
                "addr",
                "body_limit",
                "format",
                "filter",
                "project",
                "params",
                "batch_ms",
                "text",
                "status",
                "unknown_tag_status",
                "timeout_ms",
                "margin_ms",
                "text",
                "param",
                "dir",
                "ssml",
                "enabled",
                "endpoint",
                "service_name",
                "file",
                "redact",
                "redact_text",
                "queue",
                "concurrency",
                "header_read_timeout_ms",
                "idle_timeout_ms",
                "max_connections",
                "request_timeout_ms",
                "max_header_bytes",
                "max_headers",
                "max_upstream_body_bytes",
                "authenticated_by",
                "token_envs",
                "token_files",
                "username",
                "password_env",
                "password_file",
                "name",
                "value_envs",
                "value_files",
                "enabled",
                "jwks_url",
                "audiences",
                "email",
                "leeway_secs",
                "enabled",
                "database",
                "connections",
                "query_timeout_ms",
                "demo_data",
                "max_transactions",
                "balance",
                "transactions",
                "password_env",
                "password_file",
                "pool_size",
                "sslmode",
                "sslrootcert",
                "migrate",
                "enabled",
                "geocoding_url",
                "forecast_url",
                "timeout_ms",
                "cache_ttl_secs",
                "cache_capacity",
                "negative_ttl_secs",
                "stale_ttl_secs",
                "param",
                "units_param",
                "current",
                "redis_url",
                "password_env",
                "password_file",
                "timeout_ms",
                "key_prefix",
                "enabled",
                "database",
                "connections",
                "query_timeout_ms",
                "time_zone",
                "slot_minutes",
                "resource",
                "backend",
                "haircut",
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
                "api_url",
                "token_env",
                "token_file",
                "timeout_ms",
                "reconcile_interval_ms",
                "validate",
                "create",
                "cancel",
                "password_env",
                "password_file",
                "pool_size",
                "sslmode",
                "sslrootcert",
                "migrate",
                "enabled",
                "database",
                "connections",
                "query_timeout_ms",
                "secret_env",
                "secret_file",
                "identities",
                "remember",
                "recall_prefix",
                "recalled_param",
                "retention_days",
                "sweep_interval_ms",
                "recall",
                "forget",
                "password_env",
                "password_file",
                "pool_size",
                "sslmode",
                "sslrootcert",
                "migrate",
            ]
        );
    }

    #[test]
    fn with_memory_on_recordings_redact_what_it_recalls() {
        let dir = tempfile::tempdir().unwrap();
        // The default: SQLite with no secret given, keyed by the file `serve` keeps beside
        // the database, which resolving the configuration does not make.
        let database = dir.path().join("cxhook.db").display().to_string();
        let kept = resolve(&format!("[memory]\ndatabase = {database:?}\n")).unwrap();
        assert!(kept.record.redacts("city") && kept.record.redacts("language"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let disabled = resolve("[memory]\nenabled = false\n").unwrap();
        assert!(!disabled.record.redacts("city"));
        let postgres = resolve("[memory]\ndatabase = \"postgres://cxhook@db.internal/cxhook\"\n");
        assert!(!postgres.unwrap().record.redacts("city"));
        let secret = dir.path().join("memory-secret");
        std::fs::write(&secret, "s3cret").unwrap();
        let on = resolve(&format!(
            "[memory]\nsecret_file = {:?}\nremember = [\"city\", \"service\"]\n",
            secret.display().to_string()
        ))
        .unwrap();
        assert!(on.record.redacts("city") && on.record.redacts("Service"));
        assert!(!on.record.redacts("date"));
        let missing = error(&format!(
            "[memory]\nsecret_file = {:?}\n",
            dir.path().join("missing").display().to_string()
        ));
        assert!(missing.starts_with("`memory.secret_file`"), "{missing}");
    }

    #[test]
    fn a_redis_cache_is_read_and_its_password_never_sits_in_the_config() {
        assert!(!resolve("").unwrap().cache.is_enabled());
        let config = resolve(
            "[cache]\nredis_url = \"redis://10.0.0.3:6379\"\n\
             password_env = \"REDIS_PASSWORD\"\ntimeout_ms = 80\n",
        )
        .unwrap();
        assert!(config.cache.is_enabled());
        assert_eq!(
            (config.cache.password_env.as_str(), config.cache.timeout_ms),
            ("REDIS_PASSWORD", 80)
        );
        let refused = error("[cache]\nredis_url = \"redis://:hunter2@10.0.0.3:6379\"");
        assert!(
            refused.contains("`cache.redis_url`: holds a password")
                && refused.contains("password_env"),
            "{refused}"
        );
        assert!(!refused.contains("hunter2"), "{refused}");
        assert_eq!(
            error("[cache]\ntimeout_ms = 0"),
            "`cache.timeout_ms`: must be more than 0"
        );
    }

    #[test]
    fn migrations_at_start_up_and_the_demo_accounts_can_be_turned_off() {
        let config = resolve("").unwrap();
        assert!(config.accounts.demo_data);
        assert!(config.accounts.postgres.migrate && config.booking.postgres.migrate);
        let config =
            resolve("[accounts]\ndemo_data = false\n[booking.postgres]\nmigrate = false\n")
                .unwrap();
        assert!(!config.accounts.demo_data);
        assert!(config.accounts.postgres.migrate);
        assert!(!config.booking.postgres.migrate);
    }

    #[test]
    fn a_postgres_database_is_read_and_its_password_never_sits_in_the_config() {
        let config = resolve(
            "[accounts]\ndatabase = \"postgres://cxhook@db.internal:5432/cxhook\"\n\
             [accounts.postgres]\npassword_env = \"DB_PASSWORD\"\npool_size = 8\n\
             sslmode = \"verify-full\"\nsslrootcert = \"/run/secrets/ca.pem\"\n\
             [booking]\ndatabase = \"host=/cloudsql/p:r:i dbname=cxhook user=cxhook\"\n",
        )
        .unwrap();
        let postgres = &config.accounts.postgres;
        assert_eq!(
            (postgres.password_env.as_str(), postgres.pool_size),
            ("DB_PASSWORD", 8)
        );
        assert_eq!(
            postgres.sslmode,
            Some(cxhook_integrations::database::SslMode::VerifyFull)
        );
        assert_eq!(config.booking.postgres.pool_size, 5);

        for database in [
            "postgres://cxhook:hunter2@db.internal/cxhook",
            "postgresql://cxhook:hunter2@db.internal/cxhook",
            "host=db.internal user=cxhook password=hunter2",
        ] {
            let error = error(&format!("[accounts]\ndatabase = \"{database}\""));
            assert!(
                error.contains("`accounts.database`: holds a password")
                    && error.contains("postgres.password_env"),
                "{error}"
            );
            assert!(!error.contains("hunter2"), "{error}");
        }
        for (toml, expected) in [
            (
                "[booking]\ndatabase = \"postgres://x@h/d\"\n[booking.postgres]\npool_size = 0",
                "`booking.postgres.pool_size`: must be at least 1",
            ),
            (
                "[accounts]\ndatabase = \"postgres://x@h/d\"\n\
                 [accounts.postgres]\nsslrootcert = \"ca.pem\"",
                "`accounts.postgres.sslrootcert`: is only used with sslmode",
            ),
            (
                "[accounts]\ndatabase = \"postgres://x@h/d?sslmode=verify-full\"",
                "set `postgres.sslmode = \"verify-full\"`",
            ),
            (
                "[accounts.postgres]\nsslmode = \"verify-ca\"",
                "`accounts.postgres.sslmode`: `verify-ca` is not one of disable, require, \
                 verify-full",
            ),
        ] {
            let error = error(toml);
            assert!(error.contains(expected), "{toml}: {error}");
        }
    }

    #[test]
    fn the_deadline_metrics_and_log_keys_are_read_and_checked() {
        let config = resolve("").unwrap();
        assert_eq!(config.deadline.timeout, Duration::from_secs(5));
        assert_eq!(config.deadline.margin, Duration::from_millis(500));
        assert_eq!(config.deadline.text, None);
        assert_eq!(config.deadline.param, None);
        assert!(config.metrics.enabled);
        assert_eq!(config.log.project, None);
        assert!(config.log.params.is_empty());

        let config = resolve(
            r#"
            [deadline]
            timeout_ms = 10000
            margin_ms = 800
            param = "webhook_timed_out"
            [metrics]
            enabled = false
            [log]
            project = "my-project"
            params = ["city", "units"]
            "#,
        )
        .unwrap();
        assert_eq!(config.deadline.timeout, Duration::from_secs(10));
        assert_eq!(config.deadline.margin, Duration::from_millis(800));
        assert_eq!(config.deadline.param.as_deref(), Some("webhook_timed_out"));
        assert!(!config.metrics.enabled);
        assert_eq!(config.log.project.as_deref(), Some("my-project"));
        assert_eq!(config.log.params, ["city", "units"]);

        for (toml, start) in [
            (
                "[deadline]\ntimeout_ms = 0",
                "`deadline.timeout_ms`: must be 1 to 30000",
            ),
            (
                "[deadline]\ntimeout_ms = 30001",
                "`deadline.timeout_ms`: must be 1 to",
            ),
            (
                "[deadline]\nmargin_ms = 5000",
                "`deadline.margin_ms`: must be less",
            ),
            (
                "[deadline]\ntext = \"\"",
                "`deadline.text`: must say something",
            ),
            (
                "[deadline]\nparam = \" \"",
                "`deadline.param`: must not be blank",
            ),
            ("[log]\nparams = [\"\"]", "`log.params`: must not name"),
            ("[metrics]\nbogus = 1", "unknown key `metrics.bogus`"),
        ] {
            let error = error(toml);
            assert!(error.starts_with(start), "{toml}: {error}");
        }
    }

    #[test]
    fn a_file_overrides_the_defaults() {
        let config = resolve(
            r#"
            [server]
            addr = "0.0.0.0:9000"
            [log]
            format = "json"
            [fallback]
            text = 42
            status = 503
            unknown_tag_status = 404
            "#,
        )
        .unwrap();
        assert_eq!(config.server.addr, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(config.server.body_limit, DEFAULT_BODY_LIMIT);
        assert_eq!(config.log.format, LogFormat::Json);
        assert_eq!(config.fallback.text.as_deref(), Some("42"));
        assert_eq!(config.fallback.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            config.fallback.unknown_tag_status,
            Some(StatusCode::NOT_FOUND)
        );
    }

    #[test]
    fn port_sets_the_address_and_the_flag_wins_over_it() {
        let figment = with("[server]\naddr = \"127.0.0.1:9000\"");
        let config = Config::from_layers(&figment, Some("8081"), None).unwrap();
        assert_eq!(config.server.addr, "0.0.0.0:8081".parse().unwrap());
        let flag = "127.0.0.1:7000".parse().unwrap();
        let config = Config::from_layers(&figment, Some("8081"), Some(flag)).unwrap();
        assert_eq!(config.server.addr, flag);
        let error = Config::from_layers(&figment, Some("http"), None).unwrap_err();
        assert!(error.to_string().contains("PORT"), "{error}");
    }

    #[test]
    fn ssml_variants_are_off_unless_the_messages_section_turns_them_on() {
        assert!(!resolve("").unwrap().messages.speaks_ssml());
        let on = resolve("[messages]\nssml = true").unwrap();
        assert!(on.messages.speaks_ssml());
        assert_eq!(on.messages.languages(), ["de", "en", "es", "fr"]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("it.ftl"), "account-which = Quale conto?\n").unwrap();
        let both = format!(
            "[messages]\ndir = {:?}\nssml = true",
            dir.path().display().to_string()
        );
        let both = resolve(&both).unwrap();
        assert!(both.messages.speaks_ssml());
        assert_eq!(both.messages.languages(), ["de", "en", "es", "fr", "it"]);
    }

    #[test]
    fn the_messages_dir_is_loaded_and_a_broken_file_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("it.ftl"),
            "account-balance = Il saldo del conto { $user_id } è { $balance }.\n",
        )
        .unwrap();
        let toml = |dir: &Path| format!("[messages]\ndir = {:?}", dir.display().to_string());
        let config = resolve(&toml(dir.path())).unwrap();
        assert_eq!(config.messages.languages(), ["de", "en", "es", "fr", "it"]);
        assert_eq!(
            config.messages.say(
                "it-IT",
                "account-balance",
                &[("user_id", "u-1".into()), ("balance", "5 €".into())]
            ),
            "Il saldo del conto u-1 è 5 €."
        );

        std::fs::write(
            dir.path().join("de.ftl"),
            "# Unser Ton.\naccount-which = Welches Konto, { $name }?\n",
        )
        .unwrap();
        let error = format!("{:#}", resolve(&toml(dir.path())).unwrap_err());
        let file = dir.path().join("de.ftl");
        assert!(error.starts_with("`messages.dir`"), "{error}");
        assert!(
            error.contains(&format!("{}:2: `$name` is not an argument", file.display())),
            "{error}"
        );
        let missing = format!(
            "{:#}",
            resolve(&toml(&dir.path().join("nope"))).unwrap_err()
        );
        assert!(missing.contains("cannot read"), "{missing}");
    }

    #[test]
    fn unknown_keys_are_named() {
        assert_eq!(
            error("[server]\nbogus = 1"),
            "unknown key `server.bogus` ([server] has addr, body_limit)"
        );
        assert_eq!(
            error("[srever]\naddr = \"x\""),
            "unknown key `srever` (the sections are server, log, fallback, deadline, messages, \
             metrics, otlp, record, limits, auth, accounts, weather, booking, cache, memory)"
        );
        assert_eq!(
            error("[accounts]\ndatabse = \"x.db\""),
            "unknown key `accounts.databse` ([accounts] has enabled, database, connections, \
             query_timeout_ms, max_transactions, demo_data, tags, postgres)"
        );
        assert_eq!(
            error("[accounts.tags]\nbalanse = \"b\""),
            "unknown key `accounts.tags.balanse` ([accounts.tags] has balance, transactions)"
        );
    }

    #[test]
    fn invalid_values_are_named() {
        let cases = [
            (
                "[server]\nbody_limit = 0",
                "`server.body_limit`: must be more",
            ),
            (
                "[server]\nbody_limit = -1",
                "`server.body_limit`: invalid value",
            ),
            (
                "[server]\naddr = \"localhost\"",
                "`server.addr`: `localhost` is not",
            ),
            (
                "[log]\nformat = \"xml\"",
                "`log.format`: `xml` is not one of auto, json, human",
            ),
            (
                "[fallback]\ntext = \" \"",
                "`fallback.text`: must say something",
            ),
            ("[fallback]\nstatus = 302", "`fallback.status`: must be 200"),
            (
                "[fallback]\nstatus = 1000",
                "`fallback.status`: must be 200",
            ),
            (
                "[accounts]\nconnections = 0",
                "`accounts.connections`: must be at least 1",
            ),
            (
                "[accounts]\nquery_timeout_ms = 0",
                "`accounts.query_timeout_ms`: must be more than 0",
            ),
            (
                "[accounts.tags]\ntransactions = \"account.balance\"",
                "`accounts.tags.transactions`: must differ",
            ),
            (
                "[accounts]\nenabled = \"yes\"",
                "`accounts.enabled`: invalid type",
            ),
            (
                "[fallback]\nunknown_tag_status = 200",
                "`fallback.unknown_tag_status`: must be an error status",
            ),
            (
                "[limits]\nconcurrency = 0",
                "`limits.concurrency`: must be more than 0",
            ),
            (
                "[limits]\nmax_header_bytes = 100",
                "`limits.max_header_bytes`: must be at least 8192",
            ),
            (
                "[auth.header]\nname = \"x-secret\"",
                "`auth.header.value_envs`: must name a variable",
            ),
            (
                "[auth.basic]\nusername = \"df\"",
                "`auth.basic.password_env`: must name a variable",
            ),
            (
                "[auth.bearer]\ntoken_files = [\"/nonexistent/token\"]",
                "`auth.bearer.token_files[0]`: cannot read the secret file",
            ),
            (
                "[auth.id_token]\nenabled = true\naudiences = [\"https://h.example.com\"]\n\
                 leeway_secs = 3600",
                "`auth.id_token.leeway_secs`: must be at most 300",
            ),
            (
                "[auth.bearer]\ntokens = [\"t\"]",
                "unknown key `auth.bearer.tokens`",
            ),
        ];
        for (toml, start) in cases {
            let error = error(toml);
            assert!(error.starts_with(start), "{toml}: {error}");
        }
    }

    #[test]
    fn env_vars_are_named_after_their_keys() {
        assert_eq!(env_var("server.addr"), "CXHOOK_SERVER__ADDR");
        assert_eq!(
            env_var("fallback.unknown_tag_status"),
            "CXHOOK_FALLBACK__UNKNOWN_TAG_STATUS"
        );
    }

    #[test]
    fn the_variables_named_as_secret_sources_are_found_in_every_section() {
        assert_eq!(
            secret_vars(&with("")),
            ["CXHOOK_BOOKING_TOKEN", "CXHOOK_MEMORY_SECRET"]
        );
        let figment = with(
            "[auth.bearer]\ntoken_envs = [\"A\", \"CXHOOK_B\"]\n\
             [auth.basic]\npassword_env = \"C\"\n\
             [booking.external]\ntoken_env = \"\"\n\
             [memory]\nsecret_env = \"\"\n",
        );
        assert_eq!(secret_vars(&figment), ["A", "C", "CXHOOK_B"]);
    }
}
