"""The errors a report run can end with, each carrying what a user needs to act on it."""

from __future__ import annotations

from pathlib import Path


class ReportError(Exception):
    """Base class: any known reason a report run did not produce its reports."""


class ParameterError(ReportError):
    """A parameter was rejected before any notebook ran."""


class OutputNotWritable(ReportError):
    """The reports folder cannot be created or written (permissions, read-only disk)."""


class NotebookFailed(ReportError):
    """A notebook raised while papermill executed it; earlier runs were left untouched.

    ``cell_index`` counts the cells of the report notebook itself (from 0), not of the executed
    copy, where papermill adds a parameters cell and an error banner.
    """

    def __init__(
        self,
        notebook: str,
        cell_index: int | None,
        ename: str,
        evalue: str,
        kept: Path | None,
        code: str | None = None,
    ) -> None:
        self.notebook = notebook
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.kept = kept
        """Where the failed executed notebook was kept for debugging."""
        self.code = code
        """First line of the failing cell's source."""
        cell = "?" if cell_index is None else str(cell_index)
        shown = f" ({code!r})" if code else ""
        where = f"; executed notebook kept at {kept}" if kept else ""
        super().__init__(
            f"report {notebook!r} failed in cell {cell}{shown}: {ename}: {evalue}{where}"
        )
