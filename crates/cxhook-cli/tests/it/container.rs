//! The image as it ships, started the ways the deployment guides start it.
//!
//! The runtime file system is the one `deploy/container/rootfs.sh` assembles (the Dockerfile's
//! `rootfs` stage runs it), made here from the binary under test. The environment, working
//! directory, user and entrypoint are read from the runtime stage of the Dockerfile itself, so
//! a change there changes what runs here. Each test adds only what its deployment documents:
//! the variables of the Cloud Run manifest, of the Kubernetes manifest or of the Dockerfile's
//! `docker run` line, a test value for each secret they take from elsewhere, and `PORT` (a free
//! port, as Cloud Run sets it, where `docker run -p` maps one instead). One variable more, and
//! only for ID tokens: `CXHOOK_AUTH__ID_TOKEN__JWKS_URL`, which no guide sets, points Google's
//! key endpoint at a key set on 127.0.0.1. Container engines also set `PATH`, `HOSTNAME` and
//! `HOME`; cxhook reads none of them, and none is set here.
//!
//! The manifests keep their data on Postgres, here the test server (`TEST_POSTGRES_*`; the
//! tests are skipped without one, and fail in CI), in a fresh database of each test's own:
//! the Kubernetes manifest's URL is its Secret's value, and the Cloud Run manifest's Cloud
//! SQL socket is served where Cloud SQL's connector puts it,
//! `/cloudsql/PROJECT:REGION:INSTANCE/.s.PGSQL.5432`, by a socket that forwards each
//! connection to the server (its `dbname` and `user` the test database's). Such an image
//! writes nothing at all; the Dockerfile's own `docker run` line stays on the embedded SQLite
//! default, one container, its file in `/data`.
//!
//! As root (CI runs as root), the entrypoint runs as the image's user with the rootfs as its
//! root directory and the image's working directory (`unshare --root --wd --setuid --setgid`,
//! without new namespaces): the image's libraries, CA certificates and passwd, nothing of the
//! host's file system. Not as root, the closest equivalent: the rootfs's binary runs as the
//! test's user, in the rootfs's working directory, on the host's libraries.
//!
//! Cloud Run's contract holds too: listen on `$PORT`, write nothing outside `/data`, and on
//! SIGTERM finish the call in flight and exit well within 10 s. The guide's `gcloud run
//! deploy` sets the same variables, secret, Cloud SQL instance and instance limit as the Cloud
//! Run manifest, no manifest runs more than one instance on SQLite, the Cloud Run instances'
//! pools stay under Cloud SQL's connection limit, and the READMEs quote the sizes
//! `build-local.sh` measured last.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::postgres::{Fresh, fresh_database};
use crate::support::{
    HalfSent, PATIENCE, Server, Stub, command_line, free_port, post_with, request, shell_words,
};

/// The repository's root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What the Dockerfile's runtime stage says the container runs.
#[derive(Debug)]
struct Stage {
    env: Vec<(String, String)>,
    workdir: String,
    user: (u32, u32),
    entrypoint: Vec<String>,
}

/// The Dockerfile's instructions, each with its arguments, continuation lines joined and
/// comments left out.
fn instructions(dockerfile: &str) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let mut pending = String::new();
    for line in dockerfile.lines() {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && pending.is_empty()) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(part) => pending.push_str(part),
            None => {
                pending.push_str(line);
                let (name, args) = pending.trim().split_once(char::is_whitespace).unwrap();
                all.push((name.to_ascii_uppercase(), args.trim().to_owned()));
                pending.clear();
            }
        }
    }
    all
}

/// The runtime stage of the Dockerfile.
fn runtime_stage() -> Stage {
    let all = instructions(&read("Dockerfile"));
    let start = all
        .iter()
        .position(|(name, args)| {
            name == "FROM" && args.to_ascii_lowercase().ends_with(" as runtime")
        })
        .expect("the Dockerfile has a stage named runtime");
    let mut stage = Stage {
        env: Vec::new(),
        workdir: "/".to_owned(),
        user: (0, 0),
        entrypoint: Vec::new(),
    };
    for (name, args) in all[start + 1..]
        .iter()
        .take_while(|(name, _)| name != "FROM")
    {
        match name.as_str() {
            "ENV" => stage.env.extend(env_pairs(args)),
            "WORKDIR" => stage.workdir = args.clone(),
            "USER" => {
                let (uid, gid) = args.split_once(':').unwrap_or((args, args));
                stage.user = (
                    uid.parse().expect("USER names a numeric uid"),
                    gid.parse().expect("USER names a numeric gid"),
                );
            }
            "ENTRYPOINT" => {
                stage.entrypoint =
                    serde_json::from_str(args).expect("ENTRYPOINT is in exec (JSON) form");
            }
            _ => {}
        }
    }
    assert!(
        stage.workdir.starts_with('/'),
        "WORKDIR {} is not absolute",
        stage.workdir
    );
    assert!(
        !stage.entrypoint.is_empty(),
        "the runtime stage has no ENTRYPOINT"
    );
    stage
}

/// The variables of an `ENV` instruction: `KEY=VALUE …`, or the older `KEY VALUE`.
fn env_pairs(args: &str) -> Vec<(String, String)> {
    let unquote = |value: &str| value.trim_matches('"').to_owned();
    match args.split_once(char::is_whitespace) {
        Some((key, value)) if !key.contains('=') => vec![(key.to_owned(), unquote(value.trim()))],
        _ => args
            .split_whitespace()
            .map(|pair| {
                let (key, value) = pair.split_once('=').expect("ENV KEY=VALUE");
                (key.to_owned(), unquote(value))
            })
            .collect(),
    }
}

/// The `-e` variables of the `docker run` line in the Dockerfile's comments: `NAME=VALUE`, or
/// `NAME` alone (`None`), which docker takes from the caller's environment.
fn docker_run_variables() -> Vec<(String, Option<String>)> {
    let dockerfile = read("Dockerfile");
    let comments = dockerfile.lines().filter_map(|line| line.strip_prefix('#'));
    let command = command_line(comments, "docker run");
    let words = shell_words(&command);
    words
        .windows(2)
        .filter(|pair| pair[0] == "-e" || pair[0] == "--env")
        .map(|pair| match pair[1].split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (pair[1].clone(), None),
        })
        .collect()
}

/// The document of `kind` in the YAML manifest at `path`.
fn manifest(path: &str, kind: &str) -> Value {
    let text = read(path);
    serde_norway::Deserializer::from_str(&text)
        .map(|document| Value::deserialize(document).unwrap())
        .find(|document| document["kind"] == kind)
        .unwrap_or_else(|| panic!("{path} has no {kind}"))
}

/// The variables a manifest's first container sets: a value, or (`None`) a Kubernetes
/// Secret's key.
fn manifest_env(path: &str, kind: &str) -> Vec<(String, Option<String>)> {
    let document = manifest(path, kind);
    let env = document["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: the container sets no env"));
    env.iter()
        .map(|variable| {
            let name = variable["name"].as_str().unwrap().to_owned();
            match &variable["value"] {
                Value::String(value) => (name, Some(value.clone())),
                other => {
                    assert!(
                        variable["valueFrom"]["secretKeyRef"].is_object(),
                        "{path}: {name} is {other}, not a string or a Secret's key"
                    );
                    (name, None)
                }
            }
        })
        .collect()
}

/// Every file and directory under a root, with its size and modification time.
type Snapshot = BTreeMap<PathBuf, (u64, i64, i64)>;

/// The image's file system, and its entrypoint started in it.
struct Image {
    rootfs: PathBuf,
    /// The file system before the entrypoint started.
    before: Snapshot,
    server: Server,
    _dir: tempfile::TempDir,
}

fn snapshot(root: &Path) -> Snapshot {
    let mut all = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                pending.push(path.clone());
            }
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            all.insert(relative, (meta.len(), meta.mtime(), meta.mtime_nsec()));
        }
    }
    all
}

/// Where a deployment keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Data {
    /// The embedded default: `/data/cxhook.db`.
    Sqlite,
    /// A Postgres server: nothing is written in the container.
    Postgres,
}

impl Image {
    /// Assembles the rootfs and runs the runtime stage's entrypoint in it, with the stage's
    /// environment and `variables` over it.
    fn start(variables: &[(String, String)]) -> Self {
        Self::start_with(variables, |_, _| {})
    }

    /// [`Image::start`], with `prepare` given the rootfs and the variables before the
    /// entrypoint starts (what it adds to the rootfs is not counted as written by the
    /// entrypoint).
    fn start_with(
        variables: &[(String, String)],
        prepare: impl FnOnce(&Path, &mut Vec<(String, String)>),
    ) -> Self {
        let mut variables = variables.to_vec();
        let stage = runtime_stage();
        let dir = tempfile::tempdir().unwrap();
        let rootfs = dir.path().join("rootfs");
        let me = std::fs::metadata(dir.path()).unwrap();
        let root = me.uid() == 0;
        let mut assemble = Command::new("bash");
        assemble
            .arg(repo().join("deploy/container/rootfs.sh"))
            .arg(env!("CARGO_BIN_EXE_cxhook"))
            .arg(&rootfs);
        if !root {
            assemble.env("ROOTFS_OWNER", format!("{}:{}", me.uid(), me.gid()));
        }
        let assembled = assemble.status().unwrap();
        assert!(assembled.success(), "rootfs.sh failed: {assembled:?}");
        prepare(&rootfs, &mut variables);
        let before = snapshot(&rootfs);

        let workdir = stage.workdir.trim_start_matches('/');
        let mut command = if root {
            let mut command = Command::new("unshare");
            command
                .arg(format!("--root={}", rootfs.display()))
                .arg(format!("--wd={}", stage.workdir))
                .arg(format!("--setgid={}", stage.user.1))
                .arg(format!("--setuid={}", stage.user.0))
                .arg("--")
                .args(&stage.entrypoint);
            command
        } else {
            let program = stage.entrypoint[0].trim_start_matches('/');
            let mut command = Command::new(rootfs.join(program));
            command
                .args(&stage.entrypoint[1..])
                .current_dir(rootfs.join(workdir));
            command
        };
        command
            .env_clear()
            .envs(stage.env.iter().map(|(k, v)| (k, v)))
            .envs(variables.iter().map(|(k, v)| (k, v)));
        let server = Server::spawn(command);
        Self {
            rootfs,
            before,
            server,
            _dir: dir,
        }
    }

    /// Stops the entrypoint with SIGTERM, and checks that it exited well, wrote nothing
    /// outside `/data`, and in `/data` its SQLite file, or nothing with `Data::Postgres`.
    fn stop(self, kept: Data) {
        let (status, _) = self.server.terminate();
        assert!(status.success(), "{status:?}");
        let before = &self.before;
        let after = snapshot(&self.rootfs);
        let data = Path::new("data");
        let changed: Vec<_> = before
            .keys()
            .chain(after.keys())
            .filter(|path| !path.starts_with(data) && before.get(*path) != after.get(*path))
            .collect();
        assert!(changed.is_empty(), "written outside /data: {changed:?}");
        match kept {
            Data::Sqlite => assert!(
                after.contains_key(&data.join("cxhook.db")),
                "no database in /data: {after:?}"
            ),
            Data::Postgres => assert_eq!(&after, before, "written in /data"),
        }
    }
}

/// The value a test gives the variable `name` that a manifest takes from a Secret: the test
/// server's database for a `database`, its password for the variable a `password_env` names,
/// [`SECRET`] for any other.
fn secret_value(name: &str, env: &[(String, Option<String>)], database: &Fresh) -> String {
    let names_password = env.iter().any(|(variable, value)| {
        variable.ends_with("__POSTGRES__PASSWORD_ENV") && value.as_deref() == Some(name)
    });
    if name.ends_with("__DATABASE") {
        database.url.clone()
    } else if names_password {
        std::env::var("TEST_POSTGRES_PASSWORD").unwrap_or_default()
    } else {
        SECRET.to_owned()
    }
}

/// A key/value connection string (Cloud SQL's socket form) with its `dbname` and `user` those
/// of the test database: the manifests' `cxhook` database would be shared by every test.
fn on_test_database(connection: &str, database: &Fresh) -> String {
    let test: tokio_postgres::Config = database.url.parse().unwrap();
    connection
        .split_whitespace()
        .map(|pair| match pair.split_once('=') {
            Some(("dbname", _)) => format!("dbname={}", test.get_dbname().unwrap()),
            Some(("user", _)) => format!("user={}", test.get_user().unwrap()),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Cloud SQL's connector as Cloud Run mounts it: a unix socket `.s.PGSQL.5432` in `dir` that
/// carries each connection to the test database's server, for as long as the test runs.
fn cloud_sql_socket(dir: &Path, database: &Fresh) {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::UnixListener;
    let test: tokio_postgres::Config = database.url.parse().unwrap();
    let tokio_postgres::config::Host::Tcp(host) = &test.get_hosts()[0] else {
        panic!("the test server is not on TCP: {}", database.url)
    };
    let server = format!("{host}:{}", test.get_ports()[0]);
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(".s.PGSQL.5432");
    let listener = UnixListener::bind(&path).unwrap();
    // The image's user connects to it.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777)).unwrap();
    thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let Ok(upstream) = std::net::TcpStream::connect(&server) else {
                continue;
            };
            let (mut client_in, mut upstream_out) =
                (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            thread::spawn(move || {
                let _ = std::io::copy(&mut client_in, &mut upstream_out);
                let _ = upstream_out.shutdown(std::net::Shutdown::Write);
            });
            let (mut upstream_in, mut client_out) = (upstream, client);
            thread::spawn(move || {
                let _ = std::io::copy(&mut upstream_in, &mut client_out);
                let _ = client_out.shutdown(std::net::Shutdown::Write);
            });
        }
    });
}

/// Whether this test runs as root, and so runs the image in its rootfs.
fn as_root() -> bool {
    std::fs::metadata("/proc/self").unwrap().uid() == 0
}

/// A balance call for u-1001.
fn balance() -> Value {
    let mut call = request("account.balance");
    call["sessionInfo"]["parameters"] = json!({"user_id": "u-1001"});
    call
}

/// Checks a 200 with u-1001's balance for these credentials, and a 401 without any.
fn answers_only_with(image: &Image, credentials: &[(&str, &str)]) {
    let url = image.server.url("/webhook");
    let answer = post_with(&url, &balance(), credentials);
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.json()["fulfillmentResponse"]["messages"][0]["text"]["text"][0],
        "The balance of account u-1001 is $1,250.75.",
        "{answer:?}"
    );
    let anonymous = post_with(&url, &balance(), &[]);
    assert_eq!(anonymous.status, 401, "{anonymous:?}");
}

/// An RSA key that signs ID tokens, and a key set on 127.0.0.1 that publishes it.
struct Google {
    key: EncodingKey,
    jwks: Stub,
}

const KID: &str = "container-1";

impl Google {
    fn start() -> Self {
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let public = private.to_public_key();
        let jwk = json!({
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": KID,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        });
        let jwks = Stub::start(axum::Router::new().route(
            "/certs",
            get(move || {
                let body = json!({ "keys": [jwk.clone()] }).to_string();
                async move { ([("content-type", "application/json")], body) }
            }),
        ));
        let pem = private.to_pkcs1_pem(LineEnding::LF).unwrap();
        Self {
            key: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
            jwks,
        }
    }

    fn jwks_url(&self) -> String {
        self.jwks.url.replace("/webhook", "/certs")
    }

    /// An ID token as Google signs it for `email`, for the audience `aud`.
    fn id_token(&self, aud: &str, email: &str) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let claims = json!({
            "iss": "https://accounts.google.com",
            "aud": aud,
            "sub": "1234567890",
            "email": email,
            "email_verified": true,
            "iat": now,
            "exp": now + 3600,
        });
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KID.to_owned());
        jsonwebtoken::encode(&header, &claims, &self.key).unwrap()
    }
}

#[test]
fn the_image_serves_the_cloud_run_manifest_checking_dialogflows_id_tokens() {
    let test = "the_image_serves_the_cloud_run_manifest_checking_dialogflows_id_tokens";
    let Some(database) = fresh_database(test) else {
        return;
    };
    let google = Google::start();
    let port = free_port().to_string();
    // The placeholders deploy/README.md has replaced.
    let fill = |value: &str| {
        value
            .replace("PROJECT_NUMBER", "123456789012")
            .replace("PROJECT_ID", "my-project")
            .replace("REGION", "us-central1")
            .replace("INSTANCE", "cxhook-db")
    };
    let env = manifest_env("deploy/cloudrun/service.yaml", "Service");
    let mut variables: Vec<(String, String)> = env
        .iter()
        .map(|(name, value)| match value {
            Some(value) if name.ends_with("__DATABASE") => {
                (name.clone(), on_test_database(&fill(value), &database))
            }
            Some(value) => (name.clone(), fill(value)),
            None => (name.clone(), secret_value(name, &env, &database)),
        })
        .collect();
    let value = |name: &str| {
        variables
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("the Cloud Run manifest sets no {name}"))
    };
    let audience = value("CXHOOK_AUTH__ID_TOKEN__AUDIENCES")
        .trim_matches(['[', ']'])
        .to_owned();
    assert_eq!(audience, "https://cxhook-123456789012.us-central1.run.app");
    let agent = value("CXHOOK_AUTH__ID_TOKEN__EMAIL");
    variables.push(("PORT".to_owned(), port.clone()));
    // Not in any guide: Google's key endpoint, replaced by the local key set.
    variables.push((
        "CXHOOK_AUTH__ID_TOKEN__JWKS_URL".to_owned(),
        google.jwks_url(),
    ));

    // Cloud SQL's socket, where the annotation puts it: in the image's root as root; else,
    // with the image's binary on the host's file system, in the rootfs, and the databases
    // pointed there.
    let socket = format!(
        "/cloudsql/{}",
        fill(
            manifest("deploy/cloudrun/service.yaml", "Service")["spec"]["template"]["metadata"]
                ["annotations"]["run.googleapis.com/cloudsql-instances"]
                .as_str()
                .expect("the Cloud Run manifest names its Cloud SQL instance")
        )
    );
    for (name, value) in &env {
        if name.ends_with("__DATABASE") {
            let value = fill(value.as_deref().unwrap_or_default());
            assert!(
                value.starts_with(&format!("host={socket} ")),
                "{name} is not on the Cloud SQL socket {socket}: {value}"
            );
        }
    }
    let mut image = Image::start_with(&variables, |rootfs, variables| {
        let inside = rootfs.join(socket.trim_start_matches('/'));
        cloud_sql_socket(&inside, &database);
        if !as_root() {
            for (name, value) in variables.iter_mut() {
                if name.ends_with("__DATABASE") {
                    *value = value.replace(&socket, &inside.display().to_string());
                }
            }
        }
    });
    assert_eq!(image.server.addr.to_string(), format!("0.0.0.0:{port}"));
    let bearer = format!("Bearer {}", google.id_token(&audience, &agent));
    answers_only_with(&image, &[("authorization", &bearer)]);
    let elsewhere = format!(
        "Bearer {}",
        google.id_token("https://elsewhere.example.com", &agent)
    );
    let url = image.server.url("/webhook");
    assert_eq!(
        post_with(&url, &balance(), &[("authorization", &elsewhere)]).status,
        403
    );
    let logged = Instant::now();
    while !image
        .server
        .stderr()
        .contains("https://elsewhere.example.com")
    {
        assert!(
            logged.elapsed() < PATIENCE,
            "the rejected audience is not logged: {}",
            image.server.stderr()
        );
        thread::sleep(Duration::from_millis(20));
    }

    // SIGTERM while a call is in flight: the call is answered, then the process exits.
    let body = serde_json::to_vec(&balance()).unwrap();
    let call = HalfSent::start_with(
        image.server.addr.port(),
        &body,
        &[("Authorization", &bearer)],
    );
    let stopping = Instant::now();
    image.server.sigterm();
    thread::sleep(Duration::from_millis(300));
    assert!(
        image.server.is_running(),
        "serve waits for the call in flight"
    );
    let answer = call.finish();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("$1,250.75"), "{answer}");
    image.stop(Data::Postgres);
    assert!(
        stopping.elapsed() < Duration::from_secs(10),
        "Cloud Run kills the container 10 s after SIGTERM"
    );
}

#[test]
fn the_cloud_run_guides_deploy_command_sets_what_the_manifest_sets() {
    let guide = read("deploy/README.md");
    // The shell variables the guide sets before the command, expanded in its values.
    let assignments: Vec<(String, String)> = guide
        .lines()
        .map(str::trim)
        .filter_map(|line| line.split_once('='))
        .filter(|(name, value)| {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                && !value.contains(' ')
        })
        .map(|(name, value)| (format!("${name}"), value.to_owned()))
        .collect();
    let words = shell_words(&command_line(guide.lines(), "gcloud run deploy"));
    let set = words
        .windows(2)
        .find(|pair| pair[0] == "--set-env-vars")
        .map(|pair| pair[1].clone())
        .expect("gcloud run deploy sets variables");
    let mut deployed = Vec::new();
    for pair in set.split(',') {
        let (name, value) = pair.split_once('=').unwrap();
        let mut value = value.to_owned();
        for (variable, with) in &assignments {
            value = value.replace(variable, with);
        }
        // The manifest names the placeholders the guide's shell variables fill.
        let value = value
            .replace("$PROJECT_NUMBER", "PROJECT_NUMBER")
            .replace("$PROJECT_ID", "PROJECT_ID")
            .replace("$REGION", "REGION")
            .replace("$INSTANCE", "INSTANCE");
        deployed.push((name.to_owned(), value));
    }
    let manifested: Vec<(String, String)> = manifest_env("deploy/cloudrun/service.yaml", "Service")
        .into_iter()
        .filter(|(name, _)| {
            [
                "CXHOOK_AUTH__",
                "CXHOOK_ACCOUNTS__",
                "CXHOOK_BOOKING__",
                "CXHOOK_MEMORY__",
            ]
            .iter()
            .any(|prefix| name.starts_with(prefix))
        })
        .map(|(name, value)| (name, value.unwrap()))
        .collect();
    assert_eq!(deployed, manifested);
    // The secret, the Cloud SQL instance and the most instances, as the manifest has them.
    let flag = |name: &str| {
        words
            .windows(2)
            .find(|pair| pair[0] == name)
            .map(|pair| pair[1].clone())
            .unwrap_or_else(|| panic!("gcloud run deploy has no {name}"))
    };
    let service = manifest("deploy/cloudrun/service.yaml", "Service");
    let annotations = &service["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(
        flag("--add-cloudsql-instances"),
        "$PROJECT_ID:$REGION:$INSTANCE"
    );
    assert_eq!(
        annotations["run.googleapis.com/cloudsql-instances"],
        "PROJECT_ID:REGION:INSTANCE"
    );
    assert_eq!(
        flag("--max-instances"),
        annotations["autoscaling.knative.dev/maxScale"]
    );
    let container = &service["spec"]["template"]["spec"]["containers"][0];
    let password = container["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|variable| variable["valueFrom"]["secretKeyRef"].is_object())
        .expect("the manifest takes the database password from Secret Manager");
    assert_eq!(
        flag("--set-secrets"),
        format!(
            "{}={}:{}",
            password["name"].as_str().unwrap(),
            password["valueFrom"]["secretKeyRef"]["name"]
                .as_str()
                .unwrap(),
            password["valueFrom"]["secretKeyRef"]["key"]
                .as_str()
                .unwrap()
        )
    );
}

const SECRET: &str = "container-secret-eeeeeeeeeeeeeeeeeeeeeeee";

#[test]
fn the_image_serves_the_kubernetes_manifest_with_its_secrets() {
    let test = "the_image_serves_the_kubernetes_manifest_with_its_secrets";
    let Some(database) = fresh_database(test) else {
        return;
    };
    let env = manifest_env("deploy/k8s/cxhook.yaml", "Deployment");
    let mut variables: Vec<(String, String)> = env
        .iter()
        .map(|(name, value)| {
            let value = value
                .clone()
                .unwrap_or_else(|| secret_value(name, &env, &database));
            (name.clone(), value)
        })
        .collect();
    variables.retain(|(name, _)| name != "PORT");
    variables.push(("PORT".to_owned(), free_port().to_string()));
    let image = Image::start(&variables);
    answers_only_with(&image, &[("x-webhook-secret", SECRET)]);
    image.stop(Data::Postgres);
}

#[test]
fn the_image_serves_the_dockerfiles_own_run_line() {
    let mut variables: Vec<(String, String)> = docker_run_variables()
        .into_iter()
        .map(|(name, value)| (name, value.unwrap_or_else(|| SECRET.to_owned())))
        .collect();
    variables.push(("PORT".to_owned(), free_port().to_string()));
    let image = Image::start(&variables);
    answers_only_with(&image, &[("x-webhook-secret", SECRET)]);
    image.stop(Data::Sqlite);
}

/// The MB figure of the row of `deploy/container/sizes.md` whose first cell starts `what`.
fn measured(sizes: &str, what: &str) -> String {
    let row = sizes
        .lines()
        .find(|line| line.starts_with(&format!("| {what}")))
        .unwrap_or_else(|| panic!("sizes.md has no row for {what}"));
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    cells[cells.len() - 2].to_owned()
}

#[test]
fn the_readmes_quote_the_sizes_build_local_sh_measured_last() {
    let sizes = read("deploy/container/sizes.md");
    let binary = format!("{} MB", measured(&sizes, "release binary"));
    let image = format!("{} MB", measured(&sizes, "runtime image"));
    for name in ["README.md", "deploy/README.md"] {
        let text = read(name);
        for figure in [&binary, &image] {
            assert!(
                text.contains(figure.as_str()),
                "{name} does not quote {figure} (deploy/container/sizes.md)"
            );
        }
    }
}

/// The connections a db-custom-1-3840 Cloud SQL instance allows (its default
/// `max_connections`), which the Cloud Run manifest's pool arithmetic names.
const CLOUD_SQL_CONNECTIONS: u64 = 100;

/// The most connections one instance with these variables opens: the pools of the enabled
/// integrations on Postgres (5 each unless set), and whether any keeps its data in SQLite.
/// A database taken from a Secret counts as Postgres: the manifest's Secret holds a
/// `postgres://` URL, and the Kubernetes test above serves from one.
fn connections_and_sqlite(env: &[(String, Option<String>)]) -> (u64, bool) {
    let get = |name: &str| env.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut connections = 0;
    let mut sqlite = false;
    for integration in ["ACCOUNTS", "BOOKING"] {
        let enabled = get(&format!("CXHOOK_{integration}__ENABLED")) != Some(Some("false".into()));
        if !enabled {
            continue;
        }
        match get(&format!("CXHOOK_{integration}__DATABASE")) {
            Some(Some(database))
                if cxhook_integrations::database::is_postgres(Path::new(&database)) => {}
            Some(None) => {}
            // The default file, or a value that names no server.
            _ => {
                sqlite = true;
                continue;
            }
        }
        connections += get(&format!("CXHOOK_{integration}__POSTGRES__POOL_SIZE"))
            .flatten()
            .map_or(5, |size| size.parse::<u64>().unwrap());
    }
    (connections, sqlite)
}

#[test]
fn no_shipped_manifest_runs_more_than_one_instance_on_sqlite() {
    let service = manifest("deploy/cloudrun/service.yaml", "Service");
    let max_scale: u64 =
        service["spec"]["template"]["metadata"]["annotations"]["autoscaling.knative.dev/maxScale"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
    let (connections, sqlite) =
        connections_and_sqlite(&manifest_env("deploy/cloudrun/service.yaml", "Service"));
    assert!(
        max_scale == 1 || !sqlite,
        "Cloud Run: {max_scale} instances on SQLite"
    );
    assert!(
        max_scale * connections < CLOUD_SQL_CONNECTIONS,
        "Cloud Run: {max_scale} instances × {connections} connections reach Cloud SQL's \
         {CLOUD_SQL_CONNECTIONS}"
    );

    let deployment = manifest("deploy/k8s/cxhook.yaml", "Deployment");
    let replicas = deployment["spec"]["replicas"].as_u64().unwrap();
    let (_, sqlite) = connections_and_sqlite(&manifest_env("deploy/k8s/cxhook.yaml", "Deployment"));
    if sqlite {
        assert_eq!(replicas, 1, "Kubernetes: {replicas} pods on SQLite");
        assert_eq!(deployment["spec"]["strategy"]["type"], "Recreate");
    }
}
