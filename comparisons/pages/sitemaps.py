"""The sitemaps: an index at /sitemap.xml naming one sitemap per section
(/sitemap-<section>.xml), each split into pages of at most 50,000 URLs (the sitemaps
protocol's limit; Django's Sitemap.limit), as crawlers read them. A single file listing
every section held only the first 50,000 artifacts of a larger catalog, plus the pairs,
over the protocol's limit."""

import functools
from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

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
SITEMAPS = {"pages": StaticSitemap, "artifacts": ArtifactSitemap, "comparisons": ComparisonSitemap}
