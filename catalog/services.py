"""Writes to catalog data. Every function is keyword-only and named <thing>_<action>."""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from catalog.importers import arena
from catalog.importers.arena import EntryKey, LinkResult, ModelFacts, links_compute
from catalog.journal import RANKS
from catalog.models import (
    SCORE_INTERVALS,
    Artifact,
    Evaluation,
    EvaluationAlias,
    EvaluationSource,
    UsageFact,
    UsageMetric,
)
from catalog.ranking import (
    BOARD_FOR_JOB,
    COMPONENTS,
    BoardPosition,
    ScoreInputs,
    ScoreResult,
    Weights,
    component_get,
    job_infer,
    score_result_build,
    scores_compute,
    weights_for_kind,
)
from catalog.selectors import weights_by_kind_get
from catalog.versioning import catalog_version_bump

# Editing these in admin does not make a field "curated": they are bookkeeping.
_NOT_CURATABLE = {
    "status", "curated_fields", "needs_review", "last_reviewed_at", "delisted_at",
    "delisting_kept", "prices_unclear",
}  # fmt: skip


# In curated_fields: an editor changed this artifact's capabilities, so imports leave them all.
CURATED_CAPABILITIES = "capabilities"


def artifact_mark_curated(*, artifact: Artifact, fields: Iterable[str]) -> None:
    """Remember which fields an editor changed so that imports never overwrite them."""
    curated = set(artifact.curated_fields or []) | (set(fields) - _NOT_CURATABLE)
    artifact.curated_fields = sorted(curated)


def artifacts_mark_capabilities_curated(*, artifact_ids: Iterable[int]) -> None:
    """An editor added, changed or removed capabilities of these artifacts."""
    # Bookkeeping only, like status: no history row of its own.
    for artifact in Artifact.objects.filter(id__in=set(artifact_ids)).only("id", "curated_fields"):
        if CURATED_CAPABILITIES not in (artifact.curated_fields or []):
            artifact_mark_curated(artifact=artifact, fields=[CURATED_CAPABILITIES])
            Artifact.objects.filter(id=artifact.id).update(curated_fields=artifact.curated_fields)


def artifact_history_note(*, artifact: Artifact, user, reason: str) -> None:
    """Adds a row to the artifact's history saying what changed beside it (a capability
    added, edited or deleted), by whom. Capabilities have their own history too; this row
    is what an editor reading the artifact's History sees. The artifact itself is not saved
    again (its fields, as stored now, are what the row records). `user`: the editor (a
    User); `reason`: a sentence, cut to the history column's 100 characters with "…"."""
    current = Artifact.objects.filter(pk=artifact.pk).first()
    if current is None:
        return
    if len(reason) > 100:
        reason = reason[:99] + "…"
    Artifact.history.bulk_history_create(
        [current], update=True, default_user=user, default_change_reason=reason
    )


def artifacts_set_status(*, artifacts: QuerySet[Artifact], status: str) -> int:
    # One save per artifact (not queryset.update) so that each change lands in the history.
    count = 0
    with transaction.atomic():
        for artifact in artifacts.select_for_update():
            if artifact.status != status:
                artifact.status = status
                artifact.save(update_fields=["status", "updated_at"])
            count += 1
    return count


def _latest_usage(artifact_ids: set[int]) -> dict[int, dict[str, dict]]:
    """The latest usage fact per artifact and metric, as evidence dicts."""
    facts = UsageFact.objects.filter(artifact_id__in=artifact_ids).order_by(
        "artifact_id", "metric", "as_of"
    )
    usage: dict[int, dict[str, dict]] = {}
    for artifact_id, metric, value, as_of, url in facts.values_list(
        "artifact_id", "metric", "value", "as_of", "source_url"
    ):
        # The latest date wins.
        usage.setdefault(artifact_id, {})[metric] = {
            "metric": metric,
            "label": UsageMetric(metric).label if metric in UsageMetric.values else metric,
            "value": value,
            "as_of": as_of.isoformat(),
            "url": url,
        }
    return usage


def _board_entries(artifact_ids: set[int]) -> dict[int, dict[tuple[str, str], dict]]:
    """Each artifact's linked leaderboard entries by (board, category); where several keys
    are linked to one artifact on one board, the latest data, then the first key."""
    rows = Evaluation.objects.filter(artifact_id__in=artifact_ids).order_by(
        "artifact_id", "-published_on", "key"
    )
    entries: dict[int, dict[tuple[str, str], dict]] = {}
    for row in rows.values(
        "artifact_id", "source", "board", "category", "key", "rating", "rating_low",
        "rating_high", "position", "position_low", "position_high", "board_size",
        "published_on", "source_url",
    ):  # fmt: skip
        board = entries.setdefault(row.pop("artifact_id"), {})  # type: ignore[misc]
        row["published_on"] = row["published_on"].isoformat()  # type: ignore[typeddict-item]
        row["source_label"] = EvaluationSource(row["source"]).label  # type: ignore[misc]
        board.setdefault((row["board"], row["category"]), row)  # type: ignore[arg-type]
    return entries


def _score_inputs(queryset: QuerySet[Artifact]) -> tuple[list[ScoreInputs], dict[int, dict]]:
    rows = list(
        queryset.values(
            "id", "kind", "job", "curated_fields", "input_modalities", "output_modalities",
            "stars", "downloads", "likes", "integrations", "match_graph", "release_date",
            "last_reviewed_at",
        )
    )  # fmt: skip
    ids = {row["id"] for row in rows}
    usage = _latest_usage(ids)
    boards = _board_entries(ids)
    inputs = []
    for row in rows:
        job = row["job"]
        if "job" not in (row["curated_fields"] or []) or (row["kind"] != "model"):
            job = job_infer(
                kind=row["kind"],
                input_modalities=row["input_modalities"] or (),
                output_modalities=row["output_modalities"] or (),
            )
        inputs.append(
            ScoreInputs(
                id=row["id"],
                kind=row["kind"],
                job=job,
                stars=row["stars"],
                downloads=row["downloads"],
                likes=row["likes"],
                usage={m: fact["value"] for m, fact in usage.get(row["id"], {}).items()},
                integrations=row["integrations"],
                boards=tuple(
                    BoardPosition(
                        board, category, e["position"], e["position_low"], e["position_high"]
                    )
                    for (board, category), e in boards.get(row["id"], {}).items()
                ),
                match_graph=row["match_graph"],
                release_date=row["release_date"],
                last_reviewed_at=row["last_reviewed_at"],
            )
        )
    evidence = {
        row.id: _evidence(row=row, usage=usage.get(row.id, {}), boards=boards.get(row.id, {}))
        for row in inputs
    }
    return inputs, evidence


def _evidence(*, row: ScoreInputs, usage: dict, boards: dict) -> dict:
    """What the pages print next to the score: the rating used for quality, the usage
    facts used for adoption, each with its source and date."""
    result: dict = {}
    wanted = BOARD_FOR_JOB.get(row.job) if row.kind == "model" else None
    if wanted in boards:
        result["quality"] = boards[wanted]
    if usage:
        result["adoption"] = [usage[m] for m in sorted(usage)]
    return result


_RANK_COLUMNS = ("rank", "rank_low", "rank_high")
_SCORE_COLUMNS = (
    *COMPONENTS, *SCORE_INTERVALS, *_RANK_COLUMNS, "rank_provisional", "job", "score_evidence",
)  # fmt: skip


def _score_row(inputs: ScoreInputs, result: ScoreResult, evidence: dict) -> tuple:
    values = [result.value(name) for name in COMPONENTS]
    for name in SCORE_INTERVALS:
        component, _, end = name.rpartition("_")
        estimate = result.components.get(component)
        values.append(None if estimate is None else getattr(estimate, end))
    return (
        inputs.id, *values, result.rank, result.rank_low, result.rank_high,
        result.provisional, inputs.job, json.dumps(evidence, sort_keys=True),
    )  # fmt: skip


def _scores_write(*, rows: list[tuple], now) -> int:
    """Store every result with one UPDATE from a temporary table (COPY-filled on
    PostgreSQL): at 100,000 artifacts, row-by-row bulk_update took minutes."""
    floats = ", ".join(f"{c} double precision" for c in (*COMPONENTS, *SCORE_INTERVALS))
    ints = ", ".join(f"{c} integer" for c in _RANK_COLUMNS)
    # score_evidence is jsonb on PostgreSQL, text on SQLite.
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    assignments = ", ".join(
        f"{c} = s.{c}{cast if c == 'score_evidence' else ''}" for c in _SCORE_COLUMNS
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS score_new")
        cursor.execute(
            f"CREATE TEMPORARY TABLE score_new (id bigint PRIMARY KEY, {floats}, {ints}, "
            "rank_provisional boolean, job varchar(20), score_evidence text)"
        )
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY score_new (id, {', '.join(_SCORE_COLUMNS)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * (len(_SCORE_COLUMNS) + 1))
            cursor.executemany(f"INSERT INTO score_new VALUES ({placeholders})", rows)
        cursor.execute(
            f"UPDATE catalog_artifact SET {assignments}, score_computed_at = %s"
            " FROM score_new s WHERE catalog_artifact.id = s.id",
            [now],
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE score_new")
    return written


# PostgreSQL advisory lock key held, until their transaction ends, by the writers of the
# match-graph component and of ranks computed from it: the match-graph rebuild
# (comparisons/search/matchgraph.py) and the write of a score recompute. ("mgre": the
# rebuild's own key before the recompute took it too.)
RANKS_LOCK = 0x6D67_7265


def ranks_lock_take() -> None:
    """Wait for RANKS_LOCK, held until the current transaction ends: call it inside
    transaction.atomic(). PostgreSQL only: SQLite's write transactions are IMMEDIATE here
    (config/settings.py), one writer at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RANKS_LOCK])


def _match_graph_refresh(
    *,
    queryset: QuerySet[Artifact],
    inputs: list[ScoreInputs],
    results: dict[int, ScoreResult],
    weights_by_kind: dict[str, Weights],
    today: date,
) -> None:
    """Bring `results` to the match_graph values stored now, in place. Called under
    RANKS_LOCK: a match-graph rebuild may have committed new values, and ranks from them,
    since the inputs were read, and writing the old ones back would leave them stale (an
    incremental rebuild reads again only the artifacts whose flow it moves). match_graph
    is not relative to other artifacts, so only those artifacts' match_graph component and
    rank change; their other components stand."""
    stored = dict(queryset.order_by().values_list("id", "match_graph"))
    moved = [
        replace(row, match_graph=stored[row.id])
        for row in inputs
        if row.id in stored and stored[row.id] != row.match_graph
    ]
    fresh = component_get("match_graph").compute(inputs=moved, today=today)
    for row in moved:
        results[row.id] = score_result_build(
            components={**results[row.id].components, "match_graph": fresh[row.id]},
            weights=weights_for_kind(kind=row.kind, overrides=weights_by_kind),
        )


def artifact_scores_recompute(*, artifact_ids: list[int] | None = None) -> int:
    """Recompute every component, the rank, its range and whether it is provisional, and
    each model's job (unless an editor set it). Adoption and ecosystem are relative to the
    other artifacts of the same kind, so the whole of every affected kind is recomputed.
    The write waits for a match-graph rebuild in progress (RANKS_LOCK). Returns how many
    artifacts were written (or asked for)."""
    queryset = Artifact.objects.all()
    if artifact_ids is not None:
        kinds = set(Artifact.objects.filter(id__in=artifact_ids).values_list("kind", flat=True))
        queryset = queryset.filter(kind__in=kinds)
    inputs, evidence = _score_inputs(queryset)
    weights_by_kind = weights_by_kind_get()
    today = timezone.localdate()
    results = scores_compute(artifacts=inputs, weights_by_kind=weights_by_kind, today=today)
    with transaction.atomic():
        ranks_lock_take()
        _match_graph_refresh(
            queryset=queryset,
            inputs=inputs,
            results=results,
            weights_by_kind=weights_by_kind,
            today=today,
        )
        rows = [_score_row(row, results[row.id], evidence[row.id]) for row in inputs]
        written = _scores_write(rows=rows, now=timezone.now())
        # Scores, ranks and jobs only: the journal says so (browse snapshots re-read ranks).
        catalog_version_bump(scope=RANKS)
    return len(artifact_ids) if artifact_ids is not None else written


# --- public evaluations (LMArena) ----------


def _model_facts() -> list[ModelFacts]:
    return [
        ModelFacts(id=row[0], slug=row[1], name=row[2], release_date=row[3])
        for row in Artifact.objects.filter(kind="model").values_list(
            "id", "slug", "name", "release_date"
        )
    ]


def _aliases(source: str) -> dict[str, int | None]:
    return dict(EvaluationAlias.objects.filter(source=source).values_list("key", "artifact_id"))


def evaluations_link(*, source: str = arena.SOURCE, recompute: bool = True) -> LinkResult:
    """Relink every stored leaderboard entry of `source` to catalog models (editors'
    aliases first, then the automatic rules of catalog.importers.arena), write the links
    that changed and, if any did, recompute the scores of models. Returns what linked."""
    rows = list(Evaluation.objects.filter(source=source).values_list(
        "id", "board", "category", "key", "artifact_id"
    ))  # fmt: skip
    entries = {
        EntryKey(board, category, key): (pk, current) for pk, board, category, key, current in rows
    }
    result = links_compute(entries=entries, models=_model_facts(), aliases=_aliases(source))
    changed = 0
    with transaction.atomic():
        for entry, (pk, current) in entries.items():
            wanted = result.links.get(entry)
            if wanted != current:
                Evaluation.objects.filter(pk=pk).update(artifact_id=wanted)
                changed += 1
    if changed and recompute:
        artifact_scores_recompute()
    result.changed = changed
    return result


@dataclass
class EvaluationImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    links: LinkResult | None = None
    dry_run: bool = False

    def lines(self, *, label: str) -> list[str]:
        verb = "would be " if self.dry_run else ""
        lines = [
            f"{label}: {self.created} {verb}created, {self.updated} {verb}updated, "
            f"{self.unchanged} unchanged, {self.removed} {verb}removed (no longer on the "
            f"board), {len(self.skipped)} skipped"
            + (" (dry run: nothing was written)" if self.dry_run else "")
        ]
        lines += [f"  skipped {key}: {reason}" for key, reason in self.skipped]
        if self.links is not None:
            lines += self.links.lines()
        return lines


_EVALUATION_VALUES = (
    "rating", "rating_low", "rating_high", "position", "position_low", "position_high",
    "board_size",
)  # fmt: skip


def evaluations_import(
    *,
    boards: Sequence[arena.ParsedBoard],
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> EvaluationImportReport:
    """Store parsed leaderboards (upsert on source, board, category and key; a board's
    entries no longer published are removed), relink keys to models and recompute the
    scores. Idempotent: a second run of the same files changes nothing. In a dry run the
    same report is computed and nothing is written. Editors' aliases are never written."""
    report = EvaluationImportReport(dry_run=dry_run)
    total = sum(len(b.entries) for b in boards)
    done = 0
    existing = {
        (row["board"], row["category"], row["key"]): row
        for row in Evaluation.objects.filter(source=arena.SOURCE).values(
            "id", "board", "category", "key", "published_on", "source_url", *_EVALUATION_VALUES
        )
    }
    creates: list[Evaluation] = []
    updates: list[tuple[int, dict]] = []
    removals: list[int] = []
    for board in boards:
        report.skipped += [(f"{board.board}/{key}", why) for key, why in board.skipped]
        seen = set()
        for entry in board.entries:
            key = (entry.board, entry.category, entry.key)
            seen.add(key)
            values = {name: getattr(entry, name) for name in _EVALUATION_VALUES}
            values.update(published_on=board.published_on, source_url=arena.SOURCE_URL)
            row = existing.get(key)
            if row is None:
                creates.append(
                    Evaluation(
                        source=arena.SOURCE,
                        board=entry.board,
                        category=entry.category,
                        key=entry.key,
                        **values,
                    )
                )
                report.created += 1
            elif any(row[name] != value for name, value in values.items()):
                updates.append((row["id"], values))
                report.updated += 1
            else:
                report.unchanged += 1
            done += 1
            if progress is not None and (done % 100 == 0 or done == total):
                progress(done, total)
        removals += [
            row["id"] for key, row in existing.items() if key[0] == board.board and key not in seen
        ]
    report.removed = len(removals)
    if dry_run:
        entries = [EntryKey(*key) for key in existing] + [
            EntryKey(e.board, e.category, e.key) for e in creates
        ]
        report.links = links_compute(
            entries=entries, models=_model_facts(), aliases=_aliases(arena.SOURCE)
        )
        return report
    with transaction.atomic():
        Evaluation.objects.bulk_create(creates, batch_size=500)
        for pk, values in updates:
            Evaluation.objects.filter(pk=pk).update(**values)
        Evaluation.objects.filter(pk__in=removals).delete()
        report.links = evaluations_link(recompute=False)
        if report.created or report.updated or report.removed or report.links.changed:
            artifact_scores_recompute()
    return report


def capability_claims_recompute() -> int:
    """Recompute the computed Unique / vs-alternatives lines (and their "how we know"
    note) of every imported model's capabilities against the published models
    (catalog.claims). Editors' own text is never touched. Returns how many capabilities
    changed; run after each import and by `recompute_scores`."""
    from catalog.claims import ModelFacts, claims_compute
    from catalog.models import ArtifactKind, ArtifactPrice, Capability, Status

    image_token = dict(
        ArtifactPrice.objects.filter(
            key="image_output", min_prompt_tokens=0, unit_clear=True, amount__isnull=False
        ).values_list("artifact_id", "amount")
    )
    fields = (
        "id", "input_modalities", "output_modalities", "context_length", "max_output_tokens",
        "input_price", "supports_tools", "supports_structured_output", "supports_reasoning",
        "supports_web_search", "status", "external_source", "delisted_at", "delisting_kept",
    )  # fmt: skip
    titles: dict[int, set[str]] = {}
    for artifact_id, title in Capability.objects.published().values_list("artifact_id", "title"):
        titles.setdefault(artifact_id, set()).add(title)
    facts, published, imported = {}, [], []
    for row in Artifact.objects.filter(kind=ArtifactKind.MODEL).only(*fields):
        fact = ModelFacts(
            id=row.pk,
            inputs=frozenset(row.input_modalities),
            outputs=frozenset(row.output_modalities),
            context_length=row.context_length,
            max_output_tokens=row.max_output_tokens,
            input_price=row.input_price,
            output_image_token_price=image_token.get(row.pk),
            supports={
                "tools": row.supports_tools,
                "structured_output": row.supports_structured_output,
                "reasoning": row.supports_reasoning,
                "web_search": row.supports_web_search,
            },
            titles=frozenset(titles.get(row.pk, ())),
        )
        facts[row.pk] = fact
        # The comparison sets are what visitors can pick: delisted models (unless kept) are
        # not counted, though their own capabilities still get claims.
        if row.status == Status.PUBLISHED and row.is_listed:
            published.append(fact)
        if row.external_source:
            imported.append(row.pk)

    claim_fields = ("computed_unique", "computed_vs_alternatives", "computed_basis")
    capabilities = list(
        Capability.objects.filter(artifact_id__in=imported).only(
            "id", "artifact_id", "title", *claim_fields
        )
    )
    own: dict[int, list[str]] = {}
    for capability in capabilities:
        own.setdefault(capability.artifact_id, []).append(capability.title)
    claims = {
        artifact_id: claims_compute(model=facts[artifact_id], titles=names, catalog=published)
        for artifact_id, names in own.items()
    }
    changed = []
    for capability in capabilities:
        claim = claims[capability.artifact_id].get(capability.title)
        wanted = (claim.unique, claim.vs_alternatives, claim.basis) if claim else ("", "", "")
        current = (
            capability.computed_unique,
            capability.computed_vs_alternatives,
            capability.computed_basis,
        )
        if wanted != current:
            (
                capability.computed_unique,
                capability.computed_vs_alternatives,
                capability.computed_basis,
            ) = wanted
            changed.append(capability)
    if changed:
        with transaction.atomic():
            catalog_version_bump(artifact_ids={c.artifact_id for c in changed})
            Capability.objects.bulk_update(
                changed,
                ["computed_unique", "computed_vs_alternatives", "computed_basis"],
                batch_size=500,
            )
    return len(changed)
