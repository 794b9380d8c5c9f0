"""Scikit-learn's ``HashingVectorizer`` counts, bucket for bucket, without importing it.

Why: importing scikit-learn costs ~0.85 s of CPU (it brings scipy.stats and more), about what
hashing a 10k corpus costs; the refresh of an ingest no longer pays it. What is reproduced
(``tests/test_similar_hashing.py`` compares every step with scikit-learn's):

- word 1-2-grams: tokens by ``(?u)\\b\\w\\w+\\b``, English stop words dropped, then each pair of
  neighbours joined by a space (``analyzer="word", ngram_range=(1, 2), stop_words="english"``);
- character 3-5-grams within words, each word padded with a space on each side, a word shorter
  than an n counted once (``analyzer="char_wb", ngram_range=(3, 5)``);
- each n-gram's bucket: MurmurHash3 (x86, 32 bits, seed 0) of its UTF-8 bytes as a signed
  integer, ``abs(h) % N_FEATURES``; counts summed per bucket, indices sorted, float32.

Texts arrive cleaned (``clean``: lower case, no dates or times). Pure numpy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

N_FEATURES = 2**20
"""Hash buckets per analyser (word, character): collisions are rare at this size."""

STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone
    anything anyway anywhere are around as at back be became because become becomes becoming
    been before beforehand behind being below beside besides between beyond bill both bottom
    but by call can cannot cant co con could couldnt cry de describe detail do done down due
    during each eg eight either eleven else elsewhere empty enough etc even ever every
    everyone everything everywhere except few fifteen fifty fill find fire first five for
    former formerly forty found four from front full further get give go had has hasnt have
    he hence her here hereafter hereby herein hereupon hers herself him himself his how
    however hundred i ie if in inc indeed interest into is it its itself keep last latter
    latterly least less ltd made many may me meanwhile might mill mine more moreover most
    mostly move much must my myself name namely neither never nevertheless next nine no
    nobody none noone nor not nothing now nowhere of off often on once one only onto or
    other others otherwise our ours ourselves out over own part per perhaps please put
    rather re same see seem seemed seeming seems serious several she should show side since
    sincere six sixty so some somehow someone something sometime sometimes somewhere still
    such system take ten than that the their them themselves then thence there thereafter
    thereby therefore therein thereupon these they thick thin third this those though three
    through throughout thru thus to together too top toward towards twelve twenty two un
    under until up upon us very via was we well were what whatever when whence whenever
    where whereafter whereas whereby wherein whereupon wherever whether which while whither
    who whoever whole whom whose why will with within without would yet you your yours
    yourself yourselves
    """.split()
)
"""scikit-learn's ``ENGLISH_STOP_WORDS`` (a test checks they are the same)."""

_TOKEN = re.compile(r"(?u)\b\w\w+\b")

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
    return _WHEN.sub(" ", text.lower()) if _DIGIT.search(text) else text.lower()


_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)
_M1, _M2 = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)
_N, _FIVE = np.uint32(0xE6546B64), np.uint32(5)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def murmur3_32(keys: Sequence[str]) -> np.ndarray:
    """MurmurHash3 (x86, 32 bits, seed 0) of each key's UTF-8 bytes as a signed int32, as
    scikit-learn's ``murmurhash3_32(key)``, every key at once: the 4-byte blocks of all keys are
    mixed in step, the keys sorted by length so that step ``b`` works on a prefix (the longest
    keys alone at the end)."""
    n = len(keys)
    if not n:
        return np.zeros(0, dtype=np.int32)
    joined = "".join(keys)
    if joined.isascii():
        data = joined.encode("ascii")
        lengths = np.fromiter(map(len, keys), dtype=np.int64, count=n)
    else:  # strict: a lone surrogate raises, as in scikit-learn
        encoded = [k.encode("utf-8") for k in keys]
        data = b"".join(encoded)
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=n)
    buf = np.frombuffer(data + b"\0\0\0\0", dtype=np.uint8).astype(np.uint32)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    blocks = lengths // 4
    order = np.argsort(-blocks, kind="stable")
    descending = blocks[order]
    h = np.zeros(n, dtype=np.uint32)
    for b in range(int(descending[0]) if n else 0):
        idx = order[: int(np.searchsorted(-descending, -b, side="left"))]
        p = starts[idx] + 4 * b
        k = buf[p] | (buf[p + 1] << np.uint32(8)) | (buf[p + 2] << np.uint32(16))
        k |= buf[p + 3] << np.uint32(24)
        k = _rotl(k * _C1, 15) * _C2
        hb = _rotl(h[idx] ^ k, 13)
        h[idx] = hb * _FIVE + _N
    rem = lengths & 3
    t = starts + 4 * blocks
    zero = np.uint32(0)
    k1 = np.where(rem == 3, buf[t + 2] << np.uint32(16), zero)
    k1 ^= np.where(rem >= 2, buf[t + 1] << np.uint32(8), zero)
    k1 ^= np.where(rem >= 1, buf[t], zero)
    h ^= _rotl(k1 * _C1, 15) * _C2  # a key without a tail mixes in 0: no change
    h ^= lengths.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= _M1
    h ^= h >> np.uint32(13)
    h *= _M2
    h ^= h >> np.uint32(16)
    return h.view(np.int32)


def buckets(keys: Sequence[str]) -> np.ndarray:
    """Each key's bucket, ``abs(murmur3_32(key)) % N_FEATURES`` (int64; scikit-learn's
    ``abs(-2**31)`` case gives the same 0)."""
    return np.abs(murmur3_32(keys).astype(np.int64)) % N_FEATURES


def word_terms(text: str) -> list[str]:
    """The word 1-2-grams of a cleaned text, as scikit-learn's word analyser lists them."""
    tokens = [w for w in _TOKEN.findall(text) if w not in STOP_WORDS]
    return tokens + [a + " " + b for a, b in zip(tokens, tokens[1:], strict=False)]


def char_grams(word: str) -> list[str]:
    """The character 3-5-grams of one word, padded with a space on each side (``char_wb``: an
    n longer than the padded word is not counted again)."""
    w = f" {word} "
    size = len(w)
    out: list[str] = []
    for n in (3, 4, 5):
        out.extend(w[i : i + n] for i in range(max(1, size - n + 1)))
        if n >= size:
            break
    return out


class Hasher:
    """Buckets of word terms and of each word's character n-grams, memoised for one batch of
    texts: a corpus repeats its words, each is analysed and hashed once."""

    def __init__(self) -> None:
        self._terms: dict[str, int] = {}
        self._words: dict[str, np.ndarray] = {}

    def terms(self, terms: Sequence[str]) -> np.ndarray:
        """The bucket of each term (int64)."""
        memo = self._terms
        new = [t for t in dict.fromkeys(terms) if t not in memo]
        if new:
            memo.update(zip(new, buckets(new).tolist(), strict=True))
        return np.fromiter(map(memo.__getitem__, terms), dtype=np.int64, count=len(terms))

    def words(self, words: Iterable[str]) -> dict[str, np.ndarray]:
        """Each distinct word's character n-gram buckets (int64, one per n-gram, repeats kept),
        offset by ``N_FEATURES`` (the character half of a row)."""
        distinct = list(dict.fromkeys(words))
        memo = self._words
        new = [w for w in distinct if w not in memo]
        if new:
            grams = [char_grams(w) for w in new]
            flat = buckets([g for gs in grams for g in gs]) + N_FEATURES
            ends = np.cumsum([len(gs) for gs in grams])
            memo.update(zip(new, np.split(flat, ends[:-1]), strict=True))
        return {w: memo[w] for w in distinct}
