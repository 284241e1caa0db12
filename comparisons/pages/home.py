from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.selectors import artifacts_top_by_group, artifacts_top_by_group_carried
from comparisons.caching.derived import (
    derived_cache_get_many,
    derived_cache_set_many,
    derived_cache_version,
)
from comparisons.compare.pairs import featured_pairs_get
from comparisons.htmx import HtmxHttpRequest

TOP_GROUPS_KEY = "home-top-groups"
# A kept state older than the journal's reach is read again anyway (catalog/journal.py).
TOP_GROUPS_SECONDS = 24 * 3600


def _top_groups(*, per_group: int) -> list:
    """The home page's best artifacts of each rank group, carried across edits from what
    the last home page read (`artifacts_top_by_group_carried`) when reuse is on."""
    if derived_cache_version() is None:
        return artifacts_top_by_group(per_group=per_group)
    kept = derived_cache_get_many([TOP_GROUPS_KEY]).get(TOP_GROUPS_KEY)
    groups, now_kept = artifacts_top_by_group_carried(per_group=per_group, kept=kept)
    if now_kept is not kept:
        derived_cache_set_many({TOP_GROUPS_KEY: now_kept}, timeout=TOP_GROUPS_SECONDS)
    return groups


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/home.html",
        {
            # Ranks compare like with like: the top of each kind (and model job) apart.
            "top_groups": _top_groups(per_group=4),
            "featured_comparisons": featured_pairs_get(limit=6),
        },
    )
