#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the Postgres rows of the benchmark and fills the peers'
# table, accounts(user_id TEXT PRIMARY KEY, balance DOUBLE PRECISION), with the 10,000 rows
# of setup_db.py. Prints the URL to connect with; `setup_pg.sh stop DIR` stops it.
#
#   bash peers/setup_pg.sh DIR CPU     # the cluster in DIR, its processes pinned to CPU ("" for none)
#
# Postgres runs on the load generator's core (run.sh passes LOAD_CPU), so that the server
# measured has its core to itself, as it would beside a managed database. initdb refuses to
# run as root: as root the cluster belongs to the `postgres` user, which Debian's
# postgresql-common creates (or any user named by BENCH_PG_USER).
set -euo pipefail
if [[ "${1:-}" == stop ]]; then
    dir="$2"
    owner=$(stat -c %U "$dir")
    runuser -u "$owner" -- pg_ctl -D "$dir/data" stop -m fast >/dev/null
    exit 0
fi
dir="$1"
cpu="${2:-}"
as=()
if [[ "$(id -u)" == 0 ]]; then
    as=(runuser -u "${BENCH_PG_USER:-postgres}" --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
rm -rf "$dir"
mkdir -p "$dir"
[[ ${#as[@]} -eq 0 ]] || chown "${BENCH_PG_USER:-postgres}" "$dir"
"${as[@]}" initdb -D "$dir/data" -U postgres --auth=trust >/dev/null
pin=()
[[ -z "$cpu" ]] || pin=(taskset -c "$cpu")
"${as[@]}" "${pin[@]}" pg_ctl -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=50" start >/dev/null
url="postgres://postgres@127.0.0.1:$port/postgres"
psql -q "$url" <<'SQL'
CREATE TABLE accounts(user_id TEXT PRIMARY KEY, balance DOUBLE PRECISION);
INSERT INTO accounts
SELECT 'u-' || i, round((((i * 7919) % 1000000) / 100.0)::numeric, 2)::float8
FROM generate_series(1, 10000) AS i;
ANALYZE accounts;
CREATE DATABASE cxhook;
SQL
echo "$url"
