from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.selectors import artifact_breakdown_get, artifact_published_get


@require_GET
def artifact_detail(request: HttpRequest, slug: str) -> HttpResponse:
    artifact = artifact_published_get(slug=slug)
    if artifact is None:
        raise Http404("No published artifact with that name.")
    return render(
        request,
        "catalog/artifact_detail.html",
        {
            "artifact": artifact,
            "breakdown": artifact_breakdown_get(artifact=artifact),
            "capabilities": artifact.capabilities.published().prefetch_related("tags"),
        },
    )
