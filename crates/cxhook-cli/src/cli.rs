//! The command line as typed: clap's view of the flags, before any configuration is resolved.
//!
//! Every flag type of every command is here, so that the commands depend on this module and
//! it depends on none of them. The types of the values some flags take (a JSON path, a
//! session or form parameter) live in leaf modules, `json_path` and `request`, which import
//! no other module of the crate.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{ArgGroup, Args, Parser, Subcommand};
use cxhook::middleware::auth::Secret;
use http::{HeaderName, HeaderValue};

use crate::json_path::JsonPath;
use crate::named::{GeneratorText, WebhookUrl};
use crate::request::{FormParam, Param};

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
    /// in-process from the configuration) and check each reply; a scenario that names an
    /// exported `agent:` gives only what the user does, and the agent decides the rest.
    Scenario(Box<ScenarioArgs>),
    /// Send the calls `serve --record` recorded again (to a URL, or in-process from the
    /// configuration) and compare each reply with the recorded one.
    Replay(Box<ReplayArgs>),
    /// Apply the embedded database migrations of the configured stores (accounts, booking)
    /// and say what was applied, without serving: a release job before instances that do
    /// not migrate (`--no-migrate`, `postgres.migrate = false`) start.
    Migrate(MigrateArgs),
    /// Work on the databases: copy the embedded SQLite database to Postgres.
    #[command(subcommand)]
    Db(DbCommand),
    /// Run an exported Dialogflow CX agent offline, with its webhooks.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Work on the message catalogs the replies are said from: write the shipped ones as a
    /// starting point for `[messages] dir`.
    #[command(subcommand)]
    Messages(MessagesCommand),
    /// Show or erase what `[memory]` remembers about a user, for support and data-access
    /// requests.
    #[command(subcommand)]
    Memory(MemoryCommand),
}

/// The subcommands of `cxhook memory`.
#[derive(Debug, Subcommand)]
pub(crate) enum MemoryCommand {
    /// Print every fact remembered about the user, as JSON: each fact's value and when it
    /// was last written.
    Show(MemoryUserArgs),
    /// Erase everything remembered about the user, and say how many facts went.
    Forget(MemoryUserArgs),
}

/// The flags of `cxhook memory show` and `cxhook memory forget`.
#[derive(Debug, Args)]
pub(crate) struct MemoryUserArgs {
    /// The user, as the agent knows them: the user ID or the phone number that identified
    /// them (keyed with the configured secret to find their facts).
    #[arg(long, value_name = "ID")]
    pub(crate) user: String,
    /// A TOML file whose keys override the embedded defaults.
    #[arg(long, value_name = "FILE", env = "CXHOOK_CONFIG")]
    pub(crate) config: Option<PathBuf>,
}

/// The subcommands of `cxhook messages`.
#[derive(Debug, Subcommand)]
pub(crate) enum MessagesCommand {
    /// Write the shipped message catalogs (en.ftl, de.ftl, fr.ftl, es.ftl) to DIR, creating
    /// it when missing: the files `[messages] dir` reads, to reword messages in (a message
    /// left as shipped may also be deleted) or to copy to another language's file (it.ftl).
    /// Refuses, writing nothing, when one of the files is already there, unless --force.
    Export(MessagesExportArgs),
}

/// The flags of `cxhook messages export`.
#[derive(Debug, Args)]
pub(crate) struct MessagesExportArgs {
    /// The directory the catalogs are written to.
    #[arg(value_name = "DIR")]
    pub(crate) dir: PathBuf,
    /// Overwrite catalog files already in DIR.
    #[arg(long)]
    pub(crate) force: bool,
}

/// The subcommands of `cxhook agent`.
#[derive(Debug, Subcommand)]
pub(crate) enum AgentCommand {
    /// Talk to an exported agent in the terminal, a line a turn.
    ///
    /// Each line is what the user says (or a command: /event NAME, /dtmf DIGITS, /intent
    /// NAME, /params, /set NAME=VALUE, /restart, /quit, /help), and each turn shows the agent's messages, its webhook calls (webhook,
    /// tag, status, latency), the parameters that changed and the page it is on. Piped input
    /// is read a line a turn. Standard webhooks not named by --webhook are answered in-process
    /// by the webhook `cxhook serve` would run, for the tags it serves.
    Chat(Box<ChatArgs>),
    /// Run the agent's own test cases (testCases/*.json) offline and compare each turn with
    /// the recording.
    ///
    /// Each turn's input (text, event, DTMF, language, injected parameters) runs through the
    /// agent from where the case's testConfig starts, and the intent, page, flow, tracked
    /// session parameters and text responses are compared as CX compares them. A line per
    /// case (ok or FAILED, each difference with the turn, the field, what was expected and
    /// what came), then `N passed, N failed`. Exit 1 when a case failed, 2 when the agent or
    /// its test cases cannot be read. Webhooks as for `agent chat`; a turn recorded with
    /// isWebhookEnabled false (or without it) calls none.
    Test(Box<TestArgs>),
    /// Turn the agent's test cases into agent-driven scenario files, one per case.
    ///
    /// Each file names the agent, gives each turn's input and parameters, and expects what
    /// the recording holds (intent, page, flow, compared parameters, texts), so `cxhook
    /// scenario` plays it as `agent test` runs the case.
    ImportTests(ImportTestsArgs),
    /// Check an exported agent and the configured webhook against each other, before
    /// anything runs: tags the webhook does not serve (or the agent never calls), webhook
    /// calls with no webhook.error handler, webhook timeouts below the webhook's deadline,
    /// pages nothing reaches, parameters a tag needs that nothing sets, and what the loader
    /// refuses. Exit 0 clean, 1 with findings, 2 when the agent does not load.
    Lint(LintArgs),
    /// Play agent-driven scenarios of an exported agent and report which of its pages,
    /// routes, event handlers and webhook tags they exercised, uncovered ones listed, as a
    /// table or --json. The scenarios' own lines go to stderr. Exit 1 when a scenario failed.
    Coverage(Box<CoverageArgs>),
}

/// The flags of `cxhook agent coverage`.
#[derive(Debug, Args)]
pub(crate) struct CoverageArgs {
    /// The exported agent the scenarios name.
    #[arg(value_name = "AGENT")]
    pub(crate) agent: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// The scenarios, and how they are played (as `cxhook scenario`).
    #[command(flatten)]
    pub(crate) scenarios: ScenarioArgs,
}

/// The flags of `cxhook agent test`.
#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// The exported agent: its JSON package directory, or a .zip of it.
    #[arg(value_name = "AGENT")]
    pub(crate) agent: PathBuf,
    /// Run only the test cases with these display names (all when none is given).
    #[arg(value_name = "CASE")]
    pub(crate) cases: Vec<String>,
    /// Write the results as JUnit XML to FILE, for CI systems.
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<PathBuf>,
    /// Write which pages, routes, event handlers and webhook tags the test cases exercised,
    /// uncovered ones listed, to FILE (JSON when FILE ends in .json, else a table).
    #[arg(long, value_name = "FILE")]
    pub(crate) coverage: Option<PathBuf>,
    /// Send the calls of the webhook with this display name to URL (any server, over HTTP,
    /// with the headers the export gives it); may be given once per webhook.
    #[arg(long = "webhook", value_name = "NAME=URL")]
    pub(crate) webhooks: Vec<WebhookUrl>,
    /// In-process: a TOML file whose keys override the embedded defaults.
    #[arg(long, value_name = "FILE", env = "CXHOOK_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// In-process: the SQLite database both integrations use (created and seeded when
    /// missing); without it, a fresh one is made for this run and removed after it, unless
    /// the configuration names one (`accounts.database`, `booking.database`).
    #[arg(long, value_name = "FILE")]
    pub(crate) database: Option<PathBuf>,
    /// The text the generator with this display name gives; may be given once per generator.
    #[arg(long = "generator", value_name = "NAME=TEXT")]
    pub(crate) generators: Vec<GeneratorText>,
}

/// The flags of `cxhook agent import-tests`.
#[derive(Debug, Args)]
pub(crate) struct ImportTestsArgs {
    /// The exported agent: its JSON package directory, or a .zip of it.
    #[arg(value_name = "AGENT")]
    pub(crate) agent: PathBuf,
    /// The directory the scenario files are written to (created when missing).
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    pub(crate) out: PathBuf,
}

/// The flags of `cxhook agent lint`.
#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// The exported agent: its JSON package directory, or a .zip of it.
    #[arg(value_name = "AGENT")]
    pub(crate) agent: PathBuf,
    /// A TOML file whose keys override the embedded defaults: the webhook the agent is
    /// checked against.
    #[arg(long, value_name = "FILE", env = "CXHOOK_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// Print the findings as one JSON document.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The flags of `cxhook agent chat`.
#[derive(Debug, Args)]
pub(crate) struct ChatArgs {
    /// The exported agent: its JSON package directory, or a .zip of it.
    #[arg(value_name = "AGENT")]
    pub(crate) agent: PathBuf,
    /// Send the calls of the webhook with this display name to URL (any server, over HTTP,
    /// with the headers the export gives it); may be given once per webhook.
    #[arg(long = "webhook", value_name = "NAME=URL")]
    pub(crate) webhooks: Vec<WebhookUrl>,
    /// In-process: a TOML file whose keys override the embedded defaults.
    #[arg(long, value_name = "FILE", env = "CXHOOK_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// In-process: the SQLite database both integrations use (created and seeded when
    /// missing); without it, a fresh one is made for this run and removed after it, unless
    /// the configuration names one (`accounts.database`, `booking.database`).
    #[arg(long, value_name = "FILE")]
    pub(crate) database: Option<PathBuf>,
    /// The language of the conversation [default: the agent's default language].
    #[arg(long, value_name = "CODE")]
    pub(crate) lang: Option<String>,
    /// A session parameter set with the first turn, KEY=VALUE; VALUE is JSON when it parses
    /// as JSON, else a string; may be given more than once.
    #[arg(short = 'p', long = "param", value_name = "KEY=VALUE")]
    pub(crate) params: Vec<Param>,
    /// The text the generator with this display name gives ($placeholders filled in); a
    /// generator without one gives `[generator NAME]`. May be given once per generator.
    #[arg(long = "generator", value_name = "NAME=TEXT")]
    pub(crate) generators: Vec<GeneratorText>,
}

/// The flags of `cxhook migrate`.
#[derive(Debug, Args)]
pub(crate) struct MigrateArgs {
    /// A TOML file whose keys override the embedded defaults.
    #[arg(long, value_name = "FILE", env = "CXHOOK_CONFIG")]
    pub(crate) config: Option<PathBuf>,
}

/// The subcommands of `cxhook db`.
#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Copy every table of a SQLite database (accounts, transactions, bookings, slot claims
    /// …) to a Postgres database, migrating it first; run again, it copies nothing twice.
    /// Each table is compared row by row after its copy, and counted on both sides.
    Copy(DbCopyArgs),
}

/// The flags of `cxhook db copy`.
#[derive(Debug, Args)]
pub(crate) struct DbCopyArgs {
    /// The SQLite database file to copy from.
    #[arg(long, value_name = "FILE")]
    pub(crate) from: PathBuf,
    /// The Postgres database to copy to: a postgres:// URL or a key/value connection
    /// string, without the password (refused when it holds one).
    #[arg(long, value_name = "URL")]
    pub(crate) to: PathBuf,
    /// The environment variable that holds the target's password.
    #[arg(long, value_name = "VAR", conflicts_with = "password_file")]
    pub(crate) password_env: Option<String>,
    /// A file that holds the target's password.
    #[arg(long, value_name = "FILE")]
    pub(crate) password_file: Option<PathBuf>,
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
    /// Agent-driven scenarios: send the calls of the agent's webhook with this display name
    /// to URL; may be given once per webhook.
    #[arg(long = "webhook", value_name = "NAME=URL")]
    pub(crate) webhooks: Vec<WebhookUrl>,
    /// Agent-driven scenarios: write which pages, routes, event handlers and webhook tags of
    /// each agent the scenarios exercised, uncovered ones listed, to FILE (JSON when FILE
    /// ends in .json, else a table).
    #[arg(long, value_name = "FILE")]
    pub(crate) coverage: Option<PathBuf>,
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
    /// Do not apply the Postgres migrations at start-up (sets `postgres.migrate = false`
    /// for every store): `cxhook migrate` applies them, and until then /readyz says which
    /// schema is behind.
    #[arg(long)]
    pub(crate) no_migrate: bool,
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

/// How a call reaches the webhook: its credentials and how long to wait. Flatten it into a
/// subcommand's flags with `#[command(flatten)]`.
#[derive(Debug, Clone, Args)]
pub(crate) struct TargetArgs {
    /// How long to wait for each whole answer: seconds, or a number with `s` or `ms`.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub(crate) timeout: Duration,
    /// Send `Authorization: Bearer TOKEN`.
    #[arg(long, value_name = "TOKEN", value_parser = parse_secret)]
    pub(crate) bearer: Option<Secret>,
    /// Send HTTP Basic auth, USER:PASS.
    #[arg(long, value_name = "USER:PASS", value_parser = parse_basic)]
    pub(crate) basic: Option<(String, Secret)>,
    /// Send this header too, 'Name: value'; may be given more than once.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
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

/// What an in-process webhook is built from: the `--config` file and the `--database` flag.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Local<'a> {
    /// The TOML file whose keys override the embedded defaults.
    pub(crate) config: Option<&'a Path>,
    /// The database both integrations use.
    pub(crate) database: Option<&'a Path>,
    /// Whether memory on the tool's own database is on, with a throwaway secret, when no
    /// secret is set (for scenarios of returning users).
    pub(crate) memory: bool,
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
                    memory: false,
                }
            }
        }
    )*};
}

local!(SendArgs, ReplayArgs, ScenarioArgs, ChatArgs, TestArgs);

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
fn parse_header(text: &str) -> Result<(HeaderName, HeaderValue), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}` is not 'Name: value'"))?;
    let name: HeaderName = name
        .trim()
        .parse()
        .map_err(|_| format!("`{}` is not a header name", name.trim()))?;
    let mut value = HeaderValue::from_str(value.trim())
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
pub(crate) mod tests {
    use clap::CommandFactory;

    use super::*;

    #[derive(Debug, Parser)]
    struct Flags {
        #[command(flatten)]
        target: TargetArgs,
    }

    /// The target flags `args` parse to, as a command that flattens them would read them.
    pub(crate) fn flags(args: &[&str]) -> Result<TargetArgs, clap::Error> {
        let all = std::iter::once("test").chain(args.iter().copied());
        Flags::try_parse_from(all).map(|f| f.target)
    }

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

    #[test]
    fn db_copy_needs_both_ends_and_one_password_source() {
        let parse = |args: &[&str]| Cli::try_parse_from(args);
        let copy = [
            "cxhook",
            "db",
            "copy",
            "--from",
            "cxhook.db",
            "--to",
            "postgres://u@h/d",
        ];
        assert!(parse(&copy).is_ok());
        assert!(parse(&copy[..5]).is_err());
        assert!(parse(&[&copy[..], &["--password-env", "PW"]].concat()).is_ok());
        let both = ["--password-env", "PW", "--password-file", "pw"];
        assert!(parse(&[&copy[..], &both].concat()).is_err());
        assert!(parse(&["cxhook", "serve", "--no-migrate"]).is_ok());
        assert!(parse(&["cxhook", "migrate", "--config", "c.toml"]).is_ok());
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
    fn bad_flags_are_refused_with_what_is_wrong() {
        let error = |args: &[&str]| flags(args).unwrap_err().to_string();
        assert!(error(&["--bearer", ""]).contains("must not be empty"));
        assert!(error(&["--basic", "nocolon"]).contains("USER:PASS"));
        assert!(error(&["-H", "no header"]).contains("is not 'Name: value'"));
        assert!(error(&["--id-token-kid", "k"]).contains("--id-token-key"));
        assert!(error(&["--timeout", "0"]).contains("longer than zero"));
    }
}
