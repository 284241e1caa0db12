"""The settings module fails loudly in production without a secret, and is safe locally."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _settings_in_subprocess(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in_subprocess(DJANGO_ENV="production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_secret_key():
    result = _settings_in_subprocess(DJANGO_ENV="production", DJANGO_SECRET_KEY="s" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_local_defaults_are_debug_off_and_sqlite():
    result = _settings_in_subprocess()
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_database_url_switches_to_postgresql():
    result = _settings_in_subprocess(DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert result.stdout.split() == ["False", "config.postgresql"]


def test_debug_only_when_asked_for():
    assert _settings_in_subprocess(DJANGO_DEBUG="true").stdout.split()[0] == "True"
