"""Query results shared by the report kernels of one run, so a question two pages ask is
answered once: the summary asks again every headline question of the four reports it sums up
(~0.7 s of queries on a 10k database).

``pmkit report`` gives its kernels a private folder of the run (``PMKIT_SHARED_RESULTS``);
:func:`shared_results` keeps there the results of every query a report asks
(``metrics.remember_results``), one pickled DataFrame a file named by the hash of the query and
its parameters, under a folder per database file (its path, inode, size and modification time:
a file an ingest replaced is another database). A result is written whole to a temporary file
and renamed, so a kernel reads a result complete or not at all. Without the variable
(JupyterLab, papermill alone) each report keeps its own results, as before.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the report runner imports this module for SHARED_ENV: not pandas (~0.25 s)
    import pandas as pd

SHARED_ENV = "PMKIT_SHARED_RESULTS"
"""The run's folder of shared results, set by the report runner in its kernels' environment."""
THREADS_ENV = "PMKIT_REPORT_THREADS"
"""How many threads a report kernel's DuckDB may use, set by the report runner: its share of
the cores (the run's kernels query at the same time). Unset: DuckDB's default, every core."""


def database_identity(path: Path) -> str:
    """What tells this database file from another one at the same path."""
    st = path.stat()
    return f"{path.resolve()}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}"


class SharedResults(MutableMapping[str, "pd.DataFrame"]):
    """Query results in ``folder``, read by every kernel of the run (kept here once read)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._here: dict[str, pd.DataFrame] = {}

    def _file(self, key: str) -> Path:
        return self._folder / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()}.pkl"

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._here or self._file(key).is_file())

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key not in self._here:
            try:
                with self._file(key).open("rb") as fh:
                    # written by a kernel of this run, in its private folder
                    self._here[key] = pickle.load(fh)  # noqa: S301
            except FileNotFoundError:
                raise KeyError(key) from None
        return self._here[key]

    def __setitem__(self, key: str, frame: pd.DataFrame) -> None:
        self._here[key] = frame
        target = self._file(key)
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        with partial.open("wb") as fh:
            pickle.dump(frame, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, target)

    def __delitem__(self, key: str) -> None:
        self._here.pop(key, None)
        self._file(key).unlink(missing_ok=True)

    def __iter__(self) -> Iterator[str]:
        return iter(self._here)  # the keys are hashed on disk: only those read or written here

    def __len__(self) -> int:
        return len(self._here)


def shared_results(identity: str) -> SharedResults | None:
    """The run's shared results for the database ``identity`` (:func:`database_identity`), or
    None outside a report run."""
    root = os.environ.get(SHARED_ENV)
    if not root or not Path(root).is_dir():
        return None
    folder = Path(root) / hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    folder.mkdir(exist_ok=True)
    return SharedResults(folder)
