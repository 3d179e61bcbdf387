//! The harness of the scale proof: replicas of `cxhook serve` on one database, a client that
//! calls them all at once and sorts their answers, the database read directly, and a
//! Postgres cluster of a test's own that it can stop and start again.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde_json::{Value, json};

use crate::postgres::block_on;
use crate::support::{PATIENCE, Server, get, request};

/// The variable the replicas read the database password from.
const PASSWORD_VAR: &str = "SCALE_POSTGRES_PASSWORD";

/// The agent's webhook timeout, the default `deadline.timeout_ms`: a client waits no longer.
pub(crate) const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(5);

/// What the booking tags say when the database cannot be reached in time.
pub(crate) const UNAVAILABLE: &str =
    "Sorry, I can't reach the booking system right now. Please try again in a moment.";

/// How many appointments a day has: every day is open 08:00–20:00 on a 30-minute grid.
const SLOTS_A_DAY: usize = 24;

/// The replicas' one configuration file: the booking tags only, on `database`, every day open
/// 08:00–20:00 UTC. The query timeout is twice the default, so that a machine busy with
/// other tests does not turn a slow turn into an error; the deadline is the default.
fn configuration(database: &str) -> String {
    let days = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let hours: String = days
        .iter()
        .map(|day| format!("{day} = \"08:00-20:00\"\n"))
        .collect();
    format!(
        "[accounts]\nenabled = false\n\n[weather]\nenabled = false\n\n\
         [booking]\ndatabase = \"{database}\"\nquery_timeout_ms = 2000\ntime_zone = \"UTC\"\n\n\
         [booking.hours]\n{hours}\n\
         [booking.postgres]\npassword_env = \"{PASSWORD_VAR}\"\n"
    )
}

/// `cxhook serve` replicas on one database, started from one configuration file; each is
/// killed (SIGKILL) when this is dropped.
pub(crate) struct Replicas {
    servers: Vec<Option<Server>>,
    addrs: Vec<SocketAddr>,
    config: PathBuf,
    password: String,
    _dir: tempfile::TempDir,
}

impl Replicas {
    /// Starts `count` replicas on `database` (a URL without the password) and waits until
    /// each says it is ready.
    pub(crate) fn start(count: usize, database: &str, password: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("cxhook.toml");
        std::fs::write(&config, configuration(database)).unwrap();
        let mut replicas = Self {
            servers: Vec::new(),
            addrs: Vec::new(),
            config,
            password: password.to_owned(),
            _dir: dir,
        };
        for _ in 0..count {
            let server = replicas.spawn("127.0.0.1:0");
            replicas.addrs.push(server.addr);
            replicas.servers.push(Some(server));
        }
        for replica in 0..count {
            replicas.wait_until_ready(replica);
        }
        replicas
    }

    fn spawn(&self, addr: &str) -> Server {
        let config = self.config.to_str().unwrap();
        Server::start(
            &["--config", config, "--addr", addr],
            &[(PASSWORD_VAR, self.password.as_str())],
        )
    }

    /// How many replicas there are.
    pub(crate) fn len(&self) -> usize {
        self.addrs.len()
    }

    /// The URL of `path` on `replica`.
    pub(crate) fn url(&self, replica: usize, path: &str) -> String {
        format!("http://{}{path}", self.addrs[replica])
    }

    /// `/readyz`'s status on `replica`.
    pub(crate) fn readyz(&self, replica: usize) -> u16 {
        get(&self.url(replica, "/readyz")).status
    }

    /// Waits until `replica`'s `/readyz` says 200.
    pub(crate) fn wait_until_ready(&self, replica: usize) {
        let started = Instant::now();
        while self.readyz(replica) != 200 {
            assert!(
                started.elapsed() < PATIENCE,
                "replica {replica} is not ready after {PATIENCE:?}; it says: {}",
                self.stderr(replica)
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills `replica` with SIGKILL (what dropping a [`Server`] does), as a platform kills
    /// an instance it gave up on: no drain, no rollback of its own.
    pub(crate) fn kill(&mut self, replica: usize) {
        drop(self.servers[replica].take());
    }

    /// Starts `replica` again on its address, from the same configuration, and waits until
    /// it is ready.
    pub(crate) fn restart(&mut self, replica: usize) {
        let server = self.spawn(&self.addrs[replica].to_string());
        self.servers[replica] = Some(server);
        self.wait_until_ready(replica);
    }

    /// What `replica` has written to stderr (nothing once it was killed).
    pub(crate) fn stderr(&self, replica: usize) -> String {
        self.servers[replica]
            .as_ref()
            .map(Server::stderr)
            .unwrap_or_default()
    }

    /// The warnings and errors the replicas logged, for a failure's message: the first few
    /// of each.
    pub(crate) fn problems(&self) -> String {
        (0..self.len())
            .map(|replica| {
                let stderr = self.stderr(replica);
                let lines: Vec<&str> = stderr
                    .lines()
                    .filter(|line| line.contains("\"WARNING\"") || line.contains("\"ERROR\""))
                    .take(5)
                    .collect();
                format!("replica {replica}: {lines:?}")
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Fills every replica's connection pool, as a replica in service has it, so that a race
    /// measures the race rather than connection set-up: `booking.validate` calls, which read
    /// the slot's claims, twice the pool's size at once on each. Cold, with four busy loops
    /// on the machine's two cores, one run in five answered 18 of the 60 racing calls with
    /// the fallback text after the 2 s query timeout: four connections opened at once, each
    /// deriving its SCRAM key in the test build's unoptimized code on the runtime's threads.
    pub(crate) fn warm_up(&self) {
        let runtime = runtime();
        let client = client();
        let handles: Vec<_> = (0..self.len())
            .flat_map(|replica| std::iter::repeat_n(replica, 10))
            .map(|replica| {
                let url = self.url(replica, "/webhook");
                let client = client.clone();
                let mut body = create_call("warm-up", "warm-up", 0);
                body["fulfillmentInfo"]["tag"] = "booking.validate".into();
                runtime.spawn(async move { call(&client, &url, &body).await })
            })
            .collect();
        for handle in handles {
            let answer = runtime.block_on(handle).unwrap();
            assert!(
                answer.body["fulfillmentResponse"].is_object(),
                "a warm-up call failed: {answer:?}; {}",
                self.problems()
            );
        }
    }
}

/// The first day of the appointments the tests book: a week ahead, taken once per run so
/// that a test crossing midnight keeps its slots.
fn first_day() -> Date {
    static FIRST: OnceLock<Date> = OnceLock::new();
    *FIRST.get_or_init(|| {
        Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .checked_add(jiff::Span::new().days(7))
            .unwrap()
    })
}

/// The day and time of appointment number `slot`: 24 a day from [`first_day`].
fn slot_at(slot: usize) -> (Date, Time) {
    let days = i64::try_from(slot / SLOTS_A_DAY).unwrap();
    let day = first_day()
        .checked_add(jiff::Span::new().days(days))
        .unwrap();
    let minutes = 8 * 60 + 30 * (slot % SLOTS_A_DAY);
    let time = Time::new(
        i8::try_from(minutes / 60).unwrap(),
        i8::try_from(minutes % 60).unwrap(),
        0,
        0,
    )
    .unwrap();
    (day, time)
}

/// When appointment number `slot` starts, as the database stores it (`starts_at`).
pub(crate) fn slot_start(slot: usize) -> String {
    let (day, time) = slot_at(slot);
    day.to_datetime(time)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
        .to_string()
}

/// A `booking.create` call of `session`'s turn `turn` for a haircut at appointment number
/// `slot`.
pub(crate) fn create_call(session: &str, turn: &str, slot: usize) -> Value {
    let (day, time) = slot_at(slot);
    let mut call = request("booking.create");
    call["detectIntentResponseId"] = turn.into();
    call["sessionInfo"]["session"] =
        format!("projects/p/locations/global/agents/a/sessions/{session}").into();
    call["sessionInfo"]["parameters"] = json!({
        "service": "haircut",
        "date": {"year": day.year(), "month": day.month(), "day": day.day()},
        "time": {"hours": time.hour(), "minutes": time.minute(), "seconds": 0},
    });
    call
}

/// How a call ended, from its caller's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Booked, with this confirmation number.
    Booked(String),
    /// Refused: the slot is someone else's.
    Taken,
    /// The booking tags' fallback: the database could not be reached in time.
    Unavailable,
    /// The deadline's fallback: the call ran out of time.
    Late,
    /// Any other answer: its status and body.
    Other(String),
    /// No answer within the webhook timeout: the connection failed or it took too long.
    Lost(String),
}

impl Outcome {
    /// Whether it is one of the fallback texts.
    pub(crate) fn is_fallback(&self) -> bool {
        matches!(self, Self::Unavailable | Self::Late)
    }
}

/// A call's outcome, its answer and when it was sent and answered.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) outcome: Outcome,
    pub(crate) body: Value,
    pub(crate) sent: Instant,
    pub(crate) answered: Instant,
}

/// An HTTP client as Dialogflow is one: it waits the webhook timeout for an answer.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(WEBHOOK_TIMEOUT)
        .build()
        .unwrap()
}

/// A runtime for the client's concurrent calls.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Posts `body` to `url` and sorts the answer.
pub(crate) async fn call(client: &reqwest::Client, url: &str, body: &Value) -> Answer {
    let sent = Instant::now();
    let (outcome, body) = match client.post(url).json(body).send().await {
        Err(error) => (Outcome::Lost(error.to_string()), Value::Null),
        Ok(response) => {
            let status = response.status().as_u16();
            match response.text().await {
                Err(error) => (Outcome::Lost(error.to_string()), Value::Null),
                Ok(text) => {
                    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    (sort(status, &text, &body), body)
                }
            }
        }
    };
    Answer {
        outcome,
        body,
        sent,
        answered: Instant::now(),
    }
}

fn sort(status: u16, text: &str, body: &Value) -> Outcome {
    let said = body["fulfillmentResponse"]["messages"][0]["text"]["text"][0]
        .as_str()
        .unwrap_or_default();
    let confirmation = body["sessionInfo"]["parameters"]["confirmation_id"].as_str();
    match (status, confirmation) {
        (200, Some(number)) if said.starts_with("You're booked") => {
            Outcome::Booked(number.to_owned())
        }
        (200, None) if said.contains("taken") => Outcome::Taken,
        (200, None) if said == UNAVAILABLE => Outcome::Unavailable,
        (200, None) if said == cxhook::middleware::deadline::DEFAULT_DEADLINE_TEXT => Outcome::Late,
        _ => Outcome::Other(format!("{status} {text}")),
    }
}

/// Writes a test's counts to stderr, past the test harness's capture (which takes only what
/// `print!` and `eprint!` write), so that CI's log shows them for a passing test too.
pub(crate) fn report(summary: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "scale: {summary}");
}

/// Counts of outcomes, for messages: `booked 1, taken 59, …`.
pub(crate) fn tally<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> String {
    let mut counts = [0usize; 6];
    for outcome in outcomes {
        let index = match outcome {
            Outcome::Booked(_) => 0,
            Outcome::Taken => 1,
            Outcome::Unavailable => 2,
            Outcome::Late => 3,
            Outcome::Other(_) => 4,
            Outcome::Lost(_) => 5,
        };
        counts[index] += 1;
    }
    let names = ["booked", "taken", "unavailable", "late", "other", "lost"];
    names
        .iter()
        .zip(counts)
        .map(|(name, count)| format!("{name} {count}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The database, read directly.
pub(crate) struct Db {
    config: tokio_postgres::Config,
}

impl Db {
    /// The database at `url` (without the password), with `password`.
    pub(crate) fn new(url: &str, password: &str) -> Self {
        let mut config: tokio_postgres::Config = url.parse().unwrap();
        if !password.is_empty() {
            config.password(password);
        }
        Self { config }
    }

    /// The rows `sql` gives.
    pub(crate) fn query(&self, sql: &str) -> Vec<tokio_postgres::Row> {
        block_on(async {
            let (client, connection) = self.config.connect(tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            client.query(sql, &[]).await
        })
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The number `sql` counts.
    pub(crate) fn count(&self, sql: &str) -> i64 {
        self.query(sql)[0].get(0)
    }
}

/// A Postgres cluster of a test's own (`scripts/postgres.sh`), removed when dropped.
pub(crate) struct Cluster {
    /// Its `postgres` database's URL, without the password.
    pub(crate) url: String,
    /// The password.
    pub(crate) password: String,
    dir: tempfile::TempDir,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/postgres.sh")
}

impl Cluster {
    /// Makes and starts a cluster. `None` (after saying so) where it cannot be made, unless
    /// in CI, where that fails the test.
    pub(crate) fn start(test: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let started = Command::new("bash")
            .arg(script())
            .arg("start")
            .arg(dir.path())
            .output()
            .unwrap();
        if !started.status.success() {
            let why = String::from_utf8_lossy(&started.stderr).into_owned();
            if std::env::var("CI").is_ok_and(|ci| ci == "true") {
                panic!("CI must be able to start a Postgres cluster: {why}");
            }
            eprintln!(
                "SKIPPED {test}: cannot start a Postgres cluster of its own ({}). It needs \
                 initdb, pg_ctl and postgres (PostgreSQL 15 or later) on PATH",
                why.trim()
            );
            return None;
        }
        let exports = String::from_utf8(started.stdout).unwrap();
        let value = |name: &str| {
            exports
                .lines()
                .find_map(|line| line.strip_prefix(&format!("export {name}=")))
                .unwrap_or_else(|| panic!("postgres.sh printed no {name}"))
                .to_owned()
        };
        Some(Self {
            url: value("TEST_POSTGRES_URL"),
            password: value("TEST_POSTGRES_PASSWORD"),
            dir,
        })
    }

    fn run(&self, action: &str) {
        let status = Command::new("bash")
            .arg(script())
            .arg(action)
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "postgres.sh {action} failed: {status:?}");
    }

    /// Stops the server as an outage does: sessions ended, transactions rolled back.
    pub(crate) fn down(&self) {
        self.run("down");
    }

    /// Starts the server again, on the same port with the same data.
    pub(crate) fn up(&self) {
        self.run("up");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}
