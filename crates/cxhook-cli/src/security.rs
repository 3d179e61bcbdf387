//! The `[auth]` and `[limits]` sections of `cxhook serve`, and the refusal to serve an
//! open webhook on a non-loopback address.
//!
//! Secrets never sit in the configuration: each key names an environment variable
//! (`*_env`) or a file (`*_file`, a mounted secret) that holds one.
//!
//! A webhook without credentials of its own is served on such an address only when the
//! configuration says what authenticates its calls in front of it (`auth.authenticated_by`,
//! say Cloud Run's IAM check) or `--insecure` is given; that setting is off by default and
//! logged at every start, so an open webhook is never one by accident.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use cxhook::middleware::auth::{Auth, IdToken, Jwks, Secret};
use cxhook::server::Limits;
use cxhook_integrations::ConfigError;
use serde::Deserialize;

/// The `[auth]` section as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuthConfig {
    authenticated_by: String,
    bearer: BearerConfig,
    basic: BasicConfig,
    header: HeaderConfig,
    id_token: IdTokenConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct BearerConfig {
    token_envs: Vec<String>,
    token_files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct BasicConfig {
    username: String,
    password_env: String,
    #[serde(default)]
    password_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderConfig {
    name: String,
    value_envs: Vec<String>,
    value_files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdTokenConfig {
    enabled: bool,
    jwks_url: String,
    audiences: Vec<String>,
    email: String,
    leeway_secs: u64,
}

/// The most clock skew allowed on ID tokens: more would keep expired tokens alive.
const MAX_LEEWAY_SECS: u64 = 300;

fn problem(key: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.to_owned(),
        problem: problem.into(),
    }
}

/// The `[auth]` section built: what cxhook checks itself, and what checks in front of it.
#[derive(Debug, Clone)]
pub(crate) struct Access {
    /// The credentials a call must carry; empty when cxhook checks none itself.
    pub(crate) methods: Auth,
    /// What authenticates every call before it reaches cxhook (`auth.authenticated_by`), when
    /// the configuration names something.
    pub(crate) authenticated_by: Option<String>,
}

impl AuthConfig {
    /// The methods configured, their secrets read from the environment and files, and what
    /// authenticates in front of cxhook.
    pub(crate) fn build(&self) -> Result<Access, ConfigError> {
        let authenticated_by = self.authenticated_by.trim();
        if authenticated_by.chars().any(char::is_control) {
            return Err(problem(
                "authenticated_by",
                "must be one line of text naming what authenticates the calls",
            ));
        }
        Ok(Access {
            methods: self.methods()?,
            authenticated_by: (!authenticated_by.is_empty()).then(|| authenticated_by.to_owned()),
        })
    }

    /// The methods configured, their secrets read from the environment and files.
    fn methods(&self) -> Result<Auth, ConfigError> {
        let mut auth = Auth::new();

        let mut tokens = Vec::new();
        for (n, var) in self.bearer.token_envs.iter().enumerate() {
            let key = format!("bearer.token_envs[{n}]");
            tokens.push(Secret::from_env(var).map_err(|e| problem(&key, e.to_string()))?);
        }
        for (n, file) in self.bearer.token_files.iter().enumerate() {
            let key = format!("bearer.token_files[{n}]");
            tokens.push(Secret::from_file(file).map_err(|e| problem(&key, e.to_string()))?);
        }
        auth = auth.bearer(tokens);

        let basic = &self.basic;
        let password = match (&basic.password_file, basic.password_env.trim()) {
            (Some(file), _) => Some(
                Secret::from_file(file)
                    .map_err(|e| problem("basic.password_file", e.to_string()))?,
            ),
            (None, "") => None,
            (None, var) => Some(
                Secret::from_env(var).map_err(|e| problem("basic.password_env", e.to_string()))?,
            ),
        };
        match (basic.username.trim().is_empty(), password) {
            (false, Some(password)) => auth = auth.basic(basic.username.clone(), password),
            (true, None) => {}
            (true, Some(_)) => {
                return Err(problem("basic.username", "must be set when a password is"));
            }
            (false, None) => {
                return Err(problem(
                    "basic.password_env",
                    "must name a variable (or set password_file) when a username is set",
                ));
            }
        }

        let header = &self.header;
        let mut values = Vec::new();
        for (n, var) in header.value_envs.iter().enumerate() {
            let key = format!("header.value_envs[{n}]");
            values.push(Secret::from_env(var).map_err(|e| problem(&key, e.to_string()))?);
        }
        for (n, file) in header.value_files.iter().enumerate() {
            let key = format!("header.value_files[{n}]");
            values.push(Secret::from_file(file).map_err(|e| problem(&key, e.to_string()))?);
        }
        match (header.name.trim(), values.is_empty()) {
            ("", true) => {}
            ("", false) => return Err(problem("header.name", "must name the header")),
            (_, true) => {
                return Err(problem(
                    "header.value_envs",
                    "must name a variable (or set value_files) when a header name is set",
                ));
            }
            (name, false) => {
                let name: http::HeaderName = name.parse().map_err(|_| {
                    problem("header.name", format!("`{name}` is not a header name"))
                })?;
                if name == http::header::AUTHORIZATION {
                    return Err(problem(
                        "header.name",
                        "must not be Authorization; use [auth.bearer] or [auth.basic]",
                    ));
                }
                for value in values {
                    auth = auth.header(name.clone(), value);
                }
            }
        }

        let id_token = &self.id_token;
        if id_token.enabled {
            let url: reqwest::Url = id_token.jwks_url.parse().map_err(|_| {
                problem(
                    "id_token.jwks_url",
                    format!("`{}` is not a URL", id_token.jwks_url),
                )
            })?;
            if !matches!(url.scheme(), "https" | "http") {
                return Err(problem("id_token.jwks_url", "must be an http(s) URL"));
            }
            let audiences: Vec<String> = id_token
                .audiences
                .iter()
                .map(|aud| aud.trim().to_owned())
                .filter(|aud| !aud.is_empty())
                .collect();
            if audiences.is_empty() {
                return Err(problem(
                    "id_token.audiences",
                    "must list the webhook's URL as Dialogflow calls it (the token's aud)",
                ));
            }
            if id_token.leeway_secs > MAX_LEEWAY_SECS {
                return Err(problem(
                    "id_token.leeway_secs",
                    format!("must be at most {MAX_LEEWAY_SECS}"),
                ));
            }
            let mut verifier = IdToken::new(Jwks::new(url), audiences)
                .leeway(Duration::from_secs(id_token.leeway_secs));
            if !id_token.email.trim().is_empty() {
                verifier = verifier.email(id_token.email.trim());
            }
            auth = auth.id_token(verifier);
        }
        Ok(auth)
    }
}

/// The `[limits]` section as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LimitsConfig {
    concurrency: usize,
    header_read_timeout_ms: u64,
    idle_timeout_ms: u64,
    max_connections: usize,
    request_timeout_ms: u64,
    max_header_bytes: usize,
    max_headers: usize,
    max_upstream_body_bytes: usize,
}

impl LimitsConfig {
    /// The limits, checked, and the most bytes read of another service's answer.
    pub(crate) fn build(&self) -> Result<(Limits, usize), ConfigError> {
        let positive = |key: &str, value: u64| {
            if value == 0 {
                Err(problem(key, "must be more than 0"))
            } else {
                Ok(value)
            }
        };
        positive("concurrency", self.concurrency as u64)?;
        positive("header_read_timeout_ms", self.header_read_timeout_ms)?;
        positive("idle_timeout_ms", self.idle_timeout_ms)?;
        positive("max_connections", self.max_connections as u64)?;
        positive("request_timeout_ms", self.request_timeout_ms)?;
        positive("max_headers", self.max_headers as u64)?;
        positive(
            "max_upstream_body_bytes",
            self.max_upstream_body_bytes as u64,
        )?;
        if self.max_header_bytes < 8192 {
            return Err(problem("max_header_bytes", "must be at least 8192"));
        }
        let limits = Limits {
            concurrency: self.concurrency,
            header_read_timeout: Duration::from_millis(self.header_read_timeout_ms),
            idle_timeout: Duration::from_millis(self.idle_timeout_ms),
            max_connections: self.max_connections,
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            max_header_bytes: self.max_header_bytes,
            max_headers: self.max_headers,
        };
        Ok((limits, self.max_upstream_body_bytes))
    }
}

/// Refuses to serve without auth on an address other machines reach, unless the
/// configuration names what authenticates calls in front of cxhook or `insecure` is given.
pub(crate) fn require_auth(
    addr: SocketAddr,
    access: &Access,
    insecure: bool,
) -> anyhow::Result<()> {
    if !access.methods.is_empty()
        || access.authenticated_by.is_some()
        || insecure
        || addr.ip().is_loopback()
    {
        return Ok(());
    }
    bail!(
        "refusing to serve on {addr} without authentication: anyone who reaches this address \
         could call the webhook and the systems behind it. Configure a method in [auth] \
         (bearer, basic, header or id_token), listen on a loopback address such as \
         127.0.0.1, or, when something in front of cxhook lets only authenticated callers \
         through, name it in auth.authenticated_by (CXHOOK_AUTH__AUTHENTICATED_BY=\"Cloud Run \
         IAM\") or pass --insecure"
    )
}

/// Logs, at start-up, that calls are taken as authenticated by what `auth.authenticated_by`
/// names: a warning when cxhook checks no credentials itself.
pub(crate) fn announce(access: &Access) {
    let Some(front) = &access.authenticated_by else {
        return;
    };
    if access.methods.is_empty() {
        tracing::warn!(
            authenticated_by = %front,
            "cxhook checks no credentials itself: every call that reaches it is taken as \
             authenticated by {front} (auth.authenticated_by)"
        );
    } else {
        tracing::info!(
            authenticated_by = %front,
            "calls are authenticated by {front} in front of cxhook (auth.authenticated_by), \
             and by the methods of [auth]"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(methods: Auth, authenticated_by: Option<&str>) -> Access {
        Access {
            methods,
            authenticated_by: authenticated_by.map(str::to_owned),
        }
    }

    #[test]
    fn only_open_webhooks_on_other_addresses_are_refused() {
        let open = access(Auth::new(), None);
        let public: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let error = require_auth(public, &open, false).unwrap_err().to_string();
        assert!(error.contains("--insecure"), "{error}");
        assert!(error.contains("auth.authenticated_by"), "{error}");
        assert!(require_auth(public, &open, true).is_ok());
        assert!(require_auth("127.0.0.1:8080".parse().unwrap(), &open, false).is_ok());
        assert!(require_auth("[::1]:8080".parse().unwrap(), &open, false).is_ok());
        let closed = access(Auth::new().bearer([Secret::new("t").unwrap()]), None);
        assert!(require_auth(public, &closed, false).is_ok());
        let fronted = access(Auth::new(), Some("Cloud Run IAM"));
        assert!(require_auth(public, &fronted, false).is_ok());
    }
}
