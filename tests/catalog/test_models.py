"""Constraints hold at the database, not only in forms (run on SQLite and PostgreSQL)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from catalog.models import Artifact, RankWeights
from tests.factories import ArtifactFactory, CapabilityFactory

pytestmark = pytest.mark.django_db


def _update_fails(artifact: Artifact, **values) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Artifact.objects.filter(pk=artifact.pk).update(**values)


def test_negative_price_is_refused_by_the_database():
    artifact = ArtifactFactory()
    artifact.starting_price = Decimal("-0.01")
    with pytest.raises(IntegrityError), transaction.atomic():
        artifact.save()


@pytest.mark.parametrize(
    "component", ["adoption", "quality", "ecosystem", "match_graph", "freshness"]
)
def test_component_outside_unit_interval_is_refused(component):
    artifact = ArtifactFactory()
    _update_fails(artifact, **{component: 1.5})
    _update_fails(artifact, **{component: -0.5})
    Artifact.objects.filter(pk=artifact.pk).update(**{component: None})
    Artifact.objects.filter(pk=artifact.pk).update(**{component: 1.0})


def test_slug_with_vs_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArtifactFactory(slug="gpt-vs-claude")


def test_rank_above_100_is_refused():
    _update_fails(ArtifactFactory(), rank=101)


def test_price_needs_a_unit_and_unknown_price_has_none():
    artifact = ArtifactFactory()
    _update_fails(artifact, price_unit="")
    _update_fails(artifact, starting_price=None)
    Artifact.objects.filter(pk=artifact.pk).update(starting_price=None, price_unit="")


def test_slugs_are_unique():
    ArtifactFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArtifactFactory(slug="same")


def test_external_ids_are_unique_per_source():
    ArtifactFactory(external_source="openrouter", external_id="qwen/qwen3.5-flash")
    ArtifactFactory(external_source="tools", external_id="qwen/qwen3.5-flash")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArtifactFactory(external_source="openrouter", external_id="qwen/qwen3.5-flash")


def test_rank_weights_cannot_be_negative_or_all_zero():
    weights = RankWeights.objects.get(kind="model")
    with pytest.raises(IntegrityError), transaction.atomic():
        RankWeights.objects.filter(pk=weights.pk).update(adoption=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RankWeights.objects.filter(pk=weights.pk).update(
            adoption=0, quality=0, ecosystem=0, match_graph=0, freshness=0
        )


def test_published_vocabulary_and_modalities():
    shown = ArtifactFactory(input_modalities=["text", "image"], output_modalities=["image"])
    ArtifactFactory(status="draft", output_modalities=["image"])
    ArtifactFactory(status="archived")
    assert list(Artifact.objects.published()) == [shown]
    assert list(Artifact.objects.published().with_output("image")) == [shown]
    assert list(Artifact.objects.published().with_input("image")) == [shown]
    assert not Artifact.objects.published().with_output("audio").exists()
    shown.refresh_from_db()
    assert shown.input_modalities == ["image", "text"]


def test_capabilities_are_ordered_by_position():
    artifact = ArtifactFactory()
    second = CapabilityFactory(artifact=artifact, position=2)
    first = CapabilityFactory(artifact=artifact, position=1)
    assert list(artifact.capabilities.all()) == [first, second]


def test_a_save_leaves_what_recomputes_and_rebuilds_wrote_since_the_load():
    """An editor's form holds an artifact loaded before a rebuild wrote its counters and
    rank: saving it changes what the editor changed and keeps the rest as stored, in the
    row, in the instance and in its history."""
    artifact = ArtifactFactory(rank=10, times_matched=3, match_graph=0.1)
    capability = CapabilityFactory(artifact=artifact, times_matched=3, match_success_rate=0.2)
    Artifact.objects.filter(pk=artifact.pk).update(
        rank=40, rank_high=90, times_matched=7, match_graph=0.4, quality=0.5
    )
    type(capability).objects.filter(pk=capability.pk).update(
        times_matched=7, match_success_rate=0.3
    )
    artifact.name = "Renamed"
    artifact.save()
    capability.title = "Retitled"
    capability.save()
    stored = Artifact.objects.values(
        "name", "rank", "rank_high", "times_matched", "match_graph", "quality"
    ).get(pk=artifact.pk)
    assert stored == {
        "name": "Renamed",
        "rank": 40,
        "rank_high": 90,
        "times_matched": 7,
        "match_graph": 0.4,
        "quality": 0.5,
    }
    assert (artifact.rank, artifact.times_matched) == (40, 7)
    assert artifact.history.first().rank == 40
    capability.refresh_from_db()
    assert (capability.title, capability.times_matched, capability.match_success_rate) == (
        "Retitled",
        7,
        0.3,
    )


def test_a_save_that_names_a_derived_field_writes_it_and_a_new_row_gets_every_value():
    artifact = ArtifactFactory(rank=10)
    artifact.rank = 60
    artifact.save(update_fields=["rank"])
    assert Artifact.objects.get(pk=artifact.pk).rank == 60
    pk = artifact.pk
    artifact.delete()
    again = Artifact(pk=pk, name="Back", slug="back", vendor=artifact.vendor, rank=70)
    again.save()
    assert Artifact.objects.values_list("name", "rank").get(pk=pk) == ("Back", 70)
