"""``notebooks/explore.ipynb``: its interface (the ``parameters`` cell), its shape (thin: no
function definitions), what git holds of it (no outputs, whatever the working file holds after
a user saved it) and a real top-to-bottom papermill run on the fixture corpus."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import nbformat
import papermill
import pytest

from pmkit.nbstrip import problems
from pmkit.store import ingest_paths

ROOT = Path(__file__).parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
CORPUS = Path(__file__).parent / "fixtures" / "explore" / "corpus"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _stored(rev: str) -> str | None:
    """The notebook as git holds it at ``rev`` (``HEAD``, or ``""`` for the index); None when
    this is no git checkout."""
    done = subprocess.run(
        ["git", "show", f"{rev}:notebooks/explore.ipynb"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 and "not a git repository" in done.stderr:
        return None
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_git_holds_the_notebook_without_outputs() -> None:
    """What is committed (and staged) is clean: saving the working file with outputs in
    JupyterLab must not break the build, committing it must."""
    stored = [text for text in (_stored("HEAD"), _stored("")) if text is not None]
    if not stored:  # not a git checkout: the file itself is what is shipped
        stored = [NOTEBOOK.read_text(encoding="utf-8")]
    for text in stored:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
        assert problems(nb) == []
        assert nb.metadata["pmkit"] == {"strip_outputs": True}


def test_notebook_is_thin() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and "How to use it" in nb.cells[0].source
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert sum(len(c.source.splitlines()) for c in code) <= 8
    for cell in code:
        tree = ast.parse(cell.source)
        assert not any(
            isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef)
            for n in ast.walk(tree)
        )
    assert papermill.inspect_notebook(str(NOTEBOOK))["db_path"]["default"] == '"data/pmkit.duckdb"'


def test_notebook_runs_top_to_bottom_with_papermill(tmp_path: Path) -> None:
    db = tmp_path / "pmkit.duckdb"
    ingest_paths([CORPUS], db, workers=1)
    out = tmp_path / "explore.out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"db_path": str(db)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
        execution_timeout=300,
    )
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    views = [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert len(views) == 1, "the panel is displayed once, as a widget"
    # the widget state saved with the notebook holds the panel: table text and the four charts
    state = json.dumps(nb.metadata.get("widgets", {}))
    assert "10 incidents match the filters." in state
    for name in ("period", "level", "bucket", "category", "owner"):
        assert f"pick_{name}" in state
    assert "esm.sh" not in state


def test_notebook_fails_loudly_on_a_missing_database(tmp_path: Path) -> None:
    with pytest.raises(papermill.PapermillExecutionError, match="no database yet"):
        papermill.execute_notebook(
            str(NOTEBOOK),
            str(tmp_path / "out.ipynb"),
            parameters={"db_path": str(tmp_path / "absent.duckdb")},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(tmp_path),
            execution_timeout=300,
        )
