"""The production server settings (config/gunicorn.conf.py)."""

import gc
import runpy
import socket
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template import engines

from comparisons.browse import snapshot as snapshot_module
from comparisons.browse.snapshot import browse_snapshot_forget, browse_snapshot_get
from comparisons.caching.derived import derived_cache_versions
from comparisons.search import families as families_module
from comparisons.search.families import family_index_forget
from tests.factories import ArtifactFactory

CONF = Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py"


def _server(*, listeners=(), preload: bool, logged: list | None = None) -> SimpleNamespace:
    """What gunicorn's arbiter hands its hooks, as far as ours read it."""
    messages = [] if logged is None else logged
    return SimpleNamespace(
        LISTENERS=[SimpleNamespace(sock=sock) for sock in listeners],
        cfg=SimpleNamespace(preload_app=preload),
        log=SimpleNamespace(exception=messages.append),
    )


def test_connections_accepted_by_a_worker_get_a_send_buffer_holding_a_whole_page(monkeypatch):
    monkeypatch.setenv("GUNICORN_SEND_BUFFER_BYTES", str(256 * 1024))
    conf = runpy.run_path(str(CONF))
    listener = socket.create_server(("127.0.0.1", 0))
    client = None
    try:
        conf["when_ready"](_server(listeners=[listener], preload=False))
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        with accepted:
            # Linux doubles the value asked for (its bookkeeping) and reports that.
            assert accepted.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) >= 256 * 1024
    finally:
        listener.close()
        if client is not None:
            client.close()


def test_the_application_is_preloaded_unless_turned_off(monkeypatch):
    assert runpy.run_path(str(CONF))["preload_app"] is True
    monkeypatch.setenv("GUNICORN_PRELOAD", "0")
    assert runpy.run_path(str(CONF))["preload_app"] is False


@pytest.mark.django_db(transaction=True)
def test_workers_are_forked_with_templates_compiled_and_the_browse_snapshot_built(derived_cache):
    ArtifactFactory(slug="ready-made", name="Ready Made 2")
    browse_snapshot_forget()
    family_index_forget()
    runpy.run_path(str(CONF))["when_ready"](_server(preload=True))
    # No connection is left open for the forked workers to share (SQLite never closes an
    # in-memory database: the test database would be gone).
    if connection.vendor != "sqlite":
        assert connection.connection is None
    # What the first request of every worker forked now reads, without building it.
    built = snapshot_module._current
    assert built is not None
    assert (built.version, built.facts) == derived_cache_versions()
    assert built.size == 1
    assert browse_snapshot_get() is built
    # The name families a search parses its intent with, for this catalog version.
    assert families_module._current is not None
    assert families_module._current[0] == derived_cache_versions()[1]
    assert families_module._current[1].names == {"Ready Made 2": 1}
    # And every project template compiled, by the cached loader the workers will use, and
    # by Jinja2 (whose own cache the Django templates' folder must not fill: each engine
    # compiles its own templates).
    (loader,) = engines["django"].engine.template_loaders
    assert {"browse/artifact_list.html", "base.html"} <= set(loader.get_template_cache)
    assert not any(name.startswith("jinja2/") for name in loader.get_template_cache)
    jinja_cache = {name for _, name in engines["jinja2"].env.cache}
    assert {"layout.html", "compare/page.html", "components/score_chart.html"} <= jinja_cache
    assert "sitemaps/urlset.xml" in jinja_cache


def test_a_failed_build_is_logged_and_the_server_starts(monkeypatch):
    def down():
        raise ConnectionError("database not up yet")

    monkeypatch.setattr(snapshot_module, "browse_snapshot_get", down)
    logged: list[str] = []
    runpy.run_path(str(CONF))["when_ready"](_server(preload=True, logged=logged))
    assert logged == ["Browse snapshot not built before the workers start"]


@pytest.mark.django_db(transaction=True)
def test_failed_name_families_are_logged_and_the_server_starts(derived_cache, monkeypatch):
    def down(*, facts):
        raise ConnectionError("database gone")

    monkeypatch.setattr(families_module, "catalog_families_get", down)
    logged: list[str] = []
    runpy.run_path(str(CONF))["when_ready"](_server(preload=True, logged=logged))
    assert logged == ["Name families not built before the workers start"]


def _worker(conf: dict) -> SimpleNamespace:
    """A worker as gunicorn hands it to `post_request`, after our `post_worker_init`."""
    logged: list[str] = []
    worker = SimpleNamespace(
        pid=4242,
        alive=True,
        logged=logged,
        log=SimpleNamespace(warning=lambda *a: logged.append(a[0] % a[1:])),
    )
    conf["post_worker_init"](worker)
    gc.unfreeze()  # what it froze is this test process's, not a worker's
    return worker


def _requests(conf: dict, worker: SimpleNamespace, count: int) -> None:
    for _ in range(count):
        conf["post_request"](worker, None, {}, None)


def test_workers_are_not_recycled_on_a_request_count_unless_asked(monkeypatch):
    # A recycled worker starts with empty per-process caches: its first searches rank
    # their intents whole again.
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    assert runpy.run_path(str(CONF))["max_requests"] == 0
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "50000")
    conf = runpy.run_path(str(CONF))
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (50000, 5000)


def test_a_worker_is_retired_once_its_own_memory_passes_its_limit(monkeypatch):
    monkeypatch.setenv("GUNICORN_MAX_WORKER_MB", "1")  # this test process holds far more
    conf = runpy.run_path(str(CONF))
    worker = _worker(conf)
    # Each worker its own limit, up to a tenth above the setting.
    assert 1 <= worker.memory_limit_mb <= 1.1
    # Checked every MEMORY_CHECK_EVERY requests, not on every one.
    _requests(conf, worker, conf["MEMORY_CHECK_EVERY"] - 1)
    assert worker.alive is True
    _requests(conf, worker, 1)
    assert worker.alive is False
    (message,) = worker.logged
    assert message.startswith("Worker 4242 holds ") and "retiring it after this request" in message


def test_a_worker_under_its_memory_limit_keeps_serving(monkeypatch):
    monkeypatch.setenv("GUNICORN_MAX_WORKER_MB", str(1024 * 1024))  # a terabyte
    conf = runpy.run_path(str(CONF))
    worker = _worker(conf)
    _requests(conf, worker, 3 * conf["MEMORY_CHECK_EVERY"])
    assert worker.alive is True
    assert worker.logged == []


def test_a_workers_own_memory_leaves_out_what_it_shares_with_the_master():
    conf = runpy.run_path(str(CONF))
    own = conf["worker_private_mb"]()
    status = Path("/proc/self/status").read_text()
    resident = int(status.split("VmRSS:")[1].split()[0]) / 1024
    # Shared libraries' pages are resident but not this process's own.
    assert 0 < own < resident
