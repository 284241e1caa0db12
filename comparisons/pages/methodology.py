from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from catalog.models import ArtifactKind
from catalog.ranking import (
    COMPONENT_LABELS,
    COMPONENTS,
    FRESHNESS_HALF_LIFE_DAYS,
    QualityInputs,
    quality_checklist,
    weights_for_kind,
)
from catalog.selectors import weights_by_kind_get
from comparisons.compare.verdict import CLOSE_GAP
from comparisons.htmx import HtmxHttpRequest


@require_GET
def methodology(request: HtmxHttpRequest) -> HttpResponse:
    overrides = weights_by_kind_get()
    weights = []
    for kind, label in ArtifactKind.choices:
        w = weights_for_kind(kind=kind, overrides=overrides)
        total = w.total
        weights.append(
            {
                "kind": label,
                # Rows exist for every kind from the start; only a change is worth a note.
                "edited": w != weights_for_kind(kind=kind),
                "shares": [round(100 * getattr(w, c) / total) for c in COMPONENTS],
            }
        )
    checklist = quality_checklist(inputs=QualityInputs(), today=date.today())
    return render(
        request,
        "pages/methodology.html",
        {
            "components": [COMPONENT_LABELS[c] for c in COMPONENTS],
            "weights": weights,
            "checklist": checklist,
            "half_life_days": FRESHNESS_HALF_LIFE_DAYS,
            "close_gap": CLOSE_GAP,
            "canonical_url": request.build_absolute_uri(reverse("methodology")),
        },
    )


@require_GET
def robots_txt(request: HtmxHttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /search/",
        "",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
