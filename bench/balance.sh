#!/usr/bin/env bash
# Load benchmark of `account.balance` through the full `cxhook serve` (release build,
# embedded default: SQLite, every layer and one JSON log line per call on, logs to
# /dev/null). Prints a Markdown table: requests/s, p50, p99, errors, peak RSS.
#
#   bash bench/balance.sh                 # needs wrk: apt-get install -y wrk
#   DURATION=10 CONNECTIONS="16 64 256" bash bench/balance.sh
#
# With two or more cores the server runs on core 1 and wrk on core 0 (SERVER_CPU, LOAD_CPU).
# This is a benchmark, not a test: figures vary between runs and machines; compare only
# figures measured in one run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

duration="${DURATION:-10}"
connections="${CONNECTIONS:-16 64}"
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install -y wrk)" >&2; exit 2; }

cargo build --release --locked -p cxhook-cli
bin="$(pwd)/${CARGO_TARGET_DIR:-target}/release/cxhook"
[[ "${CARGO_TARGET_DIR:-}" == /* ]] && bin="$CARGO_TARGET_DIR/release/cxhook"

server_pin=() load_pin=()
if [[ "$(nproc)" -ge 2 ]] && command -v taskset >/dev/null; then
    server_pin=(taskset -c "${SERVER_CPU:-1}")
    load_pin=(taskset -c "${LOAD_CPU:-0}")
fi

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$work" && exec "${server_pin[@]}" "$bin" serve --addr "127.0.0.1:$port") >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

url="http://127.0.0.1:$port/webhook"
export BENCH_BODY="bench/payloads/account-balance.json"
for _ in $(seq 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/healthz')" 2>/dev/null && break
    sleep 0.1
done
"${load_pin[@]}" wrk -t1 -c16 -d2s -s bench/post.lua "$url" >/dev/null

echo "| connections | requests/s | p50 | p99 | non-2xx or socket errors |"
echo "|---|---|---|---|---|"
for c in $connections; do
    out="$("${load_pin[@]}" wrk -t1 -c"$c" -d"${duration}s" --latency -s bench/post.lua "$url")"
    rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    errors="$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')"
    echo "| $c | $rps | $p50 | $p99 | ${errors:-0} |"
done
echo
echo "peak RSS of the server: $(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status")"
