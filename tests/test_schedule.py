"""``pmkit schedule``: the printed crontab line really runs, installs are idempotent, and the
systemd timer's calendar is one systemd accepts."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pmkit.cli import main
from pmkit.reports.schedule import (
    MARKER,
    ReportSchedule,
    ScheduleError,
    check_cron,
    crontab_line,
    merge_crontab,
    on_calendar,
    systemd_units,
)
from pmkit.synth import write_corpus

PMKIT = Path(sys.executable).parent / "pmkit"


def _schedule_output(tmp_path: Path, *args: str) -> str:
    """Run ``pmkit schedule`` as a user would (its own process, cwd = tmp_path)."""
    done = subprocess.run(
        [str(PMKIT), "schedule", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout


def test_the_printed_cron_line_runs_the_reports(tmp_path: Path) -> None:
    if not PMKIT.exists():
        pytest.skip(f"{PMKIT} missing: pip install -e . first")
    today = datetime.now(UTC).date()
    write_corpus(12, 5, today - timedelta(days=200), today, tmp_path / "corpus")
    line = _schedule_output(
        tmp_path,
        "--cron",
        "30 6 * * 1-5",
        "--db",
        "state/pmkit.duckdb",
        "--corpus",
        "corpus",
        "--out",
        "site/reports",
        "--log",
        "logs/pmkit.log",
        "--only",
        "summary",
    ).strip()
    assert line.startswith("30 6 * * 1-5 ") and line.endswith(MARKER)
    command = line.split(None, 5)[5]
    assert f"cd {tmp_path} " in command and f"{tmp_path}/state/pmkit.duckdb" in command
    assert f">> {tmp_path}/logs/pmkit.log 2>&1" in command

    # cron's environment: almost nothing, and another working directory
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8"}
    (tmp_path / "home").mkdir()
    done = subprocess.run(["/bin/sh", "-c", command], cwd="/", env=env, timeout=600, check=False)
    log = (tmp_path / "logs" / "pmkit.log").read_text(encoding="utf-8")
    assert done.returncode == 0, log
    runs = sorted((tmp_path / "site" / "reports").glob("*/summary.html"))
    assert len(runs) == 1, log
    assert runs[0].parent.name in {today.isoformat(), datetime.now(UTC).date().isoformat()}
    assert (tmp_path / "site" / "reports" / "index.html").is_file()
    assert (tmp_path / "state" / "pmkit.duckdb").is_file()
    assert "[1/1] summary done" in log and "index:" in log


def test_crontab_line_escapes_percent_and_quotes_paths(tmp_path: Path) -> None:
    odd = tmp_path / "my reports %Y"
    spec = ReportSchedule.create(odd, Path("db.duckdb"), Path("corpus"), Path("out"))
    line = crontab_line(spec)
    assert "\\%Y" in line and "'" in line  # cron would cut the line at a bare %
    assert "%Y" not in line.replace("\\%Y", "")


@pytest.mark.parametrize(
    "bad", ["0 7 * *", "61 7 * * *", "0 24 * * *", "0 7 * * FOO", "*/0 * * * *", "5-1 * * * *"]
)
def test_bad_cron_is_rejected(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ScheduleError):
        check_cron(bad)
    assert main(["schedule", "--cron", bad]) == 1
    assert "cron" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("cron", "calendar"),
    [
        ("0 7 * * MON", "Mon *-*-* 07:00:00"),
        ("*/15 * * * *", "*-*-* *:00/15:00"),
        ("30 6 1 * *", "*-*-01 06:30:00"),
        ("0 7,19 * * 1-5", "Mon..Fri *-*-* 07,19:00:00"),
        ("0 7 * JAN,JUL SUN", "Sun *-01,07-* 07:00:00"),
        ("0 7 */2 */3 *", "*-01/03-01/02 07:00:00"),
    ],
)
def test_on_calendar(cron: str, calendar: str) -> None:
    assert on_calendar(cron) == calendar
    analyze = shutil.which("systemd-analyze")
    if analyze:
        done = subprocess.run(
            [analyze, "calendar", calendar], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr


def test_systemd_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = ReportSchedule.create(tmp_path, Path("db.duckdb"), Path("corpus"), Path("reports"))
    service, timer = systemd_units(spec)
    assert f"WorkingDirectory={tmp_path}" in service
    assert f"StandardOutput=append:{tmp_path}/reports/pmkit-report.log" in service
    assert "ExecStart=" + sys.executable in service and " report --db " in service
    assert "OnCalendar=Mon *-*-* 07:00:00" in timer and "Persistent=true" in timer
    assert main(["schedule", "--systemd"]) == 0
    out = capsys.readouterr().out
    assert "pmkit-report.service" in out and "[Timer]" in out


def test_merge_crontab_replaces_only_the_pmkit_line() -> None:
    current = "MAILTO=ops\n0 1 * * * backup.sh\n0 7 * * MON old pmkit line # pmkit-report\n"
    merged = merge_crontab(current, "0 8 * * TUE new # pmkit-report")
    assert merged == "MAILTO=ops\n0 1 * * * backup.sh\n0 8 * * TUE new # pmkit-report\n"
    assert merge_crontab(merged, "0 8 * * TUE new # pmkit-report") == merged


def test_install_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stand-in ``crontab`` (stores the table in a file) behind the real subprocess calls."""
    store = tmp_path / "crontab.txt"
    fake = tmp_path / "bin" / "crontab"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        f'STORE="{store}"\n'
        'if [ "$1" = "-l" ]; then\n'
        '  [ -f "$STORE" ] || { echo "no crontab for $(id -un)" >&2; exit 1; }\n'
        '  cat "$STORE"; exit 0\n'
        "fi\n"
        'if [ "$1" = "-" ]; then cat > "$STORE"; exit 0; fi\n'
        "exit 2\n",
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.chdir(tmp_path)

    assert main(["schedule", "--install"]) == 0
    first = store.read_text(encoding="utf-8")
    assert first.count(MARKER) == 1
    store.write_text("0 1 * * * backup.sh\n" + first, encoding="utf-8")
    assert main(["schedule", "--install", "--cron", "0 9 * * FRI"]) == 0
    assert main(["schedule", "--install", "--cron", "0 9 * * FRI"]) == 0
    final = store.read_text(encoding="utf-8")
    assert final.count(MARKER) == 1 and "0 1 * * * backup.sh" in final
    assert final.splitlines()[-1].startswith("0 9 * * FRI ")
    assert "installed in your crontab" in capsys.readouterr().out
