"""The issue's acceptance checks against the real demo catalog."""

import re

import pytest

from catalog.models import Artifact

pytestmark = pytest.mark.django_db

CARD_SLUGS = re.compile(r'<h3 class="card-title" id="card-([^"]+)"')


def test_free_tier_models_by_rank_fragment_and_page_agree(client, demo_catalog):
    url = "/artifacts/?kind=model&has_free_tier=true&sort=-rank"
    fragment = client.get(url, headers={"HX-Request": "true"})
    page = client.get(url)
    assert fragment.status_code == page.status_code == 200
    assert "<html" not in fragment.text
    shown = CARD_SLUGS.findall(fragment.text)
    assert shown == CARD_SLUGS.findall(page.text)

    expected = Artifact.objects.published().filter(kind="model", has_free_tier=True)
    assert len(shown) == min(expected.count(), 24) > 0
    artifacts = {a.slug: a for a in expected}
    assert set(shown) <= set(artifacts)
    ranks = [artifacts[slug].rank for slug in shown]
    assert ranks == sorted(ranks, reverse=True)


def test_demo_catalog_page_stays_within_the_query_budget(
    client, demo_catalog, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        assert client.get("/artifacts/?tag=image-generation&sort=price").status_code == 200
