#!/usr/bin/env bash
# The benchmark: cxhook against the tutorial stacks and the Rust references, on this machine.
#
#   bash bench/run.sh                                   # about 20 minutes with the defaults
#   ROUNDS=1 DURATION=3 CONCURRENCY=16 bash bench/run.sh  # a quick look
#
# Sets up what it measures (a Python venv with pinned Flask/gunicorn and FastAPI/uvicorn,
# the peers' 10,000-row SQLite table, the Rust peers in peers/limit, the release cxhook and
# its 10,000-account database), then runs every server in servers.conf pinned to one core
# with wrk on another, and writes bench/results.md. See bench/README.md.
#
# Knobs (environment):
#   ROUNDS=3 DURATION=10 WARMUP=3 CONCURRENCY="16 64 256" COLD_RUNS=10 ONLY=<regex on names>
#   PIN=auto|1|0 SERVER_CPU=1 LOAD_CPU=0 WRK_THREADS=1 UNPINNED=0 BASELINE=flask-gunicorn-sync
#   BENCH_CXHOOK=<a built cxhook, skips its build> BENCH_LOG=/dev/null BENCH_TOKEN=<random>
#   CONF=servers.conf OUT=results.md
# Only 127.0.0.1 is targeted. Servers are stopped by their own process-group id.
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
cd "$BENCH"

need() { command -v "$1" >/dev/null || { echo "bench: $1 is missing; $2" >&2; exit 2; }; }
need wrk "install it: apt-get update && apt-get install -y wrk"
need python3 "install Python 3.9 or newer with venv (apt-get install -y python3-venv)"
need cargo "install a Rust toolchain (1.95 or newer)"
if env | grep -q '^CXHOOK_'; then
  echo "bench: CXHOOK_* variables are set and would change cxhook's configuration; unset them" >&2
  exit 2
fi
if [[ "${PIN:-auto}" != 0 && "$(nproc)" -ge 2 ]]; then
  need taskset "install util-linux, or run with PIN=0"
fi

# The Python peers, in a venv with the pinned versions.
if ! .venv/bin/python -c 'import flask, gunicorn, fastapi, uvicorn, uvloop, httptools' 2>/dev/null; then
  echo "bench: creating .venv (peers/requirements.txt)" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r peers/requirements.txt
fi

# The peers' table: accounts(user_id TEXT PRIMARY KEY, balance REAL), 10,000 rows.
export BENCH_DB="$BENCH/data/accounts.db"
[[ -s "$BENCH_DB" ]] || python3 peers/setup_db.py "$BENCH_DB" >/dev/null

# The Rust peers and the cold-start timer, and the Postgres peers: cargo workspaces of their own.
cargo build --release --locked --quiet --manifest-path peers/limit/Cargo.toml --target-dir peers/limit/target
cargo build --release --locked --quiet --manifest-path peers/pg/Cargo.toml --target-dir peers/pg/target

# cxhook, release, from this checkout.
if [[ -z "${BENCH_CXHOOK:-}" ]]; then
  (cd "$ROOT" && cargo build --release --locked -p cxhook-cli --bin cxhook)
  target=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  BENCH_CXHOOK="$target/release/cxhook"
  export BENCH_BUILT=1
fi
[[ -x "$BENCH_CXHOOK" ]] || { echo "bench: no cxhook binary at $BENCH_CXHOOK" >&2; exit 2; }
export BENCH_CXHOOK

# cxhook's database: created and migrated by cxhook, then filled to 10,000 accounts.
python3 cxhook_db.py "$BENCH_CXHOOK" data/cxhook.db >/dev/null

# The bearer token cxhook requires (cxhook.toml) and post.lua sends.
BENCH_TOKEN="${BENCH_TOKEN:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')}"
export BENCH_TOKEN

# The Postgres rows' server: a throwaway cluster in data/pg on the load generator's core,
# when PostgreSQL's server binaries are on PATH (the rows are skipped otherwise).
if command -v initdb >/dev/null && command -v pg_ctl >/dev/null && [[ -z "${BENCH_PG_URL:-}" ]]; then
  pin_pg=""
  [[ "${PIN:-auto}" != 0 && "$(nproc)" -ge 2 ]] && pin_pg="${LOAD_CPU:-0}"
  BENCH_PG_URL=$(bash peers/setup_pg.sh "$BENCH/data/pg" "$pin_pg")
  export BENCH_PG_URL
  trap 'bash peers/setup_pg.sh stop "$BENCH/data/pg"' EXIT
  # cxhook's Postgres row: its own database on that server, filled to 10,000 accounts.
  python3 cxhook_db.py "$BENCH_CXHOOK" "${BENCH_PG_URL%/*}/cxhook" >/dev/null
fi

python3 driver.py
