from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.models import Artifact


@require_GET
def artifact_list(request: HttpRequest) -> HttpResponse:
    artifacts = Artifact.objects.published().for_cards().by_rank()
    return render(request, "catalog/artifact_list.html", {"artifacts": artifacts})
