"""HTML building blocks for the report notebooks: headline numbers, tables, captions, notes.

Notebooks stay thin by calling these. Everything that comes from a postmortem (titles, owners,
factor text) is HTML-escaped here, so a title such as ``<script>`` shows as text in a report.
Each helper returns an :class:`Html` string that Jupyter displays as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

import pandas as pd

SMALL_N = 20
"""Below this many incidents a trend is noise; reports say so next to the chart."""

MISSING = "–"


class Html(str):
    """A string of trusted HTML that Jupyter renders (``_repr_html_``) instead of quoting."""

    def _repr_html_(self) -> str:
        return str(self)


@dataclass
class Stat:
    """One headline number with the count it rests on."""

    label: str
    value: str
    n: int | None
    """How many items the number is computed from; shown as ``n = …`` next to it."""
    note: str = ""
    href: str | None = None
    """Optional link (relative, e.g. ``severity_trends.html``) for the summary report."""


def fmt_value(value: Any, digits: int = 1) -> str:
    """A cell value as short display text (not yet escaped); missing values become a dash."""
    if value is None or value is pd.NaT:
        return MISSING
    if isinstance(value, float) and math.isnan(value):
        return MISSING
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(v, digits) for v in value) or MISSING
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        listed = value.tolist()
        if isinstance(listed, list):
            return ", ".join(fmt_value(v, digits) for v in listed) or MISSING
        value = listed
    try:
        if pd.isna(value):
            return MISSING
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        if stamp.hour == stamp.minute == stamp.second == 0:
            return stamp.strftime("%Y-%m-%d")
        return stamp.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e12:
            return str(int(value))
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def fmt_hours(hours: float | None) -> str:
    """Hours as ``5.2 h`` or ``3.1 d`` above two days; a dash when unknown."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return MISSING
    if abs(hours) >= 48:
        return f"{hours / 24:.1f} d"
    return f"{hours:.1f} h"


def fmt_pct(share: float | None) -> str:
    """A 0..1 share as a whole percentage; a dash when unknown."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return MISSING
    return f"{share * 100:.0f}%"


def n_label(n: int | None) -> str:
    """The ``n = …`` text shown next to a statistic."""
    return f"n = {MISSING if n is None else f'{int(n):,}'}"


def stats(items: Iterable[Stat]) -> Html:
    """A row of headline tiles, each with its ``n``."""
    tiles = []
    for item in items:
        value = escape(item.value)
        if item.href:
            value = f'<a href="{escape(item.href, quote=True)}">{value}</a>'
        note = f'<div class="pmkit-note">{escape(item.note)}</div>' if item.note else ""
        tiles.append(
            '<div class="pmkit-stat">'
            f'<div class="pmkit-stat-label">{escape(item.label)}</div>'
            f'<div class="pmkit-stat-value">{value}</div>'
            f'<div class="pmkit-stat-n">{escape(n_label(item.n))}</div>'
            f"{note}</div>"
        )
    return Html(f'<div class="pmkit-stats">{"".join(tiles)}</div>')


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    max_rows: int = 25,
    empty: str = "Nothing to show.",
    caption: str = "",
    percent: Iterable[str] = (),
) -> Html:
    """An escaped HTML table of ``frame``; ``columns`` maps column -> heading (and picks them).

    Columns named in ``percent`` hold 0..1 shares and are shown as percentages. Long tables are
    cut at ``max_rows`` with a line saying how many rows were left out.
    """
    shares = set(percent)
    if columns is None:
        columns = {str(c): str(c).replace("_", " ") for c in frame.columns}
    present = {c: h for c, h in columns.items() if c in frame.columns}
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    if frame.empty or not present:
        return Html(f'<p class="pmkit-empty">{escape(empty)}</p>')
    head = "".join(f"<th>{escape(h)}</th>" for h in present.values())
    rows = []
    for record in frame.head(max_rows).itertuples(index=False):
        values = dict(zip(frame.columns, record, strict=True))
        cells = "".join(
            f"<td>{escape(_share(values[c]) if c in shares else fmt_value(values[c]))}</td>"
            for c in present
        )
        rows.append(f"<tr>{cells}</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f'<p class="pmkit-note">{len(frame) - max_rows:,} more rows not shown.</p>'
    return Html(
        f'<table class="pmkit-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{more}"
    )


def _share(value: Any) -> str:
    try:
        return fmt_pct(None if pd.isna(value) else float(value))
    except (TypeError, ValueError):
        return fmt_value(value)


def caption(text: str) -> Html:
    """A one-line 'what to read from this' caption under a chart or table."""
    return Html(f'<p class="pmkit-caption">{escape(text)}</p>')


def note(text: str) -> Html:
    """A highlighted note (for example: too few incidents to trust a trend)."""
    return Html(f'<p class="pmkit-warning">{escape(text)}</p>')


def small_n_note(n: int, what: str = "incidents", threshold: int = SMALL_N) -> Html:
    """A warning when ``n`` is too small to trust a trend; empty HTML otherwise."""
    if n >= threshold:
        return Html("")
    return note(
        f"Only {n:,} {what} in this window: too few to trust a trend "
        f"(fewer than {threshold}). Read the numbers, not the shape."
    )


def header(title: str, as_of: str, lookback_days: int, filters: Mapping[str, Any]) -> Html:
    """The line under a report's title: the window and the filters it was run with."""
    active = [f"{k.replace('_', ' ')}: {fmt_value(list(v))}" for k, v in filters.items() if v]
    scope = "; ".join(active) if active else "all incidents"
    return Html(
        f'<h1 class="pmkit-title">{escape(title)}</h1>'
        f'<p class="pmkit-meta">As of {escape(as_of)}, last {lookback_days:,} days; '
        f"{escape(scope)}.</p>"
    )


def link_list(links: Mapping[str, str]) -> Html:
    """A list of relative links (label -> href)."""
    items = "".join(
        f'<li><a href="{escape(href, quote=True)}">{escape(label)}</a></li>'
        for label, href in links.items()
    )
    return Html(f'<ul class="pmkit-links">{items}</ul>')
