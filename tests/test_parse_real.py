"""The parser against real public postmortems (``../shared/corpus-real`` and ``corpus-real2``).

Every file must parse without an exception or an error-level issue; chosen files have a golden
``tests/fixtures/golden/<stem>.json`` written by reading the document by hand (see ``notes`` in
each). Only the keys present in a golden are compared (conventions in conftest).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pmkit.model import ParsedDocument
from pmkit.parse import parse_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus-real"
GOLDEN_DIR = Path(__file__).parent / "fixtures" / "golden"
GOLDENS = sorted(GOLDEN_DIR.glob("*.json"))
CORPUS2 = CORPUS.parent / "corpus-real2"
"""17 more documents in shapes corpus-real lacks (TOML front matter, day-first day headings, ...):
every one has a golden in ``GOLDEN2_DIR``."""
GOLDEN2_DIR = Path(__file__).parent / "fixtures" / "golden-real2"
GOLDENS2 = sorted(GOLDEN2_DIR.glob("*.json"))
NOT_INCIDENTS = {"README.md"}
"""Files in the corpus folder that are clearly not a postmortem."""
ENCODING_FIXED = {
    "19_Chia-Network__post-mortem__2021-10-31-DustStorm.md": "CRLF line endings",
    "22_Chia-Network__post-mortem__2022-08-19-CATbleed.md": "stray mojibake 'Â'",
}
REPOS = {
    "kubernetes__test-infra",
    "jupyterhub__mybinder.org-deploy",
    "Chia-Network__post-mortem",
    "fsharp__fsharp-compiler-docs",
    "usdigitalresponse__univaf",
    "berkeley-dsep-infra__datahub",
    "ministryofjustice__cloud-platform",
    "ethereum-optimism__optimism",
    "dfds__postmortems",
    "PostHog__post-mortems",
}


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


def _parse(path: Path) -> ParsedDocument:
    return parse_file(path, root=CORPUS)


@pytest.fixture
def corpus(shared_dir: Path) -> Path:
    """The real corpus folder; skips when ``../shared`` is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent")
    return CORPUS


@pytest.mark.parametrize("name", [p.name for p in _corpus_files()] or ["<corpus absent>"])
def test_every_real_file_parses(name: str, corpus: Path) -> None:
    """No exception, no error-level issue, and an incident unless the file is not a postmortem."""
    doc = _parse(corpus / name)
    assert doc.path == name
    assert doc.raw_text, "raw text must be kept"
    errors = [i for i in doc.issues if i.level == "error"]
    assert not errors, errors
    assert not doc.is_unfilled_template
    if name in NOT_INCIDENTS:
        return
    assert doc.incidents, "a real postmortem yields at least one incident"
    ids = [i.incident_id for i in doc.incidents]
    assert len(ids) == len(set(ids)), "incident ids are unique within a file"
    for inc in doc.incidents:
        assert [e.seq for e in inc.timeline] == list(range(1, len(inc.timeline) + 1))
        assert [f.seq for f in inc.factors] == list(range(1, len(inc.factors) + 1))


@pytest.mark.parametrize("golden", GOLDENS, ids=[p.stem for p in GOLDENS])
def test_real_file_matches_golden(
    golden: Path, corpus: Path, match_expected: Callable[[Any, dict[str, Any]], None]
) -> None:
    md = corpus / f"{golden.stem}.md"
    assert md.is_file(), f"golden {golden.name} names no corpus file"
    match_expected(_parse(md), json.loads(golden.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", sorted(ENCODING_FIXED))
def test_encoding_repairs_are_recorded(name: str, corpus: Path) -> None:
    """CRLF and mojibake are repaired and leave an info issue with field 'encoding'."""
    doc = _parse(corpus / name)
    infos = [i for i in doc.issues if i.field == "encoding" and i.level == "info"]
    assert infos, f"no encoding info issue for {ENCODING_FIXED[name]}"
    text = " ".join(
        filter(
            None,
            [inc.title for inc in doc.incidents]
            + [e.event for inc in doc.incidents for e in inc.timeline],
        )
    )
    assert "\r" not in text
    assert "Â" not in text


def test_goldens_cover_the_corpus(corpus: Path) -> None:
    """The goldens span every source repository, and multi-incident / front-matter files."""
    stems = [g.stem for g in GOLDENS]
    assert len(stems) >= 20
    missing = {r for r in REPOS if not any(r in s for s in stems)}
    assert not missing, f"no golden for {sorted(missing)}"
    for name in ENCODING_FIXED:
        assert Path(name).stem in stems
    data = [json.loads(g.read_text(encoding="utf-8")) for g in GOLDENS]
    assert any(d.get("incidents_count", 1) > 1 for d in data), "a multi-incident golden"
    front_matter = [
        s for s in stems if (corpus / f"{s}.md").read_text(encoding="utf-8").startswith("---")
    ]
    assert front_matter, "a golden for a file with YAML front matter"


@pytest.fixture
def corpus2(shared_dir: Path) -> Path:
    if not CORPUS2.is_dir():
        pytest.skip(f"{CORPUS2} is absent")
    return CORPUS2


def _corpus2_files() -> list[Path]:
    if not CORPUS2.is_dir():
        return []
    return sorted(p for p in CORPUS2.glob("*.md") if p.name not in NOT_INCIDENTS)


@pytest.mark.parametrize("name", [p.name for p in _corpus2_files()] or ["<corpus absent>"])
def test_every_real2_file_parses_and_has_a_golden(name: str, corpus2: Path) -> None:
    doc = parse_file(corpus2 / name, root=corpus2)
    assert not [i for i in doc.issues if i.level == "error"], doc.issues
    assert len(doc.incidents) == 1
    assert (GOLDEN2_DIR / f"{Path(name).stem}.json").is_file(), f"no golden for {name}"


@pytest.mark.parametrize("golden", GOLDENS2, ids=[p.stem for p in GOLDENS2])
def test_real2_file_matches_golden(
    golden: Path, corpus2: Path, match_expected: Callable[[Any, dict[str, Any]], None]
) -> None:
    md = corpus2 / f"{golden.stem}.md"
    assert md.is_file(), f"golden {golden.name} names no corpus-real2 file"
    match_expected(parse_file(md, root=corpus2), json.loads(golden.read_text(encoding="utf-8")))
