from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from catalog.models import Artifact, Capability, RankWeights, Tag, Vendor
        from catalog.versioning import catalog_version_watch

        # Cached pages are keyed by the catalog version; every catalog write bumps it.
        catalog_version_watch(Vendor, Tag, Artifact, Capability, RankWeights)
