from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalog.models import Artifact
from comparisons.compare.pairs import PairLink, sitemap_pairs_get


class StaticSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["home", "artifact_list", "compare_index", "methodology"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArtifactSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        # Delisted artifacts stay reachable but leave the sitemap until an editor keeps them.
        return Artifact.objects.published().listed().only("slug", "updated_at").order_by("slug")

    def lastmod(self, item: Artifact):
        return item.updated_at


class ComparisonSitemap(Sitemap):
    """Only pairs with a reason to exist (editor approval, search evidence or a shared
    tag), never every pair of the catalog."""

    changefreq = "weekly"

    def items(self) -> list[PairLink]:
        return sitemap_pairs_get()

    def location(self, item: PairLink) -> str:
        return item.url

    def lastmod(self, item: PairLink):
        return item.lastmod


SITEMAPS = {"pages": StaticSitemap, "artifacts": ArtifactSitemap, "comparisons": ComparisonSitemap}
