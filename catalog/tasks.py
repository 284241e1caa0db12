"""Catalog jobs editors start from admin and schedules start with `manage.py start_job`
(declared in jobs/kinds.py; run by the background worker, `manage.py run_worker`)."""

from typing import Any

from catalog.importers import openrouter
from catalog.importers.common import DEFAULT_MAX_BYTES, ImportSourceError, json_parse, source_read
from catalog.importers.writer import records_import
from catalog.services import artifact_scores_recompute, capability_claims_recompute


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
