"""Scoring rows into table rows: every incident of a list against every earlier one, a block at a
time, and the incremental refresh that re-scores only what a change can have moved (see
``pmkit.similar.cache`` for why the result equals a full computation with the stored model).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb
import numpy as np

from pmkit.config import RecurrenceSettings
from pmkit.similar import text
from pmkit.similar.features import TEXT_FIELDS, IncidentFeatures
from pmkit.similar.matrix import SPLIT_MIN_DOCS, SPLIT_SHARE, Matrix
from pmkit.similar.scoring import Block, Pick, score_block, select
from pmkit.similar.tables import (
    AT,
    Key,
    RefreshSummary,
    State,
    bars,
    delete_for,
    insert_rows,
    insert_vectors,
    keys_listing,
    row_key,
    stored_lists,
    write_state,
)
from pmkit.similar.vectors import from_blobs, to_blobs, vectorize

BLOCK_ROWS = 128
"""Rows scored at a time: a block is rows x (earlier incidents) dense float32 arrays."""


def workers() -> int:
    """Threads (or processes) a refresh works with: one per core, two at most."""
    return max(1, min(2, os.cpu_count() or 1))


def common(model: text.TextModel) -> dict[str, np.ndarray] | None:
    """The n-grams a large corpus's products take densely (``matrix.Matrix.split``), decided by
    the model alone, so that a full and an incremental refresh with one model agree."""
    if model.n_docs < SPLIT_MIN_DOCS:
        return None
    return {name: model.common(name, SPLIT_SHARE) for name in TEXT_FIELDS}


def score_rows(
    m: Matrix, rows: np.ndarray, settings: RecurrenceSettings, only_earlier_cols: bool
) -> list[tuple[Any, ...]]:
    """The table rows of ``rows``, each scored against every earlier incident, a block at a
    time: a block's dense arrays are dropped as soon as its rows are taken from them (holding
    them all was 2 GB at 10k incidents)."""
    rows = np.sort(np.asarray(rows, dtype=np.int64))
    if not len(rows):
        return []
    chunks = [rows[i : i + BLOCK_ROWS] for i in range(0, len(rows), BLOCK_ROWS)]

    def one(chunk: np.ndarray) -> list[tuple[Any, ...]]:
        cols = np.arange(int(chunk.max()) if only_earlier_cols else len(m), dtype=np.int64)
        block = score_block(m, chunk, cols)
        picks = select(block, m.days, settings.k, settings.window_days)
        return [record(m, block, p) for p in picks]

    # scipy's sparse products and numpy release the GIL: two threads use two cores, each with
    # a single-threaded BLAS (its own threads on top would only wait for the cores)
    out: list[tuple[Any, ...]] = []
    with one_blas_thread(), ThreadPoolExecutor(workers()) as pool:
        for records in pool.map(one, chunks):
            out.extend(records)
    return out


def one_blas_thread() -> Any:
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def record(m: Matrix, block: Block, pick: Pick) -> tuple[Any, ...]:
    values = block.values_at(np.array([pick.i]), np.array([pick.j]))[0]
    return record_of(
        m, int(block.rows[pick.i]), int(block.cols[pick.j]), pick.rank, pick.window_best, values
    )


def record_of(
    m: Matrix, row: int, col: int, rank: int | None, window_best: bool, values: np.ndarray
) -> tuple[Any, ...]:
    """The table row of incident ``row`` and earlier incident ``col`` from the pair's
    ``Block.values_at`` (score, text, per-field cosines; NaN for None)."""
    r = m.features[row]
    c = m.features[col]
    same = (
        r.trigger_category
        if r.trigger_category and r.trigger_category == c.trigger_category
        else None
    )
    score, text_score, *fields = values.tolist()
    return (
        r.root,
        r.path,
        r.incident_id,
        c.root,
        c.path,
        c.incident_id,
        rank,
        window_best,
        score,
        float(m.days[row] - m.days[col]),
        None if text_score != text_score else text_score,  # NaN: no text both wrote
        *(None if v != v else v for v in fields),
        # sorted tuples: what the first lists that the second has too, still sorted
        [s for s in r.services if s in c.services],
        same,
        [k for k in r.factor_categories if k in c.factor_categories],
    )


def incremental(
    con: duckdb.DuckDBPyConnection,
    feats: list[IncidentFeatures],
    changed: list[IncidentFeatures],
    removed: list[Key],
    settings: RecurrenceSettings,
    state: State,
    known: text.Hashed | None = None,
    ready: Callable[[], None] = lambda: None,
) -> RefreshSummary:
    """Re-score what the changed and removed incidents can have moved (``ready``: called
    before the first write)."""
    assert state.model is not None
    model = text.TextModel.from_bytes(state.model)
    pos = {f.key: n for n, f in enumerate(feats)}
    changed_keys = {f.key for f in changed}
    gone = changed_keys | set(removed)  # old versions no list may keep

    # every incident's vectors: stored ones for the unchanged, new ones for the changed
    unchanged_keys = [f.key for f in feats if f.key not in changed_keys]
    blobs: dict[Key, bytes] = {}
    if unchanged_keys:
        for r, p, i, blob in con.execute(
            "SELECT root, path, incident_id, vector FROM similarity_vectors"
        ).fetchall():
            if (r, p, i) in pos and (r, p, i) not in changed_keys:
                blobs[(r, p, i)] = blob
    new_fields = vectorize(model, changed, known)
    new_blobs = to_blobs(new_fields) if changed else []
    for f, blob in zip(changed, new_blobs, strict=True):
        blobs[f.key] = blob
    m = Matrix.build(
        feats, from_blobs([blobs[f.key] for f in feats]), dedupe=False, common=common(model)
    )

    # lists that held a changed or removed incident are computed again in full
    full_rows = {pos[k] for k in changed_keys}
    for key in keys_listing(con, gone):
        if key in pos:
            full_rows.add(pos[key])
    records = score_rows(m, np.array(sorted(full_rows)), settings, False)

    # the others take in the changed incidents that beat their k-th or their window's best
    rewritten: set[Key] = {m.features[r].key for r in full_rows}
    if changed:
        c_rows = np.array(sorted(pos[k] for k in changed_keys))
        cblock = score_block(m, c_rows, np.arange(len(m)))
        kth, count, best = bars(con, pos, len(m))
        later = c_rows[:, None] < np.arange(len(m))[None, :]
        in_window = m.days[c_rows][:, None] >= m.days[None, :] - settings.window_days
        s = cblock.score
        beats = (
            later
            & (s > 0)
            & (
                (s > kth[None, :])
                | (count[None, :] < settings.k)
                | (in_window & (s > best[None, :]))
                | ((s == kth[None, :]) | (s == best[None, :]))  # a tie may reorder: merge it
            )
        )
        ys = [y for y in np.flatnonzero(beats.any(axis=0)).tolist() if y not in full_rows]
        lists = stored_lists(con, [m.features[y].key for y in ys])
        for y in ys:
            key = m.features[y].key
            merged = merge(m, y, lists.get(key, []), cblock, pos, settings)
            if merged is not None:
                records.extend(merged)
                rewritten.add(key)
    ready()
    delete_for(con, "incident_similarity", rewritten | set(removed))
    insert_rows(con, records)
    delete_for(con, "similarity_vectors", changed_keys | set(removed))
    insert_vectors(con, changed, new_blobs)
    summary = RefreshSummary(
        "incremental",
        len(feats),
        changed=len(changed),
        removed=len(removed),
        rescored=len(full_rows),
    )
    write_state(
        con,
        settings,
        summary,
        state.model,
        state.n_fit,
        state.changed_since_fit + len(changed) + len(removed),
        state.fitted_at,
    )
    return summary


def merge(
    m: Matrix,
    y: int,
    entries: list[tuple[Any, ...]],
    cblock: Block,
    pos: dict[Key, int],
    settings: RecurrenceSettings,
) -> list[tuple[Any, ...]] | None:
    """Row ``y``'s new list from its stored entries (none of them changed) and the scores of
    the changed incidents before it (``cblock``: changed rows x every column); None when the
    list stays as it is."""
    # candidates: (score, column, record or None); a record is built only for what is kept
    cands: list[tuple[float, int, tuple[Any, ...] | None, int]] = [
        (float(e[AT["score"]]), pos[row_key(e, "similar_")], e, -1) for e in entries
    ]
    for ci, c in enumerate(cblock.rows.tolist()):
        s = float(cblock.score[ci, y])
        if c < y and s > 0:
            cands.append((s, c, None, ci))
    if not any(c[2] is None for c in cands):
        return None
    cands.sort(key=lambda c: (-c[0], -c[1]))
    top = cands[: settings.k]
    window = [c for c in cands if m.days[c[1]] >= m.days[y] - settings.window_days]
    best = window[0] if window else None
    if all(c[2] is not None for c in top) and (best is None or best[2] is not None):
        return None  # no changed incident made the list: the stored entries stay as they are
    out: list[tuple[Any, ...]] = []
    chosen = list(top) + ([best] if best is not None and best not in top else [])
    for c in chosen:
        rank = top.index(c) + 1 if c in top else None
        is_best = best is not None and c is best
        if c[2] is not None:
            rec = list(c[2])
            rec[AT["rank"]], rec[AT["window_best"]] = rank, is_best
            out.append(tuple(rec))
        else:
            # symmetric score: row y against column c is the changed row c against column y
            block = cblock.at(c[3], y, rows=np.array([y]), cols=np.array([c[1]]))
            out.append(record(m, block, Pick(0, 0, rank, is_best)))
    return out
