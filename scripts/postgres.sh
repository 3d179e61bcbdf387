#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the Postgres tests, on 127.0.0.1 and a free port.
#
#   eval "$(bash scripts/postgres.sh start /tmp/cxhook-pg)"   # prints the export lines
#   cargo test --workspace
#   bash scripts/postgres.sh stop /tmp/cxhook-pg
#
# `down DIR` stops the server as an outage would (`pg_ctl stop -m fast`: sessions ended,
# transactions rolled back) and keeps DIR; `up DIR` starts it again on the same port, with
# the same data, for the tests of how cxhook rides out a database that goes away.
#
# `start` needs initdb, pg_ctl and postgres (PostgreSQL 15 or later) and openssl on PATH. It
# makes a cluster in DIR (created, or empty) with the user `cxhook` and a random password,
# and a CA and a server certificate for 127.0.0.1 and localhost (TLS is on, not required),
# starts it and prints `export TEST_POSTGRES_URL=…`, `…_PASSWORD=…`, `…_CA=…` (the CA
# certificate's file) and `…_SOCKET_DIR=…` (where its unix socket is, as Cloud SQL's).
# initdb refuses to run as root: as root, the cluster runs as the system user `cxhook-pg`
# (created when missing). `stop` stops the cluster and removes DIR.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|down|up DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
action=$1
dir=$2

# Runs a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u cxhook-pg -- "$@"
    else
        "$@"
    fi
}

# Starts the cluster in DIR with the options `start` chose.
server_start() {
    as_owner pg_ctl --pgdata="$dir/data" --log="$dir/postgres.log" --wait --timeout=60 \
        --options="$(cat "$dir/options")" start >/dev/null || {
        cat "$dir/postgres.log" >&2
        exit 1
    }
}

case "$action" in
start)
    for tool in initdb pg_ctl postgres openssl; do
        command -v "$tool" >/dev/null || {
            echo "$tool is not on PATH: install PostgreSQL 15 or later" >&2
            exit 1
        }
    done
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        id cxhook-pg >/dev/null 2>&1 || useradd --system --no-create-home cxhook-pg
        chown cxhook-pg "$dir"
    fi
    password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" >"$dir/pwfile"
    [ "$(id -u)" -ne 0 ] || chown cxhook-pg "$dir/pwfile"
    as_owner initdb --pgdata="$dir/data" --username=cxhook --pwfile="$dir/pwfile" \
        --auth-host=scram-sha-256 --auth-local=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    rm -f "$dir/pwfile"
    # A CA of its own and a server certificate it signed, valid for two days.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=cxhook test CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
        >/dev/null 2>&1
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
        -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
    printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
        "extendedKeyUsage=serverAuth" >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
        -CAcreateserial -days 2 -extfile "$dir/server.ext" -out "$dir/server.crt" >/dev/null 2>&1
    chmod 600 "$dir/server.key"
    [ "$(id -u)" -ne 0 ] || chown cxhook-pg "$dir/server.key" "$dir/server.crt"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # Sockets in DIR, not /var/run/postgresql (which may be missing or not writable). The
    # options are kept for `up`.
    printf '%s\n' "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300 -c fsync=off -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" \
        >"$dir/options"
    server_start
    echo "export TEST_POSTGRES_URL=postgres://cxhook@127.0.0.1:$port/postgres"
    echo "export TEST_POSTGRES_PASSWORD=$password"
    echo "export TEST_POSTGRES_CA=$dir/ca.crt"
    echo "export TEST_POSTGRES_SOCKET_DIR=$dir"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        as_owner pg_ctl --pgdata="$dir/data" --mode=immediate --wait stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
down)
    as_owner pg_ctl --pgdata="$dir/data" --mode=fast --wait stop >/dev/null
    ;;
up)
    server_start
    ;;
*)
    usage
    ;;
esac
