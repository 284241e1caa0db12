"""`manage.py import_openrouter`: summary, dry run, refusals, and the real 549-model file."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError, OutputWrapper

from catalog.importers.cli import ProgressBar
from catalog.models import Artifact, Capability, Vendor
from catalog.pricing import price_format
from tests.catalog.importers.sources import FIXTURES, REAL_OPENROUTER, real_data_required

pytestmark = pytest.mark.django_db

FIXTURE = str(FIXTURES / "openrouter-models.json")


def _run(*args) -> str:
    out = io.StringIO()
    call_command("import_openrouter", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _database_state() -> tuple:
    return (
        Artifact.objects.count(),
        Capability.objects.count(),
        Vendor.objects.count(),
        Artifact.history.count(),
    )


def test_the_summary_counts_and_names_every_skipped_record():
    output = _run(FIXTURE)
    assert output.splitlines()[0] == "openrouter: 13 created, 0 updated, 0 unchanged, 5 skipped"
    assert "  skipped broken/bad-price: prompt price 'cheap' is not a number" in output
    assert "  skipped #18: not an object" in output
    assert "Recomputed the score of" in output
    assert Artifact.objects.exclude(rank=0).exists()


def test_a_second_run_creates_and_updates_nothing():
    _run(FIXTURE)
    output = _run(FIXTURE)
    assert output.splitlines()[0] == "openrouter: 0 created, 0 updated, 13 unchanged, 5 skipped"
    assert "Recomputed" not in output


def test_a_dry_run_lists_what_would_change_and_writes_nothing():
    output = _run(FIXTURE, "--dry-run")
    assert output.startswith("openrouter: 13 would be created, 0 would be updated")
    assert "(dry run: nothing was written)" in output
    assert "  + acme/lumen-flash" in output
    assert _database_state() == (0, 0, 0, 0)


def test_the_older_bare_list_shape_imports():
    output = _run(str(FIXTURES / "openrouter-models-legacy.json"))
    assert output.startswith("openrouter: 1 created")


def test_publish_publishes_new_artifacts():
    _run(FIXTURE, "--publish")
    assert Artifact.objects.published().count() == 13


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "the file ends too early"),  # the fixture, cut in half
        (b"", "is empty"),
        (b'{"models": []}', "expected"),
        (b'{"data": []}', "lists no models"),
        (b"\x00\xff", "not UTF-8"),
    ],
)
def test_a_bad_file_exits_non_zero_with_one_line_and_writes_nothing(tmp_path, content, message):
    _run(FIXTURE)
    before = _database_state()
    if content is None:
        content = (FIXTURES / "openrouter-models.json").read_bytes()[:3000]
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as caught:
        _run(str(path))
    assert "\n" not in str(caught.value)
    assert str(caught.value).endswith("Nothing was written.")
    assert _database_state() == before


def test_a_file_over_the_size_cap_is_refused(tmp_path):
    with pytest.raises(CommandError, match="larger than the 1,000-byte cap"):
        _run(FIXTURE, "--max-bytes", "1000")
    assert _database_state() == (0, 0, 0, 0)


def test_the_command_line_exits_with_status_1(tmp_path, capsys):
    path = tmp_path / "cut.json"
    path.write_text('{"data": [')
    with pytest.raises(SystemExit) as caught:
        ManagementUtility(["manage.py", "import_openrouter", str(path)]).execute()
    assert caught.value.code == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("CommandError: ") and "truncated" in error
    assert len(error.splitlines()) == 1


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_draws_only_on_a_terminal():
    terminal = _Terminal()
    bar = ProgressBar(OutputWrapper(terminal), label="Importing")
    bar(5, 10)
    bar(10, 10)
    drawn = terminal.getvalue()
    # tqdm redraws one line in place ("\r") and ends it once finished.
    assert drawn.startswith("\rImporting:   0%") and drawn.endswith("\n")
    assert drawn.rstrip("\n").rsplit("\r", 1)[-1].startswith("Importing: 100%")
    assert "10/10" in drawn and drawn.count("\n") == 1
    redirected = io.StringIO()
    ProgressBar(OutputWrapper(redirected), label="Importing")(5, 10)
    assert redirected.getvalue() == ""


# The real catalog: ../shared/data/openrouter-models-2026-08-19.json (549 models).


@pytest.fixture
def real_import():
    real_data_required(REAL_OPENROUTER)
    return _run(str(REAL_OPENROUTER))


def _real(model_id: str) -> Artifact:
    return Artifact.objects.get(external_source="openrouter", external_id=model_id)


def test_real_file_one_artifact_per_base_model(real_import):
    models = json.loads(REAL_OPENROUTER.read_text())["data"]
    bases = {m["id"].split(":")[0] for m in models if not m["id"].startswith("~")}
    assert len(models) == 549
    assert Artifact.objects.filter(external_source="openrouter").count() == len(bases) == 465
    assert not Artifact.objects.filter(external_id__contains=":").exists()
    assert (
        real_import.splitlines()[0] == "openrouter: 465 created, 0 updated, 0 unchanged, 11 skipped"
    )
    # A :free variant folded into its paid base model...
    gemma = _real("google/gemma-4-31b-it")
    assert gemma.has_free_tier and gemma.pricing_model == "paid" and gemma.starting_price > 0
    # ...and one that exists only as a free variant.
    tts = _real("deepgram/flux-tts")
    assert (tts.pricing_model, tts.starting_price, tts.name) == ("free", Decimal(0), "Flux TTS")


def test_real_file_prices_and_units(real_import):
    qwen = _real("qwen/qwen3.5-flash-02-23")
    assert qwen.name == "Qwen3.5-Flash"
    assert qwen.vendor.name == "Qwen"
    assert (qwen.starting_price, qwen.price_unit) == (Decimal("0.000000065"), "prompt_token")
    assert price_format(amount=qwen.starting_price, unit=qwen.price_unit).exact == (
        "$6.50e-8 per prompt token"
    )
    assert qwen.context_length == 1_000_000
    assert qwen.input_modalities == ["image", "text", "video"]

    flux = Artifact.objects.filter(external_id__startswith="black-forest-labs/flux.2-")
    assert flux.count() == 4
    for model in flux:
        assert model.price_unit == "output_image_token", model.external_id
        assert model.starting_price > 0 and model.pricing_model == "paid"
        assert not price_format(amount=model.starting_price, unit=model.price_unit).free

    auto = _real("openrouter/auto")
    assert auto.price_varies
    assert auto.starting_price is None and auto.pricing_model == "paid"

    # 0 or missing context length is unknown, never 0.
    assert not Artifact.objects.filter(context_length=0).exists()
    assert Artifact.objects.filter(external_source="openrouter", context_length=None).exists()


def test_real_file_second_import_creates_and_updates_nothing(real_import):
    history = Artifact.history.count()
    output = _run(str(REAL_OPENROUTER))
    assert output.splitlines()[0] == "openrouter: 0 created, 0 updated, 465 unchanged, 11 skipped"
    assert Artifact.history.count() == history


@pytest.mark.postgres
def test_an_import_leaves_fresh_planner_statistics():
    """Without them PostgreSQL plans for empty tables until autovacuum runs (never, where
    it is off): nested loops over every artifact pair on the home page. ANALYZE writes
    the row estimate (pg_class.reltuples) at once, inside the test's transaction."""
    from django.db import connection

    def estimated_rows() -> float:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = %s", [Artifact._meta.db_table]
            )
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Artifact._meta.db_table}")  # the empty table: 0 rows
    assert estimated_rows() <= 0
    _run(FIXTURE, "--publish")
    assert estimated_rows() == Artifact.objects.count()
