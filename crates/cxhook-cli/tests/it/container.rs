//! The container contract (Cloud Run's): listen on `$PORT`, write nothing outside the data
//! path, and on SIGTERM finish the call in flight and exit well within 10 s.

use std::os::unix::fs::PermissionsExt;
use std::thread;
use std::time::{Duration, Instant};

use crate::support::{HalfSent, Server, free_port, request};

#[test]
fn serve_keeps_the_container_contract() {
    let work = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    // Read-only, as a container's working directory is (root ignores the mode; the check
    // below that nothing was written catches it then).
    std::fs::set_permissions(work.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let database = data.path().join("cxhook.db");
    let database = database.to_str().unwrap();
    let port = free_port().to_string();
    let mut server = Server::start_in(
        work.path(),
        &["--insecure"],
        &[
            ("PORT", &port),
            ("CXHOOK_ACCOUNTS__DATABASE", database),
            ("CXHOOK_BOOKING__DATABASE", database),
            ("CXHOOK_LOG__FORMAT", "json"),
        ],
    );
    assert_eq!(server.addr.to_string(), format!("0.0.0.0:{port}"));

    let mut call = request("account.balance");
    call["sessionInfo"]["parameters"] = serde_json::json!({"user_id": "u-1001"});
    let body = serde_json::to_vec(&call).unwrap();
    let call = HalfSent::start(server.addr.port(), &body);

    let stopping = Instant::now();
    server.sigterm();
    thread::sleep(Duration::from_millis(300));
    assert!(server.is_running(), "serve waits for the call in flight");
    let answer = call.finish();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("$1,250.75"), "{answer}");
    let status = server.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(
        stopping.elapsed() < Duration::from_secs(10),
        "Cloud Run kills the container 10 s after SIGTERM"
    );

    let written: Vec<_> = std::fs::read_dir(work.path()).unwrap().collect();
    assert!(
        written.is_empty(),
        "wrote into the working directory: {written:?}"
    );
    assert!(data.path().join("cxhook.db").exists());
    std::fs::set_permissions(work.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}
