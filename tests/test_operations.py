"""What an operator notices first: one log line per event (text locally, JSON in
production), a favicon, and `make run`'s server announcing itself only once it answers."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from config import devserver

ROOT = Path(settings.BASE_DIR)
LOG_TWICE = (
    "import logging; logging.getLogger('django.request').error('boom'); "
    "logging.getLogger('django.server').info('served'); logging.getLogger('x').info('hello')"
)


def _log_lines(env_extra: dict[str, str], tmp_path: Path) -> list[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_VAR_DIR": str(tmp_path),
        **env_extra,
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", LOG_TWICE],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return result.stderr.splitlines()


def test_make_run_logs_one_readable_line_per_event_even_in_debug(tmp_path):
    lines = _log_lines({"DJANGO_DEBUG": "true"}, tmp_path)
    assert len(lines) == 3, lines
    assert lines[0].endswith("ERROR   django.request: boom")
    assert lines[1].endswith("INFO    django.server: served")
    assert not lines[0].startswith("{")


def test_production_logs_one_json_object_per_event(tmp_path):
    lines = _log_lines({"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "x" * 60}, tmp_path)
    assert [json.loads(line)["message"] for line in lines] == ["boom", "served", "hello"]
    assert json.loads(lines[0])["level"] == "ERROR"


@pytest.mark.django_db
def test_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_run_refuses_a_port_something_already_answers_on(capsys):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        assert devserver.main(["--port", str(port)]) == 1
    assert f"something already answers on 127.0.0.1:{port}" in capsys.readouterr().err


def test_run_announces_the_site_once_it_answers_and_stops_both_processes(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env["DJANGO_VAR_DIR"] = str(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    runner = subprocess.Popen(
        [sys.executable, "-m", "config.devserver", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = runner.stdout.readline()
        assert line == f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)\n"
        # Announced only once the site answers: it does now.
        assert devserver.site_ready(f"http://127.0.0.1:{port}/healthz")
        runner.send_signal(2)  # Ctrl-C
        out, err = runner.communicate(timeout=60)
    finally:
        if runner.poll() is None:
            runner.kill()
    assert runner.returncode == 0, err
    assert out == ""  # nothing more on stdout: the line was printed once
    assert "Starting worker" in err
    deadline = time.monotonic() + 10
    while devserver.port_answers(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not devserver.port_answers(port)
