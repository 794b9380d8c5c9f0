"""Report notebooks written by tests: a ``parameters`` cell as the shipped reports have, then the
cells a test needs (shared by the runner and kernel-fork tests)."""

from __future__ import annotations

from pathlib import Path

import nbformat


def write_notebook(folder: Path, name: str, *cells: str) -> None:
    """``folder/name.ipynb``: a ``parameters`` cell and ``cells``, for the python3 kernel."""
    params = nbformat.v4.new_code_cell('db_path = ""\nas_of = "2026-11-16"\nlookback_days = 365')
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[params, *(nbformat.v4.new_code_cell(c) for c in cells)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{name}.ipynb")
