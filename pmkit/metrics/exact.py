"""The exact tests of :mod:`pmkit.metrics.change`, computed as ``scipy.stats`` computes them but
from ``scipy.special`` alone.

Why: importing ``scipy.stats`` loads every distribution it defines (~0.4 s of CPU in the summary
kernel, more than the rest of its change table), where these three tests need four of
``scipy.special``'s functions. Each function below follows scipy 1.17's code step by step
(``binomtest``, ``fisher_exact`` for a 2x2 table, ``mannwhitneyu`` with its defaults) and calls
the same ``scipy.special`` functions its distributions call (the Boost binomial and
hypergeometric ufuncs, ``ndtr``, ``binom``), so a p-value is the same float to the last bit;
``tests/test_change.py`` compares them with ``scipy.stats`` on a grid of inputs. When this
scipy lacks one of those functions, the test is asked of ``scipy.stats`` itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

_RERR = 1 + 1e-7
"""``binomtest``'s relative tolerance for terms as likely as the one observed."""
_EPSILON = 1e-14
_GAMMA = 1 + _EPSILON
"""``fisher_exact``'s."""


def _ufuncs() -> Any | None:
    """``scipy.special``'s private ufunc module when it has the Boost functions used here."""
    try:
        import scipy.special._ufuncs as scu
    except ImportError:  # pragma: no cover - scipy is a dependency
        return None
    names = ("_binom_pmf", "_binom_cdf", "_binom_sf", "_hypergeom_pmf", "_hypergeom_cdf")
    if not all(hasattr(scu, name) for name in (*names, "_hypergeom_sf")):
        return None
    return scu


def _clip(value: Any) -> float:
    return float(np.clip(value, 0, 1))


def _search(a: Callable[[Any], float], d: float, lo: Any, hi: Any) -> Any:
    """scipy's ``_binary_search_for_binom_tst``: ``i`` in ``lo..hi`` with a(i) <= d < a(i+1)."""
    while lo < hi:
        mid = lo + (hi - lo) // 2
        midval = a(mid)
        if midval < d:
            lo = mid + 1
        elif midval > d:
            hi = mid - 1
        else:
            return mid
    if a(lo) <= d:
        return lo
    return lo - 1


# --- the binomial test (p = 1/2 and any other p) ----------------------------------------------


def binom_two_sided(k: int, n: int, p: float = 0.5) -> float:
    """``scipy.stats.binomtest(k, n, p).pvalue`` (two-sided); ``n >= 1``, ``0 <= k <= n``."""
    scu = _ufuncs()
    if scu is None:
        from scipy.stats import binomtest

        return float(binomtest(k, n, p).pvalue)

    def pmf(x: Any) -> float:  # binom.pmf on its support 0..n, at whole numbers
        return _clip(scu._binom_pmf(x, n, p)) if 0 <= x <= n and math.floor(x) == x else 0.0

    def cdf(x: Any) -> float:
        return 1.0 if x >= n else 0.0 if x < 0 else _clip(scu._binom_cdf(np.floor(x), n, p))

    def sf(x: Any) -> float:
        return 1.0 if x < 0 else 0.0 if x >= n else _clip(scu._binom_sf(np.floor(x), n, p))

    d = pmf(k)
    if k == p * n:
        return 1.0
    if k < p * n:
        ix = _search(lambda x1: -pmf(x1), -d * _RERR, np.ceil(p * n), n)
        y = n - ix + int(d * _RERR == pmf(ix))
        pval = cdf(k) + sf(n - y)
    else:
        ix = _search(pmf, d * _RERR, 0, np.floor(p * n))
        y = ix + 1
        pval = cdf(y - 1) + sf(k - 1)
    return float(min(1.0, pval))


# --- Fisher's exact test on a 2x2 table ---------------------------------------------------------


def fisher_two_sided(table: Sequence[Sequence[int]]) -> float:
    """``scipy.stats.fisher_exact(table).pvalue`` for a 2x2 table of counts."""
    scu = _ufuncs()
    c = np.asarray(table, dtype=np.int64)
    if scu is None or c.shape != (2, 2) or np.any(c < 0):
        from scipy.stats import fisher_exact

        return float(fisher_exact(c).pvalue)
    if 0 in c.sum(axis=0) or 0 in c.sum(axis=1):
        return 1.0
    n1 = c[0, 0] + c[0, 1]
    n2 = c[1, 0] + c[1, 1]
    n = c[0, 0] + c[1, 0]
    total = n1 + n2
    low, high = max(n - (total - n1), 0), min(n1, n)  # hypergeom's support

    def pmf(x: Any) -> float:
        if low <= x <= high and math.floor(x) == x:
            return _clip(scu._hypergeom_pmf(x, n1, n, total))
        return 0.0

    def cdf(x: Any) -> float:
        return 1.0 if x >= high else 0.0 if x < low else _clip(scu._hypergeom_cdf(x, n1, n, total))

    def sf(x: Any) -> float:
        return 1.0 if x < low else 0.0 if x >= high else _clip(scu._hypergeom_sf(x, n1, n, total))

    mode = int((n + 1) * (n1 + 1) / (n1 + n2 + 2))
    pexact = pmf(c[0, 0])
    pmode = pmf(mode)
    top = max(pexact, pmode)
    if top > 0 and abs(pexact - pmode) / top <= _EPSILON:
        return 1.0
    if c[0, 0] < mode:
        plower = cdf(c[0, 0])
        if pmf(n) > pexact * _GAMMA:
            return float(min(plower, 1.0))
        guess = _search(lambda x: -pmf(x), -pexact * _GAMMA, mode, n)
        pvalue = plower + sf(guess)
    else:
        pupper = sf(c[0, 0] - 1)
        if pmf(0) > pexact * _GAMMA:
            return float(min(pupper, 1.0))
        guess = _search(pmf, pexact * _GAMMA, 0, mode)
        pvalue = pupper + cdf(guess)
    return float(min(pvalue, 1.0))


# --- the Mann-Whitney U test ----------------------------------------------------------------------


def mann_whitney_two_sided(x: Sequence[float], y: Sequence[float]) -> float:
    """``scipy.stats.mannwhitneyu(x, y, alternative="two-sided").pvalue`` for two non-empty
    samples without NaN: exact when a sample has at most 8 values and none are tied, else the
    normal approximation with the tie and continuity corrections."""
    from scipy import special

    if not hasattr(special, "ndtr") or not hasattr(special, "binom"):
        from scipy.stats import mannwhitneyu

        return float(mannwhitneyu(x, y, alternative="two-sided").pvalue)
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    n1, n2 = a.shape[-1], b.shape[-1]
    ranks, t = _average_ranks(np.concatenate((a, b)))
    r1 = np.sum(ranks[:n1])
    u1 = r1 - n1 * (n1 + 1) / 2
    u2 = n1 * n2 - u1
    u = np.maximum(u1, u2)
    if (n1 > 8 and n2 > 8) or np.any(t > 1):
        mu = n1 * n2 / 2
        n = n1 + n2
        tie_term = np.sum(t**3 - t, axis=-1)
        s = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
        numerator = u - mu
        numerator -= 0.5
        with np.errstate(divide="ignore", invalid="ignore"):
            z = numerator / s
        p = special.ndtr(-z)
    else:
        p = _exact_sf(int(np.asarray(u, np.int64)), n1, n2, special.binom)
    p *= 2
    return float(np.clip(p, 0.0, 1.0))


def _average_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranks from 1 (ties share their average) and how many values each distinct one has."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    first = np.flatnonzero(starts)
    counts = np.diff(np.r_[first, len(values)])
    # a tie of c values at positions i .. i+c-1 (from 0) has ranks i+1 .. i+c: their mean
    mean = (2 * first + counts + 1) / 2
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.repeat(mean, counts)
    return ranks, counts.astype(np.float64)


def _exact_sf(u: int, n1: int, n2: int, binom: Callable[..., Any]) -> float:
    """P(U >= u) under the null hypothesis, for ``u >= n1 * n2 / 2``, as scipy's ``_MWU.sf``
    computes it: the count of orderings with U <= n1 * n2 - u (a float once past 2**64) over
    all of them, summed in order."""
    n1, n2 = min(n1, n2), max(n1, n2)
    kc = n1 * n2 - u
    total = binom(n1 + n2, n1)
    sigma = np.zeros(kc + 1, dtype=int)
    for d in np.arange(1, n1 + 1):
        sigma[np.arange(d, kc + 1, d)] += d
    for d in np.arange(n2 + 1, n2 + n1 + 1):
        sigma[np.arange(d, kc + 1, d)] -= d
    sigma = sigma[1:]
    configurations: np.ndarray = np.zeros(kc + 1, dtype=np.uint64)
    is_uint = True
    uint_max = np.iinfo(np.uint64).max
    configurations[0] = 1
    for k in np.arange(1, kc + 1):
        coeffs = sigma[k - 1 :: -1]
        new_val = np.dot(configurations[:k], coeffs) / k
        if new_val > uint_max and is_uint:
            configurations = configurations.astype(float)
            is_uint = False
        configurations[k] = new_val
    return float(np.cumsum(configurations / total)[kc])
