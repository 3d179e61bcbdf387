#!/usr/bin/env bash
# A throwaway Redis server for the Redis tests, on 127.0.0.1 and a free port.
#
#   eval "$(bash scripts/redis.sh start /tmp/cxhook-redis)"   # prints the export lines
#   cargo test --workspace
#   bash scripts/redis.sh stop /tmp/cxhook-redis
#
# `start` needs redis-server (Debian: `apt-get install -y redis-server`) and python3 on
# PATH. It runs a server in DIR (created, or empty) with a random password (requirepass),
# no persistence, and prints `export TEST_REDIS_URL=redis://127.0.0.1:PORT` (no password in
# it), `export TEST_REDIS_PASSWORD=…` and `export TEST_REDIS_PASSWORD_FILE=…` (a file that
# holds it). `stop` stops the server and removes DIR. The tests that kill the server mid-way
# start servers of their own.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
action=$1
dir=$2

case "$action" in
start)
    for tool in redis-server redis-cli python3; do
        command -v "$tool" >/dev/null || {
            echo "$tool is not on PATH: install Redis (apt-get install -y redis-server)" >&2
            exit 1
        }
    done
    mkdir -p "$dir"
    password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" >"$dir/password"
    chmod 600 "$dir/password"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # The password goes in a config file, not on the command line where ps shows it.
    cat >"$dir/redis.conf" <<EOF
bind 127.0.0.1
port $port
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
dir $dir
save ""
appendonly no
requirepass $password
EOF
    chmod 600 "$dir/redis.conf"
    redis-server "$dir/redis.conf" || {
        cat "$dir/redis.log" >&2 2>/dev/null
        exit 1
    }
    for _ in $(seq 1 100); do
        if REDISCLI_AUTH=$password redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
            echo "export TEST_REDIS_URL=redis://127.0.0.1:$port"
            echo "export TEST_REDIS_PASSWORD=$password"
            echo "export TEST_REDIS_PASSWORD_FILE=$dir/password"
            exit 0
        fi
        sleep 0.1
    done
    echo "redis-server did not answer on 127.0.0.1:$port within 10 s" >&2
    cat "$dir/redis.log" >&2 2>/dev/null
    exit 1
    ;;
stop)
    if [ -f "$dir/redis.pid" ]; then
        pid=$(cat "$dir/redis.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
    ;;
*)
    usage
    ;;
esac
