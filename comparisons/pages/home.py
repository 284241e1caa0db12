from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.selectors import artifacts_top
from comparisons.compare.pairs import featured_pairs_get
from comparisons.htmx import HtmxHttpRequest


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/home.html",
        {
            "top_artifacts": artifacts_top(limit=12),
            "featured_comparisons": featured_pairs_get(limit=6),
        },
    )
