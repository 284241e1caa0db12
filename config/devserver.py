"""`make run`: the development server and a background worker, started and stopped together.

    python -m config.devserver [--port 8000]

Prints "Serving on http://127.0.0.1:PORT/" once, when the site answers its health check;
refuses to start when something already answers on the port. Ctrl-C stops both processes;
if either one stops by itself, the other is stopped too and the exit status is non-zero.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 120.0


def port_answers(port: int, *, host: str = "127.0.0.1") -> bool:
    """True when something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def site_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    if port_answers(args.port):
        print(
            f"error: something already answers on 127.0.0.1:{args.port}; stop it or choose "
            "another port (PORT=8080 make run).",
            file=sys.stderr,
        )
        return 1
    manage = [sys.executable, str(ROOT / "manage.py")]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("DJANGO_LOG_FORMAT", "text")
    # runserver's banner goes to stdout: dropped, the one line below says where the site is.
    # Logs (requests, errors) go to stderr, one line each.
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{args.port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [*manage, "run_worker", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    processes = {"the web server": server, "the worker": worker}
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    url = f"http://127.0.0.1:{args.port}/"
    announced = False
    started = time.monotonic()
    status = 0
    try:
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} stopped (exit status {process.returncode}).", file=sys.stderr)
                    status = process.returncode or 1
                    stopping = True
            if stopping:
                break
            if not announced:
                if site_ready(url + "healthz"):
                    print(f"Serving on {url} (Ctrl-C to stop)", flush=True)
                    announced = True
                elif time.monotonic() - started > READY_TIMEOUT:
                    print(f"the site did not answer within {READY_TIMEOUT:.0f} s", file=sys.stderr)
                    status = 1
                    break
            time.sleep(0.2)
    finally:
        for process in processes.values():
            _stop(process)
    return status


if __name__ == "__main__":
    sys.exit(main())
