"""``pip install .`` (not editable) into a new virtual environment, then ``pmkit report`` from
another folder: the taxonomy, the milestone words, the report notebooks and templates, the
draft templates and the schema must all come from the installed package, not the repository.

Offline and quick: the new environment gets no packages of its own but pmkit (``--no-deps``);
it finds pmkit's dependencies in the development environment's site-packages through a ``.pth``
line, which adds that folder to ``sys.path`` without running its ``.pth`` files, so the
editable install of this repository stays out of it; ``JUPYTER_PATH`` points at their data
files (nbconvert's templates), which a full install would have put in the new environment.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "fixtures" / "ingest" / "corpus"


def _source_copy(dest: Path) -> Path:
    """What ``pip install .`` needs of the repository, copied so the build leaves no
    ``build/`` or ``*.egg-info`` in the work tree."""
    shutil.copytree(
        REPO / "pmkit", dest / "pmkit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, dest / name)
    return dest


def test_pip_install_then_report_from_another_folder(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    dev_site = [p for p in site.getsitepackages() if Path(p).is_dir()]
    dev_site.append(sysconfig.get_paths()["purelib"])
    (Path(own) / "dev-dependencies.pth").write_text(
        "\n".join(dict.fromkeys(dev_site)) + "\n", encoding="utf-8"
    )
    source = _source_copy(tmp_path / "src")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    shutil.rmtree(source)  # nothing may be read from the copy it was built from

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import pmkit; print(pmkit.__file__)"],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(env_dir), where  # the installed copy, not the repository

    env = {**os.environ, "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}
    env.pop("PMKIT_CONFIG", None)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    db, out = tmp_path / "data" / "pm.duckdb", tmp_path / "out"
    proc = subprocess.run(
        [
            str(env_dir / "bin" / "pmkit"),
            "report",
            "--corpus",
            str(corpus),
            "--db",
            str(db),
            "--out",
            str(out),
            "--as-of",
            "2026-11-16",
            "--only",
            "summary",
            "--only",
            "contributing_factors",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    run_dir = out / "2026-11-16"
    assert sorted(p.name for p in run_dir.glob("*.html")) == [
        "contributing_factors.html",
        "summary.html",
    ]
    assert (out / "index.html").is_file()
    con = duckdb.connect(str(db), read_only=True)
    try:
        (incidents,) = con.execute("SELECT count(*) FROM incidents").fetchone() or (0,)
        (categorised,) = con.execute(
            "SELECT count(*) FROM factor_categories WHERE category <> 'unclassified'"
        ).fetchone() or (0,)
    finally:
        con.close()
    assert incidents > 0
    assert categorised > 0  # the bundled taxonomy was found inside the installed package
    assert "Contributing factors" in (run_dir / "contributing_factors.html").read_text("utf-8")
    assert list(elsewhere.iterdir()) == []  # nothing written where the command ran
