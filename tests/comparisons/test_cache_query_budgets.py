"""Query budgets stay fixed as the catalog grows: the same page costs the same number of
queries on a two-artifact catalog and on a few hundred artifacts with 60-capability sides."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.models import Artifact, Capability, Status, Tag
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory

pytestmark = pytest.mark.django_db

# Absolute ceilings, whatever the catalog's size (uncached: every query is real). Measured
# when written: compare 10, "+N more" 7, artifact 7, catalog 8 (either form),
# methodology 1, search 5 (PostgreSQL) or 6 (SQLite) plus 5 for the parsed constraints of
# "transcribe podcasts" (name families, artifacts meeting them, facts, tags, the prior's
# rates) and 1 for results met by them alone (their capabilities): 12 on SQLite, 13 on
# PostgreSQL; the slack is for pages still growing.
BUDGETS = {
    "compare": 12,
    "compare_more": 9,  # one more since the tiered prices of models are prefetched
    # One more for the tiered prices, as on "+N more"; two more since an artifact's part
    # (comparisons/compare/parts.py) holds its same-job links and overrides, which every
    # comparison of it then reuses within a catalog version.
    "artifact": 11,
    "catalog": 9,
    "catalog_fragment": 9,
    "methodology": 1,
    "search": 14,
}


def _pages(a: Artifact, b: Artifact) -> dict[str, tuple[str, dict]]:
    first, second = sorted([a.slug, b.slug])
    compare = f"/compare/{first}-vs-{second}/"
    kind = {"kind": "model", "min_rank": "0"}
    return {
        "compare": (compare, {}),
        "compare_more": (
            compare + "?all=a",
            {"HX-Request": "true", "HX-Target": "caps-a"},
        ),
        "artifact": (f"/artifacts/{a.slug}/", {}),
        "catalog": ("/artifacts/?" + "&".join(f"{k}={v}" for k, v in kind.items()), {}),
        "catalog_fragment": (
            "/artifacts/?" + "&".join(f"{k}={v}" for k, v in kind.items()),
            {"HX-Request": "true"},
        ),
        "methodology": ("/methodology/", {}),
        "search": ("/search/?q=transcribe+podcasts", {}),
    }


def _counts(pages, django_assert_max_num_queries) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, (url, headers) in pages.items():
        client.get(url, headers=headers)  # warm per-process caches (tag choices, ...)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(queries)
        with django_assert_max_num_queries(BUDGETS[name]):
            client.get(url, headers=headers)
    return counts


def _side(artifact: Artifact, count: int, tags: list[Tag]) -> None:
    Capability.objects.bulk_create(
        Capability(
            artifact=artifact,
            title=f"Transcribes podcasts, variant {n}",
            description="Turns recorded speech into text with timestamps.",
            unique="Keeps speaker turns.",
            vs_alternatives="Faster than most.",
            position=n,
            status=Status.PUBLISHED,
            input_types=["audio"],
            output_types=["text"],
        )
        for n in range(count)
    )
    through = Capability.tags.through
    through.objects.bulk_create(
        through(capability_id=capability_id, tag_id=tags[n % len(tags)].id)
        for n, capability_id in enumerate(
            artifact.capabilities.values_list("id", flat=True).order_by("id")
        )
    )


def test_query_counts_do_not_grow_with_the_catalog(django_assert_max_num_queries):
    tag = TagFactory(slug="speech-to-text", name="Speech to text")
    a = ArtifactFactory(slug="alpha", name="Alpha")
    b = ArtifactFactory(slug="beta", name="Beta")
    for artifact in (a, b):
        CapabilityFactory(artifact=artifact, title="Transcribes podcasts", tags=[tag])
    # One artifact that the search's parsed constraints (audio in, text out) find without
    # its words, as the generated catalog has: its capabilities are read too.
    listener = ArtifactFactory(
        slug="gamma", name="Gamma", input_modalities=["audio"], output_modalities=["text"]
    )
    CapabilityFactory(artifact=listener, title="Listens", input_types=["audio"])
    small = _counts(_pages(a, b), django_assert_max_num_queries)

    # A few hundred more artifacts with their searches, and two 60-capability sides.
    call_command(
        "generate_catalog",
        size=300,
        capabilities=3_000,
        intents=150,
        events=3_000,
        force=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    tags = list(Tag.objects.order_by("slug")[:12])
    _side(a, 59, tags)
    _side(b, 59, tags)
    large = _counts(_pages(a, b), django_assert_max_num_queries)

    assert large == small
