"""The drafting form's "similar past incidents" panel, driven without a browser: values typed into
the widgets, the panel's HTML read back. The database is the explorer's fixture corpus ingested
through the CLI (ten incidents, one with HTML in its title: ``<img src=x onerror=alert(1)> OOM
kills``, 2026-10-23, P2, service user-profile)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmkit.cli import cli
from pmkit.config import Config
from pmkit.draft.form import DraftForm
from pmkit.draft.model import Draft, DraftFactor
from pmkit.draft.render import TEMPLATES, render
from pmkit.draft.similar_panel import SimilarPanel, postmortem_of
from pmkit.similar.draft import for_file

CORPUS = Path(__file__).parent / "fixtures" / "explore" / "corpus"
HOSTILE_FILE = "2026-10-23-hostile-html.md"
HOSTILE_TITLE = "<img src=x onerror=alert(1)> OOM kills"
NOW = datetime(2026, 11, 20, 12, 0)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus, db): a copy of the fixture corpus and its database, written by `pmkit ingest`."""
    base = tmp_path_factory.mktemp("similar-panel")
    corpus, db = base / "corpus", base / "pm.duckdb"
    shutil.copytree(CORPUS, corpus)
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    return corpus, db


@pytest.fixture
def form(ingested: tuple[Path, Path]) -> DraftForm:
    corpus, db = ingested
    return DraftForm(corpus, db, Config(), clock=lambda: NOW)


def _items(html: str) -> list[str]:
    return re.findall(r"<li class='pm-similar-item'>(.*?)</li>", html)


def type_oom(form: DraftForm) -> None:
    form.inputs["title"].value = "user-profile OOM kills"
    form.inputs["services"].value = "user-profile"
    form.inputs["root_cause"].value = "Memory pressure: user-profile pods were OOM killed."


def test_the_panel_fills_in_as_the_draft_is_typed(form: DraftForm) -> None:
    html = form.similar.body.value
    assert "Type a title, summary, root cause or factor" in html and not _items(html)
    assert form.side_panel.children == (form.similar.widget,)
    type_oom(form)
    html = form.similar.body.value
    items = _items(html)
    assert items, html
    first = items[0]
    # score, date, severity, title (escaped), reasons, file
    assert re.search(r"score <span class='pm-similar-score'>0\.\d\d<", first)
    assert "2026-10-23" in first and "P2" in first
    assert "&lt;img src=x onerror=alert(1)&gt; OOM kills" in first
    assert re.search(r"why: same service user-profile; words alike in title 0\.\d\d", first)
    assert f"<code>{HOSTILE_FILE}</code>" in first
    assert "among all 10 past incidents (no start time yet)" in html
    assert "<img" not in html and "<script" not in html
    # the start time narrows the comparison to what came before it
    form.inputs["started_at"].value = "2026-10-01 10:00"
    html = form.similar.body.value
    assert "before 2026-10-01 10:00" in html
    assert "2026-10-23" not in html and HOSTILE_FILE not in html
    # the index was read once, each change of a compared field asked again
    assert form.similar.opened == 1
    queries = form.similar.queries
    form.inputs["owner"].value = "Ana Silva"  # not compared: no new query
    form.inputs["lessons"].value = "Keep the runbook."
    assert form.similar.queries == queries


def test_everything_a_postmortem_wrote_is_escaped(
    ingested: tuple[Path, Path], tmp_path: Path
) -> None:
    """A title full of markup in the database is shown as text: the fixture's own hostile
    incident, and a title with every special character written straight into the table."""
    import duckdb

    _corpus, db = ingested
    copy = tmp_path / "hostile.duckdb"
    shutil.copyfile(db, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute(
            "UPDATE incidents SET title = ?, severity_label = ? WHERE path = ?",
            ["\"><script>alert(1)</script> & 'x'", "<b>P2</b>", HOSTILE_FILE],
        )
    finally:
        con.close()
    form = DraftForm(tmp_path / "corpus", copy, Config(), clock=lambda: NOW)
    type_oom(form)
    form.add_factor()
    form.factor_rows[-1].text.value = "Connection pool limit too low for user-profile"
    html = form.similar.body.value
    assert _items(html)
    assert "<script" not in html and "<b>" not in html
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;x&#x27;" in html
    assert "&lt;b&gt;P2&lt;/b&gt;" in html


def test_a_loaded_file_is_not_listed_as_like_itself(form: DraftForm) -> None:
    assert form.load(Path(HOSTILE_FILE))
    html = form.similar.body.value
    assert HOSTILE_FILE not in html  # its own incident, word for word, is left out
    assert "past incidents before 2026-10-23 13:01" in html


def test_forms_on_the_same_database_share_one_index(
    ingested: tuple[Path, Path], tmp_path: Path
) -> None:
    """Each form reads the database once; a second form on the same file (a notebook cell run
    again) shares what the first read; a changed file is read again."""
    corpus, db = ingested
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(db, copy)
    forms = [DraftForm(corpus, copy, Config(), clock=lambda: NOW) for _ in range(2)]
    for form in forms:
        type_oom(form)
        assert form.similar.opened == 1 and form.similar.found
    assert forms[0].similar.index is forms[1].similar.index
    copy.write_bytes(copy.read_bytes())  # the same bytes, another version of the file
    os.utime(copy, ns=(1, 1))
    third = DraftForm(corpus, copy, Config(), clock=lambda: NOW)
    type_oom(third)
    assert third.similar.index is not forms[0].similar.index


def test_without_a_database_the_panel_says_so_and_the_form_works(tmp_path: Path) -> None:
    form = DraftForm(tmp_path / "corpus", tmp_path / "none.duckdb", Config(), clock=lambda: NOW)
    type_oom(form)
    assert "No database at" in form.similar.body.value
    assert "none.duckdb" in form.similar.body.value
    assert form.similar.opened == 0
    assert "user-profile OOM kills" in form.preview.value
    nodb = DraftForm(tmp_path / "corpus", None, Config(), clock=lambda: NOW)
    type_oom(nodb)
    assert "No database yet" in nodb.similar.body.value


def test_errors_never_break_the_form(tmp_path: Path, ingested: tuple[Path, Path]) -> None:
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database <b>\x00" * 100)
    form = DraftForm(tmp_path / "corpus", garbage, Config(), clock=lambda: NOW)
    type_oom(form)
    assert "Cannot read the database" in form.similar.body.value
    assert "<b>" not in form.similar.body.value
    form.inputs["summary"].value = "Still typing"
    assert form.similar.opened == 1  # a database that failed is not read again on each change
    assert "Still typing" in form.preview.value

    class Broken:
        features: list[object] = []

        def query(self, *args: object, **kw: object) -> list[object]:
            raise RuntimeError("query <failed>")

    _corpus, db = ingested
    panel = SimilarPanel(db, Config(), opener=lambda _db, _config: Broken())
    panel.update(Draft(title="x"), tmp_path, "x.md")
    assert "unavailable: query &lt;failed&gt;" in panel.body.value


def test_queries_wait_for_a_pause_in_typing(ingested: tuple[Path, Path], tmp_path: Path) -> None:
    """Debounced: every change cancels the query waiting; the one left runs with the latest
    draft. (The scheduler is the test's: no clock is read.)"""
    _corpus, db = ingested
    waiting: list[tuple[Callable[[], None], list[bool]]] = []

    def schedule(delay: float, callback: Callable[[], None]) -> Callable[[], None]:
        assert delay > 0
        cancelled = [False]
        waiting.append((callback, cancelled))
        return lambda: cancelled.__setitem__(0, True)

    panel = SimilarPanel(db, Config(), schedule=schedule)
    title = ""
    for char in "user-profile OOM kills":
        title += char
        panel.update(Draft(title=title, services=["user-profile"]), tmp_path, "draft.md")
    assert panel.queries == 0 and panel.opened == 0
    live = [callback for callback, cancelled in waiting if not cancelled[0]]
    typed = {"user-profile OOM kills"[:n].strip() for n in range(1, 23)}
    assert len(live) == 1 and len(waiting) == len(typed)  # a trailing space changes nothing
    live[0]()
    assert panel.queries == 1 and panel.opened == 1
    assert HOSTILE_FILE in panel.body.value


def test_the_draft_is_compared_by_what_ingest_would_read() -> None:
    draft = Draft(
        title=" Checkout down ",
        summary="",
        root_cause="Cache evicted",
        services=["checkout", " "],
        started_at=datetime(2026, 3, 4, 14, 5),
        factors=[DraftFactor("Pool too small"), DraftFactor("  ")],
    )
    pm = postmortem_of(draft)
    assert (pm.title, pm.executive_summary, pm.root_cause) == (
        "Checkout down",
        None,
        "Cache evicted",
    )
    assert pm.services == ["checkout"] and [f.text for f in pm.factors] == ["Pool too small"]
    assert pm.incident_date is not None and pm.incident_date.isoformat() == "2026-03-04"


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_same_list_as_pmkit_similar_gives_for_the_saved_file(
    form: DraftForm, ingested: tuple[Path, Path], tmp_path: Path, template: str
) -> None:
    """The panel's list equals ``pmkit similar``'s (``for_file``) for the file Save would
    write in each template: same incidents, scores and reasons."""
    _corpus, db = ingested
    form.template.value = template
    form.inputs["title"].value = "user-profile OOM kills"
    form.inputs["summary"].value = "Half of the requests to user-profile failed: OOM kills."
    form.inputs["root_cause"].value = "Memory pressure: user-profile pods were OOM killed."
    form.inputs["services"].value = "user-profile, auth-service"
    form.inputs["started_at"].value = "2026-11-01 10:00"
    form.add_factor()
    form.factor_rows[-1].text.value = "Alert threshold too high to fire for a partial outage"
    panel = [(s.path, round(s.score, 5), s.reasons()) for s in form.similar.found]
    assert len(panel) >= 2
    saved = tmp_path / "draft.md"
    saved.write_text(render(form.draft(), template, form.config), encoding="utf-8")
    results, errors = for_file(saved, db, 5, form.config)
    assert not errors and len(results) == 1
    assert [(s.path, round(s.score, 5), s.reasons()) for s in results[0][1]] == panel
