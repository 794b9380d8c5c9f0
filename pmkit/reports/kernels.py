"""One kernel per runner thread, reused for that thread's next notebooks of the run.

A fresh kernel per report costs its start (~0.4 s of CPU) and the imports every report makes
(pandas, duckdb, pmkit: ~0.35 s); on a 10k database that was ~2 s of the suite's ~12 s of CPU.
papermill still runs each notebook (its ``parameters`` cell, one executed notebook per report);
only the kernel is kept: nbclient leaves running a kernel it was handed (``km=``). Before the
next notebook the kernel's namespace is cleared and its execution count restarted
(``InteractiveShell.reset(new_session=True)``), so each notebook sees only its own variables
and the executed notebook numbers its cells from 1, as in a kernel of its own. What a reset
keeps is the imported modules, which is the point. A kernel that died, or whose notebook failed,
is never reused.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_core.utils import run_sync

from pmkit.reports.kernel import ReportKernelManager

if TYPE_CHECKING:
    from pmkit.reports.forks import WarmParent

RESET_CODE = "get_ipython().reset(new_session=True, aggressive=False)"
READY_SECONDS = 60


class KernelPool:
    """The kernels of one run, one per thread that asks, started in the run folder ``cwd``
    (forked from ``warm`` when given, sharing query results in ``shared`` when given)."""

    def __init__(
        self,
        cwd: Path,
        warm: WarmParent | None = None,
        shared: Path | None = None,
        threads: int | None = None,
    ) -> None:
        self._manager = ReportKernelManager.in_folder(cwd, warm, shared, threads)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[Any] = []

    def kernel(self) -> Any:
        """This thread's kernel manager: a new one (papermill starts its kernel) or the kernel
        of this thread's last notebook, cleared for the next."""
        km = getattr(self._local, "km", None)
        if km is not None and km.has_kernel and run_sync(km.is_alive)():
            try:
                _reset(km)
                return km
            except Exception:  # a kernel that cannot be reset is not reused
                self.discard()
        elif km is not None:
            self.discard()
        km = self._manager(kernel_name="python3")
        self._local.km = km
        with self._lock:
            self._all.append(km)
        return km

    def discard(self) -> None:
        """Stop this thread's kernel (its notebook failed, or it cannot be reset)."""
        km = getattr(self._local, "km", None)
        self._local.km = None
        if km is not None:
            _shutdown(km)

    def close(self) -> None:
        """Stop every kernel of the run at once (a finished report kernel has nothing to save)."""
        with self._lock:
            kernels, self._all = self._all, []
        for km in kernels:
            _shutdown(km)


def _reset(km: Any) -> None:
    """Clear the kernel's namespace, waiting only for the reply on the shell channel: the
    kernel is known alive and idle (its last notebook ended), so neither a ``kernel_info``
    round trip nor a quiet iopub channel (``wait_for_ready`` waits 0.2 s for that) is needed."""
    kc = km.client()
    kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
    try:
        msg_id = kc.execute(RESET_CODE, silent=True, store_history=False)
        while True:
            reply = run_sync(kc.get_shell_msg)(timeout=READY_SECONDS)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel reset failed: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()


def _shutdown(km: Any) -> None:
    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # noqa: S110  (already gone: nothing left to stop)
        pass
