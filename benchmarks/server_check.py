"""Benchmarks must measure the server they started, never another one on the same port.

Before starting its server a benchmark checks that nothing answers on the port; the server
gets a fresh random nonce (DJANGO_SERVER_NONCE) that /healthz echoes in X-Server-Nonce, and the
benchmark drives it only once /healthz answers with that nonce."""

import secrets
import socket
import urllib.error
import urllib.request

NONCE_ENV = "DJANGO_SERVER_NONCE"
NONCE_HEADER = "X-Server-Nonce"


def nonce_new() -> str:
    return secrets.token_hex(16)


def port_answers(port: int, *, host: str = "127.0.0.1") -> bool:
    """True when something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def port_require_free(port: int, *, host: str = "127.0.0.1") -> None:
    """Exit (SystemExit, non-zero) when something already answers on host:port."""
    if port_answers(port, host=host):
        raise SystemExit(
            f"{host}:{port} already answers: another server is running there, and its figures "
            "would be measured instead. Stop it or choose another port."
        )


def server_nonce(base: str, *, timeout: float = 2.0) -> str | None:
    """The nonce /healthz answers with at `base` (http://host:port): "" when the server sends
    none (not ours), None when nothing healthy answers yet."""
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=timeout) as response:
            if response.status != 200:
                return None
            return response.headers.get(NONCE_HEADER, "")
    except urllib.error.HTTPError:
        return None
    except (urllib.error.URLError, OSError):
        return None


def server_require_ours(base: str, nonce: str) -> None:
    """Exit when the healthy server at `base` is not the one started with `nonce`."""
    answered = server_nonce(base)
    if answered is not None and answered != nonce:
        raise SystemExit(
            f"the server answering at {base} is not the one this benchmark started "
            "(its health check carries another nonce); refusing to measure it"
        )
