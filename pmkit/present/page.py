"""HTML building blocks for the report notebooks: headline numbers, tables, captions, notes.

Notebooks stay thin by calling these (``from pmkit.present import page as p``; the text
formatters of ``pmkit.present.format`` are here too, so ``p.share_text`` works). Everything that comes from a postmortem (titles, owners,
factor text) is HTML-escaped here, so a title such as ``<script>`` shows as text in a report;
a link's address is escaped too and must be ``http``, ``https`` or (built by pmkit for a corpus
file) ``file``. Each helper returns an :class:`Html` string that Jupyter displays as HTML.

Numbers come with what they rest on: ``n`` (the things a tile is made of) and the coverage (how
many of the incidents in scope have the value it needs), and a share resting on fewer than
``min_n`` values is shown as a count ("2 of 2"), never as a percentage.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd

from pmkit.present.format import (
    MISSING,
    SMALL_N,
    action_text,
    coverage_text,
    fmt_hours,
    fmt_pct,
    fmt_value,
    level_label,
    mostly_missing,
    n_label,
    share_text,
    sources_text,
    with_hours,
)
from pmkit.present.rows import table_rows

__all__ = [
    "MISSING",
    "OPEN_ROWS",
    "SMALL_N",
    "Html",
    "Stat",
    "action_text",
    "caption",
    "collapsible",
    "coverage_note",
    "coverage_text",
    "csv_link",
    "fmt_hours",
    "fmt_pct",
    "fmt_value",
    "grouped",
    "header",
    "level_label",
    "link_list",
    "listing",
    "mostly_missing",
    "n_label",
    "note",
    "people_note",
    "safe_href",
    "share_text",
    "small_n_note",
    "sources_text",
    "stats",
    "table",
    "with_hours",
]


class Html(str):
    """A string of trusted HTML that Jupyter renders (``_repr_html_``) instead of quoting."""

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """A one-line text form: the notebook would otherwise store every page twice (its
        text/plain output quoting all the HTML: 12 MB for the overdue list of 10k postmortems)."""
        printer.text(f"<HTML: {len(self):,} characters>")


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
    coverage: str = ""
    """How many of the things in scope have the value the number needs ("severity known for 2
    of 57 incidents"); shown under the value, highlighted when most lack it."""
    thin: bool = False
    """True when the coverage is too thin to conclude from: the tile says so."""


def stats(items: Iterable[Stat]) -> Html:
    """A row of headline tiles, each with its ``n``."""
    tiles = []
    for item in items:
        value = escape(item.value)
        if item.href:
            value = f'<a href="{escape(item.href, quote=True)}">{value}</a>'
        note = f'<div class="pmkit-note">{escape(item.note)}</div>' if item.note else ""
        cover = ""
        if item.coverage:
            kind = "pmkit-coverage pmkit-thin" if item.thin else "pmkit-coverage"
            cover = f'<div class="{kind}">{escape(item.coverage)}</div>'
        tiles.append(
            f'<div class="pmkit-stat{" pmkit-stat-thin" if item.thin else ""}">'
            f'<div class="pmkit-stat-label">{escape(item.label)}</div>'
            f'<div class="pmkit-stat-value">{value}</div>'
            f'<div class="pmkit-stat-n">{escape(n_label(item.n))}</div>'
            f"{cover}{note}</div>"
        )
    return Html(f'<div class="pmkit-stats">{"".join(tiles)}</div>')


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    max_rows: int | None = 25,
    empty: str = "Nothing to show.",
    caption: str = "",
    percent: Iterable[str] = (),
    links: Mapping[str, str] | None = None,
) -> Html:
    """An escaped HTML table of ``frame``; ``columns`` maps column -> heading (and picks them).

    Columns named in ``percent`` hold 0..1 shares and are shown as percentages. ``links`` maps a
    shown column to the column holding its cell's address (see :func:`safe_href`; a cell
    without one is plain text). Long tables are cut at ``max_rows`` (None: never) with a line
    saying how many rows were left out.
    """
    shares = set(percent)
    hrefs = dict(links or {})
    if columns is None:
        columns = {str(c): str(c).replace("_", " ") for c in frame.columns}
    present = {c: h for c, h in columns.items() if c in frame.columns}
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    if frame.empty or not present:
        return Html(f'<p class="pmkit-empty">{escape(empty)}</p>')
    head = "".join(f"<th>{escape(h)}</th>" for h in present.values())
    shown = frame if max_rows is None else frame.head(max_rows)
    # only the columns shown or linked: iterating a text column costs a Python call per value
    if frame.columns.is_unique:
        used = dict.fromkeys([*present, *(hrefs[c] for c in present if c in hrefs)])
        shown = shown[[c for c in used if c in frame.columns]]
    rows = table_rows(shown, present, shares, hrefs, safe_href)
    more = ""
    if max_rows is not None and len(frame) > max_rows:
        more = f'<p class="pmkit-note">{len(frame) - max_rows:,} more rows not shown.</p>'
    return Html(
        f'<table class="pmkit-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{more}"
    )


_SAFE_SCHEMES = ("http://", "https://", "file:///")
_UNSAFE_IN_URL = re.compile(r"[\s\x00-\x1f]")
"""Whitespace (``str.isspace``: ``\\s`` is the same set) or a control character."""


def safe_href(url: Any) -> str | None:
    """``url`` when it may be a link's address: http(s), or a local ``file:///`` path (built by
    pmkit for a corpus file); None for anything else (``javascript:``, ``data:``, relative)."""
    if not isinstance(url, str) or not url.lower().startswith(_SAFE_SCHEMES):
        return None
    if _UNSAFE_IN_URL.search(url):  # one C scan: a long listing has thousands of links
        return None
    return url


def collapsible(summary: str, body: Html, open_: bool = False) -> Html:
    """``body`` under a one-line ``summary`` the reader clicks to show it (``<details>``)."""
    flag = " open" if open_ else ""
    return Html(
        f'<details class="pmkit-details"{flag}><summary>{escape(summary)}</summary>{body}</details>'
    )


def csv_link(frame: pd.DataFrame, filename: str, label: str) -> Html:
    """A link to ``frame`` as CSV. Under ``pmkit report`` the file is written beside the page
    (the kernel runs in the run folder) and linked by name; elsewhere (JupyterLab, papermill
    alone) it is embedded in the link itself, so nothing is written next to the notebook."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+\.csv", filename):
        raise ValueError(f"not a plain CSV file name: {filename!r}")
    text = frame.to_csv(index=False)
    if os.environ.get("PMKIT_FIGURES") == "runner":
        with open(filename, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        href = filename
    else:
        href = "data:text/csv;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")
    return Html(
        f'<p class="pmkit-download"><a href="{escape(href, quote=True)}" '
        f'download="{escape(filename, quote=True)}">{escape(label)}</a></p>'
    )


def caption(text: str) -> Html:
    """A one-line 'what to read from this' caption under a chart or table (none for "")."""
    if not text:
        return Html("")
    return Html(f'<p class="pmkit-caption">{escape(text)}</p>')


def note(text: str) -> Html:
    """A highlighted note (for example: too few incidents to trust a trend)."""
    return Html(f'<p class="pmkit-warning">{escape(text)}</p>')


def small_n_note(n: int, what: str = "incidents", threshold: int = SMALL_N) -> Html:
    """A warning when ``n`` is too small to trust a trend; empty HTML otherwise."""
    if n >= threshold:
        return Html("")
    if n == 1 and what.endswith("s"):
        what = what[:-1]
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


def coverage_note(known: int, total: int, what: str, of: str = "incidents") -> Html:
    """The coverage line under a section's heading, a warning when most lack the value."""
    text = coverage_text(known, total, what, of).capitalize() + "."
    if total == 0:
        return Html(f'<p class="pmkit-coverage">No {escape(of)} in scope.</p>')
    if mostly_missing(known, total):
        return note(
            f"{text} Too few to draw or conclude from: the numbers below rest on them alone."
        )
    return Html(f'<p class="pmkit-coverage">{escape(text)}</p>')


# --- people ---------------------------------------------------------------------------------


def people_note(groups: Iterable[Any], toml: str) -> Html:
    """The names that probably mean one person, and the ``[people]`` table that would merge
    them (``pmkit.normalize.owners.likely_aliases`` / ``people_toml``)."""
    items = "".join(f"<li>{escape(g.person)}: {escape(', '.join(g.aliases))}</li>" for g in groups)
    if not items:
        return Html("")
    return Html(
        '<div class="pmkit-warning"><p>These names look like one person each, counted '
        "apart until <code>pmkit.toml</code> says so:</p>"
        f'<ul class="pmkit-aliases">{items}</ul>'
        "<p>To merge them, add (after checking each line):</p>"
        f'<pre class="pmkit-toml">{escape(toml)}</pre></div>'
    )


# --- lists of who must act ----------------------------------------------------------------

OPEN_ROWS = 15
"""A listing this long or shorter opens unfolded; a longer one is one click away, never cut."""


def listing(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    what: str,
    empty: str,
    links: Mapping[str, str] | None = None,
    percent: Iterable[str] = (),
) -> Html:
    """Every row of ``frame`` as a table under "``N what``", folded away when long (never cut)."""
    if frame.empty:
        return Html(f'<p class="pmkit-empty">{escape(empty)}</p>')
    body = table(frame, columns, max_rows=None, links=links, percent=percent)
    return collapsible(f"{len(frame):,} {what}", body, open_=len(frame) <= OPEN_ROWS)


def grouped(
    frame: pd.DataFrame,
    by: str,
    columns: Mapping[str, str],
    what: str,
    empty: str,
    links: Mapping[str, str] | None = None,
    missing: str = "(none)",
    detail: str = "",
) -> Html:
    """One folded section per value of ``by`` (largest group first), each with all its rows:
    "Mei Ling: 4 overdue actions, oldest 120 days" (``detail`` names a column whose maximum
    the summary line shows, as "oldest N days")."""
    if frame.empty:
        return Html(f'<p class="pmkit-empty">{escape(empty)}</p>')
    keys = frame[by].astype(object).where(frame[by].notna(), missing)
    frame = frame.assign(**{by: keys})
    order = keys.value_counts(sort=False)
    firsts = {k: i for i, k in enumerate(keys)}
    names = sorted(order.index, key=lambda k: (-int(order[k]), firsts[k]))
    positions: dict[Any, list[int]] = {}
    for i, key in enumerate(keys.tolist()):
        positions.setdefault(key, []).append(i)
    shown = {c: h for c, h in columns.items() if c != by}
    present = {c: h for c, h in shown.items() if c in frame.columns}
    hrefs = dict(links or {})
    # every row's HTML once, each group's table then takes its rows (in the frame's order)
    rows = table_rows(frame, present, set(), hrefs, safe_href) if present else []
    head = "".join(f"<th>{escape(h)}</th>" for h in present.values())
    ages = frame[detail] if detail and detail in frame.columns else None
    sections = []
    for name in names:
        where = positions[name]
        line = f"{name}: {len(where):,} {what}"
        if ages is not None:
            part = ages.iloc[where]
            if part.notna().any():
                line += f", oldest {int(part.max()):,} days"
        if present:
            body = Html(
                f'<table class="pmkit-table"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join([rows[i] for i in where])}</tbody></table>"
            )
        else:
            body = Html('<p class="pmkit-empty">Nothing to show.</p>')
        sections.append(collapsible(line, body))
    return Html(f'<div class="pmkit-groups">{"".join(sections)}</div>')
