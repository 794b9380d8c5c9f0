"""Which modules a piece of code imports, seen from a fresh interpreter: for the tests that keep a
heavy import (scipy.stats, pandas) off a path where it costs start-up time."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable


def loaded_by(code: str, modules: Iterable[str]) -> set[str]:
    """Those of ``modules`` in ``sys.modules`` after a new Python has run ``code``."""
    probe = (
        f"{code}\nimport sys\nprint('\\n'.join(m for m in {sorted(modules)!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())
