"""Notebooks stored without outputs (``pmkit/nbstrip.py``): the strip itself, the JupyterLab save
hook through Jupyter's real contents manager and the project's ``jupyter_server_config.py``, the
command line, and the git pre-commit hook in a scratch repository."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager
from traitlets.config.loader import PyFileConfigLoader

from pmkit.nbstrip import PROJECT_NOTEBOOKS, main, pre_save_hook, problems, strip

ROOT = Path(__file__).parents[1]


def _dirty(flag: bool = True) -> dict[str, Any]:
    """A notebook as JupyterLab saves it after a run: outputs, counts, timing, widget state."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("explore(db_path)", execution_count=3)
    code.outputs = [nbformat.v4.new_output("stream", text="10 incidents")]
    code.metadata["execution"] = {"iopub.status.busy": "2026-12-01T10:00:00Z"}
    code.metadata["tags"] = ["keep-me"]
    nb.cells = [nbformat.v4.new_markdown_cell("# How to"), code]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    if flag:
        nb.metadata["pmkit"] = {"strip_outputs": True}
    return dict(nbformat.from_dict(nb))


def test_strip_removes_what_a_run_leaves_and_nothing_else() -> None:
    nb = _dirty()
    assert problems(nb) == [
        "cell 2 has outputs",
        "cell 2 has an execution count",
        "cell 2 has run metadata (execution)",
        "notebook metadata holds widgets",
    ]
    before = copy.deepcopy(nb)
    assert strip(nb) is True
    assert problems(nb) == []
    assert nb["cells"][1]["source"] == before["cells"][1]["source"]
    assert nb["cells"][1]["metadata"] == {"tags": ["keep-me"]}
    assert nb["cells"][0] == before["cells"][0]
    assert strip(nb) is False  # idempotent


def test_the_save_hook_strips_through_jupyters_contents_manager(tmp_path: Path) -> None:
    """The project's jupyter_server_config.py, loaded as Jupyter loads it, makes a real
    FileContentsManager write flagged notebooks clean and others as they are."""
    config = PyFileConfigLoader("jupyter_server_config.py", path=str(ROOT)).load_config()
    manager = FileContentsManager(root_dir=str(tmp_path), config=config)
    assert manager.pre_save_hook is pre_save_hook
    manager.save({"type": "notebook", "format": "json", "content": _dirty()}, "flagged.ipynb")
    manager.save({"type": "notebook", "format": "json", "content": _dirty(False)}, "mine.ipynb")
    flagged = nbformat.read(tmp_path / "flagged.ipynb", as_version=4)
    assert problems(flagged) == [] and flagged.cells[1].source == "explore(db_path)"
    mine = nbformat.read(tmp_path / "mine.ipynb", as_version=4)
    assert mine.cells[1].outputs  # a user's own notebook keeps its outputs


def test_the_hook_strips_every_notebook_of_the_project_folder() -> None:
    class Manager:
        root_dir = str(PROJECT_NOTEBOOKS[0].parent)

    model = {"type": "notebook", "content": _dirty(False)}
    pre_save_hook(model, "notebooks/draft.ipynb", contents_manager=Manager())
    assert problems(model["content"]) == []
    report = {"type": "notebook", "content": _dirty(False)}
    pre_save_hook(report, "pmkit/reports/notebooks/summary.ipynb", contents_manager=Manager())
    assert problems(report["content"]) == []
    other = {"type": "notebook", "content": _dirty(False)}
    pre_save_hook(other, "elsewhere/x.ipynb", contents_manager=Manager())
    assert problems(other["content"]) != []
    text = {"type": "file", "content": "not a notebook"}
    pre_save_hook(text, "notebooks/x.txt", contents_manager=Manager())
    assert text["content"] == "not a notebook"


def test_the_command_line_strips_or_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.ipynb"
    nbformat.write(nbformat.from_dict(_dirty()), path)
    assert main(["--check", str(path)]) == 1
    assert "cell 2 has outputs" in capsys.readouterr().err
    assert main([str(path)]) == 0
    assert main(["--check", str(path)]) == 0
    assert problems(nbformat.read(path, as_version=4)) == []


def _git(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        ["git", *args],  # noqa: S607
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_pre_commit_hook_refuses_a_notebook_with_outputs(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    (repo / ".githooks").mkdir(parents=True)
    shutil.copy(ROOT / ".githooks" / "pre-commit", repo / ".githooks" / "pre-commit")
    bin_dir = tmp_path / "bin"  # the hook's python3, when the repo has no .venv: this one
    bin_dir.mkdir()
    (bin_dir / "python3").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (bin_dir / "python3").chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    assert _git(repo, "init", "-q", env=env).returncode == 0
    assert _git(repo, "config", "core.hooksPath", ".githooks", env=env).returncode == 0
    notebook = repo / "notebooks" / "explore .ipynb"  # a space: names are passed safely
    notebook.parent.mkdir()
    nbformat.write(nbformat.from_dict(_dirty()), notebook)
    _git(repo, "add", ".", env=env)
    refused = _git(repo, "commit", "-qm", "with outputs", env=env)
    assert refused.returncode != 0
    assert "explore .ipynb: cell 2 has outputs" in refused.stderr
    assert _git(repo, "log", env=env).returncode != 0  # nothing was committed
    assert main([str(notebook)]) == 0
    _git(repo, "add", ".", env=env)
    done = _git(repo, "commit", "-qm", "clean", env=env)
    assert done.returncode == 0, done.stderr


def test_every_notebook_git_holds_is_clean() -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.ipynb"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    names = [n for n in listed.stdout.split("\0") if n]
    assert "notebooks/explore.ipynb" in names
    for name in names:
        shown = subprocess.run(
            ["git", "show", f"HEAD:{name}"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if shown.returncode != 0:
            continue  # added but not committed yet
        assert problems(nbformat.reads(shown.stdout, as_version=4)) == [], name
