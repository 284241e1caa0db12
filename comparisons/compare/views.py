from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from catalog.models import Artifact
from comparisons.compare.alignment import aligned_filter, capabilities_align
from comparisons.compare.charts import score_chart_build
from comparisons.compare.pairs import (
    LoadedPair,
    compare_index_get,
    compare_path,
    pair_canonical,
    pair_exists,
    pair_load,
    pair_parse,
    related_pairs_get,
)
from comparisons.compare.seo import breadcrumbs_ld, graph_ld, software_application_ld
from comparisons.compare.verdict import SHOW_CHOICES, facts_build, lead_build, verdict_build
from comparisons.editing import comparison_edit_url_get
from comparisons.htmx import HtmxHttpRequest
from config.paths import path_reverse

# Capabilities shown per side before "+N more".
CAPABILITIES_SHOWN = 5
SIDES = ("a", "b")
# HTMX targets this view renders as fragments (Jinja2 templates, config/jinja2.py); anything
# else gets the whole page.
FRAGMENTS = {
    "caps-a": "compare/side_capabilities.html",
    "caps-b": "compare/side_capabilities.html",
    "aligned": "compare/aligned.html",
}
SEARCH_TERMS = 3


def _search_url(*, pair: LoadedPair, side_facts: dict) -> str:
    """Search pre-filled with what the pair has in common, else what each side does most."""
    terms = [name.lower() for _, name in pair.shared_tags[:SEARCH_TERMS]]
    if not terms:
        for key in SIDES:
            for capability in side_facts[key].capabilities:
                if capability.tags:
                    terms.append(capability.tags[0][1].lower())
                    break
    query = " ".join(dict.fromkeys(terms)) or f"{pair.a.name} {pair.b.name}"
    return f"{path_reverse('search')}?{urlencode({'q': query})}"


def _query(request: HtmxHttpRequest, **changes) -> str:
    params = request.GET.copy()
    for name, values in changes.items():
        params.setlist(name, values)
    return params.urlencode()


@dataclass(slots=True)
class SideView:
    """One side's capability list as the page draws it. Objects, not dicts, because the
    templates read their fields by attribute, which Jinja2 tries before an item lookup:
    on a dict every field read raised and caught an AttributeError first."""

    key: str
    artifact: Artifact
    capabilities: list
    hidden_count: int
    more_url: str
    shown_ids: frozenset[int]
    # Where "+N more" leads: the first capability beyond those shown at first.
    first_hidden_id: int | None


@dataclass(slots=True)
class CapabilityLink:
    title: str
    href: str


@dataclass(slots=True)
class AlignedRowView:
    """One row of the side-by-side table, with links to each side's capabilities."""

    tag_slug: str
    tag_name: str
    presence: str
    difference: str
    same_text: bool
    a: list[CapabilityLink]
    b: list[CapabilityLink]


def _sides(
    *, request: HtmxHttpRequest, pair: LoadedPair, expanded: set[str]
) -> dict[str, SideView]:
    sides = {}
    for key in SIDES:
        artifact = pair.side(key)
        capabilities = artifact.published_capabilities
        shown = capabilities if key in expanded else capabilities[:CAPABILITIES_SHOWN]
        more_query = _query(request, all=sorted(expanded | {key}))
        sides[key] = SideView(
            key=key,
            artifact=artifact,
            capabilities=shown,
            hidden_count=len(capabilities) - len(shown),
            more_url=f"{pair.path}?{more_query}",
            shown_ids=frozenset(c.id for c in shown),
            first_hidden_id=(
                capabilities[CAPABILITIES_SHOWN].id
                if len(capabilities) > CAPABILITIES_SHOWN
                else None
            ),
        )
    return sides


def _aligned(*, rows, sides: dict[str, SideView]) -> list[AlignedRowView]:
    def link(side: SideView, capability) -> CapabilityLink:
        if capability.id in side.shown_ids:
            return CapabilityLink(capability.title, f"#cap-{capability.id}")
        return CapabilityLink(capability.title, f"{side.more_url}#cap-{capability.id}")

    return [
        AlignedRowView(
            tag_slug=row.tag_slug,
            tag_name=row.tag_name,
            presence=row.presence,
            difference=row.difference,
            same_text=row.same_text,
            a=[link(sides["a"], c) for c in row.a],
            b=[link(sides["b"], c) for c in row.b],
        )
        for row in rows
    ]


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def compare(request: HtmxHttpRequest, pair: str) -> HttpResponse:
    parsed = pair_parse(pair=pair)
    if parsed is None or parsed[0] == parsed[1]:
        raise Http404("No such comparison.")
    canonical = pair_canonical(first=parsed[0], second=parsed[1])
    if parsed != canonical:
        if not pair_exists(first=parsed[0], second=parsed[1]):
            raise Http404("No such comparison.")
        query = request.GET.urlencode()
        path = compare_path(first=parsed[0], second=parsed[1])
        return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)
    loaded = pair_load(first=canonical[0], second=canonical[1])
    if loaded is None:
        raise Http404("No such comparison.")

    side_facts = {key: loaded.facts(key) for key in SIDES}
    a, b = side_facts["a"], side_facts["b"]
    # Unknown filter values fall back to "everything": a shared URL never breaks the page.
    show = request.GET.get("show", "all")
    show = show if show in SHOW_CHOICES else "all"
    tag_options = sorted((a.tag_names | b.tag_names).items(), key=lambda t: t[1].lower())
    tag = request.GET.get("tag", "")
    tag = tag if tag in {slug for slug, _ in tag_options} else ""
    # Each capability sits in one row; a tag filter lists every capability carrying it.
    all_rows = capabilities_align(a=a.capabilities, b=b.capabilities, tag=tag)
    expanded = {v for v in request.GET.getlist("all") if v in SIDES}
    sides = _sides(request=request, pair=loaded, expanded=expanded)
    aligned = _aligned(rows=aligned_filter(rows=all_rows, show=show), sides=sides)
    context = {
        "pair": loaded,
        "a": loaded.a,
        "b": loaded.b,
        "sides": [sides["a"], sides["b"]],
        "aligned": aligned,
        "aligned_total": len(all_rows),
        "show": show,
        "tag": tag,
        "show_choices": [
            (value, label.replace("the first", a.name).replace("the second", b.name))
            for value, label in SHOW_CHOICES.items()
        ],
        "tag_options": tag_options,
        "expanded": sorted(expanded),
    }

    fragment = None
    if request.htmx and not request.htmx.history_restore_request:
        fragment = FRAGMENTS.get(request.htmx.target or "")
    if fragment is not None:
        if fragment == FRAGMENTS["caps-a"]:
            context["side"] = sides[request.htmx.target.removeprefix("caps-")]  # type: ignore[union-attr]
        return render(request, fragment, context, using="jinja2")

    evidence = loaded.evidence
    # Every absolute URL of the page from one scheme and host (build_absolute_uri parses
    # the request again on each call).
    origin = request.build_absolute_uri("/").removesuffix("/")
    canonical_url = origin + loaded.path
    lead = lead_build(a=a, b=b, evidence=evidence)
    crumbs = [
        ("Home", origin + path_reverse("home")),
        ("Compare", origin + path_reverse("compare_index")),
        (f"{a.name} vs {b.name}", canonical_url),
    ]
    context.update(
        facts=facts_build(a=a, b=b),
        lead=lead,
        verdict=verdict_build(
            a=a,
            b=b,
            evidence=evidence,
            editor_text=loaded.override.verdict if loaded.override else "",
        ),
        evidence=evidence,
        chart=score_chart_build(
            series=[(a.name, loaded.breakdown("a")), (b.name, loaded.breakdown("b"))]
        ),
        search_url=_search_url(pair=loaded, side_facts=side_facts),
        related=related_pairs_get(pair=loaded),
        edit_url=comparison_edit_url_get(
            request=request, a=loaded.a, b=loaded.b, override=loaded.override
        ),
        canonical_url=canonical_url,
        noindex=not loaded.indexable,
        jsonld=graph_ld(
            nodes=[
                breadcrumbs_ld(items=crumbs),
                *(
                    software_application_ld(
                        artifact=artifact, url=origin + artifact.get_absolute_url()
                    )
                    for artifact in (loaded.a, loaded.b)
                ),
            ]
        ),
    )
    return render(request, "compare/page.html", context, using="jinja2")


@require_GET
def compare_index(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "compare/compare_index.html",
        {
            "index": compare_index_get(),
            "canonical_url": request.build_absolute_uri(reverse("compare_index")),
        },
    )
