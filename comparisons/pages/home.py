from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.selectors import artifacts_top_by_group
from comparisons.compare.pairs import featured_pairs_get
from comparisons.htmx import HtmxHttpRequest


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/home.html",
        {
            # Ranks compare like with like: the top of each kind (and model job) apart.
            "top_groups": artifacts_top_by_group(per_group=4),
            "featured_comparisons": featured_pairs_get(limit=6),
        },
    )
