"""The change since the previous period as an HTML table: each measure's two values with their
n, the test by name, its p-value and whether the change is more than noise.

Why a module of its own: it is the one table of the summary that formats each row by what its
measure is (a share, a time, a count), which :mod:`pmkit.present.page`'s generic table does not.
"""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd

from pmkit.present.format import MISSING, fmt_hours, fmt_value, share_text
from pmkit.present.page import Html


def change_table(frame: pd.DataFrame, min_n: int) -> Html:
    """This period against the previous one: values, n, the test by name, its p-value and
    whether the change is more than noise (``pmkit.metrics.change.as_frame``)."""
    if frame.empty:
        return Html(
            '<p class="pmkit-empty">A window of all history has no previous period to compare.</p>'
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("Measure", "This period", "Previous period", "Test", "p-value", "Change")
    )
    rows = []
    for r in frame.itertuples(index=False):
        fmt = _change_formatter(str(r.measure), min_n)
        p_value: Any = r.p_value  # a float, or None/NaN where no test applies
        p_text = MISSING if p_value is None or pd.isna(p_value) else f"{float(p_value):.3f}"
        cls = ' class="pmkit-real"' if r.verdict == "more than noise" else ""
        rows.append(
            "<tr>"
            f"<td>{escape(str(r.measure))}</td>"
            f"<td>{escape(fmt(r.current, r.n_current))}</td>"
            f"<td>{escape(fmt(r.previous, r.n_previous))}</td>"
            f"<td>{escape(str(r.test))}</td>"
            f"<td>{escape(p_text)}</td>"
            f"<td{cls}>{escape(str(r.verdict))}</td>"
            "</tr>"
        )
    return Html(
        f'<table class="pmkit-table pmkit-change"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _change_formatter(measure: str, min_n: int) -> Any:
    def share(value: Any, n: int) -> str:
        if value is None or pd.isna(value) or not n:
            return f"{MISSING} (n = {int(n):,})"
        return f"{share_text(round(float(value) * n), n, min_n)} (n = {int(n):,})"

    def hours(value: Any, n: int) -> str:
        if value is None or pd.isna(value):
            return f"{MISSING} (n = {int(n):,})"
        return f"{fmt_hours(float(value))} (n = {int(n):,})"

    def count(value: Any, n: int) -> str:
        return fmt_value(value)

    def part(value: Any, n: int) -> str:
        if value is None or pd.isna(value):
            return f"{MISSING} of {int(n):,}"
        return f"{fmt_value(value)} of {int(n):,}"

    if measure.startswith("…"):
        return part
    if "share" in measure:
        return share
    if "time" in measure:
        return hours
    return count
