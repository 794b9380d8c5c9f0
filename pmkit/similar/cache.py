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

The work is split by job: ``vectors`` (TF-IDF vectors and their stored bytes), ``tables`` (the
tables' columns, state row, reads and writes), ``rescore`` (scoring rows, the incremental
refresh); this module decides what a refresh recomputes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import duckdb
import pandas as pd

from pmkit.config import Config, RecurrenceSettings
from pmkit.similar import text
from pmkit.similar.features import TEXT_FIELDS, IncidentFeatures, count, load
from pmkit.similar.matrix import Matrix
from pmkit.similar.pruned import score_all
from pmkit.similar.rescore import common, incremental, workers
from pmkit.similar.tables import (
    MODEL_VERSION,
    RefreshSummary,
    insert_rows,
    insert_vectors,
    read_state,
    write_state,
)
from pmkit.similar.vectors import time_order, to_blobs

REFIT_SHARE = 0.1
FULL_BELOW = 2000

__all__ = ["MODEL_VERSION", "RefreshSummary", "refresh", "similar_to"]


def refresh(
    con: duckdb.DuckDBPyConnection,
    config: Config | None = None,
    *,
    full: bool = False,
    known: Callable[[], text.Hashed | None] | None = None,
    before_write: Callable[[], None] | None = None,
) -> RefreshSummary:
    """Bring the similarity tables up to date with the incidents in ``con`` (see the module
    docstring for what is recomputed). ``full`` refits the model and re-scores everything.
    ``known``: the counts of texts hashed ahead (``pmkit.similar.prehash``), asked for when
    texts are to be hashed. ``before_write``: called before the first write (an ingest's
    checkpoint runs behind the reading and computing, ``store.atomic.checkpoint_behind``)."""
    known = known or (lambda: None)
    ready = before_write or (lambda: None)
    started = time.perf_counter()
    settings = (config or Config()).recurrence
    dated, undated = count(con)
    if dated > settings.max_incidents:
        ready()
        con.execute("DELETE FROM incident_similarity")
        con.execute("DELETE FROM similarity_vectors")
        summary = RefreshSummary(
            "skipped",
            dated,
            undated,
            message=f"{dated:,} incidents, more than [recurrence] max_incidents "
            f"= {settings.max_incidents:,}",
        )
        write_state(con, settings, summary, None, 0, 0, None)
        summary.seconds = time.perf_counter() - started
        return summary
    feats, undated = load(con)
    feats = time_order(feats)
    state = read_state(con)

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
        ready()
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
        summary = _full(con, feats, settings, known(), ready)
    else:
        summary = incremental(con, feats, changed, removed, settings, state, known(), ready)
    summary.undated = undated
    con.execute("UPDATE similarity_state SET n_undated = ?", [undated])
    summary.seconds = time.perf_counter() - started
    return summary


def _full(
    con: duckdb.DuckDBPyConnection,
    feats: list[IncidentFeatures],
    settings: RecurrenceSettings,
    known: text.Hashed | None,
    ready: Callable[[], None],
) -> RefreshSummary:
    counts = text.counts_all(
        {name: [f.text(name) for f in feats] for name in TEXT_FIELDS}, workers(), known
    )
    del known  # the rows are in the counts now
    model = text.TextModel.fit(counts)
    fields = {name: model.vectors(name, counts[name]) for name in TEXT_FIELDS}
    del counts  # ~80 MB at 10k incidents, not needed while every pair is scored
    m = Matrix.build(feats, fields, common=common(model))
    records, _stats = score_all(m, settings)
    ready()
    con.execute("DELETE FROM incident_similarity")
    con.execute("DELETE FROM similarity_vectors")
    insert_rows(con, records)
    insert_vectors(con, feats, to_blobs(fields))
    summary = RefreshSummary("full", len(feats), changed=len(feats), rescored=len(feats))
    now = datetime.now(UTC).replace(tzinfo=None)
    write_state(con, settings, summary, model.to_bytes(), len(feats), 0, now)
    return summary


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
