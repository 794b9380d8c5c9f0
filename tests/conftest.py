"""Shared pytest fixtures: the shared corpus folder, a fresh DuckDB file, and the golden matcher.

Kept small on purpose: anything one test module needs lives in that module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
"""``../shared`` from the repo root: seeds and the real corpus (absent on some machines)."""


@pytest.fixture
def shared_dir() -> Path:
    """The shared folder; the test is skipped when it is not there."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"shared data folder {SHARED_DIR} is absent")
    return SHARED_DIR


@pytest.fixture
def tmp_db(tmp_path: Path) -> Iterator[Path]:
    """Path of a DuckDB file in a fresh temp folder (created by whoever opens it first)."""
    yield tmp_path / "pmkit.duckdb"


def _plain(value: Any) -> Any:
    """Datetimes and dates compare as ISO text, so golden JSON stays human-readable."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key)


def compare_expected(actual: Any, expected: dict[str, Any], where: str = "") -> list[str]:
    """Compare an object against a golden dict; return every mismatch (empty list = match).

    Key conventions: ``notes`` is ignored; ``X_count`` is ``len(X)``; ``X_contains`` is a
    substring of ``X``; ``X_not`` means ``X`` must differ from the value; ``X_first`` /
    ``X_last`` are the first / last element of list ``X``; a list of dicts is compared element
    by element (``{}`` skips one); anything else must be equal (datetimes and dates as ISO
    strings, ``None`` as JSON null).
    """
    problems: list[str] = []
    for key, want in expected.items():
        path = f"{where}.{key}" if where else key
        if key == "notes":
            continue
        try:
            if key.endswith("_count"):
                got = len(_get(actual, key[: -len("_count")]) or [])
                if got != want:
                    problems.append(f"{path}: got {got}, want {want}")
                continue
            if key.endswith("_contains"):
                got = _get(actual, key[: -len("_contains")])
                if got is None or str(want) not in str(got):
                    problems.append(f"{path}: {got!r} does not contain {want!r}")
                continue
            if key.endswith("_not"):
                got = _get(actual, key[: -len("_not")])
                if _plain(got) == want:
                    problems.append(f"{path}: must not be {want!r}")
                continue
            if key.endswith(("_first", "_last")):
                base, _, which = key.rpartition("_")
                items = _get(actual, base) or []
                if not items:
                    problems.append(f"{path}: {base} is empty")
                    continue
                item = items[0] if which == "first" else items[-1]
                problems.extend(compare_expected(item, want, path))
                continue
            got = _get(actual, key)
        except AttributeError:
            problems.append(f"{path}: no such field on {type(actual).__name__}")
            continue
        if isinstance(want, list) and want and isinstance(want[0], dict):
            items = list(got or [])
            if len(items) < len(want):
                problems.append(f"{path}: got {len(items)} items, want at least {len(want)}")
            for i, (item, sub) in enumerate(zip(items, want, strict=False)):
                problems.extend(compare_expected(item, sub, f"{path}[{i}]"))
            continue
        if _plain(got) != want:
            problems.append(f"{path}: got {_plain(got)!r}, want {want!r}")
    return problems


@pytest.fixture
def match_expected() -> Callable[[Any, dict[str, Any]], None]:
    """Assert that an object matches a golden dict, listing every mismatch at once."""

    def check(actual: Any, expected: dict[str, Any]) -> None:
        problems = compare_expected(actual, expected)
        assert not problems, "\n".join(["golden mismatches:", *problems])

    return check
