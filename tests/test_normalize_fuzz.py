"""Property tests: no normalizer raises on any text, and every result keeps its invariants.

The parser calls these functions ~50 times per file over corpora of 100k files; one exception on
an odd value would stop a file's parse. Examples mix random text with the fragments people write
(clock times, zones, month names, brackets), so the interesting code paths are reached.
Hypothesis runs derandomized: the same examples every run, no flaky failures.
"""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkit.normalize.links import extract_tracking_ref
from pmkit.normalize.owners import normalize_owner, split_people
from pmkit.normalize.placeholders import find_placeholder, is_placeholder
from pmkit.normalize.severity import is_severity_placeholder, parse_severity
from pmkit.normalize.status import (
    find_inline_status,
    normalize_action_status,
    normalize_incident_status,
)
from pmkit.normalize.times import (
    find_tz_hint,
    parse_date,
    parse_datetime,
    parse_duration_minutes,
    parse_timeframe,
)
from pmkit.parse.decode import decode_bytes

SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=250,
    suppress_health_check=[HealthCheck.too_slow],
)

FRAGMENTS = [
    "2026-03-04",
    "2026-02-30",
    "14:05",
    "99:99",
    "2:54 PM",
    "13:55 PM",
    "0:59",
    "1625",
    "UTC",
    "PST",
    "CET",
    "PT",
    "UTC+2",
    "+05:30",
    "Z",
    "US/Pacific",
    "Mar",
    "October",
    "30th",
    "Saturday",
    "at",
    " ",
    ", ",
    " - ",
    " to ",
    "–",
    "/",
    "|",
    "[",
    "]",
    "(",
    ")",
    "**",
    "_",
    "#123",
    "ABC-12",
    "SEV-1",
    "P0",
    "Critical",
    "Open",
    "Done",
    "[x]",
    "✅",
    "@carol",
    "and",
    "https://t.example/a",
    "2h 30m",
    "45 min",
    "YYYY-MM-DD",
    "HH:MM",
    "[Name]",
    "TBD",
    "\u00e2\u20ac\u201c",
    "\n",
]
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=6).map("".join),
)
BASE = st.one_of(st.none(), st.dates(min_value=date(1970, 1, 2), max_value=date(2099, 12, 30)))
HINT = st.one_of(st.none(), st.sampled_from(["UTC", "PST", "CET", "PT", "US/Pacific", "bogus"]))


def _check_time(tp: object, base: date | None) -> None:
    assert tp is not None
    at = tp.at  # type: ignore[attr-defined]
    assert isinstance(at, datetime) and at.tzinfo is None
    assert 1969 <= at.year <= 2101
    assert tp.has_date or tp.has_time  # type: ignore[attr-defined]
    if not tp.has_date:  # type: ignore[attr-defined]
        assert base is not None, "a time without a date needs base_date"


@SETTINGS
@given(TEXT, BASE, HINT)
def test_parse_datetime_never_raises(text: str, base: date | None, hint: str | None) -> None:
    tp = parse_datetime(text, base_date=base, tz_hint=hint)
    if tp is not None:
        _check_time(tp, base)


@SETTINGS
@given(TEXT, BASE, HINT)
def test_parse_timeframe_never_raises(text: str, base: date | None, hint: str | None) -> None:
    start, end = parse_timeframe(text, base_date=base, tz_hint=hint)
    for tp in (start, end):
        if tp is not None:
            assert isinstance(tp.at, datetime) and tp.at.tzinfo is None


@SETTINGS
@given(TEXT)
def test_dates_durations_and_hints(text: str) -> None:
    day = parse_date(text)
    assert day is None or (isinstance(day, date) and 1970 <= day.year <= 2100)
    minutes = parse_duration_minutes(text)
    assert minutes is None or minutes >= 0
    hint = find_tz_hint(text)
    if hint is not None:
        # whatever find_tz_hint returns, parse_datetime must accept as a hint
        assert parse_datetime("10:00", base_date=date(2026, 3, 4), tz_hint=hint) is not None


@SETTINGS
@given(TEXT)
def test_severity(text: str) -> None:
    severity = parse_severity(text)
    if severity is not None:
        assert severity.level >= 0
        assert severity.scheme in {"P", "SEV", "word", "custom"}
        assert severity.label and "*" not in severity.label
    if is_severity_placeholder(text):
        assert severity is None


@SETTINGS
@given(st.one_of(st.none(), TEXT))
def test_statuses(text: str | None) -> None:
    assert normalize_action_status(text) in {"open", "in_progress", "done", "unknown"}
    status = normalize_incident_status(text)
    assert status is None or (status and status == status.lower())
    if text is not None:
        found = find_inline_status(text)
        if found is not None:
            assert found[0] in {"open", "in_progress", "done"}
            assert found[1]


@SETTINGS
@given(st.one_of(st.none(), TEXT))
def test_owners_links_placeholders(text: str | None) -> None:
    owner = normalize_owner(text)
    assert owner is None or (owner.strip() == owner and owner)
    for person in split_people(text):
        assert person and person.strip() == person
    ref = extract_tracking_ref(text, {"ref": "https://r.example"})
    assert ref is None or (ref and not ref.isspace())
    assert is_placeholder(text) == (find_placeholder(text) is not None)


@SETTINGS
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=80).map(lambda t: t.encode("utf-8")),
        st.text(alphabet=st.characters(max_codepoint=255), max_size=80).map(
            lambda t: t.encode("latin-1")
        ),
        st.lists(st.sampled_from(FRAGMENTS + ["\r\n", "\r", "caf\u00e9"]), max_size=12).map(
            lambda parts: "".join(parts).encode("utf-8")
        ),
    )
)
def test_decode_bytes_never_raises_and_keeps_lines(data: bytes) -> None:
    decoded = decode_bytes(data)
    assert isinstance(decoded.text, str)
    assert "\r" not in decoded.text
    if not decoded.encoding.startswith("utf-16"):
        # CRLF -> LF and lone CR -> LF; no other repair adds or removes a line
        lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
        assert decoded.text.count("\n") == lines
