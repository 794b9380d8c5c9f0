"""render -> the ingest's parser gives the draft's values back, for every template (hypothesis).

Two properties. ``test_render_then_parse_gives_the_values_back`` draws well-formed drafts (every
field, times, actions) from plain words. ``test_hostile_text_reads_back_as_typed`` draws every
text field from all of Unicode, dense in what Markdown and HTML eat (``<tag>``, ``&amp;``, ``|``,
backticks, ``*``, ``_``, ``#``, ``[``, a leading ``- ``/``1. ``, ``Key: value`` lines), and checks
that what is typed is what ``pmkit ingest`` reads (``parse_bytes`` on the file's UTF-8 bytes, as
the ingest does), whitespace aside (``pmkit.draft.escape.typed_line``). Where the parser itself
changes a value whatever the file says, the test says so by name: see ``_PARSER_RULES``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pmkit.config import Config
from pmkit.draft.escape import typed_line, typed_lines
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
ACTOR_COLUMN = set(TEMPLATES)
"""Templates whose timeline has an actor column: all (000 and 004 gained one, in their style)."""

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
    doc = parse.parse_bytes(md.encode("utf-8"), f"2026/{template}.md")
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
        want["actors"] = [_value(e.actor) or "" for e in draft.timeline]  # rule 1
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


@pytest.mark.parametrize("template", TEMPLATES)
def test_empty_impact_reads_back_empty(template: str) -> None:
    """An Impact section left with only its other fields (seed-000's services line, seed-001's
    duration, seed-002's affected services) holds no customer impact."""
    draft = Draft(
        title="Disk full on build host",
        severity="SEV2",
        owner="Kim Lee",
        started_at=datetime(2025, 5, 1, 8, 0),
        resolved_at=datetime(2025, 5, 1, 9, 30),
        services=["api", "web"],
        summary="Builds failed.",
        root_cause="Logs were never rotated.",
        actions=[
            DraftAction("Rotate logs", "Kim Lee", date(2025, 6, 1), "done", "#42", "short_term")
        ],
    )
    pm = parse.parse_text(render(draft, template, CONFIG), "x.md").incidents[0]
    assert pm.customer_impact is None
    assert pm.services == ["api", "web"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_placeholder_lines_are_judged_one_by_one(template: str) -> None:
    """A line that looks like template text is left out wherever the text sits (a section, a
    ``- **Key:**`` value), and validate says so; lines never look like one together."""
    draft = Draft(
        title="Disk full on build host",
        severity="SEV2",
        owner="Kim Lee",
        started_at=datetime(2025, 5, 1, 8, 0),
        resolved_at=datetime(2025, 5, 1, 9, 30),
        summary="[<\n]\nTBD\nBuilds failed.",
        impact="[Describe\nthe impact]",
        root_cause="TBD\nLogs were never rotated.",
        lessons="<none>\nRotate logs.",
        responders=["<", ">"],
        services=["<", ">"],
        actions=[
            DraftAction("Rotate logs", "Kim Lee", date(2025, 6, 1), "done", "#42", "short_term")
        ],
    )
    messages = validate(draft, CONFIG, now=LATER)
    assert not has_errors(messages)
    for name in ("summary", "root_cause", "lessons"):
        assert [m.text for m in messages[name]] == [
            f"The line {line!r} reads as template text: it is left out."
            for line in ("TBD", "<none>")
            if line in getattr(draft, name)
        ]
    pm = parse.parse_text(render(draft, template, CONFIG), "x.md").incidents[0]
    assert pm.executive_summary == "[<\n]\nBuilds failed."
    assert pm.customer_impact == "[Describe\nthe impact]"
    assert pm.root_cause == "Logs were never rotated."
    assert pm.lessons == "Rotate logs."
    assert pm.responders == ["<", ">"]
    assert pm.services == ["<", ">"]


# --- hostile text -----------------------------------------------------------------------------

MARKUP = [
    "<", ">", "&", "|", "`", "*", "_", "#", "[", "]", "(", ")", "\\", "~", "!", ":", ".",
    "- ", "1. ", "2) ", "+ ", "* ", "> ", "# ", "## ", "---", "===", "```", "~~~", "[x] ",
    "Owner: ", "Severity: P0", "Status: Done", "Root cause: ", "Title: x",
    " and ", "AND", "/", "+", "&", "(", ")", " (v2)", "OPS-12: ", "AB-1 - ", "{{", "}}",
    "[incident] ",
    "<none>", "<script>alert(1)</script>", "List<Order>", "&amp;", "&#60;", "&lt;", "**", "__",
    "*x*", "_y_", "`z`", "[a](http://b)", "<http://c>", "\\*", "a|b", "C#", " #",
    "\n", "\n\n", "  ", "\t", "\u00a0", "Ã©", "â€“", "日本語", "Ünïcødé", "Сбой",
]  # fmt: skip
"""Pieces of text Markdown, HTML or the parser would take for markup, to mix with any text."""
_token = st.one_of(
    st.sampled_from(MARKUP),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=6),  # all of Unicode
    st.text(string.ascii_letters + string.digits, min_size=1, max_size=8),
)


def hostile(max_tokens: int = 10) -> st.SearchStrategy[str]:
    """Text as it might be typed or pasted: tokens run together or spaced."""
    pieces = st.lists(
        st.tuples(_token, st.sampled_from(["", " "])), min_size=1, max_size=max_tokens
    )
    return pieces.map(lambda ps: "".join(t + sep for t, sep in ps))


def _no_lists(text: str) -> str:
    return text.replace(",", " ").replace(";", " ")  # the form splits these fields on , and ;


_PARSER_RULES = """
What the parser changes whatever the file says (pmkit/parse). The test states each one instead of
hiding it:

1. Placeholders are blank by design: a value, a name or a line of free text that
   ``pmkit.normalize.placeholders`` takes for template text (``TBD``, ``<none>``, ``__``, ``.``)
   is left out, wherever the template puts it (a section's paragraph, a ``- **Key:**`` value, a
   list). Lines are judged one by one: two lines never make a placeholder together (``[<`` then
   ``]``), nor do names in a list (``<``, ``>``). ``validate`` refuses such a value where it is
   required and warns elsewhere.

No longer rules (issue 14): names (owners, responders, services) and titles read back as typed.
The parser reads their Markdown once and takes what the file writes literally (``\\&``,
``&#97;nd``, ``OPS\\-12``) as text, never as a separator, a note or an incident id
(``pmkit.parse.names``); the renderer writes so (``pmkit.draft.escape.escape_name``).
"""


def valued(max_tokens: int) -> st.SearchStrategy[str]:
    """Hostile text that is a value, not a placeholder (``validate`` requires that)."""
    return hostile(max_tokens).filter(lambda t: _value(t) is not None)


def named(max_tokens: int) -> st.SearchStrategy[str]:
    """Hostile text that names someone (``validate`` refuses ``-`` or ``TBD`` as an owner)."""
    from pmkit.normalize.owners import owner_name

    return hostile(max_tokens).filter(lambda t: owner_name(typed_line(t)))


@st.composite
def hostile_drafts(draw: st.DrawFn) -> Draft:
    start = datetime(2024, 3, 1, 22, 0)
    end = start + timedelta(hours=4)
    at = [
        start + timedelta(minutes=draw(st.integers(0, 240))) for _ in range(draw(st.integers(1, 3)))
    ]
    return Draft(
        title=draw(valued(8)),
        severity="P1",
        status="Draft",
        owner=draw(named(4)),
        responders=draw(st.lists(hostile(3).map(_no_lists), max_size=3)),
        started_at=start,
        resolved_at=end,
        services=draw(st.lists(hostile(3).map(_no_lists), max_size=3)),
        summary=draw(valued(16)),
        impact=draw(hostile(12)),
        root_cause=draw(valued(16)),
        lessons=draw(hostile(12)),
        drafted_on=date(2024, 3, 3),
        timeline=[DraftEvent(t, draw(valued(6)), draw(hostile(3))) for t in at],
        factors=[
            DraftFactor(t)
            for t in draw(
                st.lists(
                    valued(6),
                    max_size=3,
                    unique_by=lambda t: typed_line(t).lower(),
                )
            )
        ],
        actions=[
            DraftAction(draw(valued(6)), draw(named(3)), date(2024, 4, 1), "open", ref, kind)
            for ref, kind in (
                ("OPS-7", "short_term"),
                ("https://t.example/a_b/*x*/c?d=1&amp;e=2", "long_term"),
            )
        ],
    )


def _lines(text: str) -> str | None:
    """Free text as it reads back: its lines, those that look like template text left out
    (rule 1), wherever the template puts the text (a section, a ``- **Key:**`` value)."""
    kept = "\n".join(x for x in typed_lines(text) if find_placeholder(x) is None)
    return kept or None


def _value(text: str) -> str | None:
    line = typed_line(text)
    return None if find_placeholder(line) is not None else line


def _names(names: list[str], read: Callable[[str], str | None]) -> list[str]:
    """Names as they read back: each whole, as typed, placeholders left out, each once."""
    out: list[str] = []
    for name in names:
        value = read(typed_line(name))
        if value and value not in out:
            out.append(value)
    return out


def check_hostile(draft: Draft, template: str) -> None:
    from pmkit.normalize.owners import owner_name

    md = render(draft, template, CONFIG)
    doc = parse.parse_bytes(md.encode("utf-8"), f"2024/03/{template}.md")
    assert len(doc.incidents) == 1, md
    pm = doc.incidents[0]
    got = {
        "title": pm.title,
        "owner": pm.owner,
        "responders": pm.responders,
        "services": pm.services,
        "summary": pm.executive_summary,
        "root_cause": pm.root_cause,
        "lessons": pm.lessons,
        "timeline": [(e.occurred_at, e.event) for e in pm.timeline],
        "factors": [f.text for f in pm.factors],
        "actions": [(a.text, a.owner, a.tracking_ref, a.kind) for a in pm.actions],
    }
    want = {
        "title": typed_line(draft.title),
        "owner": owner_name(typed_line(draft.owner)),
        "responders": _names(draft.responders, owner_name),
        "services": _names(draft.services, _value),
        "summary": _lines(draft.summary),
        "root_cause": _lines(draft.root_cause),
        "lessons": _lines(draft.lessons),
        "timeline": [(e.at, typed_line(e.text)) for e in draft.timeline],
        "factors": [typed_line(f.text) for f in draft.factors],
        "actions": [
            (typed_line(a.text), owner_name(typed_line(a.owner)), a.tracking_ref, a.kind)
            for a in draft.actions
        ],
    }
    got["impact"], want["impact"] = pm.customer_impact, _lines(draft.impact)
    if template in ACTOR_COLUMN:
        got["actors"] = [e.actor for e in pm.timeline]
        want["actors"] = [_value(e.actor) for e in draft.timeline]
    mismatches = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    assert not mismatches, f"{template}: (got, want) {mismatches}\n---\n{md}"


@pytest.mark.parametrize("template", TEMPLATES)
@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(draft=hostile_drafts())
def test_hostile_text_reads_back_as_typed(template: str, draft: Draft) -> None:
    """Anything typed reads back as typed (see the module docstring and ``_PARSER_RULES``)."""
    assume(not has_errors(validate(draft, CONFIG, now=LATER)))
    check_hostile(draft, template)


@pytest.mark.slow
@pytest.mark.parametrize("template", TEMPLATES)
@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(draft=hostile_drafts())
def test_hostile_text_reads_back_as_typed_long(template: str, draft: Draft) -> None:
    """The same property, 2,000 random drafts per template (``make test-slow``)."""
    assume(not has_errors(validate(draft, CONFIG, now=LATER)))
    check_hostile(draft, template)


HOSTILE_TITLE = "Timeout parsing List<Order> when qty > 5 & <none> set"


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize(
    "text",
    [
        HOSTILE_TITLE,
        "The <tenant_id> header",
        "<script>alert(1)</script>",
        "a | b",
        "# not a heading",
        "===",
        "--- x",
        "> 5 ms",
        ">5 ms",
        "1. first",
        "- dash",
        "* star",
        "Owner: Bob",
        ": leading colon",
        "(x) first",
        "snake_case and __dunder__ and *stars* and `ticks`",
        "[link](http://x) &amp; &#60; \\* C:\\Users",
        "~~struck~~ and ```fence",
        "Ã© stays Ã©",
        "Â_y_Ã©",  # mojibake leads are written as references: "&#xC2;_y_" would be emphasis
        "Сбой оплаты 日本語 Ünïcødé",
        # what the parser reads in names and titles (issue 14's findings)
        "__init__ team",
        "Ana `ops` Silva.",
        "Ops & Infra",
        "search and index",
        "api <v2>",
        "cache (v2)",
        "(open paren",
        "R+D / QA",
        ".NET team",
        "OPS-12: DB down",
        "OPS-12 — DB down",
        "AB-1 - x",
        "[incident] x",
        "{{ x }} y",
    ],
)
def test_markdown_looking_text_reads_back(template: str, text: str) -> None:
    """Named cases of the property, in every field, free text and names included (a leading
    ``- `` is text, not a list: the renderer escapes it)."""
    from pmkit.normalize.owners import owner_name

    draft = Draft(
        title=text,
        severity="SEV2",
        owner=text if owner_name(text) else "Kim Lee",
        responders=["Bo Chen", text, "2)"],
        services=[text, "web"],
        started_at=datetime(2025, 5, 1, 8, 0),
        resolved_at=datetime(2025, 5, 1, 9, 30),
        summary=text + "\n" + text,
        impact=text,
        root_cause=text,
        lessons=text,
        timeline=[DraftEvent(datetime(2025, 5, 1, 8, 30), text, text)],
        factors=[DraftFactor(text)],
        actions=[
            DraftAction(
                text,
                "Kim Lee" if not owner_name(text) else text,
                date(2025, 6, 1),
                "done",
                "#42",
                "short_term",
            )
        ],
    )
    assert not has_errors(validate(draft, CONFIG, now=LATER))
    check_hostile(draft, template)


def test_hostile_title_is_text_in_the_file_and_preview() -> None:
    """The file carries no live tag, and the preview (rendered from the file's Markdown) shows
    the title as typed."""
    from pmkit.draft.form import preview_html

    draft = Draft(title=HOSTILE_TITLE, summary="<script>alert(1)</script>")
    md = render(draft, "canonical", CONFIG)
    assert "<script>" not in md.replace("\\<script>", "") and "\\<none>" in md
    html_text = preview_html(md)
    assert "<script>" not in html_text
    assert "List&lt;Order&gt; when qty &gt; 5 &amp; &lt;none&gt; set" in html_text


def test_names_written_literally_render_as_typed() -> None:
    """The escapes that keep names whole for pmkit are CommonMark: a Markdown viewer (the
    preview) shows the names, title and factor as typed, not the escapes."""
    import html

    from pmkit.draft.form import preview_html

    draft = Draft(
        title="OPS-12: DB {{down}}",
        owner="Ana `ops` Silva.",
        responders=["Ops & Infra", "Search and Rescue", "(", "2)"],
        services=["api <v2>", "cache (v2)", "web."],
        factors=[DraftFactor("Owner: nobody reviewed the alert")],
    )
    body = preview_html(render(draft, "canonical", CONFIG)).split("<details")[0]
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    for line in (
        "Incident title: OPS-12: DB {{down}}",
        "Incident owner (PM): Ana `ops` Silva.",
        "Responders: Ops & Infra, Search and Rescue, (, 2)",
        "Services affected: api <v2>, cache (v2), web.",
        "\nOwner: nobody reviewed the alert\n",
    ):
        assert line in text
