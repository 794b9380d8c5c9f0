"""A chart as report HTML: inline SVG drawn by vl-convert (no browser, no network) with its
caption, ``n`` and coverage, or a note instead when there is nothing honest to draw.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from pmkit.present.format import SMALL_N, coverage_text, mostly_missing
from pmkit.present.page import Html, small_n_note

if TYPE_CHECKING:
    import altair as alt

_XMLNS = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')


def _has_rows(chart: alt.TopLevelMixin) -> bool:
    data = getattr(chart, "data", None)
    if isinstance(data, pd.DataFrame):
        return not data.empty
    return True


_VALIDATE = [True]
"""Whether :func:`to_svg` checks each spec against the Vega-Lite schema (see below)."""


def skip_validation() -> None:
    """Stop checking specs against the schema in this process: the report runner's drawing
    process draws only the registered builders, whose specs the tests check (``tests/test_charts``),
    and the check was half of ``to_dict``'s time (~0.14 s for the 18 charts of a run). The spec
    is the same dict either way."""
    _VALIDATE[0] = False


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render ``chart`` to an SVG string with vl-convert (no browser, no network)."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(chart.to_dict(validate=_VALIDATE[0]))
    # Inline SVG in HTML needs no namespace declarations: drop them so the page holds no URL.
    return _XMLNS.sub("", svg, count=2)


def figure(
    chart: alt.TopLevelMixin,
    caption: str,
    n: int | None = None,
    trend: bool = False,
    coverage: tuple[int, int, str, str] | None = None,
    min_n: int = SMALL_N,
) -> Html:
    """The chart as inline SVG with its caption, ``n`` and coverage; a note instead when it has
    no data, or when most of the things in scope lack the value it needs.

    ``coverage`` is (known, total, what, of): "drafted time known for 4 of 57 incidents". With
    fewer than half known the chart is not drawn: its shape would be that of the few. With
    ``trend=True`` a chart resting on fewer than ``min_n`` things says its shape is noise.
    """
    n_text = f" (n = {n:,})" if n is not None else ""
    cover = ""
    if coverage is not None:
        known, total, what, of = coverage
        cover = coverage_text(known, total, what, of)
        if mostly_missing(known, total):
            return Html(
                f'<p class="pmkit-warning">Not drawn: {escape(cover)}, fewer than half. '
                f"{escape(caption)}</p>"
            )
        cover = f" {cover[0].upper()}{cover[1:]}."
    if not _has_rows(chart) or n == 0:
        return Html(
            f'<p class="pmkit-empty">No data for this chart in the window{escape(n_text)}: '
            f"{escape(caption)}</p>"
        )
    warning = small_n_note(n, threshold=min_n) if trend and n is not None else ""
    return Html(
        f'<figure class="pmkit-chart">{to_svg(chart)}'
        f'<figcaption class="pmkit-caption">{escape(caption + n_text)}</figcaption></figure>'
        f"{f'<p class=pmkit-coverage>{escape(cover.strip())}</p>' if cover else ''}{warning}"
    )
