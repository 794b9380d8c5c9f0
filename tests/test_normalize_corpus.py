"""The normalizers over the real corpus (``../shared/corpus-real``): no false alarms on real data.

A wrong zone hint shifts every time in a document by hours, and a real value read as a placeholder
silently drops a field (or marks a real postmortem as an unfilled template). These tests pin what
the real files say, line by line. Skipped when ``../shared`` is absent.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from pmkit.normalize.placeholders import find_placeholder
from pmkit.normalize.times import find_tz_hint, parse_datetime

# file number -> zone hints found on its lines (every line of every file is scanned)
EXPECTED_HINTS: dict[str, set[str]] = {
    "01": {"PST"},
    "02": {"PST"},
    "03": {"PST"},
    "04": {"PDT"},
    "05": {"PDT"},
    "06": {"PST"},
    "08": {"PST"},
    "09": {"PST"},
    "10": {"PST"},
    "11": {"CET"},
    "12": {"CET"},
    "13": {"CEST"},
    "14": {"UTC+1"},
    "15": {"Pacific"},  # written "UC/Pacific"
    "16": {"CET"},
    "17": {"UTC"},
    "18": {"UTC"},
    "19": {"PST"},
    "20": {"PT"},
    "21": {"UTC"},
    "22": {"PST"},
    "24": {"PST"},
    "25": {"PST"},
    "26": {"PST"},
    "36": {"US/Pacific"},
    "37": {"US/Pacific"},
    "38": {"US/Pacific"},
    "39": {"US/Pacific"},
    "65": {"UTC"},
    "66": {"PST"},
    "69": {"CET"},
    "70": {"CET"},
    "71": {"UTC"},
    "72": {"UTC"},
    "73": {"UTC"},
    "75": {"UTC"},
    "78": {"UTC"},
}

_KEY_VALUE = re.compile(r"^\s*[-*]?\s*\**([A-Za-z][^:*]{1,40}?)\**\s*:\s*\**\s*(.+)$")

KNOWN_PLACEHOLDER_VALUES = {
    # "Created By: [Sen Lu]" with no link definition in the file: a bracketed value is read as a
    # template placeholder (file 02 defines "[Katharine Berry]: https://..." and the parser passes
    # its link labels, so that one is a name). Kept: guessing names out of brackets would let
    # "[Owner Name]" through as an owner.
    "[Sen Lu]",
    "[Katharine Berry]",
    '["type: Hub Incident", "support"]',  # YAML-ish labels list, not a field value
}


def _corpus(shared_dir: Path) -> list[Path]:
    files = sorted((shared_dir / "corpus-real").glob("*.md"))
    assert files, "no real corpus files"
    return files


def test_zone_hints_in_the_real_corpus(shared_dir: Path) -> None:
    found: dict[str, set[str]] = {}
    for path in _corpus(shared_dir):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            zone = find_tz_hint(line)
            if zone:
                found.setdefault(path.name[:2], set()).add(zone)
    assert found == EXPECTED_HINTS


def test_every_hint_found_reads_a_time() -> None:
    for zones in EXPECTED_HINTS.values():
        for zone in zones:
            tp = parse_datetime("10:00", base_date=date(2020, 7, 9), tz_hint=zone)
            assert tp is not None and not tp.assumed_utc, zone


def test_pacific_typo_hint_follows_daylight_saving() -> None:
    # file 15: "All times in UC/Pacific", first report 07:30 on 2020-07-09; its Grafana links
    # start at 1594299600000 ms = 13:00 UTC = 06:00 PDT, so Pacific here is UTC-7
    hint = find_tz_hint("All times in UC/Pacific")
    tp = parse_datetime("07:30am", base_date=date(2020, 7, 9), tz_hint=hint)
    assert tp is not None and tp.at == datetime(2020, 7, 9, 14, 30)


def test_no_real_value_is_a_placeholder(shared_dir: Path) -> None:
    flagged: set[str] = set()
    for path in _corpus(shared_dir):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = _KEY_VALUE.match(line)
            if not match:
                continue
            value = match.group(2).strip()
            if value.strip("*_ ") and find_placeholder(value):
                flagged.add(value)
    assert flagged <= KNOWN_PLACEHOLDER_VALUES, sorted(flagged - KNOWN_PLACEHOLDER_VALUES)
