"""The ipywidgets form driven without a browser: values in, messages, preview, file and DB rows out."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from pmkit.config import Config
from pmkit.draft.form import ENV_CORPUS, ENV_DB, ENV_TEMPLATE, DraftForm
from pmkit.draft.model import Draft, draft_from_dict
from pmkit.draft.render import TEMPLATES, render
from pmkit.draft.serve import serve_spec
from pmkit.draft.validate import has_errors

FIXTURES = Path(__file__).parent / "fixtures" / "draft"
NOW = datetime(2026, 3, 6, 12, 0)


@pytest.fixture
def sample() -> Draft:
    return draft_from_dict(json.loads((FIXTURES / "sample.json").read_text(encoding="utf-8")))


@pytest.fixture
def form(tmp_path: Path) -> DraftForm:
    return DraftForm(tmp_path / "corpus", tmp_path / "pmkit.duckdb", Config(), clock=lambda: NOW)


def _msg(form: DraftForm, name: str) -> str:
    return form.msgs[name].value


def type_in(form: DraftForm, d: Draft) -> None:
    """Fill the widgets the way a person does: field by field, rows by the Add buttons."""
    i = form.inputs
    i["title"].value = d.title
    i["severity"].value = d.severity
    i["owner"].value = d.owner
    i["responders"].value = ", ".join(d.responders)
    i["services"].value = ", ".join(d.services)
    for name in ("started_at", "detected_at", "mitigated_at", "resolved_at"):
        value = getattr(d, name)
        i[name].value = value.strftime("%Y-%m-%d %H:%M") if value else ""
    i["drafted_on"].value = d.drafted_on.isoformat() if d.drafted_on else ""
    for name in ("summary", "impact", "root_cause", "lessons"):
        i[name].value = getattr(d, name)
    for ev in d.timeline:
        form.add_event()
        row = form.events[-1]
        row.time.value = ev.at.strftime("%Y-%m-%d %H:%M") if ev.at else ""
        row.text.value, row.actor.value = ev.text, ev.actor
    for factor in d.factors:
        form.add_factor()
        form.factor_rows[-1].text.value = factor.text
    for a in d.actions:
        form.add_action()
        row = form.action_rows[-1]
        row.text.value, row.owner.value = a.text, a.owner
        row.due.value = a.due_date.isoformat() if a.due_date else ""
        row.status.value, row.tracking.value, row.kind.value = a.status, a.tracking_ref, a.kind


def test_empty_form_opens_quiet_and_save_shows_what_is_missing(form: DraftForm) -> None:
    """No red before anything is touched; Save writes nothing and shows every error."""
    assert all(box.value == "" for box in form.msgs.values())
    assert "Incident Postmortem" in form.preview.value
    assert not form.save_button.disabled
    form.save_button.click()
    for name in ("title", "severity", "owner", "started_at", "resolved_at", "summary", "actions"):
        assert "required" in _msg(form, name), name
    assert "Not saved" in form.save_status.value
    assert not form.corpus.exists() or not any(form.corpus.rglob("*.md"))


def test_a_field_shows_its_messages_once_touched(form: DraftForm, sample: Draft) -> None:
    form.inputs["title"].value = "Checkout down"
    form.inputs["title"].value = ""
    assert "Title is required" in _msg(form, "title")
    assert _msg(form, "owner") == "", "untouched fields stay quiet"
    form.inputs["owner"].value = "x"
    form.inputs["owner"].value = ""
    assert "Owner is required" in _msg(form, "owner")
    form.add_event()
    assert form.events[0].msg.value == "", "a new row is not an error yet"
    form.events[0].text.value = "Alert fired"
    assert "Time is required" in form.events[0].msg.value


def test_typing_clears_messages(form: DraftForm, sample: Draft) -> None:
    form.inputs["owner"].value = "x"
    form.inputs["owner"].value = ""
    assert "Owner is required" in _msg(form, "owner")
    type_in(form, sample)
    assert _msg(form, "owner") == ""
    assert form.messages == {}, form.messages
    assert form.draft() == sample
    form.inputs["owner"].value = "  "
    assert "Owner is required" in _msg(form, "owner")


def test_blameless_hint_wraps_under_its_field(form: DraftForm) -> None:
    """The hint is in the field's own box, under the text area, at the column's width."""
    form.inputs["root_cause"].value = "Human error: the engineer forgot to check the dashboard."
    box = next(
        b
        for b in form.widget.children[0].children
        if form.msgs["root_cause"] in getattr(b, "children", ())
    )
    assert box.children.index(form.inputs["root_cause"]) < box.children.index(
        form.msgs["root_cause"]
    )
    assert form.msgs["root_cause"].layout.width == "100%"
    assert "Blameless" in _msg(form, "root_cause")


def test_bare_times_are_dated_from_the_start_and_cross_midnight(form: DraftForm) -> None:
    form.inputs["started_at"].value = "2026-03-04 23:40"
    for text in ("23:50", "00:10", "2026-03-05 01:00", "00:55", "02:30"):
        form.add_event()
        form.events[-1].time.value = text
        form.events[-1].text.value = f"event at {text}"
    assert [e.at for e in form.draft().timeline] == [
        datetime(2026, 3, 4, 23, 50),
        datetime(2026, 3, 5, 0, 10),
        datetime(2026, 3, 5, 1, 0),
        datetime(2026, 3, 5, 0, 55),  # a few minutes back: same day, not the day after
        datetime(2026, 3, 5, 2, 30),
    ]
    assert "2026-03-05 00:10" in form.events[1].msg.value
    md = form.preview.value
    assert "2026-03-05 00:10" in md
    fresh = DraftForm(form.corpus, None, Config(), clock=lambda: NOW)
    fresh.add_event()
    fresh.events[0].time.value = "14:07"
    assert "set the start time" in fresh.events[0].msg.value


def test_severity_dropdown_shows_definitions(form: DraftForm) -> None:
    labels = [label for label, _value in form.inputs["severity"].options]
    assert any(label.startswith("P1 - Degraded service") for label in labels)
    form.inputs["severity"].value = "P0"
    assert "Customer-impacting outage" in form.severity_def.value


def test_bad_time_text_is_a_message_not_a_crash(form: DraftForm) -> None:
    form.inputs["started_at"].value = "yesterday afternoon"
    assert "YYYY-MM-DD HH:MM" in _msg(form, "started_at")
    assert "required" not in _msg(form, "started_at")
    form.inputs["started_at"].value = "2026-03-04T14:05:33Z"
    assert _msg(form, "started_at") == ""
    assert form.draft().started_at == datetime(2026, 3, 4, 14, 5)
    form.inputs["started_at"].value = "2026-03-07 10:00"
    assert "future" in _msg(form, "started_at")


def test_rows_add_and_remove(form: DraftForm, sample: Draft) -> None:
    type_in(form, sample)
    assert [e.text for e in form.draft().timeline] == [e.text for e in sample.timeline]
    form.events[1].remove.click()
    assert [e.text for e in form.draft().timeline] == [
        sample.timeline[0].text,
        sample.timeline[2].text,
    ]
    assert len(form.timeline_box.children) == 2
    form.add_action()
    assert form.action_rows[-1].msg.value == ""
    form.action_rows[-1].text.value = "Write a runbook"
    assert "tracking reference" in form.action_rows[-1].msg.value
    assert has_errors(form.messages)
    form.action_rows[-1].remove.click()
    assert not has_errors(form.messages)
    form.factor_rows[0].remove.click()
    assert [f.text for f in form.draft().factors] == [sample.factors[1].text]
    for row in list(form.action_rows):
        row.remove.click()
    assert "At least one action" in _msg(form, "actions")


def test_preview_escapes_html(form: DraftForm) -> None:
    form.inputs["title"].value = "<script>alert(1)</script> & <b>bold</b>"
    form.inputs["summary"].value = "<img src=x onerror=alert(1)>"
    preview = form.preview.value
    assert "<script>" not in preview and "<img" not in preview and "<b>bold" not in preview
    assert "&lt;script&gt;" in preview
    assert "&lt;img src=x onerror=alert(1)&gt;" in preview


def test_messages_are_escaped(form: DraftForm, sample: Draft) -> None:
    type_in(form, sample)
    form.inputs["severity"].options = [*form.inputs["severity"].options, ("<x>", "<x>")]
    form.inputs["severity"].value = "<x>"
    assert "<x>" not in form.severity_def.value and "Unknown severity" in _msg(form, "severity")


def test_template_choice_changes_the_preview(form: DraftForm, sample: Draft) -> None:
    type_in(form, sample)
    form.template.value = "seed-001"
    assert "1. Incident Summary" in form.preview.value
    form.template.value = "seed-004"
    assert "AI-001" in form.preview.value


def test_save_writes_in_the_corpus_layout_and_updates_its_own_file(
    tmp_path: Path, sample: Draft
) -> None:
    form = DraftForm(tmp_path / "corpus", None, Config(), clock=lambda: NOW)
    type_in(form, sample)
    assert "2026/03/2026-03-04-checkout-api-returned-500s.md" in form.target.value
    form.save_button.click()
    target = tmp_path / "corpus" / "2026" / "03" / "2026-03-04-checkout-api-returned-500s.md"
    assert target.read_text(encoding="utf-8").startswith("# Incident Postmortem: Checkout API")
    assert "Saved" in form.save_status.value
    assert "Will update" in form.target.value
    form.inputs["lessons"].value = "Changed."
    assert form.save() is not None
    assert "Changed." in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_new_draft_empties_the_form_and_the_next_save_writes_another_file(
    tmp_path: Path, sample: Draft
) -> None:
    """After a Save the form updates that file; "New draft" starts another postmortem: every
    field and row empty, no red, and its Save leaves the first file as it was."""
    form = DraftForm(tmp_path / "corpus", None, Config(), clock=lambda: NOW)
    type_in(form, sample)
    form.save_button.click()
    first = form.last_saved
    assert first is not None
    before = first.path.read_bytes()
    form.new_button.click()
    assert form.draft() == Draft(drafted_on=NOW.date())
    assert (form.events, form.factor_rows, form.action_rows) == ([], [], [])
    assert all(box.value == "" for box in form.msgs.values())
    assert form.save_status.value == "" and "Will write" in form.target.value
    other = replace(sample, title="Search index lagged behind writes")
    type_in(form, other)
    second = form.save()
    assert second is not None and second.path != first.path
    assert first.path.read_bytes() == before
    assert second.path.read_text(encoding="utf-8").startswith(
        "# Incident Postmortem: Search index lagged"
    )


def test_same_title_same_day_gets_a_new_name(tmp_path: Path, sample: Draft) -> None:
    """Two postmortems of one day with the same title: the second never replaces the first."""
    first = DraftForm(tmp_path / "corpus", None, Config(), clock=lambda: NOW)
    type_in(first, sample)
    one = first.save()
    second = DraftForm(tmp_path / "corpus", None, Config(), clock=lambda: NOW)
    type_in(second, sample)
    assert "-2.md" in second.target.value and "is another postmortem" in second.target.value
    second.inputs["summary"].value = "The second one."
    two = second.save()
    assert one is not None and two is not None
    assert two.relative == Path("2026/03/2026-03-04-checkout-api-returned-500s-2.md")
    assert "The second one." not in one.path.read_text(encoding="utf-8")


def test_other_scripts_get_their_own_files(tmp_path: Path, sample: Draft) -> None:
    paths = []
    for title in ("Сбой оплаты", "Сбой доставки заказов"):
        form = DraftForm(tmp_path / "corpus", None, Config(), clock=lambda: NOW)
        type_in(form, sample)
        form.inputs["title"].value = title
        result = form.save()
        assert result is not None
        paths.append(result.relative)
    assert paths == [
        Path("2026/03/2026-03-04-сбой-оплаты.md"),
        Path("2026/03/2026-03-04-сбой-доставки-заказов.md"),
    ]


def test_hostile_title_stays_inside_the_corpus(tmp_path: Path, sample: Draft) -> None:
    form = DraftForm(tmp_path / "corpus", None, Config(), clock=lambda: NOW)
    type_in(form, sample)
    form.inputs["title"].value = "../../../etc/passwd\x00"
    result = form.save()
    assert result is not None
    assert result.path.parent == (tmp_path / "corpus" / "2026" / "03").resolve()
    assert result.path.name == "2026-03-04-etc-passwd.md"


def test_save_ingests_into_duckdb(form: DraftForm, sample: Draft) -> None:
    pytest.importorskip("pmkit.store", reason="pmkit.store is not importable")
    import duckdb

    type_in(form, sample)
    result = form.save()
    assert result is not None and result.ingested, result and result.detail
    con = duckdb.connect(str(form.db_path), read_only=True)
    try:
        rows = con.execute(
            "SELECT path, title, severity_label, owner, started_at, resolved_at FROM incidents"
        ).fetchall()
        actions = con.execute(
            "SELECT text, owner, due_date, status, tracking_ref, kind FROM action_items ORDER BY text"
        ).fetchall()
        events = con.execute("SELECT count(*) FROM timeline_events").fetchone()
    finally:
        con.close()
    assert rows == [
        (
            "2026/03/2026-03-04-checkout-api-returned-500s.md",
            sample.title,
            "P1",
            "Ana Silva",
            sample.started_at,
            sample.resolved_at,
        )
    ]
    assert [(a[0], a[1], a[3], a[4], a[5]) for a in actions] == [
        ("Add a canary stage to config pushes", "Bo Chen", "open", "OPS-101", "short_term"),
        (
            "Validate renamed config keys in CI",
            "Cy Dee",
            "in_progress",
            "https://tracker.example.com/OPS-102",
            "long_term",
        ),
    ]
    assert events == (3,)


def test_load_existing_postmortem(form: DraftForm, sample: Draft, tmp_path: Path) -> None:
    pytest.importorskip("pmkit.parse.document", reason="the parser is not importable")
    type_in(form, sample)
    result = form.save()
    assert result is not None
    fresh = DraftForm(tmp_path / "corpus", None, Config(), clock=lambda: NOW)
    fresh.load_path.value = str(result.path)
    fresh.load_button.click()
    assert "Loaded" in fresh.load_msg.value
    loaded = fresh.draft()
    for name in (
        "title",
        "severity",
        "owner",
        "responders",
        "started_at",
        "resolved_at",
        "services",
    ):
        assert getattr(loaded, name) == getattr(sample, name), name
    assert loaded.actions == sample.actions
    assert [(e.at, e.text) for e in loaded.timeline] == [(e.at, e.text) for e in sample.timeline]
    assert not fresh.load(Path("2026/missing.md"))
    assert "Cannot load" in fresh.load_msg.value
    (tmp_path / "elsewhere.md").write_text(result.path.read_text(encoding="utf-8"))
    for outside in (tmp_path / "elsewhere.md", Path("../elsewhere.md")):
        assert not fresh.load(outside)
        assert "outside the corpus" in fresh.load_msg.value
    assert fresh.load(result.relative)


def test_from_config_reads_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_CORPUS, str(tmp_path / "c"))
    monkeypatch.setenv(ENV_DB, str(tmp_path / "d.duckdb"))
    monkeypatch.setenv(ENV_TEMPLATE, "seed-002")
    form = DraftForm.from_config()
    assert (form.corpus, form.db_path) == (tmp_path / "c", tmp_path / "d.duckdb")
    assert form.template.value == "seed-002"


def test_serve_spec_binds_localhost_and_passes_paths(tmp_path: Path) -> None:
    spec = serve_spec(tmp_path / "corpus", 8999, tmp_path / "x.duckdb", "seed-000")
    assert "--Voila.ip=127.0.0.1" in spec.argv and "--port=8999" in spec.argv
    assert spec.url == "http://127.0.0.1:8999/"
    assert spec.env[ENV_CORPUS] == str((tmp_path / "corpus").resolve())
    assert spec.env[ENV_DB] == str((tmp_path / "x.duckdb").resolve())
    assert spec.env[ENV_TEMPLATE] == "seed-000"
    assert spec.notebook.name == "draft.ipynb" and spec.notebook.is_file()


def test_from_config_finds_the_project_from_a_subfolder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JupyterLab runs notebooks/draft.ipynb in notebooks/: paths are the project's, not its own."""
    for var in (ENV_CORPUS, ENV_DB, ENV_TEMPLATE, "PMKIT_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "pmkit.toml").write_text('[paths]\ncorpus = "pm"\n', encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    form = DraftForm.from_config()
    assert form.corpus == tmp_path / "pm"
    assert form.db_path == tmp_path / "data" / "pmkit.duckdb"


def test_failed_ingest_keeps_the_file_and_says_why(tmp_path: Path, sample: Draft) -> None:
    pytest.importorskip("pmkit.store", reason="pmkit.store is not importable")
    not_a_db = tmp_path / "db-is-a-folder"
    not_a_db.mkdir()
    form = DraftForm(tmp_path / "corpus", not_a_db, Config(), clock=lambda: NOW)
    type_in(form, sample)
    result = form.save()
    assert result is not None and not result.ingested
    assert result.path.is_file()
    assert "ingest failed" in form.save_status.value


def test_draft_command_refuses_a_busy_port() -> None:
    import socket

    from click.testing import CliRunner

    from pmkit.cli import cli

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        result = CliRunner().invoke(cli, ["draft", "--port", str(port)])
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.output


@pytest.mark.parametrize("template", TEMPLATES)
def test_load_then_save_keeps_every_field(tmp_path: Path, sample: Draft, template: str) -> None:
    """Responders included: they used to be written but never read back, so a load and a save
    deleted them."""
    from pmkit.parse import parse_file

    corpus = tmp_path / "corpus"
    path = corpus / "2026" / "03" / "x.md"
    path.parent.mkdir(parents=True)
    path.write_text(render(sample, template, Config()), encoding="utf-8")
    form = DraftForm(corpus, None, Config(), clock=lambda: NOW)
    assert form.load(Path("2026/03/x.md"))
    assert form.draft() == sample
    assert form.template.value == template
    result = form.save()
    assert result is not None and result.path == path.resolve()
    (pm,) = parse_file(path).incidents
    assert pm.responders == sample.responders
    assert sorted(p.name for p in path.parent.iterdir()) == ["x.md"]
