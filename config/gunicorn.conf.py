"""Production server settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`."""

import gc
import multiprocessing
import os
import socket

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


def when_ready(server):
    """Set the send buffer on the listening sockets, before any worker is forked: the
    connections they accept inherit it."""
    for listener in server.LISTENERS:
        listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer_bytes)


def post_worker_init(worker):
    """Keep the loaded application out of garbage collection: its ~90,000 long-lived objects
    (modules, URL patterns, compiled templates) made every full collection a 50-90 ms pause
    on a 2-core machine, the p95-p99 tail of every uncached page in BENCHMARKS.md."""
    gc.freeze()
