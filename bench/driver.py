#!/usr/bin/env python3
"""The measurement loop behind run.sh (standard library only). See run.sh for the knobs.

Phases:
  1. check: each server once, started as measured: its answer to its payload must be 200 and
     contain its `expect` text; cxhook must write one log line per call; idle RSS is read.
  2. load rounds: for each round, for each server (order rotated per round): start it (pinned
     to SERVER_CPU when pinning), wait for a 200, then for each concurrency WARMUP s of wrk and
     DURATION s measured; read the process group's memory; stop it.
  3. cold start: COLD_RUNS per server, exec to first HTTP 200 (peers/limit's coldstart timer).
  4. unpinned (UNPINNED=1): one round without taskset.
Servers are stopped by their process-group id (the id of the process we started), never by name.
Writes OUT (results.md) and raw records under results/<run-id>/.
"""
import datetime
import http.client
import json
import os
import platform
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
E = os.environ
CONF = E.get("CONF", os.path.join(BENCH, "servers.conf"))
ROUNDS = int(E.get("ROUNDS", "3"))
DURATION = int(E.get("DURATION", "10"))
WARMUP = int(E.get("WARMUP", "3"))
CONCURRENCY = [int(c) for c in E.get("CONCURRENCY", "16 64 256").split()]
COLD_RUNS = int(E.get("COLD_RUNS", "10"))
UNPINNED = E.get("UNPINNED", "0") == "1"
ONLY = E.get("ONLY", "")
SERVER_CPU = E.get("SERVER_CPU", "1")
LOAD_CPU = E.get("LOAD_CPU", "0")
WRK_THREADS = int(E.get("WRK_THREADS", "1"))
BASELINE = E.get("BASELINE", "flask-gunicorn-sync")
OUT = E.get("OUT", os.path.join(BENCH, "results.md"))
DB = E.get("BENCH_DB", os.path.join(BENCH, "data", "accounts.db"))
CXHOOK = E.get("BENCH_CXHOOK", "")
BENCH_LOG = E.get("BENCH_LOG", "/dev/null")
TOKEN = E.get("BENCH_TOKEN", "")
PG = E.get("BENCH_PG_URL", "")
# cxhook's own database on that server (run.sh fills it with cxhook_db.py).
PG_CXHOOK = PG.rsplit("/", 1)[0] + "/cxhook" if PG else ""
PIN = E.get("PIN", "auto")
COLDSTART = os.path.join(BENCH, "peers", "limit", "target", "release", "coldstart")
RUN_ID = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
RAW_DIR = os.path.join(BENCH, "results", RUN_ID)
CLK_TCK = os.sysconf("SC_CLK_TCK")

LIVE = []  # Popen objects of servers currently running (for cleanup)


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def pinning():
    if PIN == "auto":
        return (os.cpu_count() or 1) >= 2 and subprocess.run(["sh", "-c", "command -v taskset"],
                                                             capture_output=True).returncode == 0
    return PIN == "1"


PINNED = pinning()


def load_conf():
    servers = []
    for line in open(CONF):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|", 4)]
        if len(parts) != 5:
            sys.exit(f"{CONF}: a line needs 5 fields (name | payload | auth | expect | command): {line}")
        name, payload, auth, expect, cmd = parts
        if auth not in ("bearer", "-"):
            sys.exit(f"{CONF}: {name}: auth must be `bearer` or `-`, not `{auth}`")
        path = os.path.join(BENCH, "payloads", payload)
        if not os.path.isfile(path):
            sys.exit(f"{CONF}: {name}: no payload file {path}")
        if ONLY and not re.search(ONLY, name):
            continue
        if ("{PG}" in cmd or "{PG_CXHOOK}" in cmd) and not PG:
            log(f"{name}: skipped, no Postgres (BENCH_PG_URL is not set; run.sh sets it when initdb is on PATH)")
            continue
        with open(path, "rb") as f:
            body = f.read()
        servers.append({"name": name, "payload": payload, "path": path, "body": body, "auth": auth,
                        "token": TOKEN if auth == "bearer" else "", "expect": expect, "cmd": cmd})
    return servers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expand(cmd, port, logfile=BENCH_LOG):
    return (cmd.replace("{PORT}", str(port)).replace("{DB}", DB).replace("{BENCH}", BENCH)
            .replace("{CXHOOK}", CXHOOK).replace("{LOG}", logfile).replace("{PG_CXHOOK}", PG_CXHOOK)
            .replace("{PG}", PG))


def start(srv, port, pinned, logpath, logfile=BENCH_LOG):
    pre = f"taskset -c {SERVER_CPU} " if pinned else ""
    full = "exec " + pre + expand(srv["cmd"], port, logfile)
    logf = open(logpath, "ab")
    p = subprocess.Popen(["bash", "-c", full], cwd=BENCH, stdin=subprocess.DEVNULL, stdout=logf,
                         stderr=subprocess.STDOUT, start_new_session=True)
    logf.close()
    LIVE.append(p)
    return p


def stop(p):
    """SIGTERM the server's process group (pgid == pid we started), SIGKILL after 10 s."""
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.time() + 5
    while group_pids(p.pid) and time.time() < deadline:  # workers may outlive the master briefly
        time.sleep(0.05)
    if group_pids(p.pid):
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    if p in LIVE:
        LIVE.remove(p)


def post(srv, port, timeout=2.0):
    headers = {"Content-Type": "application/json"}
    if srv["token"]:
        headers["Authorization"] = f"Bearer {srv['token']}"
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("POST", "/webhook", body=srv["body"], headers=headers)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def wait_ready(srv, p, port, timeout=60):
    """Posts the payload until the answer is 200; returns how many calls got an answer."""
    t0 = time.time()
    answered = 0
    while time.time() - t0 < timeout:
        if p.poll() is not None:
            raise RuntimeError(f"server exited with {p.returncode}")
        try:
            st, _ = post(srv, port)
            answered += 1
            if st == 200:
                return answered
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("server not ready in time")


def group_pids(pgid):
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            pids.append(int(d))
    return pids


def group_cpu_s(pgid):
    """utime+stime (seconds) summed over the live processes of the server's process group."""
    total = 0
    for pid in group_pids(pgid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK


def memory(pgid):
    """Sum over the server's process group: VmHWM (peak RSS), VmRSS, Pss (KiB)."""
    hwm = rss = pss = 0
    pids = group_pids(pgid)
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmHWM:"):
                    hwm += int(line.split()[1])
                elif line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
            for line in open(f"/proc/{pid}/smaps_rollup"):
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return {"procs": len(pids), "vmhwm_kib": hwm, "vmrss_kib": rss, "pss_kib": pss}


def foreign_ticks(server_pgid):
    """{(pid, starttime): utime+stime} of user-space processes other than this driver and the
    server's process group; kernel threads skipped. Children's times (cutime) are left out: a
    long compile reaped in the window would count whole. A process that ends within the window
    is missed: the figure is a lower bound, a noise flag."""
    me = os.getpid()
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == me:
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        fl = st[st.rindex(")") + 2:].split()
        if d == "2" or fl[1] == "2" or int(fl[2]) == server_pgid:
            continue
        out[(d, fl[19])] = int(fl[11]) + int(fl[12])
    return out


def foreign_cpu_s(a, b):
    return sum(v - a.get(k, 0) for k, v in b.items()) / CLK_TCK


def wrk(srv, port, c, dur, pinned):
    cmd = (["taskset", "-c", LOAD_CPU] if pinned else []) + [
        "wrk", f"-t{WRK_THREADS}", f"-c{c}", f"-d{dur}s", "--timeout", "5s", "-s",
        os.path.join(BENCH, "post.lua"), f"http://127.0.0.1:{port}/webhook"]
    env = dict(os.environ, BENCH_BODY=srv["path"], BENCH_TOKEN=srv["token"])
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=dur + 60, env=env)
    for line in r.stdout.splitlines():
        if line.startswith("WRKJSON "):
            d = json.loads(line[8:])
            d["rps"] = d["requests"] / (d["duration_us"] / 1e6)
            d["errors"] = sum(d[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
            return d
    raise RuntimeError(f"wrk gave no summary: rc={r.returncode} {r.stdout[-500:]} {r.stderr[-500:]}")


def busy_pct(seconds=1.0):
    """CPU busy on the whole machine over `seconds`, in % of one core (before any server runs)."""
    def snap():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return sum(fields[:8]) - fields[3] - fields[4] - fields[7], sum(fields[:8])
    b0, t0 = snap()
    time.sleep(seconds)
    b1, t1 = snap()
    return 100.0 * (os.cpu_count() or 1) * (b1 - b0) / max(t1 - t0, 1)


def record(rec):
    with open(os.path.join(RAW_DIR, "raw.jsonl"), "a") as f:
        f.write(json.dumps(rec) + "\n")


def check_phase(servers):
    """Each server once: the answer, one log line per call for cxhook, idle RSS."""
    for srv in servers:
        name = srv["name"]
        port = free_port()
        calls_log = os.path.join(RAW_DIR, f"{name}.calls.jsonl")
        p = start(srv, port, PINNED, os.path.join(RAW_DIR, f"{name}.log"), calls_log)
        try:
            calls = wait_ready(srv, p, port) + 1
            st, body = post(srv, port)
            text = body.decode(errors="replace")
            ok = st == 200 and srv["expect"] in text
            try:
                json.loads(body)
            except ValueError:
                ok = False
            rec = {"phase": "check", "server": name, "ok": ok, "status": st, "body": text}
            time.sleep(0.5)
            rec.update(memory(p.pid))
            if "{LOG}" in srv["cmd"]:
                # the lines logged in the span of a call (start-up lines are in none)
                rid = json.loads(srv["body"]).get("detectIntentResponseId")
                with open(calls_log) as f:
                    lines = [json.loads(line) for line in f if line.strip()]
                answered = [line for line in lines if (line.get("span") or {}).get("request_id") == rid]
                rec["log_lines_per_call"] = len(answered) / calls
                ok = ok and len(answered) == calls
                rec["ok"] = ok
            record(rec)
            log(f"[check] {name}: {'ok' if ok else 'WRONG'} {st}, idle RSS {rec['vmrss_kib'] / 1024:.1f} MiB "
                f"{text[:160]}")
            if not ok:
                log(f"  WARNING: {name} answered {st} without `{srv['expect']}` (or not one log line per call)")
        except Exception as e:  # keep going with the other servers
            log(f"  FAILED: {e}")
            record({"phase": "check-fail", "server": name, "error": str(e)})
        finally:
            stop(p)


def load_phase(servers, phase, rnd, pinned):
    n = len(servers)
    order = servers[rnd % n:] + servers[:rnd % n] if n else []
    for srv in order:
        name = srv["name"]
        port = free_port()
        log(f"[{phase} r{rnd + 1}] {name} on 127.0.0.1:{port}")
        p = start(srv, port, pinned, os.path.join(RAW_DIR, f"{name}.log"))
        try:
            wait_ready(srv, p, port)
            for c in CONCURRENCY:
                wrk(srv, port, c, WARMUP, pinned)
                fa = foreign_ticks(p.pid)
                sa = group_cpu_s(p.pid)
                ra = resource.getrusage(resource.RUSAGE_CHILDREN)
                d = wrk(srv, port, c, DURATION, pinned)
                rb = resource.getrusage(resource.RUSAGE_CHILDREN)
                sb = group_cpu_s(p.pid)
                fb = foreign_ticks(p.pid)
                wall = d["duration_us"] / 1e6
                d["other_pct"] = round(100 * foreign_cpu_s(fa, fb) / wall, 1)
                d["srv_cpu_s"] = round(sb - sa, 3)
                d["wrk_cpu_s"] = round((rb.ru_utime + rb.ru_stime) - (ra.ru_utime + ra.ru_stime), 3)
                d["srv_pct"] = round(100 * d["srv_cpu_s"] / wall, 1)
                d["wrk_pct"] = round(100 * d["wrk_cpu_s"] / wall, 1)
                d["srv_us_per_req"] = round(1e6 * d["srv_cpu_s"] / max(d["requests"], 1), 1)
                # the peak so far: with the concurrencies ascending, the peak at c ≤ this cell's
                d["vmhwm_kib"] = memory(p.pid)["vmhwm_kib"]
                d.update({"phase": phase, "round": rnd, "server": name, "c": c, "pinned": pinned})
                record(d)
                log(f"  c={c}: {d['rps']:.0f} req/s p50={d['p50_us'] / 1000:.2f}ms p99={d['p99_us'] / 1000:.2f}ms "
                    f"err={d['errors']} srv={d['srv_pct']}% ({d['srv_us_per_req']} us/req) wrk={d['wrk_pct']}% "
                    f"other={d['other_pct']}%")
            m = memory(p.pid)
            m.update({"phase": phase + "-mem", "round": rnd, "server": name})
            record(m)
        except Exception as e:  # keep going with the other servers
            log(f"  FAILED: {e}")
            record({"phase": phase + "-fail", "round": rnd, "server": name, "error": str(e)})
        finally:
            stop(p)


def cold_phase(servers):
    for srv in servers:
        for i in range(COLD_RUNS):
            port = free_port()
            pin_load = ["taskset", "-c", LOAD_CPU] if PINNED else []
            pin_srv = f"taskset -c {SERVER_CPU} " if PINNED else ""
            token = [srv["token"]] if srv["token"] else []
            cmd = pin_load + [COLDSTART, str(port), srv["path"], "/webhook", "60", *token, "--",
                              pin_srv + expand(srv["cmd"], port)]
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=BENCH)
            if r.returncode == 0:
                ms = float(r.stdout.strip())
                record({"phase": "cold", "server": srv["name"], "run": i, "ms": ms})
            else:
                record({"phase": "cold-fail", "server": srv["name"], "run": i, "error": r.stderr[-300:]})
                ms = None
            log(f"[cold] {srv['name']} #{i + 1}: {ms} ms")
            time.sleep(0.3)


# ---------------------------------------------------------------- report
def med(xs):
    return statistics.median(xs) if xs else float("nan")


def machine():
    try:
        cpu = [line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")][0]
    except (OSError, IndexError):
        cpu = platform.processor() or "?"
    mem = "?"
    try:
        kib = [int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal:")][0]
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError):
        pass
    return f"{platform.machine()} {cpu}, {os.cpu_count()} cores, {mem} RAM, {platform.system()} kernel {platform.release()}"


def versions():
    v = {}
    py = os.path.join(BENCH, ".venv", "bin", "python")
    r = subprocess.run([py if os.path.exists(py) else "false", "-c", "import sys,importlib.metadata as m;print(sys.version.split()[0]);"
                        "[print(p, m.version(p)) for p in ('flask','werkzeug','gunicorn','fastapi','starlette',"
                        "'pydantic','uvicorn','uvloop','httptools')]"], capture_output=True, text=True)
    if r.returncode == 0:
        v["python peers"] = "python " + r.stdout.strip().replace("\n", ", ")
    lock = os.path.join(BENCH, "peers", "limit", "Cargo.lock")
    if os.path.exists(lock):
        txt = open(lock).read()
        crates = []
        for c in ("axum", "hyper", "tokio", "serde_json", "rusqlite", "libsqlite3-sys", "r2d2"):
            m = re.search(r'name = "%s"\nversion = "([^"]+)"' % re.escape(c), txt)
            if m:
                crates.append(f"{c} {m.group(1)}")
        v["rust peers"] = ", ".join(crates)
    for k, cmd in (("cxhook", [CXHOOK, "--version"]), ("rustc", ["rustc", "--version"]), ("wrk", ["wrk", "-v"])):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True)
            v[k] = (r.stdout + r.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            pass
    root = os.path.dirname(BENCH)
    head = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if E.get("BENCH_BUILT") == "1" and head.returncode == 0 and "cxhook" in v:
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no", "--", "crates",
                                "Cargo.toml", "Cargo.lock"], capture_output=True, text=True).stdout.strip()
        v["cxhook"] += f" (commit {head.stdout.strip()}{', crates modified' if dirty else ''})"
    return v


def mib(kib):
    return f"{kib / 1024:.1f}"


def report(servers, params):
    recs = [json.loads(line) for line in open(os.path.join(RAW_DIR, "raw.jsonl"))]
    names = [s["name"] for s in servers]
    rows = [r for r in recs if r["phase"] == "load"]
    pin_desc = (f"server `taskset -c {SERVER_CPU}`, wrk `taskset -c {LOAD_CPU}`" if PINNED
                else "not pinned (fewer than 2 cores, or PIN=0)")

    def cells(n, c):
        return [r for r in rows if r["server"] == n and r["c"] == c]

    def ratio(rr, base, c):
        out = []
        for r in rr:
            b = [x for x in rows if x["server"] == base and x["c"] == c and x["round"] == r["round"]]
            if b and b[0]["rps"]:
                out.append(r["rps"] / b[0]["rps"])
        return med(out) if out else None

    def mem(n):
        return [r for r in recs if r["phase"] == "load-mem" and r["server"] == n]

    check = {r["server"]: r for r in recs if r["phase"] == "check"}
    cold = {n: [r["ms"] for r in recs if r["phase"] == "cold" and r["server"] == n] for n in names}

    L = [f"# cxhook benchmark: {RUN_ID}\n"]
    L.append(f"Machine: {machine()}. Measured {datetime.datetime.strptime(RUN_ID, '%Y%m%dT%H%M%SZ'):%Y-%m-%d %H:%M} UTC "
             f"with `bash bench/run.sh` (ROUNDS={ROUNDS} DURATION={DURATION} WARMUP={WARMUP} "
             f"CONCURRENCY=\"{' '.join(map(str, CONCURRENCY))}\" COLD_RUNS={COLD_RUNS}).\n")
    L.append(f"POST /webhook on 127.0.0.1, wrk -t{WRK_THREADS} --timeout 5s, {WARMUP} s warm-up + {DURATION} s measured "
             f"per cell, {ROUNDS} round(s), server order rotated per round; {pin_desc}. Figures are medians over "
             f"rounds. Compare only figures from one run. CPU busy on the machine just before the run: "
             f"{params.get('busy_before_pct', float('nan')):.0f} % of one core (other CPU % below: during each cell).\n")
    others = [r["other_pct"] for r in rows]
    if others and med(others) > 10:
        L.append(f"**A disturbed run**: other processes used {med(others):.0f} % of a core during the median cell "
                 f"(max {max(others):.0f} %; see *other CPU %*). Its figures are noise next to an idle machine's; "
                 f"measure again when the machine is idle.\n")
    c0 = CONCURRENCY[0]
    L.append(f"\n## Summary (c={c0})\n")
    L.append(f"| server | req/s | vs {BASELINE} | p50 ms | p99 ms | errors | server CPU µs/req | "
             f"peak RSS MiB (c ≤ {max(CONCURRENCY)}) | idle RSS MiB | cold start ms |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in names:
        rr = cells(n, c0)
        mm = mem(n)
        peak = f"{mib(med([r['vmhwm_kib'] for r in mm]))} ({med([r['procs'] for r in mm]):.0f} procs)" if mm else "–"
        if mm and med([r["procs"] for r in mm]) == 1:
            peak = mib(med([r["vmhwm_kib"] for r in mm]))
        idle = mib(check[n]["vmrss_kib"]) if n in check else "–"
        cs = f"{med(cold[n]):.1f}" if cold[n] else "–"
        if not rr:
            L.append(f"| {n} | FAILED | | | | | | {peak} | {idle} | {cs} |")
            continue
        rt = ratio(rr, BASELINE, c0)
        L.append(f"| {n} | {med([r['rps'] for r in rr]):,.0f} | {'%.2fx' % rt if rt else '–'} | "
                 f"{med([r['p50_us'] for r in rr]) / 1000:.2f} | {med([r['p99_us'] for r in rr]) / 1000:.2f} | "
                 f"{sum(r['errors'] for r in rr)} | {med([r['srv_us_per_req'] for r in rr]):.0f} | {peak} | {idle} | {cs} |")

    def hwm(rr):
        """The median peak RSS the server had reached by the end of these cells."""
        peaks = [r["vmhwm_kib"] for r in rr if "vmhwm_kib" in r]
        return mib(med(peaks)) if peaks else "–"

    L.append("\n## Load at each concurrency\n")
    L.append(f"| server | c | req/s [min–max] | vs {BASELINE} | p50 ms | p99 ms | errors | server CPU µs/req | "
             f"server CPU % | wrk CPU % | other CPU % | peak RSS MiB so far |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in names:
        for c in CONCURRENCY:
            rr = cells(n, c)
            if not rr:
                L.append(f"| {n} | {c} | FAILED | | | | | | | | | |")
                continue
            rps = [r["rps"] for r in rr]
            rng = f" [{min(rps):,.0f}–{max(rps):,.0f}]" if len(rps) > 1 else ""
            rt = ratio(rr, BASELINE, c)
            oth = [r["other_pct"] for r in rr]
            L.append(f"| {n} | {c} | {med(rps):,.0f}{rng} | {'%.2fx' % rt if rt else '–'} | "
                     f"{med([r['p50_us'] for r in rr]) / 1000:.2f} | {med([r['p99_us'] for r in rr]) / 1000:.2f} | "
                     f"{sum(r['errors'] for r in rr)} | {med([r['srv_us_per_req'] for r in rr]):.0f} | "
                     f"{med([r['srv_pct'] for r in rr]):.0f} | {med([r['wrk_pct'] for r in rr]):.0f} | "
                     f"{med(oth):.0f} (max {max(oth):.0f}) | {hwm(rr)} |")

    L.append("\n## Memory, cold start, checks\n")
    L.append("| server | answer checked | procs | peak RSS MiB (ΣVmHWM) | PSS MiB after load | idle RSS MiB | "
             "cold start ms, median [min–max] |")
    L.append("|---|---|---:|---:|---:|---:|---:|")
    for n in names:
        mm = mem(n)
        ch = check.get(n)
        ok = ("yes" if ch["ok"] else "WRONG") if ch else "FAILED"
        if ch and "log_lines_per_call" in ch:
            ok += f", {ch['log_lines_per_call']:g} log line/call"
        ms = (f"{med([r['procs'] for r in mm]):.0f} | {mib(med([r['vmhwm_kib'] for r in mm]))} | "
              f"{mib(med([r['pss_kib'] for r in mm]))}") if mm else "– | – | –"
        cs = f"{med(cold[n]):.1f} [{min(cold[n]):.1f}–{max(cold[n]):.1f}]" if cold[n] else "–"
        nfail = len([r for r in recs if r["phase"] == "cold-fail" and r["server"] == n])
        if nfail:
            cs += f" ({nfail} failed)"
        L.append(f"| {n} | {ok} | {ms} | {mib(ch['vmrss_kib']) if ch else '–'} | {cs} |")
    L.append(f"\nPeak RSS is read after the last load cell of each round, summed over the server's process group "
             f"(forked workers share pages, so ΣVmHWM over-counts them; PSS does not). Idle RSS: after start-up and "
             f"two answered calls. Cold start: {COLD_RUNS} runs per server, exec (`bash -c 'exec [taskset] CMD'`) to "
             f"the first HTTP 200 to the server's payload, polled every 1 ms by `peers/limit`'s `coldstart`; databases "
             f"already created, files in the page cache.\n")

    targets = target_lines(names, cells, ratio, mem, cold, check)
    if targets:
        L.append("\n## Issue 8's targets\n")
        L.append("| target | figure | met |")
        L.append("|---|---:|---|")
        L.extend(targets)

    unp = [r for r in recs if r["phase"] == "unpinned"]
    if unp:
        L.append("\n## Unpinned (one round, no taskset)\n")
        L.append("| server | c | req/s | p50 ms | p99 ms | errors | server CPU µs/req | server CPU % |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for n in names:
            for c in CONCURRENCY:
                for r in [x for x in unp if x["server"] == n and x["c"] == c]:
                    L.append(f"| {n} | {c} | {r['rps']:,.0f} | {r['p50_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} | "
                             f"{r['errors']} | {r['srv_us_per_req']:.0f} | {r['srv_pct']:.0f} |")

    fails = [r for r in recs if r["phase"].endswith("-fail")]
    if fails:
        L.append("\n## Failures\n")
        for r in fails:
            L.append(f"- {r['phase']} {r['server']}: {r.get('error', '')[:200]}")
    L.append("\n## What ran\n")
    for s in servers:
        L.append(f"- `{s['name']}`: payload `payloads/{s['payload']}`{', bearer token' if s['auth'] == 'bearer' else ''}: "
                 f"`{s['cmd']}`")
    L.append("")
    for k, val in params["versions"].items():
        L.append(f"- {k}: {val}")
    L.append(f"\nRaw records and server logs: `bench/results/{RUN_ID}/`.\n")
    for path in (OUT, os.path.join(RAW_DIR, "report.md")):
        with open(path, "w") as f:
            f.write("\n".join(L) + "\n")
        log(f"wrote {path}")


def target_lines(names, cells, ratio, mem, cold, check):
    """The targets of issue 8 that this run's rows can be held against."""
    out = []
    c0 = CONCURRENCY[0]

    def rps(n, c=c0):
        rr = cells(n, c)
        return med([r["rps"] for r in rr]) if rr else None

    def row(text, shown, ok):
        out.append(f"| {text} | {shown} | {'yes' if ok else 'no'} |")

    for n, base, goal in (("cxhook-balance", "limit-honest", 0.9), ("cxhook-balance", "flask-gunicorn-sync", 15),
                          ("cxhook-balance", "fastapi-uvloop-1w", 8), ("cxhook-noio", "limit-fixed", 0.5)):
        if n in names and base in names and rps(n) and rps(base):
            rt = ratio(cells(n, c0), base, c0)
            if rt is not None:
                shown = f"{rt:.2f}x" if goal >= 1 else f"{100 * rt:.0f} %"
                want = f"≥ {goal}x" if goal >= 1 else f"≥ {100 * goal:.0f} %"
                row(f"`{n}` req/s vs `{base}` (c={c0}), {want}", shown, rt >= goal)
    for n in ("cxhook-balance", "cxhook-noio"):
        if n not in names:
            continue
        if 16 in CONCURRENCY and cells(n, 16):
            p99 = med([r["p99_us"] for r in cells(n, 16)]) / 1000
            row(f"`{n}` p99 at c=16 ≤ 2 ms", f"{p99:.2f} ms", p99 <= 2)
        if 256 in CONCURRENCY and cells(n, 256):
            errs = sum(r["errors"] for r in cells(n, 256))
            row(f"`{n}` errors at c=256 = 0", str(errs), errs == 0)
        at_c0 = [r["vmhwm_kib"] for r in cells(n, c0) if "vmhwm_kib" in r]
        if at_c0 and len(CONCURRENCY) > 1:
            peak = med(at_c0) * 1024 / 1e6
            row(f"`{n}` peak RSS under load at c={c0} ≤ 16 MB", f"{peak:.1f} MB", peak <= 16)
        mm = mem(n)
        if mm:
            peak = med([r["vmhwm_kib"] for r in mm]) * 1024 / 1e6
            row(f"`{n}` peak RSS under load at c ≤ {max(CONCURRENCY)} ≤ 16 MB", f"{peak:.1f} MB", peak <= 16)
        if n in check:
            idle = check[n]["vmrss_kib"] * 1024 / 1e6
            row(f"`{n}` idle RSS ≤ 10 MB", f"{idle:.1f} MB", idle <= 10)
        if cold[n]:
            ms = med(cold[n])
            row(f"`{n}` exec → first 200 ≤ 15 ms", f"{ms:.1f} ms", ms <= 15)
    return out


def main():
    if E.get("REPORT_ONLY"):  # regenerate the Markdown from an earlier run's raw records
        global RUN_ID, RAW_DIR, ROUNDS, DURATION, WARMUP, CONCURRENCY, COLD_RUNS, SERVER_CPU, LOAD_CPU
        global PINNED, WRK_THREADS
        RUN_ID = E["REPORT_ONLY"]
        RAW_DIR = os.path.join(BENCH, "results", RUN_ID)
        params = json.load(open(os.path.join(RAW_DIR, "params.json")))
        ROUNDS, DURATION, WARMUP, CONCURRENCY = params["rounds"], params["duration"], params["warmup"], params["concurrency"]
        COLD_RUNS, SERVER_CPU, LOAD_CPU = params["cold_runs"], params["server_cpu"], params["load_cpu"]
        PINNED, WRK_THREADS = params["pinned"], params["wrk_threads"]
        servers = load_conf()
        keep = set(params["servers"])
        report([s for s in servers if s["name"] in keep], params)
        return
    if not CXHOOK:
        sys.exit("driver.py: BENCH_CXHOOK is not set (run bench/run.sh)")
    os.makedirs(RAW_DIR, exist_ok=True)
    servers = load_conf()
    if not servers:
        sys.exit("no servers selected")
    if not any(s["name"] == BASELINE for s in servers):
        log(f"note: baseline {BASELINE} not selected; ratio column will be empty")

    def on_signal(sig, _frm):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    params = {"rounds": ROUNDS, "duration": DURATION, "warmup": WARMUP, "concurrency": CONCURRENCY,
              "cold_runs": COLD_RUNS, "server_cpu": SERVER_CPU, "load_cpu": LOAD_CPU, "pinned": PINNED,
              "wrk_threads": WRK_THREADS, "servers": [s["name"] for s in servers], "versions": versions()}
    busy = busy_pct()
    params["busy_before_pct"] = round(busy, 1)
    json.dump(params, open(os.path.join(RAW_DIR, "params.json"), "w"), indent=1)
    if busy > 10:
        log(f"WARNING: the machine is busy before the run ({busy:.0f} % of a core): figures will be noise")
    try:
        check_phase(servers)
        for rnd in range(ROUNDS):
            load_phase(servers, "load", rnd, PINNED)
        if COLD_RUNS > 0:
            cold_phase(servers)
        if UNPINNED and PINNED:
            load_phase(servers, "unpinned", 0, False)
    except KeyboardInterrupt:
        log("interrupted; stopping servers")
    finally:
        for p in list(LIVE):
            stop(p)
    report(servers, params)


if __name__ == "__main__":
    main()
