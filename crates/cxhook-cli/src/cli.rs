//! The command line as typed: clap's view of the flags, before any configuration is resolved.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};

use crate::json_path::JsonPath;
use crate::request::{FormParam, Param};
use crate::target::{Local, TargetArgs};

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
    /// Play multi-turn conversations from YAML scenario files against a webhook (a URL, or
    /// in-process from the configuration) and check each reply.
    Scenario(Box<ScenarioArgs>),
    /// Send the calls `serve --record` recorded again (to a URL, or in-process from the
    /// configuration) and compare each reply with the recorded one.
    Replay(Box<ReplayArgs>),
}

/// The flags of `cxhook replay`.
#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    /// The recording: JSON lines written by `cxhook serve --record` (`-` reads standard
    /// input).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// Send the calls to the webhook at this URL; without it, the webhook `cxhook serve`
    /// would run answers in this process.
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<reqwest::Url>,
    /// In-process: a TOML file whose keys override the embedded defaults.
    #[arg(long, value_name = "FILE", env = "CXHOOK_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// In-process: the SQLite database both integrations use (created and seeded when
    /// missing); without it, a fresh one is made for this run and removed after it, unless
    /// the configuration names one (`accounts.database`, `booking.database`).
    #[arg(long, value_name = "FILE", conflicts_with = "url")]
    pub(crate) database: Option<PathBuf>,
    /// A path of the reply not to compare, such as sessionInfo.parameters.booking_id or
    /// fulfillmentResponse.messages[*].text (`*` is any key or index; a path covers what is
    /// under it); may be given more than once.
    #[arg(long = "ignore", value_name = "PATH")]
    pub(crate) ignore: Vec<JsonPath>,
    /// Leave out the calls whose recorded requests have redacted values.
    #[arg(long)]
    pub(crate) skip_redacted: bool,
    /// How the calls reach the webhook.
    #[command(flatten)]
    pub(crate) target: TargetArgs,
}

/// The flags of `cxhook scenario`.
#[derive(Debug, Args)]
pub(crate) struct ScenarioArgs {
    /// The scenario files (YAML).
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Play against the webhook at this URL; without it, the webhook `cxhook serve` would
    /// run answers in this process.
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<reqwest::Url>,
    /// In-process: a TOML file whose keys override the embedded defaults.
    #[arg(long, value_name = "FILE", env = "CXHOOK_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// In-process: the SQLite database both integrations use (created and seeded when
    /// missing); without it, a fresh one is made for this run and removed after it, unless
    /// the configuration names one (`accounts.database`, `booking.database`).
    #[arg(long, value_name = "FILE", conflicts_with = "url")]
    pub(crate) database: Option<PathBuf>,
    /// How the calls reach the webhook.
    #[command(flatten)]
    pub(crate) target: TargetArgs,
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
    /// Append each call to FILE as a JSON line (request, status, response), secrets
    /// redacted, for `cxhook replay`; wins over `[record] file`.
    #[arg(long, value_name = "FILE")]
    pub(crate) record: Option<PathBuf>,
}

/// The flags of `cxhook send`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("query").args(["text", "event", "dtmf"])))]
pub(crate) struct SendArgs {
    /// The webhook's URL, e.g. http://127.0.0.1:8080/webhook.
    #[arg(required_unless_present = "in_process")]
    pub(crate) url: Option<reqwest::Url>,
    /// Answer in this process with the webhook `cxhook serve` would run, instead of a URL.
    #[arg(long, conflicts_with = "url")]
    pub(crate) in_process: bool,
    /// With --in-process: a TOML file whose keys override the embedded defaults.
    #[arg(long, value_name = "FILE", requires = "in_process")]
    pub(crate) config: Option<PathBuf>,
    /// With --in-process: the SQLite database both integrations use (created and seeded
    /// when missing); without it, a fresh one is made for this call and removed after it,
    /// unless the configuration names one (`accounts.database`, `booking.database`).
    #[arg(long, value_name = "FILE", requires = "in_process")]
    pub(crate) database: Option<PathBuf>,
    /// The fulfillment tag (`fulfillmentInfo.tag`).
    #[arg(long, value_name = "TAG", required_unless_present_any = ["file", "no_tag"])]
    pub(crate) tag: Option<String>,
    /// Send no tag, as Dialogflow does for a fulfillment without one (and drop the tag of a
    /// --file request).
    #[arg(long, conflicts_with = "tag")]
    pub(crate) no_tag: bool,
    /// The `detectIntentResponseId`: give a turn's ID again to repeat that turn, as
    /// Dialogflow does when it retries; a fresh one by default.
    #[arg(long, value_name = "ID")]
    pub(crate) response_id: Option<String>,
    /// A session parameter, KEY=VALUE; VALUE is JSON when it parses as JSON, else a string.
    #[arg(short = 'p', long = "param", value_name = "KEY=VALUE")]
    pub(crate) params: Vec<Param>,
    /// What the user typed (the `text` query).
    #[arg(long, value_name = "TEXT")]
    pub(crate) text: Option<String>,
    /// An event the caller triggered (the `triggerEvent` query).
    #[arg(long, value_name = "EVENT")]
    pub(crate) event: Option<String>,
    /// Keypad digits the caller pressed (the `dtmfDigits` query).
    #[arg(long, value_name = "DIGITS")]
    pub(crate) dtmf: Option<String>,
    /// The session ID, or a whole session name `projects/…/sessions/…`; a fresh one by default.
    #[arg(long, value_name = "ID")]
    pub(crate) session: Option<String>,
    /// The language code of the query [default: en].
    #[arg(long, value_name = "CODE")]
    pub(crate) lang: Option<String>,
    /// The current page, by display name: a page of the current flow.
    #[arg(long, value_name = "NAME")]
    pub(crate) page: Option<String>,
    /// A form parameter on the current page, NAME:STATE[:VALUE]; STATE is EMPTY, INVALID or
    /// FILLED, VALUE is JSON when it parses as JSON, else a string; may be given more than once.
    #[arg(long = "form", value_name = "NAME:STATE[:VALUE]")]
    pub(crate) form: Vec<FormParam>,
    /// Send this request JSON instead of building one (`-` reads standard input); the other
    /// request flags still override what is in it.
    #[arg(long, value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
    /// Print the answer's body as it came instead of reading it out: the body alone on
    /// stdout, the status line on stderr.
    #[arg(long)]
    pub(crate) json: bool,
    /// How the call reaches the webhook.
    #[command(flatten)]
    pub(crate) target: TargetArgs,
}

/// What an in-process webhook is built from, for the subcommands that can run one.
macro_rules! local {
    ($($args:ty),*) => {$(
        impl $args {
            /// The `--config` and `--database` flags.
            pub(crate) fn local(&self) -> Local<'_> {
                Local {
                    config: self.config.as_deref(),
                    database: self.database.as_deref(),
                }
            }
        }
    )*};
}

local!(SendArgs, ReplayArgs, ScenarioArgs);

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn send_needs_a_tag_unless_a_file_is_given() {
        let parse = |args: &[&str]| Cli::try_parse_from(args);
        let url = "http://127.0.0.1:1/webhook";
        assert!(parse(&["cxhook", "send", url]).is_err());
        assert!(parse(&["cxhook", "send", url, "--tag", "t"]).is_ok());
        assert!(parse(&["cxhook", "send", url, "--file", "-"]).is_ok());
        assert!(parse(&["cxhook", "send", url, "--file", "-", "--text", "hi"]).is_ok());
        assert!(parse(&["cxhook", "send", url, "--no-tag"]).is_ok());
        assert!(parse(&["cxhook", "send", url, "--no-tag", "--tag", "t"]).is_err());
    }

    #[test]
    fn send_takes_one_query_kind_and_one_target() {
        let parse = |args: &[&str]| Cli::try_parse_from(args);
        let url = "http://127.0.0.1:1/webhook";
        let with = |extra: &[&str]| {
            let mut all = vec!["cxhook", "send", url, "--tag", "t"];
            all.extend_from_slice(extra);
            parse(&all)
        };
        assert!(with(&["--event", "e"]).is_ok());
        assert!(with(&["--dtmf", "12#"]).is_ok());
        assert!(with(&["--text", "hi", "--event", "e"]).is_err());
        assert!(with(&["--event", "e", "--dtmf", "1"]).is_err());
        assert!(with(&["--in-process"]).is_err());
        assert!(parse(&["cxhook", "send", "--tag", "t"]).is_err());
        assert!(parse(&["cxhook", "send", "--tag", "t", "--in-process"]).is_ok());
        assert!(parse(&["cxhook", "send", "--tag", "t", "--config", "c.toml"]).is_err());
    }
}
