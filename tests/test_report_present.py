"""The HTML helpers the report notebooks use: escaping, n next to numbers, formatting."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from pmkit import present as p


def test_table_escapes_cells_headings_and_caption() -> None:
    frame = pd.DataFrame(
        {"title": ["<script>alert(1)</script>"], "owner": ["<b>x</b>"], "share": [0.456]}
    )
    html = p.table(
        frame,
        {"title": "Title <t>", "owner": "Owner", "share": "Share"},
        caption="a & b",
        percent=["share"],
    )
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "Title &lt;t&gt;" in html
    assert "<caption>a &amp; b</caption>" in html
    assert "<td>46%</td>" in html


def test_table_cuts_long_tables_and_says_so() -> None:
    frame = pd.DataFrame({"n": range(30)})
    html = p.table(frame, max_rows=10)
    assert html.count("<tr>") == 11 and "20 more rows not shown." in html
    assert "Nothing here" in p.table(frame.head(0), empty="Nothing here")


def test_stats_show_n_and_escape_links() -> None:
    html = p.stats([p.Stat("Overdue <x>", "3", 12, note="n = actions", href='a".html')])
    assert "Overdue &lt;x&gt;" in html and "n = 12" in html
    assert 'href="a&quot;.html"' in html


def test_small_n_note() -> None:
    assert "too few to trust a trend" in p.small_n_note(5)
    assert p.small_n_note(20) == ""


def test_formatting() -> None:
    assert p.fmt_value(None) == p.MISSING
    assert p.fmt_value(float("nan")) == p.MISSING
    assert p.fmt_value(pd.NA) == p.MISSING
    assert p.fmt_value(pd.NaT) == p.MISSING
    assert p.fmt_value(3.0) == "3"
    assert p.fmt_value(3.14159) == "3.1"
    assert p.fmt_value(1234) == "1,234"
    assert p.fmt_value(True) == "yes"
    assert p.fmt_value(pd.Timestamp("2026-11-16")) == "2026-11-16"
    assert p.fmt_value(datetime(2026, 11, 16, 7, 5)) == "2026-11-16 07:05"
    assert p.fmt_value(date(2026, 1, 2)) == "2026-01-02"
    assert p.fmt_value(["a", "b"]) == "a, b"
    assert p.fmt_value(np.array(["a", "b"])) == "a, b"
    assert p.fmt_hours(5.25) == "5.2 h" and p.fmt_hours(72) == "3.0 d"
    assert p.fmt_pct(0.5) == "50%" and p.fmt_pct(None) == p.MISSING


def test_header_names_window_and_filters() -> None:
    html = p.header("T <1>", "2026-11-16", 90, {"services": ("<svc>",), "teams": ()})
    assert "T &lt;1&gt;" in html and "last 90 days" in html and "services: &lt;svc&gt;" in html
    assert "all incidents" in p.header("T", "2026-11-16", 90, {"teams": ()})
