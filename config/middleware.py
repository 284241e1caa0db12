import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("django.request")


class DatabaseUnavailableMiddleware:
    """A lost database is an outage, not a bug: answer 503 with a friendly page and a
    Retry-After instead of a 500. Django reconnects by itself once the server is back
    (health-checked persistent connections), so no restart is needed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "database unavailable: %s",
            exception,
            extra={"request": request, "status_code": 503},
        )
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "10"
        return response
