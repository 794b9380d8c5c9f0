"""Cosines of one text field between many incidents and many: the sparse products, and the
common n-grams of a large corpus taken apart into a dense product (``Split``).

Pure numpy / scipy: knows nothing of DuckDB, nor of what the cosines are weighed into
(``pmkit.similar.scoring``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp


def take(x: sp.csr_matrix, idx: np.ndarray) -> sp.csr_matrix:
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
        # the columns in use, renumbered in order (np.unique's numbering, without its sort)
        rest_cols = x.indices[~hit]
        in_use = np.bincount(rest_cols, minlength=x.shape[1]) > 0
        used = np.flatnonzero(in_use)
        compact = (np.cumsum(in_use) - 1)[rest_cols]
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
        """ru x cu cosines of the distinct rows ``x`` (as :func:`field_cosines`)."""
        if self.dense is not None and self.rest is not None and len(ru) >= DENSE_MIN_ROWS:
            right = self.dense[: len(cu)] if prefix else self.dense[cu]
            common = (self.dense[ru] @ right.T).astype(np.float32)
            return _sparse_products(self.rest, ru, cu, prefix) + common
        block = take(x, ru).tocsr()
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
        left = x[: len(cu)] if prefix else take(x, cu)
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
    right = take(x, ru).T.tocsr()
    if prefix:
        return _product(x, right, a_rows=len(cu)).T
    return _product(take(x, cu), right).T


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


def field_cosines(
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
