from django.core.exceptions import TooManyFieldsSent
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from comparisons.browse.cards import artifact_cards_render
from comparisons.browse.filters import ArtifactFilter, artifact_facets_count
from comparisons.htmx import HtmxHttpRequest
from comparisons.paging import page_wanted

PAGE_SIZE = 24
TOO_MANY_PARAMETERS = (
    "The address carries too many parameters to read, so the catalog is shown unfiltered."
)


@require_GET
@vary_on_headers("HX-Request")
def artifact_list(request: HtmxHttpRequest) -> HttpResponse:
    notice = ""
    try:
        data = request.GET
    except TooManyFieldsSent:
        # Django refuses to parse the query string at all; answer with the plain catalog.
        data, notice = QueryDict(), TOO_MANY_PARAMETERS
    filterset = ArtifactFilter(data)
    page_obj = Paginator(filterset.ordered_ids(), PAGE_SIZE).get_page(page_wanted(data.get("page")))
    cards = artifact_cards_render(
        ids=[int(pk) for pk in page_obj.object_list], version=filterset.snapshot.version
    )

    params = QueryDict(mutable=True)
    for name, values in filterset.active_params.items():
        params.setlist(name, values)
    if page_obj.number > 1:
        params["page"] = str(page_obj.number)

    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    # Bad input answers 400 to plain requests; htmx would not swap a 400 in at all (neither a
    # fragment nor a history restore), and the page must still show the errors.
    status = 400 if (notice or not filterset.form.is_valid()) and not request.htmx else 200
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "facets": artifact_facets_count(filterset=filterset),
        "page_obj": page_obj,
        "cards": cards,
        "params": params,
        "notice": notice,
        "fragment": fragment,
    }
    if fragment:
        response = render(request, "browse/artifact_list.html#results", context, status=status)
        query = params.urlencode()
        return push_url(response, reverse("artifact_list") + (f"?{query}" if query else ""))
    return render(request, "browse/artifact_list.html", context, status=status)
