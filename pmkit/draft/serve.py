"""Serve the drafting form as a web app: Voila on 127.0.0.1, running ``notebooks/draft.ipynb``.

The corpus, database and template reach the notebook's kernel through ``PMKIT_DRAFT_*``
environment variables (read by ``DraftForm.from_config``), so the notebook itself stays two lines.
Each page load starts a kernel; idle ones are culled so a long-running server does not pile them up.
The page is served with pmkit's own Voila template (``pmkit/draft/voila``): Voila's lab template
without the stylesheets it would fetch from a CDN, so the form works with no network at all.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from pmkit.config import find_config_file
from pmkit.draft.form import ENV_CONFIG, ENV_CORPUS, ENV_DB, ENV_TEMPLATE

VOILA_TEMPLATE = "pmkit-draft"
VOILA_ROOT = Path(__file__).resolve().parent / "voila"
"""A Jupyter data folder holding ``voila/templates/pmkit-draft``: Voila's lab template without
the stylesheets it loads from a CDN (put first on ``JUPYTER_PATH``)."""
NOTEBOOK_SOURCE = "from pmkit.draft.form import DraftForm\nDraftForm.from_config().show()"
CULL_IDLE_SECONDS = 3600
CULL_INTERVAL_SECONDS = 300


@dataclass
class ServeSpec:
    """Everything needed to start the server: the command, its environment and the URL."""

    argv: list[str]
    env: dict[str, str]
    url: str
    notebook: Path


def notebook_path() -> Path:
    """The project's ``notebooks/draft.ipynb``; when pmkit is installed without the repository,
    an identical notebook written to a temporary folder."""
    repo_copy = Path(__file__).resolve().parents[2] / "notebooks" / "draft.ipynb"
    if repo_copy.is_file():
        return repo_copy
    folder = Path(tempfile.mkdtemp(prefix="pmkit-draft-"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(NOTEBOOK_SOURCE)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    target = folder / "draft.ipynb"
    nbformat.write(nb, target)
    return target


def serve_spec(
    corpus: Path,
    port: int,
    db_path: Path | None = None,
    template: str | None = None,
    config_path: Path | None = None,
) -> ServeSpec:
    """The Voila command line and environment for ``pmkit draft`` (nothing is started)."""
    notebook = notebook_path()
    env = dict(os.environ)
    env[ENV_CORPUS] = str(Path(corpus).resolve())
    if db_path is not None:
        env[ENV_DB] = str(Path(db_path).resolve())
    if template:
        env[ENV_TEMPLATE] = template
    if config_path is None:
        config_path = find_config_file()
    if config_path is not None:
        env[ENV_CONFIG] = str(Path(config_path).resolve())
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(VOILA_ROOT), env.get("JUPYTER_PATH", "")) if p
    )
    argv = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--template={VOILA_TEMPLATE}",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
    ]
    return ServeSpec(argv=argv, env=env, url=f"http://127.0.0.1:{port}/", notebook=notebook)


class PortInUseError(OSError):
    """The port asked for is taken: Voila would otherwise move to another one silently."""


def check_port(port: int) -> None:
    """Raise ``PortInUseError`` when 127.0.0.1:``port`` cannot be bound."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise PortInUseError(
                f"port {port} on 127.0.0.1 is in use: pick another with --port"
            ) from exc


def serve(spec: ServeSpec) -> int:
    """Run Voila in the foreground until it stops (Ctrl-C); returns its exit code."""
    proc = subprocess.Popen(spec.argv, env=spec.env)  # noqa: S603 - our own argv, no shell

    def forward(signum: int, _frame: object) -> None:
        proc.send_signal(signum)  # Voila shuts its kernels down on SIGTERM

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            return proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
