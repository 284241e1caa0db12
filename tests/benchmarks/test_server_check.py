"""`make bench` and `make drill` refuse to measure a server they did not start: a taken port
stops them before they start anything, and a server without their nonce is never driven."""

import asyncio
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks import load_faults, run
from benchmarks.server_check import (
    NONCE_HEADER,
    port_require_free,
    server_nonce,
    server_require_ours,
)


@pytest.fixture
def other_server():
    """Someone else's healthy server on a random port; `.nonce` is what its /healthz sends."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            if server.nonce is not None:
                self.send_header(NONCE_HEADER, server.nonce)
            self.end_headers()
            self.wfile.write(b"ok\n")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.nonce = None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _port(server) -> int:
    return server.server_address[1]


def test_a_taken_port_stops_the_benchmark_before_anything_starts(other_server):
    with pytest.raises(SystemExit, match=r"127\.0\.0\.1:\d+ already answers"):
        port_require_free(_port(other_server))
    with pytest.raises(SystemExit, match="already answers"):
        run.server_start(port=_port(other_server), env={}, workers=1)


def test_the_drill_refuses_a_taken_port_before_touching_the_database(other_server, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["load_faults.py", "--port", str(_port(other_server))])
    with pytest.raises(SystemExit, match="already answers"):
        load_faults.main()


def test_a_free_port_passes():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    port_require_free(port)  # nothing listens there any more


def test_only_the_server_with_our_nonce_is_ours(other_server):
    base = f"http://127.0.0.1:{_port(other_server)}"
    assert server_nonce(base) == ""
    with pytest.raises(SystemExit, match="not the one this benchmark started"):
        server_require_ours(base, "abc123")
    other_server.nonce = "abc123"
    server_require_ours(base, "abc123")
    with pytest.raises(SystemExit, match="not the one"):
        server_require_ours(base, "abc124")


def test_the_drill_waits_only_for_its_own_server(other_server):
    base = f"http://127.0.0.1:{_port(other_server)}"
    other_server.nonce = "someone-else"
    with pytest.raises(SystemExit, match="not the one the drill started"):
        asyncio.run(load_faults.wait_healthy(base, "ours", timeout=5))
    other_server.nonce = "ours"
    asyncio.run(load_faults.wait_healthy(base, "ours", timeout=5))


def test_health_check_echoes_the_nonce_only_when_set(client, db, settings):
    assert NONCE_HEADER not in client.get("/healthz").headers
    settings.SERVER_NONCE = "n0nce"
    assert client.get("/healthz").headers[NONCE_HEADER] == "n0nce"
