#!/usr/bin/env bash
# Contract test: does the cxhook server answer Dialogflow CX webhook requests
# with responses that Google's own types accept? See contract/check.py.
#
#   1. set up a virtualenv in .venv-contract/ with contract/requirements.txt
#   2. check.py selftest: the checker itself accepts good and rejects bad JSON
#   3. build and start `cxhook serve` on a free loopback port, its weather
#      provider a stub of Open-Meteo (check.py weather-stub)
#   4. POST every request in testdata/fixtures, testdata/captured and
#      contract/requests (the built-in tags: accounts, weather, booking) to it,
#      once in each shipped language (en, de, fr, es): the integrations and the
#      server's fallbacks answer in the caller's language, and every language's
#      reply must pass
#   5. if CX_CONTRACT_DIR is set, check the response JSON files that the
#      Rust tests wrote there
#
# Run it from anywhere: bash contract/run.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"

# --- Python environment -----------------------------------------------------
venv="$root/.venv-contract"
if [[ ! -x "$venv/bin/python" ]]; then
    if command -v python3.11 >/dev/null 2>&1; then
        python3.11 -m venv "$venv"
    else
        python3 -m venv "$venv"
    fi
fi
py="$venv/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check -r contract/requirements.txt

echo "--- contract: check.py selftest"
"$py" contract/check.py selftest

# --- Build and start the server ---------------------------------------------
echo "--- contract: cargo build --locked -p cxhook-cli"
cargo build --locked -p cxhook-cli
target_dir="${CARGO_TARGET_DIR:-target}"
if [[ "$target_dir" != /* ]]; then
    target_dir="$root/$target_dir"
fi
bin="$target_dir/debug/cxhook"

tmp="$(mktemp -d)"
mkdir "$tmp/cwd"
log="$tmp/server.log"
server_pid=""
stub_pid=""

# shellcheck disable=SC2317  # (called by the trap below)
cleanup() {
    local status=$?
    if [[ -n "$stub_pid" ]]; then
        kill "$stub_pid" 2>/dev/null || true
        wait "$stub_pid" 2>/dev/null || true
    fi
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && -f "$log" ]]; then
        echo "--- contract: server log ($log)"
        cat "$log"
        echo "--- contract: end of server log"
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base_url="http://127.0.0.1:$port"
echo "--- contract: starting $bin serve --addr 127.0.0.1:$port"
"$py" contract/check.py weather-stub >"$tmp/stub-port" &
stub_pid=$!
for _ in $(seq 100); do
    [[ -s "$tmp/stub-port" ]] && break
    sleep 0.1
done
stub_url="http://127.0.0.1:$(head -n1 "$tmp/stub-port")"
# A fresh working directory, so the server finds no config or data of ours.
(cd "$tmp/cwd" &&
    CXHOOK_WEATHER__GEOCODING_URL="$stub_url/v1/search" \
    CXHOOK_WEATHER__FORECAST_URL="$stub_url/v1/forecast" \
    exec "$bin" serve --addr "127.0.0.1:$port") >"$log" 2>&1 &
server_pid=$!
"$py" contract/check.py wait "$base_url/healthz" --timeout 30 --pid "$server_pid"

# --- Checks -----------------------------------------------------------------
failed=0
echo "--- contract: check.py server $base_url/webhook, in en, de, fr and es"
"$py" contract/check.py server "$base_url/webhook" \
    --requests testdata/fixtures testdata/captured contract/requests \
    --languages en de fr es || failed=1

if [[ -n "${CX_CONTRACT_DIR:-}" ]]; then
    echo "--- contract: check.py files \$CX_CONTRACT_DIR ($CX_CONTRACT_DIR)"
    "$py" contract/check.py files "$CX_CONTRACT_DIR" || failed=1
else
    echo "--- contract: CX_CONTRACT_DIR is not set; not checking responses written by the Rust tests"
fi

exit "$failed"
