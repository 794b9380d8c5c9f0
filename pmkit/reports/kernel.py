"""The kernel manager ``pmkit report`` hands to papermill: a stock ``python3`` kernel, started
with ``PMKIT_FIGURES=runner``, so its notebook hands charts to the runner.

Kept apart from ``runner.py`` because it imports jupyter_client, which a report kernel (importing
``pmkit.reports``) has no use for.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from pmkit.figures import MODE_ENV, RUNNER


class ReportKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` (nbclient's default) whose kernels hand charts to the runner."""

    async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
        env = dict(kw.pop("env", None) or os.environ)
        env[MODE_ENV] = RUNNER
        await super().start_kernel(env=env, **kw)
