"""The run's charts drawn in a process of their own (``python -m pmkit.reports.drawer``).

vl-convert holds the GIL while Vega draws (measured: a Python thread beside it ran at ~13% of
its speed), and altair's building is Python too: drawn in the runner, the 19 charts of a 10k run
(~2 s) stalled the threads that talk to the kernels. In a process of its own the drawing runs
beside them. It draws exactly as the runner did (``pmkit.present.figures.draw``, the same
builders, one vl-convert started once); a chart that fails comes back as its error's type and
message, and fails its report the same way.

Protocol: one JSON object a line on stdin, the payload of one chart (``figures.FIGURE_MIME``);
one line back on stdout, ``{"html": ...}`` or ``{"error": [type, message]}``. The first line out,
``{"ready": true}``, says altair and vl-convert are loaded and started.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import IO, Any

from pmkit.fastimport import skip_slow_optional_imports


class ChartFailed(Exception):
    """A chart the drawing process could not draw: ``ename`` is its error's type."""

    def __init__(self, ename: str, message: str) -> None:
        super().__init__(message)
        self.ename = ename


class Drawer:
    """The drawing process of one run; :meth:`draw` is ``figures.draw`` done there."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(  # noqa: S603  (this interpreter, our module)
            [sys.executable, "-m", "pmkit.reports.drawer"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._lock = threading.Lock()
        self._ready = False

    def _answer(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the chart drawing process ended (exit {self._process.poll()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def draw(self, payload: Mapping[str, Any]) -> str:
        """The figure HTML of a handed-over chart; raises :class:`ChartFailed`. If the drawing
        process is gone (it could not start altair or vl-convert, or was killed), the chart is
        drawn here, where whatever stopped it fails this chart with its own error."""
        try:
            answer = self._ask(payload)
        except (OSError, RuntimeError, ValueError):
            from pmkit.present.figures import draw

            return str(draw(payload))
        if "error" in answer:
            ename, message = answer["error"]
            raise ChartFailed(str(ename), str(message))
        return str(answer["html"])

    def _ask(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        with self._lock:
            assert self._process.stdin is not None
            if not self._ready:
                self._answer()
                self._ready = True
            self._process.stdin.write(json.dumps(payload).encode() + b"\n")
            self._process.stdin.flush()
            return self._answer()

    def close(self) -> None:
        if self._process.stdin is not None:
            try:
                self._process.stdin.close()
            except OSError:
                pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


def serve(lines: IO[bytes], out: IO[bytes]) -> None:
    """Draw each payload read from ``lines``, its HTML (or error) a line on ``out``."""
    skip_slow_optional_imports()
    # no JupyterChart widget here: altair without anywidget and ipywidgets (~0.1 s)
    sys.modules.setdefault("anywidget", None)  # type: ignore[arg-type]
    from pmkit.present import figures
    from pmkit.present.charts.render import skip_validation

    skip_validation()
    figures.warm_up()
    out.write(b'{"ready": true}\n')
    out.flush()
    for line in lines:
        try:
            answer: dict[str, Any] = {"html": str(figures.draw(json.loads(line)))}
        except Exception as exc:  # the chart's own failure: the runner names its report and cell
            answer = {"error": [type(exc).__name__, str(exc)]}
        out.write(json.dumps(answer).encode() + b"\n")
        out.flush()


def main() -> None:
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print goes to stderr, not into the answers
    sys.stdout = sys.stderr
    serve(sys.stdin.buffer, out)


if __name__ == "__main__":
    main()
