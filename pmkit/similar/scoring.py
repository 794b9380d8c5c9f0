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
from typing import Any

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
SPLIT_MIN_DOCS = 2000
"""From this many incidents on, the n-grams common to many of them go through a dense product
(``Matrix.split``): a sparse product costs the square of how many incidents share an n-gram, and
a few hundred n-grams in more than ``SPLIT_SHARE`` of a corpus made most of that cost."""
SPLIT_SHARE = 0.15


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
    split: dict[str, Split] = field(default_factory=dict)
    """Per text field, when its common n-grams are split off (``build(common=...)``)."""

    @classmethod
    def build(
        cls,
        features: list[IncidentFeatures],
        fields: dict[str, sp.csr_matrix],
        dedupe: bool = True,
        common: dict[str, np.ndarray] | None = None,
    ) -> Matrix:
        """``dedupe``: find the texts written word for word more than once (worth it when every
        incident is compared with every other, not for a few). ``common``: per field, the
        n-grams to split off (``TextModel.common``; only for many incidents, see ``Split``),
        held as dense arrays too when ``dedupe`` (every incident is to be scored)."""
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
            split={
                name: Split.of(distinct[name][0], buckets, dense=dedupe)
                for name, buckets in (common or {}).items()
                if len(buckets)
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


def _take(x: sp.csr_matrix, idx: np.ndarray) -> sp.csr_matrix:
    return x[idx] if len(idx) != x.shape[0] else x


@dataclass
class Split:
    """A field's common n-grams (``TextModel.common``) apart from the others.

    A cosine is then the product of the common parts, summed in float64 and rounded to float32,
    plus the product of the rest, summed in float32 in the order of the corpus row's n-grams as
    a plain sparse product sums it (the common ones, missing on the other side, add nothing).
    Either part comes out the same whichever way it is computed (dense for a block of many rows,
    sparse for a few; in float64 the order of a sum is lost when it is rounded to float32), so a
    refresh of some rows gives what a full one does.
    """

    mask: np.ndarray
    """bool per bucket: the common ones."""
    dense: np.ndarray | None = None
    """The distinct rows' common n-grams as a dense float64 array (C order), for blocks of many
    rows (``dense=True``: a full refresh)."""
    rest: sp.csr_matrix | None = None
    """With ``dense``: the rows without the common n-grams, columns renumbered to those in use
    (a block's transpose then costs what its rows hold, not 2M columns)."""

    @classmethod
    def of(cls, x: sp.csr_matrix, buckets: np.ndarray, dense: bool) -> Split:
        mask = np.zeros(x.shape[1], dtype=bool)
        mask[buckets] = True
        if not dense:
            return cls(mask)
        x = x.tocsr()
        where = np.full(x.shape[1], -1, dtype=np.int64)
        where[buckets] = np.arange(len(buckets))
        col = where[x.indices]
        hit = col >= 0
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        common = np.zeros((x.shape[0], len(buckets)), dtype=np.float64)
        common[rows[hit], col[hit]] = x.data[hit]
        used, compact = np.unique(x.indices[~hit], return_inverse=True)
        indptr = np.zeros(x.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows[~hit], minlength=x.shape[0]), out=indptr[1:])
        rest = sp.csr_matrix(
            (x.data[~hit], compact.astype(np.int32), indptr),
            shape=(x.shape[0], max(1, len(used))),
        )
        return cls(mask, common, rest)

    def products(
        self, x: sp.csr_matrix, ru: np.ndarray, cu: np.ndarray, prefix: bool
    ) -> np.ndarray:
        """ru x cu cosines of the distinct rows ``x`` (as :func:`_cosines`)."""
        if self.dense is not None and self.rest is not None and len(ru) >= DENSE_MIN_ROWS:
            right = self.dense[: len(cu)] if prefix else self.dense[cu]
            common = (self.dense[ru] @ right.T).astype(np.float32)
            return _sparse_products(self.rest, ru, cu, prefix) + common
        block = _take(x, ru).tocsr()
        hit = self.mask[block.indices]
        row = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
        ptr_hit = np.zeros(block.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(row[hit], minlength=block.shape[0]), out=ptr_hit[1:])
        ptr_rest = block.indptr - ptr_hit
        shape = block.shape
        rest = sp.csr_matrix((block.data[~hit], block.indices[~hit], ptr_rest), shape=shape)
        common = sp.csr_matrix(
            (block.data[hit].astype(np.float64), block.indices[hit], ptr_hit), shape=shape
        )
        left = x[: len(cu)] if prefix else _take(x, cu)
        # the rest: the corpus rows whole, the block without its common n-grams; the same sums
        # in the same order as with the corpus rows split
        product = _product(left, rest.T.tocsr()).T
        return product + (left.astype(np.float64) @ common.T).T.toarray().astype(np.float32)


DENSE_MIN_ROWS = 8
"""Distinct texts in a block from which its common n-grams go through the dense product."""


def _sparse_products(x: sp.csr_matrix, ru: np.ndarray, cu: np.ndarray, prefix: bool) -> np.ndarray:
    """ru x cu products of the rows of ``x``, float32, summed in the order of each cu row."""
    # the long side on the left, the block transposed on the right: scipy converts the right
    # operand to CSR, which is cheap for the block and costly for the corpus
    right = _take(x, ru).T.tocsr()
    if prefix:
        return _product(x, right, a_rows=len(cu)).T
    return _product(_take(x, cu), right).T


def _product(a: sp.csr_matrix, b: sp.csr_matrix, a_rows: int | None = None) -> np.ndarray:
    """``a @ b`` (``a``'s first ``a_rows`` rows only, when given) as a dense float32 array.

    scipy's product counts the result's entries in a first pass as costly as the product
    itself, to size it; a block's result is nearly dense, so it is given room for every entry
    and computed in one pass (same sums in the same order: the same values)."""
    m = a.shape[0] if a_rows is None else a_rows
    n = b.shape[1]
    a_indptr = a.indptr[: m + 1]
    try:
        from scipy.sparse import _sparsetools

        idx = np.int64 if max(m * n, a.nnz, b.nnz) >= 2**31 - 1 else np.int32
        indptr: Any = np.empty(m + 1, dtype=idx)
        indices: Any = np.empty(max(1, m * n), dtype=idx)
        data = np.empty(max(1, m * n), dtype=np.float32)
        _sparsetools.csr_matmat(
            m,
            n,
            a_indptr.astype(idx, copy=False),
            a.indices.astype(idx, copy=False),
            a.data.astype(np.float32, copy=False),
            b.indptr.astype(idx, copy=False),
            b.indices.astype(idx, copy=False),
            b.data.astype(np.float32, copy=False),
            indptr,
            indices,
            data,
        )
    except (ImportError, AttributeError, TypeError, ValueError):  # scipy's internals moved
        head = a if a_rows is None else a[:a_rows]
        return (head @ b).toarray().astype(np.float32)
    nnz = int(indptr[-1])
    return sp.csr_matrix((data[:nnz], indices[:nnz], indptr), shape=(m, n)).toarray()


def _cosines(
    field: tuple[sp.csr_matrix, np.ndarray],
    rows: np.ndarray,
    cols: np.ndarray,
    split: Split | None = None,
) -> np.ndarray:
    """rows x cols cosines of one field, each distinct pair of texts computed once."""
    distinct, inverse = field
    ru, inv_r = np.unique(inverse[rows], return_inverse=True)
    cu, inv_c = np.unique(inverse[cols], return_inverse=True)
    # distinct texts are numbered as they first appear, in time order: the earlier columns of
    # a block are usually a first stretch of them, taken without a copy
    prefix = len(cu) > 0 and cu[-1] == len(cu) - 1
    if split is None:
        product = _sparse_products(distinct, ru, cu, prefix)
    else:
        product = split.products(distinct, ru, cu, prefix)
    return product[inv_r][:, inv_c]


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
        cos = _cosines(m.fields[name], rows, cols, m.split.get(name))
        cosines[name] = cos
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
