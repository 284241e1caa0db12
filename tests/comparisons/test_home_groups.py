"""Home shows the top of each rank group apart: ranks compare like with like."""

import pytest

from catalog.models import Artifact
from catalog.selectors import artifacts_top_by_group
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
