"""Every incident's list in a full refresh without scoring every pair: the pairs a shared
service and trigger make likely first, the rest only where they could still matter.

Why it gives exactly what scoring every pair gives. A signal both incidents have but that is 0
for the pair caps the score (``scoring``: the weights of the signals both have, the one at 0
adding to the sum below only): with services on both sides and none shared, a score is at most
``1 - w_service / sum(w)`` = 0.75; with a service shared but both triggers known and different,
at most ``1 - w_trigger / sum(w)`` = 0.85, whatever the texts. So an incident is scored first
against the earlier incidents that share one of its services and have its trigger or none (and
those that list no service, which no cap covers); when its k-th best and its window's best among
them beat 0.85, no other incident can enter its list, and its list is final. The others are
scored against every earlier incident sharing a service (then the cap is 0.75), and the few left
against every earlier incident, as before. Ties cannot cross a cap (strictly above it, with a
margin for float32 rounding), and a pair scores the same in any block (``products``), so the
lists, ranks, window bests and scores equal the full computation's (``tests/test_similar_fast``).

On the synthetic 10k corpus (12 services, 9 triggers) about three quarters of the incidents are
final after the first step. A corpus without services (the real ones) has nothing to prune by:
every incident goes to the last step, the plain computation. Pure numpy: knows nothing of DuckDB.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pmkit.config import RecurrenceSettings
from pmkit.similar.matrix import SPLIT_MIN_DOCS, Matrix
from pmkit.similar.rescore import BLOCK_ROWS, one_blas_thread, record_of, score_rows, workers
from pmkit.similar.scoring import SIGNAL_WEIGHTS, score_block, select

_TOTAL = sum(SIGNAL_WEIGHTS.values())
CAP_OTHER_SERVICE = 1.0 - SIGNAL_WEIGHTS["service"] / _TOTAL
"""The highest score of two incidents that both list services and share none (0.75)."""
CAP_OTHER_TRIGGER = 1.0 - SIGNAL_WEIGHTS["trigger"] / _TOTAL
"""The highest score of two incidents whose triggers are both known and differ (0.85)."""
STEPS: tuple[tuple[str, float], ...] = (
    ("service and trigger", CAP_OTHER_TRIGGER),
    ("service", CAP_OTHER_SERVICE),
)
"""Which earlier incidents a row is scored against at each step, and the cap on all others."""
MIN_INCIDENTS = SPLIT_MIN_DOCS
"""Below this many incidents every pair is scored: it takes a second or two, and many small
blocks cost more than the pairs they save (each sparse product transposes its 2M columns)."""
MARGIN = 1e-4
"""A list is final only when it beats a cap by this much (scores are float32)."""


@dataclass
class PruneStats:
    """How many incidents each step made final (``rows``: every incident but the first)."""

    rows: int = 0
    final: dict[str, int] = field(default_factory=dict)
    """Per step of ``STEPS``: the incidents whose list it made final."""
    in_full: int = 0
    pairs: dict[str, int] = field(default_factory=dict)
    """Per step (and ``full``): the pairs scored, earlier or not (a block is square-ish)."""


Candidate = tuple[float, int, np.ndarray]
"""(score, column, ``Block.values_at`` of the pair) of one earlier incident for a row: the
table row is made only for those kept."""


def score_all(
    m: Matrix, settings: RecurrenceSettings, min_incidents: int | None = None
) -> tuple[list[tuple[Any, ...]], PruneStats]:
    """The table rows of every incident (each against every earlier one), as
    ``rescore.score_rows(m, range(1, n), settings, True)`` gives them; below
    ``min_incidents`` (``MIN_INCIDENTS``) by that plain computation."""
    n = len(m)
    stats = PruneStats(rows=max(0, n - 1))
    if n < 2:
        return [], stats
    if n < (MIN_INCIDENTS if min_incidents is None else min_incidents):
        stats.in_full = n - 1
        stats.pairs["full"] = n * (n - 1) // 2
        return score_rows(m, np.arange(1, n), settings, only_earlier_cols=True), stats
    services = m.services.tocsr()
    lists = [services.indices[services.indptr[i] : services.indptr[i + 1]] for i in range(n)]
    by_service: dict[int, list[int]] = {}
    for i, items in enumerate(lists):
        for s in items.tolist():
            by_service.setdefault(s, []).append(i)
    members = {s: np.array(listed, dtype=np.int64) for s, listed in by_service.items()}
    none = np.array([i for i in range(n) if not len(lists[i])], dtype=np.int64)
    pending = np.array([i for i in range(1, n) if len(lists[i])], dtype=np.int64)
    final: list[tuple[Any, ...]] = []

    trig = m.triggers
    for step, cap in STEPS:
        jobs: list[tuple[np.ndarray, np.ndarray]] = []
        for _s, group in sorted(members.items()):
            rows = np.intersect1d(group, pending)
            if step == "service":
                jobs += _chunks(rows, np.union1d(group, none))
                continue
            for t in np.unique(trig[rows]).tolist():
                if t < 0:
                    continue  # an unknown trigger can be any: only the service step prunes
                cols = group[(trig[group] == t) | (trig[group] < 0)]
                jobs += _chunks(rows[trig[rows] == t], np.union1d(cols, none))
        stats.pairs[step] = sum(len(r) * len(c) for r, c in jobs)
        found = _candidates(m, jobs, settings)
        done = []
        for i in pending.tolist():
            kept = _final(m, i, found.get(i, {}), settings, cap)
            if kept is not None:
                final += kept
                done.append(i)
        stats.final[step] = len(done)
        pending = np.setdiff1d(pending, np.array(done, dtype=np.int64))

    # then every earlier incident: for those left, and those that list no service
    rest = np.union1d(pending, none[none > 0])
    stats.in_full = len(rest)
    stats.pairs["full"] = int(rest.sum())
    final += score_rows(m, rest, settings, only_earlier_cols=True)
    return final, stats


def _chunks(rows: np.ndarray, cols: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Blocks of at most ``BLOCK_ROWS`` of ``rows``, each with the ``cols`` before its last."""
    out = []
    for a in range(0, len(rows), BLOCK_ROWS):
        chunk = rows[a : a + BLOCK_ROWS]
        before = cols[: np.searchsorted(cols, chunk[-1])]
        if len(before):
            out.append((chunk, before))
    return out


def _candidates(
    m: Matrix,
    jobs: list[tuple[np.ndarray, np.ndarray]],
    settings: RecurrenceSettings,
) -> dict[int, dict[int, Candidate]]:
    """Per row, the earlier incidents its blocks kept (top k and window best of each block):
    the union holds the row's top k and window best among all the blocks' columns."""

    def one(job: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, Candidate]]:
        rows, cols = job
        block = score_block(m, rows, cols)
        picks = select(block, m.days, settings.k, settings.window_days)
        pi = np.array([p.i for p in picks], dtype=np.int64)
        pj = np.array([p.j for p in picks], dtype=np.int64)
        values = block.values_at(pi, pj)
        return [
            (r, (v[0], c, v))
            for r, c, v in zip(rows[pi].tolist(), cols[pj].tolist(), values, strict=True)
        ]

    found: dict[int, dict[int, Candidate]] = {}
    with one_blas_thread(), ThreadPoolExecutor(workers()) as pool:
        for picks in pool.map(one, jobs):
            for row, cand in picks:
                found.setdefault(row, {})[cand[1]] = cand
    return found


def _final(
    m: Matrix,
    i: int,
    cands: dict[int, Candidate],
    settings: RecurrenceSettings,
    cap: float,
) -> list[tuple[Any, ...]] | None:
    """Row ``i``'s table rows from its candidates, or None when an incident outside them
    could still be in its top k or be its window's best (at most ``cap``)."""
    ordered = sorted(cands.values(), key=lambda c: (-c[0], -c[1]))
    top = ordered[: settings.k]
    if len(top) < settings.k or top[-1][0] <= cap + MARGIN:
        return None
    start = m.days[i] - settings.window_days
    best = next((c for c in ordered if m.days[c[1]] >= start), None)
    if best is None or best[0] <= cap + MARGIN:
        return None
    out = [record_of(m, i, c[1], rank, c is best, c[2]) for rank, c in enumerate(top, start=1)]
    if not any(c is best for c in top):
        out.append(record_of(m, i, best[1], None, True, best[2]))
    return out
