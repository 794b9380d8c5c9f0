"""The ingest connection checkpoints once, at the end, instead of after every committed batch.

The stored rows must not depend on when DuckDB checkpoints, and nothing may be left next to the
database: no WAL, no copy, no spill folder (also none left by a killed ingest before).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pmkit import store
from pmkit.store import atomic, ingest, rows

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "ingest" / "corpus"


def _contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in (*rows.TABLE_NAMES, "factor_categories"):
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            keep = ", ".join(f'"{c}"' for c in cols if c != "ingested_at")
            out[table] = sorted(
                con.execute(f"SELECT {keep} FROM {table}").fetchall(),  # noqa: S608
                key=repr,
            )
        return out
    finally:
        con.close()


def _leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name.startswith(f".{db.name}."))


def test_rows_do_not_depend_on_the_checkpoint_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    monkeypatch.setattr(ingest, "_BATCH_FILES", 1)  # several committed batches
    dbs = {}
    for threshold in ("0B", "16MB", atomic.INGEST_CHECKPOINT_THRESHOLD):
        monkeypatch.setattr(atomic, "INGEST_CHECKPOINT_THRESHOLD", threshold)
        db = tmp_path / threshold / "pm.duckdb"
        summary = store.ingest_paths([corpus], db, workers=1)
        assert summary.parsed >= 2
        assert not db.with_name(db.name + ".wal").exists()
        assert _leftovers(db) == []
        dbs[threshold] = _contents(db)
    first, *rest = dbs.values()
    assert all(other == first for other in rest)
    assert first["incidents"]


def test_a_killed_ingests_spill_folder_is_removed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    db = tmp_path / "pm.duckdb"
    store.ingest_paths([corpus], db, workers=1)
    stale = tmp_path / ".pm.duckdb.999999.spill"
    stale.mkdir()
    (stale / "duckdb_temp_storage-0.tmp").write_bytes(b"x" * 1024)
    (corpus / "new.md").write_text("# Incident: new\n\nSeverity: SEV2\n", encoding="utf-8")
    store.ingest_paths([corpus], db, workers=1)
    assert _leftovers(db) == []


def test_a_checkpoint_behind_keeps_what_the_caller_writes_and_raises_its_error(
    tmp_path: Path,
) -> None:
    """``atomic.checkpoint_behind``: the rows committed before it and those written after its
    ``wait`` are all there; a failed checkpoint raises in the caller's thread."""
    con = duckdb.connect(str(tmp_path / "a.duckdb"))
    con.execute("SET checkpoint_threshold = '1TB'")
    con.execute("CREATE TABLE t (i INTEGER)")
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO t SELECT range FROM range(100000)")
    with atomic.checkpoint_behind(con) as ready:
        assert con.execute("SELECT count(*) FROM t").fetchone() == (100000,)  # read meanwhile
        ready()
        con.execute("INSERT INTO t VALUES (-1)")
    con.execute("COMMIT")
    assert con.execute("SELECT count(*), min(i) FROM t").fetchone() == (100001, -1)
    con.close()

    class Failing:
        def __init__(self, real: duckdb.DuckDBPyConnection) -> None:
            self.real = real

        def execute(self, sql: str) -> object:
            return self.real.execute(sql)

        def cursor(self) -> object:
            class Cursor:
                def execute(self, sql: str) -> None:
                    raise duckdb.IOException("disk full")

                def close(self) -> None:
                    pass

            return Cursor()

    real = duckdb.connect(str(tmp_path / "b.duckdb"))
    real.execute("BEGIN TRANSACTION")
    with (
        pytest.raises(duckdb.IOException, match="disk full"),
        atomic.checkpoint_behind(Failing(real)) as ready,  # type: ignore[arg-type]
    ):
        ready()
    real.close()
