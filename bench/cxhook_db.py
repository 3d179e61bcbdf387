#!/usr/bin/env python3
"""Create cxhook's benchmark database: 10,000 accounts, the size of the peers' table.

    python3 cxhook_db.py BINARY DB_PATH
    python3 cxhook_db.py BINARY postgres://USER@HOST:PORT/DATABASE

cxhook itself creates the file the supported way: `BINARY serve` is started once on a free
loopback port with CXHOOK_ACCOUNTS__DATABASE and CXHOOK_BOOKING__DATABASE set to DB_PATH,
which creates, migrates and seeds it (the demo accounts u-1001 to u-1005), and is stopped
once /readyz answers 200. The other accounts, u-1 to u-10000, are then added with sqlite3
in the schema cxhook migrated (accounts(user_id, holder, currency, balance_minor)); the
balances are those of the peers' table, in cents. A database that already has 10,000
accounts is left as it is.

A Postgres URL (of a database without a password, as run.sh's throwaway server) is filled
the same way: cxhook migrates and seeds it, then psql adds the other accounts.
"""
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROWS = 10_000


def psql(url, sql):
    done = subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"cxhook_db: psql failed: {done.stderr.strip()}")
    return done.stdout.strip()


def count(path):
    if is_postgres(path):
        done = subprocess.run(["psql", "-qAt", path, "-c", "SELECT count(*) FROM accounts"],
                              capture_output=True, text=True)
        return int(done.stdout) if done.returncode == 0 else 0
    if not os.path.exists(path):
        return 0
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM accounts").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def is_postgres(path):
    return path.startswith(("postgres://", "postgresql://"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def migrate(binary, path):
    port = free_port()
    env = dict(os.environ, CXHOOK_ACCOUNTS__DATABASE=path, CXHOOK_BOOKING__DATABASE=path)
    proc = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{port}"], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            if proc.poll() is not None:
                sys.exit(f"cxhook_db: {binary} serve exited with {proc.returncode}: "
                         f"{proc.stderr.read().decode(errors='replace')[-500:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.05)
        sys.exit(f"cxhook_db: {binary} serve was not ready within 30 s")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: cxhook_db.py BINARY DB_PATH")
    binary, path = os.path.abspath(sys.argv[1]), sys.argv[2]
    if not is_postgres(path):
        path = os.path.abspath(path)
    if count(path) == ROWS:
        print(f"{path}: {ROWS} accounts")
        return
    if is_postgres(path):
        migrate(binary, path)
        psql(path, f"""INSERT INTO accounts (user_id, holder, currency, balance_minor)
                       SELECT 'u-' || i, 'Customer ' || i, 'USD', (i * 7919) % 1000000
                       FROM generate_series(1, {ROWS}) AS i ON CONFLICT DO NOTHING;
                       ANALYZE accounts;""")
    else:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        migrate(binary, path)
        conn = sqlite3.connect(path)
        with conn:
            conn.executemany(
                "INSERT OR IGNORE INTO accounts (user_id, holder, currency, balance_minor) VALUES (?, ?, 'USD', ?)",
                ((f"u-{i}", f"Customer {i}", (i * 7919) % 1_000_000) for i in range(1, ROWS + 1)),
            )
        conn.close()
    rows = count(path)
    if rows != ROWS:
        sys.exit(f"cxhook_db: {path} has {rows} accounts, expected {ROWS}")
    print(f"{path}: {ROWS} accounts")


if __name__ == "__main__":
    main()
