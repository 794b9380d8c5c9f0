"""The runner around papermill: parameter checks, atomic publishing, the failure path, the CLI.

Uses the tiny notebooks in tests/fixtures/reports/notebooks (no pmkit imports, so each run is one
cheap kernel start): ``alpha`` and ``beta`` succeed, ``broken`` raises in its third cell.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from notebook_support import write_notebook

from pmkit.cli import main
from pmkit.reports import (
    DEFAULT_NOTEBOOK_DIR,
    NotebookFailed,
    ParameterError,
    ReportRequest,
    run_reports,
)
from pmkit.reports.request import available_notebooks, parse_as_of

NOTEBOOKS = Path(__file__).parent / "fixtures" / "reports" / "notebooks"
TODAY = date(2026, 11, 22)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The runner only checks that the database file exists; these notebooks never open it."""
    path = tmp_path / "pmkit.duckdb"
    path.write_bytes(b"")
    return path


def _request(
    db: Path,
    only: tuple[str, ...],
    out: Path,
    as_of: str = "2026-11-16",
    jobs: int | None = None,
    notebook_dir: Path = NOTEBOOKS,
) -> ReportRequest:
    return ReportRequest.build(
        db, as_of, 30, out_dir=out, only=only, notebook_dir=notebook_dir, jobs=jobs, today=TODAY
    )


# --- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2026-13-01", "ISO date"),
        ("16/11/2026", "ISO date"),
        ("2026-11-1", "ISO date"),
        ("yesterday", "ISO date"),
        ("2027-01-01", "in the future"),
        ("1969-12-31", "before 1970"),
    ],
)
def test_bad_as_of_is_rejected(as_of: str, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        parse_as_of(as_of, today=TODAY)


def test_as_of_defaults_to_today_and_allows_one_day_of_slack() -> None:
    assert parse_as_of(None, today=TODAY) == TODAY
    assert parse_as_of("2026-11-23", today=TODAY) == date(2026, 11, 23)


@pytest.mark.parametrize("lookback", [0, -5, 3651, True])
def test_bad_lookback_is_rejected(db: Path, lookback: int) -> None:
    with pytest.raises(ParameterError, match="lookback"):
        ReportRequest.build(db, "2026-11-16", lookback, today=TODAY)


def test_unknown_report_and_missing_db_are_rejected(db: Path, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="unknown report 'nope'; known: alpha, beta, broken"):
        ReportRequest.build(
            db, "2026-11-16", 30, only=("nope",), notebook_dir=NOTEBOOKS, today=TODAY
        )
    with pytest.raises(ParameterError, match="does not exist"):
        ReportRequest.build(tmp_path / "missing.duckdb", "2026-11-16", 30, today=TODAY)
    with pytest.raises(ParameterError, match="is not a level"):
        ReportRequest.build(db, "2026-11-16", 30, severity_levels=(100,), today=TODAY)
    with pytest.raises(ParameterError, match="is not a level"):
        ReportRequest.build(db, "2026-11-16", 30, severity_levels=(-1,), today=TODAY)
    # the one rule of pmkit.toml and metrics.Filters: 0..99
    assert ReportRequest.build(db, "2026-11-16", 30, severity_levels=(12,), today=TODAY)


def test_summary_runs_last() -> None:
    assert available_notebooks(DEFAULT_NOTEBOOK_DIR)[-1] == "summary"


# --- publishing ------------------------------------------------------------------------------


def test_same_date_run_is_replaced_and_other_reports_carried_over(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    first = run_reports(_request(db, ("alpha", "beta"), out))
    assert sorted(p.name for p in first.run_dir.glob("*.html")) == ["alpha.html", "beta.html"]
    (first.run_dir / "alpha.html").write_text("old", encoding="utf-8")
    (first.run_dir / "beta.csv").write_text("a\n1\n", encoding="utf-8")  # as a report writes one

    second = run_reports(_request(db, ("alpha",), out))
    assert second.run_dir == first.run_dir
    assert (second.run_dir / "alpha.html").read_text(encoding="utf-8") != "old"
    assert (second.run_dir / "beta.html").is_file(), "a partial run keeps the other reports"
    assert (second.run_dir / "beta.csv").read_text(encoding="utf-8") == "a\n1\n"  # and their CSV
    manifest = json.loads((second.run_dir / "run.json").read_text(encoding="utf-8"))
    assert sorted(n["name"] for n in manifest["notebooks"]) == ["alpha", "beta"]
    assert "alpha report as of 2026-11-16" in (second.run_dir / "alpha.ipynb").read_text()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_failing_notebook_names_cell_and_error_and_leaves_earlier_runs(
    db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    earlier = run_reports(_request(db, ("alpha",), out))
    before = {p.name: p.read_bytes() for p in earlier.run_dir.iterdir()}
    index_before = earlier.index_path.read_bytes()

    with pytest.raises(NotebookFailed) as failed:
        run_reports(_request(db, ("alpha", "broken"), out))
    error = failed.value
    assert error.notebook == "broken"
    assert error.ename == "ZeroDivisionError"
    assert "deliberately broken report" in error.evalue
    assert error.cell_index is not None
    assert error.kept is not None and error.kept.is_file()
    assert error.kept.parent.parent == out / "failed"
    assert error.cell_index == 2  # the third cell of broken.ipynb
    assert error.code == "raise ZeroDivisionError('deliberately broken report')"
    kept = json.loads(error.kept.read_text(encoding="utf-8"))
    assert any(o.get("output_type") == "error" for c in kept["cells"] for o in c.get("outputs", []))
    message = str(error)
    assert "'broken'" in message and f"cell {error.cell_index}" in message
    assert "ZeroDivisionError" in message and str(error.kept) in message

    assert {p.name: p.read_bytes() for p in earlier.run_dir.iterdir()} == before
    assert earlier.index_path.read_bytes() == index_before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


# --- CLI -------------------------------------------------------------------------------------


def test_cli_report_runs_and_prints_where_the_index_is(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    code = main(
        [
            "report",
            "--no-ingest",
            "--db",
            str(db),
            "--out",
            str(out),
            "--notebooks",
            str(NOTEBOOKS),
            "--only",
            "beta",
            "--as-of",
            "2026-11-16",
            "--severity",
            "P1",
            "--severity",
            "1",
            "--service",
            "checkout",
            "--team",
            "core",
            "--template",
            "seed-002",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"index:   {out / 'index.html'}" in captured.out
    assert "[1/1] beta done" in captured.err
    assert (out / "2026-11-16" / "beta.html").is_file()
    manifest = json.loads((out / "2026-11-16" / "run.json").read_text(encoding="utf-8"))
    assert manifest["parameters"] == {
        "as_of": "2026-11-16",
        "lookback_days": 365,
        "severity_levels": [1],
        "services": ["checkout"],
        "teams": ["core"],
        "templates": ["seed-002"],
        "config_path": "",
    }
    executed = (out / "2026-11-16" / "beta.ipynb").read_text(encoding="utf-8")
    assert "seed-002" in executed  # injected into the parameters cell


def test_cli_report_fails_loudly(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "--no-ingest", "--db", str(db), "--out", str(tmp_path / "r")]
    args += ["--notebooks", str(NOTEBOOKS), "--as-of", "2026-11-16"]
    assert main([*args, "--only", "broken"]) == 1
    err = capsys.readouterr().err
    assert "report 'broken' failed in cell 2" in err and "ZeroDivisionError" in err
    assert main([*args[:-2], "--as-of", "2026-02-30"]) == 1
    assert "--as-of must be an ISO date" in capsys.readouterr().err
    assert main([*args, "--lookback", "0"]) == 1
    assert "--lookback must be" in capsys.readouterr().err
    assert main([*args, "--severity", "P1 please"]) == 1
    assert "neither a level (0..99) nor a severity label" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("values", "levels"),
    [(("P1",), (1,)), (("SEV-2", 2, "critical"), (2, 0)), (("1", "P1", "major"), (1,))],
)
def test_severity_labels_become_levels(
    db: Path, values: tuple[object, ...], levels: tuple[int, ...]
) -> None:
    request = ReportRequest.build(db, "2026-11-16", 30, severity_levels=values, today=TODAY)  # type: ignore[arg-type]
    assert request.severity_levels == levels


def test_severity_labels_of_pmkit_toml(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "pmkit.toml"
    config.write_text('[severity.levels]\n"Sev-Blue" = 4\n', encoding="utf-8")
    request = ReportRequest.build(
        db, "2026-11-16", 30, severity_levels=("sev-blue",), today=TODAY, config_path=config
    )
    assert request.severity_levels == (4,)
    assert request.notebook_parameters()["config_path"] == str(config.resolve())
    with pytest.raises(ParameterError, match="neither a level"):
        ReportRequest.build(db, "2026-11-16", 30, severity_levels=("sev-blue",), today=TODAY)


@pytest.mark.parametrize("command", ["report", "schedule"])
def test_cli_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    assert "--help" in capsys.readouterr().out


# --- two at a time, charts drawn by the runner ------------------------------------------------


def test_two_notebooks_run_at_once_in_the_run_folder(db: Path, tmp_path: Path) -> None:
    """Each notebook waits for the other's flag file: only two kernels at once get past that.
    The flags are relative paths, so both kernels also run in the run folder."""
    notebooks = tmp_path / "nbs"
    wait = (
        "import pathlib, time\n"
        "pathlib.Path('{me}.flag').touch()\n"
        "for _ in range(600):\n"
        "    if pathlib.Path('{other}.flag').exists():\n"
        "        break\n"
        "    time.sleep(0.1)\n"
        "else:\n"
        "    raise TimeoutError('the other notebook never ran alongside')"
    )
    write_notebook(notebooks, "left", wait.format(me="left", other="right"))
    write_notebook(notebooks, "right", wait.format(me="right", other="left"))
    request = _request(db, (), tmp_path / "reports", jobs=2, notebook_dir=notebooks)
    result = run_reports(request)
    assert sorted(r.name for r in result.notebooks) == ["left", "right"]
    assert sorted(p.name for p in result.run_dir.glob("*.flag")) == ["left.flag", "right.flag"]


def test_a_chart_the_runner_cannot_draw_fails_its_report_naming_the_cell(
    db: Path, tmp_path: Path
) -> None:
    notebooks = tmp_path / "nbs"
    write_notebook(
        notebooks,
        "badchart",
        "import pandas as pd\nfrom pmkit.present import charts\nfrom pmkit.present.figures import plot",
        "plot(charts.top_services, pd.DataFrame({'service': ['a']}), caption='c', n=1)",
    )
    out = tmp_path / "reports"
    request = ReportRequest.build(
        db, "2026-11-16", 30, out_dir=out, notebook_dir=notebooks, today=TODAY
    )
    with pytest.raises(NotebookFailed) as failed:
        run_reports(request)
    error = failed.value
    assert (error.notebook, error.cell_index, error.ename) == ("badchart", 2, "KeyError")
    assert (
        error.code
        == "plot(charts.top_services, pd.DataFrame({'service': ['a']}), caption='c', n=1)"
    )
    assert error.kept is not None and error.kept.parent.parent == out / "failed"
    kept = json.loads(error.kept.read_text(encoding="utf-8"))
    outputs = [o for c in kept["cells"] for o in c.get("outputs", [])]
    assert not any(o["output_type"] == "error" for o in outputs), "the kernel drew it itself"
    assert any("application/vnd.pmkit.figure+json" in o.get("data", {}) for o in outputs)
    assert not (out / "2026-11-16").exists()


@pytest.mark.parametrize("jobs", [0, -1, 17, True])
def test_bad_jobs_are_rejected_before_a_kernel_starts(db: Path, tmp_path: Path, jobs: int) -> None:
    with pytest.raises(ParameterError, match="--jobs must be"):
        _request(db, ("alpha",), tmp_path / "r", jobs=jobs)
    assert not (tmp_path / "r").exists()


def test_one_at_a_time_gives_the_same_run(db: Path, tmp_path: Path) -> None:
    result = run_reports(_request(db, ("alpha", "beta"), tmp_path / "r", jobs=1))
    assert [r.name for r in result.notebooks] == ["alpha", "beta"]
    assert (result.run_dir / "beta.html").is_file()


def test_cli_report_ingests_every_corpus_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--corpus`` is repeatable, like ``pmkit ingest PATHS...``: both folders' postmortems
    are in the database the reports run on, each under its own root."""
    import duckdb

    monkeypatch.setenv("COLUMNS", "1000")  # rich folds lines (and long tmp paths) at 80

    fixtures = Path(__file__).parent / "fixtures" / "ingest" / "corpus"
    team_a, team_b = tmp_path / "team-a", tmp_path / "team-b"
    team_a.mkdir()
    (team_a / "outage.md").write_bytes((fixtures / "2026-03-04-checkout-502s.md").read_bytes())
    (team_b / "sub").mkdir(parents=True)
    (team_b / "sub" / "outage.md").write_bytes(
        (fixtures / "2026-03-04-checkout-502s.md").read_bytes()
    )
    db, out = tmp_path / "pm.duckdb", tmp_path / "reports"
    args = ["report", "--corpus", str(team_a), "--corpus", str(team_b), "--db", str(db)]
    args += ["--out", str(out), "--notebooks", str(NOTEBOOKS), "--only", "alpha"]
    code = main([*args, "--as-of", "2026-11-16"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"ingested {team_a}, {team_b}:" in captured.err
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT root, path FROM documents ORDER BY root").fetchall()
    finally:
        con.close()
    assert rows == [(str(team_a), "outage.md"), (str(team_b), "sub/outage.md")]
    assert main([*args, "--no-ingest", "--as-of", "2026-11-16"]) == 2  # one or the other


def test_a_thread_reuses_its_kernel_with_a_clean_namespace_and_stops_it(
    db: Path, tmp_path: Path
) -> None:
    """One at a time, the second notebook runs in the first one's kernel (same process, modules
    kept) but sees none of its variables and numbers its cells from 1; the run stops the kernel."""
    import os

    notebooks = tmp_path / "nbs"
    write_notebook(
        notebooks,
        "first",
        "import os\nleft_over = 1\nopen('first.pid', 'w').write(str(os.getpid()))",
    )
    write_notebook(
        notebooks,
        "second",
        "import os\nassert 'left_over' not in globals(), 'the namespace was not cleared'\n"
        "open('second.pid', 'w').write(str(os.getpid()))",
    )
    request = _request(db, (), tmp_path / "reports", jobs=1, notebook_dir=notebooks)
    result = run_reports(request)
    pids = {name: int((result.run_dir / f"{name}.pid").read_text()) for name in ("first", "second")}
    assert pids["first"] == pids["second"]
    executed = json.loads((result.run_dir / "second.ipynb").read_text(encoding="utf-8"))
    counts = [c["execution_count"] for c in executed["cells"] if c["cell_type"] == "code"]
    assert counts[0] == 1  # the injected parameters cell
    with pytest.raises(ProcessLookupError):
        os.kill(pids["first"], 0)
