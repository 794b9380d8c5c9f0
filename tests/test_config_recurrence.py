"""``[recurrence]`` in ``pmkit.toml``: read over the defaults, bad values named with the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmkit.config import ConfigError, RecurrenceSettings, load_config
from pmkit.similar.recurrence import RecurrenceRule


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pmkit.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_one_place_for_them(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, ""))
    assert config.recurrence == RecurrenceSettings(
        window_days=180, threshold=0.69, k=5, max_incidents=20_000
    )
    assert RecurrenceRule() == RecurrenceRule.from_config(config)


def test_settings_are_read(tmp_path: Path) -> None:
    config = load_config(
        _write(
            tmp_path,
            "[recurrence]\nwindow_days = 90\nthreshold = 0.5\nk = 3\nmax_incidents = 100\n",
        )
    )
    assert config.recurrence == RecurrenceSettings(90, 0.5, 3, 100)
    assert RecurrenceRule.from_config(config) == RecurrenceRule(0.5, 90)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("window_days = 0", "recurrence.window_days must be a whole number >= 1"),
        ("k = 2.5", "recurrence.k must be a whole number >= 1"),
        ("threshold = 0", "recurrence.threshold must be a number above 0 and at most 1"),
        ("threshold = 1.5", "recurrence.threshold must be a number above 0 and at most 1"),
        ("threshold = true", "recurrence.threshold must be a number above 0 and at most 1"),
        ("window = 3", "recurrence.window is not a known setting"),
    ],
)
def test_bad_values_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, f"[recurrence]\n{text}\n")
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(path) in str(info.value)
