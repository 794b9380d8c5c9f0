"""How well the repeat rule finds known repeats: precision and recall against a ground truth.

Used by the benchmark's threshold sweep (``benchmarks/similarity.py``) and the test on the
synthetic corpus, whose generator records which incidents repeat which (``pmkit.synth``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import pandas as pd


def window_scores(con: duckdb.DuckDBPyConnection, window_days: int) -> dict[str, tuple[float, str]]:
    """path -> (score, earlier path) of each incident's best earlier incident within
    ``window_days`` (one incident per file, as the synthetic corpus writes them)."""
    rows = con.execute(
        "SELECT path, score, similar_path FROM incident_similarity "
        "WHERE window_best AND days_apart <= ?",
        [window_days],
    ).fetchall()
    return {p: (s, e) for p, s, e in rows}


def sweep(
    scores: Mapping[str, tuple[float, str]],
    truth: Mapping[str, str | None],
    thresholds: Iterable[float],
) -> pd.DataFrame:
    """Per threshold: true and false positives, false negatives, precision, recall and F1 of
    "repeat" (best score within the window >= threshold) against ``truth`` (path -> the
    earlier path it repeats, None when it is no repeat). Paths outside ``truth`` are ignored."""
    rows = []
    for t in thresholds:
        tp = fp = fn = 0
        for path, earlier in truth.items():
            hit = path in scores and scores[path][0] >= t
            if hit and earlier is not None:
                tp += 1
            elif hit:
                fp += 1
            elif earlier is not None:
                fn += 1
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        rows.append(
            {
                "threshold": round(float(t), 3),
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }
        )
    return pd.DataFrame(rows)
