//! Auth from the command line: `serve` refuses an open webhook on a public address unless
//! the config names what authenticates in front of it (`auth.authenticated_by`) or
//! `--insecure` is given, reads its secrets from the environment and files, and `send`
//! authenticates with `--bearer`, `--basic`, `-H` and a minted ID token.

use std::path::Path;

use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::json;

use crate::support::{Run, Server, Stub, cxhook, cxhook_run, get as http_get, post, request, run};

const TOKEN_A: &str = "tok-cli-aaaaaaaaaaaaaaaaaaaaaa";
const TOKEN_B: &str = "tok-cli-bbbbbbbbbbbbbbbbbbbbbb";
const PASSWORD: &str = "pw-cli-cccccccccccccccccc";
const HEADER_SECRET: &str = "hdr-cli-dddddddddddddddddd";

fn send(url: &str, args: &[&str]) -> Run {
    let mut all = vec!["send", url, "--tag", "no.such.tag"];
    all.extend_from_slice(args);
    cxhook_run(&all)
}

fn accepted(run: &Run) {
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.starts_with("HTTP 200 OK"), "{run:?}");
}

fn refused(run: &Run, status: &str) {
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.starts_with(&format!("HTTP {status}")), "{run:?}");
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn an_open_webhook_on_a_public_address_needs_insecure() {
    let run = cxhook_run(&["serve", "--addr", "0.0.0.0:0"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains("refusing to serve on 0.0.0.0:0 without authentication"),
        "{run:?}"
    );
    assert!(run.stderr.contains("--insecure"), "{run:?}");

    let server = Server::start(&["--addr", "0.0.0.0:0", "--insecure"], &[]);
    assert_eq!(
        post(&server.url("/webhook"), &request("no.such.tag")).status,
        200
    );
}

#[test]
fn an_open_webhook_serves_on_a_public_address_when_the_config_names_what_authenticates_in_front() {
    let refused = cxhook_run(&["serve", "--addr", "0.0.0.0:0"]);
    assert_eq!(refused.code, Some(2), "{refused:?}");
    assert!(
        refused.stderr.contains("auth.authenticated_by"),
        "{refused:?}"
    );
    let mut blank = cxhook();
    blank
        .args(["serve", "--addr", "0.0.0.0:0"])
        .env("CXHOOK_AUTH__AUTHENTICATED_BY", "  ");
    let blank = run(blank, "");
    assert_eq!(blank.code, Some(2), "a blank name is no name: {blank:?}");
    assert!(blank.stderr.contains("refusing to serve"), "{blank:?}");

    let server = Server::start(
        &["--addr", "0.0.0.0:0"],
        &[
            ("CXHOOK_AUTH__AUTHENTICATED_BY", "Cloud Run IAM"),
            ("CXHOOK_LOG__FORMAT", "json"),
        ],
    );
    assert_eq!(
        post(&server.url("/webhook"), &request("no.such.tag")).status,
        200
    );
    let warning = server
        .stderr()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["authenticated_by"] == "Cloud Run IAM")
        .unwrap_or_else(|| panic!("no start-up line names it: {}", server.stderr()));
    assert_eq!(warning["severity"], "WARNING", "{warning}");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("checks no credentials itself"),
        "{warning}"
    );
    let (status, _) = server.terminate();
    assert!(status.success(), "{status:?}");
}

#[test]
fn serve_takes_rotating_bearer_tokens_basic_and_a_header_secret() {
    let dir = tempfile::tempdir().unwrap();
    let header_file = write(dir.path(), "header-secret", &format!("{HEADER_SECRET}\n"));
    let config = write(
        dir.path(),
        "cxhook.toml",
        &format!(
            r#"
            [auth.bearer]
            token_envs = ["HOOK_TOKEN_A", "HOOK_TOKEN_B"]
            [auth.basic]
            username = "dialogflow"
            password_env = "HOOK_PASSWORD"
            [auth.header]
            name = "x-webhook-secret"
            value_files = [{header_file:?}]
            "#
        ),
    );
    let server = Server::start(
        &["--addr", "0.0.0.0:0", "--config", &config],
        &[
            ("HOOK_TOKEN_A", TOKEN_A),
            ("HOOK_TOKEN_B", TOKEN_B),
            ("HOOK_PASSWORD", PASSWORD),
        ],
    );
    let url = server.url("/webhook");
    accepted(&send(&url, &["--bearer", TOKEN_A]));
    accepted(&send(&url, &["--bearer", TOKEN_B]));
    accepted(&send(&url, &["--basic", &format!("dialogflow:{PASSWORD}")]));
    accepted(&send(
        &url,
        &["-H", &format!("X-Webhook-Secret: {HEADER_SECRET}")],
    ));
    accepted(&send(
        &url,
        &[
            "-H",
            "X-Other: 1",
            "--header",
            &format!("x-webhook-secret:{HEADER_SECRET}"),
        ],
    ));

    refused(&send(&url, &[]), "401");
    refused(&send(&url, &["--bearer", "tok-wrong"]), "403");
    refused(&send(&url, &["--basic", "dialogflow:wrong"]), "403");
    refused(&send(&url, &["-H", "x-webhook-secret: wrong"]), "403");

    let both = send(&url, &["--bearer", TOKEN_A, "--basic", "a:b"]);
    assert_eq!(both.code, Some(2), "{both:?}");
    let bad_header = send(&url, &["-H", "no colon here"]);
    assert_eq!(bad_header.code, Some(2), "{bad_header:?}");

    assert_eq!(http_get(&server.url("/healthz")).status, 200);
    assert_eq!(http_get(&server.url("/readyz")).status, 200);

    let (_, _) = server.terminate();
}

#[test]
fn auth_secrets_that_cannot_be_read_stop_serve_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "cxhook.toml",
        "[auth.bearer]\ntoken_envs = [\"HOOK_SURELY_UNSET\"]\n",
    );
    let run = cxhook_run(&["serve", "--addr", "127.0.0.1:0", "--config", &config]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains(
            "`auth.bearer.token_envs[0]`: the environment variable HOOK_SURELY_UNSET is not set"
        ),
        "{run:?}"
    );
    let config = write(dir.path(), "id.toml", "[auth.id_token]\nenabled = true\n");
    let run = cxhook_run(&["serve", "--addr", "127.0.0.1:0", "--config", &config]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("`auth.id_token.audiences`"), "{run:?}");
}

#[test]
fn send_mints_an_id_token_that_serve_checks_against_a_local_jwks() {
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let public = key.to_public_key();
    let jwk = json!({
        "kty": "RSA", "alg": "RS256", "use": "sig", "kid": "local-1",
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
    let jwks_url = jwks.url.replace("/webhook", "/certs");

    let dir = tempfile::tempdir().unwrap();
    let pem = key.to_pkcs1_pem(LineEnding::LF).unwrap();
    let key_file = write(dir.path(), "key.pem", &pem);
    let agent = "service-1@gcp-sa-dialogflow.iam.gserviceaccount.com";
    let config = write(
        dir.path(),
        "cxhook.toml",
        &format!(
            r#"
            [auth.id_token]
            enabled = true
            jwks_url = {jwks_url:?}
            audiences = ["https://hook.example.com/webhook"]
            email = {agent:?}
            "#
        ),
    );
    let server = Server::start(&["--addr", "127.0.0.1:0", "--config", &config], &[]);
    let url = server.url("/webhook");
    let id_token = |extra: &[&str]| {
        let mut args = vec![
            "--id-token-key",
            &key_file,
            "--id-token-kid",
            "local-1",
            "--id-token-aud",
            "https://hook.example.com/webhook",
        ];
        args.extend_from_slice(extra);
        send(&url, &args)
    };
    accepted(&id_token(&["--id-token-email", agent]));
    refused(
        &id_token(&["--id-token-email", "someone@example.com"]),
        "403",
    );
    refused(&id_token(&[]), "403");
    // The audience defaults to the URL, which this server does not accept.
    refused(
        &send(
            &url,
            &["--id-token-key", &key_file, "--id-token-kid", "local-1"],
        ),
        "403",
    );
    refused(&send(&url, &[]), "401");
    let not_a_key = write(dir.path(), "not-a-key.pem", "hello");
    let run = send(&url, &["--id-token-key", &not_a_key]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains("is not a PEM RSA private key"),
        "{run:?}"
    );
}
