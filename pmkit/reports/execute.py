"""One report notebook executed by papermill, in a kernel of the run or in one of its own.

Kept apart so the runner's threads, not a report kernel, load papermill and jupyter_client.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pmkit.fastimport import skip_slow_optional_imports
from pmkit.reports.errors import NotebookFailed
from pmkit.reports.request import ReportRequest

KERNEL = "python3"
CELL_TIMEOUT_SECONDS = 900
"""A scheduled run must end: a cell running longer than this fails the report."""


def execute(source: Path, target: Path, request: ReportRequest, cwd: Path, km: Any = None) -> Any:
    """Run ``source`` with papermill into ``target``; returns the executed notebook. ``km``: the
    kernel to run it in (``pmkit.reports.kernels``), else a kernel of its own, stopped after."""
    skip_slow_optional_imports()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from pmkit.reports.kernel import ReportKernelManager

    kernel: dict[str, Any] = (
        {"km": km}
        if km is not None
        else {
            # the kernel runs in ``cwd`` and hands its charts to this process; not papermill's
            # cwd=, which changes the directory of the whole process (two threads run notebooks)
            "kernel_manager_class": ReportKernelManager.in_folder(cwd),
            # a finished report kernel has nothing left to save: stop it at once. A graceful
            # shutdown takes as long (~0.1 s) but now and then waits 3.5 s for an ipykernel
            # that does not exit (2 kernels in 30 on our 2-core machine)
            "shutdown_kernel": "immediate",
        }
    )
    try:
        return papermill.execute_notebook(
            str(source),
            str(target),
            parameters=request.notebook_parameters(),
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=CELL_TIMEOUT_SECONDS,
            # the kernel's own log (shutdown chatter) is noise here: cell errors are in the notebook
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            **kernel,
        )
    except PapermillExecutionError as exc:
        raise NotebookFailed(source.stem, exc.cell_index, exc.ename, exc.evalue, None) from exc
