"""What the real-browser tests share: Debian chromium, a local server, and a clean stop.

Servers listen on 127.0.0.1 only, run in their own process group with every Jupyter folder in the
test's temp folder, and are stopped with everything they started (kernels included), so a failing
test leaves no process behind.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# The flags from ../shared/STACK-NOTES.md.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
LOCAL = ("file:", "data:", "blob:", "about:", "http://127.0.0.1", "ws://127.0.0.1")
"""URL prefixes a page may load; the tests abort every other request (no network)."""
START_DEADLINE_S = 120


def require_browser() -> None:
    """Skip the test when chromium or playwright is missing (``make browser-deps`` installs it)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (make browser-deps)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def jupyter_env(folder: Path) -> dict[str, str]:
    """The environment with every Jupyter and IPython folder inside ``folder``."""
    env = dict(os.environ)
    for var, sub in (
        ("JUPYTER_DATA_DIR", "jdata"),
        ("JUPYTER_CONFIG_DIR", "jconfig"),
        ("JUPYTER_RUNTIME_DIR", "jruntime"),
        ("IPYTHONDIR", "ipython"),
    ):
        (folder / sub).mkdir(exist_ok=True)
        env[var] = str(folder / sub)
    return env


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (kernels may leave the server's process group)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (it shuts its kernels down), SIGKILL leftovers."""
    if proc.poll() is not None:
        return
    below = _descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    for pid in below:
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        if Path(f"/proc/{pid}").exists():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@contextmanager
def local_server(
    argv: list[str], cwd: Path, env: dict[str, str], ready_url: str, log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``argv`` in its own session until ``ready_url`` answers 200; stop it on exit.

    Fails the test with the server's log when it exits early or does not answer in time.
    """
    with log_path.open("wb") as log:
        proc = subprocess.Popen(  # noqa: S603 - argv fixed by the tests
            argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + START_DEADLINE_S
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"{' '.join(argv[1:4])} exited early:\n{log_path.read_text()}")
                try:
                    with urllib.request.urlopen(ready_url, timeout=30) as resp:  # noqa: S310
                        if resp.status == 200:
                            break
                except (urllib.error.URLError, OSError):
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"no answer on {ready_url}:\n{log_path.read_text()}")
                time.sleep(0.5)
            yield proc
        finally:
            stop(proc)
