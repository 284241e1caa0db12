import hashlib
import logging
import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from catalog.models import ArtifactKind, PricingModel
from catalog.selectors import artifact_published_get
from comparisons.caching.derived import derived_cache_get_many, derived_cache_set_many
from comparisons.htmx import HtmxHttpRequest
from comparisons.models import Intent
from comparisons.search.evidence import (
    choice_record_safely,
    request_client_key,
    request_counts,
    search_record_safely,
)
from comparisons.search.normalise import QUERY_MAX_LENGTH
from comparisons.search.service import MAX_DROPS, SearchOutcome, search_run

logger = logging.getLogger(__name__)

# Shown when there is nothing to show yet: jobs the demo catalog answers well.
EXAMPLE_INTENTS = (
    "transcribe interviews",
    "generate images from text",
    "cheap model with a long context window",
    "text to speech with natural voices",
    "open weights model to run locally",
    "agent that fixes bugs in my repository",
)


class SearchFilters(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *ArtifactKind.choices])
    pricing = forms.ChoiceField(
        required=False, choices=[("", "Any pricing"), *PricingModel.choices]
    )


# A chip's key, as intent.Constraint.key writes it: "output:image", "not-kind:app".
_DROP_KEY = re.compile(r"^(?:not-)?[a-z]{2,10}:[a-z0-9+._\-]{1,60}$")


def _chips(*, outcome: SearchOutcome, drops: list[str]) -> tuple[list[dict], list[dict]]:
    """Links for the parsed constraints: each active one to the same search without it,
    each dropped one back to the search with it. Plain links: they work without JS."""

    def url(keys: list[str]) -> str:
        params = [("q", outcome.query)]
        params += [(name, value) for name, value in (("kind", outcome.kind),
                   ("pricing", outcome.pricing)) if value]  # fmt: skip
        params += [("drop", key) for key in keys]
        return f"{reverse('search')}?{urlencode(params)}"

    active = [
        {"label": c.label, "key": c.key, "url": url([*drops, c.key])} for c in outcome.constraints
    ]
    dropped = [
        {"label": c.label, "key": c.key, "url": url([d for d in drops if d != c.key])}
        for c in outcome.dropped
    ]
    return active, dropped


def _options(choices, counts: dict[str, int], selected: str) -> list[dict]:
    return [
        {
            "value": value,
            "label": label,
            "count": counts.get(value, 0),
            "selected": value == selected,
        }
        for value, label in choices
    ]


def _is_live_keystroke(request: HtmxHttpRequest) -> bool:
    """As-you-type requests mostly carry half-typed words: they show results but are not
    evidence. Enter, the button, a filter, a page link or a chosen result records it."""
    return bool(request.htmx) and request.htmx.trigger_name == "q"


def _search_evidence_record(*, request: HtmxHttpRequest, outcome: SearchOutcome) -> None:
    search_record_safely(
        intent_text=outcome.intent,
        query=outcome.query,
        capability_ids=outcome.evidence_capability_ids,
        result_count=outcome.unfiltered_total,
        client_key=request_client_key(request),
    )


@require_GET
@vary_on_headers("HX-Request")
def search(request: HtmxHttpRequest) -> HttpResponse:
    raw_query = request.GET.get("q", "")
    filters = SearchFilters(request.GET)
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "search/search.html#results" if partial else "search/search.html"

    errors = []
    if len(raw_query) > QUERY_MAX_LENGTH:
        errors.append(
            f"Searches are limited to {QUERY_MAX_LENGTH} characters and this one has "
            f"{len(raw_query):,}. Describe the job in a few words instead."
        )
    if not filters.is_valid():
        errors.append("That kind or pricing filter does not exist; pick one from the lists.")
    drops = list(dict.fromkeys(request.GET.getlist("drop")))
    if len(drops) > MAX_DROPS or not all(_DROP_KEY.match(d) for d in drops):
        errors.append(
            "That link removes a search condition this page does not know; "
            "use the links above the results instead."
        )
    if errors:
        invalid = {"errors": errors, "query": raw_query[:QUERY_MAX_LENGTH], "outcome": None}
        return render(request, template, invalid, status=400)

    outcome = search_run(
        query=raw_query,
        kind=filters.cleaned_data["kind"],
        pricing=filters.cleaned_data["pricing"],
        page_number=request.GET.get("page", 1),
        drop=drops,
    )
    if outcome.intent and request_counts(request) and not _is_live_keystroke(request):
        _search_evidence_record(request=request, outcome=outcome)

    popular = []
    if not outcome.intent:
        popular = list(
            Intent.objects.filter(is_spam=False, last_result_count__gt=0, search_count__gt=0)
            .order_by("-search_count", "text")
            .values_list("text", flat=True)[:8]
        )
    chips, dropped_chips = _chips(outcome=outcome, drops=drops)
    context: dict[str, Any] = {
        "outcome": outcome,
        "query": outcome.query,
        "chips": chips,
        "dropped_chips": dropped_chips,
        # Only the drops that apply: a new query's constraints start afresh.
        "drops": [c["key"] for c in dropped_chips],
        "kind_options": _options(
            SearchFilters.base_fields["kind"].choices,  # type: ignore[attr-defined]
            outcome.kind_counts,
            outcome.kind,
        ),
        "pricing_options": _options(
            SearchFilters.base_fields["pricing"].choices,  # type: ignore[attr-defined]
            outcome.pricing_counts,
            outcome.pricing,
        ),
        "examples": EXAMPLE_INTENTS,
        "popular": popular,
        "query_max_length": QUERY_MAX_LENGTH,
        "oob": partial,
    }
    results = _results_rendered(request=request, context=context, outcome=outcome)
    if partial:
        return HttpResponse(results)
    return render(request, template, {**context, "results_html": results})


def _results_rendered(
    *, request: HtmxHttpRequest, context: dict[str, Any], outcome: SearchOutcome
) -> SafeString:
    """The `results` partial, rendered once per catalog version and query string.

    It depends on nothing else: the ranking, the shown page and its highlights are
    themselves fixed per catalog version (comparisons/search/service.py), and the partial
    reads only those and the query string. Rendering twenty results was most of a warm
    search's time (BENCHMARKS.md). Searches without an intent (suggestions and the most
    searched intents, which move with every search) are rendered each time.
    """
    version = outcome.version if outcome.intent else None
    key = None
    if version is not None:
        query = urlencode(sorted((k, v) for k in request.GET for v in request.GET.getlist(k)))
        digest = hashlib.sha256(query.encode()).hexdigest()
        key = f"search-html:{version}:{int(context['oob'])}:{digest}"
        found = derived_cache_get_many([key]).get(key)
        if found is not None:
            return mark_safe(found)
    html = render_to_string("search/search.html#results", context, request)
    if key is not None:
        derived_cache_set_many({key: str(html)}, timeout=settings.PAGE_CACHE_SECONDS)
    return mark_safe(html)


@require_GET
def search_choose(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A click on a search result: record the choice, then go to the artifact's page.

    The target is always built from a published artifact's own URL, never taken from the
    request, so this can not be used as an open redirect.
    """
    artifact = artifact_published_get(slug=slug)
    if artifact is None:
        raise Http404("No published artifact with that name.")
    raw_query = request.GET.get("q", "")
    if 0 < len(raw_query) <= QUERY_MAX_LENGTH and request_counts(request):
        try:
            # The search itself counts too (once per window): live results are not
            # recorded until the searcher acts on them.
            outcome = search_run(query=raw_query, with_page=False)
            if outcome.intent:
                _search_evidence_record(request=request, outcome=outcome)
                choice_record_safely(
                    intent_text=outcome.intent,
                    query=outcome.query,
                    artifact=artifact,
                    client_key=request_client_key(request),
                )
        except Exception:
            logger.exception("Could not record a search choice; redirecting anyway.")
    return HttpResponseRedirect(artifact.get_absolute_url())
