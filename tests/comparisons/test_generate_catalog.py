"""The synthetic catalog: deterministic, shaped like a real one, clearly marked, never mixed."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from catalog.models import Artifact, Capability, Tag, Vendor
from comparisons.models import ChoiceEvent, Intent, SearchEvent
from comparisons.search.normalise import intent_normalise
from demo.synthetic import JOBS, SLUG_PREFIX, Sizes, SyntheticCatalog, capability_counts
from tests.factories import ArtifactFactory

SMALL = Sizes(artifacts=60, capabilities=600, intents=200, events=3_000)


def _catalog(seed: int = 3, sizes: Sizes = SMALL) -> SyntheticCatalog:
    return SyntheticCatalog(
        sizes=sizes, seed=seed, tag_ids={slug: n for n, slug in enumerate(JOBS, 1)}
    )


def _all_rows(catalog: SyntheticCatalog) -> dict[str, list]:
    return {
        "vendors": list(catalog.vendors()),
        "artifacts": list(catalog.artifacts()),
        "capabilities": list(catalog.capabilities()),
        "capability_tags": list(catalog.capability_tags()),
        "intents": list(catalog.intents()),
        "events": list(catalog.events()),
    }


def test_same_seed_same_catalog_and_another_seed_another():
    first, again, other = _all_rows(_catalog()), _all_rows(_catalog()), _all_rows(_catalog(4))
    assert first == again
    assert first["artifacts"] != other["artifacts"]


def test_sizes_are_exact():
    rows = _all_rows(_catalog())
    assert len(rows["artifacts"]) == 60
    assert len(rows["capabilities"]) == 600
    assert len(rows["intents"]) == 200
    assert len(rows["events"]) == 3_000
    assert len(rows["vendors"]) == SMALL.vendors


@pytest.mark.parametrize(("artifacts", "capabilities"), [(1, 1), (7, 70), (100, 1234), (50, 50)])
def test_capability_counts_sum_exactly(artifacts, capabilities):
    counts = capability_counts(artifacts=artifacts, capabilities=capabilities, seed=1)
    assert len(counts) == artifacts
    assert sum(counts) == capabilities
    assert min(counts) >= 1


def test_everything_is_marked_synthetic():
    rows = _all_rows(_catalog())
    for vendor in rows["vendors"]:
        assert vendor["name"].startswith("Synthetic Labs ")
        assert vendor["slug"].startswith(SLUG_PREFIX)
        assert vendor["homepage"].endswith(".synthetic.invalid/")
    for artifact in rows["artifacts"]:
        assert artifact["slug"].startswith(SLUG_PREFIX)
        assert "-vs-" not in artifact["slug"]
        assert artifact["summary"].startswith("Synthetic ")
        assert ".synthetic.invalid/" in artifact["homepage"]
    assert all(event["is_simulated"] for event, _, _ in rows["events"])


def test_intents_are_distinct_normalised_and_long_tailed():
    rows = _all_rows(_catalog(sizes=Sizes(artifacts=200, capabilities=2000, intents=2000,
                                          events=20_000)))  # fmt: skip
    texts = [row["text"] for row in rows["intents"]]
    assert len(set(texts)) == len(texts)
    assert all(intent_normalise(text) == text for text in texts)
    searches = Counter(event["intent_id"] for event, _, _ in rows["events"])
    ranked = sorted(searches.values(), reverse=True)
    # A Zipf-like law: the head intent is searched far more than the median one, and
    # many intents are searched once or not at all.
    assert ranked[0] > 50 * ranked[len(ranked) // 2]
    never_searched = len(texts) - len(searches)
    searched_once = sum(1 for count in searches.values() if count == 1)
    assert never_searched > len(texts) // 20  # 317 of 2,000 with this seed
    assert searched_once > len(texts) // 10  # 449 of 2,000 with this seed


def test_matches_are_capabilities_of_the_intent_job():
    catalog = _catalog()
    rows = _all_rows(catalog)
    capabilities = {row["id"]: row for row in rows["capabilities"]}
    for event, matched, chosen in rows["events"][:200]:
        assert all(capabilities[c]["status"] == "published" for c in matched)
        assert event["result_count"] == len({capabilities[c]["artifact_id"] for c in matched})
        if chosen is not None:
            assert chosen in {capabilities[c]["artifact_id"] for c in matched}


def _generate(**options) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "generate_catalog",
        size=40,
        capabilities=200,
        intents=50,
        events=500,
        seed=5,
        stdout=out,
        stderr=err,
        **options,
    )
    return out.getvalue() + err.getvalue()


@pytest.mark.django_db
def test_command_loads_the_catalog_and_fills_derived_columns():
    output = _generate()
    assert "Synthetic catalog loaded" in output
    assert Artifact.objects.count() == 40
    assert Capability.objects.count() == 200
    assert Intent.objects.count() == 50
    assert SearchEvent.objects.count() == 500
    assert Vendor.objects.filter(name="Synthetic Labs 1").exists()
    assert Tag.objects.filter(slug="speech-to-text").exists()
    assert SearchEvent.matched_capabilities.through.objects.exists()
    assert ChoiceEvent.objects.exists()
    # The match-graph rebuild ran: counters and ranks are no longer all zero.
    assert Artifact.objects.filter(times_matched__gt=0).exists()
    assert Artifact.objects.filter(rank__gt=0).exists()
    assert Intent.objects.filter(search_count__gt=0).exists()
    # New rows after the load get fresh ids (sequences were moved past the loaded ones).
    loaded = max(Artifact.objects.values_list("pk", flat=True))
    assert ArtifactFactory().pk > loaded


@pytest.mark.django_db
def test_loaded_capabilities_are_searchable():
    _generate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM comparisons_searchdocument")
        assert cursor.fetchone()[0] == 200


@pytest.mark.django_db
def test_command_refuses_to_mix_into_a_real_catalog():
    ArtifactFactory(slug="qwen3-5-flash")
    with pytest.raises(CommandError, match="real"):
        _generate()
    assert not Artifact.objects.filter(slug__startswith=SLUG_PREFIX).exists()
    _generate(force=True)
    assert Artifact.objects.filter(slug__startswith=SLUG_PREFIX).count() == 40


@pytest.mark.django_db
def test_command_refuses_a_second_load_and_bad_sizes():
    _generate(skip_rebuild=True)
    with pytest.raises(CommandError, match="already holds a synthetic catalog"):
        _generate()
    with pytest.raises(CommandError):
        call_command("generate_catalog", size=0)
