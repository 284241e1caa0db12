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
