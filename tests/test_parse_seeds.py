"""The parser against the seed templates: filled-in copies must yield every field, raw ones none.

Each ``tests/fixtures/seeds_filled/*.md`` has a ``<name>.expected.json`` next to it that lists
what pmkit must extract (see ``compare_expected`` in conftest for the key conventions). These
files are the spec for template parsing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pmkit.parse import parse_file, parse_text

FILLED_DIR = Path(__file__).parent / "fixtures" / "seeds_filled"
FILLED = sorted(FILLED_DIR.glob("*.md"))
RAW_SEEDS = ["000", "001", "002", "003", "004"]


def _expected(md: Path) -> dict[str, Any]:
    return json.loads(md.with_suffix(".expected.json").read_text(encoding="utf-8"))


def test_every_filled_seed_has_expectations() -> None:
    assert len(FILLED) >= 8, "one filled file and one variant-key file per template"
    for md in FILLED:
        assert md.with_suffix(".expected.json").is_file(), f"{md.name} has no expected.json"


@pytest.mark.parametrize("md", FILLED, ids=[p.stem for p in FILLED])
def test_filled_seed_fields(md: Path, match_expected: Callable[..., None]) -> None:
    doc = parse_text(md.read_text(encoding="utf-8"), md.name)
    match_expected(doc, _expected(md))


@pytest.mark.parametrize("md", FILLED, ids=[p.stem for p in FILLED])
def test_filled_seed_parse_file_agrees(md: Path) -> None:
    """parse_file with a root gives a root-relative path and the same incidents as parse_text."""
    doc = parse_file(md, root=FILLED_DIR)
    assert doc.path == md.name
    assert [i.title for i in doc.incidents] == [
        i.title for i in parse_text(md.read_text(encoding="utf-8"), md.name).incidents
    ]


@pytest.mark.parametrize("md", FILLED, ids=[p.stem for p in FILLED])
def test_filled_seed_has_no_errors(md: Path) -> None:
    """A correctly filled template is fine: no error-level issue."""
    doc = parse_text(md.read_text(encoding="utf-8"), md.name)
    errors = [i for i in doc.issues if i.level == "error"]
    assert not errors, errors


@pytest.mark.parametrize("seed", RAW_SEEDS)
def test_raw_seed_is_unfilled_template(seed: str, shared_dir: Path) -> None:
    """The templates themselves are recognised as unfilled; 003 is the process document."""
    (path,) = sorted((shared_dir / "seeds").glob(f"{seed}_*.txt"))
    doc = parse_file(path, root=shared_dir)
    assert doc.path == f"seeds/{path.name}"
    if seed == "003":
        assert doc.is_process_doc
        assert doc.incidents == []
    else:
        assert doc.is_unfilled_template
        assert doc.template == f"seed-{seed}"
        assert not doc.is_process_doc
    assert not [i for i in doc.issues if i.level == "error"]


@pytest.mark.parametrize("seed", ["000", "001"])
def test_raw_seed_mojibake_is_repaired(seed: str, shared_dir: Path) -> None:
    """Seeds 000 and 001 carry ``â€“`` for an en dash: repaired and recorded as an encoding issue."""
    (path,) = sorted((shared_dir / "seeds").glob(f"{seed}_*.txt"))
    doc = parse_file(path, root=shared_dir)
    assert any(i.field == "encoding" and i.level == "info" for i in doc.issues)


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
def test_raw_seed_text_fields_hold_no_template_text(seed: str, shared_dir: Path) -> None:
    """The templates' guidance, hint sub-items and empty keys are not anyone's prose."""
    (path,) = sorted((shared_dir / "seeds").glob(f"{seed}_*.txt"))
    (pm,) = parse_file(path, root=shared_dir).incidents
    fields = ["customer_impact", "executive_summary", "root_cause", "trigger"]
    if seed != "000":  # 000's "- **What should we keep doing?**" has no colon: kept (see prose.py)
        fields.append("lessons")
    assert {f: getattr(pm, f) for f in fields} == dict.fromkeys(fields)


_FIELD_OF = {
    "started": "start",
    "detected": "detected",
    "acknowledged": "acknowledged",
    "mitigated": "mitigated",
    "resolved": "end",
}


@pytest.mark.parametrize("md", FILLED, ids=[p.stem for p in FILLED])
def test_milestones_say_where_they_came_from(md: Path) -> None:
    """A milestone a filled template gives in a field says ``field``; one it does not is read
    from its timeline (``timeline``) or left NULL; a value always has a source and no source is
    given without a value. The values are pinned in each ``expected.json``."""
    from pmkit.config import Config
    from pmkit.parse import identity
    from pmkit.parse.context import Document
    from pmkit.parse.milestones import read_field_milestones

    text = md.read_text(encoding="utf-8")
    doc = Document(text, md.name, Config())
    for pm in parse_text(text, md.name).incidents:
        fields_only = pm.__class__(incident_id=pm.incident_id)
        read_field_milestones(doc, fields_only, identity.base_date(doc, pm.title))
        for name in _FIELD_OF:
            at, source = getattr(pm, f"{name}_at"), getattr(pm, f"{name}_source")
            assert (at is None) == (source is None), (name, at, source)
            if getattr(fields_only, f"{name}_at") is not None:
                assert source == "field", (name, source)
            else:
                assert source in (None, "timeline"), (name, source)
        assert (pm.duration_minutes is None) == (pm.duration_source is None)


def test_a_duration_from_timeline_times_says_so() -> None:
    """resolved - started, both read from the timeline: the duration's source is the timeline."""
    text = (
        "# API outage\n\n**Date:** 2026-03-04\n\n## Timeline (UTC)\n\n"
        "- 14:05 Error rate alert fires for checkout\n- 15:40 Incident resolved\n"
    )
    (pm,) = parse_text(text, "x.md").incidents
    assert (pm.started_source, pm.resolved_source) == ("timeline", "timeline")
    assert (pm.duration_minutes, pm.duration_source) == (95.0, "timeline")
    written = text.replace("**Date:** 2026-03-04", "**Date:** 2026-03-04\n**Duration:** 2h")
    (pm,) = parse_text(written, "x.md").incidents
    assert (pm.duration_minutes, pm.duration_source) == (120.0, "field")
