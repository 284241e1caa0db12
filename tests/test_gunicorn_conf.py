"""The production server settings (config/gunicorn.conf.py)."""

import runpy
import socket
from pathlib import Path
from types import SimpleNamespace

CONF = Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py"


def test_connections_accepted_by_a_worker_get_a_send_buffer_holding_a_whole_page(monkeypatch):
    monkeypatch.setenv("GUNICORN_SEND_BUFFER_BYTES", str(256 * 1024))
    conf = runpy.run_path(str(CONF))
    listener = socket.create_server(("127.0.0.1", 0))
    client = None
    try:
        conf["when_ready"](SimpleNamespace(LISTENERS=[SimpleNamespace(sock=listener)]))
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        with accepted:
            # Linux doubles the value asked for (its bookkeeping) and reports that.
            assert accepted.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) >= 256 * 1024
    finally:
        listener.close()
        if client is not None:
            client.close()
