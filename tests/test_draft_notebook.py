"""notebooks/draft.ipynb: stored without outputs, and it runs (the form appears as a widget)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from pmkit.draft.form import ENV_CORPUS, ENV_DB

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "draft.ipynb"


def test_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "the notebook shows the form in a code cell"
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert sum(len(c.source.strip().splitlines()) for c in code) <= 3


def test_notebook_runs_and_shows_the_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var, sub in (
        ("JUPYTER_DATA_DIR", "jdata"),
        ("JUPYTER_CONFIG_DIR", "jconfig"),
        ("JUPYTER_RUNTIME_DIR", "jruntime"),
        ("IPYTHONDIR", "ipython"),
    ):
        (tmp_path / sub).mkdir()
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setenv(ENV_CORPUS, str(tmp_path / "corpus"))
    monkeypatch.setenv(ENV_DB, str(tmp_path / "pmkit.duckdb"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"], outputs
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs), (
        outputs
    )
    assert not (tmp_path / "corpus").exists(), "showing the form writes nothing"
