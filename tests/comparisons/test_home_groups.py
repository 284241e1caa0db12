"""Home shows the top of each rank group apart: ranks compare like with like."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import selectors
from catalog.models import Artifact
from catalog.selectors import artifacts_top_by_group
from catalog.services import artifact_scores_recompute
from tests.factories import ArtifactFactory

pytestmark = pytest.mark.django_db


def test_home_lists_top_models_by_job_and_top_apps_separately(client):
    ArtifactFactory(name="Text One", kind="model", job="text", rank=60, rank_high=70)
    ArtifactFactory(name="Painter", kind="model", job="image", rank=90, rank_high=95)
    ArtifactFactory(name="Chat App", kind="app", job="", rank=99, rank_high=99)
    ArtifactFactory(name="Draft App", kind="app", job="", rank=100, status="draft",
                    rank_low=100, rank_high=100)  # fmt: skip
    body = client.get("/").content.decode()
    text = body.index("Top models: text")
    image = body.index("Top models: image generation")
    apps = body.index("Top apps")
    assert text < image < apps  # kinds in catalog order, then the model's job
    assert text < body.index("Text One") < image < body.index("Painter") < apps
    assert body.index("Chat App") > apps
    assert "Draft App" not in body


def test_each_group_puts_provisional_ranks_after_confident_ones(
    django_assert_num_queries,
):
    for n in range(6):
        ArtifactFactory(name=f"Model {n}", kind="model", job="text", rank=50 + n,
                        rank_high=90, rank_provisional=False)  # fmt: skip
    ArtifactFactory(name="AA provisional", kind="model", job="text", rank=99, rank_high=99,
                    rank_provisional=True)  # fmt: skip
    with django_assert_num_queries(1):
        groups = artifacts_top_by_group(per_group=4)
    # A provisional rank, even 99, comes after every rank that rests on most inputs.
    assert [(label, [a.name for a in members]) for label, members in groups] == [
        ("models: text", ["Model 5", "Model 4", "Model 3", "Model 2"]),
    ]
    Artifact.objects.filter(rank_provisional=False).update(rank_provisional=True)
    # All provisional: then by rank.
    groups = artifacts_top_by_group(per_group=2)
    assert [a.name for a in groups[0][1]] == ["AA provisional", "Model 5"]


def _shown(groups) -> list:
    return [(label, [a.id for a in members]) for label, members in groups]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", range(5))
def test_groups_carried_across_random_edits_equal_a_fresh_read(seed, monkeypatch):
    monkeypatch.setattr(selectors, "TOP_GROUPS_DEPTH", 3)
    rng = random.Random(seed)
    artifacts = [
        ArtifactFactory(
            name=rng.choice(["alpha", "Alpha", "beta", "Gamma", "delta"]) + f" {n % 3}",
            kind=rng.choice(["model", "app"]),
            job=rng.choice(["text", "image", ""]),
            rank=rng.choice([40, 50, 60]),
            rank_high=90,
            rank_provisional=rng.random() < 0.3,
        )
        for n in range(14)
    ]
    groups, kept = selectors.artifacts_top_by_group_carried(per_group=2, kept=None)
    assert _shown(groups) == _shown(artifacts_top_by_group(per_group=2))
    carried = 0
    for _ in range(12):
        artifact = rng.choice(artifacts)
        field = rng.choice(["rank", "job", "kind", "status", "name", "delisted", "summary"])
        if field == "rank":
            artifact.rank = rng.choice([40, 50, 60, 70])
        elif field == "job":
            artifact.job = rng.choice(["text", "image", ""])
        elif field == "kind":
            artifact.kind = rng.choice(["model", "app"])
        elif field == "status":
            artifact.status = rng.choice(["published", "draft"])
        elif field == "name":
            artifact.name = rng.choice(["alpha", "Alpha", "beta", "Gamma", "delta"]) + " 9"
        elif field == "delisted":
            artifact.delisted_at = None if artifact.delisted_at else timezone.now()
        else:
            artifact.summary += "."
        # A rank as a recompute writes it: named (an editor's save leaves it as stored).
        artifact.save(update_fields=["rank"] if field == "rank" else None)
        before = kept
        groups, kept = selectors.artifacts_top_by_group_carried(per_group=2, kept=kept)
        carried += kept is before
        assert _shown(groups) == _shown(artifacts_top_by_group(per_group=2)), field
    assert carried  # some edits were carried, not all read again


@pytest.mark.django_db(transaction=True)
def test_an_edit_carries_the_groups_and_a_rank_recompute_reads_them_again(client, derived_cache):
    first = ArtifactFactory(name="Zephyr One", kind="model", job="text", rank=80, rank_high=90)
    ArtifactFactory(name="Zephyr Two", kind="model", job="text", rank=70, rank_high=90)
    assert "Zephyr One" in client.get("/").content.decode()
    first.status = "draft"
    first.save()
    with CaptureQueriesContext(connection) as carried:
        body = client.get("/").content.decode()
    assert "Zephyr Two" in body and "Zephyr One" not in body
    # No window over every artifact: only over the kept and edited ones.
    windows = [q["sql"] for q in carried.captured_queries if "ROW_NUMBER()" in q["sql"]]
    assert len(windows) == 1 and "IN (" in windows[0]
    artifact_scores_recompute()
    with CaptureQueriesContext(connection) as again:
        client.get("/")
    windows = [q["sql"] for q in again.captured_queries if "ROW_NUMBER()" in q["sql"]]
    assert len(windows) == 2  # the kept groups read again, then their cards


def test_more_than_the_kept_depth_is_refused():
    with pytest.raises(ValueError, match="per_group is at most"):
        selectors.artifacts_top_by_group_carried(
            per_group=selectors.TOP_GROUPS_DEPTH + 1, kept=None
        )
