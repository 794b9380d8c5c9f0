"""Incidents as arrays: each text field's distinct TF-IDF rows, services, triggers, factor
categories and days, row ``i`` for ``features[i]`` (what ``pmkit.similar.scoring`` scores).

Pure numpy / scipy: knows nothing of DuckDB.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from pmkit.similar.features import TEXT_FIELDS, IncidentFeatures
from pmkit.similar.products import Split

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
