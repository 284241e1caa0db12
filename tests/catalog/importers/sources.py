"""Where importer tests find their inputs: hand-written fixtures, and the real catalogs."""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared_data() -> Path:
    """Real public catalogs kept beside the project (never copied into it). SHARED_DATA_DIR
    points elsewhere; a checkout cloned away from them (a CI clone in a temporary
    directory) falls back to the workplace's copy, so the real-data tests still run."""
    explicit = os.environ.get("SHARED_DATA_DIR")
    if explicit:
        return Path(explicit)
    beside = Path(settings.BASE_DIR).parent / "shared" / "data"
    workplace = Path("/work/shared/data")
    return workplace if not beside.is_dir() and workplace.is_dir() else beside


SHARED_DATA = _shared_data()
REAL_OPENROUTER = SHARED_DATA / "openrouter-models-2026-08-19.json"
REAL_TOOLS = SHARED_DATA / "ai-tools-enriched-2026-08-22.json"
REAL_COMPARISONS = SHARED_DATA / "ai-tools-comparisons-2026-08-22.json"


def fixture_load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def real_data_required(*paths: Path) -> None:
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        pytest.skip(f"real catalog files not found in {SHARED_DATA}: {', '.join(missing)}")


REAL_ARENA = {
    board: SHARED_DATA / f"lmarena-leaderboard-{board}-2025-12-11.json"
    for board in ("text", "vision", "image")
}
