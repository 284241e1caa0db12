import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health check failed: %s", error)
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    response = HttpResponse("ok\n", content_type="text/plain")
    if settings.SERVER_NONCE:
        # Lets a benchmark check that it drives the server it started (benchmarks/).
        response["X-Server-Nonce"] = settings.SERVER_NONCE
    return response
