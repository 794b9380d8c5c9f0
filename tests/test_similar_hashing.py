"""pmkit.similar.hashing: scikit-learn's ``HashingVectorizer`` counts, bucket for bucket, without
importing scikit-learn at run time (here it is the reference): the hash, the stop words, the
word and character analysers, and counts made of rows hashed ahead (``pmkit.similar.prehash``).
"""

from __future__ import annotations

import random
import string

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkit.similar import hashing, text

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
sklearn_utils = pytest.importorskip("sklearn.utils")

TRICKY = [
    "redis ran out of memory; redis oom-killed again",
    "a b  cd\tefg\nhijk\u00a0lmnop\u3000é",
    "",
    "   ",
    "x",
    "mybinder.org hub 403 / binders: 403!",
    "redis ran out of memory; redis oom-killed again",
    "the and of it is",  # stop words only
    "snake_case __dunder__ a1 1a 12 ü漢字 😀emoji 🙂 naïve café",
    "tab\tseparated\x1cfile\x1dgroup\x1erecord\x1funit \u2028line \u2029para \x85next",
    "x" * 300 + " " + "ab" * 40,
]


def _reference(texts: list[str]) -> sp.csr_matrix:
    """What pmkit computed with scikit-learn before ``hashing``: word half, then char half."""
    common = {
        "n_features": hashing.N_FEATURES,
        "alternate_sign": False,
        "norm": None,
        "lowercase": False,
    }
    word = sklearn_text.HashingVectorizer(
        analyzer="word", ngram_range=(1, 2), stop_words="english", dtype=np.float32, **common
    )
    char = sklearn_text.HashingVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32, **common
    )
    cleaned = [text.clean(t) for t in texts]
    return sp.hstack([word.transform(cleaned), char.transform(cleaned)], format="csr")


def _same(got: sp.csr_matrix, expected: sp.csr_matrix) -> None:
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype == np.float32
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)  # sorted as scikit-learn sorts them
    assert np.array_equal(got.data, expected.data)


def test_murmur3_is_scikit_learns() -> None:
    rng = random.Random(19)
    alphabet = string.printable + "éü漢字😀\u00a0\u3000"
    keys = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    keys += ["a" * n for n in range(70)] + ["é" * n for n in range(30)]
    expected = np.array([sklearn_utils.murmurhash3_32(k) for k in keys], dtype=np.int32)
    assert np.array_equal(hashing.murmur3_32(keys), expected)
    ascii_only = [k for k in keys if k.isascii()]  # the all-ASCII fast path
    assert np.array_equal(
        hashing.murmur3_32(ascii_only),
        np.array([sklearn_utils.murmurhash3_32(k) for k in ascii_only], dtype=np.int32),
    )
    assert hashing.murmur3_32([]).shape == (0,)


def test_a_lone_surrogate_is_refused_as_scikit_learn_refuses_it() -> None:
    with pytest.raises(UnicodeEncodeError):
        sklearn_utils.murmurhash3_32("a\ud800b")
    with pytest.raises(UnicodeEncodeError):
        hashing.murmur3_32(["ok", "a\ud800b"])


def test_stop_words_are_scikit_learns() -> None:
    assert hashing.STOP_WORDS == sklearn_text.ENGLISH_STOP_WORDS


def test_counts_are_scikit_learns_on_tricky_texts() -> None:
    _same(text.counts(TRICKY), _reference(TRICKY))
    _same(text.counts_all({"t": TRICKY}, workers=2)["t"], _reference(TRICKY))


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=60), min_size=1, max_size=6))
def test_counts_are_scikit_learns_on_any_text(texts: list[str]) -> None:
    _same(text.counts(texts), _reference(texts))


def test_texts_hashed_ahead_are_taken_as_hashed_here() -> None:
    """Rows hashed ahead (``prehash``: ``text.distinct_counts`` in a forked process) and the
    rows the refresh computes itself give the same counts, in whatever mix."""
    texts = [*TRICKY, "2018-01-17, Hub 403 at 14:05 UTC", "Hub 403"]
    distinct = [t for t in dict.fromkeys(texts) if t]
    ahead = text.Hashed(
        {t: n for n, t in enumerate(distinct)}, text.distinct_counts(("", distinct))
    )
    some = text.Hashed({t: n for n, t in enumerate(distinct) if n % 2}, ahead.matrix)
    fields = {"title": texts, "summary": list(reversed(texts))}
    plain = text.counts_all(fields)
    for known in (ahead, some):
        for name, x in text.counts_all(fields, 2, known).items():
            _same(x, plain[name])
