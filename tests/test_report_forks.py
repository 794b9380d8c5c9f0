"""Report kernels forked from a warm parent (``pmkit.reports.forks``, ``pmkit.reports.warm``):
real ipykernel kernels, papermill driving them, each with the modules its notebook imports
already loaded, in its own session, folder and environment; none left running after a run."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import nbformat
import pytest
from notebook_support import write_notebook

from pmkit.present.shared import SHARED_ENV
from pmkit.reports import ReportError, ReportRequest, run_reports
from pmkit.reports.forks import FORK_ENV, notebook_imports

TODAY = date(2026, 11, 22)
pytestmark = pytest.mark.skipif(
    not hasattr(os, "pidfd_open"), reason="kernels are forked only where pidfd_open exists"
)

PROBE = (
    "import json, os, sys\n"
    "json.dump({'pid': os.getpid(), 'ppid': os.getppid(), 'sid': os.getsid(0),\n"
    "           'cwd': os.getcwd(), 'figures': os.environ.get('PMKIT_FIGURES'),\n"
    "           'wave_loaded': 'wave' in sys.modules, 'path': sys.path, 'argv': sys.argv[1:],\n"
    "           'env': dict(os.environ),\n"
    "           'ipykernel': type(get_ipython()).__module__},\n"
    "          open('{name}.json', 'w'))"
)


def _run(tmp_path: Path, jobs: int = 1) -> Path:
    db = tmp_path / "pmkit.duckdb"
    db.write_bytes(b"")
    request = ReportRequest.build(
        db,
        "2026-11-16",
        30,
        out_dir=tmp_path / "reports",
        notebook_dir=tmp_path / "nbs",
        jobs=jobs,
        today=TODAY,
    )
    return run_reports(request).run_dir


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_notebook_imports_reads_the_top_level_imports_of_code_cells(tmp_path: Path) -> None:
    write_notebook(
        tmp_path,
        "a",
        "import wave, json as j\nfrom pmkit.present import page as p, charts\nfrom . import x",
        "def f():\n    import not_at_top_level",
        "this is not python",
    )
    nb = nbformat.read(tmp_path / "a.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("import markdown_is_not_code"))
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert notebook_imports([tmp_path / "a.ipynb", tmp_path / "missing.ipynb"]) == [
        "wave",
        "json",
        "pmkit.present",
        "pmkit.present.page",
        "pmkit.present.charts",
    ]


def test_kernels_are_forked_with_the_notebooks_imports_loaded(tmp_path: Path) -> None:
    """The probe runs before the notebook's own ``import wave``: it is loaded already (the warm
    parent imported it), and the kernel is a child of that parent, not of this process."""
    nbs = tmp_path / "nbs"
    write_notebook(nbs, "first", PROBE.replace("{name}", "first"), "import wave")
    write_notebook(nbs, "second", PROBE.replace("{name}", "second"))
    run_dir = _run(tmp_path, jobs=2)
    seen = {n: json.loads((run_dir / f"{n}.json").read_text()) for n in ("first", "second")}
    for probe in seen.values():
        assert probe["wave_loaded"] is True
        assert probe["ppid"] != os.getpid()  # forked by the warm parent
        assert probe["sid"] == probe["pid"]  # its own session, as jupyter_client starts one
        cwd = Path(probe["cwd"])  # the run folder, before it is published
        assert cwd.parent == tmp_path / "reports" and cwd.name.startswith(".2026-11-16.tmp-")
        assert probe["figures"] == "runner"
        assert probe["ipykernel"].startswith("ipykernel")
        assert _gone(probe["pid"]) and _gone(probe["ppid"])
    assert seen["first"]["ppid"] == seen["second"]["ppid"]  # one warm parent a run


def test_a_forked_kernel_is_set_up_as_a_fresh_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same ``sys.path``, arguments and environment (but for the connection file's name and
    the run folder) as a kernel started afresh, which ``PMKIT_REPORT_FORK=0`` asks for."""
    probes = {}
    for fork in ("1", "0"):
        monkeypatch.setenv(FORK_ENV, fork)
        write_notebook(
            tmp_path / fork / "nbs", "first", PROBE.replace("{name}", "first"), "import wave"
        )
        run_dir = _run(tmp_path / fork)
        probes[fork] = json.loads((run_dir / "first.json").read_text())
        assert _gone(probes[fork]["pid"])
    forked, fresh = probes["1"], probes["0"]
    assert (forked["wave_loaded"], fresh["wave_loaded"]) == (True, False)
    assert fresh["ppid"] == os.getpid() != forked["ppid"]
    assert forked["path"] == fresh["path"]
    assert [a for a in forked["argv"] if not a.endswith(".json")] == [
        a for a in fresh["argv"] if not a.endswith(".json")
    ]
    # the parent a kernel watches (and exits with) is the process that started it
    assert int(forked["env"]["JPY_PARENT_PID"]) == forked["ppid"]
    assert int(fresh["env"]["JPY_PARENT_PID"]) == fresh["ppid"]
    assert forked["env"][SHARED_ENV] != fresh["env"][SHARED_ENV]  # each run its own folder
    ours = (FORK_ENV, "JPY_PARENT_PID", SHARED_ENV)
    same_env = {k: v for k, v in forked["env"].items() if k not in ours}
    assert same_env == {k: v for k, v in fresh["env"].items() if k not in ours}


def test_a_forked_kernel_that_dies_fails_its_report(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nbs", "dies", "import os\nos._exit(3)")
    with pytest.raises(ReportError, match="dies"):
        _run(tmp_path)
    assert not (tmp_path / "reports" / "2026-11-16").exists()


def test_kernels_left_running_are_stopped_with_their_parent(tmp_path: Path) -> None:
    """A runner that ends without stopping a kernel (it died): closing its end of the socket
    ends the warm parent, which stops that kernel rather than leave it running."""
    from jupyter_core.utils import run_sync

    from pmkit.reports.forks import WarmParent
    from pmkit.reports.kernel import ReportKernelManager

    warm = WarmParent(tmp_path, [])
    km = ReportKernelManager.in_folder(tmp_path, warm)(kernel_name="python3")
    run_sync(km.start_kernel)()
    pid = km.provisioner.pid
    assert pid is not None and not _gone(pid) and os.getpgid(pid) == pid
    warm.close()
    assert _gone(pid) and _gone(warm.pid)
    run_sync(km.cleanup_resources)()


def _ended(pid: int) -> bool:
    """Gone, or a zombie its new parent has not reaped yet: either way it runs no more."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return _gone(pid)
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_a_kernel_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    """``kill -9`` of a run's process group (the runner and the warm parent) misses its kernels,
    each in a session of its own: a kernel sees its parent gone and exits (ipykernel's parent
    poller) instead of running on with nobody to stop it."""
    import signal
    import time

    from jupyter_core.utils import run_sync

    from pmkit.reports.forks import WarmParent
    from pmkit.reports.kernel import ReportKernelManager

    warm = WarmParent(tmp_path, [])
    km = ReportKernelManager.in_folder(tmp_path, warm)(kernel_name="python3")
    run_sync(km.start_kernel)()
    pid = km.provisioner.pid
    assert pid is not None and not _ended(pid)
    os.kill(warm.pid, signal.SIGKILL)
    warm._process.wait()
    try:
        deadline = time.monotonic() + 60  # the poller looks once a second
        while not _ended(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _ended(pid), "the kernel outlived its killed parent"
    finally:
        if not _ended(pid):
            os.killpg(pid, signal.SIGKILL)
        run_sync(km.cleanup_resources)()
