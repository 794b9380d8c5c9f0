"""A full refresh's hashing started while the ingest still writes and classifies.

Why: after the parse, the ingest's parent writes its last rows, classifies the factors and
triggers and reads the incidents back, all on one core, before the refresh hashes every text
(~1.2 s of CPU at 10k incidents, in two forked processes). The texts are known as soon as the
last file is parsed, so their hashing starts then, on the core the parent leaves idle, and the
refresh takes the rows (``text.Hashed``) instead of waiting for them in line.

Exact by construction: rows are keyed by the text itself, what ``text.counts`` gives it; a text
the refresh reads that was not hashed here (a changed classification cannot change a text, but
an incident of an unchanged file can) is hashed by the refresh as before. Memory: the texts are
collected only while the incidents stay under ``[recurrence] max_incidents`` (above it the
refresh is skipped), so a 100k ingest holds none of them.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import scipy.sparse as sp

from pmkit.model import ParsedDocument
from pmkit.similar import text
from pmkit.similar.features import texts_of


class Prehash:
    """The texts of the parsed incidents (``add``), hashed in forked processes (``start``)."""

    def __init__(
        self,
        limit: int,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        self.limit = limit
        """Collect texts while at most this many incidents were added (then the refresh is
        skipped for size: nothing to hash)."""
        self.incidents = 0
        self._texts: dict[str, None] | None = {}
        self._pool: ProcessPoolExecutor | None = None
        self._parts: list[list[str]] = []
        self._futures: list[Future[sp.csr_matrix]] = []
        self._start = (initializer, initargs)
        """How each process starts (the ingest's: die with it, let go of its lock)."""

    def add(self, doc: ParsedDocument) -> None:
        """Collect the texts of ``doc``'s incidents as the similarity reads them back."""
        if self._texts is None:
            return
        self.incidents += len(doc.incidents)
        if self.incidents > self.limit:
            self._texts = None
            return
        for pm in doc.incidents:
            for t in texts_of(pm).values():
                if t:
                    self._texts[t] = None

    def start(self, workers: int) -> None:
        """Share the texts out between ``workers`` forked processes (none for a few texts: the
        refresh hashes them faster than processes start)."""
        texts, self._texts = list(self._texts or ()), None
        if workers <= 1 or len(texts) < text.PARALLEL_MIN_TEXTS:
            return
        self._parts = [texts[i::workers] for i in range(workers)]
        context = multiprocessing.get_context("fork")
        initializer, initargs = self._start
        self._pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=initializer, initargs=initargs
        )
        self._futures = [
            self._pool.submit(text.distinct_counts, ("", part)) for part in self._parts
        ]

    def result(self) -> text.Hashed | None:
        """The rows hashed (waiting for them), once; None when nothing was started."""
        if self._pool is None:
            return None
        try:
            matrices = [f.result() for f in self._futures]
        finally:
            self.close()
        order = [t for part in self._parts for t in part]
        self._parts = []
        at = {t: n for n, t in enumerate(order)}
        return text.Hashed(at, sp.vstack(matrices, format="csr", dtype="float32"))

    def close(self) -> None:
        """Stop the processes (an ingest that did not refresh, or failed, leaves none)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._futures = []
