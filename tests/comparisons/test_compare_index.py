"""The /compare/ index and the home page's featured comparisons."""

import pytest

from tests.factories import (
    ArtifactFactory,
    CapabilityFactory,
    ComparisonOverrideFactory,
    PairEvidenceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairs():
    chat = TagFactory(slug="chat")
    a, b, c, d, e, f = (ArtifactFactory(slug=s, name=s.upper()) for s in "abcdef")
    ComparisonOverrideFactory(artifact_a=b, artifact_b=a, featured=True)
    PairEvidenceFactory(artifact_a=c, artifact_b=d, times_both_matched=7)
    CapabilityFactory(artifact=e, tags=[chat])
    CapabilityFactory(artifact=f, tags=[chat])
    hidden = ArtifactFactory(slug="g")
    CapabilityFactory(artifact=hidden, tags=[chat])
    ComparisonOverrideFactory(artifact_a=e, artifact_b=hidden, noindex=True)
    ComparisonOverrideFactory(artifact_a=f, artifact_b=hidden, approved=False)


def test_index_lists_featured_evidenced_and_closest(client, pairs):
    response = client.get("/compare/")
    assert response.status_code == 200
    body = response.content.decode()
    featured = body.split('id="featured-heading"')[1].split("</section>")[0]
    evidenced = body.split('id="evidenced-heading"')[1].split("</section>")[0]
    closest = body.split('id="tags-heading"')[1].split("</section>")[0]
    assert 'href="/compare/a-vs-b/"' in featured and "picked by an editor" in featured
    # No real search recorded yet: the evidence says it is simulated.
    assert 'href="/compare/c-vs-d/"' in evidenced
    assert "matched together in 7 simulated searches" in evidenced
    assert 'href="/compare/e-vs-f/"' in closest
    assert "/compare/e-vs-g/" not in body and "/compare/f-vs-g/" not in body
    assert '<link rel="canonical" href="http://testserver/compare/">' in body


def test_index_with_an_empty_catalog(client):
    body = client.get("/compare/").content.decode()
    assert "No search has matched two artifacts together yet" in body


def test_home_features_comparisons(client, pairs):
    body = client.get("/").content.decode()
    featured = body.split('id="featured-comparisons-heading"')[1].split("</section>")[0]
    links = [part.split('"')[0] for part in featured.split('href="/compare/')[1:]]
    assert links[:3] == ["a-vs-b/", "c-vs-d/", "e-vs-f/"]
    assert "e-vs-g/" not in links


def test_nav_links_compare_and_methodology(client):
    body = client.get("/").content.decode()
    assert 'href="/compare/">Compare</a>' in body
    assert 'href="/methodology/">Methodology</a>' in body


def test_evidence_counts_are_plain_searches_once_a_real_search_exists(client, pairs):
    from django.utils import timezone

    from comparisons.models import Intent, SearchEvent

    intent = Intent.objects.create(text="anything")
    SearchEvent.objects.create(
        intent=intent, result_count=1, is_simulated=False, created_at=timezone.now()
    )
    body = client.get("/compare/").content.decode()
    evidenced = body.split('id="evidenced-heading"')[1].split("</section>")[0]
    assert "matched together in 7 searches" in evidenced and "simulated" not in evidenced
