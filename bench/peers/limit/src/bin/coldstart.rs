//! Cold-start timer: spawns a server command (via `bash -c "exec CMD"`, in its own process group),
//! polls 127.0.0.1:PORT every 1 ms with a POST of BODY_FILE, prints milliseconds from spawn to the
//! first HTTP 200, then stops the process group (SIGTERM, then SIGKILL after 10 s).
//! usage: coldstart PORT BODY_FILE PATH TIMEOUT_S [BEARER_TOKEN] -- CMD...
//! With BEARER_TOKEN, each POST carries `Authorization: Bearer BEARER_TOKEN`.
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: coldstart PORT BODY_FILE PATH TIMEOUT_S [BEARER_TOKEN] -- CMD...";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sep = args.iter().position(|a| a == "--").expect(USAGE);
    if !(5..=6).contains(&sep) || sep + 1 >= args.len() {
        eprintln!("{USAGE}");
        std::process::exit(2);
    }
    let port: u16 = args[1].parse().expect("PORT: a port number");
    let body = std::fs::read(&args[2]).expect("BODY_FILE: a readable file");
    let path = &args[3];
    let timeout = Duration::from_secs_f64(args[4].parse().expect("TIMEOUT_S: seconds"));
    let auth = match args.get(5).filter(|_| sep == 6) {
        Some(token) => format!("Authorization: Bearer {token}\r\n"),
        None => String::new(),
    };
    let cmd = args[sep + 1..].join(" ");
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(&body);
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();

    let t0 = Instant::now();
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(format!("exec {cmd}"))
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id() as i32;
    let mut result: Option<f64> = None;
    loop {
        if t0.elapsed() > timeout {
            break;
        }
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            if s.write_all(&req).is_ok() {
                let mut buf = Vec::new();
                let _ = s.read_to_end(&mut buf);
                if buf.starts_with(b"HTTP/1.1 200") || buf.starts_with(b"HTTP/1.0 200") {
                    result = Some(t0.elapsed().as_secs_f64() * 1000.0);
                    break;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    // SAFETY: kill(2) on the process group this program created; no memory is involved.
    unsafe { libc::kill(-pid, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            _ if Instant::now() > deadline => {
                // SAFETY: as above.
                unsafe { libc::kill(-pid, libc::SIGKILL) };
                let _ = child.wait();
                break;
            }
            _ => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    // make sure no stragglers of the group survive (e.g. worker processes)
    std::thread::sleep(Duration::from_millis(50));
    // SAFETY: as above.
    unsafe { libc::kill(-pid, libc::SIGKILL) };
    match result {
        Some(ms) => println!("{ms:.1}"),
        None => {
            eprintln!("coldstart: no 200 within {timeout:?}");
            std::process::exit(1)
        }
    }
}
