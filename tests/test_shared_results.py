"""Query results shared by the kernels of a report run (``pmkit.present.shared``): a result one
report asked is read back whole by the next, for the same database file only."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pandas as pd
import pytest
from test_report_fixture_db import AS_OF, build_fixture_db

from pmkit import metrics
from pmkit.present.report import open_report
from pmkit.present.shared import SHARED_ENV, SharedResults, database_identity, shared_results


def test_a_result_written_by_one_kernel_is_read_whole_by_another(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2026-01-02 03:04:05", None], utc=True),
            "n": pd.array([1, None], dtype="Int64"),
            "text": ["<b>", None],
            "share": [0.5, float("nan")],
        }
    )
    writer, reader = SharedResults(tmp_path), SharedResults(tmp_path)
    assert "q" not in reader
    writer["q"] = frame
    assert "q" in reader
    pd.testing.assert_frame_equal(reader["q"], frame)
    assert list(reader["q"].dtypes) == list(frame.dtypes)
    assert [p.suffix for p in tmp_path.iterdir()] == [".pkl"]  # no partial file left
    with pytest.raises(KeyError):
        reader["other"]


def test_each_database_file_has_its_own_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "a.duckdb"
    db.write_bytes(b"one")
    first = database_identity(db)
    monkeypatch.delenv(SHARED_ENV, raising=False)
    assert shared_results(first) is None  # outside a report run
    monkeypatch.setenv(SHARED_ENV, str(tmp_path / "shared"))
    assert shared_results(first) is None  # no such folder: not a run's
    (tmp_path / "shared").mkdir()
    store = shared_results(first)
    assert store is not None
    store["q"] = pd.DataFrame({"n": [1]})
    replaced = tmp_path / "b.duckdb"
    replaced.write_bytes(b"two, as an ingest writes a new file")
    os.replace(replaced, db)
    second = database_identity(db)
    assert second != first
    other = shared_results(second)
    assert other is not None and "q" not in other
    assert "q" in shared_results(first)  # type: ignore[operator]


def test_the_next_report_of_a_run_answers_from_the_shared_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second report's answer comes from the file the first wrote: changed there, it
    changes (so it is read, not asked again); without the run's folder it is asked again."""
    db = build_fixture_db(tmp_path / "fixture.duckdb")
    monkeypatch.setenv(SHARED_ENV, str(tmp_path / "shared"))
    (tmp_path / "shared").mkdir()
    first = open_report(db, AS_OF, 365)
    asked = metrics.coverage(first.con, first.filters)
    first.con.close()
    (written,) = (tmp_path / "shared").rglob("*.pkl")
    doctored = asked.assign(n_incidents=-1)
    written.write_bytes(pickle.dumps(doctored))
    second = open_report(db, AS_OF, 365)
    assert int(metrics.coverage(second.con, second.filters)["n_incidents"].iloc[0]) == -1
    second.con.close()
    monkeypatch.delenv(SHARED_ENV)
    third = open_report(db, AS_OF, 365)
    pd.testing.assert_frame_equal(metrics.coverage(third.con, third.filters), asked)
    third.con.close()
