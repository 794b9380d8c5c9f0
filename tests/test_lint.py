"""``pmkit lint``: the process rules of seeds/003, through the library and through the CLI."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pmkit.cli import cli
from pmkit.lint import LintMessage, blame_hints, lint_paths, lint_text, render

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "lint"
SEEDS_FILLED = REPO / "tests" / "fixtures" / "seeds_filled"
SHARED = REPO.parent / "shared"
NOW = datetime(2026, 11, 22, 12, 0)
GOOD = (FIXTURES / "good.md").read_text(encoding="utf-8")


def codes(messages: list[LintMessage], level: str | None = None) -> list[str]:
    return [m.code for m in messages if level is None or m.level == level]


# --- blameless language --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Root cause: human error during the failover.", "human error"),
        ("It was an operator error.", "operator error"),
        ("A careless change to the firewall.", "careless"),
        ("Bob forgot to drain the broker.", "Bob forgot"),
        ("Alice Chen accidentally deleted the node group.", "Alice Chen accidentally"),
        ("She should have checked the dashboard.", "She should have checked"),
        ("The on-call engineer forgot the runbook.", "engineer forgot"),
        ("It was entirely his fault.", "his fault"),
    ],
)
def test_blame_hints_find_blaming_phrases(text: str, phrase: str) -> None:
    hints = blame_hints("intro line\n" + text)
    assert [(line, found) for line, found, _ in hints] == [(2, phrase)]
    assert hints[0][2]  # a suggestion


@pytest.mark.parametrize(
    "text",
    [
        "This document focuses on what happened, not on who made mistakes.",
        "Avoid blame; focus on contributing factors.",
        "Kubernetes failed to schedule the pods.",
        "We lazy-load the fetch wrapper.",
        "The deploy ran without a check on the index size.",
        "Ahmed Saleh acknowledges the page.",
        "The team did not check the error budget because no alert existed.",
        "A user reported errors on the status page.",
    ],
)
def test_blame_hints_leave_blameless_text_alone(text: str) -> None:
    assert blame_hints(text) == []


# --- rules on text -------------------------------------------------------------------------


def test_good_file_is_clean() -> None:
    assert lint_text(GOOD, "good.md", now=NOW) == []


@pytest.mark.parametrize(
    ("old", "new", "code", "level"),
    [
        ("- **Severity:** P1", "- **Severity:** Purple", "unknown-severity", "error"),
        ("- **Severity:** P1", "- **Severity:**", "missing-field", "error"),
        (
            "- **Incident owner (PM):** Rosa Delgado",
            "- **Incident owner (PM):**",
            "missing-field",
            "error",
        ),
        (
            "- **Incident title:** Search results empty after index alias swap",
            "- **Incident title:** [Incident title]",
            "placeholder",
            "error",
        ),
        ("2026-05-12 10:05", "2026-05-12 08:05", "end-before-start", "error"),
        ("2026-05-12 09:10", "Tuesday morning", "unreadable-time", "error"),
        ("2026-05-12 10:05", "2027-05-12 10:05", "future-date", "error"),
        (
            "| Wen Zhao | 2026-05-20 | SRCH-311 |",
            "| Wen Zhao | 2026-05-20 |  |",
            "untracked-action",
            "error",
        ),
        (
            "| Wen Zhao | 2026-05-20 | SRCH-311 |",
            "|  | 2026-05-20 | SRCH-311 |",
            "untracked-action",
            "error",
        ),
        (
            "| Wen Zhao | 2026-05-20 | SRCH-311 |",
            "| Wen Zhao |  | SRCH-311 |",
            "untracked-action",
            "error",
        ),
        (
            "- **Date prepared:** 2026-05-13",
            "- **Date prepared:** 2026-05-16",
            "late-draft",
            "warning",
        ),
        (
            "- **Reviewed on:** 2026-05-15",
            "- **Reviewed on:** 2026-05-21",
            "late-review",
            "warning",
        ),
        ("did not run since", "did not run since", None, None),
        (
            "- **Primary root cause:** The re-index job",
            "- **Primary root cause:** Human error: the re-index job",
            "blame",
            "warning",
        ),
    ],
)
def test_each_rule(old: str, new: str, code: str | None, level: str | None) -> None:
    assert old in GOOD or code is None
    messages = lint_text(GOOD.replace(old, new), "x.md", now=NOW)
    if code is None:
        assert messages == []
        return
    assert code in codes(messages, level), render(messages)
    flagged = next(m for m in messages if m.code == code)
    changed_line = (
        GOOD.replace(old, new)
        .splitlines()
        .index(
            next(line for line in GOOD.replace(old, new).splitlines() if new.strip("| ") in line)
        )
    )
    assert flagged.line == changed_line + 1  # points at the line to fix


def test_review_target_counts_business_days() -> None:
    # drafted Wed 05-13: Wed 05-20 is 5 business days (on target), Thu 05-21 is 6 (late)
    on_time = GOOD.replace("- **Reviewed on:** 2026-05-15", "- **Reviewed on:** 2026-05-20")
    assert lint_text(on_time, "x.md", now=NOW) == []


def test_missing_required_fields_and_actions() -> None:
    text = "# Database failover\n\n- **Severity:** SEV-2\n\nSomething happened.\n"
    messages = lint_text(text, "thin.md", now=NOW)
    missing = {m.message for m in messages if m.code == "missing-field"}
    assert {
        "start time is missing or not filled",
        "end time is missing or not filled",
        "owner is missing or not filled",
        "root cause is missing or not filled",
    } <= missing
    assert "no-actions" in codes(messages, "error")


def test_empty_file_is_an_error() -> None:
    messages = lint_text("", "empty.md", now=NOW)
    assert "not-postmortem" in codes(messages, "error")


def test_render_formats() -> None:
    messages = [LintMessage("a.md", 3, "error", "missing-field", "owner is missing")]
    assert render(messages) == "a.md:3: error: owner is missing [missing-field]"
    assert json.loads(render(messages, "json")) == [
        {
            "path": "a.md",
            "line": 3,
            "level": "error",
            "code": "missing-field",
            "message": "owner is missing",
        }
    ]
    with pytest.raises(ValueError):
        render(messages, "xml")


# --- the CLI -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads the real clock; the fixtures' dates must stay in the past on any machine."""
    monkeypatch.setattr("pmkit.lint.checks.utcnow", lambda: NOW)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["lint", *args])
    return result.exit_code, result.output


def test_cli_good_file_exit_0_and_only_the_totals() -> None:
    code, out = run(str(FIXTURES / "good.md"))
    assert (code, out) == (0, "1 file, 0 errors, 0 warnings\n")


def test_cli_filled_seed_is_clean() -> None:
    code, out = run(str(SEEDS_FILLED / "seed_000_filled.md"))
    assert (code, out) == (0, "1 file, 0 errors, 0 warnings\n")


def test_cli_bad_file_exit_1_with_path_line_level() -> None:
    path = FIXTURES / "bad.md"
    code, out = run(str(path))
    assert code == 1
    lines = out.strip().splitlines()
    assert f"{path}:7: error: severity is missing or not filled [missing-field]" in lines
    assert f"{path}:8: error: owner is missing or not filled [missing-field]" in lines
    assert any(
        line.startswith(f"{path}:10: error: end 2026-05-20 10:30 is before start") for line in lines
    )
    assert any(line.startswith(f"{path}:14: warning: 'Bob forgot'") for line in lines)
    assert any(
        line.startswith(f"{path}:20: error: action") and "no owner, no tracking reference" in line
        for line in lines
    )
    errors = sum(": error: " in line for line in lines)
    warnings = sum(": warning: " in line for line in lines)
    assert lines[-1] == f"1 file, {errors} errors, {warnings} warning{'' if warnings == 1 else 's'}"


def test_cli_json_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    (folder / "README.md").write_text("# How we write postmortems\n", encoding="utf-8")
    warn = GOOD.replace("- **Date prepared:** 2026-05-13", "- **Date prepared:** 2026-05-16")
    (folder / "late.md").write_text(warn, encoding="utf-8")
    code, out = run(str(folder), "--format", "json")
    assert code == 0  # warnings only
    data = json.loads(out)
    assert [(d["path"], d["level"], d["code"]) for d in data] == [
        (str(folder / "late.md"), "warning", "late-draft")
    ]
    code, out = run(str(tmp_path / "missing.md"))
    assert code == 2 and "no such file or folder" in out  # like pmkit ingest


def test_cli_folder_without_postmortems_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "README.md").write_text("# not a postmortem\n", encoding="utf-8")
    (folder / "data.csv").write_text("a,b\n", encoding="utf-8")
    code, out = run(str(folder))
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith(f"{folder}:1: warning: no postmortems in this folder")
    assert lines[-1] == "0 files, 0 errors, 1 warning"
    code, out = run(str(folder), "--format", "json")
    assert [d["code"] for d in json.loads(out)] == ["no-postmortems"]  # JSON: no totals line


def test_cli_names_a_subfolder_it_cannot_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subfolder the walk cannot list is an error naming it, and the rest is still linted
    (it was an AttributeError: the problems came back as tuples and lint read ``.message``).
    The tests run as root, which lists any folder, so the refusal is the one ``os.scandir``
    gives a user without the permission."""
    import os

    import pmkit.corpus

    folder = tmp_path / "postmortems"
    (folder / "locked").mkdir(parents=True)
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    (folder / "locked" / "hidden.md").write_text(GOOD, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if os.path.basename(os.path.normpath(path)) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(pmkit.corpus.os, "scandir", scandir)
    code, out = run(str(folder))
    assert code == 1
    lines = out.strip().splitlines()
    assert lines == [
        f"{folder / 'locked'}:1: error: cannot list folder: Permission denied [no-file]",
        "1 file, 1 error, 0 warnings",
    ]


def test_cli_help() -> None:
    assert CliRunner().invoke(cli, ["lint", "--help"]).exit_code == 0


@pytest.mark.parametrize("prefix", ["000", "001", "002", "004"])
def test_cli_unfilled_seed_templates_fail(prefix: str) -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"shared seeds folder {seeds} is absent")
    (path,) = seeds.glob(f"{prefix}_*")
    code, out = run(str(path))
    assert code == 1
    assert f"{path}:" in out and ": error: " in out
    assert "[unfilled-template]" in out
    assert "[missing-field]" in out


def test_cli_process_document_passes() -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"shared seeds folder {seeds} is absent")
    (path,) = seeds.glob("003_*")
    code, out = run(str(path))
    assert code == 0
    assert out.strip().splitlines() == [
        f"{path}:1: info: process document, not a postmortem: not linted [not-postmortem]",
        "1 file, 0 errors, 0 warnings",
    ]


def test_lint_paths_matches_cli() -> None:
    messages = lint_paths([FIXTURES / "bad.md"], now=NOW)
    assert "end-before-start" in codes(messages, "error")


def test_pre_commit_hook_entry() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "pmkit-lint"]
    assert hook["entry"] == "pmkit lint" and hook["language"] == "python"


def test_placeholder_row_before_an_empty_row_is_still_checked() -> None:
    text = GOOD.replace(
        "| Wen Zhao | 2026-05-20 | SRCH-311 |",
        "| Wen Zhao | 2026-05-20 | SRCH-311 |\n| [Action] | [Owner] | YYYY-MM-DD | [Link] |\n|  |  |  |  |",
    )
    messages = lint_text(text, "x.md", now=NOW)
    assert "placeholder" in codes(messages, "error")


def test_template_without_tracking_column_gets_a_hint_and_passes_once_tracked() -> None:
    # Template 004's action table has no tracking column: filled in as it is, every action is
    # untracked (seeds/003 wants a tracking link). A Tracking column with keys makes it clean.
    text = (SEEDS_FILLED / "seed_004_filled.md").read_text(encoding="utf-8")
    untracked = [m for m in lint_text(text, now=NOW) if m.code == "untracked-action"]
    assert len(untracked) == 4
    assert all("add a Tracking column" in m.message for m in untracked)
    tracked = text.replace(
        "| Target Date | Status |\n| --- | --- | --- | --- | --- | --- |",
        "| Target Date | Status | Tracking |\n| --- | --- | --- | --- | --- | --- | --- |",
    )
    for n in range(1, 5):
        row_start = f"| AI-00{n} |"
        line = next(ln for ln in tracked.splitlines() if ln.startswith(row_start))
        tracked = tracked.replace(line, f"{line} AUTH-41{n} |")
    assert lint_text(tracked, now=NOW) == []
