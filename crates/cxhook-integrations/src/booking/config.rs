//! [`BookingConfig`], the `[booking]` section, and its checks.

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::civil::Time;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::schedule::{Hours, Schedule};
use crate::config::ConfigError;
use crate::config::{check_tags, problem};
use crate::database::PostgresConfig;
use crate::database_config::{DatabaseConfig, impl_database_config};

/// The `[booking]` configuration; every key has a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BookingConfig {
    /// Whether the booking tags are served (default true).
    pub enabled: bool,
    /// The SQLite database file, relative to the working directory (default `cxhook.db`,
    /// shared with the accounts); the booking tables are created when missing. Or a
    /// Postgres server: a `postgres://` URL or a key/value connection string, without the
    /// password (see [`BookingConfig::postgres`]).
    pub database: PathBuf,
    /// How many connection threads serve SQLite queries (default 2); at least 1. (On
    /// Postgres the pool's size is [`PostgresConfig::pool_size`].)
    pub connections: usize,
    /// How long a query may take before the call gets the fallback answer, in milliseconds
    /// (default 1000); more than 0.
    pub query_timeout_ms: u64,
    /// The IANA time zone of the opening hours and of the dates callers say (default
    /// `America/New_York`).
    pub time_zone: String,
    /// The grid appointments start on, in minutes from opening (default 30); service
    /// durations are whole multiples of it.
    pub slot_minutes: u32,
    /// What a booking occupies: empty (the default) for one calendar per service, or a name
    /// (`chair-1`) that every service shares, so no two appointments overlap at all.
    pub resource: String,
    /// The services callers may book and their durations in minutes (default `haircut = 30`,
    /// `consultation = 60`, `massage = 60`). Names are matched without regard to case.
    pub services: BTreeMap<String, u32>,
    /// The opening hours per weekday.
    pub hours: OpeningHours,
    /// Where appointments are booked: `builtin` (the default; in the database) or `external`
    /// (a scheduling API, see [`ExternalConfig`]).
    pub backend: Backend,
    /// The external scheduling API, for `backend = "external"`.
    pub external: ExternalConfig,
    /// The tags served.
    pub tags: BookingTags,
    /// The password, pool and TLS of a Postgres `database`.
    pub postgres: PostgresConfig,
}

/// Opening hours per weekday, each `"HH:MM-HH:MM"` in the configured time zone, or `""` for
/// closed. Default: weekdays 09:00–17:00, Saturday 10:00–14:00, Sunday closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpeningHours {
    /// Monday.
    pub monday: String,
    /// Tuesday.
    pub tuesday: String,
    /// Wednesday.
    pub wednesday: String,
    /// Thursday.
    pub thursday: String,
    /// Friday.
    pub friday: String,
    /// Saturday.
    pub saturday: String,
    /// Sunday.
    pub sunday: String,
}

/// Where appointments are booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// In the database, which guarantees one booking per slot.
    #[default]
    Builtin,
    /// Through an external scheduling API; recorded in the database as pending first.
    External,
}

/// The external scheduling API: `POST {api_url}/api/appointments` with a bearer token.
///
/// The token never sits in the configuration: it is read from the file `token_file` when that
/// is set, else from the environment variable `token_env`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExternalConfig {
    /// The API's base URL (`https://scheduling.example.com`).
    pub api_url: String,
    /// The environment variable holding the bearer token (default `CXHOOK_BOOKING_TOKEN`).
    pub token_env: String,
    /// A file holding the bearer token (a mounted secret); wins over `token_env`.
    pub token_file: Option<PathBuf>,
    /// How long one API call may take, in milliseconds (default 2000); more than 0.
    pub timeout_ms: u64,
    /// How often pending bookings are sent to the API again, in milliseconds (default 60000,
    /// a minute); more than 0. The first pass runs at start-up.
    pub reconcile_interval_ms: u64,
}

/// The tags of the booking handlers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BookingTags {
    /// The form validation tag (default `booking.validate`).
    pub validate: String,
    /// The booking tag (default `booking.create`).
    pub create: String,
    /// The cancellation tag (default `booking.cancel`).
    pub cancel: String,
}

impl Default for BookingConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            database: PathBuf::from("cxhook.db"),
            connections: 2,
            query_timeout_ms: 1000,
            time_zone: "America/New_York".to_owned(),
            slot_minutes: 30,
            resource: String::new(),
            services: [("haircut", 30), ("consultation", 60), ("massage", 60)]
                .into_iter()
                .map(|(name, minutes)| (name.to_owned(), minutes))
                .collect(),
            hours: OpeningHours::default(),
            backend: Backend::Builtin,
            external: ExternalConfig::default(),
            tags: BookingTags::default(),
            postgres: PostgresConfig::default(),
        }
    }
}

impl Default for OpeningHours {
    fn default() -> Self {
        let weekday = || "09:00-17:00".to_owned();
        Self {
            monday: weekday(),
            tuesday: weekday(),
            wednesday: weekday(),
            thursday: weekday(),
            friday: weekday(),
            saturday: "10:00-14:00".to_owned(),
            sunday: String::new(),
        }
    }
}

impl ExternalConfig {
    /// `{api_url}/api/appointments`, where bookings are sent.
    pub(super) fn appointments_url(&self) -> Result<reqwest::Url, ConfigError> {
        let base = self.api_url.trim().trim_end_matches('/');
        match reqwest::Url::parse(&format!("{base}/api/appointments")) {
            Ok(url) if !url.cannot_be_a_base() => Ok(url),
            Ok(_) => problem("external.api_url", format!("`{base}` cannot have paths")),
            Err(e) => problem("external.api_url", format!("`{base}` is not a URL: {e}")),
        }
    }
}

impl Default for ExternalConfig {
    fn default() -> Self {
        Self {
            api_url: String::new(),
            token_env: "CXHOOK_BOOKING_TOKEN".to_owned(),
            token_file: None,
            timeout_ms: 2000,
            reconcile_interval_ms: 60_000,
        }
    }
}

impl Default for BookingTags {
    fn default() -> Self {
        Self {
            validate: "booking.validate".to_owned(),
            create: "booking.create".to_owned(),
            cancel: "booking.cancel".to_owned(),
        }
    }
}

impl BookingConfig {
    /// Checks the values serde cannot: counts and timeouts above zero, a known time zone,
    /// well-formed opening hours, durations on the slot grid, tags present and distinct, and
    /// an API URL for the external backend.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.schedule().map(drop)
    }

    /// The checked schedule: time zone, hours, services.
    pub(super) fn schedule(&self) -> Result<Schedule, ConfigError> {
        self.validate_database()?;
        check_tags(&[
            ("tags.validate", &self.tags.validate),
            ("tags.create", &self.tags.create),
            ("tags.cancel", &self.tags.cancel),
        ])?;
        if self.backend == Backend::External {
            let url = self.external.api_url.trim();
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return problem(
                    "external.api_url",
                    "must be an http:// or https:// URL when backend = \"external\"",
                );
            }
            self.external.appointments_url()?;
            if self.external.timeout_ms == 0 {
                return problem("external.timeout_ms", "must be more than 0");
            }
            if self.external.reconcile_interval_ms == 0 {
                return problem("external.reconcile_interval_ms", "must be more than 0");
            }
            if self.external.token_file.is_none() && self.external.token_env.trim().is_empty() {
                return problem(
                    "external.token_env",
                    "must name a variable (or set token_file)",
                );
            }
        }
        let time_zone = TimeZone::get(&self.time_zone).or_else(|_| {
            problem(
                "time_zone",
                format!("`{}` is not a known IANA time zone", self.time_zone),
            )
        })?;
        if self.slot_minutes == 0 || self.slot_minutes > 24 * 60 {
            return problem("slot_minutes", "must be between 1 and 1440");
        }
        if self.services.is_empty() {
            return problem("services", "must name at least one service");
        }
        let mut services = BTreeMap::new();
        for (name, &minutes) in &self.services {
            let key = || format!("services.{name}");
            if name.trim().is_empty() {
                return problem("services", "a service needs a name");
            }
            if minutes == 0 || minutes % self.slot_minutes != 0 {
                return problem(
                    key(),
                    format!(
                        "must be a positive multiple of slot_minutes ({})",
                        self.slot_minutes
                    ),
                );
            }
            if services
                .insert(name.trim().to_lowercase(), (name.clone(), minutes))
                .is_some()
            {
                return problem(key(), "is named twice (names are matched without case)");
            }
        }
        let days = [
            ("hours.monday", &self.hours.monday),
            ("hours.tuesday", &self.hours.tuesday),
            ("hours.wednesday", &self.hours.wednesday),
            ("hours.thursday", &self.hours.thursday),
            ("hours.friday", &self.hours.friday),
            ("hours.saturday", &self.hours.saturday),
            ("hours.sunday", &self.hours.sunday),
        ];
        let mut hours = [None; 7];
        for (slot, (key, text)) in hours.iter_mut().zip(days) {
            *slot = parse_hours(text).or_else(|e| problem(key, e))?;
        }
        Ok(Schedule {
            time_zone,
            hours,
            services,
            slot_minutes: self.slot_minutes,
            resource: Some(self.resource.trim().to_owned()).filter(|r| !r.is_empty()),
        })
    }
}

impl_database_config!(BookingConfig);

/// `"09:00-17:00"` → open and close; `""` (or `closed`) → closed.
fn parse_hours(text: &str) -> Result<Option<Hours>, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("closed") {
        return Ok(None);
    }
    let bad = || format!("`{text}` is not opening hours like \"09:00-17:00\" (or \"\" for closed)");
    let (open, close) = text.split_once('-').ok_or_else(bad)?;
    let time = |s: &str| s.trim().parse::<Time>().map_err(|_| bad());
    let (open, close) = (time(open)?, time(close)?);
    if open >= close {
        return Err(format!("`{text}`: opening must come before closing"));
    }
    Ok(Some(Hours { open, close }))
}
