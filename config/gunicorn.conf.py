"""Production server settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`."""

import gc
import multiprocessing
import os
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
# Recycle workers now and then so that a slow leak can never grow without bound, but
# rarely: a new worker starts with empty per-process caches (cached pages in local memory,
# the browse snapshot, search rankings) and pays for them again, seconds at 100,000
# artifacts. At 2,000 requests/s a limit of 5,000 recycled every worker every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "200000"))
max_requests_jitter = 20000
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
            for path in sorted(directory.rglob("*.html")):
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
    on a 2-core machine, the p95-p99 tail of every uncached page in BENCHMARKS.md."""
    gc.freeze()
