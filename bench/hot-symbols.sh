#!/usr/bin/env bash
# Writes crates/cxhook-cli/link/hot-symbols.txt: the functions of `cxhook serve` that run from
# start-up through answering every built-in tag, hottest first, by their symbol names. The
# release build places them first in its text, and, by a pattern of each name, whatever a
# change elsewhere renames them to (crates/cxhook-cli/build.rs says how and why).
#
#   bash bench/hot-symbols.sh [BINARY]
#
# It builds the release binary with its symbols kept (through RUSTFLAGS) and without the
# list's order into target/symbols, or takes BINARY, such a binary; starts it under valgrind's
# callgrind on a fresh database, with bearer auth, JSON log lines and a stub weather provider
# on 127.0.0.1, plays the repository's scenarios against it, sends the benchmark's requests
# (one at a time, then 64 at a time) and a few bad ones, reads /readyz and /metrics, stops
# it with SIGTERM, and keeps the functions of the binary that ran. Needs valgrind, curl and
# python3. Run it again after changes that move the hot path: a renamed function stays
# placed, but a new one is not, and a listed one that is gone (inlined, removed, or renamed
# by hand) loses its part of the gain.
#
#   bash bench/hot-symbols.sh --check BINARY
#
# counts, in BINARY, a release binary built with its symbols kept (RUSTFLAGS="-C strip=none")
# as CI builds it: the listed functions still there by name, the patterns build.rs derives
# from them that match a function, and the functions the link placed in its .text.hot
# section. It fails when that section is missing (the list was not linked) or when fewer
# than 80 % of the patterns match, which no rename does: the list is then out of date and
# is written again. (A new version of cxhook-types renamed 891 of 2,427 listed functions,
# and every pattern still matched; on the list written before a day of changes, with 874 of
# its 2,395 names gone, 1,892 of its 1,893 patterns matched.)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/crates/cxhook-cli/link/hot-symbols.txt
if [[ ${1:-} == --check ]]; then
  binary=${2:?usage: bash bench/hot-symbols.sh --check BINARY}
  python3 - "$out" "$binary" <<'PY'
import bisect, re, subprocess, sys

listed_file, binary = sys.argv[1:]
listed = [line.strip() for line in open(listed_file)
          if line.strip() and not line.startswith("#")]
symbols = {}
for line in subprocess.run(["nm", "--defined-only", binary], check=True, capture_output=True,
                           text=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in "tTwW":
        symbols[parts[2]] = int(parts[0], 16)
names = sorted(symbols)
hot = None
for line in subprocess.run(["readelf", "-SW", binary], check=True, capture_output=True,
                           text=True).stdout.splitlines():
    fields = line.replace("[ ", "[").split()
    if len(fields) > 5 and fields[1] == ".text.hot":
        hot = (int(fields[3], 16), int(fields[3], 16) + int(fields[5], 16))

def pattern(name):
    """The pattern build.rs derives from a listed name (see `pattern` there)."""
    legacy = re.fullmatch(r"(_ZN.*17h)[0-9a-f]{16}E(\..*)?", name)
    if legacy:
        return legacy[1] + "?" * 16 + "E"
    stem = name.split(".")[0]
    return re.sub(r"Cs[0-9A-Za-z]+_", "Cs*_", stem) if stem.startswith("_R") else stem

def matching(pattern):
    """The functions the linker takes for a pattern: the pattern, then nothing or a `.` suffix."""
    regex = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + r"(\..*)?")
    prefix = re.split(r"[*?]", pattern)[0]
    i = bisect.bisect_left(names, prefix)
    found = []
    while i < len(names) and names[i].startswith(prefix):
        if regex.fullmatch(names[i]):
            found.append(names[i])
        i += 1
    return found

exact = [name for name in listed if name in symbols]
patterns = list(dict.fromkeys(pattern(name) for name in listed))
matched = {p: matching(p) for p in patterns}
resolved = [p for p in patterns if matched[p]]
functions = {name for found in matched.values() for name in found}
placed = {name for name in functions if hot and hot[0] <= symbols[name] < hot[1]}
share = len(resolved) / max(len(patterns), 1)
print(f"hot-symbols.sh: of {len(listed)} listed functions, {len(exact)} are in {binary} by "
      f"name; {len(resolved)} of their {len(patterns)} patterns ({share:.0%}) match "
      f"{len(functions)} functions, {len(placed)} of them placed in .text.hot "
      f"({(hot[1] - hot[0]) / 1024 if hot else 0:.0f} KiB)")
if hot is None:
    print(f"{binary} has no .text.hot section: the list was not linked "
          "(crates/cxhook-cli/build.rs).", file=sys.stderr)
    sys.exit(1)
if share < 0.8:
    missing = [p for p in patterns if not matched[p]]
    print("patterns that match nothing, for example:", *missing[:5], sep="\n  ",
          file=sys.stderr)
    print("The list is out of date: write it again with `bash bench/hot-symbols.sh` "
          "(needs valgrind).", file=sys.stderr)
    sys.exit(1)
PY
  exit 0
fi
for tool in valgrind curl python3; do
  command -v "$tool" >/dev/null || { echo "hot-symbols.sh: needs $tool" >&2; exit 2; }
done

# The binary is linked without the list (CXHOOK_NO_SYMBOL_ORDER, crates/cxhook-cli/build.rs):
# valgrind attributes the functions a link has moved into .text.hot to no object, so a
# binary linked with the list would only show the functions the list does not have.
if [[ -n ${1:-} ]]; then
  bin=$(realpath "$1")
else
  CXHOOK_NO_SYMBOL_ORDER=1 RUSTFLAGS="-C strip=none" CARGO_TARGET_DIR="$root/target/symbols" \
    cargo build --release --locked -p cxhook-cli --manifest-path "$root/Cargo.toml"
  bin=$root/target/symbols/release/cxhook
fi
if readelf -SW "$bin" | grep -q '\.text\.hot'; then
  echo "hot-symbols.sh: $bin was linked with the list (it has .text.hot); build it with" \
    "CXHOOK_NO_SYMBOL_ORDER=1, or give no BINARY" >&2
  exit 2
fi

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
         if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.$]*", name)]
with open(out, "w") as f:
    f.write("# Written by bench/hot-symbols.sh: the functions cxhook serve runs, hottest first.\n"
            "# crates/cxhook-cli/build.rs places them, and what they are renamed to, first.\n")
    f.write("\n".join(names) + "\n")
print(f"hot-symbols.sh: {len(names)} functions in {out}")
PY
