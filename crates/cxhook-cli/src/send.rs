//! `cxhook send`: post one webhook request the way Dialogflow CX does, read out the answer,
//! and say what Dialogflow would not accept in it.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::StatusCode;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::check::{self, Verdict};
use crate::cli::SendArgs;
use crate::render::render;
use crate::request::Turn;

/// How much of an answer's body is read at most: far more than Dialogflow accepts, so the
/// tool can still say how large an oversized body is.
const READ_LIMIT: usize = 16 * 1024 * 1024;

/// How much of a failed answer's body is shown.
const SHOWN_ERROR_BODY: usize = 2048;

/// Whether the webhook answered the way Dialogflow accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// It did.
    Accepted,
    /// It did not; what is wrong has been printed.
    Wrong,
}

/// An answer as it came back.
struct Answer {
    status: StatusCode,
    body: Vec<u8>,
    elapsed: Duration,
    /// Whether the body was longer than [`READ_LIMIT`] and cut there.
    cut: bool,
}

/// Builds or reads the request, posts it, prints the answer, and judges it. An error is a
/// usage, IO or network error: no answer to judge.
pub(crate) fn run(args: &SendArgs) -> anyhow::Result<Outcome> {
    if !matches!(args.url.scheme(), "http" | "https") {
        bail!(
            "the URL must start with http:// or https://, not `{}`",
            args.url
        );
    }
    let turn = Turn {
        tag: args.tag.clone(),
        params: args.params.clone(),
        text: args.text.clone(),
        session: args.session.clone(),
        language: args.lang.clone(),
    };
    let body = match &args.file {
        Some(file) => from_file(file, &turn)?,
        None => serde_json::to_vec(&turn.request()).context("cannot write the request")?,
    };
    let headers = auth_headers(args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let answer = runtime.block_on(post(&args.url, body, &headers, args.timeout))?;
    let verdict = check::judge(answer.status, &answer.body);
    print(&answer, &verdict, args.json).context("cannot write to stdout")?;
    let mut stderr = std::io::stderr().lock();
    if answer.cut {
        writeln!(
            stderr,
            "cxhook: the body was cut at {READ_LIMIT} bytes; it goes on after that"
        )?;
    }
    for problem in &verdict.problems {
        writeln!(stderr, "cxhook: wrong answer: {problem}")?;
    }
    Ok(if verdict.problems.is_empty() {
        Outcome::Accepted
    } else {
        Outcome::Wrong
    })
}

/// The request in `file` (`-` for standard input), with the turn's tag and parameters set.
fn from_file(file: &Path, turn: &Turn) -> anyhow::Result<Vec<u8>> {
    let (name, text) = if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the request from standard input")?;
        ("standard input".to_owned(), text)
    } else {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        (file.display().to_string(), text)
    };
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize::<_, cxhook::types::WebhookRequest>(de).map_err(|e| {
        let path = e.path().to_string();
        match path.as_str() {
            "." => anyhow!("{name} is not a webhook request: {}", e.into_inner()),
            _ => anyhow!(
                "{name} is not a webhook request: at `{path}`: {}",
                e.into_inner()
            ),
        }
    })?;
    let mut request: Value =
        serde_json::from_str(&text).with_context(|| format!("{name} is not a webhook request"))?;
    turn.apply(&mut request)
        .map_err(|e| anyhow!("cannot change the request in {name}: {e}"))?;
    serde_json::to_vec(&request).context("cannot write the request")
}

/// The headers that authenticate the call: `-H` headers, then `Authorization` from
/// `--bearer`, `--basic` or a minted ID token (one of them).
fn auth_headers(args: &SendArgs) -> anyhow::Result<Vec<(HeaderName, HeaderValue)>> {
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
        authorization.push(format!("Bearer {}", mint_id_token(args, key)?));
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
fn mint_id_token(args: &SendArgs, key: &Path) -> anyhow::Result<String> {
    let pem = std::fs::read(key).with_context(|| format!("cannot read {}", key.display()))?;
    let signing = jsonwebtoken::EncodingKey::from_rsa_pem(&pem)
        .map_err(|e| anyhow!("{} is not a PEM RSA private key: {e}", key.display()))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the clock is before 1970")?
        .as_secs();
    let mut claims = serde_json::json!({
        "iss": "https://accounts.google.com",
        "aud": args.id_token_aud.clone().unwrap_or_else(|| args.url.to_string()),
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

/// Posts `body` as JSON with `headers` and reads the whole answer within `timeout`.
async fn post(
    url: &reqwest::Url,
    body: Vec<u8>,
    headers: &[(HeaderName, HeaderValue)],
    timeout: Duration,
) -> anyhow::Result<Answer> {
    let client = reqwest::Client::builder()
        .user_agent(concat!("cxhook/", env!("CARGO_PKG_VERSION")))
        .timeout(timeout)
        .build()
        .context("cannot set up the HTTP client")?;
    let started = Instant::now();
    let network = |e: reqwest::Error| {
        if e.is_timeout() {
            anyhow!("no answer from {url} within {} ms", timeout.as_millis())
        } else {
            anyhow!("cannot get an answer from {url}: {}", causes(&e))
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
    Ok(Answer {
        status: response.status(),
        body: received,
        elapsed: started.elapsed(),
        cut,
    })
}

/// What lies under a reqwest error, whose own message only repeats the URL.
fn causes(error: &reqwest::Error) -> String {
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    if causes.is_empty() {
        error.to_string()
    } else {
        causes.join(": ")
    }
}

/// Prints the status line, then the body as it came (`--json`), the response read out, or
/// the start of a body that is not one.
fn print(answer: &Answer, verdict: &Verdict, json: bool) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "HTTP {} in {} ms",
        answer.status,
        answer.elapsed.as_millis()
    )?;
    if json {
        stdout.write_all(&answer.body)?;
        if !answer.body.ends_with(b"\n") {
            writeln!(stdout)?;
        }
    } else if let Some(response) = &verdict.response {
        for line in render(response) {
            writeln!(stdout, "{line}")?;
        }
    } else if !answer.body.is_empty() {
        let shown = &answer.body[..answer.body.len().min(SHOWN_ERROR_BODY)];
        let more = if shown.len() < answer.body.len() {
            " …"
        } else {
            ""
        };
        writeln!(stdout, "body: {}{more}", String::from_utf8_lossy(shown))?;
    }
    stdout.flush()
}
