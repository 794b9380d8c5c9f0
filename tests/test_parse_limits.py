"""What the parser does past its limits (issue 15, items 4, 6, 8 and 16).

Each case is a small hostile or odd file found by an attack run: a YAML alias bomb in the front
matter, a timeline of bare times that rolls over midnight thousands of times, a front-matter
integer too long for ``int()``, and a duration written where a start time could be guessed from
it. The parser must keep the incident, say what it refused on the right line, and never guess.
The slow tests run the full-size inputs in a child process with a generous timeout (no timed
assertion: the timeout only catches a return of the quadratic or exponential cost).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pmkit.parse import parse_text
from pmkit.parse.keyvalues import MAX_FRONT_MATTER_VALUES
from pmkit.parse.timeline import MAX_ROLLOVER_DAYS


def _alias_bomb(levels: int) -> str:
    """``a0`` a list of 9 strings; each next level 9 aliases of the one before (9**levels)."""
    lines = ["---", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels + 1):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    lines.append(f"title: [{', '.join([f'*a{levels}'] * 9)}]")
    lines += ["---", "", "# Real title", "", "**Severity:** SEV2", ""]
    return "\n".join(lines)


def test_yaml_alias_bomb_is_refused_with_a_line() -> None:
    text = _alias_bomb(5)  # 9**6 strings once expanded: far past the cap, quick to refuse
    doc = parse_text(text, "bomb.md")
    assert len(doc.incidents) == 1, doc.issues
    pm = doc.incidents[0]
    assert pm.title == "Real title"  # the front matter is not read, the body is
    assert pm.severity_label == "SEV2"
    refused = [i for i in doc.issues if i.field == "front matter"]
    assert refused and refused[0].line == 1
    assert "alias" in refused[0].message and str(MAX_FRONT_MATTER_VALUES) in refused[0].message
    assert not [i for i in doc.issues if i.message.startswith("parser failed")]


def test_small_yaml_aliases_are_still_read() -> None:
    text = "---\nteam: &t Payments\nowner: *t\nresponders: [&a Ann, Bo, *a]\n---\n\n# T\n"
    pm = parse_text(text, "ok.md").incidents[0]
    assert pm.team == "Payments"
    assert pm.owner == "Payments"


_BOMB_CHILD = """
import sys
from pathlib import Path
from pmkit.parse.document import parse_text
doc = parse_text(Path(sys.argv[1]).read_text(encoding="utf-8"), "bomb.md")
assert len(doc.incidents) == 1, doc.issues
assert [i for i in doc.issues if i.field == "front matter"], doc.issues
"""


@pytest.mark.slow
def test_full_size_alias_bomb_returns_at_once(tmp_path: Path) -> None:
    """The attack's 9-level bomb (9**10 values): minutes and 4.8 GB before; refused now."""
    source = tmp_path / "bomb.md"
    source.write_text(_alias_bomb(9), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _BOMB_CHILD, str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_front_matter_integer_past_int_limit_keeps_the_incident() -> None:
    text = f"---\nincident_id: {'9' * 5000}\ntitle: Big number\n---\n\n**Severity:** P1\n"
    doc = parse_text(text, "bignum.md")
    assert not [i for i in doc.issues if i.message.startswith("parser failed")], doc.issues
    assert len(doc.incidents) == 1
    assert doc.incidents[0].severity_label == "P1"
    refused = [i for i in doc.issues if i.field == "front matter"]
    assert refused and refused[0].line == 1


def test_toml_front_matter_integer_past_int_limit_keeps_the_incident() -> None:
    text = f'+++\nweight = {"9" * 5000}\ntitle = "Big"\n+++\n\n**Severity:** P1\n'
    doc = parse_text(text, "bignum.md")
    assert not [i for i in doc.issues if i.message.startswith("parser failed")], doc.issues
    assert doc.incidents[0].severity_label == "P1"
    assert [i for i in doc.issues if i.field == "front matter" and i.line == 1]


def _rolling_timeline(repeats: int) -> str:
    return "# 2026-01-01 Rolling\n\n## Timeline\n\n" + "- 00:00 a\n- 08:00 b\n- 16:00 c\n" * repeats


def test_rollover_past_a_few_days_warns_and_stops_dating() -> None:
    """Bare times that keep going round the clock: dated for a few days, then left undated
    (a reader cannot tell which day either) with one warning on the line where it happened."""
    doc = parse_text(_rolling_timeline(300), "roll.md")
    events = doc.incidents[0].timeline
    assert len(events) == 900
    dated = [e for e in events if e.occurred_at is not None]
    assert dated[-1].occurred_at.date().isoformat() <= f"2026-01-0{1 + MAX_ROLLOVER_DAYS}"
    assert len(dated) == 3 * (MAX_ROLLOVER_DAYS + 1)
    warnings = [i for i in doc.issues if i.field == "timeline" and "midnight" in i.message]
    assert len(warnings) == 1
    assert warnings[0].line == events[len(dated)].line


def test_a_timeline_over_two_nights_is_dated_without_warning() -> None:
    doc = parse_text(_rolling_timeline(2), "roll.md")
    events = doc.incidents[0].timeline
    assert [e.occurred_at.isoformat() for e in events][-1] == "2026-01-02T16:00:00"
    assert not [i for i in doc.issues if "midnight" in i.message]


_ROLL_CHILD = """
import sys
from pathlib import Path
from pmkit.parse.document import parse_text
doc = parse_text(Path(sys.argv[1]).read_text(encoding="utf-8"), "roll.md")
events = doc.incidents[0].timeline
assert len(events) == int(sys.argv[2]), len(events)
assert max(e.occurred_at for e in events if e.occurred_at).year == 2026
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "text", "events"),
    [
        ("rollover-16k", _rolling_timeline(16_000), 48_000),  # ~4 min before: quadratic
        (
            "same-time-1mb",
            "# 2026-01-01 T\n\n## Timeline\n\n" + "- 3:07 PM PST: e\n" * 60_000,
            60_000,
        ),
    ],
)
def test_long_timelines_parse_in_linear_time(
    name: str, text: str, events: int, tmp_path: Path
) -> None:
    source = tmp_path / f"{name}.md"
    source.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _ROLL_CHILD, str(source), str(events)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


SEED_002 = """# Postmortem: Checkout latency

**Incident ID:** INC-2002
**Date:** 2026-03-04
**Severity:** SEV2
**Duration**: 2h 30m
**Incident Commander:** Ann Lee

## Executive Summary

Checkout was slow.
"""


def test_a_duration_is_not_a_start_time() -> None:
    """seed-002 writes ``**Duration**: 2h 30m``: that is how long, not when (was read as 02:30)."""
    pm = parse_text(SEED_002, "seed2.md").incidents[0]
    assert pm.started_at is None
    assert pm.started_source is None
    assert pm.duration_minutes == 150
    assert pm.incident_date.isoformat() == "2026-03-04"


def test_a_duration_field_holding_a_window_still_gives_start_and_end() -> None:
    pm = parse_text(SEED_002.replace("2h 30m", "14:05 to 16:35 UTC (2h 30m)"), "s.md").incidents[0]
    assert pm.started_at.isoformat() == "2026-03-04T14:05:00"
    assert pm.resolved_at.isoformat() == "2026-03-04T16:35:00"
    assert pm.duration_minutes == 150
