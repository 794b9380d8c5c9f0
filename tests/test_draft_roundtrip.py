"""render -> pmkit's own parser gives the draft's values back, for every template (hypothesis).

Text is drawn from plain words and punctuation that mean nothing to Markdown: a draft whose text
uses Markdown syntax (``*x*``, ``<tag>``) is written as Markdown on purpose, and the parser reads
the rendered text, not the syntax. What the renderer escapes (``|`` in cells, a leading ``#``,
``-``, ``1.``, ``>`` in list items, ``#``/``---``/``===`` lines in free text) must read back as
typed: see ``test_escaped_text_reads_back_as_typed``.
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pmkit.config import Config
from pmkit.draft.model import (
    ACTION_KINDS,
    ACTION_STATUSES,
    Draft,
    DraftAction,
    DraftEvent,
    DraftFactor,
)
from pmkit.draft.render import TEMPLATES, render
from pmkit.draft.validate import has_errors, validate
from pmkit.normalize.placeholders import find_placeholder
from pmkit.parse.sections import section_role

parse = pytest.importorskip("pmkit.parse", reason="the parser is not importable")

CONFIG = Config()
LABELS = [k for k in CONFIG.severity_definitions if re.fullmatch(r"(?:P|SEV)\d", k)]
LATER = datetime(2030, 1, 1)
"""``now`` for validation: every generated time is in the past."""
ACTOR_COLUMN = {"canonical", "seed-001", "seed-002"}
"""Templates whose timeline has an actor column (000 has Notes, 004 only Time | Event)."""

_word = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=9)
_punct = st.sampled_from(["", ",", ".", " -", " &", " (x)", " 50%", "'s", " /", " 2.5"])


@st.composite
def phrase(draw: st.DrawFn, max_words: int = 6) -> str:
    words = draw(st.lists(_word, min_size=1, max_size=max_words))
    text = " ".join(w + draw(_punct) for w in words).strip(" ,.-&/")
    if not text or find_placeholder(text) is not None or not text[0].isalnum():
        text = "Item " + text
    return text


_minute = st.integers(min_value=0, max_value=60 * 24 * 365 * 5)


@st.composite
def drafts(draw: st.DrawFn) -> Draft:
    start = datetime(2021, 1, 1) + timedelta(minutes=draw(_minute))
    length = draw(st.integers(min_value=1, max_value=60 * 72))
    end = start + timedelta(minutes=length)

    def inside() -> datetime:
        return start + timedelta(minutes=draw(st.integers(min_value=0, max_value=length)))

    def maybe_inside() -> datetime | None:
        return inside() if draw(st.booleans()) else None

    services = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9]{1,8}(-[a-z0-9]{1,6})?", fullmatch=True),
            max_size=3,
            unique=True,
        )
    )
    return Draft(
        title=draw(phrase()),
        severity=draw(st.sampled_from(LABELS)),
        status=draw(st.sampled_from(["Draft", "Reviewed", "Closed"])),
        owner=draw(phrase(max_words=3)),
        responders=draw(st.lists(phrase(max_words=2), max_size=2)),
        started_at=start,
        detected_at=maybe_inside(),
        mitigated_at=maybe_inside(),
        resolved_at=end,
        services=services,
        summary=draw(phrase(max_words=12)),
        impact=draw(st.one_of(st.just(""), phrase(max_words=12))),
        root_cause=draw(phrase(max_words=12)),
        lessons=draw(st.one_of(st.just(""), phrase(max_words=12))),
        drafted_on=(end + timedelta(days=draw(st.integers(0, 10)))).date(),
        timeline=[
            DraftEvent(inside(), draw(phrase()), draw(st.one_of(st.just(""), phrase(max_words=2))))
            for _ in range(draw(st.integers(0, 4)))
        ],
        factors=[
            DraftFactor(t) for t in draw(st.lists(phrase(max_words=8), max_size=3, unique=True))
        ],
        actions=[
            DraftAction(
                text=draw(phrase()),
                owner=draw(phrase(max_words=2)),
                due_date=date(2021, 1, 1) + timedelta(days=draw(st.integers(0, 2500))),
                status=draw(st.sampled_from(ACTION_STATUSES)),
                tracking_ref=draw(
                    st.one_of(
                        st.from_regex(r"(OPS|INFRA|JIRA|AB|TKT)-[1-9][0-9]{0,4}", fullmatch=True),
                        st.from_regex(
                            r"https://tracker\.example\.com/[a-z]{1,8}/[0-9]{1,5}", fullmatch=True
                        ),
                    )
                ),
                kind=draw(st.sampled_from(ACTION_KINDS)),
            )
            for _ in range(draw(st.integers(1, 4)))
        ],
    )


def expected_level(label: str) -> int:
    return int(re.search(r"\d+", label).group(0))


def check_round_trip(draft: Draft, template: str) -> None:
    """Every draft the form would let you save must come back from the parser unchanged."""
    md = render(draft, template, CONFIG)
    doc = parse.parse_text(md, f"2026/{template}.md")
    assert not doc.is_unfilled_template, md
    assert len(doc.incidents) == 1, md
    pm = doc.incidents[0]
    got = {
        "title": pm.title,
        "severity": (pm.severity_label, pm.severity_level),
        "owner": pm.owner,
        "status": pm.status,
        "drafted": (pm.drafted_at.date() if pm.drafted_at else None, pm.drafted_source),
        "duration": pm.duration_minutes,
        "times": (pm.started_at, pm.detected_at, pm.mitigated_at, pm.resolved_at),
        "services": pm.services,
        "timeline": [(e.occurred_at, e.event) for e in pm.timeline],
        "factors": [f.text for f in pm.factors],
        "actions": [
            (a.text, a.owner, a.due_date, a.status, a.tracking_ref, a.kind) for a in pm.actions
        ],
    }
    want = {
        "title": draft.title,
        "severity": (draft.severity, expected_level(draft.severity)),
        "owner": draft.owner,
        "status": draft.status.lower(),
        "drafted": (draft.drafted_on, "field" if draft.drafted_on else None),
        "duration": (draft.resolved_at - draft.started_at).total_seconds() / 60,
        "times": (draft.started_at, draft.detected_at, draft.mitigated_at, draft.resolved_at),
        "services": draft.services,
        "timeline": [(e.at, e.text) for e in draft.timeline],
        "factors": [f.text for f in draft.factors],
        "actions": [
            (a.text, a.owner, a.due_date, a.status, a.tracking_ref, a.kind)
            for a in sorted(draft.actions, key=lambda a: a.kind == "long_term")
        ],
    }
    if template in ACTOR_COLUMN:
        got["actors"] = [e.actor or "" for e in pm.timeline]
        want["actors"] = [e.actor for e in draft.timeline]
    mismatches = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    assert not mismatches, f"{template}: (got, want) {mismatches}\n---\n{md}"


@pytest.mark.parametrize("template", TEMPLATES)
@settings(
    max_examples=50, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(draft=drafts())
def test_render_then_parse_gives_the_values_back(template: str, draft: Draft) -> None:
    assume(not has_errors(validate(draft, CONFIG, now=LATER)))
    check_round_trip(draft, template)


@pytest.mark.parametrize("template", TEMPLATES)
def test_minimal_draft_round_trips(template: str) -> None:
    """Only what validate requires: no optional field, one action."""
    draft = Draft(
        title="Disk full on build host",
        severity="SEV2",
        owner="Kim Lee",
        started_at=datetime(2025, 5, 1, 8, 0),
        resolved_at=datetime(2025, 5, 1, 9, 30),
        summary="Builds failed.",
        root_cause="Logs were never rotated.",
        actions=[
            DraftAction("Rotate logs", "Kim Lee", date(2025, 6, 1), "done", "#42", "short_term")
        ],
    )
    assert not has_errors(validate(draft, CONFIG, now=LATER))
    check_round_trip(draft, template)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize(
    "title",
    [
        "Timeline service outage",
        "Action items lost in the queue migration",
        "Root cause of the checkout outage unknown for a day",
        "Lessons learned the hard way from a disk",
        "Executive summary page down",
    ],
)
def test_title_that_names_a_section(template: str, title: str) -> None:
    """The document's title heading is never read as a section, whatever its words name."""
    assert section_role(title) is not None
    draft = Draft(
        title=title,
        severity="P2",
        owner="Kim Lee",
        started_at=datetime(2025, 5, 1, 8, 0),
        resolved_at=datetime(2025, 5, 1, 9, 30),
        summary="Builds failed.",
        root_cause="Logs were never rotated.",
        actions=[
            DraftAction("Rotate logs", "Kim Lee", date(2025, 6, 1), "done", "#42", "short_term")
        ],
    )
    check_round_trip(draft, template)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        ("summary", "executive_summary"),
        ("impact", "customer_impact"),
        ("root_cause", "root_cause"),
        ("lessons", "lessons"),
    ],
)
def test_text_fields_round_trip(template: str, mine: str, theirs: str) -> None:
    """The free-text fields come back too."""
    draft = Draft(
        title="Disk full on build host",
        severity="SEV2",
        owner="Kim Lee",
        started_at=datetime(2025, 5, 1, 8, 0),
        resolved_at=datetime(2025, 5, 1, 9, 30),
        summary="Builds failed for 90 minutes.",
        impact="Developers could not merge.",
        root_cause="Logs were never rotated on the build host.",
        lessons="Rotate every log by default.",
        actions=[
            DraftAction("Rotate logs", "Kim Lee", date(2025, 6, 1), "done", "#42", "short_term")
        ],
    )
    pm = parse.parse_text(render(draft, template, CONFIG), "x.md").incidents[0]
    assert getattr(pm, theirs) == getattr(draft, mine)


ESCAPED_BY_RENDER = "|#-=+>.)"
"""Characters ``pmkit.draft.render`` escapes where they would be Markdown (cells, line starts)."""
_typed_token = st.text(
    alphabet=string.ascii_letters + string.digits + ESCAPED_BY_RENDER + "(,;!?'\"/%@$^~",
    min_size=1,
    max_size=8,
)
_OPENS_A_BLOCK = re.compile(r"^(([-+*]|\d{1,9}[.)])(\s|$)|>)")
"""A list or quote: free text under a heading starting so is a list or quote on purpose."""


@st.composite
def typed_line(draw: st.DrawFn, free_text: bool = False) -> str:
    """One line as typed into the form, dense in the characters the renderer escapes."""
    text = " ".join(draw(st.lists(_typed_token, min_size=1, max_size=8)))
    if find_placeholder(text) is not None or (free_text and _OPENS_A_BLOCK.match(text)):
        text = "Item " + text
    return text


def _read_back(draft: Draft, template: str) -> dict[str, object]:
    pm = parse.parse_text(render(draft, template, CONFIG), "x.md").incidents[0]
    return {
        "summary": pm.executive_summary,
        "impact": pm.customer_impact,
        "root_cause": pm.root_cause,
        "lessons": pm.lessons,
        "events": [e.event for e in pm.timeline],
        "factors": [f.text for f in pm.factors],
    }


def _escaped_draft(summary: str, event: str, factor: str, other: str = "Kept as typed") -> Draft:
    return Draft(
        title="Disk full on build host",
        severity="SEV2",
        owner="Kim Lee",
        started_at=datetime(2025, 5, 1, 8, 0),
        resolved_at=datetime(2025, 5, 1, 9, 30),
        summary=summary,
        impact=other,
        root_cause=summary,
        lessons=other,
        timeline=[DraftEvent(datetime(2025, 5, 1, 8, 30), event)],
        factors=[DraftFactor(factor)],
        actions=[
            DraftAction("Rotate logs", "Kim Lee", date(2025, 6, 1), "done", "#42", "short_term")
        ],
    )


@pytest.mark.parametrize("template", TEMPLATES)
@settings(
    max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    summary=typed_line(free_text=True),
    other=typed_line(free_text=True),
    event=typed_line(),
    factor=typed_line(),
)
def test_escaped_text_reads_back_as_typed(
    template: str, summary: str, other: str, event: str, factor: str
) -> None:
    """Free text, timeline cells and factor items full of ``| # - = + > . )`` come back as typed
    (runs of spaces read as one)."""
    draft = _escaped_draft(summary, event, factor, other)
    one = " ".join
    assert _read_back(draft, template) == {
        "summary": one(summary.split()),
        "impact": one(other.split()),
        "root_cause": one(summary.split()),
        "lessons": one(other.split()),
        "events": [one(event.split())],
        "factors": [one(factor.split())],
    }


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize(
    "text",
    [
        "a | b",
        "# not a heading",
        "===",
        "=== x",
        "--- x",
        "> 5 ms",
        ">5 ms",
        "1. first",
        "- dash",
        "(x)",
    ],
)
def test_markdown_looking_text_reads_back(template: str, text: str) -> None:
    """What would be Markdown is escaped ("(x)" after ``**Key:**`` is the value, not a key
    qualifier); free text that opens a list or quote is Markdown on purpose, so it gets a word
    in front."""
    free = "Item " + text if _OPENS_A_BLOCK.match(text) else text
    got = _read_back(_escaped_draft(free, text, text, free), template)
    assert got == {
        "summary": free,
        "impact": free,
        "root_cause": free,
        "lessons": free,
        "events": [text],
        "factors": [text],
    }
