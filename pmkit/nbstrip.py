"""Keep the project's notebooks stored without outputs, whatever a user does in JupyterLab.

The shipped notebooks (``notebooks/``) are code, not results: a saved output (a table of
incidents, widget state) would leak data into git and break the tests that run them. Two
guards:

- ``pre_save_hook``: a Jupyter ``ContentsManager.pre_save_hook`` (``jupyter_server_config.py``,
  used by ``make lab``) that strips a notebook as JupyterLab saves it (Ctrl-S or autosave), when
  the notebook asks for it (metadata ``pmkit.strip_outputs``) or is one of this project's
  (``notebooks/``, ``pmkit/reports/notebooks/``). Outputs stay on screen; only the file is clean.
- ``python -m pmkit.nbstrip [--check] [--staged] FILE...``: strips files in place, or (``--check``)
  lists those that are not clean and exits 1; ``--staged`` checks what ``git add`` staged (the
  pre-commit hook in ``.githooks/``, installed by ``make hooks``).

Knows nothing of pmkit's data: notebooks are JSON here (nbformat 4).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import nbformat

PROJECT_NOTEBOOKS: tuple[Path, ...] = (
    Path(__file__).resolve().parents[1] / "notebooks",
    Path(__file__).resolve().parent / "reports" / "notebooks",
)
"""The shipped notebooks' folders: the explorer's and the drafting form's (when pmkit runs from
its checkout) and the report notebooks (package data)."""
CELL_METADATA_DROPPED = ("execution", "collapsed", "scrolled", "ExecuteTime", "papermill")
"""Per-cell metadata that records a run, not the code."""
NOTEBOOK_METADATA_DROPPED = ("widgets", "signature", "papermill")
"""Notebook metadata that records a run: widget state holds the data a panel showed."""


def wants_stripping(notebook: Mapping[str, Any], path: Path | None = None) -> bool:
    """Whether a notebook is stored without outputs: it says so in its metadata, or it is one
    of this project's notebooks."""
    meta = notebook.get("metadata") or {}
    if (meta.get("pmkit") or {}).get("strip_outputs"):
        return True
    if path is None:
        return False
    return any(path.resolve().is_relative_to(folder) for folder in PROJECT_NOTEBOOKS)


def problems(notebook: Mapping[str, Any]) -> list[str]:
    """What makes a notebook not clean (empty: clean)."""
    found = []
    for n, cell in enumerate(notebook.get("cells") or [], start=1):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {n} has outputs")
        if cell.get("execution_count") is not None:
            found.append(f"cell {n} has an execution count")
        dropped = [k for k in CELL_METADATA_DROPPED if k in (cell.get("metadata") or {})]
        if dropped:
            found.append(f"cell {n} has run metadata ({', '.join(dropped)})")
    meta = notebook.get("metadata") or {}
    dropped = [k for k in NOTEBOOK_METADATA_DROPPED if k in meta]
    if dropped:
        found.append(f"notebook metadata holds {', '.join(dropped)}")
    return found


def strip(notebook: MutableMapping[str, Any]) -> bool:
    """Remove outputs, execution counts and run metadata in place; True when it changed."""
    changed = False
    for cell in notebook.get("cells") or []:
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            cell["outputs"] = []
            changed = True
        if cell.get("execution_count") is not None:
            cell["execution_count"] = None
            changed = True
        meta = cell.get("metadata") or {}
        for key in CELL_METADATA_DROPPED:
            if key in meta:
                del meta[key]
                changed = True
    meta = notebook.get("metadata") or {}
    for key in NOTEBOOK_METADATA_DROPPED:
        if key in meta:
            del meta[key]
            changed = True
    return changed


def pre_save_hook(
    model: MutableMapping[str, Any], path: str, contents_manager: Any = None, **_: Any
) -> None:
    """``ContentsManager.pre_save_hook``: strip a notebook that wants it before it is written."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), MutableMapping):
        return
    root = getattr(contents_manager, "root_dir", None)
    full = Path(root) / path.lstrip("/") if root else None
    if wants_stripping(model["content"], full):
        strip(model["content"])


def _staged(path: str) -> str:
    """The text ``git add`` staged for ``path``."""
    done = subprocess.run(  # noqa: S603 - fixed argv, path given by git itself
        ["git", "show", f":{path}"],
        capture_output=True,
        check=True,  # noqa: S607
    )
    return done.stdout.decode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pmkit.nbstrip",
        description="Strip outputs from notebooks (or check that they have none).",
    )
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if not clean")
    parser.add_argument(
        "--staged", action="store_true", help="check the staged version (implies --check)"
    )
    args = parser.parse_args(argv)
    dirty = 0
    for path in args.files:
        if args.staged:
            notebook = json.loads(_staged(str(path)))
        else:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        if args.check or args.staged:
            found = problems(notebook)
            if found:
                dirty += 1
                print(f"{path}: {'; '.join(found)}", file=sys.stderr)
            continue
        if strip(notebook):
            nbformat.write(nbformat.from_dict(notebook), str(path))
            print(f"stripped {path}")
    if dirty:
        print(
            f"{dirty} notebook(s) hold outputs: run `.venv/bin/python -m pmkit.nbstrip FILE` "
            "(or save them from `make lab`), then `git add` them again.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
