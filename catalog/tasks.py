"""Catalog jobs editors start from admin and schedules start with `manage.py start_job`
(declared in jobs/kinds.py; run by the background worker, `manage.py run_worker`)."""

from datetime import date
from typing import Any

from catalog.importers import arena, openrouter
from catalog.importers.common import DEFAULT_MAX_BYTES, ImportSourceError, json_parse, source_read
from catalog.importers.writer import records_import
from catalog.services import (
    artifact_scores_recompute,
    capability_claims_recompute,
    evaluations_import,
)


def scores_recompute_job(*, params: dict[str, Any], upload: bytes | None, progress: Any) -> str:
    """Recompute every artifact's score components and rank (one transaction)."""
    progress(0, 1, "recomputing scores")
    count = artifact_scores_recompute()
    progress(1, 1, "done")
    return f"Recomputed the score of {count} artifacts."


def openrouter_import_job(*, params: dict[str, Any], upload: bytes | None, progress: Any) -> str:
    """Import or refresh models from OpenRouter's models endpoint: `params["url"]` (https://
    only) or the uploaded file. Batches commit one by one (re-running is safe: unchanged
    models are not written). Raises ImportSourceError for a bad source, before any write."""
    if upload is not None:
        label = params.get("file_name") or "the uploaded file"
        if len(upload) > DEFAULT_MAX_BYTES:
            raise ImportSourceError(f"{label} is larger than {DEFAULT_MAX_BYTES:,} bytes")
        raw = bytes(upload)
    else:
        label = str(params.get("url", ""))
        if not label:
            raise ImportSourceError("no URL and no file to import")
        progress(0, 0, f"fetching {label}")
        raw = source_read(source=label, max_bytes=DEFAULT_MAX_BYTES)
    payload = json_parse(raw=raw, label=label)
    parsed = openrouter.records_parse(payload=payload)
    report = records_import(
        source=openrouter.SOURCE,
        parsed=parsed,
        progress=lambda done, total: progress(done, total, "importing models"),
    )
    lines = [line.strip() for line in report.lines()]
    if report.created or report.updated:
        lines.append(f"Recomputed the score of {artifact_scores_recompute()} artifacts.")
        lines.append(f"Recomputed the claims of {capability_claims_recompute()} capabilities.")
    return " ".join(lines)


def evaluations_import_job(*, params: dict[str, Any], upload: bytes | None, progress: Any) -> str:
    """Refresh evaluation data: one LMArena leaderboard (the same import as `manage.py
    import_arena`), from the uploaded file or `params["url"]` (https:// only). The board and
    the data's date are `params["board"]` and `params["date"]` (YYYY-MM-DD), else read from
    the file name (leaderboard-text-2025-12-11.json). The whole file is checked before any
    write; entries are stored, keys relinked and scores recomputed in one transaction, so
    re-running is safe. Raises ImportSourceError for a bad source or an unnamed board."""
    if upload is not None:
        label = str(params.get("file_name") or "the uploaded file")
        if len(upload) > DEFAULT_MAX_BYTES:
            raise ImportSourceError(f"{label} is larger than {DEFAULT_MAX_BYTES:,} bytes")
        raw = bytes(upload)
    else:
        label = str(params.get("url", ""))
        if not label:
            raise ImportSourceError("no URL and no file to import")
    board, published_on = params.get("board") or "", params.get("date") or ""
    if not (board and published_on):
        named_board, named_date = arena.board_and_date_from_name(path=label)
        board, published_on = board or named_board, published_on or named_date.isoformat()
    if upload is None:
        progress(0, 0, f"fetching {label}")
        raw = source_read(source=label, max_bytes=DEFAULT_MAX_BYTES)
    try:
        day = date.fromisoformat(str(published_on))
    except ValueError as error:
        raise ImportSourceError(f"{published_on!r} is not a date (YYYY-MM-DD)") from error
    payload = json_parse(raw=raw, label=label)
    parsed = arena.board_parse(payload=payload, board=str(board), published_on=day)
    report = evaluations_import(
        boards=[parsed],
        progress=lambda done, total: progress(done, total, "importing ratings"),
    )
    lines = report.lines(label=f"LMArena {board} board of {day.isoformat()}")
    # The counts and the link totals; per-key lines are for `import_arena --dry-run`.
    summary = [lines[0]] + ([report.links.lines()[0].strip()] if report.links else [])
    return ". ".join(summary) + "."
