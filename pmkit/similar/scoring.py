"""Scores of incidents against incidents: text, shared services, trigger and factor categories.

``score = sum(weight * signal) / sum(weight of the signals both incidents have)``, with

- ``text``: the square root of the cosines of the TF-IDF vectors of title, summary, root cause
  and factors, each field weighted by ``FIELD_WEIGHTS`` and averaged over the fields both
  incidents wrote. Why the root: two write-ups of one failure typically have cosines of 0.2 to
  0.5, and on that scale a shared yes/no category (the same trigger) outranked shared words;
  the root keeps the order of texts and puts them on the scale of the other signals;
- ``service``: 1 when they list a service in common, 0 when both list services but none shared;
- ``trigger``: 1 when their trigger categories are the same known category, else 0;
- ``factors``: the share of the shorter list of (primary) factor categories that the other
  list has too (overlap coefficient): one write-up lists more factors than another.

A signal one of the two lacks (no services written, trigger unknown, no factors) is left out of
both sums rather than counted as a difference: a missing value is not a mismatch. The score is
symmetric and lies in [0, 1]. Pure numpy / scipy: knows nothing of DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pmkit.similar.features import TEXT_FIELDS
from pmkit.similar.matrix import Matrix
from pmkit.similar.products import field_cosines, take

FIELD_WEIGHTS: dict[str, float] = {
    "title": 0.2,
    "summary": 0.35,
    "root_cause": 0.35,
    "factors": 0.1,
}
SIGNAL_WEIGHTS: dict[str, float] = {
    "text": 0.5,
    "service": 0.25,
    "trigger": 0.15,
    "factors": 0.1,
}
"""Chosen on synthetic corpora other than the demo one (seeds 8-10 at 300 incidents, best
worst-of precision, recall and recall of the reworded planted repeats): a shared service weighs
most after the text, because the same words about another service describe another system."""


class Block:
    """Scores of ``rows`` (indices into the matrix) against ``cols``: dense arrays.

    Only ``score`` is needed for every pair (to pick the most similar); the text and per-field
    cosines, with NaN where one side lacks the text, are needed for the few kept, so a block
    from :func:`score_block` makes them for a pair (``text_at``, ``field_at``) or, asked for
    ``text`` or ``per_field``, for all at once.
    """

    def __init__(
        self,
        rows: np.ndarray,
        cols: np.ndarray,
        score: np.ndarray,
        text: np.ndarray | None = None,
        per_field: dict[str, np.ndarray] | None = None,
        *,
        cosines: dict[str, np.ndarray] | None = None,
        present: tuple[np.ndarray, np.ndarray] | None = None,
        text_mean: np.ndarray | None = None,
    ) -> None:
        self.rows = rows
        self.cols = cols
        self.score = score
        self._text = text
        self._per_field = per_field
        self._cosines = cosines or {}
        self._present = present
        """(rows x fields, cols x fields) bool: the field is written."""
        self._text_mean = text_mean
        """``text`` with 0 instead of NaN."""

    @property
    def text(self) -> np.ndarray:
        """Weighted mean cosine of the fields both wrote (the score takes its square root); NaN
        where the two share no written text field."""
        if self._text is None:
            assert self._present is not None and self._text_mean is not None
            pr, pc = self._present
            has = (pr.astype(np.float32) @ pc.astype(np.float32).T) > 0
            self._text = np.where(has, self._text_mean, np.nan).astype(np.float32)
        return self._text

    @property
    def per_field(self) -> dict[str, np.ndarray]:
        """Cosine per field; NaN where either lacks the field."""
        if self._per_field is None:
            assert self._present is not None
            pr, pc = self._present
            self._per_field = {
                name: np.where(np.outer(pr[:, f], pc[:, f]), self._cosines[name], np.nan).astype(
                    np.float32
                )
                for f, name in enumerate(TEXT_FIELDS)
            }
        return self._per_field

    def text_at(self, i: int, j: int) -> float | None:
        """``text[i, j]``, None for NaN."""
        if self._text is None and self._present is not None and self._text_mean is not None:
            pr, pc = self._present
            return float(self._text_mean[i, j]) if (pr[i] & pc[j]).any() else None
        value = self.text[i, j]
        return None if np.isnan(value) else float(value)

    def field_at(self, name: str, i: int, j: int) -> float | None:
        """``per_field[name][i, j]``, None for NaN."""
        if self._per_field is None and self._present is not None:
            pr, pc = self._present
            f = TEXT_FIELDS.index(name)
            return float(self._cosines[name][i, j]) if pr[i, f] and pc[j, f] else None
        value = self.per_field[name][i, j]
        return None if np.isnan(value) else float(value)

    def values_at(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Many pairs at once: per pair (``i[n]``, ``j[n]``) its score, text and per-field
        cosines (``TEXT_FIELDS`` order), NaN where ``text_at`` / ``field_at`` give None; float64,
        pairs x (2 + fields)."""
        out = np.empty((len(i), 2 + len(TEXT_FIELDS)), dtype=np.float64)
        out[:, 0] = self.score[i, j]
        if self._text is None and self._present is not None and self._text_mean is not None:
            pr, pc = self._present
            both = pr[i] & pc[j]
            out[:, 1] = np.where(both.any(axis=1), self._text_mean[i, j], np.nan)
            for f, name in enumerate(TEXT_FIELDS):
                out[:, 2 + f] = np.where(both[:, f], self._cosines[name][i, j], np.nan)
            return out
        out[:, 1] = self.text[i, j]
        for f, name in enumerate(TEXT_FIELDS):
            out[:, 2 + f] = self.per_field[name][i, j]
        return out

    def at(self, i: int, j: int, rows: np.ndarray, cols: np.ndarray) -> Block:
        """The pair (i, j) alone, as a 1 x 1 block of ``rows`` x ``cols``."""
        nan = np.float32(np.nan)
        text = self.text_at(i, j)
        return Block(
            rows,
            cols,
            self.score[i : i + 1, j : j + 1],
            np.array([[nan if text is None else text]], dtype=np.float32),
            {
                name: np.array([[nan if v is None else v]], dtype=np.float32)
                for name in TEXT_FIELDS
                for v in [self.field_at(name, i, j)]
            },
        )


def score_block(m: Matrix, rows: np.ndarray, cols: np.ndarray) -> Block:
    """Every score of ``rows`` x ``cols`` (indices into ``m``)."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    shape = (len(rows), len(cols))
    weights = np.array([FIELD_WEIGHTS[name] for name in TEXT_FIELDS], dtype=np.float32)
    pr = m.present[rows].astype(np.float32)
    pc = m.present[cols].astype(np.float32)
    text_num = np.zeros(shape, dtype=np.float32)
    cosines: dict[str, np.ndarray] = {}
    for j, name in enumerate(TEXT_FIELDS):
        cos = field_cosines(m.fields[name], rows, cols, m.split.get(name))
        cosines[name] = cos
        text_num += weights[j] * cos
    text_den = (pr * weights) @ pc.T
    has_text = text_den > 0
    text = np.divide(text_num, text_den, out=np.zeros(shape, dtype=np.float32), where=has_text)

    w = SIGNAL_WEIGHTS
    num = w["text"] * np.sqrt(text)
    den = w["text"] * has_text.astype(np.float32)

    s_r, s_c = take(m.services, rows), take(m.services, cols)
    has_r = np.diff(s_r.indptr) > 0
    has_c = np.diff(s_c.indptr) > 0
    both = np.outer(has_r, has_c)
    shared = (s_r @ s_c.T).toarray() > 0
    num += w["service"] * (shared & both)
    den += w["service"] * both

    t_r, t_c = m.triggers[rows], m.triggers[cols]
    both = np.outer(t_r >= 0, t_c >= 0)
    num += w["trigger"] * ((t_r[:, None] == t_c[None, :]) & both)
    den += w["trigger"] * both

    c_r, c_c = take(m.categories, rows), take(m.categories, cols)
    n_r = np.diff(c_r.indptr).astype(np.float32)
    n_c = np.diff(c_c.indptr).astype(np.float32)
    both = np.outer(n_r > 0, n_c > 0)
    inter = (c_r @ c_c.T).toarray().astype(np.float32)
    shorter = np.minimum(n_r[:, None], n_c[None, :])
    overlap = np.divide(inter, shorter, out=np.zeros(shape, dtype=np.float32), where=shorter > 0)
    num += w["factors"] * overlap * both
    den += w["factors"] * both

    score = np.divide(num, den, out=np.zeros(shape, dtype=np.float32), where=den > 0)
    return Block(
        rows,
        cols,
        score.astype(np.float32, copy=False),
        cosines=cosines,
        present=(m.present[rows], m.present[cols]),
        text_mean=text,
    )


@dataclass(frozen=True)
class Pick:
    """A kept (row, column) of a block: positions in ``block.rows`` and ``block.cols``."""

    i: int
    j: int
    rank: int | None
    """1 = most similar earlier incident; None: kept only as the window's best."""
    window_best: bool
    """The most similar earlier incident within the recurrence window."""


def select(
    block: Block, days: np.ndarray, k: int, window_days: int, earlier: np.ndarray | None = None
) -> list[Pick]:
    """Per row of ``block``: its ``k`` best earlier columns and its best within
    ``window_days`` before it. ``earlier`` (rows x cols, bool) says which columns count as
    earlier; by default those with a smaller index (the matrix is in time order). A score of 0
    is never kept. Ties go to the more recent incident (the larger index)."""
    if earlier is None:
        earlier = block.cols[None, :] < block.rows[:, None]
    masked = np.where(earlier & (block.score > 0), block.score, -np.inf)
    n_rows, n_cols = masked.shape
    if not n_rows or not n_cols:
        return []
    d_r, d_c = days[block.rows], days[block.cols]
    # each row's k-th best score: every column at or above it is a candidate for the top k
    if n_cols > k:
        kth = np.partition(masked, n_cols - k, axis=1)[:, n_cols - k]
    else:
        kth = np.full(n_rows, -np.inf, dtype=masked.dtype)
    ci, cj = np.nonzero((masked >= kth[:, None]) & (masked > -np.inf))
    # by row, then best first, ties to the more recent (larger) column
    order = np.lexsort((-block.cols[cj], -masked[ci, cj], ci))
    ci, cj = ci[order], cj[order]
    starts = np.searchsorted(ci, np.arange(n_rows + 1))
    # each row's best within the window: the last column holding the row's window maximum
    in_window = np.where(d_c[None, :] >= d_r[:, None] - window_days, masked, -np.inf)
    best_score = in_window.max(axis=1)
    best_col = n_cols - 1 - np.argmax(in_window[:, ::-1], axis=1)
    picks: list[Pick] = []
    for i in np.flatnonzero((starts[1:] > starts[:-1]) | (best_score > -np.inf)).tolist():
        top = cj[starts[i] : starts[i + 1]][:k].tolist()
        best = int(best_col[i]) if best_score[i] > -np.inf else -1
        for rank, j in enumerate(top, start=1):
            picks.append(Pick(i, j, rank, j == best))
        if best >= 0 and best not in top:
            picks.append(Pick(i, best, None, True))
    return picks
