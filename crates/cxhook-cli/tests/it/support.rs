//! Running the binary, a server made of it, stub webhooks, and HTTP calls.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long anything in these tests may take before it counts as hung.
pub(crate) const PATIENCE: Duration = Duration::from_secs(20);

/// The binary, with none of the test environment's `CXHOOK_*`, `PORT` or `RUST_LOG`.
pub(crate) fn cxhook() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cxhook"));
    without_test_env(&mut command);
    command
}

/// Keeps the test environment's `CXHOOK_*`, `PORT` and `RUST_LOG` from `command`.
fn without_test_env(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CXHOOK_") || name == "PORT" || name == "RUST_LOG" {
            command.env_remove(name.as_ref());
        }
    }
}

/// What a finished run printed, and how it ended.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Asserts that the command ended as an error does, with exit code 2 (usage,
    /// configuration, IO and network errors) and `message` among what it wrote to stderr.
    pub(crate) fn assert_error(&self, message: &str) {
        assert_eq!(self.code, Some(2), "{self:?}");
        assert!(self.stderr.contains(message), "no {message:?} in {self:?}");
    }
}

/// Runs `command` to its end, feeding it `stdin`; kills it and fails when it takes longer
/// than [`PATIENCE`].
pub(crate) fn run(mut command: Command, stdin: &str) -> Run {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_owned();
    let feeder = thread::spawn(move || std::io::Write::write_all(&mut input, stdin.as_bytes()));
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    let status = wait(&mut child, PATIENCE)
        .unwrap_or_else(|| panic!("{command:?} did not finish within {PATIENCE:?}"));
    let _ = feeder.join();
    Run {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Runs `cxhook ARGS…` with no input.
pub(crate) fn cxhook_run(args: &[&str]) -> Run {
    let mut command = cxhook();
    command.args(args);
    run(command, "")
}

fn collect(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// Waits for `child` to exit, polling; `None` (and the child killed) after `limit`.
fn wait(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// A loopback port that was free a moment ago.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `cxhook serve`, in a fresh working directory; killed when dropped.
pub(crate) struct Server {
    child: Child,
    /// The address from the listening line.
    pub(crate) addr: SocketAddr,
    /// The tags it serves, as the human announcement says them: `tags: a, b`.
    pub(crate) tags: String,
    /// The lines it announced itself with on stdout: two lines for people, or one JSON line
    /// in JSON mode.
    pub(crate) announced: Vec<String>,
    stdout: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<thread::JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

/// What a server that has stopped printed and how it ended.
#[derive(Debug)]
pub(crate) struct Stopped {
    pub(crate) status: ExitStatus,
    /// Every line on stdout, the announcement included.
    pub(crate) stdout: Vec<String>,
    pub(crate) stderr: String,
}

impl Server {
    /// Starts `cxhook serve ARGS…` with these environment variables and waits for it to say
    /// where it listens.
    pub(crate) fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut server = Self::start_in(dir.path(), args, env);
        server._dir = Some(dir);
        server
    }

    /// Starts `cxhook serve ARGS…` in the working directory `dir`.
    pub(crate) fn start_in(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = cxhook();
        command.arg("serve").args(args);
        Self::spawn_in(command, dir, env)
    }

    /// Starts `cxhook serve ARGS…` with its soft and hard file-handle limits set to `files`
    /// (by the shell's `ulimit`, before it runs the binary).
    pub(crate) fn start_with_file_limit(files: u64, args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut shell = Command::new("sh");
        without_test_env(&mut shell);
        shell
            .arg("-c")
            .arg(format!("ulimit -n {files} && exec \"$0\" serve \"$@\""))
            .arg(env!("CARGO_BIN_EXE_cxhook"))
            .args(args);
        let mut server = Self::spawn_in(shell, dir.path(), &[]);
        server._dir = Some(dir);
        server
    }

    /// Runs `command` in `dir` with these environment variables added.
    fn spawn_in(mut command: Command, dir: &std::path::Path, env: &[(&str, &str)]) -> Self {
        command.envs(env.iter().copied()).current_dir(dir);
        Self::spawn(command)
    }

    /// Runs `command`, a `cxhook serve` however started, and waits for it to say where it
    /// listens.
    pub(crate) fn spawn(mut command: Command) -> Self {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
        let lines = lines(child.stdout.take().unwrap());
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        let stderr_reader = thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buffer) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut next = || {
            lines.recv_timeout(PATIENCE).unwrap_or_else(|_| {
                let _ = child.kill();
                panic!("serve said nothing; stderr: {}", stderr.lock().unwrap())
            })
        };
        let listening = next();
        let (addr, tags, announced) = match serde_json::from_str::<Value>(&listening) {
            Ok(line) => {
                let addr = line["addr"].as_str().unwrap_or_else(|| {
                    panic!("not a listening line: {listening}");
                });
                let tags: Vec<&str> = line["tags"]
                    .as_array()
                    .unwrap_or_else(|| panic!("no tags: {listening}"))
                    .iter()
                    .map(|tag| tag.as_str().unwrap())
                    .collect();
                let tags = match tags.as_slice() {
                    [] => "(none)".to_owned(),
                    tags => tags.join(", "),
                };
                (
                    addr.parse().unwrap(),
                    format!("tags: {tags}"),
                    vec![listening],
                )
            }
            Err(_) => {
                let tags = next();
                let addr = listening
                    .strip_prefix("cxhook listening on http://")
                    .and_then(|rest| rest.strip_suffix("/webhook"))
                    .unwrap_or_else(|| panic!("not a listening line: {listening}"))
                    .parse()
                    .unwrap();
                (addr, tags.clone(), vec![listening, tags])
            }
        };
        Self {
            child,
            addr,
            tags,
            announced,
            stdout: lines,
            stderr,
            stderr_reader: Some(stderr_reader),
            _dir: None,
        }
    }

    /// Sends SIGTERM, waits for the exit, and gives all the server printed.
    pub(crate) fn stop(mut self) -> Stopped {
        self.sigterm();
        let status = wait(&mut self.child, PATIENCE)
            .unwrap_or_else(|| panic!("serve did not stop on SIGTERM"));
        let mut stdout = std::mem::take(&mut self.announced);
        while let Ok(line) = self.stdout.recv_timeout(PATIENCE) {
            stdout.push(line);
        }
        if let Some(reader) = self.stderr_reader.take() {
            reader.join().unwrap();
        }
        let stderr = self.stderr.lock().unwrap().clone();
        Stopped {
            status,
            stdout,
            stderr,
        }
    }

    /// The URL of `path` on this server, over loopback.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.addr.port())
    }

    /// What the server has written to stderr so far.
    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits for the exit; gives how it ended and how long that took.
    pub(crate) fn terminate(self) -> (ExitStatus, Duration) {
        let started = Instant::now();
        self.sigterm();
        (self.wait_exit(), started.elapsed())
    }

    /// Sends SIGTERM without waiting.
    pub(crate) fn sigterm(&self) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
    }

    /// The process's peak resident memory so far, in KiB (Linux: `VmHWM`).
    pub(crate) fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().strip_suffix("kB"))
            .and_then(|kib| kib.trim().parse().ok())
            .unwrap_or_else(|| panic!("no VmHWM in {status}"))
    }

    /// Whether the process is still running.
    pub(crate) fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits for the process to exit.
    pub(crate) fn wait_exit(mut self) -> ExitStatus {
        wait(&mut self.child, PATIENCE).unwrap_or_else(|| {
            panic!(
                "serve did not stop on SIGTERM; stderr: {}",
                self.stderr.lock().unwrap()
            )
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// `GET url`.
pub(crate) fn get(url: &str) -> Answer {
    call(reqwest::Client::new().get(url))
}

/// `POST url` with a JSON body.
pub(crate) fn post(url: &str, body: &Value) -> Answer {
    post_with(url, body, &[])
}

/// `POST url` with a JSON body and these headers.
pub(crate) fn post_with(url: &str, body: &Value, headers: &[(&str, &str)]) -> Answer {
    let mut request = reqwest::Client::new().post(url).json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    call(request)
}

fn call(request: reqwest::RequestBuilder) -> Answer {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let response = request.timeout(PATIENCE).send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.text().await.unwrap();
        Answer {
            status,
            content_type,
            body,
        }
    })
}

/// A webhook request as Dialogflow sends it, for `tag`.
pub(crate) fn request(tag: &str) -> Value {
    serde_json::json!({
        "detectIntentResponseId": "d6b2a7c4-9f7e-4f0e-9a55-3c3f1f0b7a11",
        "fulfillmentInfo": {"tag": tag},
        "sessionInfo": {
            "session": "projects/p/locations/global/agents/a/sessions/s-1",
            "parameters": {"name": "Ada"}
        },
        "text": "hello",
        "languageCode": "en"
    })
}

/// A request fixture of the project's test data.
pub(crate) fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/fixtures")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

/// Writes a response we emitted where the contract test reads them, when it asks.
pub(crate) fn keep_for_contract(response: &Value) {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    if let Some(dir) = std::env::var_os("CX_CONTRACT_DIR") {
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let name = format!("cxhook-cli-{}-{n}.json", std::process::id());
        std::fs::write(Path::new(&dir).join(name), response.to_string()).unwrap();
    }
}

/// A webhook stub on a loopback port, serving `app` on its own thread until dropped.
pub(crate) struct Stub {
    pub(crate) url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Stub {
    pub(crate) fn start(app: axum::Router) -> Self {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, address) = mpsc::channel();
        thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                ready.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let addr: SocketAddr = address.recv_timeout(PATIENCE).unwrap();
        Self {
            url: format!("http://{addr}/webhook"),
            stop: Some(stop),
        }
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A call in flight: its headers and the first half of its body sent to `port` on loopback.
pub(crate) struct HalfSent {
    stream: std::net::TcpStream,
    rest: Vec<u8>,
}

impl HalfSent {
    /// Sends the headers of `POST /webhook` with `body` and the first half of the body.
    pub(crate) fn start(port: u16, body: &[u8]) -> Self {
        Self::start_with(port, body, &[])
    }

    /// [`HalfSent::start`], with these headers too.
    pub(crate) fn start_with(port: u16, body: &[u8], headers: &[(&str, &str)]) -> Self {
        use std::io::Write;
        let (first, rest) = body.split_at(body.len() / 2);
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let extra: String = headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        write!(
            stream,
            "POST /webhook HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        stream.write_all(first).unwrap();
        stream.flush().unwrap();
        thread::sleep(Duration::from_millis(100));
        Self {
            stream,
            rest: rest.to_vec(),
        }
    }

    /// Sends the rest of the body and reads the whole answer.
    pub(crate) fn finish(mut self) -> String {
        use std::io::Write;
        self.stream.write_all(&self.rest).unwrap();
        let mut answer = String::new();
        self.stream.read_to_string(&mut answer).unwrap();
        answer
    }
}

/// The command among `lines` that starts with `start`, its continuation lines (ending in `\`)
/// joined.
pub(crate) fn command_line<'a>(lines: impl IntoIterator<Item = &'a str>, start: &str) -> String {
    let mut command = String::new();
    for line in lines.into_iter().map(str::trim) {
        if command.is_empty() && !line.starts_with(start) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(part) => command.push_str(part),
            None => {
                command.push_str(line);
                break;
            }
        }
    }
    assert!(!command.is_empty(), "no command starts with {start}");
    command
}

/// Splits a command line into words as a shell does with quotes; it has no expansions.
pub(crate) fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(quote.is_none(), "unclosed quote in {line}");
    words.extend(word);
    words
}
