"""Starting, running and recovering background jobs (see jobs/kinds.py for what they do).

The queue is Django's Tasks framework (settings.TASKS: django-tasks-db's database backend by
default, worked by `manage.py run_worker`). A TaskRun row is created in the same transaction
as the queued task, so a job is queued whole or not at all, and a partial unique index keeps
one queued-or-running row per lock: the same job never runs twice at once.
"""

import json
import logging
import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from jobs.kinds import JobFunction, kind_get
from jobs.models import TaskRun

logger = logging.getLogger(__name__)

# A retried run starts over from scratch; a job that kills its worker twice is left failed.
MAX_ATTEMPTS = 2
# Progress is written at most this often (seconds), and always at the end.
PROGRESS_INTERVAL = 1.0


class JobAlreadyActive(Exception):
    """The same job (same lock) is already queued or running: `run` is that row."""

    def __init__(self, run: TaskRun):
        super().__init__(f"{run} is already {run.get_state_display().lower()}")
        self.run = run


def _hostname() -> str:
    return socket.gethostname()[:200]


def task_run_start(
    *,
    kind: str,
    params: dict[str, Any] | None = None,
    upload: bytes | None = None,
    upload_name: str = "",
    requested_by: Any = None,
) -> TaskRun:
    """Queue one job of `kind` and return its TaskRun (state "queued").

    Raises KeyError for an unknown kind and JobAlreadyActive when a job with the same lock is
    queued or running (stale runs of dead workers are recovered first).
    """
    declared = kind_get(key=kind)
    task_runs_recover()
    try:
        with transaction.atomic():
            run = TaskRun.objects.create(
                kind=declared.key,
                lock=declared.lock,
                params=params or {},
                upload=upload,
                upload_name=upload_name[:200],
                requested_by=requested_by,
            )
            _enqueue(run)
    except IntegrityError:
        active = TaskRun.objects.filter(lock=declared.lock, state__in=TaskRun.ACTIVE_STATES)
        existing = active.first()
        if existing is None:  # finished in between: a genuine integrity error
            raise
        raise JobAlreadyActive(existing) from None
    logger.info("job queued: %s (%s)", run, run.params or "no parameters")
    return run


def _enqueue(run: TaskRun) -> None:
    from jobs.tasks import task_run_execute

    result = task_run_execute.enqueue(run.pk)
    # The immediate backend (tests, or TASKS set so) has run the job already.
    TaskRun.objects.filter(pk=run.pk).update(task_result_id=str(result.id))
    run.task_result_id = str(result.id)


def progress_dir() -> Path | None:
    """Where SQLite jobs leave their progress while their transaction is open: the setting
    JOB_PROGRESS_DIR, else `<database file>.job-progress/` beside the database; None for an
    in-memory database (its only readers share the job's process) or another vendor."""
    if connection.vendor != "sqlite":
        return None
    configured = getattr(settings, "JOB_PROGRESS_DIR", "")
    if configured:
        return Path(configured)
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(f"{name}.job-progress")


def _progress_file(run_id: int) -> Path | None:
    folder = progress_dir()
    return folder / f"run-{run_id}.json" if folder is not None else None


@dataclass(frozen=True)
class SideProgress:
    done: int
    total: int
    note: str
    at: datetime


def progress_side_get(*, run_id: int) -> SideProgress | None:
    """The progress a running SQLite job left beside the database (RunProgress), or None
    when there is none (PostgreSQL writes it to the run's row; SQLite between transactions
    too). Never raises: a half-written or vanished file is None."""
    path = _progress_file(run_id)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text())
        return SideProgress(
            done=int(data["done"]),
            total=int(data["total"]),
            note=str(data["note"]),
            at=datetime.fromtimestamp(float(data["at"]), tz=UTC),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


class RunProgress:
    """The progress callback handed to a job: throttled writes of done/total/note.

    Jobs run their batches inside transactions; a write through the same connection would only
    show when the batch commits. Inside a transaction the job opened, progress therefore goes
    through a second connection (PostgreSQL), so editors see it move. SQLite allows one writer
    at a time (a second connection would wait for the job's transaction to end): there it goes
    to a small file beside the database instead (progress_dir(); every call, since a file
    write costs microseconds), which admin and the recovery step read while the run is
    active. The file is removed when the job ends; the run's row then has the final values.
    """

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.done = 0
        self.total = 0
        self.note = ""
        self._written_at = 0.0
        self._depth = len(connection.atomic_blocks)
        self._side: Any = None

    def __call__(self, done: int, total: int, note: str = "") -> None:
        self.done, self.total, self.note = max(done, 0), max(total, 0), note[:200]
        if self._side_file():
            return
        now = time.monotonic()
        if now - self._written_at < PROGRESS_INTERVAL and done < total:
            return
        self._written_at = now
        self.write()

    def fields(self) -> dict[str, Any]:
        return {
            "progress_done": self.done,
            "progress_total": self.total,
            "progress_note": self.note,
            "heartbeat_at": timezone.now(),
        }

    def _side_file(self) -> bool:
        """On SQLite inside the job's transaction: write the progress file; True if done."""
        if connection.vendor != "sqlite" or len(connection.atomic_blocks) <= self._depth:
            return False
        path = _progress_file(self.run_id)
        if path is None:
            return True  # in memory: nobody else could read it; the end writes the row
        data = {"done": self.done, "total": self.total, "note": self.note, "at": time.time()}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(data))
            partial.replace(path)  # atomic: a reader sees the old file or the new one
        except OSError:  # progress is best effort: it must never fail the job
            logger.warning("job progress file not written", exc_info=True)
        return True

    def write(self) -> None:
        fields = self.fields()
        if len(connection.atomic_blocks) <= self._depth:
            TaskRun.objects.filter(pk=self.run_id).update(**fields)
            return
        if connection.vendor == "sqlite":
            return
        try:
            if self._side is None:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
            columns = ", ".join(f"{name} = %s" for name in fields)
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {TaskRun._meta.db_table} SET {columns} WHERE id = %s",
                    [*fields.values(), self.run_id],
                )
        except Exception:  # progress is best effort: it must never fail the job
            logger.warning("job progress not written", exc_info=True)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
        path = _progress_file(self.run_id)
        if path is not None:
            path.unlink(missing_ok=True)


def task_run_execute_now(*, run_id: int) -> str:
    """Run queued job `run_id` in this process (the worker's entry point).

    Returns the job's summary. A run that is no longer queued (finished, or retried by
    another worker) is left alone. The job's exception is recorded on the run and re-raised,
    so that the queue marks its task failed too.
    """
    claimed = TaskRun.objects.filter(pk=run_id, state=TaskRun.State.QUEUED).update(
        state=TaskRun.State.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        finished_at=None,
        worker_host=_hostname(),
        worker_pid=os.getpid(),
    )
    if not claimed:
        return "not queued any more: skipped"
    run = TaskRun.objects.get(pk=run_id)
    TaskRun.objects.filter(pk=run_id).update(attempts=run.attempts + 1)
    declared = kind_get(key=run.kind)
    function: JobFunction = import_string(declared.function)
    progress = RunProgress(run_id)
    logger.info("job started: %s", run)
    try:
        summary = function(params=run.params, upload=run.upload, progress=progress)
    except BaseException as error:
        progress.close()
        message = f"{type(error).__name__}: {error}".strip()
        TaskRun.objects.filter(pk=run_id).update(
            state=TaskRun.State.FAILED,
            error=message[:5000],
            finished_at=timezone.now(),
            upload=None,
            **progress.fields(),
        )
        logger.error("job failed: %s: %s", run, message)
        raise
    progress.close()
    if progress.total and progress.done < progress.total:
        progress.done = progress.total
    TaskRun.objects.filter(pk=run_id).update(
        state=TaskRun.State.SUCCEEDED,
        summary=str(summary)[:5000],
        finished_at=timezone.now(),
        upload=None,
        **progress.fields(),
    )
    logger.info("job succeeded: %s: %s", run, summary)
    return str(summary)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class Recovery:
    run_id: int
    retried: bool
    reason: str


def _stopped_reason(run: TaskRun, *, now, stale_after: timedelta) -> str:
    """Why `run` (state running) has no live worker, or "" while it may still be alive."""
    if run.worker_host == _hostname() and run.worker_pid:
        if run.worker_pid == os.getpid() and not run_in_this_process(run.pk):
            return f"its worker (process {run.worker_pid}) was restarted"
        if run.worker_pid != os.getpid() and not _pid_alive(run.worker_pid):
            return f"its worker (process {run.worker_pid}) stopped"
    heartbeat = run.heartbeat_at
    side = progress_side_get(run_id=run.pk)
    if side is not None and (heartbeat is None or side.at > heartbeat):
        heartbeat = side.at  # a SQLite job inside its transaction
    if heartbeat and heartbeat < now - stale_after:
        return f"no sign of life from its worker since {heartbeat:%Y-%m-%d %H:%M} UTC"
    return ""


_RUNNING_HERE: set[int] = set()


def run_in_this_process(run_id: int) -> bool:
    return run_id in _RUNNING_HERE


def task_runs_recover(*, stale_after: timedelta | None = None) -> list[Recovery]:
    """Requeue (or, after MAX_ATTEMPTS, fail) runs whose worker died mid-run.

    A run is stopped when its worker process on this host is gone, or when it has not
    reported progress for `stale_after` (settings.TASK_RUN_STALE_SECONDS, default 30 min;
    the only sign available for workers on other hosts). Nothing the stopped attempt had not
    committed was kept: each job commits whole batches only. Returns what was done.
    """
    if stale_after is None:
        stale_after = timedelta(seconds=getattr(settings, "TASK_RUN_STALE_SECONDS", 1800))
    now = timezone.now()
    done: list[Recovery] = []
    for run in TaskRun.objects.filter(state=TaskRun.State.RUNNING).defer("upload"):
        reason = _stopped_reason(run, now=now, stale_after=stale_after)
        if not reason:
            continue
        _task_result_fail(run.task_result_id, reason=reason)
        retry = run.attempts < MAX_ATTEMPTS
        note = (
            f"Attempt {run.attempts} stopped mid-run: {reason}. Work it had not committed was "
            "rolled back"
        )
        with transaction.atomic():
            updated = TaskRun.objects.filter(pk=run.pk, state=TaskRun.State.RUNNING).update(
                state=TaskRun.State.QUEUED if retry else TaskRun.State.FAILED,
                error=f"{note}; {'retried' if retry else 'not retried again'}.",
                finished_at=None if retry else now,
            )
            if updated and retry:
                run.refresh_from_db()
                _enqueue(run)
        if updated and not retry and (path := _progress_file(run.pk)) is not None:
            path.unlink(missing_ok=True)
        if updated:
            logger.warning("job %s: %s", "retried" if retry else "failed", note)
            done.append(Recovery(run_id=run.pk, retried=retry, reason=reason))
    return done


class WorkerStopped(Exception):
    """The worker running a task stopped before the task finished."""


def _task_result_fail(result_id: str, *, reason: str) -> None:
    """Mark the queue's own record of a stopped task failed (it would say "running" forever)."""
    if not result_id or not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    try:
        stuck = DBTaskResult.objects.filter(id=result_id, status="RUNNING").first()
    except Exception:  # not a UUID: another backend's id
        return
    if stuck is not None:
        stuck.set_failed(WorkerStopped(reason))
