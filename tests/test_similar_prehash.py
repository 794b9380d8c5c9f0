"""pmkit.similar.prehash: the texts hashed while the ingest still writes give the same tables as
the refresh hashing them itself, on a full ingest and on an incremental one; nothing is left
running, and nothing is collected above ``max_incidents``."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

import pmkit.similar.cache as cache
import pmkit.store.ingest as ingest
from pmkit.config import Config
from pmkit.model import ContributingFactor, ParsedDocument, Postmortem
from pmkit.similar import text
from pmkit.similar.prehash import Prehash
from pmkit.store import ingest_paths
from pmkit.synth import write_corpus

TABLES = ("incident_similarity", "similarity_vectors")


def _rows(db: Path) -> dict[str, list[str]]:
    """The similarity tables' rows (the state's values that do not hold a time)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {
            t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))  # noqa: S608
            for t in TABLES
        }
        state = con.execute(
            "SELECT status, n_incidents, model, last_mode FROM similarity_state"
        ).fetchall()
        out["similarity_state"] = [repr(r) for r in state]
        return out
    finally:
        con.close()


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash ahead from a single text on (the ingest's thresholds are for large corpora)."""
    monkeypatch.setattr(text, "PARALLEL_MIN_TEXTS", 1)
    monkeypatch.setattr(cache, "FULL_BELOW", 0)  # incremental at any size


def test_hashed_ahead_equals_hashed_by_the_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: None
) -> None:
    root = tmp_path / "corpus"
    write_corpus(90, 7, date(2025, 1, 1), date(2026, 1, 1), root)
    started: list[Prehash] = []
    real = ingest._prehash

    def spy(*args: object) -> Prehash | None:
        made = real(*args)  # type: ignore[arg-type]
        if made is not None:
            started.append(made)
        return made

    monkeypatch.setattr(ingest, "_prehash", spy)
    ahead, plain = tmp_path / "ahead.duckdb", tmp_path / "plain.duckdb"
    ingest_paths([root], ahead, workers=2)
    assert len(started) == 1 and started[0].incidents == 90
    monkeypatch.setattr(ingest, "_prehash", lambda *args: None)
    ingest_paths([root], plain, workers=2)
    assert _rows(ahead) == _rows(plain)

    # an incremental refresh: 70 files rewritten, hashed ahead; the others from the stored vectors
    for path in sorted(root.rglob("*.md"))[:70]:
        body = path.read_text(encoding="utf-8")
        path.write_text(body.replace("## ", "## \n", 1) + "\nMore words.\n", encoding="utf-8")
    monkeypatch.setattr(ingest, "_prehash", spy)
    ingest_paths([root], ahead, workers=2)
    assert len(started) == 2
    monkeypatch.setattr(ingest, "_prehash", lambda *args: None)
    ingest_paths([root], plain, workers=2)
    assert _rows(ahead) == _rows(plain)
    assert not multiprocessing.active_children()


def _doc(n: int) -> ParsedDocument:
    doc = ParsedDocument(path=f"{n}.md", template="t", raw_text="")
    pm = Postmortem(incident_id=str(n), title=f"title {n}", root_cause=f"cause {n}")
    pm.factors = [ContributingFactor(seq=0, text=f"factor {n}"), ContributingFactor(seq=1, text="")]
    doc.incidents.append(pm)
    return doc


def test_texts_as_the_refresh_reads_them_and_none_above_the_limit(small: None) -> None:
    ahead = Prehash(limit=3)
    for n in range(3):
        ahead.add(_doc(n))
    ahead.start(2)
    hashed = ahead.result()
    assert hashed is not None
    assert set(hashed.at) == {f"{w} {n}" for w in ("title", "cause", "factor") for n in range(3)}
    assert ahead.result() is None  # handed over once

    over = Prehash(limit=3)
    for n in range(4):
        over.add(_doc(n))
    over.start(2)
    assert over.result() is None  # the refresh will be skipped: nothing hashed


def test_an_ingest_that_does_not_refresh_leaves_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: None
) -> None:
    root = tmp_path / "corpus"
    write_corpus(70, 3, date(2025, 1, 1), date(2026, 1, 1), root)
    config = Config()
    config = replace(config, recurrence=replace(config.recurrence, max_incidents=60))
    monkeypatch.setattr(ingest, "_prehash", lambda *args: Prehash(10**6))
    summary = ingest_paths([root], tmp_path / "pm.duckdb", workers=2, config=config)
    assert "not computed" in summary.similarity
    assert not multiprocessing.active_children()
