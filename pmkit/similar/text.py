"""TF-IDF text vectors: hashed word and character n-grams, cosine similarity.

Why hashing (scikit-learn's ``HashingVectorizer``): the model is then only the document
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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import scipy.sparse as sp

N_FEATURES = 2**20
"""Hash buckets per analyser (word, character): collisions are rare at this size."""
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
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WHEN = re.compile(
    # every match starts with a digit, a month's initial or the "t" of "t14:05": the lookahead
    # rejects the other positions before the alternatives are tried (half the time)
    r"(?=[\dtjfmasond])(?:"
    r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?=\b|t)"  # 2018-01-17
    r"|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b"  # 01/17/2018
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"  # January 23rd, 2019
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?\b"  # 23 Jan 2019
    r"|(?<![\d:])t?\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm)?(?:\s*(?:utc|gmt|[a-z]{1,2}[sd]t)\b)?"
    r"|\b(?:19|20)\d{2}\b"  # a year alone
    r")",
    re.I,
)
_DIGIT = re.compile(r"\d")
"""Every pattern of ``_WHEN`` holds one: a text without is only lowered."""


def clean(text: str) -> str:
    """``text`` in lower case without its dates and times (every pattern holds a digit: a text
    without one is only lowered)."""
    return _WHEN.sub(" ", text.lower())


@cache
def _vectorizers() -> tuple[object, object]:
    from sklearn.feature_extraction.text import HashingVectorizer

    # texts arrive cleaned (lower case, no dates): no preprocessing here
    common = {"n_features": N_FEATURES, "alternate_sign": False, "norm": None, "lowercase": False}
    word = HashingVectorizer(
        analyzer="word", ngram_range=(1, 2), stop_words="english", dtype=np.float32, **common
    )
    char = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32, **common)
    return word, char


def empty(rows: int, width: int = WIDTH) -> sp.csr_matrix:
    """An all-zero float32 matrix of ``rows`` rows (no value stored)."""
    indptr = np.zeros(rows + 1, dtype=np.int32)
    return sp.csr_matrix(
        (np.zeros(0, np.float32), np.zeros(0, np.int32), indptr), shape=(rows, width)
    )


def counts(texts: Sequence[str], name: str = "") -> sp.csr_matrix:
    """Raw n-gram counts of field ``name``, one row per text: word buckets, then character
    buckets (left empty for the fields in ``WORD_ONLY``). A text written word for word in
    several incidents (a template's root cause) is analysed once."""
    texts = list(texts)
    if not texts:  # scikit-learn's hashing cannot transform an empty list
        return empty(0)
    distinct = list(dict.fromkeys(texts))
    return _expand(_distinct_counts((name, distinct)), distinct, texts)


PARALLEL_MIN_TEXTS = 2000
"""Below this many distinct texts in all, :func:`counts_all` hashes them in this process."""


def counts_all(fields: dict[str, Sequence[str]], workers: int = 1) -> dict[str, sp.csr_matrix]:
    """:func:`counts` of several fields at once (``name -> texts``). Hashing is Python code
    that holds the GIL: with ``workers`` > 1 and many texts, the distinct texts are shared out
    between that many forked processes (the same counts, each text hashed once)."""
    texts = {name: list(t) for name, t in fields.items()}
    distinct = {name: list(dict.fromkeys(t)) for name, t in texts.items()}
    if workers <= 1 or sum(map(len, distinct.values())) < PARALLEL_MIN_TEXTS:
        return {name: counts(t, name) for name, t in texts.items()}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _vectorizers()  # scikit-learn imported once, before the fork: the workers inherit it
    jobs = [
        (name, part)
        for name, ds in distinct.items()
        for part in (ds[i::workers] for i in range(workers))
        if part
    ]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        done = list(pool.map(_distinct_counts, jobs))
    out = {}
    for name, ds in distinct.items():
        parts = [(part, x) for (n, part), x in zip(jobs, done, strict=True) if n == name]
        if not ds:
            out[name] = empty(0)
            continue
        order = [t for part, _x in parts for t in part]
        stacked = sp.vstack([x for _part, x in parts], format="csr", dtype=np.float32)
        out[name] = _expand(stacked, order, texts[name])
    return out


def _expand(rows: sp.csr_matrix, distinct: list[str], texts: list[str]) -> sp.csr_matrix:
    """One row per text from one row per distinct text (``rows[i]`` is ``distinct[i]``'s)."""
    if distinct == texts:
        return rows
    at = {t: n for n, t in enumerate(distinct)}
    return rows[np.array([at[t] for t in texts], dtype=np.int64)]


def _distinct_counts(job: tuple[str, list[str]]) -> sp.csr_matrix:
    """The counts of field ``name``'s texts, each given once."""
    name, distinct = job
    cleaned = [clean(t) if _DIGIT.search(t) else t.lower() for t in distinct]
    word, char = _vectorizers()
    w = word.transform(cleaned)  # type: ignore[attr-defined]
    if name in WORD_ONLY:
        c = empty(len(cleaned), N_FEATURES)
    else:
        c = _char_counts(char, cleaned)
    return sp.hstack([w, c], format="csr", dtype=np.float32)


def _char_counts(char: Any, texts: list[str]) -> sp.csr_matrix:
    """``char.transform(texts)`` (character n-grams within words), each distinct word analysed
    once: ``char_wb`` takes the n-grams of each whitespace-separated word apart, so a text's
    counts are the sum of its words' (texts x words counts, times words x buckets). Building the
    n-grams is Python code, and a corpus repeats its words: at 10k incidents 0.3 s instead of
    1.7 s, the same counts (``tests/test_similar.py``)."""
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
    out = (per_text @ char.transform(list(words))).tocsr()
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
