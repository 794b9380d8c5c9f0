"""The Recurring incidents page, run by papermill on the report fixture database.

Once with the similarity computed (``pmkit.similar.cache.refresh`` on the fixture, whose
incidents all share summary and root cause texts: many repeats, and the incident with HTML and a
script URL in its fields among them), and once without (the page says so and shows no number).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from test_report_fixture_db import AS_OF, HOSTILE, build_fixture_db

from pmkit.reports import DEFAULT_NOTEBOOK_DIR, ReportRequest, RunResult, run_reports
from pmkit.similar.cache import refresh

NAME = "recurring_incidents"


def _run(db: Path, out: Path) -> str:
    request = ReportRequest.build(
        db, AS_OF.isoformat(), 365, out_dir=out, only=(NAME,), notebook_dir=DEFAULT_NOTEBOOK_DIR
    )
    result: RunResult = run_reports(request)
    return (result.run_dir / f"{NAME}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    base = tmp_path_factory.mktemp("recurring")
    bare = build_fixture_db(base / "bare.duckdb", similarity=False)
    computed = base / "computed.duckdb"
    shutil.copyfile(bare, computed)
    con = duckdb.connect(str(computed))
    try:
        # the hostile incident (the fixture's eighth) on the service of the one before it, with
        # its trigger: a repeat of it, so its title is on the page
        con.execute(
            "UPDATE incidents SET services = (SELECT services FROM incidents WHERE "
            "incident_id = 'INC-006'), trigger_category = (SELECT trigger_category FROM "
            "incidents WHERE incident_id = 'INC-006') WHERE incident_id = ?",
            [HOSTILE["incident_id"]],
        )
        con.execute("BEGIN")
        assert refresh(con).mode == "full"
        con.execute("COMMIT")
    finally:
        con.close()
    return _run(computed, base / "out1"), _run(bare, base / "out2")


def test_the_page_shows_rate_repeats_and_families(pages: tuple[str, str]) -> None:
    html, _ = pages
    assert "Recurring incidents" in html
    assert re.search(r"Similarity of 40 incidents .*repeat: score &gt;= 0.69 within 180 days", html)
    figures = re.findall(r'<figure class="pmkit-chart"><svg.*?</svg><figcaption', html, re.S)
    assert len(figures) == 1
    assert re.search(r'<figcaption class="pmkit-caption">[^<]*\(n = 40\)</figcaption>', html)
    for text in ("Fix did not hold", "Fix never landed", "repeats in this window", "Family 1, "):
        assert text in html
    assert "file:///srv/postmortems/pm/" in html  # every incident links to its file
    assert '<nav class="pmkit-nav">' in html and 'pmkit-nav-current">Recurring incidents' in html


def test_what_a_postmortem_wrote_is_escaped(pages: tuple[str, str]) -> None:
    html, _ = pages
    title = HOSTILE["title"]
    assert title not in html  # never as markup
    assert "<script" not in html and "onerror=" not in html.lower().replace("onerror=&", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; checkout &amp; payments down" in html
    assert 'href="javascript:' not in html.lower()


def test_without_similarity_the_page_says_so_and_claims_nothing(pages: tuple[str, str]) -> None:
    _, html = pages
    assert "never computed for this database" in html
    assert "Fix did not hold" not in html
    assert '<figure class="pmkit-chart">' not in html
