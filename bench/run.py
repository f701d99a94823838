# ruff: noqa: S603 (runs our own manage.py, gunicorn, celery and locust with fixed arguments)
"""The benchmark: build the data sets if missing, serve each with gunicorn, time every
page and API list of every demo role, route requests in one process and through a real
Celery worker, put 50 users of load on it, and print one markdown report.

    python bench/run.py                # small and large set, locust, routing (~15 min)
    python bench/run.py --quick        # CI: small set, few samples, no locust, no worker
    python bench/run.py --help

See bench/README.md for what is measured and how.
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from measure import fetch, percentile, sample

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PY = sys.executable
BIN = Path(PY).parent
SCALES = {"small": ["--scale", "medium"], "large": ["--scale", "large"]}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small set, 2 samples per URL, no locust, no worker")
    parser.add_argument("--sets", default="small,large", help="which sets to run (default: small,large)")
    parser.add_argument("--samples", type=int, default=30, help="at most this many timed samples per URL")
    parser.add_argument("--min-samples", type=int, default=1, help="at least this many, however slow")
    parser.add_argument("--budget", type=float, default=1.5, help="seconds per URL once min-samples are in")
    parser.add_argument("--bare-samples", type=int, default=100, help="samples of the bare view")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--routings", type=int, default=50, help="requests routed per routing measurement")
    parser.add_argument("--no-locust", action="store_true")
    parser.add_argument("--no-routing", action="store_true")
    parser.add_argument("--no-worker", action="store_true", help="skip routing through a Celery worker")
    parser.add_argument("--locust-users", type=int, default=50)
    parser.add_argument("--locust-time", default="2m")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--db-prefix", default=os.environ.get("BENCH_DB_PREFIX", "bench"))
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/3"))
    parser.add_argument(
        "--cache",
        default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/4"),
        help="CACHE_URL of the served app, as in production; the second set uses the next Redis database "
        "(both emptied before the pages are measured)",
    )
    parser.add_argument("--queue", default="bench")
    parser.add_argument("--out", help="also write the report to this file")
    args = parser.parse_args()
    if args.quick:
        args.sets, args.samples, args.min_samples, args.budget = "small", 2, 1, 0.5
        args.bare_samples, args.routings, args.no_locust, args.no_worker = 20, 5, True, True
    args.sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    for name in args.sets:
        if name not in SCALES:
            parser.error(f"unknown set {name!r}: use small and/or large")
    return args


# --- Environment of the app processes ---------------------------------------------------------


def app_env(args, database, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "DATABASE_URL")}
    env.update(
        DATABASE_URL=f"{args.pg}/{database}",
        DEBUG="0",
        HTTPS="0",
        BENCH="1",
        SECRET_KEY=args.secret,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CACHE_URL=args.cache,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(args, database, *command, **extra):
    subprocess.run(
        [PY, "manage.py", *command],
        cwd=ROOT,
        env=app_env(args, database, **extra),
        check=True,
        stdout=subprocess.DEVNULL if "-v0" in command else None,
    )


def admin_sql(args, *statements):
    """Statements that cannot run in a transaction (CREATE/DROP DATABASE), on the server."""
    conn = psycopg2.connect(f"{args.pg}/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()


def database_has(args, database, sql):
    try:
        conn = psycopg2.connect(f"{args.pg}/{database}")
    except psycopg2.OperationalError:
        return None  # no such database
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return bool(cur.fetchone()[0])
    except psycopg2.Error:
        return False  # there, but not migrated or seeded
    finally:
        conn.close()


READY = {
    "small": "SELECT count(*) FROM auth_user WHERE username = 'admin'",
    "large": "SELECT count(*) FROM auth_user WHERE email LIKE '%%@large.example.com'",
}


def ensure_set(args, name):
    """Create, migrate and seed the set's database unless it is there; returns seconds spent."""
    database = f"{args.db_prefix}_{name}"
    state = database_has(args, database, READY[name])
    if state:
        # Built before: bring its schema up to this checkout's migrations (a no-op if current).
        manage(args, database, "migrate", "--noinput", "-v0")
        return database, None
    started = time.monotonic()
    if state is None:
        log(f"creating database {database}")
        admin_sql(args, f'CREATE DATABASE "{database}"')
    log(f"migrating and seeding {database} ({name})")
    manage(args, database, "migrate", "--noinput", "-v0")
    # DEBUG on for the seed only: the demo's few e-mails go to the console, not to SMTP.
    manage(args, database, "seed_demo", *SCALES[name], DEBUG="1")
    return database, time.monotonic() - started


# --- Serving -----------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, args, database, workers, **extra):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "governance.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "900",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=app_env(args, database, **extra),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(self.port, "/bench/bare")[0] == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {self.log.name}")
            time.sleep(0.2)

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=60)


# --- Pages -------------------------------------------------------------------------------------


def prepare(args, database, **extra):
    out = subprocess.run(
        [PY, str(BENCH / "prepare.py")],
        cwd=ROOT,
        env=app_env(args, database, **extra),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def bare(args, ports):
    """The bare view of each server, sampled in turn, so that every set's yardstick is
    taken at the same moments."""
    times = {port: [] for port in ports}
    for port in ports:  # each worker's first request loads the URLconf: not the yardstick
        for _ in range(5 * args.workers):
            fetch(port, "/bench/bare")
    for _ in range(args.bare_samples):
        for port in ports:
            times[port].append(fetch(port, "/bench/bare")[1])
    return {
        port: {"p50": percentile(t, 0.5), "p95": percentile(t, 0.95), "samples": len(t)} for port, t in times.items()
    }


def cache_url(args, name):
    """Each set its own Redis database, the given one for the first set and the next for
    the second: the figures are kept by period and scope, not by data set."""
    parts = urlsplit(args.cache)
    number = int(parts.path.strip("/") or 0) + args.sets.index(name)
    return urlunsplit(parts._replace(path=f"/{number}"))


def empty_cache(url):
    """Start each set with an empty cache."""
    import redis

    redis.Redis.from_url(url).flushdb()


def measure_pages(args, databases):
    """Every page of every role on every set, served at the same time: each URL is sampled
    on one set and at once on the other (which one goes first alternates), so the growth
    from the small set to the large one compares samples taken moments apart, not minutes
    apart on a machine whose speed drifts."""
    names = list(databases)
    targets, servers = {}, {}
    try:
        for name in names:
            cache = {"CACHE_URL": cache_url(args, name)}
            empty_cache(cache["CACHE_URL"])
            targets[name] = prepare(args, databases[name], **cache)
            servers[name] = Server(args, databases[name], args.workers, **cache)
        ports = [servers[name].port for name in names]
        count = sum(len(r["urls"]) for r in targets[names[-1]]["roles"].values())
        log(f"measuring the bare view, then {count} URLs on each of {', '.join(names)}")
        before = bare(args, ports)
        rows = {name: {} for name in names}
        order = list(names)
        for role, target in targets[names[-1]]["roles"].items():
            for path in target["urls"]:
                key = (role, _key(path))
                order.reverse()
                for name in order:
                    same = [p for p in targets[name]["roles"].get(role, {}).get("urls", []) if _key(p) == key[1]]
                    if not same:
                        continue
                    cookie = f"{targets[name]['cookie']}={targets[name]['roles'][role]['session']}"
                    result = sample(
                        servers[name].port,
                        same[0],
                        cookie,
                        max_samples=args.samples,
                        min_samples=args.min_samples,
                        budget=args.budget,
                        warm=args.workers,
                    )
                    rows[name][key] = {**result, "path": same[0]}
                    if result["p95"] > 1:
                        log(f"{name}: {role} {same[0]}: p95 {result['p95']:.2f} s")
        after = bare(args, ports)
    finally:
        for server in servers.values():
            server.stop()
    return {
        name: {
            "bare": {
                "p50": min(before[port]["p50"], after[port]["p50"]),
                "p95": max(before[port]["p95"], after[port]["p95"]),
                "samples": before[port]["samples"] + after[port]["samples"],
            },
            "rows": rows[name],
            "targets": targets[name],
        }
        for name, port in zip(names, ports, strict=True)
    }


def _key(path):
    """The same page in both sets even where the id in its path differs."""
    return "/".join("<id>" if part.isdigit() else part for part in path.split("/"))


# --- Load --------------------------------------------------------------------------------------


def locust_venv():
    venv = BENCH / ".venv"
    locust = venv / "bin" / "locust"
    if not locust.exists():
        log("installing locust into bench/.venv (bench/requirements.txt)")
        subprocess.run([PY, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "-r", str(BENCH / "requirements.txt")], check=True)
    return locust


def _is_download(path):
    return path.split("?", 1)[0].endswith((".csv", ".json", ".ics"))


def run_locust(args, database, pages):
    locust = locust_venv()
    # Only what answered 200 in the page run (a refused page would count as an error),
    # and pages, not downloads: an export of every request (CSV) or of one's personal
    # data (JSON) is a rare, deliberate act that streams for seconds at the large set,
    # not what 50 people clicking around do.
    ok = {
        role: {
            **t,
            "urls": [p for p in t["urls"] if pages["rows"][role, _key(p)]["status"] == 200 and not _is_download(p)],
        }
        for role, t in pages["targets"]["roles"].items()
    }
    targets = {"cookie": pages["targets"]["cookie"], "roles": ok}
    with tempfile.TemporaryDirectory(prefix="bench-locust-") as tmp:
        target_file = Path(tmp) / "targets.json"
        target_file.write_text(json.dumps(targets))
        server = Server(args, database, args.workers, CACHE_URL=cache_url(args, args.sets[-1]))
        try:
            log(f"locust: {args.locust_users} users for {args.locust_time}")
            subprocess.run(
                [
                    str(locust),
                    "-f",
                    str(BENCH / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(args.locust_users),
                    "-r",
                    "10",
                    "-t",
                    args.locust_time,
                    "--host",
                    f"http://127.0.0.1:{server.port}",
                    "--csv",
                    f"{tmp}/run",
                    "--only-summary",
                    "--stop-timeout",
                    "30",
                ],
                env={**os.environ, "BENCH_TARGETS": str(target_file)},
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=900,
            )
        finally:
            server.stop()
        return _locust_summary(Path(tmp) / "run_stats.csv")


def _locust_summary(path):
    import csv

    with path.open() as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                return {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"]) / 1000,
                    "p95": float(row["95%"]) / 1000,
                    "p99": float(row["99%"]) / 1000,
                }
    return None


# --- Routing -----------------------------------------------------------------------------------


def measure_routing(args, database):
    """On a scratch copy of the set (routing writes), in one process and through a worker."""
    scratch = f"{args.db_prefix}_scratch"
    admin_sql(args, f'DROP DATABASE IF EXISTS "{scratch}"', f'CREATE DATABASE "{scratch}" TEMPLATE "{database}"')
    # In one process as in production: the notification e-mail that routing queues after
    # its commit goes to the broker (a queue nobody consumes here, emptied afterwards) and
    # is sent by a worker, so its statements are not routing's.
    queued = {"CELERY_BROKER_URL": args.broker, "CELERY_QUEUE": f"{args.queue}-inprocess"}
    try:
        _purge(args, scratch, queued)
        result = _routing(args, scratch, "inprocess", **queued)
        _purge(args, scratch, queued)
        if not args.no_worker:
            result.update(_with_worker(args, scratch))
        return result
    finally:
        admin_sql(args, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _routing(args, database, mode, **extra):
    out = subprocess.run(
        [PY, str(BENCH / "routing.py"), mode, "--count", str(args.routings)],
        cwd=ROOT,
        env=app_env(args, database, **extra),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _purge(args, database, broker):
    subprocess.run(
        [str(BIN / "celery"), "-A", "governance", "purge", "-f", "-Q", broker["CELERY_QUEUE"]],
        cwd=ROOT,
        env=app_env(args, database, **broker),
        check=False,
        capture_output=True,
    )


def _with_worker(args, database):
    broker = {"CELERY_BROKER_URL": args.broker, "CELERY_QUEUE": args.queue}
    _purge(args, database, broker)
    log = tempfile.NamedTemporaryFile(prefix="bench-celery-", suffix=".log", delete=False)  # noqa: SIM115
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "governance",
            "worker",
            "-Q",
            args.queue,
            "--concurrency",
            "1",
            "--loglevel",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=app_env(args, database, **broker),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        return _routing(args, database, "worker", **broker)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)


# --- Report ------------------------------------------------------------------------------------


def machine():
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem = "?"
    conn = psycopg2.connect(f"{BENCH_ARGS.pg}/postgres")
    with conn.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = cur.fetchone()[0]
    conn.close()
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem} GB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, PostgreSQL {pg_version}; load average at the end "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}"
    )


def ms(seconds):
    if seconds is None:
        return "–"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def ratio(a, b):
    return "–" if a is None or not b else f"{a / b:,.1f}×"


def report(args, results, timings):
    names = list(results)
    lines = [
        f"# Benchmark ({datetime.datetime.now():%Y-%m-%d %H:%M})",
        "",
        f"Machine: {machine()}.",
        f"Command: `python bench/run.py {' '.join(sys.argv[1:])}`; gunicorn with {args.workers} sync workers, "
        "DEBUG off; query counts from the server (`X-Bench-Queries`, every statement of the request).",
        "",
    ]
    for name in names:
        bare = results[name]["pages"]["bare"]
        lines.append(
            f"- bare view ({name}): p50 {bare['p50'] * 1000:.2f} ms, p95 {bare['p95'] * 1000:.2f} ms "
            f"({bare['samples']} samples; the yardstick of the ratios)"
        )
    for what, seconds in timings.items():
        lines.append(f"- {what}: {seconds:,.0f} s")
    lines += ["", *_targets(names, results), "", _table(names, results, downloads=False), ""]
    lines += [
        "Downloads (files, not pages: the whole list as CSV, one's personal data as JSON; "
        "streamed where they can be long; not held to the page targets):",
        "",
        _table(names, results, downloads=True),
        "",
    ]
    refused = [
        f"{role} `{row['path']}` ({row['status']})"
        for (role, _k), row in results[names[-1]]["pages"]["rows"].items()
        if row["status"] != 200
    ]
    if refused:
        lines += ["Not in the table (the role may not open them; not timed as pages): " + ", ".join(refused), ""]
    for name in names:
        lines += _extras(name, results[name])
    return "\n".join(lines) + "\n"


# The targets (issue 12), as multiples of the bare view's p95 at the large set.
TARGET_API, TARGET_PAGE, TARGET_SEARCH, TARGET_GROWTH = 15, 40, 60, 1.5


def target_of(path):
    """The p95/bare limit of a page or API list: search has its own."""
    if "q=" in path or "search=" in path:
        return TARGET_SEARCH
    return TARGET_API if path.startswith("/api/") else TARGET_PAGE


def _targets(names, results):
    """Which pages and API lists of the last set miss a target, counted from the table."""
    last = names[-1]
    bare = results[last]["pages"]["bare"]["p95"]
    rows = [
        (key, row)
        for key, row in results[last]["pages"]["rows"].items()
        if row["status"] == 200 and not _is_download(row["path"])
    ]
    over = []
    for key, row in rows:
        reasons = []
        if bare and row["p95"] / bare > target_of(row["path"]):
            reasons.append(f"p95 {ratio(row['p95'], bare)} > {target_of(row['path'])}×")
        if len(names) == 2:
            small = results[names[0]]["pages"]["rows"].get(key)
            if small and small["status"] == 200 and small["p50"] and row["p50"] / small["p50"] > TARGET_GROWTH:
                reasons.append(f"growth of the median {ratio(row['p50'], small['p50'])} > {TARGET_GROWTH}×")
        if reasons:
            over.append(f"- {key[0]} `{row['path']}`: {ms(row['p50'])} p50, {ms(row['p95'])} p95; {', '.join(reasons)}")
    head = (
        f"Targets at the {last} set (p95 within {TARGET_API}× the bare view for API lists, {TARGET_PAGE}× "
        f"for pages, {TARGET_SEARCH}× for search"
        + (f", growth {names[-1]}/{names[0]} of the median within {TARGET_GROWTH}×" if len(names) == 2 else "")
        + f"): {len(rows) - len(over)} of {len(rows)} pages and API lists meet them."
    )
    return [head, *([""] + over if over else [])]


def _table(names, results, *, downloads):
    head = ["role", "page"]
    for name in names:
        head += [f"queries {name}", f"p50 {name}", f"p95 {name}", f"p95/bare {name}"]
    head += ["KB " + names[-1], "samples " + names[-1]]
    if len(names) == 2:
        head += [f"growth p50 {names[1]}/{names[0]}", f"growth p95 {names[1]}/{names[0]}"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    last = results[names[-1]]["pages"]["rows"]
    for key, row in last.items():
        if row["status"] != 200 or _is_download(row["path"]) != downloads:
            continue
        role, _k = key
        cells = [role, f"`{row['path']}`"]
        found = []
        for name in names:
            other = results[name]["pages"]["rows"].get(key)
            bare = results[name]["pages"]["bare"]["p95"]
            found.append(other)
            if other is None or other["status"] != 200:
                cells += ["–"] * 4
                continue
            cells += [str(other["queries"]), ms(other["p50"]), ms(other["p95"]), ratio(other["p95"], bare)]
        cells += [f"{row['bytes'] / 1024:,.0f}", str(row["samples"])]
        if len(names) == 2:
            small, large = found
            both = small and small["status"] == 200
            cells += [ratio(large[p], small[p]) if both else "–" for p in ("p50", "p95")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _extras(name, result):
    lines = []
    for what in ("routing", "locust"):
        if "error" in (result.get(what) or {}):
            lines += [f"The {what} phase failed on the {name} set: {result[what]['error']}", ""]
    routing = result.get("routing")
    if routing and "error" not in routing:
        lines += [f"Routing on the {name} set:", ""]
        for run in routing["inprocess"]:
            lines.append(
                f"- one process, {run['experts']} experts in the discipline: {run['per_second']} routings/s, "
                f"{run['queries_mean']} statements per routing (max {run['queries_max']}; BEGIN and COMMIT "
                f"included, the e-mail queued for a worker), outcomes {run['outcomes']}"
            )
        if "worker" in routing:
            w = routing["worker"]
            lines.append(
                f"- through a Celery worker (concurrency 1, Redis): {w['per_second']} routings/s "
                f"({w['done']} of {w['routings']} routed, {w['experts']} experts in the discipline)"
            )
        lines.append("")
    load = result.get("locust")
    if load and "error" not in load:
        lines += [
            f"Locust on the {name} set, {BENCH_ARGS.locust_users} users across the roles for "
            f"{BENCH_ARGS.locust_time}: {load['requests']:,} requests, {load['rps']:.1f}/s, "
            f"p50 {ms(load['p50'])}, p95 {ms(load['p95'])}, p99 {ms(load['p99'])}, {load['failures']} errors.",
            "",
        ]
    return lines


def _guarded(what, function, *args):
    """A failing routing or load phase is reported, and the page results are not lost."""
    try:
        return function(*args)
    except (subprocess.SubprocessError, OSError, ValueError, KeyError) as exc:
        detail = getattr(exc, "stderr", "") or ""
        log(f"{what} failed: {exc}\n{detail[-3000:]}")
        return {"error": f"{type(exc).__name__}: {exc}"}


def main():
    global BENCH_ARGS
    args = BENCH_ARGS = parse()
    args.secret = secrets.token_urlsafe(50)
    started = time.monotonic()
    timings, results = {}, {}
    databases = {}
    for name in args.sets:
        databases[name], spent = ensure_set(args, name)
        if spent is not None:
            timings[f"building the {name} set"] = spent
    log("collecting static files")
    manage(args, databases[args.sets[0]], "compiletranslations")
    manage(args, databases[args.sets[0]], "collectstatic", "--noinput", "-v0")
    phase = time.monotonic()
    for name, pages in measure_pages(args, databases).items():
        results[name] = {"pages": pages}
    timings[f"pages of the {' and '.join(args.sets)} set{'s' if len(args.sets) > 1 else ''}"] = time.monotonic() - phase
    last = args.sets[-1]
    if not args.no_routing:
        phase = time.monotonic()
        log(f"routing on the {last} set")
        results[last]["routing"] = _guarded("routing", measure_routing, args, databases[last])
        timings["routing"] = time.monotonic() - phase
    if not args.no_locust:
        phase = time.monotonic()
        results[last]["locust"] = _guarded("locust", run_locust, args, databases[last], results[last]["pages"])
        timings["locust"] = time.monotonic() - phase
    timings["whole run"] = time.monotonic() - started
    text = report(args, results, timings)
    print(text)
    if args.out:
        Path(args.out).write_text(text)
    broken = [
        f"{name}: {role} {row['path']} answered {row['status']}"
        for name, result in results.items()
        for (role, _key), row in result["pages"]["rows"].items()
        if row["status"] >= 500
    ]
    broken += [
        f"{name}: {what} failed: {result[what]['error']}"
        for name, result in results.items()
        for what in ("routing", "locust")
        if "error" in (result.get(what) or {})
    ]
    if broken:
        raise SystemExit("The bench found errors:\n" + "\n".join(broken))


if __name__ == "__main__":
    main()
