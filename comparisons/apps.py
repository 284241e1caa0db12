from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons and search"

    def ready(self) -> None:
        from comparisons.search.signals import (
            search_index_after_migrate,
            search_index_before_migrate,
        )

        pre_migrate.connect(search_index_before_migrate, sender=self)
        post_migrate.connect(search_index_after_migrate, sender=self)

        from catalog.journal import ROW
        from catalog.versioning import catalog_version_watch
        from comparisons.models import ComparisonOverride

        # An editor's verdict or noindex flag changes cached pages just like a catalog edit;
        # the journal names the pair's two artifacts (no search document holds a verdict).
        catalog_version_watch(
            ComparisonOverride,
            touched=lambda o, **event: (ROW, [o.artifact_a_id, o.artifact_b_id]),
        )
