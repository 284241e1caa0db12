"""The comparison and artifact pages run a fixed number of queries, whatever the size."""

import pytest

from tests.factories import (
    ArtifactFactory,
    CapabilityFactory,
    ComparisonOverrideFactory,
    IntentFactory,
    PairEvidenceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# Both sides' parts (6, with their overrides and same-job links), the rank weights, the
# pair's evidence, each side's share of related comparisons and its tag overlap (2 each).
# Within a catalog version the parts and shares are reused by every pair of an artifact.
BUDGET = 12


def build(*, a_capabilities: int, b_capabilities: int):
    tags = [TagFactory(slug=f"t{i}", name=f"T{i}") for i in range(8)]
    a = ArtifactFactory(slug="alpha", name="Alpha")
    b = ArtifactFactory(slug="beta", name="Beta", output_modalities=["image"])
    for i in range(a_capabilities):
        CapabilityFactory(artifact=a, tags=tags[i % 8 : i % 8 + 3])
    for i in range(b_capabilities):
        CapabilityFactory(artifact=b, tags=tags[(i + 4) % 8 : (i + 4) % 8 + 2])
    for n in range(5):
        other = ArtifactFactory(slug=f"other-{n}")
        CapabilityFactory(artifact=other, tags=tags[n : n + 2])
        PairEvidenceFactory(artifact_a=a, artifact_b=other, times_both_matched=n + 1)
    for n in range(4):
        PairEvidenceFactory(
            artifact_a=a, artifact_b=b, intent=IntentFactory(text=f"need {n}"), times_both_matched=n
        )
    ComparisonOverrideFactory(artifact_a=a, artifact_b=b, verdict="")
    return a, b


@pytest.mark.parametrize(("a_caps", "b_caps"), [(3, 3), (60, 3), (60, 60)])
def test_compare_page_query_budget(client, django_assert_max_num_queries, a_caps, b_caps):
    build(a_capabilities=a_caps, b_capabilities=b_caps)
    with django_assert_max_num_queries(BUDGET):
        response = client.get("/compare/alpha-vs-beta/?all=a&all=b")
    assert response.status_code == 200
    assert response.content.decode().count('class="capability"') == a_caps + b_caps


@pytest.mark.parametrize("target", ["caps-a", "caps-b", "aligned"])
def test_compare_fragments_query_budget(client, django_assert_max_num_queries, target):
    build(a_capabilities=60, b_capabilities=60)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(
            "/compare/alpha-vs-beta/?all=a&all=b&show=diff",
            headers={"HX-Request": "true", "HX-Target": target},
        )
    assert response.status_code == 200


def test_query_count_does_not_grow_with_capabilities(client, django_assert_num_queries):
    a, _ = build(a_capabilities=3, b_capabilities=3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/compare/alpha-vs-beta/")
    for _ in range(57):
        CapabilityFactory(artifact=a, tags=[TagFactory(slug="t1")])
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/compare/alpha-vs-beta/?all=a")


@pytest.mark.parametrize("count", [3, 60])
def test_artifact_page_query_budget(client, django_assert_max_num_queries, count):
    build(a_capabilities=count, b_capabilities=3)
    with django_assert_max_num_queries(BUDGET):
        response = client.get("/artifacts/alpha/")
    assert response.status_code == 200
    assert response.content.decode().count('class="capability"') == count


@pytest.mark.postgres
def test_compare_page_budget_on_postgres(client, django_assert_max_num_queries):
    """Also asserted by the parametrized tests above when the suite runs on PostgreSQL;
    this one makes the PostgreSQL run explicit in the report."""
    build(a_capabilities=60, b_capabilities=60)
    with django_assert_max_num_queries(BUDGET):
        assert client.get("/compare/alpha-vs-beta/").status_code == 200
    with django_assert_max_num_queries(BUDGET):
        assert client.get("/artifacts/alpha/").status_code == 200
