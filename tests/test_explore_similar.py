"""The explorer's "similar incidents" panel on the explorer's fixture corpus (ingested, so the
similarity is computed as it is for any user), and its escaping."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pmkit.explore import ExploreDB, explore
from pmkit.explore.similar import render, similar_incidents
from pmkit.store import ingest_paths

CORPUS = Path(__file__).parent / "fixtures" / "explore" / "corpus"
HOSTILE = ("2026-10-23-hostile-html.md", "2026-10-23-hostile-html")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("explore-similar") / "x.duckdb"
    ingest_paths([CORPUS], path, workers=1)
    return path


def test_picking_an_incident_shows_its_similar_earlier_incidents(db: Path) -> None:
    panel = explore(db, today=date(2026, 10, 23))
    try:
        assert panel.similar.value == ""  # nothing picked yet
        panel.show_incident(*HOSTILE)
        html = panel.similar.value
        assert "Similar earlier incidents" in html
        assert panel.selected == (str(CORPUS.resolve()), *HOSTILE)
        frame = similar_incidents(panel.db, str(CORPUS.resolve()), *HOSTILE)
        assert frame is not None and 1 <= len(frame) <= 5
        assert list(frame["rank"]) == list(range(1, len(frame) + 1))
        assert all(d < date(2026, 10, 23) for d in pd.to_datetime(frame["day"]).dt.date)
        # first the crash loop set off by a dependency too, whose root cause reads alike
        assert frame["why"].iloc[0] == "trigger dependency; root cause 0.39"
        assert "nan" not in " ".join(frame["why"])
        for title in frame["title"]:
            assert title in html
        assert panel.widget.children[-1] is panel.similar
    finally:
        panel.db.close()


def test_the_panel_escapes_what_a_postmortem_wrote(db: Path) -> None:
    frame = pd.DataFrame(
        {
            "rank": [1],
            "score_text": ["0.80"],
            "day": [date(2026, 1, 2)],
            "days_before": [3.0],
            "incident_id": ["<b>x</b>"],
            "title": ['<img src=x onerror="alert(1)">'],
            "severity_label": ["SEV2"],
            "why": ["service <script>"],
            "path": ["a.md"],
        }
    )
    html = render(frame)
    assert "<img" not in html and "<script" not in html and "<b>x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_a_database_without_the_table_says_so(tmp_path: Path) -> None:
    import duckdb

    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute("CREATE TABLE incidents (path VARCHAR, incident_id VARCHAR)")
    con.close()
    db = ExploreDB.__new__(ExploreDB)
    db.con = duckdb.connect()
    db.con.execute("ATTACH ? AS src (READ_ONLY)", [str(old)])
    try:
        assert similar_incidents(db, "/pm", "a.md", "a") is None
        assert "Not computed for this database" in render(None)
    finally:
        db.con.close()
