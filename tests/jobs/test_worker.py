"""Jobs through the real queue: django-tasks-db's table and real worker processes, on the
test database (SQLite or PostgreSQL)."""

import os
import signal

import pytest
from django_tasks_db.models import DBTaskResult

import tests.jobs.paused_jobs  # noqa: F401  (its job kind, known to this process too)
from comparisons.models import Intent, Match
from comparisons.search.evidence import search_record
from jobs.models import TaskRun
from jobs.services import task_run_start
from tests.factories import CapabilityFactory
from tests.jobs.conftest import wait_for


@pytest.fixture
def searched(transactional_db):
    capability = CapabilityFactory(title="Transcribes audio")
    for n in range(3):
        search_record(
            intent_text="transcribe audio",
            query="Transcribe audio",
            capability_ids=[capability.pk],
            result_count=1,
            client_key=f"c{n}",
        )
    return capability


def test_a_worker_process_runs_a_queued_rebuild_and_stores_its_result(worker_db, searched):
    Intent.objects.filter(text="transcribe audio").update(is_spam=True)
    assert Match.objects.exists()
    run = task_run_start(kind="match_graph_full")
    assert run.state == TaskRun.State.QUEUED
    assert DBTaskResult.objects.get(id=run.task_result_id).status == "READY"

    worker_db.run_batch()

    run.refresh_from_db()
    assert run.state == TaskRun.State.SUCCEEDED, run.error
    assert run.summary.startswith("Match graph rebuilt: full: 0 counted events, 0 matches")
    assert (run.progress_done, run.progress_total) == (7, 7)
    assert run.attempts == 1 and run.worker_pid and run.worker_pid != os.getpid()
    result = DBTaskResult.objects.get(id=run.task_result_id)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == run.summary
    # The rebuild itself happened: a spam intent's matches are gone.
    assert not Match.objects.exists()


def test_a_failing_job_is_marked_failed_with_its_error(worker_db, transactional_db):
    run = task_run_start(
        kind="openrouter_import", params={"file_name": "models.json"}, upload=b"{not json"
    )
    worker_db.run_batch()
    run.refresh_from_db()
    assert run.state == TaskRun.State.FAILED
    assert run.error.startswith("ImportSourceError: models.json")
    assert run.upload is None  # the uploaded file is not kept
    result = DBTaskResult.objects.get(id=run.task_result_id)
    assert result.status == "FAILED"
    assert result.exception_class_path == "catalog.importers.common.ImportSourceError"


def test_a_worker_stopped_mid_run_leaves_nothing_half_done_and_the_job_is_retried(
    worker_db, searched, tmp_path
):
    spam = Intent.objects.get(text="transcribe audio")
    Intent.objects.filter(pk=spam.pk).update(is_spam=True)
    pause = tmp_path / "pause"
    pause.touch()
    run = task_run_start(kind="test_paused_rebuild", params={"pause_file": str(pause)})
    worker_db.to_worker()
    first = worker_db.start(module="tests.jobs.paused_jobs")
    # The rebuild has rewritten intents and matches inside its transaction, and waits.
    wait_for(pause.with_suffix(".reached").exists, what="the rebuild to reach its 4th step")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()

    worker_db.from_worker()
    run.refresh_from_db()
    assert run.state == TaskRun.State.RUNNING and run.attempts == 1
    # Nothing of the stopped attempt is visible: the spam intent still has its matches.
    assert Match.objects.filter(intent=spam).count() == 1
    spam.refresh_from_db()
    assert spam.search_count == 3

    pause.unlink()
    output = worker_db.run_batch(module="tests.jobs.paused_jobs")
    assert f"job #{run.pk}: its worker (process {first.pid}) stopped; requeued." in output
    run.refresh_from_db()
    assert run.state == TaskRun.State.SUCCEEDED, run.error
    assert run.attempts == 2
    assert run.error.startswith(f"Attempt 1 stopped mid-run: its worker (process {first.pid})")
    assert not Match.objects.filter(intent=spam).exists()
    results = DBTaskResult.objects.order_by("enqueued_at")
    assert [r.status for r in results] == ["FAILED", "SUCCESSFUL"]
    assert results[0].exception_class_path == "jobs.services.WorkerStopped"


def test_a_worker_refreshes_evaluation_data_from_an_uploaded_leaderboard(
    worker_db, transactional_db
):
    from datetime import date

    from catalog.models import Evaluation
    from tests.catalog.importers.sources import FIXTURES
    from tests.factories import ArtifactFactory

    gemini = ArtifactFactory(slug="gemini-2-5-pro", name="Gemini 2.5 Pro")
    ArtifactFactory(slug="gpt-4o", name="GPT-4o", release_date=date(2024, 5, 13))
    fixture = FIXTURES / "lmarena-leaderboard-text-2025-12-11.json"
    run = task_run_start(
        kind="evaluations_import",
        params={"file_name": fixture.name},
        upload=fixture.read_bytes(),
        upload_name=fixture.name,
    )
    worker_db.run_batch()

    run.refresh_from_db()
    assert run.state == TaskRun.State.SUCCEEDED, run.error
    assert run.summary == (
        "LMArena text board of 2025-12-11: 10 created, 0 updated, 0 unchanged, 0 removed "
        "(no longer on the board), 1 skipped. keys matched: 2, unmatched: 5, ambiguous: 0, "
        "superseded: 1."
    )
    assert (run.progress_done, run.progress_total) == (10, 10)
    assert run.upload is None
    assert Evaluation.objects.filter(board="text").count() == 10
    gemini.refresh_from_db()
    assert gemini.quality == 1.0
    assert DBTaskResult.objects.get(id=run.task_result_id).status == "SUCCESSFUL"

    # Safe to repeat: the same file again changes nothing.
    again = task_run_start(
        kind="evaluations_import", params={"file_name": fixture.name}, upload=fixture.read_bytes()
    )
    worker_db.run_batch()
    again.refresh_from_db()
    assert again.summary.startswith(
        "LMArena text board of 2025-12-11: 0 created, 0 updated, 10 unchanged"
    )


def test_an_evaluation_file_whose_name_names_no_board_fails_before_any_write(
    worker_db, transactional_db
):
    from catalog.models import Evaluation

    run = task_run_start(
        kind="evaluations_import", params={"file_name": "ratings.json"}, upload=b"{}"
    )
    worker_db.run_batch()
    run.refresh_from_db()
    assert run.state == TaskRun.State.FAILED
    assert run.error.startswith("ImportSourceError: ratings.json: cannot tell the board")
    assert not Evaluation.objects.exists()


def test_progress_shows_while_the_rebuild_is_inside_its_transaction(worker_db, searched, tmp_path):
    """On PostgreSQL through a second connection; on SQLite, whose one write lock the rebuild
    holds, through a file beside the database that admin reads."""
    import sqlite3

    from django.contrib import admin
    from django.db import connection

    from jobs.admin import TaskRunAdmin
    from jobs.services import progress_side_get

    pause = tmp_path / "pause"
    pause.touch()
    run = task_run_start(kind="test_paused_rebuild", params={"pause_file": str(pause)})
    worker_db.to_worker()
    worker_db.start(module="tests.jobs.paused_jobs")
    wait_for(pause.with_suffix(".reached").exists, what="the rebuild to reach its 4th step")

    shown = TaskRunAdmin(TaskRun, admin.site).progress(TaskRun.objects.get(pk=run.pk))
    if connection.vendor == "sqlite":
        assert shown == "3/7, 42% (artifacts)"
        side = progress_side_get(run_id=run.pk)
        assert side is not None and (side.done, side.total) == (3, 7)
    else:  # throttled to one write a second: at least the first step is there
        assert "/7, " in shown, shown

    pause.unlink()
    if connection.vendor == "sqlite":
        # The job's end removes the file; the run's row then holds the final values.
        wait_for(lambda: progress_side_get(run_id=run.pk) is None, what="the rebuild to end")

        def finished() -> bool:
            with sqlite3.connect(worker_db.file) as db:
                row = db.execute("SELECT state FROM jobs_taskrun WHERE id = ?", [run.pk]).fetchone()
            return row == ("succeeded",)

        wait_for(finished, what="the worker to record the end")
        worker_db.stop_all()
        worker_db.from_worker()
    else:
        wait_for(
            lambda: TaskRun.objects.get(pk=run.pk).state == TaskRun.State.SUCCEEDED,
            what="the rebuild to succeed",
        )
    run.refresh_from_db()
    assert run.state == TaskRun.State.SUCCEEDED, run.error
    assert (run.progress_done, run.progress_total) == (7, 7)
