"""Real worker processes against the test database, on SQLite and on PostgreSQL.

PostgreSQL: the worker connects to the test database itself. SQLite: the test database lives
in this process's memory, so it is copied to a file for the worker and copied back after it
(SQLite's backup API: every table, as it stands)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


class WorkerDatabase:
    def __init__(self, tmp_path: Path):
        self.file = tmp_path / "worker.sqlite3"
        # SQLite jobs leave their progress here while inside their transaction; the test
        # process reads the same folder (settings.JOB_PROGRESS_DIR, set by the fixture).
        self.progress_dir = tmp_path / "job-progress"
        self.processes: list[subprocess.Popen] = []

    @property
    def sqlite(self) -> bool:
        return connection.vendor == "sqlite"

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_TASK_BACKEND": "database",
            "DJANGO_LOG_FORMAT": "text",
            "DJANGO_JOB_PROGRESS_DIR": str(self.progress_dir),
        }
        if self.sqlite:
            env["DATABASE_URL"] = f"sqlite:///{self.file}"
        else:
            s = connection.settings_dict
            env["DATABASE_URL"] = (
                f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            )
        return env

    def to_worker(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def from_worker(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()

    def start(self, *args: str, module: str = "manage") -> subprocess.Popen:
        command = [sys.executable]
        command += ["manage.py"] if module == "manage" else ["-m", module]
        command += ["run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", *args]
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def run_batch(self, *, module: str = "manage", timeout: float = 120) -> str:
        """Work every queued job, then exit; the worker's output."""
        self.to_worker()
        process = self.start("--batch", module=module)
        output, _ = process.communicate(timeout=timeout)
        assert process.returncode == 0, output
        self.from_worker()
        return output

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def worker_db(transactional_db, tmp_path, settings):
    workers = WorkerDatabase(tmp_path)
    settings.JOB_PROGRESS_DIR = str(workers.progress_dir)
    yield workers
    workers.stop_all()


def wait_for(predicate, *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
