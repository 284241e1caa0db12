"""Editors start long jobs from admin: the request only queues them, admin shows each run's
state, progress, summary and error, and the same job never runs twice at once."""

import subprocess
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import TaskRun
from jobs.services import (
    MAX_ATTEMPTS,
    JobAlreadyActive,
    _hostname,
    task_run_execute_now,
    task_run_start,
    task_runs_recover,
)
from tests.factories import ArtifactFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:jobs_taskrun_add")
LIST = reverse("admin:jobs_taskrun_changelist")


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_editor_queues_an_import_from_an_uploaded_file_and_the_request_returns_at_once(
    editor_client, editor
):
    upload = SimpleUploadedFile("models.json", b'{"data": []}', "application/json")
    response = editor_client.post(ADD, {"kind": "openrouter_import", "file": upload}, follow=True)
    run = TaskRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:jobs_taskrun_change", args=[run.pk])
    assert f"Queued {run}: it runs in the background." in response.content.decode()
    assert run.state == TaskRun.State.QUEUED and run.requested_by == editor
    assert bytes(run.upload) == b'{"data": []}' and run.params == {"file_name": "models.json"}
    assert DBTaskResult.objects.get(id=run.task_result_id).status == "READY"

    again = SimpleUploadedFile("other.json", b"{}", "application/json")
    response = editor_client.post(ADD, {"kind": "openrouter_import", "file": again}, follow=True)
    assert f"Not started: {run} is already queued." in response.content.decode()
    assert TaskRun.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "openrouter_import"}, "Give either a source URL or a file, not both."),
        ({"kind": "openrouter_import", "url": "http://example.com/m.json"}, "Only https://"),
        ({"kind": "match_graph_full", "url": "https://example.com/"}, "takes no URL or file"),
        ({"kind": "delete_everything"}, "Select a valid choice"),
    ],
)
def test_start_form_refuses_what_the_job_cannot_use(editor_client, data, message):
    response = editor_client.post(ADD, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TaskRun.objects.exists()


def test_run_list_shows_state_progress_summary_and_error(editor_client):
    TaskRun.objects.create(
        kind="match_graph_full", lock="match_graph", state="running", progress_done=3,
        progress_total=7, progress_note="artifacts",
    )  # fmt: skip
    TaskRun.objects.create(
        kind="scores_recompute", lock="scores", state="succeeded",
        summary="Recomputed the score of 12 artifacts.",
    )  # fmt: skip
    TaskRun.objects.create(
        kind="openrouter_import", lock="import_openrouter", state="failed",
        error="ImportSourceError: models.json is not valid JSON",
    )  # fmt: skip
    body = editor_client.get(LIST).content.decode()
    assert "3/7, 42% (artifacts)" in body
    assert "Recomputed the score of 12 artifacts." in body
    assert "ImportSourceError: models.json is not valid JSON" in body
    assert "Rebuild the match graph (full)" in body


def test_intent_admin_rebuild_queues_and_refuses_a_second_one(editor_client):
    url = reverse("admin:comparisons_intent_changelist")
    from comparisons.models import Intent

    intent = Intent.objects.create(text="transcribe audio", example_query="transcribe audio")
    post = {"action": "rebuild_match_graph", "_selected_action": [intent.pk]}
    body = editor_client.post(url, post, follow=True).content.decode()
    run = TaskRun.objects.get()
    assert "Match graph rebuild queued" in body
    assert reverse("admin:jobs_taskrun_change", args=[run.pk]) in body
    body = editor_client.post(url, post, follow=True).content.decode()
    assert "is already queued" in body
    assert TaskRun.objects.count() == 1


def test_artifact_admin_queues_a_recompute_of_every_score(editor_client):
    artifact = ArtifactFactory()
    url = reverse("admin:catalog_artifact_changelist")
    post = {"action": "recompute_all_scores", "_selected_action": [artifact.pk]}
    body = editor_client.post(url, post, follow=True).content.decode()
    assert "Score recompute queued" in body
    run = TaskRun.objects.get()
    assert (run.kind, run.state) == ("scores_recompute", "queued")
    assert task_run_execute_now(run_id=run.pk).startswith("Recomputed the score of")
    run.refresh_from_db()
    assert run.state == "succeeded" and run.summary.startswith("Recomputed the score of")


def test_the_database_refuses_two_active_runs_of_one_job():
    TaskRun.objects.create(kind="scores_recompute", lock="scores", state="running")
    TaskRun.objects.create(kind="scores_recompute", lock="scores", state="failed")
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskRun.objects.create(kind="scores_recompute", lock="scores", state="queued")


def test_a_finished_job_can_start_again():
    first = task_run_start(kind="scores_recompute")
    with pytest.raises(JobAlreadyActive):
        task_run_start(kind="scores_recompute")
    task_run_execute_now(run_id=first.pk)
    second = task_run_start(kind="scores_recompute")
    assert second.pk != first.pk and second.state == "queued"


def test_a_run_is_executed_once(db):
    run = task_run_start(kind="scores_recompute")
    task_run_execute_now(run_id=run.pk)
    assert task_run_execute_now(run_id=run.pk) == "not queued any more: skipped"
    run.refresh_from_db()
    assert run.attempts == 1


def _running(**fields) -> TaskRun:
    run = task_run_start(kind="scores_recompute")
    TaskRun.objects.filter(pk=run.pk).update(state="running", attempts=1, **fields)
    return run


def test_recover_requeues_a_run_whose_worker_on_this_host_died():
    run = _running(worker_host=_hostname(), worker_pid=_dead_pid(), heartbeat_at=timezone.now())
    [recovery] = task_runs_recover()
    assert recovery.retried and recovery.run_id == run.pk
    run.refresh_from_db()
    assert run.state == "queued" and run.error.endswith("retried.")
    assert run.error.startswith("Attempt 1 stopped mid-run: its worker (process")


def test_recover_fails_a_run_after_its_last_attempt():
    run = _running(worker_host=_hostname(), worker_pid=_dead_pid())
    TaskRun.objects.filter(pk=run.pk).update(attempts=MAX_ATTEMPTS)
    [recovery] = task_runs_recover()
    assert not recovery.retried
    run.refresh_from_db()
    assert run.state == "failed" and run.finished_at is not None
    assert run.error.endswith("not retried again.")


@pytest.mark.parametrize(("age", "recovered"), [(599, False), (601, True)])
def test_recover_trusts_a_live_worker_elsewhere_until_its_heartbeat_is_stale(age, recovered):
    now = timezone.now()
    run = _running(
        worker_host="another-host", worker_pid=1, heartbeat_at=now - timedelta(seconds=age)
    )
    done = task_runs_recover(stale_after=timedelta(seconds=600))
    assert [r.run_id for r in done] == ([run.pk] if recovered else [])


def test_recover_leaves_a_live_worker_on_this_host_alone():
    import os

    run = _running(worker_host=_hostname(), worker_pid=os.getppid(), heartbeat_at=timezone.now())
    assert task_runs_recover() == []
    run.refresh_from_db()
    assert run.state == "running"


def test_start_job_command_queues_once_and_is_safe_to_repeat(capsys):
    call_command("start_job", "match_graph_full")
    call_command("start_job", "match_graph_full")
    out = capsys.readouterr().out
    assert "Queued Rebuild the match graph (full)" in out
    assert "is already queued; nothing queued." in out
    assert TaskRun.objects.count() == 1
    with pytest.raises(CommandError, match="needs --url"):
        call_command("start_job", "openrouter_import")
    with pytest.raises(CommandError, match="takes no --url"):
        call_command("start_job", "scores_recompute", "--url", "https://example.com/")


def test_editors_may_start_and_read_jobs_but_not_change_them(editor_client):
    editor = User.objects.get(username="editor")
    assert editor.has_perm("jobs.add_taskrun") and editor.has_perm("jobs.view_taskrun")
    assert not editor.has_perm("jobs.change_taskrun")
    run = TaskRun.objects.create(kind="scores_recompute", lock="scores", state="failed")
    page = editor_client.get(reverse("admin:jobs_taskrun_change", args=[run.pk]))
    assert page.status_code == 200 and b'name="kind"' not in page.content


def test_the_incremental_rebuild_runs_as_a_job_and_shares_the_full_rebuilds_lock():
    run = task_run_start(kind="match_graph_incremental")
    with pytest.raises(JobAlreadyActive):  # never beside a full rebuild
        task_run_start(kind="match_graph_full")
    task_run_execute_now(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == "succeeded"
    assert run.summary.startswith("Match graph rebuilt: ")


def test_editor_queues_an_evaluation_refresh_from_a_file_with_its_board_and_date(
    editor_client,
):
    upload = SimpleUploadedFile("ratings.json", b'{"full": {}}', "application/json")
    data = {"kind": "evaluations_import", "file": upload, "board": "vision", "date": "2025-12-11"}
    response = editor_client.post(ADD, data, follow=True)
    run = TaskRun.objects.get()
    assert f"Queued {run}: it runs in the background." in response.content.decode()
    assert (run.kind, run.lock, run.state) == ("evaluations_import", "import_evaluations", "queued")
    assert run.params == {"file_name": "ratings.json", "board": "vision", "date": "2025-12-11"}
    # The same job does not run twice at once; other jobs are not held up by it.
    again = SimpleUploadedFile("other.json", b"{}", "application/json")
    body = editor_client.post(
        ADD, {"kind": "evaluations_import", "file": again}, follow=True
    ).content.decode()
    assert f"Not started: {run} is already queued." in body
    assert task_run_start(kind="scores_recompute").state == "queued"


def test_board_and_date_are_refused_for_jobs_that_take_none(editor_client):
    response = editor_client.post(ADD, {"kind": "scores_recompute", "board": "text"})
    assert "takes no leaderboard" in response.content.decode()
    assert not TaskRun.objects.exists()


def test_a_sqlite_job_inside_its_transaction_reports_through_the_progress_file(settings, tmp_path):
    from django.db import connection

    from jobs.services import RunProgress, progress_side_get

    if connection.vendor != "sqlite":
        pytest.skip("the progress file is SQLite's (PostgreSQL writes the row)")

    settings.JOB_PROGRESS_DIR = str(tmp_path)
    run = _running(worker_host="another-host", worker_pid=1)
    progress = RunProgress(run.pk)
    with transaction.atomic():
        for done in range(1, 4):  # every call is written: no throttle for a file
            progress(done, 7, f"step {done}")
        side = progress_side_get(run_id=run.pk)
        assert (side.done, side.total, side.note) == (3, 7, "step 3")
        run.refresh_from_db()
        assert (run.progress_done, run.progress_total) == (0, 0)  # the row waits
    body = _admin_progress(run)
    assert body == "3/7, 42% (step 3)"
    # A heartbeat older than the stale limit on the row does not count while the file is fresh.
    TaskRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=2))
    assert task_runs_recover(stale_after=timedelta(minutes=30)) == []
    progress.close()
    assert progress_side_get(run_id=run.pk) is None
    assert [r.run_id for r in task_runs_recover(stale_after=timedelta(minutes=30))] == [run.pk]


def _admin_progress(run: TaskRun) -> str:
    from django.contrib import admin

    from jobs.admin import TaskRunAdmin

    return TaskRunAdmin(TaskRun, admin.site).progress(TaskRun.objects.get(pk=run.pk))


def test_the_evaluation_list_links_to_the_refresh_job_with_it_chosen(editor_client):
    body = editor_client.get(reverse("admin:catalog_evaluation_changelist")).content.decode()
    assert f'href="{ADD}?kind=evaluations_import"' in body
    form = editor_client.get(ADD, {"kind": "evaluations_import"}).content.decode()
    assert '<option value="evaluations_import" selected>' in form
