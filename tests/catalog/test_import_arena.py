"""`manage.py import_arena`: whole-source refusal, dry run, idempotence, the summary of
matched / unmatched / ambiguous keys, editors' aliases, and the real leaderboards."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from catalog.models import Artifact, Evaluation, EvaluationAlias
from tests.catalog.importers.sources import FIXTURES, REAL_ARENA, real_data_required
from tests.factories import ArtifactFactory

pytestmark = pytest.mark.django_db

FIXTURE = str(FIXTURES / "lmarena-leaderboard-text-2025-12-11.json")


def _run(*args) -> str:
    out = io.StringIO()
    call_command("import_arena", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def models(db) -> dict[str, Artifact]:
    specs = [
        ("gemini-2-5-pro", "Gemini 2.5 Pro", date(2025, 3, 25)),
        ("gpt-4o", "GPT-4o", date(2024, 5, 13)),
        ("gpt-5", "GPT-5", date(2025, 8, 7)),
        ("claude-3-5-haiku", "Claude 3.5 Haiku", date(2024, 10, 22)),
        ("deepseek-v3", "DeepSeek-V3", date(2024, 12, 26)),
    ]
    return {
        slug: ArtifactFactory(slug=slug, name=name, release_date=released)
        for slug, name, released in specs
    }


def test_the_summary_lists_matched_unmatched_and_skipped_keys(models):
    output = _run(FIXTURE)
    lines = output.splitlines()
    # 8 valid full entries + 2 coding entries; "broken" skipped; "math" not kept.
    assert lines[0] == (
        "LMArena text board of 2025-12-11: 10 created, 0 updated, 0 unchanged, 0 removed "
        "(no longer on the board), 1 skipped"
    )
    assert "  skipped text/full/broken: rating or its interval is not a number" in lines
    assert "  keys matched: 4, unmatched: 2, ambiguous: 0, superseded: 2" in lines
    assert "  superseded gpt-4o-2024-08-06: another key fits gpt-4o better; not linked" in lines
    assert "  superseded deepseek-v3-0324: another key fits deepseek-v3 better; not linked" in lines
    assert "  matched gpt-4o-2024-05-13 -> gpt-4o (dated)" in lines
    assert "  matched deepseek-v3 -> deepseek-v3 (name)" in lines
    assert "  unmatched: gpt-5-high, mystery-model" in lines
    gemini = models["gemini-2-5-pro"]
    gemini.refresh_from_db()
    assert gemini.quality == 1.0
    assert gemini.score_evidence["quality"]["key"] == "gemini-2.5-pro"
    assert gemini.score_evidence["quality"]["published_on"] == "2025-12-11"
    models["gpt-5"].refresh_from_db()
    assert models["gpt-5"].quality is None  # not on the board under its own name


def test_a_second_run_changes_nothing(models):
    _run(FIXTURE)
    before = list(Artifact.objects.order_by("id").values_list("rank", "quality", "updated_at"))
    output = _run(FIXTURE)
    assert output.splitlines()[0].startswith(
        "LMArena text board of 2025-12-11: 0 created, 0 updated, 10 unchanged, 0 removed"
    )
    after = list(Artifact.objects.order_by("id").values_list("rank", "quality", "updated_at"))
    assert after == before


def test_a_dry_run_reports_the_same_and_writes_nothing(models):
    output = _run(FIXTURE, "--dry-run")
    assert output.splitlines()[0].endswith("1 skipped (dry run: nothing was written)")
    assert "10 would be created" in output
    assert "  matched gemini-2.5-pro -> gemini-2-5-pro (name)" in output
    assert not Evaluation.objects.exists()
    models["gemini-2-5-pro"].refresh_from_db()
    assert models["gemini-2-5-pro"].quality is None


def test_an_entry_no_longer_on_the_board_is_removed(models, tmp_path):
    _run(FIXTURE)
    payload = json.loads((FIXTURES / "lmarena-leaderboard-text-2025-12-11.json").read_text())
    del payload["full"]["gemini-2.5-pro"]
    smaller = tmp_path / "lmarena-leaderboard-text-2025-12-12.json"
    smaller.write_text(json.dumps(payload))
    output = _run(str(smaller))
    assert "1 removed (no longer on the board)" in output.splitlines()[0]
    models["gemini-2-5-pro"].refresh_from_db()
    # Still on the coding board, but a text model's quality comes from the full board.
    assert models["gemini-2-5-pro"].quality is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"coding": {}}', 'expected {category: {model_key: {"rating", "rating_q025", '
         '"rating_q975"}}} with a "full" category, got no usable "full" category'),
        ("[1, 2]", "with a \"full\" category, got list"),
        ("{", "is not valid JSON"),
    ],
)  # fmt: skip
def test_a_wrong_shape_exits_with_one_line_and_writes_nothing(models, tmp_path, content, message):
    good = FIXTURE
    bad = tmp_path / "lmarena-leaderboard-vision-2025-12-11.json"
    bad.write_text(content)
    with pytest.raises(CommandError) as error:
        _run(good, str(bad))  # the good file first: still nothing is written
    assert message in str(error.value)
    assert str(error.value).endswith("Nothing was written.")
    assert "\n" not in str(error.value)
    assert not Evaluation.objects.exists()


def test_a_wrong_shape_exits_1_from_the_command_line(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "lmarena-leaderboard-text-2025-12-11.json"
    bad.write_text("[]")
    run = subprocess.run(
        [sys.executable, "manage.py", "import_arena", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1].startswith("CommandError: expected {category:")


def test_a_file_name_without_board_and_date_needs_the_options(models, tmp_path):
    plain = tmp_path / "ratings.json"
    plain.write_text((FIXTURES / "lmarena-leaderboard-text-2025-12-11.json").read_text())
    with pytest.raises(CommandError, match="cannot tell the board and date"):
        _run(str(plain))
    output = _run(str(plain), "--board", "text", "--date", "2025-12-11")
    assert output.startswith("LMArena text board of 2025-12-11: 10 created")


def test_an_alias_editors_save_in_admin_relinks_and_rescores(models, editor_client):
    _run(FIXTURE)
    gpt5 = models["gpt-5"]
    response = editor_client.post(
        reverse("admin:catalog_evaluationalias_add"),
        {"source": "lmarena", "key": "gpt-5-high", "artifact": gpt5.pk, "note": "high effort"},
    )
    assert response.status_code == 302
    gpt5.refresh_from_db()
    assert gpt5.quality is not None
    assert gpt5.score_evidence["quality"]["key"] == "gpt-5-high"
    # The next import keeps the editor's link.
    _run(FIXTURE)
    assert Evaluation.objects.get(category="full", key="gpt-5-high").artifact_id == gpt5.pk
    assert EvaluationAlias.objects.get().artifact_id == gpt5.pk


def test_an_empty_alias_unlinks_a_wrong_automatic_match(models, editor_client):
    _run(FIXTURE)
    editor_client.post(
        reverse("admin:catalog_evaluationalias_add"),
        {"source": "lmarena", "key": "deepseek-v3", "artifact": "", "note": "not ours"},
    )
    deepseek = models["deepseek-v3"]
    deepseek.refresh_from_db()
    # The next-best key (a dated one) now fits alone, so it links automatically...
    assert deepseek.score_evidence["quality"]["key"] == "deepseek-v3-0324"
    editor_client.post(
        reverse("admin:catalog_evaluationalias_add"),
        {"source": "lmarena", "key": "deepseek-v3-0324", "artifact": "", "note": "not ours"},
    )
    # ...until an editor says that one is not ours either.
    deepseek.refresh_from_db()
    assert deepseek.quality is None
    assert "quality" not in deepseek.score_evidence
    assert not Evaluation.objects.filter(artifact=deepseek).exists()


def test_the_real_leaderboards_import_and_reimport_unchanged(models):
    real_data_required(*REAL_ARENA.values())
    files = [str(path) for path in REAL_ARENA.values()]
    output = _run(*files)
    assert "text board of 2025-12-11, vision board of 2025-12-11, image board of" in output
    assert "  matched gemini-2.5-pro -> gemini-2-5-pro (name)" in output
    assert "  matched gpt-4o-2024-05-13 -> gpt-4o (dated)" in output
    assert Evaluation.objects.filter(board="text", category="full").count() == 282
    assert Evaluation.objects.filter(board="vision", category="full").count() == 87
    assert Evaluation.objects.filter(board="image", category="full").count() == 34
    again = _run(*files)
    assert " 0 created, 0 updated, " in again.splitlines()[0]


def test_a_usage_fact_editors_enter_becomes_an_adoption_signal(editor_client):
    app = ArtifactFactory(kind="app", slug="chat-app", name="Chat App")
    response = editor_client.post(
        reverse("admin:catalog_usagefact_add"),
        {
            "artifact": app.pk,
            "metric": "weekly_users",
            "value": "1000000",
            "as_of": "2025-10-06",
            "source_url": "https://example.com/users",
            "note": "",
        },
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.adoption == 1.0
    assert app.score_evidence["adoption"][0]["url"] == "https://example.com/users"
    assert app.score_evidence["adoption"][0]["as_of"] == "2025-10-06"
