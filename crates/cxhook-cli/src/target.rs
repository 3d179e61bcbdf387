//! Where webhook requests go: a URL over HTTP, with the credentials a real agent would send,
//! or the webhook the configuration describes, called in-process without a socket.
//!
//! `send`, `replay` and `scenario` share it: build a [`Target`] once, then [`Target::call`]
//! it with each request body and judge the [`Exchange`] it gives back.
//!
//! An in-process webhook keeps to itself. Its database is a fresh one in a temporary
//! directory, created and seeded as `serve` creates a missing one and removed when the tool
//! ends, unless it is named: by `--database FILE` (for both integrations), or by
//! `accounts.database` / `booking.database` / `memory.database` set in the `--config` file
//! or by their `CXHOOK_` variables, each of which is kept. For `scenario`, memory on the
//! tool's own database gets a random secret of its own when none is set, so that scenarios
//! about returning users play without one; on a database that is named, memory reads the
//! secret `serve` keeps beside it, and makes none. The built-in default, `./cxhook.db`, is the file a
//! `cxhook serve` in the same directory uses: a tool that wrote its test bookings there, or
//! played its scenarios against bookings made by hand, would be wrong both ways. It logs at
//! `warn` unless `log.filter` or `RUST_LOG` says otherwise: a tool's output is its report,
//! not a line per call.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use cxhook::http_client::describe;
use cxhook::server::Endpoint;
use cxhook::server::record::REPLAY_HEADER;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderName, HeaderValue, StatusCode};
use serde_json::Value;

use crate::cli::{Local, TargetArgs};
use crate::config::Config;

/// How much of an answer's body is read at most: far more than Dialogflow accepts, so that
/// an oversized body can still be measured and shown.
pub(crate) const READ_LIMIT: usize = 16 * 1024 * 1024;

/// Where requests go. Cheap to share by reference; one target serves many calls.
#[derive(Debug)]
pub(crate) struct Target {
    way: Way,
    timeout: Duration,
    /// The in-process webhook's own database directory, removed when the target is dropped
    /// (after `way`, whose webhook holds the database open).
    _scratch: Option<tempfile::TempDir>,
}

#[derive(Debug)]
enum Way {
    /// POST to this URL with these headers.
    Http {
        url: reqwest::Url,
        client: reqwest::Client,
        headers: Vec<(HeaderName, HeaderValue)>,
    },
    /// Answer through the configured webhook in this process.
    InProcess {
        endpoint: Endpoint,
        config: Option<PathBuf>,
        /// The tags its router serves.
        tags: Vec<String>,
    },
}

/// One call as it went: the answer's status and body, and how long it took.
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    /// The HTTP status of the answer.
    pub(crate) status: StatusCode,
    /// The answer's body, at most [`READ_LIMIT`] bytes of it.
    pub(crate) body: Vec<u8>,
    /// From sending the request to having read the whole answer.
    pub(crate) latency: Duration,
    /// Whether the body went on past [`READ_LIMIT`] and was cut there.
    pub(crate) cut: bool,
}

impl Target {
    /// A webhook at `url` (http or https), called with the credentials in `args`. An ID
    /// token is minted here, once, valid for an hour.
    pub(crate) fn url(url: reqwest::Url, args: &TargetArgs) -> anyhow::Result<Self> {
        if !matches!(url.scheme(), "http" | "https") {
            bail!("the URL must start with http:// or https://, not `{url}`");
        }
        let headers = auth_headers(&url, args)?;
        let client = reqwest::Client::builder()
            .user_agent(concat!("cxhook/", env!("CARGO_PKG_VERSION")))
            .timeout(args.timeout)
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Self {
            way: Way::Http {
                url,
                client,
                headers,
            },
            timeout: args.timeout,
            _scratch: None,
        })
    }

    /// The webhook at `url` when there is one, else the configured webhook in-process (see
    /// [`Target::in_process`]): what `send`, `replay` and `scenario` talk to.
    pub(crate) fn chosen(
        url: Option<&reqwest::Url>,
        local: &Local<'_>,
        args: &TargetArgs,
    ) -> anyhow::Result<Self> {
        match url {
            Some(url) => Self::url(url.clone(), args),
            None => Self::in_process(local, args.timeout),
        }
    }

    /// The webhook `cxhook serve` would serve with the configuration in `local.config` (the
    /// embedded default, `CXHOOK_*` variables and `CXHOOK_CONFIG` apply as they do for
    /// `serve`), answering in this process: no socket, no authentication, a database of its
    /// own unless one is named, warnings only in the log (see the module docs). Installs
    /// logging, so call it once per process.
    pub(crate) fn in_process(local: &Local<'_>, timeout: Duration) -> anyhow::Result<Self> {
        let file = local.config;
        let mut config = Config::resolve(file, None).context("config error")?;
        // A short-lived tool: its lines are written as they come, none is left unwritten.
        config.log.batch = None;
        if !crate::config::is_set(file, "log.filter") {
            "warn".clone_into(&mut config.log.filter);
        }
        let scratch = own_database(&mut config, local)?;
        crate::telemetry::init(&config)?;
        let webhook = crate::app::webhook(&config)?;
        let tags = webhook.tags().map(str::to_owned).collect();
        Ok(Self {
            way: Way::InProcess {
                endpoint: webhook.into_endpoint(),
                config: file.map(Path::to_path_buf),
                tags,
            },
            timeout,
            _scratch: scratch,
        })
    }

    /// The tags the in-process webhook's router serves; `None` for a URL, whose tags are not
    /// known.
    pub(crate) fn tags(&self) -> Option<&[String]> {
        match &self.way {
            Way::InProcess { tags, .. } => Some(tags),
            Way::Http { .. } => None,
        }
    }

    /// Marks every call as the replay of a recorded one (the [`REPLAY_HEADER`] header), so that
    /// a server that records leaves them out of its recording. An in-process webhook records
    /// nothing.
    pub(crate) fn replaying(mut self) -> Self {
        if let Way::Http { headers, .. } = &mut self.way {
            headers.push((
                HeaderName::from_static(REPLAY_HEADER),
                HeaderValue::from_static("1"),
            ));
        }
        self
    }

    /// Sends one request body and reads the whole answer. An error means there is no
    /// answer to judge: the network failed, or no answer came within the timeout.
    pub(crate) async fn call(&self, body: Vec<u8>) -> anyhow::Result<Exchange> {
        match &self.way {
            Way::Http {
                url,
                client,
                headers,
            } => post(url, client, headers, body, self.timeout).await,
            Way::InProcess { endpoint, .. } => {
                let started = Instant::now();
                let answered = tokio::time::timeout(self.timeout, endpoint.answer(&body))
                    .await
                    .map_err(|_| {
                        anyhow!(
                            "no answer from the in-process webhook within {} ms",
                            self.timeout.as_millis()
                        )
                    })?;
                Ok(Exchange {
                    status: answered.status,
                    body: answered.body,
                    latency: started.elapsed(),
                    cut: false,
                })
            }
        }
    }
}

/// Points the integrations at `local.database`, or each whose database the user did not name
/// at a fresh file in a new temporary directory; gives that directory, to be removed when the
/// tool is done.
fn own_database(
    config: &mut Config,
    local: &Local<'_>,
) -> anyhow::Result<Option<tempfile::TempDir>> {
    if let Some(database) = local.database {
        config.accounts.database = database.to_path_buf();
        config.booking.database = database.to_path_buf();
        config.memory.database = database.to_path_buf();
        return Ok(None);
    }
    let accounts = !crate::config::is_set(local.config, "accounts.database");
    let booking = !crate::config::is_set(local.config, "booking.database");
    let memory = !crate::config::is_set(local.config, "memory.database");
    if !accounts && !booking && !memory {
        return Ok(None);
    }
    let scratch = tempfile::Builder::new()
        .prefix("cxhook-")
        .tempdir()
        .context("cannot make a temporary directory for the in-process database")?;
    let database = scratch.path().join("cxhook.db");
    if accounts {
        config.accounts.database.clone_from(&database);
    }
    if booking {
        config.booking.database.clone_from(&database);
    }
    if memory {
        config.memory.database = database;
        if local.memory {
            throwaway_secret(config)?;
        }
    }
    Ok(Some(scratch))
}

/// Gives memory on the tool's own database a secret of its own, when none is set: the
/// database goes when the tool ends, and so may its keys, so that scenarios about returning
/// users play with nothing to set up. It is the random one `serve` would keep beside the
/// database (`cxhook.db.memory-secret`), made as `serve` makes it; elsewhere the in-process
/// webhook only reads such a file.
fn throwaway_secret(config: &Config) -> anyhow::Result<()> {
    cxhook_integrations::memory::keep_secret(&config.memory)
        .context("cannot make the in-process memory secret")?;
    Ok(())
}

impl fmt::Display for Target {
    /// The URL, or which configuration answers in-process.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.way {
            Way::Http { url, .. } => write!(f, "{url}"),
            Way::InProcess {
                config: Some(file), ..
            } => write!(f, "the webhook of {} (in-process)", file.display()),
            Way::InProcess { config: None, .. } => {
                f.write_str("the webhook of the default configuration (in-process)")
            }
        }
    }
}

/// The headers that authenticate a call to `url`: `-H` headers, then `Authorization` from
/// `--bearer`, `--basic` or a minted ID token (one of them).
fn auth_headers(
    url: &reqwest::Url,
    args: &TargetArgs,
) -> anyhow::Result<Vec<(HeaderName, HeaderValue)>> {
    let mut headers = args.headers.clone();
    let mut authorization = Vec::new();
    if let Some(token) = &args.bearer {
        authorization.push(format!("Bearer {}", token.expose()));
    }
    if let Some((user, password)) = &args.basic {
        let credentials = format!("{user}:{}", password.expose());
        authorization.push(format!("Basic {}", BASE64.encode(credentials)));
    }
    if let Some(key) = &args.id_token_key {
        authorization.push(format!("Bearer {}", mint_id_token(url, args, key)?));
    }
    if authorization.len() > 1 {
        bail!("give one of --bearer, --basic and --id-token-key: each sets Authorization");
    }
    if let Some(value) = authorization.pop() {
        if headers.iter().any(|(name, _)| name == AUTHORIZATION) {
            bail!("-H sets Authorization already; drop it or --bearer/--basic/--id-token-key");
        }
        let mut value = HeaderValue::from_str(&value)
            .context("the credentials are not a valid header value")?;
        value.set_sensitive(true);
        headers.push((AUTHORIZATION, value));
    }
    Ok(headers)
}

/// An ID token as Google's would look to the webhook: RS256, signed by the PEM RSA private
/// key in `key`, naming `--id-token-kid`, for `--id-token-aud` (the URL by default), valid
/// for an hour.
fn mint_id_token(url: &reqwest::Url, args: &TargetArgs, key: &Path) -> anyhow::Result<String> {
    let pem = std::fs::read(key).with_context(|| format!("cannot read {}", key.display()))?;
    let signing = jsonwebtoken::EncodingKey::from_rsa_pem(&pem)
        .map_err(|e| anyhow!("{} is not a PEM RSA private key: {e}", key.display()))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the clock is before 1970")?
        .as_secs();
    let mut claims = serde_json::json!({
        "iss": "https://accounts.google.com",
        "aud": args.id_token_aud.clone().unwrap_or_else(|| url.to_string()),
        "sub": "cxhook-send",
        "iat": now,
        "exp": now + 3600,
    });
    if let Some(email) = &args.id_token_email {
        claims["email"] = Value::from(email.as_str());
        claims["email_verified"] = Value::Bool(true);
    }
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(args.id_token_kid.clone());
    jsonwebtoken::encode(&header, &claims, &signing)
        .map_err(|e| anyhow!("cannot sign the ID token with {}: {e}", key.display()))
}

/// Posts `body` as JSON with `headers` and reads the whole answer within `timeout` (the
/// client's own timeout).
async fn post(
    url: &reqwest::Url,
    client: &reqwest::Client,
    headers: &[(HeaderName, HeaderValue)],
    body: Vec<u8>,
    timeout: Duration,
) -> anyhow::Result<Exchange> {
    let started = Instant::now();
    let network = |e: reqwest::Error| {
        if e.is_timeout() {
            anyhow!("no answer from {url} within {} ms", timeout.as_millis())
        } else {
            anyhow!("cannot get an answer from {url}: {}", describe(&e))
        }
    };
    let mut request = client
        .post(url.clone())
        .header(CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let mut response = request.body(body).send().await.map_err(network)?;
    let mut received = Vec::new();
    let mut cut = false;
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        if received.len() + chunk.len() > READ_LIMIT {
            received.extend_from_slice(&chunk[..READ_LIMIT - received.len()]);
            cut = true;
            break;
        }
        received.extend_from_slice(&chunk);
    }
    Ok(Exchange {
        status: response.status(),
        body: received,
        latency: started.elapsed(),
        cut,
    })
}

/// The text of `file`, `-` meaning standard input, and how to name it in messages; `what` says
/// what is read, for the error.
pub(crate) fn read_input(file: &Path, what: &str) -> anyhow::Result<(String, String)> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .with_context(|| format!("cannot read the {what} from standard input"))?;
        Ok(("standard input".to_owned(), text))
    } else {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        Ok((file.display().to_string(), text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::tests::flags;

    fn url() -> reqwest::Url {
        "http://127.0.0.1:9/webhook".parse().unwrap()
    }

    fn authorization(args: &[&str]) -> anyhow::Result<Option<String>> {
        let headers = auth_headers(&url(), &flags(args).unwrap())?;
        Ok(headers
            .iter()
            .find(|(name, _)| name == AUTHORIZATION)
            .map(|(_, value)| value.to_str().unwrap().to_owned()))
    }

    #[test]
    fn credentials_become_one_authorization_header() {
        assert_eq!(authorization(&[]).unwrap(), None);
        assert_eq!(
            authorization(&["--bearer", "tok"]).unwrap().as_deref(),
            Some("Bearer tok")
        );
        assert_eq!(
            authorization(&["--basic", "u:p"]).unwrap().as_deref(),
            Some("Basic dTpw")
        );
        assert_eq!(
            authorization(&["-H", "Authorization: Token t"])
                .unwrap()
                .as_deref(),
            Some("Token t")
        );
        let two = authorization(&["--bearer", "a", "--basic", "u:p"]).unwrap_err();
        assert!(two.to_string().contains("give one of"), "{two}");
        let clash = authorization(&["--bearer", "a", "-H", "authorization: x"]).unwrap_err();
        assert!(
            clash.to_string().contains("-H sets Authorization"),
            "{clash}"
        );
    }

    #[test]
    fn only_http_urls_are_targets() {
        let args = flags(&[]).unwrap();
        let error = Target::url("ftp://host/x".parse().unwrap(), &args).unwrap_err();
        assert!(error.to_string().contains("http:// or https://"), "{error}");
        let target = Target::url(url(), &args).unwrap();
        assert_eq!(target.to_string(), "http://127.0.0.1:9/webhook");
    }
}
