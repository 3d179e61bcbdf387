#!/usr/bin/env bash
# Writes crates/cxhook-cli/link/hot-symbols.txt: the functions of `cxhook serve` that run from
# start-up through answering every built-in tag, hottest first, named as the linker names
# them. The release build links them first (see crates/cxhook-cli/build.rs).
#
#   bash bench/hot-symbols.sh
#
# It builds the release binary with its symbols kept (through RUSTFLAGS, which leave the
# symbol names those of the shipped build) into target/symbols, starts it under valgrind's
# callgrind on a fresh database, with bearer auth, JSON log lines and a stub weather provider
# on 127.0.0.1, plays the repository's scenarios against it, sends the benchmark's requests
# (one at a time, then 64 at a time) and a few bad ones, reads /readyz and /metrics, stops
# it with SIGTERM, and keeps the functions of the binary that ran. Needs valgrind, curl and
# python3. Run it again after changes that move the hot path; a stale list only loses part
# of the gain.
#
#   bash bench/hot-symbols.sh --check BINARY
#
# checks the list against a release binary built with its symbols kept (RUSTFLAGS="-C
# strip=none"), as CI does. A change to a type on the hot path renames the functions that
# use it (a new hash, or a new LLVM suffix `.N`), and a renamed function is no longer
# placed: with 27 of 2,417 listed functions renamed, an idle server had 0.6 MB more text
# resident. So the check fails when a listed function is in the binary under another name;
# listed functions that are gone altogether (inlined, or removed) cost nothing and only
# count.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/crates/cxhook-cli/link/hot-symbols.txt
if [[ ${1:-} == --check ]]; then
  binary=${2:?usage: bash bench/hot-symbols.sh --check BINARY}
  python3 - "$out" "$binary" <<'PY'
import re, subprocess, sys

listed_file, binary = sys.argv[1:]
listed = [line.strip() for line in open(listed_file) if line.strip()]
symbols = subprocess.run(["nm", "--defined-only", binary], check=True, capture_output=True,
                         text=True).stdout
present = {line.split()[-1] for line in symbols.splitlines() if line.strip()}

def stem(name):
    """The name without what a change elsewhere renames: LLVM's `.N` suffixes, the hash."""
    name = re.sub(r"(\.[0-9A-Za-z_]+)+$", "", name)
    return re.sub(r"17h[0-9a-f]{16}E$", "E", name)

stems = {stem(name) for name in present}
missing = [name for name in listed if name not in present]
renamed = [name for name in missing if stem(name) in stems]
print(f"hot-symbols.sh: {len(listed)} listed functions: {len(listed) - len(missing)} in "
      f"{binary}, {len(renamed)} renamed, {len(missing) - len(renamed)} gone (inlined or removed)")
if renamed:
    print("renamed, for example:", *renamed[:5], sep="\n  ", file=sys.stderr)
    print("The list is stale: write it again with `bash bench/hot-symbols.sh` (needs valgrind).",
          file=sys.stderr)
    sys.exit(1)
PY
  exit 0
fi
for tool in valgrind curl python3; do
  command -v "$tool" >/dev/null || { echo "hot-symbols.sh: needs $tool" >&2; exit 2; }
done

RUSTFLAGS="-C strip=none" CARGO_TARGET_DIR="$root/target/symbols" \
  cargo build --release --locked -p cxhook-cli --manifest-path "$root/Cargo.toml"
bin=$root/target/symbols/release/cxhook

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {
  for _ in $(seq 600); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "hot-symbols.sh: $1 did not answer" >&2
  exit 1
}

# Open-Meteo's two calls, answered the way the stubbed weather scenario expects.
weather_port=$(free_port)
python3 - "$weather_port" <<'PY' &
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

class Stub(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/v1/search":
            name = parse_qs(url.query).get("name", [""])[0].lower()
            body = {"results": [{"name": "Berlin", "latitude": 52.52, "longitude": 13.41,
                                 "country": "Germany"}]} if name == "berlin" else {}
        else:
            body = {"current": {"temperature_2m": 3.5, "weather_code": 3, "wind_speed_10m": 12.0}}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), Stub).serve_forever()
PY
pids+=($!)
wait_for "http://127.0.0.1:$weather_port/v1/forecast"

cat >"$work/cxhook.toml" <<EOF
[log]
format = "json"

[auth.bearer]
token_envs = ["HOT_SYMBOLS_TOKEN"]

[weather]
geocoding_url = "http://127.0.0.1:$weather_port/v1/search"
forecast_url = "http://127.0.0.1:$weather_port/v1/forecast"
EOF

port=$(free_port)
url=http://127.0.0.1:$port
export HOT_SYMBOLS_TOKEN=hot-symbols
(cd "$work" && exec valgrind --tool=callgrind --demangle=no --compress-strings=no \
  --compress-pos=no --callgrind-out-file="$work/callgrind.out" \
  "$bin" serve --config cxhook.toml --addr "127.0.0.1:$port" 2>"$work/serve.log" >/dev/null) &
server=$!
pids+=($server)
wait_for "$url/readyz"

"$bin" scenario --url "$url/webhook" --bearer "$HOT_SYMBOLS_TOKEN" \
  "$root"/scenarios/*.yaml "$root"/scenarios/stubbed/*.yaml
post() { curl -s -o /dev/null -H 'content-type: application/json' "$@" "$url/webhook"; }
for payload in "$root"/bench/payloads/*.json; do
  post -H "Authorization: Bearer $HOT_SYMBOLS_TOKEN" --data-binary "@$payload"
done
# Many calls at once, as under load: what a server runs with many connections open.
for payload in "$root"/bench/payloads/*.json; do
  seq 192 | xargs -P 64 -I{} curl -s -o /dev/null -H 'content-type: application/json' \
    -H "Authorization: Bearer $HOT_SYMBOLS_TOKEN" --data-binary "@$payload" "$url/webhook"
done
post -H "Authorization: Bearer $HOT_SYMBOLS_TOKEN" --data-binary '{"fulfillmentInfo": {"tag": "no.such.tag"}}'
post -H "Authorization: Bearer $HOT_SYMBOLS_TOKEN" --data-binary '{not json'
post --data-binary '{}'
curl -s -o /dev/null "$url/healthz"
curl -s -o /dev/null "$url/metrics"
kill -TERM "$server"
wait "$server" || true

python3 - "$work/callgrind.out" "$bin" "$out" <<'PY'
"""The binary's functions that ran, by the instructions they ran themselves, most first."""
import collections, re, sys

trace, binary, out = sys.argv[1:]
cost = collections.Counter()
obj = fn = None
call_line = False
for line in open(trace):
    if line.startswith("ob="):
        obj = line[3:].strip()
    elif line.startswith("fn="):
        # callgrind marks recursion levels with 'N; the symbol is the same
        fn = re.sub(r"'\d+$", "", line[3:].strip()) if obj == binary else None
    elif line.startswith("calls="):
        call_line = True  # the cost line after it is the callee's, not this function's
    elif line[:1].isdigit() or line[:1] in "+-*":
        if call_line:
            call_line = False
        elif fn is not None:
            parts = line.split()
            cost[fn] += int(parts[1]) if len(parts) > 1 else 0
names = [name for name, _ in cost.most_common()
         if not name.startswith("0x") and not name.startswith("(")]
with open(out, "w") as f:
    f.write("\n".join(names) + "\n")
print(f"hot-symbols.sh: {len(names)} functions in {out}")
PY
