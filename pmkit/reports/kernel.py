"""The kernel manager ``pmkit report`` hands to papermill: a stock ``python3`` kernel, started in
the run folder with ``PMKIT_FIGURES=runner``, so its notebook hands charts to the runner.

The folder is given to the kernel here rather than as papermill's ``cwd``: papermill changes the
working directory of the whole process for that, which is not safe with notebooks running in two
threads at once. Kept apart from ``runner.py`` because it imports jupyter_client, which a report
kernel (importing ``pmkit.reports``) has no use for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from pmkit.present.figures import MODE_ENV, RUNNER


class ReportKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` (nbclient's default) whose kernels hand charts to the runner."""

    kernel_cwd: str | None = None
    """Working directory of the kernels (set by :meth:`in_folder`)."""

    @classmethod
    def in_folder(cls, folder: Path) -> type[ReportKernelManager]:
        """This manager, starting its kernels in ``folder`` (papermill takes a class)."""
        return type(cls.__name__, (cls,), {"kernel_cwd": str(folder)})

    async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
        env = dict(kw.pop("env", None) or os.environ)
        env[MODE_ENV] = RUNNER
        if self.kernel_cwd is not None:
            kw["cwd"] = self.kernel_cwd
        await super().start_kernel(env=env, **kw)
