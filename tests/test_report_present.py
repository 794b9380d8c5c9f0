"""The HTML helpers the report notebooks use: escaping, n next to numbers, formatting."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmkit.present import page as p


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


def test_share_is_a_count_below_min_n_and_coverage_says_what_is_known() -> None:
    assert p.share_text(3, 5, min_n=10) == "3 of 5"
    assert p.share_text(6, 10, min_n=10) == "60%"
    assert p.share_text(0, 0, min_n=10) == p.MISSING
    assert p.coverage_text(0, 57, "drafted time") == "drafted time known for 0 of 57 incidents"
    assert p.mostly_missing(4, 57) and not p.mostly_missing(29, 57) and not p.mostly_missing(0, 0)
    assert "Too few to draw" in p.coverage_note(4, 57, "contributing factors")
    assert "Too few" not in p.coverage_note(40, 57, "contributing factors")
    tile = p.stats([p.Stat("X", "–", 4, coverage="factors known for 4 of 57 incidents", thin=True)])
    assert "pmkit-stat-thin" in tile and "factors known for 4 of 57 incidents" in tile
    assert p.sources_text({"n_field": 5, "n_timeline": 3, "n_prose": 0}) == (
        "from fields 5, timeline 3"
    )


@pytest.mark.parametrize(
    ("text", "owner", "due", "ref", "status", "shown"),
    [
        (
            "Roll back the change — Owner: @qroux, due 2026-12-12, #950 (done)",
            "@qroux",
            date(2026, 12, 12),
            "https://github.com/example/reporting-db/issues/950",
            "(done)",
            "Roll back the change",
        ),
        (
            "Scale the pool by two nodes (OPS-1233) — owner: @jberg, due 2025-05-04",
            "@jberg",
            date(2025, 5, 4),
            "OPS-1233",
            "[x]",
            "Scale the pool by two nodes",
        ),
        ("Add an alert (IAM-1961)", "Mei Ling", None, "IAM-1961", None, "Add an alert"),
        ("Declare earlier. Owner: @lucas", "@lucas", None, None, None, "Declare earlier."),
        # the tail says more than the row's own metadata: kept
        (
            "Plan — Owner: @x, due 2025-02-03, PAY-435 and the rest",
            "@x",
            date(2025, 2, 3),
            "PAY-435",
            None,
            "Plan — Owner: @x, due 2025-02-03, PAY-435 and the rest",
        ),
        ("Owner: someone else to decide", "@me", None, None, None, "Owner: someone else to decide"),
    ],
)
def test_action_text_drops_only_its_own_metadata(
    text: str, owner: str, due: date | None, ref: str | None, status: str | None, shown: str
) -> None:
    assert p.action_text(text, owner, due, ref, status) == shown


def test_links_only_for_web_and_corpus_files() -> None:
    assert p.safe_href("https://x.example/a?b=1") == "https://x.example/a?b=1"
    assert p.safe_href("file:///srv/pm/a.md") == "file:///srv/pm/a.md"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "//x.example",
        "a.md",
        "http://a b",
        None,
    ):
        assert p.safe_href(bad) is None
    frame = pd.DataFrame(
        {
            "ref": ["OPS-1", "<b>x</b>", "J"],
            "url": ['https://x.example/"><script>', None, "javascript:alert(1)"],
        }
    )
    html = p.table(frame, {"ref": "Ref"}, links={"ref": "url"})
    assert '<a href="https://x.example/&quot;&gt;&lt;script&gt;">OPS-1</a>' in html
    assert "<td>&lt;b&gt;x&lt;/b&gt;</td>" in html and "<td>J</td>" in html
    assert "javascript" not in html


def test_listing_and_groups_show_every_row() -> None:
    frame = pd.DataFrame(
        {"owner": ["b", "a", "b", None] * 10, "what": [f"w{i}" for i in range(40)]}
    )
    folded = p.listing(frame, {"what": "What"}, what="actions", empty="none")
    assert folded.count("<tr>") == 41 and "<details" in folded and "40 actions" in folded
    assert " open>" not in folded  # long: folded away, but all there
    short = p.listing(frame.head(3), {"what": "What"}, what="actions", empty="none")
    assert '<details class="pmkit-details" open>' in short
    assert p.listing(frame.head(0), {"what": "What"}, what="actions", empty="none <x>") == (
        '<p class="pmkit-empty">none &lt;x&gt;</p>'
    )
    groups = p.grouped(
        frame, "owner", {"owner": "Owner", "what": "What"}, "actions", "none", missing="(no owner)"
    )
    assert (
        groups.index("b: 20 actions")
        < groups.index("a: 10 actions")
        < groups.index("(no owner): 10 actions")
    )
    assert groups.count("<tr>") == 40 + 3  # every row, one heading per group


def test_csv_link(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["x,y", "<z>"]})
    monkeypatch.delenv("PMKIT_FIGURES", raising=False)
    embedded = p.csv_link(frame, "rows.csv", "All <2> rows")
    assert 'href="data:text/csv;base64,' in embedded and "All &lt;2&gt; rows" in embedded
    monkeypatch.setenv("PMKIT_FIGURES", "runner")
    monkeypatch.chdir(tmp_path)
    beside = p.csv_link(frame, "rows.csv", "rows")
    assert 'href="rows.csv"' in beside
    assert (tmp_path / "rows.csv").read_text(encoding="utf-8") == 'a,b\n1,"x,y"\n2,<z>\n'
    with pytest.raises(ValueError, match="CSV"):
        p.csv_link(frame, "../x.csv", "x")


def test_change_table_and_people_note() -> None:
    from pmkit.normalize.owners import AliasGroup
    from pmkit.present.change_table import change_table

    frame = pd.DataFrame(
        [
            ["Incidents", 12, 3, 12, 3, "exact Poisson rate test", 0.035, "more than noise"],
            ["Severe (L0-L1) share", 0.5, None, 4, 0, "Fisher's exact test", None, "no data"],
        ],
        columns=[
            "measure",
            "current",
            "previous",
            "n_current",
            "n_previous",
            "test",
            "p_value",
            "verdict",
        ],
    )
    html = change_table(frame, min_n=10)
    assert "<td>0.035</td>" in html and 'class="pmkit-real"' in html
    assert "2 of 4 (n = 4)" in html  # below min_n: a count, not 50%
    note = p.people_note([AliasGroup("<Mei>", ("@mling",))], '[people]\n"<Mei>" = ["@mling"]\n')
    assert "&lt;Mei&gt;" in note and "<Mei>" not in note
    assert p.people_note([], "") == ""


def _cell_by_cell(frame: pd.DataFrame, columns: dict[str, str], links: dict[str, str]) -> str:
    """The table's body as a loop over rows and cells would build it (the reference)."""
    from html import escape

    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for c in columns:
            text = escape(p.fmt_value(record[c]))
            href = p.safe_href(record.get(links[c])) if c in links else None
            if href is not None and text != p.MISSING:
                text = f'<a href="{escape(href, quote=True)}">{text}</a>'
            cells.append(f"<td>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return "".join(rows)


def test_cells_formatted_once_per_value_read_as_formatted_one_by_one() -> None:
    # equal values of other types show differently (True and 1, 1.0), so do time zones
    frame = pd.DataFrame(
        {
            "v": [1, True, 1.0, None, np.nan, "a<b", [1, 2], pd.Timestamp("2026-01-01"), 1, True],
            "t": [pd.Timestamp("2026-01-01 05:00", tz="UTC")] * 5
            + [pd.Timestamp("2026-01-01 05:00", tz="UTC").tz_convert("Asia/Tokyo")] * 5,
            "u": ["http://a/<b>", None, "javascript:x", "file:///x y", "https://ok"] * 2,
            "g": ["x", None, "x", "y", None, "y", "x", "z", "x", "y"],
        }
    )
    columns, links = {"v": "V", "t": "T"}, {"v": "u"}
    body = _cell_by_cell(frame, columns, links)
    assert f"<tbody>{body}</tbody>" in p.table(frame, columns, max_rows=None, links=links)
    html = p.grouped(frame, "g", columns, what="rows", empty="none", links=links)
    for name, rows in (("x", [0, 2, 6, 8]), ("(none)", [1, 4]), ("y", [3, 5, 9]), ("z", [7])):
        part = _cell_by_cell(frame.iloc[rows], columns, links)
        assert f"<summary>{name}: {len(rows)} rows</summary>" in html
        assert f"<tbody>{part}</tbody>" in html
    assert html.index("<summary>x:") < html.index("<summary>y:") < html.index("<summary>(none):")
