"""On the demo catalog (no searches yet): the rank follows public evaluation evidence.

Kendall's tau between UnfragileRank and LMArena's text rating, both read from the demo
facts the page shows, among the demo's text models that have a rating."""

import itertools
import math

import pytest

from catalog.models import Artifact, Evaluation, UsageFact

pytestmark = pytest.mark.django_db


def kendall_tau_b(xs: list[float], ys: list[float]) -> float:
    """Kendall's tau-b (ties in either list handled as in scipy.stats.kendalltau)."""
    concordant = discordant = ties_x = ties_y = 0
    for i, j in itertools.combinations(range(len(xs)), 2):
        dx, dy = xs[i] - xs[j], ys[i] - ys[j]
        if dx == 0 and dy == 0:
            continue
        if dx == 0:
            ties_x += 1
        elif dy == 0:
            ties_y += 1
        elif dx * dy > 0:
            concordant += 1
        else:
            discordant += 1
    pairs = concordant + discordant
    return (concordant - discordant) / math.sqrt((pairs + ties_x) * (pairs + ties_y))


def test_kendall_tau_b_known_values():
    assert kendall_tau_b([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    # 5 concordant pairs, 1 tied in x only: 5 / sqrt(6 * 5)
    assert kendall_tau_b([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(5 / math.sqrt(30))


def _ranks() -> dict[str, int]:
    return dict(Artifact.objects.values_list("slug", "rank"))


def test_rank_agrees_with_the_text_arena_among_text_models(demo_catalog):
    rows = [
        (artifact.rank, artifact.score_evidence["quality"]["rating"])
        for artifact in Artifact.objects.filter(kind="model", job="text")
        if "quality" in artifact.score_evidence
    ]
    assert len(rows) == 14
    tau = kendall_tau_b([r for r, _ in rows], [q for _, q in rows])
    assert tau >= 0.6, tau


def test_frontier_models_rank_above_small_ones(demo_catalog):
    ranks = _ranks()
    for strong in ("gemini-2-5-pro", "gpt-5", "claude-sonnet-4"):
        for small in ("gpt-4o-mini", "claude-3-5-haiku", "mistral-small-3-1"):
            assert ranks[strong] > ranks[small], (strong, small, ranks[strong], ranks[small])


def test_imagen_3_ranks_above_stable_diffusion_3_5_large(demo_catalog):
    ranks = _ranks()
    assert ranks["imagen-3"] > ranks["stable-diffusion-3-5-large"]


def test_models_not_on_any_board_have_no_quality_not_zero(demo_catalog):
    for slug in ("flux-1-pro", "flux-1-schnell"):
        artifact = Artifact.objects.get(slug=slug)
        assert artifact.job == "image"
        assert artifact.quality is None
        assert "quality" not in artifact.score_evidence


def test_demo_facts_carry_their_source_and_date(demo_catalog):
    assert Evaluation.objects.filter(artifact__isnull=False).count() >= 16 * 1
    assert not Evaluation.objects.filter(source_url="").exists()
    gemini = Artifact.objects.get(slug="gemini-2-5-pro")
    quality = gemini.score_evidence["quality"]
    assert (quality["board"], quality["category"], quality["key"]) == (
        "text",
        "full",
        "gemini-2.5-pro",
    )
    assert quality["published_on"] == "2025-12-11"
    assert quality["rating_low"] < quality["rating"] < quality["rating_high"]
    assert UsageFact.objects.filter(artifact__slug="chatgpt", metric="weekly_users").exists()


def test_ranks_are_within_their_ranges_and_apps_have_no_quality_input(demo_catalog):
    for artifact in Artifact.objects.all():
        assert artifact.rank_low <= artifact.rank <= artifact.rank_high
    chatgpt = Artifact.objects.get(slug="chatgpt")
    assert chatgpt.job == ""
    assert chatgpt.adoption == 1.0  # the only app with a published usage figure
