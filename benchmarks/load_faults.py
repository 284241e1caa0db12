#!/usr/bin/env python
"""Load and fault drill against the production setup.

Starts gunicorn the way production runs it (DJANGO_ENV=production, whitenoise, hashed
static files, persistent PostgreSQL connections) on a throw-away PostgreSQL database
loaded with the demo catalog, then drives mixed traffic at N concurrent connections.
In the middle of the run PostgreSQL is stopped for a while and started again.

It checks, and exits non-zero when any check fails:
- outside the outage, zero failed requests;
- during the outage, pages answer 503 (or 200 where no database is needed), never a
  500 and never a traceback;
- after PostgreSQL returns, full service within 5 seconds, without restarting anything;
- every search answered outside the outage was stored as one search event, and no
  search was ever stored twice (a search answered just as the database went away may
  lose its evidence: recording is best effort so that searching never fails).

Usage: python benchmarks/load_faults.py [--duration 60] [--concurrency 64] [--outage 10]
"""

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

if not __package__:  # run as a script: python benchmarks/load_faults.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.server_check import (
    NONCE_ENV,
    NONCE_HEADER,
    nonce_new,
    port_require_free,
)

ROOT = Path(__file__).resolve().parent.parent
PG_VERSION = sorted(os.listdir("/etc/postgresql"))[0] if os.path.isdir("/etc/postgresql") else ""
SEARCHES = [
    "transcribe audio",
    "generate images from text",
    "cheap model with a long context window",
    "write code in my editor",
    "text to speech",
    "automate workflows",
    "summarize long documents",
    "browser automation",
]
RECOVERY_BUDGET_S = 5.0
TOP_SLUGS = (
    "import json; from catalog.models import Artifact; print(json.dumps(list("
    "Artifact.objects.published().order_by('-rank').values_list('slug', flat=True)[:6])))"
)
STORED_SEARCHES = (
    "from comparisons.models import SearchEvent; "
    "print(SearchEvent.objects.filter(is_simulated=False).count())"
)


@dataclass
class Hit:
    started: float
    at: float  # when the answer arrived
    kind: str
    status: int
    traceback: bool


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def pg(action: str) -> None:
    fast = ["-m", "fast"] if action == "stop" else []
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", action, *fast]
    subprocess.run(command, check=True)


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0


def pg_wait_ready(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not pg_ready():
        if time.monotonic() > deadline:
            raise SystemExit("PostgreSQL did not come back")
        time.sleep(0.2)


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)


async def wait_healthy(base: str, nonce: str, timeout: float = 60) -> None:
    """Wait until the server started with `nonce` answers /healthz; exit if another does."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                response = await client.get(f"{base}/healthz")
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code == 200:
                if response.headers.get(NONCE_HEADER) != nonce:
                    raise SystemExit(
                        f"the server answering at {base} is not the one the drill started; "
                        "refusing to measure it"
                    )
                return
            await asyncio.sleep(0.3)
    raise SystemExit("the server never became healthy")


async def drive(
    base: str, urls: list[tuple[str, str]], duration: float, concurrency: int, outage: float
):
    hits: list[Hit] = []
    events = {"down": None, "up": None}
    started = time.monotonic()
    counter = iter(range(10**9))

    async def worker(client: httpx.AsyncClient, offset: int) -> None:
        index = offset
        while time.monotonic() - started < duration:
            kind, url = urls[index % len(urls)]
            index += 1
            headers = {}
            if kind == "search":
                # A distinct visitor per search, so every one of them should count.
                headers["User-Agent"] = f"Mozilla/5.0 (X11; Linux x86_64) LoadDrill/{next(counter)}"
            sent = time.monotonic() - started
            try:
                response = await client.get(base + url, headers=headers)
                status, text = response.status_code, response.text
            except httpx.TransportError:
                status, text = 0, ""
            hits.append(Hit(sent, time.monotonic() - started, kind, status, "Traceback" in text))

    async def fault() -> None:
        if outage <= 0:
            return
        await asyncio.sleep(duration * 0.35)
        log("stopping PostgreSQL")
        # The outage starts when the stop starts: requests already in flight may fail.
        events["down"] = time.monotonic() - started  # type: ignore[assignment]
        await asyncio.to_thread(pg, "stop")
        await asyncio.sleep(outage)
        log("starting PostgreSQL")
        await asyncio.to_thread(pg, "start")
        await asyncio.to_thread(pg_wait_ready)
        events["up"] = time.monotonic() - started  # type: ignore[assignment]

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30, follow_redirects=False) as client:
        await asyncio.gather(fault(), *(worker(client, i) for i in range(concurrency)))
    return hits, events


def analyse(hits: list[Hit], events: dict, stored_events: int) -> dict:
    down, up = events["down"], events["up"]

    def in_outage(hit: Hit) -> bool:
        """Any overlap with the outage and its recovery budget."""
        return down is not None and hit.at >= down and hit.started <= up + RECOVERY_BUDGET_S

    normal = [h for h in hits if not in_outage(h)]
    outage = [h for h in hits if in_outage(h)]
    failed_normal = [h for h in normal if h.status != 200 or h.traceback]
    bad_outage = [h for h in outage if h.status not in (200, 503) or h.traceback]
    late_failures = [h.at for h in hits if up is not None and h.at > up and h.status != 200]
    recovery = (max(late_failures) - up) if late_failures else 0.0
    searches_ok = sum(1 for h in hits if h.kind == "search" and h.status == 200)
    # Recording is best effort by design (a search never fails because its evidence could
    # not be written), so a search answered while the database went away may lose its
    # event; outside the outage none may, and none may ever count twice.
    searches_ok_outside = sum(1 for h in normal if h.kind == "search" and h.status == 200)
    duration = max(h.at for h in hits) if hits else 0
    report = {
        "requests": len(hits),
        "requests_per_second": round(len(hits) / duration, 1) if duration else 0,
        "failed_outside_outage": len(failed_normal),
        "failed_examples": [
            (round(h.started, 2), round(h.at, 2), h.kind, h.status) for h in failed_normal[:5]
        ],
        "outage_seconds": round(up - down, 1) if down else 0,
        "outage_503": sum(1 for h in outage if h.status == 503),
        "outage_200": sum(1 for h in outage if h.status == 200),
        "outage_bad": len(bad_outage),
        "tracebacks": sum(1 for h in hits if h.traceback),
        "recovery_seconds": round(recovery, 2),
        "searches_answered": searches_ok,
        "searches_answered_outside_outage": searches_ok_outside,
        "search_events_stored": stored_events,
    }
    checks = {
        "no failed request outside the outage": not failed_normal,
        "only 503 (or 200) during the outage, no traceback": (
            not bad_outage and not report["tracebacks"]
        ),
        "the outage was seen (some 503s)": down is None or report["outage_503"] > 0,  # type: ignore[operator]
        f"full service within {RECOVERY_BUDGET_S:.0f} s of the database's return": (
            recovery <= RECOVERY_BUDGET_S
        ),
        "every search answered outside the outage stored, none twice": (
            searches_ok_outside <= stored_events <= searches_ok
        ),
    }
    report["checks"] = checks
    return report


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument(
        "--outage", type=float, default=10, help="seconds PostgreSQL is down (0: none)"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--output", default=str(ROOT / "artifacts" / "load-faults.json"))
    args = parser.parse_args()
    port_require_free(args.port)

    if not PG_VERSION:
        raise SystemExit("no local PostgreSQL cluster found under /etc/postgresql")
    if not pg_ready():
        pg("start")
        pg_wait_ready()
    nonce = nonce_new()
    database = f"loaddrill_{os.getpid()}"
    psql(f"CREATE DATABASE {database}")
    var_dir = tempfile.mkdtemp(prefix="loaddrill-")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_VAR_DIR": var_dir,
        "DJANGO_CONN_MAX_AGE": "60",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        NONCE_ENV: nonce,
    }
    server = None
    try:
        log("preparing the database, demo catalog and static files")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo_catalog")
        manage(env, "collectstatic", "--noinput", "-v0")
        slugs = json.loads(manage(env, "shell", "--no-imports", "-c", TOP_SLUGS))
        server_log = open(Path(var_dir) / "server.log", "w")  # noqa: SIM115 - lives as long as the server
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
        )
        base = f"http://127.0.0.1:{args.port}"
        asyncio.run(wait_healthy(base, nonce))
        pair = "-vs-".join(sorted(["qwen3-5-flash", "flux-1-pro"]))
        urls = [
            ("page", "/"),
            ("page", "/artifacts/"),
            ("page", "/artifacts/?kind=model&sort=-rank"),
            ("page", f"/compare/{pair}/"),
            ("page", "/methodology/"),
            ("static", "/static/css/site.css"),
            *[("page", f"/artifacts/{slug}/") for slug in slugs],
            *[("search", f"/search/?q={q.replace(' ', '+')}") for q in SEARCHES],
        ]
        log(f"{args.duration:.0f} s at {args.concurrency} connections, outage {args.outage:.0f} s")
        hits, events = asyncio.run(drive(base, urls, args.duration, args.concurrency, args.outage))
        stored = int(manage(env, "shell", "--no-imports", "-c", STORED_SEARCHES).strip())
        report = analyse(hits, events, stored)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not pg_ready():
            pg("start")
            pg_wait_ready()
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps({"settings": vars(args), **report}, indent=2))
    for key, value in report.items():
        if key != "checks":
            print(f"{key:>28}: {value}")
    for name, ok in report["checks"].items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(report["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
