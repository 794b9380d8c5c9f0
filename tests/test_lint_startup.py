"""``pmkit lint`` runs in pre-commit hooks, where every commit waits for its start-up: the lint
path must not import the analysis stack (pandas, duckdb, altair, numpy). Asserted on the import
set, not on a time (the machines are shared and noisy; ``make bench-lint`` measures the time)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from pmkit.dates import business_days_between

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "duckdb", "altair", "numpy", "papermill", "nbconvert", "vl_convert", "sklearn")

PROBE = """
import json, sys
from pmkit.cli import main
code = main(sys.argv[1:])
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(HEAVY)))
print(json.dumps({"code": code, "heavy": heavy}))
"""


def _run_cli(*args: str) -> dict[str, object]:
    """Run ``pmkit ARGS`` in a fresh interpreter; its exit status and the heavy modules it loaded."""
    probe = PROBE.replace("json.loads(HEAVY)", f"json.loads({json.dumps(json.dumps(HEAVY))})")
    proc = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=REPO, capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_lint_of_a_file_imports_no_analysis_stack() -> None:
    result = _run_cli("lint", str(REPO / "tests" / "fixtures" / "lint" / "bad.md"))
    assert result["code"] == 1  # the file has errors: the lint really ran
    assert result["heavy"] == []


def test_lint_of_a_folder_in_json_imports_no_analysis_stack() -> None:
    result = _run_cli("lint", "--format", "json", str(REPO / "tests" / "fixtures" / "lint"))
    assert result["code"] == 1
    assert result["heavy"] == []


def test_help_imports_no_analysis_stack() -> None:
    result = _run_cli("--help")
    assert result["code"] == 0
    assert result["heavy"] == []


def test_the_probe_sees_heavy_imports() -> None:
    """The probe itself can fail: a command that needs pandas is reported as importing it."""
    result = _run_cli("stats", "--coverage", str(REPO / "no-such.duckdb"))
    assert "duckdb" in result["heavy"] or "pandas" in result["heavy"]


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=-400, max_value=400),
)
def test_business_days_match_numpy(start: date, offset: int) -> None:
    """The plain count (so lint needs no numpy) agrees with ``numpy.busday_count``, including
    its sign convention when the end is before the start."""
    end = start + timedelta(days=offset)
    assert business_days_between(start, end) == int(np.busday_count(start, end))
