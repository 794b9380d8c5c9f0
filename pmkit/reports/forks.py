"""Report kernels forked from a warm parent (``pmkit.reports.warm``), for jupyter_client.

:class:`WarmParent` starts the parent process once per run, importing what the run's notebooks
import; :class:`ForkingProvisioner` is jupyter_client's local provisioner, except that it asks
that parent for the kernel process instead of starting ``python -m ipykernel_launcher``. Everything
else (ports, connection file, encryption keys, the kernel's environment and folder, signals,
shutdown) is jupyter_client's own. A kernel command that is not this interpreter's ipykernel
(another kernelspec) is launched the usual way.
"""

from __future__ import annotations

import ast
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner

LAUNCHER = "ipykernel_launcher"
READY_SECONDS = 60
FORK_ENV = "PMKIT_REPORT_FORK"
"""``0``: start each report kernel afresh instead of forking it from a warm parent."""


def notebook_imports(sources: Iterable[Path]) -> list[str]:
    """The modules the code cells of ``sources`` import at their top level (``from a import b``
    gives ``a`` and ``a.b``, in case ``b`` is a module), in order, without repeats."""
    names: dict[str, None] = {}
    for source in sources:
        try:
            cells = json.loads(source.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            try:
                tree = ast.parse("".join(cell.get("source", "")))
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    names.update((alias.name, None) for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names[node.module] = None
                    names.update((f"{node.module}.{alias.name}", None) for alias in node.names)
    return list(names)


class WarmParent:
    """The run's warm parent process: started here, forks a kernel for each :meth:`fork`."""

    def __init__(self, cwd: Path, modules: list[str]) -> None:
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        self._process = subprocess.Popen(  # noqa: S603  (this interpreter, our module)
            [sys.executable, "-m", "pmkit.reports.warm", str(theirs.fileno()), *modules],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
        )
        theirs.close()
        self._channel = ours
        self._reader = ours.makefile("rb")
        self._lock = threading.Lock()
        self._ready = False

    @property
    def pid(self) -> int:
        return self._process.pid

    def _read(self) -> dict[str, Any]:
        ready, _, _ = select.select([self._channel], [], [], READY_SECONDS)
        line = self._reader.readline() if ready else b""
        if not line:
            raise RuntimeError("the warm kernel parent did not answer")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def fork(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """A new kernel process running ``ipykernel_launcher argv`` in ``cwd`` with ``env``."""
        request = json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode() + b"\n"
        with self._lock:
            if not self._ready:
                self._read()  # imports done
                self._ready = True
            self._channel.sendall(request)
            return int(self._read()["pid"])

    def close(self) -> None:
        """End the parent (it waits for kernels still running: stop those first)."""
        self._reader.close()
        self._channel.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def kernel_args(self, cmd: list[str]) -> list[str] | None:
        """The kernel's own arguments when ``cmd`` starts this interpreter's ipykernel, else
        None (launched the usual way)."""
        if len(cmd) < 3 or cmd[1:3] != ["-m", LAUNCHER]:
            return None
        if os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
            return None
        return cmd[3:]


class ForkedKernel:
    """The ``Popen`` face jupyter_client's provisioner needs, for a process that is not this
    process's child (the warm parent forked and reaps it): its end is seen through a pidfd.
    Its exit status is the parent's to read: 0 here once it is gone."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            self._fd, self.returncode = None, 0

    def _gone(self, timeout: float | None) -> bool:
        if self.returncode is not None:
            return True
        assert self._fd is not None
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if ready:
            os.close(self._fd)
            self._fd, self.returncode = None, 0
        return bool(ready)

    def poll(self) -> int | None:
        self._gone(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._gone(timeout):
            raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
        return 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkingProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, its kernel process forked by a :class:`WarmParent`."""

    warm: WarmParent | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        args = self.warm.kernel_args(cmd) if self.warm is not None else None
        if args is None:
            return await super().launch_kernel(cmd, **kwargs)
        assert self.warm is not None
        cwd = str(kwargs.get("cwd") or Path.cwd())
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        env["JPY_PARENT_PID"] = str(self.warm.pid)  # the kernel exits if its parent dies
        pid = self.warm.fork(args, cwd, env)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]
        self.pid = self.pgid = pid  # the kernel leads its own session
        self.cwd = cwd
        return self.connection_info


def warm_parent(cwd: Path, sources: list[Path]) -> WarmParent | None:
    """A warm parent for the kernels of a run of ``sources`` in ``cwd``, or None where kernels
    cannot be forked and followed (no ``fork`` or ``pidfd_open``: not Linux) or
    ``PMKIT_REPORT_FORK=0`` says not to."""
    if not (hasattr(os, "fork") and hasattr(os, "pidfd_open")):
        return None
    if os.environ.get(FORK_ENV, "1") == "0":
        return None
    return WarmParent(cwd, notebook_imports(sources))
