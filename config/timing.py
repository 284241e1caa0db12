"""Server-Timing: what a response's time went to, in its `Server-Timing` header (W3C Server
Timing, https://www.w3.org/TR/server-timing/), for a browser's developer tools and for
`make bench`, which writes it beside every request over its after-edit budget.

On with DJANGO_SERVER_TIMING (default: DEBUG). The middleware writes `total` (everything
until the response is handed back to the server, a page-cache hit included; a streamed
body, such as a static file's, is sent after it) and `db` (time in queries on the default
database, with their count), then what the code noted on the way: how a search got its
ranking and its statistics (comparisons/search/), how the browse snapshot was brought up
to date. Off, noting costs one context-variable read. On in production, it tells anyone
how long the database took and whether someone ran the same search lately ("page kept").

Why not django-server-timing: it keeps metrics in a thread-local that only a response
clears, so code that notes outside a request (the task worker, management commands) grows
it without bound, and it writes descriptions unescaped.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse


@dataclass
class Metric:
    """One entry of the header: a token `name`, a free-text `description`, and `seconds`
    (None: no duration, a description only)."""

    name: str
    description: str = ""
    seconds: float | None = None


_metrics: ContextVar[list[Metric] | None] = ContextVar("server_timing", default=None)


def timing_note(name: str, *, description: str = "", seconds: float | None = None) -> None:
    """Add a metric to the current response's header; nothing outside a timed request.
    `name`: a token (letters, digits, `-`, `_`); `seconds`: a duration, if any."""
    metrics = _metrics.get()
    if metrics is not None:
        metrics.append(Metric(name, description, seconds))


@contextmanager
def timing_span(name: str, *, description: str = "") -> Iterator[Metric]:
    """Time the block as metric `name`; the yielded Metric's description may be changed
    inside it (what the block found out). Outside a timed request the Metric goes nowhere."""
    metric = Metric(name, description)
    began = time.perf_counter()
    try:
        yield metric
    finally:
        metric.seconds = time.perf_counter() - began
        metrics = _metrics.get()
        if metrics is not None:
            metrics.append(metric)


def timing_header(metrics: list[Metric]) -> str:
    """The header's value: `name;desc="...";dur=<milliseconds>` per metric, comma-separated,
    the description a quoted-string (RFC 9110 5.6.4: backslash and double quote escaped)."""
    entries = []
    for metric in metrics:
        entry = metric.name
        if metric.description:
            escaped = metric.description.replace("\\", "\\\\").replace('"', '\\"')
            entry += f';desc="{escaped}"'
        if metric.seconds is not None:
            entry += f";dur={metric.seconds * 1000:.1f}"
        entries.append(entry)
    return ", ".join(entries)


class _QueryClock:
    """A database execute wrapper adding up the time and count of the queries it sees."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - began
            self.count += 1


class ServerTimingMiddleware:
    """First in the stack, so that `total` covers every other middleware, a cached page's
    answer included. Adds the header only when settings.SERVER_TIMING is on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.SERVER_TIMING:
            return self.get_response(request)
        metrics: list[Metric] = []
        token = _metrics.set(metrics)
        clock = _QueryClock()
        began = time.perf_counter()
        try:
            with connection.execute_wrapper(clock):
                response = self.get_response(request)
        finally:
            _metrics.reset(token)
        total = Metric("total", seconds=time.perf_counter() - began)
        queries = f"{clock.count} {'query' if clock.count == 1 else 'queries'}"
        database = Metric("db", queries, clock.seconds)
        response["Server-Timing"] = timing_header([total, database, *metrics])
        return response
