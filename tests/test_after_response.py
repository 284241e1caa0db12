"""Work left until the response is sent (config/after_response.py): queued during a request,
run when the server closes the response, at once outside a request; the search term
statistics' write is such work."""

import logging

import pytest
from django.core.handlers.base import BaseHandler
from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import RequestFactory

from comparisons.models import TermStatistic
from config.after_response import AfterResponseMiddleware, after_response
from tests.factories import CapabilityFactory


def _server_close(response: HttpResponse) -> None:
    """What the server does once it has written the body, as the test client does it: the
    connection-closing receiver left out, since a test holds its connection."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _queueing_view(done: list[str], *work: str):
    def view(request):
        for name in work:
            after_response(lambda name=name: done.append(name))
        done.append("view returned")
        return HttpResponse("ok")

    return view


def test_work_queued_in_a_request_runs_when_the_response_is_closed():
    done: list[str] = []
    middleware = AfterResponseMiddleware(_queueing_view(done, "first", "second"))
    response = middleware(RequestFactory().get("/"))
    assert done == ["view returned"]
    _server_close(response)
    assert done == ["view returned", "first", "second"]


def test_outside_a_request_work_runs_at_once():
    done: list[str] = []
    after_response(lambda: done.append("now"))
    assert done == ["now"]
    # Nor does a finished request leave its queue behind for later callers.
    AfterResponseMiddleware(_queueing_view(done, "queued"))(RequestFactory().get("/"))
    after_response(lambda: done.append("later, at once"))
    assert done == ["now", "view returned", "later, at once"]


def test_failing_work_is_logged_and_the_rest_still_runs(caplog):
    done: list[str] = []

    def view(request):
        after_response(lambda: 1 / 0)
        after_response(lambda: done.append("after the failure"))
        return HttpResponse("ok")

    response = AfterResponseMiddleware(view)(RequestFactory().get("/"))
    with caplog.at_level(logging.ERROR, logger="config.after_response"):
        _server_close(response)
    assert done == ["after the failure"]
    assert "ZeroDivisionError" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_search_stores_its_term_statistics_after_its_response(derived_cache):
    """Through the whole middleware stack: the page is complete before the statistics are
    stored, and they are stored when the server closes it."""
    artifact = CapabilityFactory(title="Zorblat helper").artifact
    handler = BaseHandler()
    handler.load_middleware()
    response = handler.get_response(RequestFactory().get("/search/", {"q": "zorblat"}))
    assert response.status_code == 200
    # What lets a client stop reading before the server runs the queue and closes.
    assert int(response["Content-Length"]) == len(response.content)
    assert artifact.name in response.content.decode()
    assert not TermStatistic.objects.exists()
    _server_close(response)
    assert TermStatistic.objects.filter(documents=1).exists()
