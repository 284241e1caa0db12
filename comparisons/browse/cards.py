"""Rendered fragments reused within one catalog version.

The catalog shows 24 cards per page, each two template includes deep; rendering them is a
third of an uncached catalog page (about 16 ms of 50 at 100,000 artifacts). A card depends
only on its artifact and the catalog, so it is rendered once per catalog version and kept
in the `derived` cache under a key that holds the version: after any committed catalog
write the old keys are never read again, exactly as for whole pages (comparisons/caching/pages.py).
Without a version (settings.CATALOG_DERIVED_CACHE off, or the store unreadable) every card
is rendered fresh.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from comparisons.browse.filters import artifacts_in_order, artifacts_top_tags_attach
from comparisons.caching.derived import derived_cache_get_many, derived_cache_set_many

CARD_TEMPLATE = "components/artifact_card.html"


def artifact_cards_render(*, ids: list[int], version: str | None) -> list[SafeString]:
    """The cards of the published artifacts `ids`, in order: cached ones from one cache
    read; the others read (two queries: artifacts, their tags), rendered and stored."""
    keys = {pk: f"card:{version}:{pk}" for pk in ids} if version else {}
    found = derived_cache_get_many(list(keys.values())) if keys else {}
    missing = artifacts_in_order(ids=[pk for pk in ids if keys.get(pk) not in found])
    artifacts_top_tags_attach(artifacts=missing)
    rendered = {a.pk: render_to_string(CARD_TEMPLATE, {"artifact": a}) for a in missing}
    if keys and rendered:
        derived_cache_set_many(
            {keys[pk]: html for pk, html in rendered.items()},
            timeout=settings.PAGE_CACHE_SECONDS,
        )
    # Safe: the HTML was produced by the template engine, which escaped every value. An id
    # withdrawn since the snapshot was read has no card and is left out.
    cards = (found.get(keys.get(pk)) or rendered.get(pk) for pk in ids)  # type: ignore[arg-type]
    return [mark_safe(card) for card in cards if card]
