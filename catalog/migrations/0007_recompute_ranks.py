"""Move the weights rows that still hold the first published defaults to the new ones
(quality from public evaluations, no checklist; kinds no leaderboard covers weigh quality
0), then recompute every rank: unknown inputs are now left out and the weights
renormalised. Weight values are frozen here on purpose; the ranks are computed with the
pure functions of catalog.ranking over the columns this migration knows."""

from django.db import migrations
from django.utils import timezone

COLUMNS = ("adoption", "quality", "ecosystem", "match_graph", "freshness")
OLD_DEFAULT = (0.25, 0.25, 0.10, 0.25, 0.15)
OLD_ECOSYSTEM_HEAVY = (0.25, 0.25, 0.20, 0.20, 0.10)
NEW_MODEL = (0.20, 0.50, 0.05, 0.15, 0.10)
NEW_DEFAULT = (0.30, 0.0, 0.15, 0.30, 0.25)
NEW_ECOSYSTEM_HEAVY = (0.25, 0.0, 0.25, 0.25, 0.25)
MOVES = {
    "model": (OLD_DEFAULT, NEW_MODEL),
    "api": (OLD_DEFAULT, NEW_DEFAULT),
    "app": (OLD_DEFAULT, NEW_DEFAULT),
    "agent": (OLD_DEFAULT, NEW_DEFAULT),
    "dataset": (OLD_DEFAULT, NEW_DEFAULT),
    "mcp_server": (OLD_ECOSYSTEM_HEAVY, NEW_ECOSYSTEM_HEAVY),
    "library": (OLD_ECOSYSTEM_HEAVY, NEW_ECOSYSTEM_HEAVY),
    "extension": (OLD_ECOSYSTEM_HEAVY, NEW_ECOSYSTEM_HEAVY),
}


def _move_weights(apps, *, backwards: bool) -> None:
    RankWeights = apps.get_model("catalog", "RankWeights")
    for kind, (old, new) in MOVES.items():
        source, target = (new, old) if backwards else (old, new)
        row = RankWeights.objects.filter(kind=kind).first()
        if row is None:
            continue
        current = tuple(round(getattr(row, c), 6) for c in COLUMNS)
        if current == tuple(round(v, 6) for v in source):  # never touch an editor's change
            for column, value in zip(COLUMNS, target, strict=True):
                setattr(row, column, value)
            row.save(update_fields=list(COLUMNS))


def _recompute(apps) -> None:
    from catalog import ranking

    Artifact = apps.get_model("catalog", "Artifact")
    if not Artifact.objects.exists():
        return
    RankWeights = apps.get_model("catalog", "RankWeights")
    UsageFact = apps.get_model("catalog", "UsageFact")
    Evaluation = apps.get_model("catalog", "Evaluation")
    weights = {
        row.kind: ranking.Weights(**{c: getattr(row, c) for c in COLUMNS})
        for row in RankWeights.objects.all()
    }
    usage: dict = {}
    for fact in UsageFact.objects.order_by("as_of"):
        usage.setdefault(fact.artifact_id, {})[fact.metric] = fact.value
    boards: dict = {}
    for e in Evaluation.objects.filter(artifact__isnull=False).order_by("-published_on", "key"):
        boards.setdefault(e.artifact_id, {}).setdefault(
            (e.board, e.category),
            ranking.BoardPosition(e.board, e.category, e.position, e.position_low, e.position_high),
        )
    artifacts = list(Artifact.objects.all())
    inputs = [
        ranking.ScoreInputs(
            id=a.id,
            kind=a.kind,
            job=ranking.job_infer(
                kind=a.kind,
                input_modalities=a.input_modalities or (),
                output_modalities=a.output_modalities or (),
            ),
            stars=a.stars,
            downloads=a.downloads,
            likes=a.likes,
            usage=usage.get(a.id, {}),
            integrations=a.integrations,
            boards=tuple(boards.get(a.id, {}).values()),
            match_graph=a.match_graph,
            release_date=a.release_date,
            last_reviewed_at=a.last_reviewed_at,
        )
        for a in artifacts
    ]
    results = ranking.scores_compute(
        artifacts=inputs, weights_by_kind=weights, today=timezone.localdate()
    )
    jobs = {row.id: row.job for row in inputs}
    for artifact in artifacts:
        result = results[artifact.id]
        for column in COLUMNS:
            setattr(artifact, column, result.value(column))
        quality = result.components.get("quality")
        artifact.quality_low = None if quality is None else quality.low
        artifact.quality_high = None if quality is None else quality.high
        artifact.rank = result.rank
        artifact.rank_low = result.rank_low
        artifact.rank_high = result.rank_high
        artifact.rank_provisional = result.provisional
        artifact.job = jobs[artifact.id]
    Artifact.objects.bulk_update(
        artifacts,
        [
            *COLUMNS,
            "quality_low",
            "quality_high",
            "rank",
            "rank_low",
            "rank_high",
            "rank_provisional",
            "job",
        ],  # fmt: skip
        batch_size=500,
    )


def forwards(apps, schema_editor):
    _move_weights(apps, backwards=False)
    _recompute(apps)


def backwards(apps, schema_editor):
    # The old formula's ranks come back with the next recompute_scores.
    _move_weights(apps, backwards=True)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_score_registry_evaluations_usage")]

    operations = [migrations.RunPython(forwards, backwards)]
