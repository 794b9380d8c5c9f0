"""The similarity tables in DuckDB and their refresh: the one call ingest makes (``refresh``).

Tables (``pmkit/sql/schema.sql``): ``incident_similarity`` (the k most similar earlier incidents
of each incident, and its best one within the recurrence window, with the reasons),
``similarity_vectors`` (each incident's fingerprint and TF-IDF vectors) and ``similarity_state``
(one row: the fitted model, the settings it was computed with, what the last refresh did).

Why incremental, and how exact. A full computation compares every incident with every earlier
one (the work grows with the square of the corpus: ~N^2/2 pairs). The idf is therefore frozen
between refits: incidents whose fingerprint changed (text, date, services, categories) are
vectorised with the stored model and re-scored against all; an unchanged incident is re-scored
in full only when a changed or removed incident was in its list, and otherwise merges the scores
of the changed ones into its list. The table then equals, exactly, a full computation with the
stored model. The model is refit and everything re-scored when the incidents changed since the
fit exceed ``REFIT_SHARE`` of those it was fitted on, when the settings (``k``, the window)
change, and at every refresh below ``FULL_BELOW`` incidents (where a full run is cheap): the
idf a table rests on is never more than 10% of the corpus out of date.

Runs on the caller's connection and in the caller's transaction: ingest calls it on its private
copy before the rename, so a reader never sees half a refresh.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import scipy.sparse as sp

from pmkit.config import Config, RecurrenceSettings
from pmkit.similar import text
from pmkit.similar.features import TEXT_FIELDS, IncidentFeatures, load
from pmkit.similar.scoring import Block, Matrix, Pick, score_block, select

MODEL_VERSION = "tfidf-hash-3"
"""Changes whenever vectors or scores would differ: a stored table of another version is rebuilt."""
REFIT_SHARE = 0.1
FULL_BELOW = 2000
BLOCK_ROWS = 128
"""Rows scored at a time: a block is rows x (earlier incidents) dense float32 arrays."""

_SIM_COLUMNS = (
    "root",
    "path",
    "incident_id",
    "similar_root",
    "similar_path",
    "similar_incident_id",
    "rank",
    "window_best",
    "score",
    "days_apart",
    "text_score",
    "title_score",
    "summary_score",
    "root_cause_score",
    "factors_score",
    "shared_services",
    "same_trigger",
    "shared_factor_categories",
)
_AT = {name: n for n, name in enumerate(_SIM_COLUMNS)}
"""Position of each column in a table row (a tuple in ``_SIM_COLUMNS`` order)."""
Key = tuple[str, str, str]
"""(root, path, incident_id): an incident, as every table keys it."""


@dataclass
class RefreshSummary:
    """What a refresh did."""

    mode: str
    """``full``, ``incremental``, ``unchanged`` or ``skipped`` (too many incidents)."""
    incidents: int = 0
    undated: int = 0
    changed: int = 0
    removed: int = 0
    rescored: int = 0
    """Incidents whose list was computed again against every earlier incident."""
    seconds: float = 0.0
    message: str = ""

    def render(self) -> str:
        if self.mode == "skipped":
            return (
                f"similarity: not computed ({self.message}; `pmkit similar --refresh` computes it)"
            )
        return (
            f"similarity: {self.mode}, {self.incidents} incidents ({self.changed} changed, "
            f"{self.removed} removed, {self.rescored} re-scored; {self.undated} undated left "
            f"out) in {self.seconds:.2f} s"
        )


@dataclass
class _State:
    status: str
    k: int
    window_days: int
    version: str
    n_fit: int
    changed_since_fit: int
    model: bytes | None
    fitted_at: datetime | None


def _read_state(con: duckdb.DuckDBPyConnection) -> _State | None:
    row = con.execute(
        "SELECT status, k, window_days, model_version, n_fit, changed_since_fit, model, "
        "fitted_at FROM similarity_state LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    status, k, window, version, n_fit, since, model, fitted = row
    return _State(status, k or 0, window or 0, version or "", n_fit or 0, since or 0, model, fitted)


def _write_state(
    con: duckdb.DuckDBPyConnection,
    settings: RecurrenceSettings,
    summary: RefreshSummary,
    model: bytes | None,
    n_fit: int,
    since: int,
    fitted_at: datetime | None,
) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("DELETE FROM similarity_state")
    con.execute(
        "INSERT INTO similarity_state (computed_at, status, message, n_incidents, n_undated, k, "
        "window_days, model_version, fitted_at, n_fit, changed_since_fit, model, last_mode, "
        "last_rescored) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            now,
            "skipped" if summary.mode == "skipped" else "ok",
            summary.message or None,
            summary.incidents,
            summary.undated,
            settings.k,
            settings.window_days,
            MODEL_VERSION,
            fitted_at,
            n_fit,
            since,
            model,
            summary.mode,
            summary.rescored,
        ],
    )


def _order(features: list[IncidentFeatures]) -> list[IncidentFeatures]:
    """Time order (then root, path, id): "earlier" means earlier in this order."""
    return sorted(features, key=lambda f: (f.when, f.root, f.path, f.incident_id))


# -- vectors -----------------------------------------------------------------------------------


def _vectorize(
    model: text.TextModel, feats: Sequence[IncidentFeatures]
) -> dict[str, sp.csr_matrix]:
    if not feats:
        return {name: sp.csr_matrix((0, text.WIDTH), dtype=np.float32) for name in TEXT_FIELDS}
    return {
        name: model.vectors(name, text.counts([f.text(name) for f in feats], name))
        for name in TEXT_FIELDS
    }


def _to_blobs(fields: dict[str, sp.csr_matrix]) -> list[bytes]:
    """Each row's field vectors as bytes: nnz per field (int32), indices (int32), data (float32)."""
    mats = [fields[name].tocsr() for name in TEXT_FIELDS]
    n = mats[0].shape[0] if mats else 0
    out = []
    for i in range(n):
        parts = [
            (m.indices[m.indptr[i] : m.indptr[i + 1]], m.data[m.indptr[i] : m.indptr[i + 1]])
            for m in mats
        ]
        head = np.array([len(p[0]) for p in parts], dtype="<i4")
        idx = np.concatenate([p[0] for p in parts]).astype("<i4")
        val = np.concatenate([p[1] for p in parts]).astype("<f4")
        out.append(head.tobytes() + idx.tobytes() + val.tobytes())
    return out


def _from_blobs(blobs: Sequence[bytes]) -> dict[str, sp.csr_matrix]:
    nf = len(TEXT_FIELDS)
    per_field: list[tuple[list[np.ndarray], list[np.ndarray], list[int]]] = [
        ([], [], [0]) for _ in TEXT_FIELDS
    ]
    for blob in blobs:
        head = np.frombuffer(blob, dtype="<i4", count=nf)
        total = int(head.sum())
        idx = np.frombuffer(blob, dtype="<i4", count=total, offset=4 * nf)
        val = np.frombuffer(blob, dtype="<f4", count=total, offset=4 * (nf + total))
        start = 0
        for f, size in enumerate(head.tolist()):
            ind, dat, ptr = per_field[f]
            ind.append(idx[start : start + size])
            dat.append(val[start : start + size])
            ptr.append(ptr[-1] + size)
            start += size
    out = {}
    for f, name in enumerate(TEXT_FIELDS):
        ind, dat, ptr = per_field[f]
        out[name] = sp.csr_matrix(
            (
                np.concatenate(dat) if dat else np.zeros(0, np.float32),
                np.concatenate(ind) if ind else np.zeros(0, np.int32),
                np.array(ptr, dtype=np.int64),
            ),
            shape=(len(blobs), text.WIDTH),
        )
    return out


# -- scoring many rows ----------------------------------------------------------------------


def _workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _score_rows(
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
        return [_record(m, block, p) for p in picks]

    # scipy's sparse products and numpy release the GIL: two threads use two cores
    out: list[tuple[Any, ...]] = []
    with ThreadPoolExecutor(_workers()) as pool:
        for records in pool.map(one, chunks):
            out.extend(records)
    return out


def _nan_none(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _record(m: Matrix, block: Block, pick: Pick) -> tuple[Any, ...]:
    r = m.features[int(block.rows[pick.i])]
    c = m.features[int(block.cols[pick.j])]
    days = float(m.days[block.rows[pick.i]] - m.days[block.cols[pick.j]])
    same = (
        r.trigger_category
        if r.trigger_category and r.trigger_category == c.trigger_category
        else None
    )
    return (
        r.root,
        r.path,
        r.incident_id,
        c.root,
        c.path,
        c.incident_id,
        pick.rank,
        pick.window_best,
        float(block.score[pick.i, pick.j]),
        days,
        _nan_none(block.text[pick.i, pick.j]),
        *(_nan_none(block.per_field[name][pick.i, pick.j]) for name in TEXT_FIELDS),
        sorted(set(r.services) & set(c.services)),
        same,
        sorted(set(r.factor_categories) & set(c.factor_categories)),
    )


def _insert_rows(con: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=list(_SIM_COLUMNS))
    frame["rank"] = frame["rank"].astype("Int32")
    con.register("_pmkit_similarity_new", frame)
    try:
        cols = ", ".join(_SIM_COLUMNS)
        con.execute(
            f"INSERT INTO incident_similarity ({cols}) SELECT {cols} FROM _pmkit_similarity_new"  # noqa: S608  (fixed column names)
        )
    finally:
        con.unregister("_pmkit_similarity_new")


def _insert_vectors(
    con: duckdb.DuckDBPyConnection, feats: Sequence[IncidentFeatures], blobs: Sequence[bytes]
) -> None:
    if not feats:
        return
    frame = pd.DataFrame(
        {
            "root": [f.root for f in feats],
            "path": [f.path for f in feats],
            "incident_id": [f.incident_id for f in feats],
            "fingerprint": [f.fingerprint for f in feats],
            "vector": list(blobs),
        }
    )
    con.register("_pmkit_vectors_new", frame)
    try:
        con.execute(
            "INSERT INTO similarity_vectors (root, path, incident_id, fingerprint, vector) "
            "SELECT root, path, incident_id, fingerprint, CAST(vector AS BLOB) "
            "FROM _pmkit_vectors_new"
        )
    finally:
        con.unregister("_pmkit_vectors_new")


def _delete_for(con: duckdb.DuckDBPyConnection, table: str, keys: Iterable[Key]) -> None:
    keys = list(keys)
    if not keys:
        return
    frame = pd.DataFrame(keys, columns=["root", "path", "incident_id"], dtype=str)
    con.register("_pmkit_similarity_keys", frame)
    try:
        # table names come from this module's fixed strings, never from input
        con.execute(
            f"DELETE FROM {table} AS t USING _pmkit_similarity_keys AS k "  # noqa: S608
            "WHERE t.root = k.root AND t.path = k.path AND t.incident_id = k.incident_id"
        )
    finally:
        con.unregister("_pmkit_similarity_keys")


# -- refresh -----------------------------------------------------------------------------------


def refresh(
    con: duckdb.DuckDBPyConnection, config: Config | None = None, *, full: bool = False
) -> RefreshSummary:
    """Bring the similarity tables up to date with the incidents in ``con`` (see the module
    docstring for what is recomputed). ``full`` refits the model and re-scores everything."""
    started = time.perf_counter()
    settings = (config or Config()).recurrence
    feats, undated = load(con)
    feats = _order(feats)
    state = _read_state(con)
    if len(feats) > settings.max_incidents:
        con.execute("DELETE FROM incident_similarity")
        con.execute("DELETE FROM similarity_vectors")
        summary = RefreshSummary(
            "skipped",
            len(feats),
            undated,
            message=f"{len(feats):,} incidents, more than [recurrence] max_incidents "
            f"= {settings.max_incidents:,}",
        )
        _write_state(con, settings, summary, None, 0, 0, None)
        summary.seconds = time.perf_counter() - started
        return summary

    stored = {
        (r, p, i): fp
        for r, p, i, fp in con.execute(
            "SELECT root, path, incident_id, fingerprint FROM similarity_vectors"
        ).fetchall()
    }
    current = {f.key: f.fingerprint for f in feats}
    changed = [f for f in feats if stored.get(f.key) != current[f.key]]
    removed = [key for key in stored if key not in current]
    same_settings = (
        state is not None
        and state.status == "ok"
        and state.version == MODEL_VERSION
        and state.k == settings.k
        and state.window_days == settings.window_days
        and state.model is not None
    )
    if same_settings and not changed and not removed and not full:
        con.execute("UPDATE similarity_state SET n_undated = ?", [undated])
        return RefreshSummary(
            "unchanged", len(feats), undated, seconds=time.perf_counter() - started
        )
    drift = (state.changed_since_fit if state else 0) + len(changed) + len(removed)
    if (
        full
        or state is None
        or not same_settings
        or len(feats) <= FULL_BELOW
        or drift > REFIT_SHARE * max(1, state.n_fit)
    ):
        summary = _full(con, feats, settings)
    else:
        summary = _incremental(con, feats, changed, removed, settings, state)
    summary.undated = undated
    con.execute("UPDATE similarity_state SET n_undated = ?", [undated])
    summary.seconds = time.perf_counter() - started
    return summary


def _full(
    con: duckdb.DuckDBPyConnection, feats: list[IncidentFeatures], settings: RecurrenceSettings
) -> RefreshSummary:
    counts = {name: text.counts([f.text(name) for f in feats], name) for name in TEXT_FIELDS}
    model = text.TextModel.fit(counts)
    fields = {name: model.vectors(name, counts[name]) for name in TEXT_FIELDS}
    m = Matrix.build(feats, fields)
    con.execute("DELETE FROM incident_similarity")
    con.execute("DELETE FROM similarity_vectors")
    _insert_rows(con, _score_rows(m, np.arange(1, len(m)), settings, only_earlier_cols=True))
    _insert_vectors(con, feats, _to_blobs(fields))
    summary = RefreshSummary("full", len(feats), changed=len(feats), rescored=len(feats))
    now = datetime.now(UTC).replace(tzinfo=None)
    _write_state(con, settings, summary, model.to_bytes(), len(feats), 0, now)
    return summary


def _incremental(
    con: duckdb.DuckDBPyConnection,
    feats: list[IncidentFeatures],
    changed: list[IncidentFeatures],
    removed: list[Key],
    settings: RecurrenceSettings,
    state: _State,
) -> RefreshSummary:
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
    new_fields = _vectorize(model, changed)
    new_blobs = _to_blobs(new_fields) if changed else []
    for f, blob in zip(changed, new_blobs, strict=True):
        blobs[f.key] = blob
    m = Matrix.build(feats, _from_blobs([blobs[f.key] for f in feats]), dedupe=False)

    # lists that held a changed or removed incident are computed again in full
    full_rows = {pos[k] for k in changed_keys}
    for key in _keys_listing(con, gone):
        if key in pos:
            full_rows.add(pos[key])
    records = _score_rows(m, np.array(sorted(full_rows)), settings, False)

    # the others take in the changed incidents that beat their k-th or their window's best
    rewritten: set[Key] = {m.features[r].key for r in full_rows}
    if changed:
        c_rows = np.array(sorted(pos[k] for k in changed_keys))
        cblock = score_block(m, c_rows, np.arange(len(m)))
        kth, count, best = _bars(con, pos, len(m))
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
        lists = _lists(con, [m.features[y].key for y in ys])
        for y in ys:
            key = m.features[y].key
            merged = _merge(m, y, lists.get(key, []), cblock, pos, settings)
            if merged is not None:
                records.extend(merged)
                rewritten.add(key)
    _delete_for(con, "incident_similarity", rewritten | set(removed))
    _insert_rows(con, records)
    _delete_for(con, "similarity_vectors", changed_keys | set(removed))
    _insert_vectors(con, changed, new_blobs)
    summary = RefreshSummary(
        "incremental",
        len(feats),
        changed=len(changed),
        removed=len(removed),
        rescored=len(full_rows),
    )
    _write_state(
        con,
        settings,
        summary,
        state.model,
        state.n_fit,
        state.changed_since_fit + len(changed) + len(removed),
        state.fitted_at,
    )
    return summary


def _keys_listing(con: duckdb.DuckDBPyConnection, keys: Iterable[Key]) -> list[Key]:
    """Incidents whose stored list holds one of ``keys``."""
    keys = list(keys)
    if not keys:
        return []
    gone = pd.DataFrame(keys, columns=["r", "p", "i"], dtype=str)
    con.register("_pmkit_similarity_gone", gone)
    try:
        return [
            (r, p, i)
            for r, p, i in con.execute(
                "SELECT DISTINCT s.root, s.path, s.incident_id "
                "FROM incident_similarity AS s JOIN _pmkit_similarity_gone AS g "
                "ON s.similar_root = g.r AND s.similar_path = g.p AND s.similar_incident_id = g.i"
            ).fetchall()
        ]
    finally:
        con.unregister("_pmkit_similarity_gone")


def _bars(
    con: duckdb.DuckDBPyConnection, pos: dict[Key, int], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the score of its k-th listed incident, how many it lists, and the score of its
    window's best (-1 when none): what a changed incident must beat to enter its list."""
    kth = np.full(n, -1.0, dtype=np.float32)
    count = np.zeros(n, dtype=np.int64)
    best = np.full(n, -1.0, dtype=np.float32)
    rows = con.execute(
        "SELECT root, path, incident_id, min(score) FILTER (WHERE rank IS NOT NULL), "
        "count(*) FILTER (WHERE rank IS NOT NULL), max(score) FILTER (WHERE window_best) "
        "FROM incident_similarity GROUP BY root, path, incident_id"
    ).fetchall()
    for r, p, i, low, k, top in rows:
        y = pos.get((r, p, i))
        if y is None:
            continue
        kth[y] = low if low is not None else -1.0
        count[y] = k
        best[y] = top if top is not None else -1.0
    return kth, count, best


def _lists(con: duckdb.DuckDBPyConnection, keys: list[Key]) -> dict[Key, list[tuple[Any, ...]]]:
    """The stored rows of these incidents' lists."""
    out: dict[Key, list[tuple[Any, ...]]] = {}
    if not keys:
        return out
    want = pd.DataFrame(keys, columns=["r", "p", "i"], dtype=str)
    con.register("_pmkit_similarity_want", want)
    try:
        cols = ", ".join(f"s.{c}" for c in _SIM_COLUMNS)
        rows = con.execute(
            f"SELECT {cols} FROM incident_similarity AS s "  # noqa: S608  (fixed names)
            "JOIN _pmkit_similarity_want AS w "
            "ON s.root = w.r AND s.path = w.p AND s.incident_id = w.i"
        ).fetchall()
    finally:
        con.unregister("_pmkit_similarity_want")
    for row in rows:
        out.setdefault(_key(row, ""), []).append(row)
    return out


def _key(row: tuple[Any, ...], side: str) -> Key:
    """The incident (``side=""``) or its similar one (``side="similar_"``) of a table row."""
    return (row[_AT[side + "root"]], row[_AT[side + "path"]], row[_AT[side + "incident_id"]])


def _merge(
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
        (float(e[_AT["score"]]), pos[_key(e, "similar_")], e, -1) for e in entries
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
            rec[_AT["rank"]], rec[_AT["window_best"]] = rank, is_best
            out.append(tuple(rec))
        else:
            # symmetric score: row y against column c is the changed row c against column y
            block = Block(
                rows=np.array([y]),
                cols=np.array([c[1]]),
                score=cblock.score[c[3] : c[3] + 1, y : y + 1],
                text=cblock.text[c[3] : c[3] + 1, y : y + 1],
                per_field={k: v[c[3] : c[3] + 1, y : y + 1] for k, v in cblock.per_field.items()},
            )
            out.append(_record(m, block, Pick(0, 0, rank, is_best)))
    return out


def similar_to(
    con: duckdb.DuckDBPyConnection, root: str, path: str, incident_id: str, k: int | None = None
) -> pd.DataFrame:
    """The stored similar earlier incidents of one incident (its file is ``root``/``path``),
    best first, with their titles, dates and severities."""
    return con.execute(
        """
        SELECT s.rank, s.window_best, s.score, s.days_apart, s.similar_root, s.similar_path,
               s.similar_incident_id, i.title,
               COALESCE(CAST(i.started_at AS DATE), i.incident_date) AS day,
               i.severity_label, i.severity_level, s.text_score, s.title_score, s.summary_score,
               s.root_cause_score, s.factors_score, s.shared_services, s.same_trigger,
               s.shared_factor_categories
        FROM incident_similarity AS s
        LEFT JOIN incidents AS i ON i.root = s.similar_root AND i.path = s.similar_path
            AND i.incident_id = s.similar_incident_id
        WHERE s.root = $root AND s.path = $path AND s.incident_id = $iid
          AND ($k IS NULL OR s.rank <= $k)
        ORDER BY s.score DESC, day DESC
        """,
        {"root": root, "path": path, "iid": incident_id, "k": k},
    ).df()
