"""The drafting form's side panel: the past postmortems most like the draft being typed (issue 18).

The same list as ``pmkit similar FILE`` gives for the file Save would write: the draft's title,
summary, root cause, factors, services and start are compared with every incident of the
database by ``pmkit.similar.draft.SimilarIndex``, which is opened once per form (on the first
query: a form that is never typed in never reads the corpus). A query runs a short while after
the last change of one of those fields (``DELAY_S``), not on every keystroke; outside a running
event loop (plain Python, tests) it runs at once.

Never breaks the form: no database, an unreadable one or a failing query each become a sentence
in the panel. Everything a postmortem wrote is escaped. Knows nothing of the form's other
widgets: the form calls :meth:`SimilarPanel.update` with the draft it has just read.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from pmkit.config import Config
from pmkit.draft.model import Draft
from pmkit.model import ContributingFactor, Postmortem

DELAY_S = 0.6
"""Quiet time after the last change before the list is computed again."""
K = 5

Cancel = Callable[[], None]
Scheduler = Callable[[float, Callable[[], None]], Cancel | None]
"""``schedule(seconds, callback)`` -> a function that cancels it (None: cannot schedule)."""

_CSS = """<style>
.pmkit-draft-form .pm-aside > .f-side-panel:has(.f-similar) { position: sticky; bottom: 0;
  flex: 0 0 auto; z-index: 1; background: #fff; border-top: 2px solid #ccc; max-height: 45vh;
  overflow: auto !important; padding-bottom: 6px; }
.pmkit-draft-form .f-similar ol { padding-left: 22px; margin: 4px 0; }
.pmkit-draft-form .f-similar li { margin: 0 0 8px 0; line-height: 1.35; font-size: 13px; }
.pmkit-draft-form .f-similar .pm-similar-head { color: #333; }
.pmkit-draft-form .f-similar .pm-similar-score { font-weight: 600; }
.pmkit-draft-form .f-similar .pm-similar-title { font-weight: 600; }
.pmkit-draft-form .f-similar .pm-similar-why,
.pmkit-draft-form .f-similar .pm-similar-file { color: #555; font-size: 12px; }
.pmkit-draft-form .f-similar .pm-similar-note { color: #555; font-size: 12px; margin: 2px 0; }
</style>"""


def loop_scheduler(delay: float, callback: Callable[[], None]) -> Cancel | None:
    """``callback`` after ``delay`` seconds on the running event loop (the kernel's, where
    widget changes arrive); None outside one."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    handle = loop.call_later(delay, callback)
    return handle.cancel


def postmortem_of(draft: Draft) -> Postmortem:
    """What ingest would read from the draft's file, for the fields the similarity compares."""
    start = draft.started_at
    return Postmortem(
        incident_id="draft",
        title=draft.title.strip() or None,
        executive_summary=draft.summary.strip() or None,
        root_cause=draft.root_cause.strip() or None,
        services=[s for s in draft.services if s.strip()],
        started_at=start,
        incident_date=start.date() if start else None,
        factors=[
            ContributingFactor(seq=n, text=f.text.strip())
            for n, f in enumerate(draft.factors, start=1)
            if f.text.strip()
        ],
    )


def _key(draft: Draft, root: str, path: str) -> tuple[Any, ...]:
    """Everything a query depends on: the list is computed again only when this changes."""
    return (
        draft.title.strip(),
        draft.summary.strip(),
        draft.root_cause.strip(),
        tuple(f.text.strip() for f in draft.factors if f.text.strip()),
        tuple(s for s in draft.services if s.strip()),
        draft.started_at,
        root,
        path,
    )


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _why(found: Any) -> str:
    """A ``SimilarIncident``'s reasons in words: what the two share, then the text fields
    that read alike (cosine, strongest first; below 0.1 left out)."""
    parts = []
    if found.shared_services:
        parts.append("same service " + ", ".join(found.shared_services))
    if found.same_trigger:
        parts.append(f"same trigger category {found.same_trigger}")
    if found.shared_factor_categories:
        parts.append("same factor category " + ", ".join(found.shared_factor_categories))
    texts = sorted(found.field_scores.items(), key=lambda kv: -kv[1])
    alike = [f"{name.replace('_', ' ')} {value:.2f}" for name, value in texts if value >= 0.1]
    if alike:
        parts.append("words alike in " + ", ".join(alike))
    return "; ".join(parts) or "words alike, faintly"


class SimilarPanel:
    """The panel: ``widget`` goes in the form's side-panel slot."""

    def __init__(
        self,
        db_path: Path | None,
        config: Config | None = None,
        *,
        k: int = K,
        delay: float = DELAY_S,
        schedule: Scheduler = loop_scheduler,
        opener: Callable[[Path, Config | None], Any] | None = None,
    ) -> None:
        self.db_path = Path(db_path) if db_path else None
        self.config = config
        self.k = k
        self.delay = delay
        self.schedule = schedule
        self.opener = opener or _open_index
        self.index: Any = None
        """The ``SimilarIndex``, once opened."""
        self.opened = 0
        """How many times an index was opened (once per form)."""
        self.failed: str | None = None
        """Why the database could not be read; then no query is tried again."""
        self.queries = 0
        self.found: list[Any] = []
        """The last list shown (``SimilarIncident``s, best first)."""
        self._pending: tuple[Draft, str, str] | None = None
        self._cancel: Cancel | None = None
        self._last: tuple[Any, ...] | None = None
        self.body = w.HTML(value="", layout=w.Layout(width="100%"))
        self.body.add_class("f-similar-body")
        heading = w.HTML(value="<h3 style='margin:14px 0 4px'>Similar past incidents</h3>")
        self.widget = w.VBox(
            [w.HTML(value=_CSS), heading, self.body], layout=w.Layout(width="100%")
        )
        self.widget.add_class("f-similar")
        self.body.value = self._hint()

    # -- reacting ---------------------------------------------------------------------------

    def update(self, draft: Draft, root: Path | str, path: Path | str) -> None:
        """The form's draft changed: ``root``/``path`` is the file Save would write (or the
        file loaded), whose own incident is never listed. Debounced; never raises."""
        try:
            root_text, path_text = str(Path(root).resolve()), Path(path).as_posix()
            key = _key(draft, root_text, path_text)
            if key == self._last:
                return
            self._last = key
            self._pending = (draft, root_text, path_text)
            if self._cancel is not None:
                self._cancel()
                self._cancel = None
            if not any(key[:4]) or self.failed or not self._has_database():
                self.flush()  # nothing to compare, or nothing to compare with: say so now
                return
            self._cancel = self.schedule(self.delay, self.flush)
            if self._cancel is None:  # no event loop: at once
                self.flush()
        except Exception as exc:  # noqa: BLE001 - the panel never breaks the form
            self.body.value = self._note(f"Similar past incidents are unavailable: {exc}")

    def flush(self) -> None:
        """Compute the list for the latest draft now (the end of the quiet time)."""
        self._cancel = None
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            self.body.value = self._render(*pending)
        except Exception as exc:  # noqa: BLE001 - the panel never breaks the form
            self.body.value = self._note(f"Similar past incidents are unavailable: {exc}")

    # -- computing --------------------------------------------------------------------------

    def _has_database(self) -> bool:
        return self.index is not None or (self.db_path is not None and self.db_path.is_file())

    def _open(self) -> Any:
        if self.index is None and self.failed is None and self.db_path is not None:
            try:
                self.opened += 1
                self.index = self.opener(self.db_path, self.config)
            except Exception as exc:  # noqa: BLE001 - not a database, another schema...
                self.failed = str(exc)
        return self.index

    def _render(self, draft: Draft, root: str, path: str) -> str:
        if not any(_key(draft, root, path)[:4]):
            return self._hint()
        if not self._has_database():
            where = f" at <code>{_esc(self.db_path)}</code>" if self.db_path else ""
            return self._note(
                f"No database{where} yet: run <code>pmkit ingest</code> on the corpus to "
                "compare this draft with past postmortems.",
                escaped=True,
            )
        index = self._open()
        if index is None:
            return self._note(f"Cannot read the database {self.db_path}: {self.failed}")
        self.queries += 1
        found = self.found = index.query(postmortem_of(draft), self.k, path, root=root)
        start = draft.started_at
        compared = sum(1 for f in index.features if start is None or f.when < start)
        return self._list(found, draft, compared)

    # -- HTML -------------------------------------------------------------------------------

    def _note(self, text: str, escaped: bool = False) -> str:
        return f"<p class='pm-similar-note'>{text if escaped else _esc(text)}</p>"

    def _hint(self) -> str:
        return self._note(
            "Type a title, summary, root cause or factor: the past postmortems most like this "
            "draft are listed here."
        )

    def _list(self, found: Sequence[Any], draft: Draft, n: int) -> str:
        start = draft.started_at
        among = (
            f"the {n:,} past incidents before {start:%Y-%m-%d %H:%M}"
            if start
            else f"all {n:,} past incidents (no start time yet)"
        )
        if n == 0:
            return self._note(
                f"No incident of the database started before {start:%Y-%m-%d %H:%M}: nothing "
                "to compare with."
                if start
                else "The database holds no dated incident to compare with."
            )
        if not found:
            from pmkit.similar.draft import MIN_SCORE

            return self._note(
                f"None of {among} scores {MIN_SCORE:.2f} or more against this draft "
                "(score: 0 to 1, text, services, trigger and factor categories)."
            )
        items = []
        for s in found:
            day = s.day.isoformat() if s.day else "no date"
            severity = s.severity_label or "severity not written"
            why = _why(s)
            items.append(
                "<li class='pm-similar-item'>"
                f"<div class='pm-similar-head'>score <span class='pm-similar-score'>{s.score:.2f}"
                "</span>"
                f" &middot; {_esc(day)} &middot; {_esc(severity)}</div>"
                f"<div class='pm-similar-title'>{_esc(s.title or s.incident_id)}</div>"
                f"<div class='pm-similar-why'>why: {_esc(why)}</div>"
                f"<div class='pm-similar-file' title='{_esc(Path(s.root) / s.path)}'>"
                f"file: <code>{_esc(s.path)}</code></div></li>"
            )
        return (
            f"<p class='pm-similar-note'>Most like this draft among {_esc(among)}; score 0 to "
            "1.</p>"
            f"<ol class='pm-similar-list'>{''.join(items)}</ol>"
        )


_SHARED: list[tuple[tuple[Any, ...], Config | None, Any]] = []
"""The last index opened, with the database file version and settings it was read with: forms
on the same database share it (a notebook cell run again makes a new form, and each index holds
~35 MB of document frequencies)."""


def _open_index(db_path: Path, config: Config | None) -> Any:
    from pmkit.similar.draft import SimilarIndex  # scipy.sparse loads only when asked

    st = db_path.stat()
    version = (str(db_path.resolve()), st.st_mtime_ns, st.st_size)
    for known, settings, index in _SHARED:
        if known == version and settings == config:
            return index
    index = SimilarIndex.open(db_path, config)
    _SHARED[:] = [(version, config, index)]
    return index
