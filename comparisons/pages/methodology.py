from datetime import date

from django.db.models import Subquery
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from catalog.models import ArtifactKind, Evaluation, RankWeights, UsageFact
from catalog.ranking import (
    BOARD_FOR_JOB,
    COMPONENTS,
    JOB_LABELS,
    PROVISIONAL_BELOW,
    REGISTRY,
    CoverageInputs,
    Weights,
    coverage_checklist,
    weights_for_kind,
)
from comparisons.compare.verdict import CLOSE_GAP
from comparisons.htmx import HtmxHttpRequest

_BOARDS = sorted({board for board, _ in BOARD_FOR_JOB.values()})


def _latest(queryset, field: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def _weights_and_dates() -> tuple[dict[str, Weights], dict[str, date | None]]:
    """Editor weights per kind and the dates of the score's external inputs, in ONE query
    (the dates ride along as scalar subqueries on the weights rows)."""
    dates = {
        **{
            f"board_{board}": _latest(Evaluation.objects.filter(board=board), "published_on")
            for board in _BOARDS
        },
        "usage": _latest(UsageFact.objects.all(), "as_of"),
    }
    rows = list(RankWeights.objects.annotate(**dates).values("kind", *COMPONENTS, *dates))
    weights = {row["kind"]: Weights(**{c: row[c] for c in COMPONENTS}) for row in rows}
    found = {name: rows[0][name] if rows else None for name in dates}
    return weights, found


@require_GET
def methodology(request: HtmxHttpRequest) -> HttpResponse:
    overrides, dates = _weights_and_dates()
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
    boards = [
        {
            "job": JOB_LABELS[job],
            "board": board,
            "category": category,
            "published_on": dates.get(f"board_{board}"),
        }
        for job, (board, category) in BOARD_FOR_JOB.items()
    ]
    checklist = coverage_checklist(inputs=CoverageInputs(), today=date.today())
    return render(
        request,
        "pages/methodology.html",
        {
            "registry": REGISTRY,
            "components": [c.label for c in REGISTRY],
            "weights": weights,
            "boards": boards,
            "usage_latest": dates.get("usage"),
            "checklist": checklist,
            "provisional_percent": round(100 * PROVISIONAL_BELOW),
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
