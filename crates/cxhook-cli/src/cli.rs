//! The command line as typed: clap's view of the flags, before any configuration is resolved.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use cxhook::middleware::auth::Secret;

use crate::request::Param;

/// Run and test Dialogflow CX webhooks.
#[derive(Debug, Parser)]
#[command(name = "cxhook", version)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Serve the webhook on POST /webhook until SIGTERM or SIGINT.
    Serve(ServeArgs),
    /// Send one webhook request the way Dialogflow CX does and check the answer.
    Send(Box<SendArgs>),
    /// Answer webhook calls on AWS Lambda (API Gateway or a function URL); started without
    /// arguments as a Lambda `bootstrap`, this is the default.
    Lambda(LambdaArgs),
}

/// The flags of `cxhook lambda`.
#[derive(Debug, Args)]
pub(crate) struct LambdaArgs {
    /// A TOML file whose keys override the embedded defaults.
    #[arg(long, value_name = "FILE", env = "CXHOOK_CONFIG")]
    pub(crate) config: Option<PathBuf>,
}

/// The flags of `cxhook serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// A TOML file whose keys override the embedded defaults.
    #[arg(long, value_name = "FILE", env = "CXHOOK_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// Where to listen, IP:PORT; wins over the config file, CXHOOK_SERVER__ADDR and PORT.
    #[arg(long, value_name = "ADDR")]
    pub(crate) addr: Option<SocketAddr>,
    /// Serve without authentication on an address other than loopback (when something in
    /// front of cxhook authenticates calls).
    #[arg(long)]
    pub(crate) insecure: bool,
}

/// The flags of `cxhook send`.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// The webhook's URL, e.g. http://127.0.0.1:8080/webhook.
    pub(crate) url: reqwest::Url,
    /// The fulfillment tag (`fulfillmentInfo.tag`).
    #[arg(long, value_name = "TAG", required_unless_present = "file")]
    pub(crate) tag: Option<String>,
    /// A session parameter, KEY=VALUE; VALUE is JSON when it parses as JSON, else a string.
    #[arg(short = 'p', long = "param", value_name = "KEY=VALUE")]
    pub(crate) params: Vec<Param>,
    /// What the user typed (the `text` query).
    #[arg(long, value_name = "TEXT", conflicts_with = "file")]
    pub(crate) text: Option<String>,
    /// The session ID, or a whole session name `projects/…/sessions/…`; a fresh one by default.
    #[arg(long, value_name = "ID", conflicts_with = "file")]
    pub(crate) session: Option<String>,
    /// The language code of the query [default: en].
    #[arg(long, value_name = "CODE", conflicts_with = "file")]
    pub(crate) lang: Option<String>,
    /// Send this request JSON instead of building one (`-` reads standard input); --tag and
    /// -p still override its tag and parameters.
    #[arg(long, value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
    /// How long to wait for the whole answer: seconds, or a number with `s` or `ms`.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub(crate) timeout: Duration,
    /// Print the answer's body as it came instead of reading it out.
    #[arg(long)]
    pub(crate) json: bool,
    /// Send `Authorization: Bearer TOKEN`.
    #[arg(long, value_name = "TOKEN", value_parser = parse_secret)]
    pub(crate) bearer: Option<Secret>,
    /// Send HTTP Basic auth, USER:PASS.
    #[arg(long, value_name = "USER:PASS", value_parser = parse_basic)]
    pub(crate) basic: Option<(String, Secret)>,
    /// Send this header too, 'Name: value'; may be given more than once.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub(crate) headers: Vec<(http::HeaderName, http::HeaderValue)>,
    /// Send a Google-style ID token signed by this PEM RSA private key (RS256), for
    /// webhooks that check tokens against a local key set.
    #[arg(long, value_name = "FILE")]
    pub(crate) id_token_key: Option<PathBuf>,
    /// The key ID (`kid`) the ID token names.
    #[arg(
        long,
        value_name = "KID",
        requires = "id_token_key",
        default_value = "cxhook-local"
    )]
    pub(crate) id_token_kid: String,
    /// The ID token's audience (`aud`) [default: the URL].
    #[arg(long, value_name = "AUD", requires = "id_token_key")]
    pub(crate) id_token_aud: Option<String>,
    /// The ID token's `email` (with `email_verified: true`).
    #[arg(long, value_name = "EMAIL", requires = "id_token_key")]
    pub(crate) id_token_email: Option<String>,
}

/// Reads a token that is not empty.
fn parse_secret(text: &str) -> Result<Secret, String> {
    Secret::new(text).map_err(|_| "the token must not be empty".to_owned())
}

/// Reads `USER:PASS`.
fn parse_basic(text: &str) -> Result<(String, Secret), String> {
    let (user, password) = text
        .split_once(':')
        .ok_or_else(|| "give USER:PASS, with a colon between them".to_owned())?;
    let password =
        Secret::new(password).map_err(|_| "the password after `:` must not be empty".to_owned())?;
    Ok((user.to_owned(), password))
}

/// Reads `Name: value`.
fn parse_header(text: &str) -> Result<(http::HeaderName, http::HeaderValue), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}` is not 'Name: value'"))?;
    let name: http::HeaderName = name
        .trim()
        .parse()
        .map_err(|_| format!("`{}` is not a header name", name.trim()))?;
    let mut value = http::HeaderValue::from_str(value.trim())
        .map_err(|_| format!("the value of {name} is not a valid header value"))?;
    // It may be a secret: keep it out of Debug output.
    value.set_sensitive(true);
    Ok((name, value))
}

/// Reads `30`, `30s` or `1500ms`; zero is refused.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let (number, millis) = match text.strip_suffix("ms") {
        Some(number) => (number, true),
        None => (text.strip_suffix('s').unwrap_or(text), false),
    };
    let value: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 30, 30s or 500ms"))?;
    if value == 0 {
        return Err("the timeout must be longer than zero".to_owned());
    }
    Ok(if millis {
        Duration::from_millis(value)
    } else {
        Duration::from_secs(value)
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn timeouts_read_seconds_and_milliseconds() {
        assert_eq!(parse_timeout("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_timeout("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_timeout("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("1.5s").is_err());
        assert!(parse_timeout("soon").is_err());
    }

    #[test]
    fn send_needs_a_tag_unless_a_file_is_given() {
        let parse = |args: &[&str]| Cli::try_parse_from(args);
        assert!(parse(&["cxhook", "send", "http://127.0.0.1:1/webhook"]).is_err());
        assert!(parse(&["cxhook", "send", "http://127.0.0.1:1/webhook", "--tag", "t"]).is_ok());
        assert!(
            parse(&[
                "cxhook",
                "send",
                "http://127.0.0.1:1/webhook",
                "--file",
                "-"
            ])
            .is_ok()
        );
        assert!(
            parse(&[
                "cxhook",
                "send",
                "http://127.0.0.1:1/webhook",
                "--file",
                "-",
                "--text",
                "hi"
            ])
            .is_err()
        );
    }
}
