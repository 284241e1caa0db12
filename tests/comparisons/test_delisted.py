"""Artifacts an import found delisted (the source stopped listing them) leave every list that
suggests or promotes: featured and indexed comparisons, alternatives, "Compare with", the
picker's suggestions and both sitemaps; until an editor keeps them. Their own pages stay."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from catalog.models import Artifact
from comparisons.compare.pairs import compare_index_get, featured_pairs_get, sitemap_pairs_get
from tests.factories import (
    ArtifactFactory,
    CapabilityFactory,
    ComparisonOverrideFactory,
    PairEvidenceFactory,
    TagFactory,
)
from tests.sitemap_crawl import sitemap_locations

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    """live, other and gone share a tag; gone is in evidence and in an editor's featured pair
    with each of the others. gone was delisted on 3 March 2026."""
    tag = TagFactory(slug="chat", name="Chat")
    live = ArtifactFactory(name="Live One", slug="live-one", rank=50)
    other = ArtifactFactory(name="Other Two", slug="other-two", rank=40)
    gone = ArtifactFactory(
        name="Gone Model",
        slug="gone-model",
        rank=90,
        external_source="openrouter",
        external_id="acme/gone",
        delisted_at=date(2026, 3, 3),
        needs_review=True,
    )
    for artifact in (live, other, gone):
        CapabilityFactory(artifact=artifact, title="Chats about things", tags=[tag])
    PairEvidenceFactory(artifact_a=gone, artifact_b=live, times_both_matched=9)
    PairEvidenceFactory(artifact_a=gone, artifact_b=other, times_both_matched=8)
    ComparisonOverrideFactory(artifact_a=gone, artifact_b=other, featured=True)
    return SimpleNamespace(live=live, other=other, gone=gone)


def _keep(gone: Artifact) -> None:
    gone.delisting_kept = True
    gone.save()


def _slugs(links) -> set[str]:
    return {slug for link in links for slug in link.key}


def test_home_page_featured_comparisons_leave_out_delisted_artifacts(client, catalog):
    assert "gone-model" not in _slugs(featured_pairs_get(limit=6))
    assert ("live-one", "other-two") in {link.key for link in featured_pairs_get(limit=6)}
    body = client.get("/").content.decode()
    assert "/compare/gone-model-vs-" not in body and "-vs-gone-model/" not in body
    # Nor in the home page's top of each group.
    assert "/artifacts/gone-model/" not in body
    _keep(catalog.gone)
    assert "gone-model" in _slugs(featured_pairs_get(limit=6))
    assert "/compare/gone-model-vs-other-two/" in client.get("/").content.decode()


def test_compare_index_leaves_out_delisted_artifacts(client, catalog):
    index = compare_index_get()
    assert "gone-model" not in _slugs(index.featured + index.evidenced + index.by_tags)
    assert "gone-model" not in client.get(reverse("compare_index")).content.decode()
    _keep(catalog.gone)
    index = compare_index_get()
    assert "gone-model" in _slugs(index.featured) and "gone-model" in _slugs(index.evidenced)


def test_sitemaps_leave_out_delisted_artifacts_and_their_pairs(client, catalog):
    assert "gone-model" not in _slugs(sitemap_pairs_get())
    locations = sitemap_locations(client)
    assert "/artifacts/live-one/" in locations and "/compare/live-one-vs-other-two/" in locations
    assert not [loc for loc in locations if "gone-model" in loc]
    _keep(catalog.gone)
    locations = sitemap_locations(client)
    assert "/artifacts/gone-model/" in locations
    assert {"/compare/gone-model-vs-live-one/", "/compare/gone-model-vs-other-two/"} <= set(
        locations
    )


def test_artifact_page_alternatives_and_compare_with_leave_out_delisted_artifacts(client, catalog):
    response = client.get(catalog.live.get_absolute_url())
    assert [a.slug for a in response.context["alternatives"]] == ["other-two"]
    assert "gone-model" not in _slugs(response.context["comparisons"])
    assert "gone-model" not in response.content.decode()
    _keep(catalog.gone)
    response = client.get(catalog.live.get_absolute_url())
    assert "gone-model" in [a.slug for a in response.context["alternatives"]]
    assert "gone-model" in _slugs(response.context["comparisons"])


def test_the_delisted_artifacts_own_page_stays_and_says_so(client, catalog):
    response = client.get(catalog.gone.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "stopped listing Gone Model on 3 March 2026" in body
    # It still points visitors to what is listed.
    assert {a.slug for a in response.context["alternatives"]} == {"live-one", "other-two"}
    assert _slugs(response.context["comparisons"]) == {"gone-model", "live-one", "other-two"}


def test_comparison_pages_related_pairs_and_robots(client, catalog):
    body = client.get("/compare/live-one-vs-other-two/").content.decode()
    assert "gone-model" not in body
    # A pair with a delisted artifact still renders, but is not indexed.
    body = client.get("/compare/gone-model-vs-live-one/").content.decode()
    assert '<meta name="robots" content="noindex">' in body
    _keep(catalog.gone)
    body = client.get("/compare/gone-model-vs-live-one/").content.decode()
    assert '<meta name="robots" content="noindex">' not in body
    assert "gone-model" in client.get("/compare/live-one-vs-other-two/").content.decode()


def test_picker_suggestions_and_near_misses_leave_out_delisted_artifacts(client, catalog):
    suggest = reverse("compare_suggest")
    body = client.get(suggest, {"q": "o"}).content.decode()
    assert "Live One" in body and "Gone Model" not in body
    near = client.get(reverse("compare_pick"), {"a": "live-one", "b": "Gone Modle"})
    assert "Gone Model" not in near.content.decode()
    # Named exactly, it is still found: its page exists.
    exact = client.get(reverse("compare_pick"), {"a": "live-one", "b": "Gone Model"})
    assert exact.status_code == 302 and exact["Location"] == "/compare/gone-model-vs-live-one/"
    _keep(catalog.gone)
    assert "Gone Model" in client.get(suggest, {"q": "o"}).content.decode()


def test_computed_claims_leave_delisted_models_out_of_their_comparison_sets():
    from decimal import Decimal

    from catalog.services import capability_claims_recompute

    def model(slug: str, price: str, **extra) -> Artifact:
        artifact = ArtifactFactory(
            slug=slug,
            external_source="openrouter",
            external_id=f"acme/{slug}",
            input_price=Decimal(price),
            **extra,
        )
        CapabilityFactory(artifact=artifact, title="Text generation", unique="", vs_alternatives="")
        return artifact

    cheap_gone = model("cheap-gone", "0.0000005", delisted_at=date(2026, 3, 3))
    model("lumen", "0.000001")
    model("dear", "0.000002")
    capability_claims_recompute()
    line = Artifact.objects.get(slug="lumen").capabilities.get().computed_vs_alternatives
    assert line.startswith("Lowest input price among the 2 published models that write text")
    cheap_gone.delisting_kept = True
    cheap_gone.save()
    capability_claims_recompute()
    line = Artifact.objects.get(slug="lumen").capabilities.get().computed_vs_alternatives
    assert not line.startswith("Lowest")
    assert "3 published models" in line
