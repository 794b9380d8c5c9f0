"""Fuzzing the parser: any text, any bytes, and Markdown built from the real field aliases and
section names. ``parse_text`` / ``parse_bytes`` must never raise, always return a
``ParsedDocument`` that keeps the raw text, and never hit their own "parser failed" safety net
(that net hides a bug from the user as one vague error row).

CI runs a few hundred derandomized examples (the same every run, never flaky); the slow test
runs 100,000 fresh ones (``make test-slow``; last result in the README, section Reliability).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkit.config import load_config
from pmkit.model import ParsedDocument
from pmkit.parse.document import parse_bytes, parse_text
from pmkit.parse.fields import ALIASES

CONFIG = load_config()
CI_EXAMPLES = 300
SLOW_EXAMPLES = int(os.environ.get("PMKIT_FUZZ_EXAMPLES", "100000"))

CI = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=CI_EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(
    database=None,
    deadline=None,
    max_examples=SLOW_EXAMPLES,
    suppress_health_check=list(HealthCheck),
)

_NEWLINE = re.compile(r"\r\n?|\n")
KEYS = sorted({alias for aliases in ALIASES.values() for alias in aliases})
SECTIONS = [
    "Summary",
    "Executive Summary",
    "Impact",
    "Timeline",
    "Timeline (all times PST)",
    "2026-03-04",
    "Mar 4",
    "Root Cause",
    "Root Cause Analysis",
    "Trigger",
    "Contributing Factors",
    "Resolution",
    "Detection",
    "Action Items",
    "Corrective Actions",
    "Follow-ups",
    "Short-term",
    "Long term",
    "Preventive Actions",
    "Detection Improvements",
    "Lessons Learned",
    "What went well",
    "Where we got lucky",
    "Incident 2: repeat",
    "Workflow",
    "Purpose",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "2026-03-04",
            "2026-02-30",
            "3026-03-04",
            "0000-00-00",
            "YYYY-MM-DD",
            "14:05",
            "99:99",
            "HH:MM",
            "2026-03-04 14:05 UTC",
            "Mar 4, 2026 2:05 PM PST",
            "14:05 UTC to 15:40 UTC",
            "23:50 - 00:10 (next day)",
            "1h 35m",
            "-5 minutes",
            "SEV-1",
            "P0/P1/P2",
            "SEV-1 / SEV-2 / SEV-3",
            "Critical",
            "[Name]",
            "Open/Done",
            "@alice, Bob Smith and team-x",
            "ABC-123",
            "https://example.com/t/1",
            "#123",
            "In Progress",
            "{{ title }}",
            "<script>alert(1)</script>",
            "'; DROP TABLE incidents; --",
            "3â€“5",
            "",
            " ",
            "|",
            "**",
            "\\",
        ]
    ),
    st.text(max_size=40),
)


@st.composite
def key_value(draw: st.DrawFn) -> str:
    key = draw(st.sampled_from(KEYS)).title()
    value = draw(VALUES)
    shape = draw(st.sampled_from(["**{k}**: {v}", "**{k}:** {v}", "- {k}: {v}", "{k}: {v}"]))
    return shape.format(k=key, v=value)


@st.composite
def table(draw: st.DrawFn) -> str:
    cols = draw(st.integers(1, 6))
    head = draw(
        st.lists(st.sampled_from([*KEYS, "Time", "Event", "Action"]), min_size=cols, max_size=cols)
    )
    rows = draw(st.lists(st.lists(VALUES, min_size=0, max_size=cols + 2), max_size=6))
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * cols]
    lines += ["| " + " | ".join(v.replace("\n", " ") for v in row) + " |" for row in rows]
    return "\n".join(lines)


@st.composite
def list_block(draw: st.DrawFn) -> str:
    items = draw(st.lists(st.tuples(st.integers(0, 8), VALUES, st.booleans()), max_size=8))
    return "\n".join(
        f"{'  ' * depth}{'- [x] ' if box else '- '}{value}" for depth, value, box in items
    )


@st.composite
def heading(draw: st.DrawFn) -> str:
    level = draw(st.integers(1, 4))
    return "#" * level + " " + draw(st.sampled_from(SECTIONS))


BLOCK = st.one_of(
    heading(),
    key_value(),
    table(),
    list_block(),
    VALUES,
    st.just("---\ntitle: x\nseverity: SEV2\n---"),
    st.just("```\ncode | not | a table\n```"),
    st.just("> quoted **Severity**: SEV1"),
)


@st.composite
def markdown(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(BLOCK, max_size=25))
    newline = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
    return newline.join(blocks)


def check(doc: object, text: str | None = None) -> None:
    assert isinstance(doc, ParsedDocument)
    if text is not None:
        assert doc.raw_text == text
    crashed = [i.message for i in doc.issues if i.message.startswith("parser failed")]
    assert not crashed, crashed
    # lines as markdown-it counts them (a lone CR breaks a line too), plus one past the end
    lines = len(_NEWLINE.split(doc.raw_text)) + 1
    for issue in doc.issues:
        assert issue.level in ("error", "warning", "info")
        assert issue.line is None or 1 <= issue.line <= lines, issue
    for pm in doc.incidents:
        assert pm.incident_id
        if pm.severity_level is not None:
            assert 0 <= pm.severity_level <= 9


@CI
@given(st.text())
def test_any_text(text: str) -> None:
    check(parse_text(text, "fuzz.md", CONFIG), text)


@CI
@given(st.binary())
def test_any_bytes(data: bytes) -> None:
    check(parse_bytes(data, "fuzz.md", CONFIG))


@CI
@given(markdown())
def test_markdown_shaped(text: str) -> None:
    check(parse_text(text, "fuzz.md", CONFIG), text)


@CI
@given(markdown())
def test_markdown_shaped_as_bytes(text: str) -> None:
    for codec in ("utf-8", "utf-16", "cp1252"):
        check(parse_bytes(text.encode(codec, errors="replace"), "fuzz.md", CONFIG))


@pytest.mark.slow
@SLOW
@given(st.one_of(markdown(), st.text()))
def test_fuzz_100k(text: str) -> None:
    check(parse_text(text, "fuzz.md", CONFIG), text)


# Runs of one character that made a regex scan to the end of the line from every position
# (quadratic: 20,000 "[" took 6 s, 50,000 nested brackets 30 s+). Each now parses at once; the
# generous timeout in a child process catches a regression without a timed assertion.
PATHOLOGICAL = {
    "open-brackets": "# T\n\n" + "[" * 200_000,
    "nested-owner": "# T\n\n**Owner**: " + "[" * 50_000 + "x" + "]" * 50_000,
    "action-brackets": "# T\n\n## Action Items\n\n- " + "[" * 50_000 + " fix it\n",
    "open-tags": "# T\n\n**Owner**: " + "<a" * 50_000 + "\n",
    "open-links": "# T\n\n## Action Items\n\n- " + "[a](" * 50_000 + "\n",
    "open-urls": "# T\n\n## Action Items\n\n- " + "[a](http://x" * 50_000 + "\n",
    "open-autolinks": "# T\n\n## Action Items\n\n- " + "<ab:" * 50_000 + "\n",
    "backslashes": "# T\n\n**Owner**: " + "\\" * 200_000 + "\n",
    "open-code-spans": "# T\n\n## Action Items\n\n- " + "``a" * 50_000 + "\n",
    "open-entities": "# T\n\n**Owner**: " + "&#x" * 50_000 + "&" + "a" * 50_000 + "\n",
}
_CHILD = """
import sys
from pathlib import Path
from pmkit.parse.document import parse_text
doc = parse_text(Path(sys.argv[1]).read_text(encoding="utf-8"), "x.md")
assert not [i for i in doc.issues if i.message.startswith("parser failed")]
"""


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_runs_parse_in_linear_time(name: str, tmp_path: Path) -> None:
    source = tmp_path / f"{name}.md"
    source.write_text(PATHOLOGICAL[name], encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
