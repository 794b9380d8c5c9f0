"""The kernel manager ``pmkit report`` hands to papermill: a stock ``python3`` kernel, started in
the run folder with ``PMKIT_FIGURES=runner``, so its notebook hands charts to the runner, and
``PMKIT_SHARED_RESULTS``, so the kernels of a run answer a query once.

The folder is given to the kernel here rather than as papermill's ``cwd``: papermill changes the
working directory of the whole process for that, which is not safe with notebooks running in two
threads at once. Kept apart from ``runner.py`` because it imports jupyter_client, which a report
kernel (importing ``pmkit.reports``) has no use for.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_client.manager import AsyncKernelManager

from pmkit.present.figures import MODE_ENV, RUNNER
from pmkit.present.shared import SHARED_ENV, THREADS_ENV

if TYPE_CHECKING:
    from pmkit.reports.forks import WarmParent


class ReportKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` (nbclient's default) whose kernels hand charts to the runner."""

    kernel_cwd: str | None = None
    """Working directory of the kernels (set by :meth:`in_folder`)."""
    warm: WarmParent | None = None
    """Where the kernels are forked from (``pmkit.reports.forks``), else started afresh."""

    shared: str | None = None
    """The run's folder of query results its kernels share (``pmkit.present.shared``)."""
    threads: int | None = None
    """DuckDB threads a kernel may use (``pmkit.present.shared.THREADS_ENV``)."""

    @classmethod
    def in_folder(
        cls,
        folder: Path,
        warm: WarmParent | None = None,
        shared: Path | None = None,
        threads: int | None = None,
    ) -> type[ReportKernelManager]:
        """This manager, starting its kernels in ``folder``, forked from ``warm`` if given,
        sharing query results in ``shared`` if given, their DuckDB on ``threads`` threads if
        given (papermill takes a class)."""
        attrs = {
            "kernel_cwd": str(folder),
            "warm": warm,
            "shared": shared and str(shared),
            "threads": threads,
        }
        return type(cls.__name__, (cls,), attrs)

    async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
        env = dict(kw.pop("env", None) or os.environ)
        env[MODE_ENV] = RUNNER
        if self.shared is not None:
            env[SHARED_ENV] = self.shared
        if self.threads is not None:
            env[THREADS_ENV] = str(self.threads)
        if self.kernel_cwd is not None:
            kw["cwd"] = self.kernel_cwd
        if self.warm is not None and self.provisioner is None:
            from pmkit.reports.forks import ForkingProvisioner

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            provisioner = ForkingProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
            provisioner.warm = self.warm
            self.provisioner = provisioner
        await super().start_kernel(env=env, **kw)
