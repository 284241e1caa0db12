"""The sitemaps: an index at /sitemap.xml naming one sitemap per section
(/sitemap-<section>.xml), each split into pages of at most 50,000 URLs (the sitemaps
protocol's limit; Django's Sitemap.limit), as crawlers read them. A single file listing
every section held only the first 50,000 artifacts of a larger catalog, plus the pairs,
over the protocol's limit."""

import functools
import re
from datetime import datetime

from django.contrib.sitemaps import Sitemap, views
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from catalog.models import Artifact
from comparisons.compare.pairs import PairLink, sitemap_pairs_get


class StaticSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["home", "artifact_list", "compare_index", "methodology"]

    def location(self, item: str) -> str:
        return reverse(item)


def _local(moment: datetime) -> datetime:
    # The day a sitemap gives is the site's (settings.TIME_ZONE), as Django's date filter
    # would give it; the template formats it as it is (templates/jinja2/sitemaps/urlset.xml).
    return timezone.localtime(moment)


class ArtifactSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        # Delisted artifacts stay reachable but leave the sitemap until an editor keeps them.
        # Rows, not models: 50,000 a page.
        rows = Artifact.objects.published().listed().order_by("slug")
        return rows.values_list("slug", "updated_at", named=True)

    @functools.cached_property
    def _path_prefix(self) -> str:
        # Every artifact's path is this plus its slug and "/": reversed once a page, not
        # once per artifact (50,000 reverses, which would also push every page's own links
        # out of config.paths' per-process cache).
        return reverse("artifact_detail", kwargs={"slug": "x"}).removesuffix("x/")

    def location(self, item) -> str:
        return f"{self._path_prefix}{item.slug}/"

    def lastmod(self, item) -> datetime:
        return _local(item.updated_at)

    def get_latest_lastmod(self):
        """The index's date for this section, in one query (Django's default reads every
        artifact to take the latest)."""
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ComparisonSitemap(Sitemap):
    """Only pairs with a reason to exist (editor approval, search evidence or a shared
    tag), never every pair of the catalog: at most 50,000, so one page."""

    changefreq = "weekly"
    single_page = True

    @functools.cached_property
    def _pairs(self) -> list[PairLink]:
        # Read once per request: the index asks for the latest date and the page count.
        return sitemap_pairs_get()

    def items(self) -> list[PairLink]:
        return self._pairs

    def location(self, item: PairLink) -> str:
        return item.url

    def lastmod(self, item: PairLink) -> datetime | None:
        return _local(item.lastmod) if item.lastmod else None


# Each section's sitemap, rendered by Jinja2 (templates/jinja2/sitemaps/urlset.xml).
SITEMAP_TEMPLATE = "sitemaps/urlset.xml"
SITEMAPS: dict[str, type[Sitemap] | Sitemap] = {
    "pages": StaticSitemap,
    "artifacts": ArtifactSitemap,
    "comparisons": ComparisonSitemap,
}


# A page number as the index writes it: "2", never "02", "+2" or " 2".
_PAGE = re.compile(r"[1-9][0-9]{0,8}")


@require_GET
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """One page of a section's sitemap (Django's view, drawn by SITEMAP_TEMPLATE), at the
    addresses the index names only. Raises Http404 for an unknown section, a query other
    than one page number written as the index writes it, or a page past the first of a
    single-page section, before anything is read: Django's paginator reads every item of
    the section before it checks the number (the comparisons' pairs: seconds at 100,000
    artifacts), and a page that is not found is not cached, so each such request would
    pay for it again. Other page numbers past the last are Django's 404."""
    pages = request.GET.getlist("p")
    sitemap = SITEMAPS.get(section)
    if sitemap is None or set(request.GET) - {"p"} or len(pages) > 1:
        raise Http404("No such sitemap.")
    if pages and not _PAGE.fullmatch(pages[0]):
        raise Http404("No such sitemap page.")
    if pages and pages[0] != "1" and getattr(sitemap, "single_page", False):
        raise Http404("No such sitemap page.")
    return views.sitemap(
        request, sitemaps=SITEMAPS, section=section, template_name=SITEMAP_TEMPLATE
    )
