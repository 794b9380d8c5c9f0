"""A warm parent for report kernels: one process that has imported ipykernel and what the run's
notebooks import, and forks a kernel of it for each notebook (``python -m pmkit.reports.warm``).

A report kernel started the usual way (``python -m ipykernel_launcher``) spends ~0.4 s of CPU
loading ipykernel, then its first cell ~0.4 s loading pandas, duckdb and pmkit; the empty
notebooks of the benchmark's floor pay only the first. Forked from this parent, a kernel has
both already: what it runs is the same ``IPKernelApp`` as ``ipykernel_launcher`` runs, with the
connection file jupyter_client wrote, in its own session (so jupyter_client can signal its process
group), its own working directory and environment. papermill drives it like any kernel.

Fork safety: this process imports modules and nothing else. It opens no ZMQ context, no DuckDB
connection, no event loop and starts no thread before forking (ipykernel makes all of those in the
child, as it would in a fresh interpreter).

Protocol (the socket inherited as file descriptor ``argv[1]``, one JSON object a line): the
runner sends ``{"argv": [...], "cwd": ..., "env": {...}}`` and reads back ``{"pid": N}``. The
parent reaps its children as they exit. At the end of input (the runner closed the socket, or
died) it stops the kernels still running and exits; a kernel whose parent dies exits too
(ipykernel's parent poller, told the parent's pid through ``JPY_PARENT_PID``, as jupyter_client
tells a kernel it starts).
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

READY = b'{"ready": true}\n'


def preload(modules: list[str]) -> None:
    """Import ipykernel's application and ``modules`` (each best effort: a module that fails to
    import fails the same way in the notebook that imports it, where the error belongs)."""
    from ipykernel import kernelapp  # noqa: F401

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112  (see the docstring)
            continue


_KERNELS: set[int] = set()
"""The kernels forked and not reaped yet."""


def _reap(signum: int = 0, frame: Any = None) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _KERNELS.discard(pid)


def _kernel(request: dict[str, Any], channel: socket.socket, started: int) -> int:
    """In the forked child: become the kernel ``ipykernel_launcher`` would have started."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    channel.close()
    os.setsid()  # its own process group, as jupyter_client starts a kernel
    os.close(started)  # the parent answers the runner once the group exists
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # ipykernel_launcher takes the folder it was started from off sys.path; the shell puts
    # its working folder back ('') when it starts
    if sys.path and sys.path[0] in ("", os.getcwd(), _STARTED_IN):
        del sys.path[0]
    sys.argv = [sys.argv[0], *request["argv"]]
    from ipykernel.kernelapp import IPKernelApp

    # ``parent_handle`` defaults to $JPY_PARENT_PID as it was when ipykernel was imported, in
    # this parent, before the request set it: given here, or the kernel has no parent poller
    # and outlives a killed run (its own session, so a kill of the run's group misses it)
    parent = int(os.environ.get("JPY_PARENT_PID") or 0)
    IPKernelApp.launch_instance(argv=request["argv"], parent_handle=parent)
    return 0


def _child(request: dict[str, Any], channel: socket.socket, started: int) -> None:
    code = 1
    try:
        code = _kernel(request, channel, started)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(channel: socket.socket) -> None:
    """Fork a kernel for each request read from ``channel`` until it closes."""
    signal.signal(signal.SIGCHLD, _reap)
    reader = channel.makefile("rb")
    channel.sendall(READY)
    for line in reader:
        request = json.loads(line)
        wait, started = os.pipe()
        pid = os.fork()
        if pid == 0:
            reader.close()
            os.close(wait)
            _child(request, channel, started)
        os.close(started)
        _KERNELS.add(pid)
        os.read(wait, 1)  # end of file: the child has its own session (or is gone)
        os.close(wait)
        channel.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    # the runner is gone: it stopped its kernels first, unless it died; then nobody drives the
    # ones left, so they are stopped here rather than left running
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _reap()
    for pid in list(_KERNELS):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            continue
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break


_STARTED_IN = str(Path.cwd())


def main(argv: list[str]) -> int:
    channel = socket.socket(fileno=int(argv[0]))
    preload(argv[1:])
    serve(channel)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
