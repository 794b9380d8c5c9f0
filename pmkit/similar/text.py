"""TF-IDF text vectors: hashed word and character n-grams, cosine similarity.

Why hashing (scikit-learn's ``HashingVectorizer``, reproduced bucket for bucket by
``pmkit.similar.hashing`` without importing scikit-learn): the model is then only the document
frequency of each hash bucket, an array of integers that fits in a DuckDB blob and loads without
pickle, and a changed file is vectorised alone, without re-reading the corpus. Word 1-2-grams
catch shared terms and phrases, character 3-5-grams within words catch other forms of the same
word ("expired" / "expiry", "OOM" / "OOMKilled"); each half is normalised on its own, so both
count equally, then the whole vector has unit length: a dot product is a cosine.

Dates and times are taken out of every text first ("2018-01-17, Hub 403", "at 14:05 UTC"): they
say when, not what, and two unrelated titles of the same month looked alike by them.

The idf can be frozen: vectors made with the same ``TextModel`` compare exactly, whatever was
added to the corpus since it was fitted (``pmkit.similar.cache`` decides when to refit).
Pure: knows nothing of DuckDB.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from pmkit.similar.hashing import N_FEATURES, Hasher, clean, word_terms

__all__ = ["N_FEATURES", "clean"]

WIDTH = 2 * N_FEATURES
"""Columns of one field's vector: word buckets, then character buckets."""
MAX_DF = 0.5
"""n-grams in more than this share of the incidents carry no weight (as ``max_df`` in
scikit-learn): template words every postmortem repeats say nothing about which failure it was,
and dropping them makes the corpus-wide products several times cheaper."""
MAX_DF_MIN_DOCS = 50
"""Below this many incidents nothing is dropped for being common (a small corpus cannot tell
boilerplate from a shared subject)."""


WORD_ONLY: frozenset[str] = frozenset()
"""Fields vectorised by word n-grams alone (none: the summary's character n-grams are the most
costly part of a corpus-wide comparison, but on real postmortems they are what ties "Binders"
to "mybinder.org")."""


def empty(rows: int, width: int = WIDTH) -> sp.csr_matrix:
    """An all-zero float32 matrix of ``rows`` rows (no value stored)."""
    indptr = np.zeros(rows + 1, dtype=np.int32)
    return sp.csr_matrix(
        (np.zeros(0, np.float32), np.zeros(0, np.int32), indptr), shape=(rows, width)
    )


def counts(texts: Sequence[str], name: str = "", known: Hashed | None = None) -> sp.csr_matrix:
    """Raw n-gram counts of field ``name``, one row per text: word buckets, then character
    buckets (left empty for the fields in ``WORD_ONLY``). A text written word for word in
    several incidents (a template's root cause) is analysed once; a text in ``known`` (hashed
    ahead, ``pmkit.similar.prehash``) not at all."""
    return counts_all({name: texts}, 1, known)[name]


PARALLEL_MIN_TEXTS = 2000
"""Below this many distinct texts in all, :func:`counts_all` hashes them in this process."""


@dataclass
class Hashed:
    """Counts of texts hashed ahead of a refresh: ``text``'s row is ``matrix[at[text]]``, what
    :func:`counts` gives it (``pmkit.similar.prehash``)."""

    at: dict[str, int]
    matrix: sp.csr_matrix

    def __contains__(self, t: object) -> bool:
        return t in self.at

    def take(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.matrix[np.array([self.at[t] for t in texts], dtype=np.int64)]


def counts_all(
    fields: dict[str, Sequence[str]], workers: int = 1, known: Hashed | None = None
) -> dict[str, sp.csr_matrix]:
    """:func:`counts` of several fields at once (``name -> texts``). The rows of the texts in
    ``known`` are taken as they are; hashing the others is Python code that holds the GIL: with
    ``workers`` > 1 and many texts, they are shared out between that many forked processes (the
    same counts, each text hashed once)."""
    texts = {name: list(t) for name, t in fields.items()}
    distinct = {name: list(dict.fromkeys(t)) for name, t in texts.items()}
    have = {
        name: [t for t in ds if known is not None and t in known and name not in WORD_ONLY]
        for name, ds in distinct.items()
    }
    step = max(1, workers)
    jobs = []
    for name, ds in distinct.items():
        skip = set(have[name])
        todo = [t for t in ds if t not in skip] if skip else ds
        jobs += [(name, part) for part in (todo[i::step] for i in range(step)) if part]
    if workers <= 1 or sum(len(part) for _name, part in jobs) < PARALLEL_MIN_TEXTS:
        done = list(map(distinct_counts, jobs))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            done = list(pool.map(distinct_counts, jobs))
    out = {}
    for name, ds in distinct.items():
        if not ds:
            out[name] = empty(0)
            continue
        parts = [(part, x) for (n, part), x in zip(jobs, done, strict=True) if n == name]
        order = have[name] + [t for part, _x in parts for t in part]
        taken = [known.take(have[name])] if known is not None and have[name] else []
        stacked = sp.vstack([*taken, *(x for _part, x in parts)], format="csr", dtype=np.float32)
        out[name] = _expand(stacked, order, texts[name])
    return out


def _expand(rows: sp.csr_matrix, distinct: list[str], texts: list[str]) -> sp.csr_matrix:
    """One row per text from one row per distinct text (``rows[i]`` is ``distinct[i]``'s)."""
    if distinct == texts:
        return rows
    at = {t: n for n, t in enumerate(distinct)}
    return rows[np.array([at[t] for t in texts], dtype=np.int64)]


def distinct_counts(job: tuple[str, list[str]]) -> sp.csr_matrix:
    """The counts of field ``name``'s texts, each given once (a memo of its own: the parent's
    memory does not keep a corpus's n-grams after its refresh)."""
    name, distinct = job
    cleaned = [clean(t) for t in distinct]
    hasher = Hasher()
    w = _word_counts(hasher, cleaned)
    if name in WORD_ONLY:
        c = empty(len(cleaned), N_FEATURES)
    else:
        c = _char_counts(hasher, cleaned)
    return sp.hstack([w, c], format="csr", dtype=np.float32)


def _word_counts(hasher: Hasher, texts: list[str]) -> sp.csr_matrix:
    """Word 1-2-gram counts (``hashing.word_terms``), indices sorted."""
    terms = [word_terms(t) for t in texts]
    cols = hasher.terms([x for ts in terms for x in ts])
    rows = np.repeat(np.arange(len(texts)), [len(ts) for ts in terms])
    out = sp.csr_matrix(
        (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(texts), N_FEATURES)
    )
    out.sum_duplicates()
    return out


def _char_counts(hasher: Hasher, texts: list[str]) -> sp.csr_matrix:
    """Character n-gram counts within words (``char_wb``), each distinct word analysed once:
    ``char_wb`` takes the n-grams of each whitespace-separated word apart, so a text's counts
    are the sum of its words' (texts x words counts, times words x buckets). Building the
    n-grams is Python code, and a corpus repeats its words: at 10k incidents 0.3 s instead of
    1.7 s, the same counts (``tests/test_similar_hashing.py``)."""
    words: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, t in enumerate(texts):
        for word in t.split():
            rows.append(i)
            cols.append(words.setdefault(word, len(words)))
    if not words:
        return empty(len(texts), N_FEATURES)
    per_text = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), len(words))
    )
    grams = hasher.words(words)
    arrays = [grams[w] for w in words]
    indptr = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in arrays], out=indptr[1:])
    indices = np.concatenate(arrays) - N_FEATURES
    by_word = sp.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), indices.astype(np.int32), indptr),
        shape=(len(words), N_FEATURES),
    )
    out = (per_text @ by_word).tocsr()
    out.sum_duplicates()  # sorted indices, as scikit-learn gives them
    return out.astype(np.float32)


def _normalize_halves(x: sp.csr_matrix) -> sp.csr_matrix:
    """Each row: word half and character half scaled to unit length each, then the row."""
    x = x.tocsr()
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    key = 2 * rows + (x.indices >= N_FEATURES)  # the row's word (even) or character half
    # np.add.at's sums, in the same order, without its per-element cost
    sq = np.bincount(key, weights=x.data.astype(np.float64) ** 2, minlength=2 * x.shape[0])
    norms = np.sqrt(sq)
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    x.data = (x.data * scale[key]).astype(np.float32)
    total = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    inv = np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)
    x.data = (x.data * inv[rows]).astype(np.float32)
    x.eliminate_zeros()
    return x


@dataclass
class TextModel:
    """Document frequencies of every field's n-grams over ``n_docs`` incidents."""

    n_docs: int
    df: dict[str, np.ndarray]
    """field -> document frequency per bucket (length ``WIDTH``, int32)."""

    @classmethod
    def fit(cls, field_counts: dict[str, sp.csr_matrix]) -> TextModel:
        """From the count matrices of every field (rows = incidents)."""
        n = next(iter(field_counts.values())).shape[0] if field_counts else 0
        df = {}
        for name, x in field_counts.items():
            x = x.tocsr()
            df[name] = np.bincount(x.indices, minlength=WIDTH).astype(np.int32)
        return cls(n, df)

    def idf(self, name: str, buckets: np.ndarray | slice) -> np.ndarray:
        """Smooth idf of ``buckets``, ``ln((1 + n) / (1 + df)) + 1``; 0 for n-grams in too many
        incidents. Computed for the buckets asked rather than kept for all of them: a dense idf
        is another 8 MB a field, held by every index a drafting form opens."""
        df = self.df[name][buckets].astype(np.float64)
        idf = np.log((1.0 + self.n_docs) / (1.0 + df)) + 1.0
        if self.n_docs >= MAX_DF_MIN_DOCS:
            idf[df > MAX_DF * self.n_docs] = 0.0
        return idf.astype(np.float32)

    def common(self, name: str, share: float) -> np.ndarray:
        """The buckets of field ``name`` in at least ``share`` of the incidents that still carry
        weight (see :meth:`idf`): those a dense product takes (``matrix.Matrix.split``)."""
        df = self.df[name]
        keep = df >= max(1, int(np.ceil(share * self.n_docs)))
        if self.n_docs >= MAX_DF_MIN_DOCS:
            keep &= df <= MAX_DF * self.n_docs
        return np.flatnonzero(keep)

    def vectors(self, name: str, x: sp.csr_matrix) -> sp.csr_matrix:
        """Unit TF-IDF rows (sublinear tf) from the counts ``x`` of field ``name``; an empty
        text gives an empty row."""
        x = x.tocsr(copy=True)
        if x.nnz > WIDTH // 4:  # many rows: one pass over every bucket, then a lookup
            weights = self.idf(name, slice(None))[x.indices]
        else:
            weights = self.idf(name, x.indices)
        x.data = (1.0 + np.log(x.data)) * weights
        return _normalize_halves(x)

    def to_bytes(self) -> bytes:
        """The model as ``.npz`` bytes (numbers only: loaded without pickle)."""
        # Any: np.savez's stub types its keyword arrays like its allow_pickle flag
        arrays: dict[str, Any] = {"n_docs": np.array([self.n_docs], dtype=np.int64)}
        for name, df in self.df.items():
            nz = np.flatnonzero(df).astype(np.int32)
            arrays[f"{name}.idx"] = nz
            arrays[f"{name}.df"] = df[nz]
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TextModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            n = int(z["n_docs"][0])
            df = {}
            for key in z.files:
                if key.endswith(".idx"):
                    name = key[: -len(".idx")]
                    full = np.zeros(WIDTH, dtype=np.int32)
                    full[z[key]] = z[f"{name}.df"]
                    df[name] = full
        return cls(n, df)
