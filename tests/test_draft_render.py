"""The pure side of the drafting form: render, validate, and where Save may write."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from pmkit.config import Config
from pmkit.draft.model import Draft, DraftAction, DraftEvent, DraftFactor, draft_from_dict
from pmkit.draft.render import TEMPLATES, UnknownTemplateError, render, template_text
from pmkit.draft.validate import has_errors, validate

FIXTURES = Path(__file__).parent / "fixtures" / "draft"
NOW = datetime(2026, 3, 6, 12, 0)


@pytest.fixture
def sample() -> Draft:
    return draft_from_dict(json.loads((FIXTURES / "sample.json").read_text(encoding="utf-8")))


def _errors(draft: Draft, **kw: object) -> dict[str, list[str]]:
    return {
        k: [m.text for m in ms if m.level == "error"]
        for k, ms in validate(draft, Config(), now=NOW, **kw).items()
        if any(m.level == "error" for m in ms)
    }


@pytest.mark.parametrize("template", TEMPLATES)
def test_render_fills_every_slot(template: str, sample: Draft) -> None:
    md = render(sample, template, Config())
    assert "${" not in md
    for text in ("Checkout API returned 500s", "P1", "Ana Silva", "2026-03-04 14:05"):
        assert text in md
    assert "2026-03-04 15:10" in md
    assert "OPS-101" in md and "https://tracker.example.com/OPS-102" in md
    assert "Config pushes skip the canary stage" in md


@pytest.mark.parametrize("template", TEMPLATES)
def test_render_drops_empty_optional_fields(template: str) -> None:
    """An empty optional field is left out, not written as an empty key that reads as a blank."""
    md = render(Draft(title="t", started_at=datetime(2026, 1, 2, 3, 4)), template, Config())
    assert "Mitigated" not in md and "Detect" + "ion Time" not in md
    assert "Services Affected:**\n" not in md


def test_canonical_template_file_is_the_union_of_seed_sections() -> None:
    text = template_text("canonical")
    for heading in (
        "## Metadata",
        "## Executive Summary",
        "## Customer Impact",
        "## Timeline (UTC)",
        "## Root Cause",
        "## Contributing Factors",
        "## Corrective Actions",
        "### Short-term",
        "### Long-term",
        "## Lessons Learned",
    ):
        assert heading in text
    with pytest.raises(UnknownTemplateError):
        template_text("../etc/passwd")


def test_table_cells_and_headings_are_escaped(sample: Draft) -> None:
    sample.actions[0].text = "Split | the pool"
    sample.timeline[0].text = "line one\nline two"
    sample.root_cause = "# not a heading\n---"
    md = render(sample, "canonical", Config())
    assert "| Split \\| the pool |" in md
    assert "line one line two" in md
    assert "\n\\# not a heading\n\n\\---\n" in md  # each line its own paragraph


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("- x", "\\- x"),
        ("1. x", "1\\. x"),
        ("# x", "\\# x"),
        ("> x", "\\> x"),
        (">5 ms", "\\>5 ms"),
    ],
)
def test_list_items_do_not_open_a_block(sample: Draft, text: str, item: str) -> None:
    """A factor that starts like a list, heading or quote stays one item of text (">" opens a
    quote with no space after it too)."""
    sample.factors = [DraftFactor(text)]
    assert f"\n- {item}\n" in render(sample, "canonical", Config())


def test_valid_sample_has_no_errors(sample: Draft) -> None:
    assert _errors(sample) == {}
    assert not has_errors(validate(sample, Config(), now=NOW))


def test_required_fields() -> None:
    errors = _errors(Draft())
    for name in (
        "title",
        "severity",
        "owner",
        "summary",
        "root_cause",
        "started_at",
        "resolved_at",
        "actions",
    ):
        assert name in errors, name


def test_end_after_start_and_window(sample: Draft) -> None:
    bad = replace(sample, resolved_at=datetime(2026, 3, 4, 14, 0))
    assert "End must be after start." in _errors(bad)["resolved_at"]
    early = replace(sample, detected_at=datetime(2026, 3, 4, 13, 0))
    assert "Detection time is before the start." in _errors(early)["detected_at"]
    late = replace(sample, mitigated_at=datetime(2026, 3, 4, 16, 0))
    assert "Mitigation time is after the end." in _errors(late)["mitigated_at"]


def test_future_dates_are_errors(sample: Draft) -> None:
    future = replace(sample, resolved_at=datetime(2026, 3, 7, 0, 0), drafted_on=date(2026, 3, 8))
    errors = _errors(future)
    assert errors["resolved_at"] == ["This time is in the future."]
    assert errors["drafted_on"] == ["This date is in the future."]
    sample.actions[0].due_date = date(2027, 1, 1)  # a due date is meant to be in the future
    assert _errors(sample) == {}


def test_severity_must_be_configured(sample: Draft) -> None:
    assert "severity" in _errors(replace(sample, severity="P9"))
    assert "severity" not in _errors(replace(sample, severity="sev-2"))
    assert "severity" not in _errors(replace(sample, severity="Major"))
    custom = Config(severity_definitions={"Red": "all down"}, severity_levels={"red": 0})
    assert not [
        m for m in validate(replace(sample, severity="Red"), custom, now=NOW).get("severity", [])
    ]


def test_every_action_is_tracked(sample: Draft) -> None:
    sample.actions.append(DraftAction("Write a runbook"))
    errors = _errors(sample)
    assert list(errors) == ["actions[2]"]
    assert "owner, due date, tracking reference" in errors["actions[2]"][0]


def test_rows_need_text_and_time(sample: Draft) -> None:
    sample.timeline.append(DraftEvent(None, ""))
    sample.factors.append(DraftFactor("  "))
    errors = _errors(sample)
    assert errors["timeline[3]"] == ["Time is required.", "Event text is required."]
    assert "factors[2]" in errors


def test_blameless_hints_are_warnings(sample: Draft) -> None:
    sample.root_cause = "Human error: the engineer forgot to check the dashboard."
    messages = validate(sample, Config(), now=NOW)
    warnings = [m for m in messages["root_cause"] if m.level == "warning"]
    assert warnings and all("Blameless" in m.text for m in warnings)
    assert not has_errors(messages)


def test_placeholders_and_non_owners_are_errors(sample: Draft) -> None:
    """Values the parser reads as blanks (TBD, [Name], N/A, none) must not pass as filled."""
    sample.title = "TBD"
    sample.owner = "N/A"
    sample.actions[0].owner = "none"
    sample.actions[1].text = "[Description]"
    errors = _errors(sample)
    assert "placeholder" in errors["title"][0]
    assert "not an owner" in errors["owner"][0]
    assert any("not an owner" in e for e in errors["actions[0]"])
    assert any("placeholder" in e for e in errors["actions[1]"])


@pytest.mark.parametrize("ref", ["see ticket", "SEV-1", "INC-12", "ticket OPS-1"])
def test_tracking_reference_must_be_readable(sample: Draft, ref: str) -> None:
    sample.actions[0].tracking_ref = ref
    assert "not a ticket key" in _errors(sample)["actions[0]"][0]


@pytest.mark.parametrize("ref", ["OPS-1", "#12", "org/repo#3", "https://tracker.example.com/x/1"])
def test_tracking_reference_forms_accepted(sample: Draft, ref: str) -> None:
    sample.actions[0].tracking_ref = ref
    assert _errors(sample) == {}


def test_duplicate_factor_is_an_error(sample: Draft) -> None:
    sample.factors.append(DraftFactor("config pushes  skip the canary stage"))
    assert "twice" in _errors(sample)["factors[2]"][0]


def test_list_items_cannot_open_nested_blocks(sample: Draft) -> None:
    sample.factors = [DraftFactor("1. first"), DraftFactor("- dash"), DraftFactor("# hash")]
    md = render(sample, "canonical", Config())
    assert "- 1\\. first\n- \\- dash\n- \\# hash" in md


@pytest.mark.parametrize("template", TEMPLATES)
def test_names_read_back_as_typed_with_nothing_to_warn(sample: Draft, template: str) -> None:
    """Names pmkit used to read differently (a second markup pass, ``& + / and`` splits, a
    trailing ``.`` or ``(note)`` dropped) are written so that they read back whole."""
    from pmkit.parse import parse_text

    sample.owner = "__init__ team"
    sample.responders = ["Ops & Infra", "Search and Rescue", "(", "2)", "Bo Chen"]
    sample.services = ["api <v2>", "search and index", "cache (v2)", "web."]
    sample.actions[0].owner = "Ana `ops` Silva."
    messages = validate(sample, Config(), now=NOW)
    assert not has_errors(messages)
    assert not {"owner", "responders", "services", "actions[0]"} & set(messages)
    pm = parse_text(render(sample, template, Config()), "x.md").incidents[0]
    assert pm.owner == "__init__ team"
    assert pm.responders == ["Ops & Infra", "Search and Rescue", "(", "2)", "Bo Chen"]
    assert pm.services == ["api <v2>", "search and index", "cache (v2)", "web."]
    assert pm.actions[0].owner == "Ana `ops` Silva."


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_factor_with_a_template_word_for_label_reads_back(sample: Draft, template: str) -> None:
    """``Owner: nobody reviewed the alert`` is a factor, not a template line left over: the
    colon is written literally, and validate has nothing to refuse."""
    from pmkit.parse import parse_text

    texts = ["Owner: nobody reviewed the alert", "[Factor]: x", "TBD: no runbook: none"]
    sample.factors = [DraftFactor(t) for t in texts]
    assert not _errors(sample)
    md = render(sample, template, Config())
    assert "Owner\\: nobody" in md
    assert [f.text for f in parse_text(md, "x.md").incidents[0].factors] == texts


def test_names_pmkit_leaves_out_are_warned_about(sample: Draft) -> None:
    """What reads as no one (a placeholder, ``nobody``) or twice is read so, and the form says
    it; a list that only as a whole looks like template text reads name by name."""
    from pmkit.parse import parse_text

    sample.responders = ["Bo Chen", "nobody", "TBD", "Bo Chen"]
    sample.services = ["api", "<service>", "api"]
    messages = validate(sample, Config(), now=NOW)
    assert [m.text for m in messages["responders"]] == [
        "'nobody' reads as a placeholder: left out.",
        "'TBD' reads as a placeholder: left out.",
        "'Bo Chen' is listed twice: read once.",
    ]
    assert [m.text for m in messages["services"]] == [
        "'<service>' reads as a placeholder: left out.",
        "'api' is listed twice: read once.",
    ]
    pm = parse_text(render(sample, "canonical", Config()), "x.md").incidents[0]
    assert (pm.responders, pm.services) == (["Bo Chen"], ["api"])
    sample.responders = ["error rates", "latency spikes", "or downtime metrics"]
    md = render(sample, "canonical", Config())
    assert "&#101;rror rates, latency spikes, or downtime metrics" in md
    assert parse_text(md, "x.md").incidents[0].responders == sample.responders
