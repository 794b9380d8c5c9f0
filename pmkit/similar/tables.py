"""The similarity tables (``pmkit/sql/schema.sql``): their columns, the state row of the last
refresh, and the reads and writes a refresh makes. Runs on the caller's connection and
transaction; table names are this module's fixed strings, never input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pmkit.config import RecurrenceSettings
from pmkit.similar.features import IncidentFeatures

MODEL_VERSION = "tfidf-hash-3"
"""Changes whenever vectors or scores would differ: a stored table of another version is rebuilt."""

SIM_COLUMNS = (
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
AT = {name: n for n, name in enumerate(SIM_COLUMNS)}
"""Position of each column in a table row (a tuple in ``SIM_COLUMNS`` order)."""
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
class State:
    """The ``similarity_state`` row: the settings and model the stored lists were computed with."""

    status: str
    k: int
    window_days: int
    version: str
    n_fit: int
    changed_since_fit: int
    model: bytes | None
    fitted_at: datetime | None


def read_state(con: duckdb.DuckDBPyConnection) -> State | None:
    """The state row, or None before the first refresh."""
    row = con.execute(
        "SELECT status, k, window_days, model_version, n_fit, changed_since_fit, model, "
        "fitted_at FROM similarity_state LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    status, k, window, version, n_fit, since, model, fitted = row
    return State(status, k or 0, window or 0, version or "", n_fit or 0, since or 0, model, fitted)


def write_state(
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


def insert_rows(con: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=list(SIM_COLUMNS))
    frame["rank"] = frame["rank"].astype("Int32")
    con.register("_pmkit_similarity_new", frame)
    try:
        cols = ", ".join(SIM_COLUMNS)
        con.execute(
            f"INSERT INTO incident_similarity ({cols}) SELECT {cols} FROM _pmkit_similarity_new"  # noqa: S608  (fixed column names)
        )
    finally:
        con.unregister("_pmkit_similarity_new")


def insert_vectors(
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


def delete_for(con: duckdb.DuckDBPyConnection, table: str, keys: Iterable[Key]) -> None:
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


def keys_listing(con: duckdb.DuckDBPyConnection, keys: Iterable[Key]) -> list[Key]:
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


def bars(
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


def stored_lists(
    con: duckdb.DuckDBPyConnection, keys: list[Key]
) -> dict[Key, list[tuple[Any, ...]]]:
    """The stored rows of these incidents' lists."""
    out: dict[Key, list[tuple[Any, ...]]] = {}
    if not keys:
        return out
    want = pd.DataFrame(keys, columns=["r", "p", "i"], dtype=str)
    con.register("_pmkit_similarity_want", want)
    try:
        cols = ", ".join(f"s.{c}" for c in SIM_COLUMNS)
        rows = con.execute(
            f"SELECT {cols} FROM incident_similarity AS s "  # noqa: S608  (fixed names)
            "JOIN _pmkit_similarity_want AS w "
            "ON s.root = w.r AND s.path = w.p AND s.incident_id = w.i"
        ).fetchall()
    finally:
        con.unregister("_pmkit_similarity_want")
    for row in rows:
        out.setdefault(row_key(row, ""), []).append(row)
    return out


def row_key(row: tuple[Any, ...], side: str) -> Key:
    """The incident (``side=""``) or its similar one (``side="similar_"``) of a table row."""
    return (row[AT[side + "root"]], row[AT[side + "path"]], row[AT[side + "incident_id"]])
