"""Production server settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`."""

import gc
import multiprocessing
import os
import random
import socket
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Requests themselves are logged by the load balancer; errors go to stderr as JSON lines
# through Django's logging. Set GUNICORN_ACCESS_LOG=- to see every request.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Recycle a worker when its own memory grows past GUNICORN_MAX_WORKER_MB (checked every
# MEMORY_CHECK_EVERY requests in `post_request`), so that a slow leak can never grow without
# bound, and never on a request count: a new worker starts with empty per-process caches
# (cached pages in local memory, kept search rankings and candidates) and its first search
# of each intent ranks it whole again, 0.3-0.5 s at 100,000 artifacts. A healthy worker
# holds about 150 MB at 100,000 artifacts. GUNICORN_MAX_REQUESTS still sets a count.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
max_worker_mb = int(os.environ.get("GUNICORN_MAX_WORKER_MB", "400"))
MEMORY_CHECK_EVERY = 1000
# Kernel send buffer of every connection, in bytes: big enough for a whole page (the
# catalog's is about 85 KB), so a sync worker hands the page to the kernel in one call and
# takes the next request, instead of waiting for the client to read each 16 KB (Linux's
# initial buffer). A proxy in front buffers responses the same way (gunicorn's own advice).
send_buffer_bytes = int(os.environ.get("GUNICORN_SEND_BUFFER_BYTES", str(512 * 1024)))
# Load the application once, in the master, and build there what every worker needs before
# its first request (the browse snapshot: about 3 s at 100,000 artifacts): forked workers
# inherit it, so no visitor waits for it after a start or a worker's recycling (a recycled
# worker brings it up to date from the change journal, comparisons/browse/snapshot.py).
# GUNICORN_PRELOAD=0 loads the application in each worker instead, each building its own
# snapshot on its first request.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"


# What the project's template folders hold templates as (pages, and the sitemaps' XML).
TEMPLATE_SUFFIXES = (".html", ".xml")


def when_ready(server):
    """Set the send buffer on the listening sockets, before any worker is forked: the
    connections they accept inherit it. Then, with the application preloaded, build what
    the workers will inherit."""
    for listener in server.LISTENERS:
        listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer_bytes)
    if server.cfg.preload_app:
        workers_prepare(server)


def workers_prepare(server):
    """Compile the project's templates and build the browse snapshot and the search's name
    families in the master, for the workers forked after this. A failure (the database not
    up yet) is logged and costs only the head start: each worker then builds its own on its
    first request. The master's database connections are closed before any fork, so that
    no two processes ever share one."""
    from django.db import connections
    from django.template import engines

    # Each engine compiles a template on its first use, in each process. The Jinja2
    # templates sit in a folder inside the Django templates' one: each engine its own.
    every_dir = [Path(d) for engine in engines.all() for d in engine.dirs]
    for engine in engines.all():
        for directory in map(Path, engine.dirs):
            nested = [d for d in every_dir if d != directory and d.is_relative_to(directory)]
            for path in sorted(p for p in directory.rglob("*.*") if p.suffix in TEMPLATE_SUFFIXES):
                if not any(path.is_relative_to(other) for other in nested):
                    engine.get_template(path.relative_to(directory).as_posix())
    try:
        from comparisons.browse.snapshot import browse_snapshot_get

        browse_snapshot_get()
    except Exception:
        server.log.exception("Browse snapshot not built before the workers start")
    try:
        # The name families every search parses its intent with (about 1.2 s at 100,000
        # artifacts): without them, each worker's first search built them.
        from comparisons.caching.derived import derived_cache_versions
        from comparisons.search.families import catalog_families_get

        versions = derived_cache_versions()
        if versions is not None:
            catalog_families_get(facts=versions[1])
    except Exception:
        server.log.exception("Name families not built before the workers start")
    finally:
        connections.close_all()


def post_worker_init(worker):
    """Keep the loaded application out of garbage collection: its ~90,000 long-lived objects
    (modules, URL patterns, compiled templates) made every full collection a 50-90 ms pause
    on a 2-core machine, the p95-p99 tail of every uncached page in BENCHMARKS.md. And give
    the worker its own memory limit, up to a tenth above max_worker_mb, so that workers
    growing alike (every one rebuilding its snapshot after a bulk write) are not all
    retired at the same request."""
    gc.freeze()
    worker.memory_limit_mb = max_worker_mb * random.uniform(1.0, 1.1)
    worker.requests_unchecked = 0


def worker_private_mb() -> float | None:
    """This process's own memory in MB: the pages only it maps (Private_Clean and
    Private_Dirty of /proc/self/smaps_rollup, Linux 4.14+), not those it still shares with
    the preloaded master; None where that file does not exist. Why not ru_maxrss: a peak
    never comes down, and it counts the master's pages every worker shares."""
    try:
        text = Path("/proc/self/smaps_rollup").read_text()
    except OSError:
        return None
    kilobytes = sum(
        int(line.split()[1]) for line in text.splitlines() if line.startswith("Private_")
    )
    return kilobytes / 1024


def post_request(worker, req, environ, resp):
    """Every MEMORY_CHECK_EVERY requests, retire the worker after this one once its own
    memory passed its limit (`post_worker_init`): gunicorn's own max_requests ends a worker
    the same way, and the arbiter forks its replacement."""
    worker.requests_unchecked = getattr(worker, "requests_unchecked", 0) + 1
    if worker.requests_unchecked < MEMORY_CHECK_EVERY:
        return
    worker.requests_unchecked = 0
    limit = getattr(worker, "memory_limit_mb", max_worker_mb)
    private = worker_private_mb()
    if private is not None and private > limit:
        worker.log.warning(
            "Worker %s holds %.0f MB of its own, over its %.0f MB: retiring it after this request",
            worker.pid,
            private,
            limit,
        )
        worker.alive = False
