"""What is kept of a failed report: its executed notebook under ``<out>/failed/``, and the cell
that failed (index in the source notebook and first line), for the error message."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pmkit.reports.request import ReportRequest

FAILED_DIR = "failed"


class FigureFailed(Exception):
    """A chart handed over by the kernel failed to draw (``error``), in cell ``cell_id``."""

    def __init__(self, cell_id: str | None, error: Any) -> None:
        super().__init__(str(error))
        self.cell_id = cell_id
        self.error = error


def keep_failed(out_dir: Path, request: ReportRequest, executed: Path) -> Path | None:
    """Move the failed executed notebook to ``<out>/failed/<as_of>-<UTC time>/``."""
    if not executed.is_file():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = out_dir / FAILED_DIR / f"{request.as_of.isoformat()}-{stamp}"
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / executed.name
    shutil.move(str(executed), kept)
    return kept


def failed_cell(
    executed: Path, source: Path, cell_id: str | None = None
) -> tuple[int | None, str | None]:
    """Index (in the source notebook) and first source line of the cell that raised (the first
    cell with an error output, or the cell with id ``cell_id``)."""
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
        source_ids = [c.get("id") for c in json.loads(source.read_text(encoding="utf-8"))["cells"]]
    except (OSError, ValueError, KeyError):
        return None, None
    for cell in cells:
        if cell_id is not None:
            failed = cell.get("id") == cell_id
        else:
            failed = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        if failed:
            text = "".join(cell.get("source", ""))
            first = text.strip().splitlines()[0] if text.strip() else None
            index = source_ids.index(cell.get("id")) if cell.get("id") in source_ids else None
            return index, first
    return None, None
