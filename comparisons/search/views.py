import hashlib
import logging
import re
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from catalog.models import ArtifactKind, PricingModel
from catalog.selectors import artifact_published_get
from comparisons.caching.derived import (
    derived_cache_get_many,
    derived_cache_set_many,
    derived_cache_versions,
)
from comparisons.htmx import HtmxHttpRequest
from comparisons.models import Intent
from comparisons.search.evidence import (
    choice_record_safely,
    request_client_key,
    request_counts,
    search_record_safely,
)
from comparisons.search.normalise import QUERY_MAX_LENGTH, intent_normalise, query_clean
from comparisons.search.service import MAX_DROPS, SearchOutcome, search_run
from config.timing import timing_note

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


class SearchEvidence(NamedTuple):
    """What recording a search counts: the intent, the cleaned query, the capabilities
    matched in the top results, and how many results there were before the filters."""

    intent: str
    query: str
    capability_ids: tuple[int, ...]
    result_count: int


def _evidence_of(outcome: SearchOutcome) -> SearchEvidence:
    return SearchEvidence(
        intent=outcome.intent,
        query=outcome.query,
        capability_ids=tuple(outcome.evidence_capability_ids),
        result_count=outcome.unfiltered_total,
    )


class SearchPage(NamedTuple):
    """A search's answer as kept per catalog version: the page (or the htmx partial) and
    what recording the search counts."""

    html: str
    evidence: SearchEvidence


def _search_evidence_record(*, request: HtmxHttpRequest, evidence: SearchEvidence) -> None:
    search_record_safely(
        intent_text=evidence.intent,
        query=evidence.query,
        capability_ids=list(evidence.capability_ids),
        result_count=evidence.result_count,
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

    # A search's page depends only on its query string and the catalog version (no
    # cookie, token or nonce is drawn on it), so it is rendered once per version and kept
    # with what a recorded search counts as matched: a repeat is answered without running
    # the search again, and a browser's is still recorded.
    versions = derived_cache_versions() if intent_normalise(query_clean(raw_query)) else None
    key = _page_key(request=request, versions=versions, partial=partial)
    page = derived_cache_get_many([key]).get(key) if key is not None else None
    timing_note("page", description="rendered" if page is None else "kept for this catalog version")
    if page is None:
        outcome = search_run(
            query=raw_query,
            kind=filters.cleaned_data["kind"],
            pricing=filters.cleaned_data["pricing"],
            page_number=request.GET.get("page", 1),
            drop=drops,
            versions=versions,
        )
        html = _page_rendered(request=request, outcome=outcome, drops=drops, partial=partial)
        page = SearchPage(html=str(html), evidence=_evidence_of(outcome))
        if key is not None and outcome.version is not None:
            derived_cache_set_many({key: page}, timeout=settings.PAGE_CACHE_SECONDS)
    if page.evidence.intent and request_counts(request) and not _is_live_keystroke(request):
        _search_evidence_record(request=request, evidence=page.evidence)
    return HttpResponse(page.html)


def _page_key(
    *, request: HtmxHttpRequest, versions: tuple[str, str] | None, partial: bool
) -> str | None:
    """Where a search's page is kept: the catalog version, whether only the results partial
    is answered, and the whole query string (any order of its parameters). None: keep
    nothing (no intent, or nothing is reused)."""
    if versions is None:
        return None
    query = urlencode(sorted((k, v) for k in request.GET for v in request.GET.getlist(k)))
    digest = hashlib.sha256(query.encode()).hexdigest()
    return f"search-page:{versions[0]}:{int(partial)}:{digest}"


def _page_rendered(
    *, request: HtmxHttpRequest, outcome: SearchOutcome, drops: list[str], partial: bool
) -> SafeString:
    """The whole page, or only its `results` partial (with the filter options swapped out
    of band) for an htmx request."""
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
    template = "search/search.html#results" if partial else "search/search.html"
    return render_to_string(template, context, request)


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
                _search_evidence_record(request=request, evidence=_evidence_of(outcome))
                choice_record_safely(
                    intent_text=outcome.intent,
                    query=outcome.query,
                    artifact=artifact,
                    client_key=request_client_key(request),
                )
        except Exception:
            logger.exception("Could not record a search choice; redirecting anyway.")
    return HttpResponseRedirect(artifact.get_absolute_url())
