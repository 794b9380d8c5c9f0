"""Each incident's TF-IDF vectors, and the bytes they are stored as in ``similarity_vectors``
(nnz per field as int32, then the indices as int32, then the values as float32), so that a
refresh re-scores only what changed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from pmkit.similar import text
from pmkit.similar.features import TEXT_FIELDS, IncidentFeatures


def time_order(features: list[IncidentFeatures]) -> list[IncidentFeatures]:
    """Time order (then root, path, id): "earlier" means earlier in this order."""
    return sorted(features, key=lambda f: (f.when, f.root, f.path, f.incident_id))


def vectorize(
    model: text.TextModel, feats: Sequence[IncidentFeatures], known: text.Hashed | None = None
) -> dict[str, sp.csr_matrix]:
    """The TF-IDF vectors of ``feats`` with ``model`` (``known``: texts hashed ahead)."""
    if not feats:
        return {name: text.empty(0) for name in TEXT_FIELDS}
    return {
        name: model.vectors(name, text.counts([f.text(name) for f in feats], name, known))
        for name in TEXT_FIELDS
    }


def to_blobs(fields: dict[str, sp.csr_matrix]) -> list[bytes]:
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


def from_blobs(blobs: Sequence[bytes]) -> dict[str, sp.csr_matrix]:
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
