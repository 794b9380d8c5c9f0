"""The rows of a report table as HTML, built a column at a time.

Why a module of its own: the long listings (13,641 overdue actions of the 10k benchmark, 9,846
incidents in recurring families) spent most of their time formatting and escaping cell after
cell, the same owners, dates, statuses and severities thousands of times. Here each column is
formatted once per distinct value (its type and value: ``True`` and ``1`` are equal but show as
``yes`` and ``1``), and a grouped listing formats its whole frame once and then picks each
group's rows, where it built a table per group from a filtered copy of the frame.

The text is exactly what a cell-by-cell loop gives: ``fmt_value`` (or a percentage for share
columns), escaped, wrapped in a link when its link column holds a safe address and the cell is
not the missing-value dash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Any

import pandas as pd

from pmkit.present.format import MISSING, fmt_pct, fmt_value, memo_key

_SAFE_SCHEMES = ("http://", "https://", "file:///")


def share_text(value: Any) -> str:
    """A 0..1 share as a percentage (a column named in ``table(percent=...)``)."""
    try:
        return fmt_pct(None if pd.isna(value) else float(value))
    except (TypeError, ValueError):
        return fmt_value(value)


def _texts(values: list[Any], show: Callable[[Any], str]) -> list[str]:
    """``escape(show(v))`` for each value, computed once per distinct value."""
    memo: dict[Any, str] = {}
    out = []
    for value in values:
        key = memo_key(value)
        if key is None:
            out.append(escape(show(value)))
            continue
        text = memo.get(key)
        if text is None:
            text = memo[key] = escape(show(value))
        out.append(text)
    return out


def _linked(texts: list[str], urls: list[Any], safe_href: Callable[[Any], str | None]) -> list[str]:
    out = []
    for text, url in zip(texts, urls, strict=True):
        href = safe_href(url)
        if href is not None and text != MISSING:
            text = f'<a href="{escape(href, quote=True)}">{text}</a>'
        out.append(text)
    return out


def table_rows(
    frame: pd.DataFrame,
    present: Mapping[str, str],
    shares: set[str],
    hrefs: Mapping[str, str],
    safe_href: Callable[[Any], str | None],
) -> list[str]:
    """``<tr>...</tr>`` for each row of ``frame``: the ``present`` columns' cells, in order."""
    # a repeated column name: the last one, as a row's dict of column -> value would keep
    values: dict[str, list[Any]] = {}
    for i, name in enumerate(frame.columns):
        if name in present or name in hrefs.values():
            values[name] = frame.iloc[:, i].tolist()
    cells = []
    for c in present:
        texts = _texts(values[c], share_text if c in shares else fmt_value)
        if c in hrefs and hrefs[c] in values:
            texts = _linked(texts, values[hrefs[c]], safe_href)
        cells.append([f"<td>{t}</td>" for t in texts])
    return [f"<tr>{''.join(row)}</tr>" for row in zip(*cells, strict=True)]
