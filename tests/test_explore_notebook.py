"""``notebooks/explore.ipynb``: its interface (the ``parameters`` cell), its shape (no outputs,
no function definitions) and a real top-to-bottom papermill run on the fixture corpus."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import papermill
import pytest

from pmkit.store import ingest_paths

ROOT = Path(__file__).parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
CORPUS = Path(__file__).parent / "fixtures" / "explore" / "corpus"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_notebook_is_stored_clean_and_thin() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and "How to use it" in nb.cells[0].source
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
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
    for name in ("severity", "draft", "factor", "overdue"):
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
