"""The demo catalog: real artifacts, enough of them, loaded idempotently."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Artifact, Capability, Tag, Vendor
from demo.catalog import demo_data_read, tags_read

pytestmark = pytest.mark.django_db


def test_demo_catalog_meets_the_minimums(demo_catalog):
    published = Artifact.objects.published()
    assert published.count() >= 40
    assert published.values("kind").distinct().count() >= 4
    assert published.values("vendor").distinct().count() >= 15
    assert Capability.objects.filter(artifact__in=published).count() >= 160
    for artifact in published.prefetch_related("capabilities"):
        capabilities = list(artifact.capabilities.all())
        assert 4 <= len(capabilities) <= 13, artifact.name
        assert all(c.unique and c.vs_alternatives for c in capabilities), artifact.name


def test_seed_pair_is_in_the_demo_catalog(demo_catalog):
    qwen = Artifact.objects.get(slug="qwen3-5-flash")
    assert qwen.name == "Qwen3.5-Flash"
    assert (qwen.starting_price, qwen.price_unit) == (Decimal("0.000000065"), "prompt_token")
    assert qwen.input_modalities == ["image", "text", "video"]
    assert qwen.output_modalities == ["text"]
    assert qwen.context_length == 1_000_000

    flux = Artifact.objects.get(slug="flux-1-pro")
    assert flux.name == "FLUX.1 [pro]"
    assert flux.price_unit == "image"
    assert flux.starting_price > 0
    assert not flux.has_free_tier
    assert flux.output_modalities == ["image"]


def test_loading_twice_changes_nothing(demo_catalog):
    counts = (Artifact.objects.count(), Capability.objects.count(), Vendor.objects.count())
    history = Artifact.history.count() + Capability.history.count()
    out = StringIO()
    call_command("load_demo_catalog", stdout=out)
    assert "created nothing; updated nothing" in out.getvalue()
    assert (Artifact.objects.count(), Capability.objects.count(), Vendor.objects.count()) == counts
    assert Artifact.history.count() + Capability.history.count() == history


def test_every_demo_record_is_well_formed():
    data = demo_data_read()
    taxonomy = tags_read()
    vendors = data["vendors"]
    for slug, artifact in data["artifacts"].items():
        assert "-vs-" not in slug
        assert artifact["vendor"] in vendors, slug
        assert (artifact["price"] is None) == (not artifact["price_unit"]), slug
        for capability in artifact["capabilities"]:
            assert set(capability["tags"]) <= set(taxonomy), (slug, capability["title"])


def test_demo_scores_are_computed(demo_catalog):
    ranks = list(Artifact.objects.values_list("rank", flat=True))
    assert max(ranks) > 0
    assert all(0 <= r <= 100 for r in ranks)
    # Quality is known exactly where a public leaderboard rates the model (never 0 for
    # "unrated"): every model with a linked rating on its job's board, and nothing else.
    rated = Artifact.objects.filter(quality__isnull=False)
    assert rated.count() == 16
    assert not rated.exclude(kind="model").exists()
    assert Tag.objects.count() == len(tags_read())
