"""Work a request may leave until its response has been sent: writes whose only purpose is
to save later requests time, never data anyone is owed.

Why: the first search after an editor's save brings its term statistics up to date and
stores them for every worker (comparisons/search/stats.py); storing them is an upsert of
about 100 KB that took 15-21 ms of the visitor's wait at 100,000 artifacts (BENCHMARKS.md),
for counts the visitor already has.

How: AfterResponseMiddleware gives each request an empty queue, which `after_response(work)`
appends to, and hands the queue to the response to run when it is closed. A WSGI server
closes the response after writing its whole body (PEP 3333: `close()` once the iterable is
exhausted; gunicorn's sync worker writes, then closes), so the visitor has the page when
the queue runs, as long as the client can tell where the body ends: gunicorn closes the
socket only after the queue, and a body with neither Content-Length nor chunked encoding
(a streamed response to an HTTP/1.0 client) ends with that close. Django's
CommonMiddleware gives every response that is not streamed its Content-Length.
Outside a request (commands, the task worker, tests calling a service), `after_response`
runs the work at once.

The queue runs among the response's resource closers (`HttpResponseBase._resource_closers`,
which Django itself uses to close a FileResponse's file, since 3.0): a private list, but
the only place that runs with the response's close and before Django's `request_finished`
receivers, which close the database connection when it is too old, after the work rather
than before it. tests/test_after_response.py fails loudly if that list goes away. A
response never closed (only a broken server) drops its queue with it.

Only for work whose loss costs time: a worker killed between its response and its queue
never runs it, and a failure is logged, never raised. Work queued by a request is run by
the same process, before it takes the next request (a sync worker), so it also delays
that request, by as long as it would have delayed this one.
"""

import logging
from collections.abc import Callable
from contextvars import ContextVar
from functools import partial

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

_queue: ContextVar[list[Callable[[], None]] | None] = ContextVar("after_response", default=None)


def after_response(work: Callable[[], None]) -> None:
    """Run `work` (no arguments) once the current response has been sent, or now outside a
    request. Its exceptions are logged, never raised to the caller."""
    queue = _queue.get()
    if queue is not None:
        queue.append(work)
        return
    _run(work)


def _run(work: Callable[[], None]) -> None:
    try:
        work()
    except Exception:
        logger.exception("work left for after the response failed")


def _run_all(queue: list[Callable[[], None]]) -> None:
    for work in queue:
        _run(work)


class AfterResponseMiddleware:
    """Gives every request its own queue for `after_response`, run when its response is
    closed (after the server sent it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queue: list[Callable[[], None]] = []
        token = _queue.set(queue)
        try:
            response = self.get_response(request)
        finally:
            _queue.reset(token)
        if queue:
            # Private (the module docstring says why); not in the type stubs.
            response._resource_closers.append(partial(_run_all, queue))  # type: ignore[attr-defined]
        return response
