"""Security headers, error pages, health check and admin lockout."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_security_headers_on_public_and_admin_pages(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_and_secure_cookies_when_served_over_tls(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get("/admin/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]


def test_pages_carry_no_inline_script_or_style(client):
    body = client.get("/").content.decode()
    assert "<style" not in body
    assert 'style="' not in body
    assert " hx-on" not in body
    assert "includeIndicatorStyles" in body  # htmx told not to inject inline styles


def test_friendly_404_in_the_site_layout(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We couldn't find that page" in body  # literal template text, never escaped
    assert 'role="search"' in body
    assert "Traceback" not in body


def test_healthz_is_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_is_503_when_the_database_does_not(client, monkeypatch):
    # Simulate an outage at the driver boundary: every new cursor fails like a lost server.
    from django.db import OperationalError

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_admin_locks_out_after_repeated_failed_logins(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_superuser("admin", password="the-right-password-123")
    url = reverse("admin:login")
    for _ in range(3):
        client.post(url, {"username": "admin", "password": "wrong"})
    locked = client.post(url, {"username": "admin", "password": "the-right-password-123"})
    assert locked.status_code == 429
    assert "Too many failed login attempts" in locked.content.decode()


def test_admin_login_requires_csrf(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("admin:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403


def test_check_deploy_is_clean_under_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x9Zq" * 10,
        DJANGO_ALLOWED_HOSTS="unfragile.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_lost_database_answers_503_with_a_friendly_page(client, monkeypatch):
    from django.db import OperationalError

    def broken_cursor(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/artifacts/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    body = response.content.decode()
    assert "Back in a moment" in body
    assert "Traceback" not in body and "OperationalError" not in body
