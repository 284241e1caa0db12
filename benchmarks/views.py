"""Benchmark-only views, routed only when DJANGO_BENCH_VIEWS is on (see config/urls.py)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def floor(request: HttpRequest) -> HttpResponse:
    """The framework's own cost: the full middleware stack around a view that does nothing."""
    return HttpResponse("ok", content_type="text/plain")
