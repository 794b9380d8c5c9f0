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

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from pmkit.similar.features import TEXT_FIELDS, IncidentFeatures

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
_EPOCH = np.datetime64("1970-01-01T00:00:00", "s")


def _indicator(values: Sequence[Sequence[str]], vocab: dict[str, int]) -> sp.csr_matrix:
    rows, cols = [], []
    for i, items in enumerate(values):
        for item in items:
            rows.append(i)
            cols.append(vocab.setdefault(item, len(vocab)))
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(values), max(1, len(vocab))))


def _distinct(x: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """The distinct rows of ``x`` and, for each row, the index of its distinct row."""
    seen: dict[bytes, int] = {}
    inverse = np.empty(x.shape[0], dtype=np.int64)
    keep: list[int] = []
    for i in range(x.shape[0]):
        a, b = x.indptr[i], x.indptr[i + 1]
        key = x.indices[a:b].tobytes() + b"|" + x.data[a:b].tobytes()
        n = seen.get(key)
        if n is None:
            n = seen[key] = len(keep)
            keep.append(i)
        inverse[i] = n
    return x[np.array(keep, dtype=np.int64)] if len(keep) != x.shape[0] else x, inverse


@dataclass
class Matrix:
    """Incidents as arrays, row ``i`` = ``features[i]``."""

    features: list[IncidentFeatures]
    days: np.ndarray
    """Days since 1970 (float) of each incident's ``when``."""
    fields: dict[str, tuple[sp.csr_matrix, np.ndarray]]
    """Per text field: its distinct unit TF-IDF rows and, per incident, which row is its own.
    Incidents often repeat a text word for word (a root cause copied from a template): each
    distinct text is compared once (an empty row: the field is not written)."""
    present: np.ndarray
    """bool, incidents x fields: the field has a vector."""
    services: sp.csr_matrix
    triggers: np.ndarray
    """int codes, -1 = unknown."""
    categories: sp.csr_matrix
    vocab: dict[str, dict[str, int]] = field(default_factory=dict)
    """Column of each service (``services``), category (``categories``) and code of each
    trigger (``triggers``): what ``with_row`` needs to add one incident."""

    @classmethod
    def build(
        cls,
        features: list[IncidentFeatures],
        fields: dict[str, sp.csr_matrix],
        dedupe: bool = True,
    ) -> Matrix:
        """``dedupe``: find the texts written word for word more than once (worth it when every
        incident is compared with every other, not for a few)."""
        when = np.array(
            [np.datetime64(f.when, "s") if f.when else _EPOCH for f in features],
            dtype="datetime64[s]",
        )
        days = (when - _EPOCH).astype(np.float64) / 86400.0
        distinct = {
            name: _distinct(fields[name].tocsr())
            if dedupe
            else (fields[name].tocsr(), np.arange(len(features), dtype=np.int64))
            for name in TEXT_FIELDS
        }
        present = np.zeros((len(features), len(TEXT_FIELDS)), dtype=bool)
        for j, name in enumerate(TEXT_FIELDS):
            rows, inverse = distinct[name]
            present[:, j] = (np.diff(rows.indptr) > 0)[inverse]
        trigger_codes: dict[str, int] = {}
        service_cols: dict[str, int] = {}
        category_cols: dict[str, int] = {}
        triggers = np.array(
            [
                trigger_codes.setdefault(f.trigger_category, len(trigger_codes))
                if f.trigger_category
                else -1
                for f in features
            ],
            dtype=np.int32,
        )
        return cls(
            features=features,
            days=days,
            fields=distinct,
            present=present,
            services=_indicator([f.services for f in features], service_cols),
            triggers=triggers,
            categories=_indicator([f.factor_categories for f in features], category_cols),
            vocab={
                "services": service_cols,
                "categories": category_cols,
                "triggers": trigger_codes,
            },
        )

    def with_row(self, feature: IncidentFeatures, fields: dict[str, sp.csr_matrix]) -> Matrix:
        """This matrix and one more incident (its one-row ``fields``), as the last row: what a
        draft is compared with, without building the corpus again."""
        vocab = {k: dict(v) for k, v in self.vocab.items()}
        distinct = {}
        for name in TEXT_FIELDS:
            rows, inverse = self.fields[name]
            distinct[name] = (
                sp.vstack([rows, fields[name]], format="csr"),
                np.append(inverse, rows.shape[0]),
            )
        present = np.vstack([self.present, [np.diff(fields[n].indptr)[0] > 0 for n in TEXT_FIELDS]])
        when = np.datetime64(feature.when, "s") if feature.when else _EPOCH
        days = np.append(self.days, (when - _EPOCH).astype(np.float64) / 86400.0)
        code = (
            vocab["triggers"].setdefault(feature.trigger_category, len(vocab["triggers"]))
            if feature.trigger_category
            else -1
        )

        def grow(old: sp.csr_matrix, items: Sequence[str], cols: dict[str, int]) -> sp.csr_matrix:
            new = _indicator([items], cols)
            width = max(old.shape[1], new.shape[1])
            old = sp.csr_matrix((old.data, old.indices, old.indptr), shape=(old.shape[0], width))
            new = sp.csr_matrix((new.data, new.indices, new.indptr), shape=(1, width))
            return sp.vstack([old, new], format="csr")

        return Matrix(
            features=[*self.features, feature],
            days=days,
            fields=distinct,
            present=present,
            services=grow(self.services, feature.services, vocab["services"]),
            triggers=np.append(self.triggers, np.int32(code)),
            categories=grow(self.categories, feature.factor_categories, vocab["categories"]),
            vocab=vocab,
        )

    def __len__(self) -> int:
        return len(self.features)


@dataclass
class Block:
    """Scores of ``rows`` (indices into the matrix) against ``cols``: dense arrays."""

    rows: np.ndarray
    cols: np.ndarray
    score: np.ndarray
    text: np.ndarray
    """Weighted mean cosine of the fields both wrote (the score takes its square root); NaN
    where the two share no written text field."""
    per_field: dict[str, np.ndarray]
    """Cosine per field; NaN where either lacks the field."""


def _take(x: sp.csr_matrix, idx: np.ndarray) -> sp.csr_matrix:
    return x[idx] if len(idx) != x.shape[0] else x


def _cosines(
    field: tuple[sp.csr_matrix, np.ndarray], rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """rows x cols cosines of one field, each distinct pair of texts computed once."""
    distinct, inverse = field
    ru, inv_r = np.unique(inverse[rows], return_inverse=True)
    cu, inv_c = np.unique(inverse[cols], return_inverse=True)
    # the long side on the left, the block transposed on the right: scipy converts the right
    # operand to CSR, which is cheap for the block and costly for the corpus
    product = (_take(distinct, cu) @ _take(distinct, ru).T.tocsr()).T.toarray()
    return product.astype(np.float32)[inv_r][:, inv_c]


def score_block(m: Matrix, rows: np.ndarray, cols: np.ndarray) -> Block:
    """Every score of ``rows`` x ``cols`` (indices into ``m``)."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    shape = (len(rows), len(cols))
    weights = np.array([FIELD_WEIGHTS[name] for name in TEXT_FIELDS], dtype=np.float32)
    pr = m.present[rows].astype(np.float32)
    pc = m.present[cols].astype(np.float32)
    text_num = np.zeros(shape, dtype=np.float32)
    per_field: dict[str, np.ndarray] = {}
    for j, name in enumerate(TEXT_FIELDS):
        cos = _cosines(m.fields[name], rows, cols)
        both = np.outer(pr[:, j], pc[:, j]) > 0
        per_field[name] = np.where(both, cos, np.nan).astype(np.float32)
        text_num += weights[j] * cos
    text_den = (pr * weights) @ pc.T
    has_text = text_den > 0
    text = np.divide(text_num, text_den, out=np.zeros(shape, dtype=np.float32), where=has_text)

    w = SIGNAL_WEIGHTS
    num = w["text"] * np.sqrt(text)
    den = w["text"] * has_text.astype(np.float32)

    s_r, s_c = _take(m.services, rows), _take(m.services, cols)
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

    c_r, c_c = _take(m.categories, rows), _take(m.categories, cols)
    n_r = np.diff(c_r.indptr).astype(np.float32)
    n_c = np.diff(c_c.indptr).astype(np.float32)
    both = np.outer(n_r > 0, n_c > 0)
    inter = (c_r @ c_c.T).toarray().astype(np.float32)
    shorter = np.minimum(n_r[:, None], n_c[None, :])
    overlap = np.divide(inter, shorter, out=np.zeros(shape, dtype=np.float32), where=shorter > 0)
    num += w["factors"] * overlap * both
    den += w["factors"] * both

    score = np.divide(num, den, out=np.zeros(shape, dtype=np.float32), where=den > 0)
    text_out = np.where(has_text, text, np.nan).astype(np.float32)
    return Block(rows, cols, score.astype(np.float32), text_out, per_field)


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
    d_r, d_c = days[block.rows], days[block.cols]
    in_window = d_c[None, :] >= d_r[:, None] - window_days
    picks: list[Pick] = []
    for i in range(len(block.rows)):
        line = masked[i]
        valid = np.flatnonzero(line > -np.inf)
        if not len(valid):
            continue
        top = valid
        if len(valid) > k:
            cutoff = np.partition(line[valid], len(valid) - k)[len(valid) - k]
            top = valid[line[valid] >= cutoff]
        top = top[np.lexsort((-block.cols[top], -line[top]))][:k]
        w_valid = valid[in_window[i, valid]]
        best = -1
        if len(w_valid):
            best = int(w_valid[np.lexsort((-block.cols[w_valid], -line[w_valid]))[0]])
        for rank, j in enumerate(top.tolist(), start=1):
            picks.append(Pick(i, j, rank, j == best))
        if best >= 0 and best not in top:
            picks.append(Pick(i, best, None, True))
    return picks
