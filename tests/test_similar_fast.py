"""The faster similarity computation gives what the plain one gives.

A large corpus (``matrix.SPLIT_MIN_DOCS`` incidents and more) has its common n-grams taken by a
dense product (``Matrix.split``); every product skips scipy's sizing pass (``_product``); the
top k are picked for a whole block at once (``select``). Each is checked here against the plain
computation on small inputs, with the split forced on below its size: same lists, same scores
(to float32 rounding), and an incremental refresh still equal to a full one with the same model.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest
import scipy.sparse as sp

import pmkit.similar.cache as cache
import pmkit.similar.products as products
import pmkit.similar.pruned as pruned
import pmkit.similar.rescore as rescore
from pmkit.config import RecurrenceSettings
from pmkit.similar import text
from pmkit.similar.features import TEXT_FIELDS, count, load
from pmkit.similar.matrix import Matrix
from pmkit.similar.scoring import Block, Pick, score_block, select
from pmkit.similar.tables import read_state
from pmkit.similar.vectors import time_order
from pmkit.store import ingest_paths
from pmkit.synth import write_corpus


def test_product_equals_scipys_to_the_bit() -> None:
    rng = np.random.default_rng(7)
    for _ in range(30):
        a = sp.random(int(rng.integers(1, 60)), 500, density=0.05, format="csr", rng=rng)
        b = sp.random(500, int(rng.integers(1, 40)), density=0.05, format="csr", rng=rng)
        a, b = a.astype(np.float32), b.astype(np.float32)
        expected = (a @ b).toarray()
        assert np.array_equal(products._product(a, b), expected)
        rows = int(rng.integers(0, a.shape[0] + 1))
        assert np.array_equal(products._product(a, b, a_rows=rows), expected[:rows])


def _reference_select(block: Block, days: np.ndarray, k: int, window: int) -> list[Pick]:
    """select() as it was written first: one row at a time, sorted in full."""
    picks = []
    for i, r in enumerate(block.rows):
        cands = [
            (float(block.score[i, j]), int(block.cols[j]), j)
            for j in range(len(block.cols))
            if block.cols[j] < r and block.score[i, j] > 0
        ]
        cands.sort(key=lambda c: (-c[0], -c[1]))
        top = [c[2] for c in cands[:k]]
        inside = [c for c in cands if days[block.cols[c[2]]] >= days[r] - window]
        best = inside[0][2] if inside else -1
        picks += [Pick(i, j, rank, j == best) for rank, j in enumerate(top, start=1)]
        if best >= 0 and best not in top:
            picks.append(Pick(i, best, None, True))
    return picks


def test_select_picks_as_one_row_at_a_time_would_with_ties() -> None:
    rng = np.random.default_rng(3)
    for _ in range(500):
        n_rows, n_cols = int(rng.integers(1, 10)), int(rng.integers(1, 25))
        rows = np.sort(rng.choice(30, n_rows, replace=False))
        cols = np.arange(n_cols)
        # few distinct values: many ties, zeros and later columns
        scores = rng.choice([0.0, 0.2, 0.5, 0.5, 0.9], size=(n_rows, n_cols)).astype(np.float32)
        days = np.sort(rng.integers(0, 900, 30)).astype(float)
        k, window = int(rng.integers(1, 6)), int(rng.integers(1, 300))
        block = Block(rows, cols, scores, scores, {})
        assert select(block, days, k, window) == _reference_select(block, days, k, window)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fast") / "corpus"
    write_corpus(160, 11, date(2025, 1, 1), date(2026, 1, 1), root)
    path = root.parent / "pm.duckdb"
    ingest_paths([root], path, workers=1)
    return path


def _matrices(db: Path) -> tuple[Matrix, Matrix]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        feats, _ = load(con)
    finally:
        con.close()
    feats = time_order(feats)
    counts = {n: text.counts([f.text(n) for f in feats], n) for n in TEXT_FIELDS}
    model = text.TextModel.fit(counts)
    fields = {n: model.vectors(n, counts[n]) for n in TEXT_FIELDS}
    common = {n: model.common(n, 0.05) for n in TEXT_FIELDS}
    assert all(len(c) for c in common.values())  # the split is really exercised
    return Matrix.build(feats, fields), Matrix.build(feats, fields, common=common)


def test_the_split_scores_as_the_sparse_products_do(db: Path) -> None:
    plain, split = _matrices(db)
    rows, cols = np.arange(40, 120), np.arange(0, 119)
    a, b = score_block(plain, rows, cols), score_block(split, rows, cols)
    np.testing.assert_allclose(a.score, b.score, atol=5e-6)
    np.testing.assert_allclose(a.text, b.text, atol=5e-6)
    for name in TEXT_FIELDS:
        np.testing.assert_allclose(a.per_field[name], b.per_field[name], atol=5e-6)
    assert select(a, plain.days, 5, 180) == select(b, split.days, 5, 180)
    # a pair scores the same in any block: one row alone gives what the block gave
    one = score_block(split, rows[7:8], cols)
    assert np.array_equal(one.score[0], b.score[7])


def test_incremental_equals_full_with_the_split(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """test_similar's incremental-equals-full property, with the dense products in use."""
    monkeypatch.setattr(rescore, "SPLIT_MIN_DOCS", 10)
    monkeypatch.setattr(rescore, "SPLIT_SHARE", 0.05)
    monkeypatch.setattr(cache, "FULL_BELOW", 0)
    monkeypatch.setattr(pruned, "MIN_INCIDENTS", 0)  # the full refreshes pruned too
    work = tmp_path / "pm.duckdb"
    work.write_bytes(db.read_bytes())
    con = duckdb.connect(str(work))
    try:
        con.execute("BEGIN")
        assert cache.refresh(con, full=True).mode == "full"
        con.execute("COMMIT")
        # a title rewritten: its incident is re-scored against all, the others merge it in
        (path, iid) = con.execute(
            "SELECT path, incident_id FROM similarity_vectors ORDER BY path LIMIT 1 OFFSET 80"
        ).fetchone()
        con.execute(
            "UPDATE incidents SET title = 'checkout-api lost its redis cache again' "
            "WHERE path = ? AND incident_id = ?",
            [path, iid],
        )
        con.execute("BEGIN")
        assert cache.refresh(con).mode == "incremental"
        con.execute("COMMIT")
        incremental = _rows(con)
        state = read_state(con)
        assert state is not None and state.model is not None
        model = text.TextModel.from_bytes(state.model)
        monkeypatch.setattr(text.TextModel, "fit", classmethod(lambda cls, counts: model))
        con.execute("BEGIN")
        assert cache.refresh(con, full=True).mode == "full"
        con.execute("COMMIT")
        assert _rows(con) == incremental
    finally:
        con.close()


def _rows(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT path, incident_id, similar_path, similar_incident_id, rank, window_best, score, "
        "text_score, title_score, summary_score, root_cause_score, factors_score "
        "FROM incident_similarity ORDER BY ALL"
    ).fetchall()


def test_counted_before_loaded(db: Path) -> None:
    """refresh() counts the incidents before reading them: above max_incidents (a 100k corpus)
    it skips without loading every text into the ingest's capped DuckDB memory."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        feats, undated = load(con)
        assert count(con) == (len(feats), undated)
    finally:
        con.close()


def test_pruned_lists_equal_every_pair_scored(db: Path) -> None:
    """``pruned.score_all`` scores a row against the incidents sharing its service (and
    trigger) first and stops when no other can enter its list: the table rows are those of
    every pair scored, value for value, with and without the dense products."""
    final: dict[str, int] = {}
    plain, split = _matrices(db)
    for k, m in ((1, split), (5, split), (5, plain)):
        settings = RecurrenceSettings(k=k)
        expected = rescore.score_rows(m, np.arange(1, len(m)), settings, True)
        got, stats = pruned.score_all(m, settings, min_incidents=0)
        assert sorted(got, key=repr) == sorted(expected, key=repr)
        assert sum(stats.final.values()) + stats.in_full == stats.rows == len(m) - 1
        assert sum(stats.pairs.values()) <= len(m) ** 2
        for step, n in stats.final.items():
            final[step] = final.get(step, 0) + n
    print(f"\nlists made final per step on 160 incidents: {final}")
    assert final["service and trigger"] > 0 and final["service"] > 0  # every step exercised
