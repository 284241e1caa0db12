from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from catalog.selectors import artifact_breakdown_get, artifact_coverage_get, rank_group_label
from comparisons.caching.derived import derived_cache_version
from comparisons.compare.charts import score_chart_build
from comparisons.compare.pairs import artifact_links_get
from comparisons.compare.parts import artifact_parts_get
from comparisons.compare.seo import breadcrumbs_ld, graph_ld, software_application_ld
from comparisons.compare.verdict import model_facts_single
from comparisons.editing import artifact_edit_url_get
from comparisons.htmx import HtmxHttpRequest


@require_GET
def artifact_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    version = derived_cache_version()
    parts, weights = artifact_parts_get(slugs=[slug], version=version)
    if slug not in parts:
        raise Http404("No published artifact with that name.")
    artifact, facts = parts[slug].artifact, parts[slug].facts
    breakdown = artifact_breakdown_get(artifact=artifact, weights_by_kind=weights)
    links = artifact_links_get(artifact=artifact, version=version)
    coverage = artifact_coverage_get(
        artifact=artifact, today=timezone.localdate(), capabilities=artifact.published_capabilities
    )
    canonical_url = request.build_absolute_uri(artifact.get_absolute_url())
    crumbs = [
        ("Home", request.build_absolute_uri(reverse("home"))),
        ("Catalog", request.build_absolute_uri(reverse("artifact_list"))),
        (artifact.name, canonical_url),
    ]
    context = {
        "artifact": artifact,
        "breakdown": breakdown,
        # Rows only models have (context, prices per unit, features...); none otherwise.
        "model_facts": model_facts_single(model=facts.model) if facts.model else [],
        "rank_group": rank_group_label(kind=artifact.kind, job=artifact.job),
        "coverage": coverage,
        "coverage_passed": sum(item.passed for item in coverage),
        "evidence": artifact.score_evidence or {},
        "capabilities": artifact.published_capabilities,
        "chart": score_chart_build(series=[(artifact.name, breakdown)]),
        "alternatives": links.alternatives,
        "comparisons": links.comparisons,
        "alternatives_html": links.alternatives_html,
        "comparisons_html": links.comparisons_html,
        "canonical_url": canonical_url,
        "edit_url": artifact_edit_url_get(request=request, artifact=artifact),
        "jsonld": graph_ld(
            nodes=[
                breadcrumbs_ld(items=crumbs),
                software_application_ld(artifact=artifact, url=canonical_url),
            ]
        ),
    }
    return render(request, "pages/artifact_page.html", context, using="jinja2")
