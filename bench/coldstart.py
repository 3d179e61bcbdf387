#!/usr/bin/env python3
"""Cold start of the release binary: time from exec to the first 200 answer to an
`account.balance` call, idle RSS after that answer, and the binary's size.

    cargo build --release --locked -p cxhook-cli
    python3 bench/coldstart.py [--runs 20] [--binary target/release/cxhook]

The database is created by a first, unmeasured start, as it is on a replica that restarts;
then each run starts the server in the same directory and polls POST /webhook every 0.2 ms
until it answers 200. Prints a Markdown table. A benchmark, not a test: compare only figures
measured in one run.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BODY = (ROOT / "bench" / "payloads" / "account-balance.json").read_bytes()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_answer(port: int, deadline: float) -> bool:
    while time.perf_counter() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("POST", "/webhook", BODY, {"Content-Type": "application/json"})
            ok = conn.getresponse().status == 200
            conn.close()
            if ok:
                return True
        except OSError:
            time.sleep(0.0002)
    return False


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start(binary: Path, cwd: str, port: int) -> tuple[float, int, subprocess.Popen]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(binary), "serve", "--addr", f"127.0.0.1:{port}"],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not first_answer(port, started + 10):
        proc.kill()
        raise SystemExit("coldstart: the server did not answer within 10 s")
    elapsed_ms = (time.perf_counter() - started) * 1000
    time.sleep(0.2)
    return elapsed_ms, rss_kib(proc.pid), proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--binary", type=Path, default=ROOT / "target" / "release" / "cxhook")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cwd:
        stop(start(args.binary, cwd, free_port())[2])
        times, rss = [], []
        for _ in range(args.runs):
            elapsed, kib, proc = start(args.binary, cwd, free_port())
            stop(proc)
            times.append(elapsed)
            rss.append(kib)

    times.sort()
    size = os.path.getsize(args.binary)
    print("| measure | value |")
    print("|---|---|")
    print(f"| exec → first 200 (median of {args.runs}) | {statistics.median(times):.1f} ms |")
    print(f"| exec → first 200 (worst) | {times[-1]:.1f} ms |")
    print(f"| idle RSS after the first answer (median) | {statistics.median(rss) / 1024:.1f} MB |")
    print(f"| binary size | {size / 1e6:.1f} MB |")


if __name__ == "__main__":
    main()
