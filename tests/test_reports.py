"""Every shipped report notebook, executed by papermill with the real kernel on the fixture DB.

One session-scoped run of the whole suite feeds most tests (kernels are the slow part); the
browser test at the end opens its HTML in headless chromium with the network blocked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import papermill
import pytest
from test_report_fixture_db import AS_OF, HOSTILE, build_fixture_db

from pmkit.reports import DEFAULT_NOTEBOOK_DIR, ReportRequest, RunResult, run_reports
from pmkit.reports.index import render_index

from browser_support import CHROMIUM, CHROMIUM_ARGS, require_browser

SHIPPED = sorted(p.stem for p in DEFAULT_NOTEBOOK_DIR.glob("*.ipynb"))
CHART_REPORTS = {
    "severity_trends": 5,
    "time_to_draft": 3,
    "contributing_factors": 4,
    "overdue_actions": 5,
}
"""Report -> how many charts it draws on the fixture data."""
PARAMETERS = {
    "db_path",
    "as_of",
    "lookback_days",
    "severity_levels",
    "services",
    "teams",
    "templates",
    "config_path",
}
CONFIG = """
[people]
"Alice Adams" = { aliases = ["alice"], team = "platform" }

[links]
ops = "https://tracker.example.com/browse/{key}"
"""
HREF = re.compile(r'<a [^>]*?href="([^"]*)"[^>]*>')
LINK = re.compile(r"<a [^>]*>.*?</a>", re.S)
EXTERNAL = re.compile(r"(https?:|ftp:)?//[a-z0-9-]+(\.[a-z0-9-]+)+", re.I)


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("reportdb") / "fixture.duckdb")


@pytest.fixture(scope="session")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "pmkit.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def report_run(
    fixture_db: Path, config_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> RunResult:
    """The whole shipped suite, run once for the session, with [people] and [links]."""
    out = tmp_path_factory.mktemp("reports")
    request = ReportRequest.build(
        fixture_db,
        AS_OF.isoformat(),
        365,
        out_dir=out,
        notebook_dir=DEFAULT_NOTEBOOK_DIR,
        config_path=config_path,
    )
    return run_reports(request)


def _html(run: RunResult, name: str) -> str:
    return (run.run_dir / f"{name}.html").read_text(encoding="utf-8")


def test_the_five_reports_are_shipped() -> None:
    # recurring_incidents (issue 18) is tested in test_report_recurring.py
    assert set(SHIPPED) == {*CHART_REPORTS, "summary", "recurring_incidents"}


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_notebook_is_parameterized_and_stored_without_outputs(name: str) -> None:
    path = DEFAULT_NOTEBOOK_DIR / f"{name}.ipynb"
    assert set(papermill.inspect_notebook(str(path))) == PARAMETERS
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name} has outputs"
            assert "def " not in cell.source, f"{name}: functions belong in pmkit/, not notebooks"


@pytest.mark.parametrize("name", SHIPPED)
def test_every_notebook_ran_without_error(report_run: RunResult, name: str) -> None:
    executed = nbformat.read(report_run.run_dir / f"{name}.ipynb", as_version=4)
    for index, cell in enumerate(executed.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{name} cell {index}: {output.get('evalue')}"
            if output.output_type == "stream":
                assert output.name != "stderr", (
                    f"{name} cell {index} wrote to stderr: {output.text}"
                )
    assert (report_run.run_dir / f"{name}.html").stat().st_size > 1000


@pytest.mark.parametrize("name", sorted(CHART_REPORTS))
def test_html_holds_the_charts_with_captions_and_n(report_run: RunResult, name: str) -> None:
    html = _html(report_run, name)
    figures = re.findall(r'<figure class="pmkit-chart"><svg.*?</svg><figcaption', html, re.S)
    assert len(figures) >= CHART_REPORTS[name]
    assert html.count('<figcaption class="pmkit-caption">') == len(figures)
    captions = re.findall(r'<figcaption class="pmkit-caption">(.*?)</figcaption>', html)
    assert all(re.search(r"\(n = [\d,]+\)$", c) for c in captions), captions
    assert 'class="pmkit-stat-n">n = ' in html
    assert "<script" not in html  # static SVG: nothing to run, nothing to load


def test_summary_leads_with_all_four_and_links_to_them(report_run: RunResult) -> None:
    html = _html(report_run, "summary")
    for name in CHART_REPORTS:
        assert f'href="{name}.html"' in html
        assert (report_run.run_dir / f"{name}.html").is_file()
    assert len(re.findall(r'class="pmkit-stat[ "]', html)) >= 19
    # change since the previous period, each test named on the page
    for test in ("exact Poisson rate test", "Fisher&#x27;s exact test", "Mann-Whitney U test"):
        assert test in html
    assert "Change since the previous period" in html


@pytest.mark.parametrize("name", SHIPPED)
def test_every_page_has_the_navigation_bar(report_run: RunResult, name: str) -> None:
    nav = re.search(r'<nav class="pmkit-nav">(.*?)</nav>', _html(report_run, name), re.S)
    assert nav, f"{name} has no navigation bar"
    links = HREF.findall(nav.group(1))
    others = [f"{n}.html" for n in SHIPPED if n != name]
    assert sorted(links) == sorted([*others, "../index.html"])
    assert "pmkit-nav-current" in nav.group(1)


def test_overdue_actions_are_all_there_by_owner_with_a_csv(
    report_run: RunResult, fixture_db: Path, config_path: Path
) -> None:
    import duckdb

    from pmkit import metrics
    from pmkit.config import load_config
    from pmkit.normalize.owners import People

    people = People.from_config(load_config(config_path))
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        f = metrics.Filters(as_of=AS_OF, lookback_days=365, people=people)
        overdue = metrics.overdue_actions(con, f)
    html = _html(report_run, "overdue_actions")
    assert "more rows not shown" not in html  # every row, folded away rather than cut
    groups = re.search(r'<div class="pmkit-groups">(.*?)</div>', html, re.S)
    assert groups is not None
    owners = overdue["owner"].fillna("(no owner)").nunique()
    assert groups.group(1).count("<tr>") == len(overdue) + owners  # rows + one heading each
    assert "Alice Adams: " in groups.group(1) and ">alice: " not in groups.group(1)
    csv = (report_run.run_dir / "overdue_actions.csv").read_text(encoding="utf-8")
    assert len(csv.strip().splitlines()) == len(overdue) + 1
    assert 'href="overdue_actions.csv"' in html
    # tracking keys link through [links]; the incidents to their files
    assert 'href="https://tracker.example.com/browse/OPS-100">OPS-100</a>' in html
    assert 'href="file:///srv/postmortems/pm/' in html


@pytest.mark.parametrize("name", SHIPPED)
def test_report_html_fetches_nothing_and_links_only_the_web_and_its_files(
    report_run: RunResult, name: str
) -> None:
    html = _html(report_run, name)
    for href in HREF.findall(html):  # links are followed only when clicked
        assert href.startswith(("https://", "file:///", "data:text/csv;", "#")) or re.fullmatch(
            r"(\.\./)?[a-z_]+\.(html|csv)", href
        ), href
    rest = LINK.sub("<a></a>", html)  # a link's own text may be its address
    assert not EXTERNAL.findall(rest), EXTERNAL.findall(rest)[:5]
    assert "<link" not in html and "@import" not in html


def test_incident_text_is_escaped(report_run: RunResult) -> None:
    pages = {name: _html(report_run, name) for name in SHIPPED}
    everything = "\n".join(pages.values())
    for raw in ("<script>alert(", "<img src=x", "<b>mallory</b>", "<i>team-x</i>", "<svg onload"):
        assert raw not in everything
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["time_to_draft"]
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in pages["overdue_actions"]
    assert "&lt;b&gt;mallory&lt;/b&gt;" in pages["overdue_actions"]
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages["contributing_factors"]
    # a script URL is text, never a link; a URL with markup in it is an escaped link
    assert "javascript:alert(5)" in pages["overdue_actions"]
    assert 'href="javascript' not in everything
    assert "OPS-1?q=&quot;&gt;&lt;script&gt;alert(6)&lt;/script&gt;" in pages["overdue_actions"]
    assert HOSTILE["service"].replace("<", "&lt;").replace(">", "&gt;") in pages["severity_trends"]


def test_run_folder_and_index(report_run: RunResult) -> None:
    out = report_run.run_dir.parent
    assert report_run.run_dir.name == AS_OF.isoformat()
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "temporary folders left behind"
    manifest = json.loads((report_run.run_dir / "run.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == AS_OF.isoformat()
    assert [n["name"] for n in manifest["notebooks"]][0] == "summary"
    index = report_run.index_path.read_text(encoding="utf-8")
    for name in SHIPPED:
        assert f'href="{AS_OF.isoformat()}/{name}.html"' in index
    assert not EXTERNAL.findall(index)


def test_index_escapes_what_it_shows(tmp_path: Path) -> None:
    run = tmp_path / "2026-01-05"
    run.mkdir()
    (run / "run.json").write_text(
        json.dumps(
            {
                "as_of": "2026-01-05",
                "parameters": {"lookback_days": 30, "services": ["<script>alert(9)</script>"]},
                "notebooks": [{"name": "x", "title": "<b>bold</b>", "html": 'x".html'}],
            }
        ),
        encoding="utf-8",
    )
    html = render_index(tmp_path)
    assert "<script>alert(9)" not in html and "&lt;script&gt;alert(9)" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert 'href="2026-01-05/x&quot;.html"' in html


@pytest.fixture(scope="session")
def sparse_run(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """Only the most severe incidents: too few to trust a trend."""
    request = ReportRequest.build(
        fixture_db,
        AS_OF.isoformat(),
        365,
        out_dir=tmp_path_factory.mktemp("sparse"),
        only=("severity_trends", "summary"),
        notebook_dir=DEFAULT_NOTEBOOK_DIR,
        severity_levels=(0,),
    )
    return run_reports(request)


def test_small_n_is_called_out(sparse_run: RunResult, report_run: RunResult) -> None:
    html = _html(sparse_run, "severity_trends")
    assert "too few to trust a trend" in html
    assert "severity levels: 0" in html  # the header names the filter
    assert "too few to trust a trend" not in _html(report_run, "severity_trends")
    manifest = json.loads((sparse_run.run_dir / "run.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["severity_levels"] == [0]


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser_page() -> Iterator[object]:
    require_browser()
    import playwright.sync_api as sync_api

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            yield page
        finally:
            browser.close()


@pytest.mark.browser
def test_reports_render_offline_in_chromium(
    report_run: RunResult, browser_page: object, tmp_path: Path
) -> None:
    page = browser_page
    blocked: list[str] = []

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith(("file:", "data:")):
            r.continue_()  # type: ignore[attr-defined]
        else:
            blocked.append(url)
            r.abort()  # type: ignore[attr-defined]

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    page.route("**/*", route)  # type: ignore[attr-defined]
    page.goto(report_run.index_path.as_uri())  # type: ignore[attr-defined]
    hrefs = page.eval_on_selector_all("table a", "els => els.map(e => e.href)")  # type: ignore[attr-defined]
    assert len(hrefs) == len(SHIPPED)
    for href in hrefs:
        page.goto(href)  # type: ignore[attr-defined]
        marks = page.eval_on_selector_all(  # type: ignore[attr-defined]
            "figure.pmkit-chart svg",
            "svgs => svgs.map(s => [s.getBoundingClientRect().width,"
            " s.querySelectorAll('g.role-mark path, g.role-mark line').length])",
        )
        name = href.rsplit("/", 1)[-1].removesuffix(".html")
        assert len(marks) >= CHART_REPORTS.get(name, 0), name
        for width, count in marks:
            assert width > 100 and count > 0, f"{name}: a chart drew no marks"
        # every folded list unfolds (nothing is cut, only folded away)
        page.eval_on_selector_all("details", "els => els.forEach(e => e.open = true)")  # type: ignore[attr-defined]
        if name == "time_to_draft":  # the hostile title is shown as text, not run
            assert HOSTILE["title"] in page.inner_text("body")  # type: ignore[attr-defined]
        shot = tmp_path / f"{name}.png"
        page.screenshot(path=str(shot), full_page=True)  # type: ignore[attr-defined]
        assert shot.stat().st_size > 10_000
    assert blocked == [], f"reports tried to reach the network: {blocked}"
    assert dialogs == [], f"incident text ran as script: {dialogs}"


def test_the_targets_of_pmkit_toml_set_the_numbers_and_the_prose(
    fixture_db: Path, report_run: RunResult, tmp_path: Path
) -> None:
    """``[targets] draft_hours = 24``: the late drafts are those past 24 h, and the page says
    "within 24 hours" where the default run says 48 (the prose is no longer written in)."""
    import duckdb

    from pmkit import metrics

    config = tmp_path / "pmkit.toml"
    config.write_text("[targets]\ndraft_hours = 24\nreview_business_days = 3\n", encoding="utf-8")
    request = ReportRequest.build(
        fixture_db,
        AS_OF.isoformat(),
        365,
        out_dir=tmp_path / "out",
        only=("time_to_draft",),
        notebook_dir=DEFAULT_NOTEBOOK_DIR,
        config_path=config,
    )
    page = _html(run_reports(request), "time_to_draft")
    default = _html(report_run, "time_to_draft")
    assert "a draft within 24 hours" in page and "48 hours" not in page
    assert "a draft within 48 hours" in default and "Due 48 hours after" in default
    assert "Due 24 hours after" in page
    assert "reviews that took longer than 3 business days" in page
    assert "reviews that took longer than 5 business days" in default
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        f = metrics.Filters(AS_OF)
        late = {h: len(metrics.late_drafts(con, f, h)) for h in (24, 48)}
    finally:
        con.close()
    assert late[24] > late[48]  # the fixture has drafts between 24 and 48 hours
    assert f"{late[24]:,} late drafts of" in page
    assert f"{late[48]:,} late drafts of" in default
