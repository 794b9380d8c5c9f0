"""The drafting form: ipywidgets over ``render`` and ``validate``, in JupyterLab or served by Voila.

Every widget carries a stable CSS class (``f-title``, ``f-event-time``...) for browser tests and
styling. On every change the form rebuilds a ``Draft``, validates it and refreshes the preview;
a field's messages show once it was touched (or after a first Save), so an empty form does not
open covered in red. Layout: the form and, beside it on a wide screen (below it on a narrow one),
the preview of the Markdown that Save writes, with room under it for a side panel. Widgets sit in
the page in the order they are read, so Tab follows the page.

Split by job: ``inputs`` reads the boxes' values into a ``Draft`` (pure), ``widgets`` builds the
rows and the HTML, ``layout`` places every widget; this module holds the state and reacts.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ipywidgets as w

from pmkit.config import CONFIG_ENV, Config, load_config
from pmkit.draft.inputs import TIME_FIELDS, DraftRead, read_draft
from pmkit.draft.layout import FormLayout
from pmkit.draft.model import DOC_STATUSES, Draft, DraftAction, DraftEvent, DraftFactor
from pmkit.draft.render import TEMPLATES, TIME_FORMAT, render
from pmkit.draft.save import (
    SaveError,
    detect_layout,
    free_target,
    relative_target,
    save_draft,
)
from pmkit.draft.similar_panel import SimilarPanel
from pmkit.draft.validate import Message, has_errors, validate
from pmkit.draft.widgets import (
    ActionRow,
    EventRow,
    FactorRow,
    Row,
    action_row,
    event_row,
    factor_row,
    fmt_time,
    messages_html,
    preview_html,
)

ENV_CORPUS = "PMKIT_DRAFT_CORPUS"
ENV_DB = "PMKIT_DRAFT_DB"
ENV_TEMPLATE = "PMKIT_DRAFT_TEMPLATE"
ENV_CONFIG = CONFIG_ENV


@dataclass
class SaveResult:
    """What Save did: the file written (relative to the corpus) and the ingest outcome."""

    path: Path
    relative: Path
    ingested: bool
    detail: str = ""
    """The ingest summary, or why the ingest failed (the file is saved either way)."""


class DraftForm(FormLayout):
    """The form. ``DraftForm.from_config().show()`` in a notebook; tests drive its widgets."""

    def __init__(
        self,
        corpus: Path,
        db_path: Path | None = None,
        config: Config | None = None,
        template: str = "canonical",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.corpus = Path(corpus)
        self.db_path = Path(db_path) if db_path else None
        self.config = config or load_config()
        self.clock = clock or (lambda: datetime.now(UTC).replace(tzinfo=None))
        self.layout = detect_layout(self.corpus)
        """Where new files go (``year/month``, ``year``, ``flat``), from the corpus as it is."""
        self.editing: Path | None = None
        """The file loaded into the form: Save updates it instead of writing a new one."""
        self.messages: dict[str, list[Message]] = {}
        self.last_saved: SaveResult | None = None
        self.touched: set[str] = set()
        self.show_all = False
        """After a first Save every message shows, touched or not."""
        self._quiet = False
        self.events: list[EventRow] = []
        self.factor_rows: list[FactorRow] = []
        self.action_rows: list[ActionRow] = []
        self.msgs: dict[str, w.HTML] = {}
        self.similar = SimilarPanel(self.db_path, self.config)  # issue 18, in the side panel
        self._build(template)
        self.refresh()

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_config(
        cls, corpus: Path | None = None, db_path: Path | None = None, template: str | None = None
    ) -> DraftForm:
        """Paths from the arguments, else ``PMKIT_DRAFT_*`` variables (set by ``pmkit draft``),
        else ``pmkit.toml`` (found as every entry point finds it: ``$PMKIT_CONFIG``, else the
        nearest one at or above the working folder) or the defaults, located as
        ``Config.locate`` finds them (JupyterLab runs the notebook in ``notebooks/``)."""
        config = load_config()
        corpus = corpus or Path(os.environ.get(ENV_CORPUS) or config.locate(config.corpus_dir))
        db_env = os.environ.get(ENV_DB)
        db_path = db_path or (Path(db_env) if db_env else config.locate(config.db_path))
        template = template or os.environ.get(ENV_TEMPLATE) or "canonical"
        return cls(corpus, db_path, config, template)

    # -- rows ---------------------------------------------------------------------------------

    def _watch_row(self, row: Any, widgets: list[w.ValueWidget]) -> None:
        def touched(_change: dict[str, Any]) -> None:
            if not self._quiet:
                row.touched = True
                self.refresh()

        for widget in widgets:
            widget.observe(touched, names="value")

    def add_event(self, event: DraftEvent | None = None) -> None:
        """Append a timeline row (empty, or filled from ``event``)."""
        row = event_row(event)
        row.remove.on_click(lambda _b: self._remove(self.events, row, "timeline"))
        self._watch_row(row, [row.time, row.text, row.actor])
        self.events.append(row)
        self._rows_changed()

    def add_factor(self, factor: DraftFactor | None = None) -> None:
        """Append a contributing-factor row."""
        row = factor_row(factor)
        row.remove.on_click(lambda _b: self._remove(self.factor_rows, row, "factors"))
        self._watch_row(row, [row.text])
        self.factor_rows.append(row)
        self._rows_changed()

    def add_action(self, action: DraftAction | None = None) -> None:
        """Append an action-item row: text, then owner, due date, status, tracking ref, term."""
        row = action_row(action)
        row.remove.on_click(lambda _b: self._remove(self.action_rows, row, "actions"))
        self._watch_row(row, [row.text, row.owner, row.due, row.status, row.tracking, row.kind])
        self.action_rows.append(row)
        self._rows_changed()

    def _remove(self, rows: list[Any], row: Any, key: str) -> None:
        if row in rows:
            rows.remove(row)
            self.touched.add(key)  # "at least one action" shows once the last one is removed
            self._rows_changed()

    def _rows_changed(self) -> None:
        self.timeline_box.children = [r.box for r in self.events]
        self.factors_box.children = [r.box for r in self.factor_rows]
        self.actions_box.children = [r.box for r in self.action_rows]
        self.refresh()

    # -- values -------------------------------------------------------------------------------

    def _read(self) -> DraftRead:
        return read_draft(
            {name: widget.value for name, widget in self.inputs.items()},
            [(r.time.value, r.text.value, r.actor.value) for r in self.events],
            [r.text.value for r in self.factor_rows],
            [
                (
                    r.text.value,
                    r.owner.value,
                    r.due.value,
                    r.status.value,
                    r.tracking.value,
                    r.kind.value,
                )
                for r in self.action_rows
            ],
        )

    def read(self) -> tuple[Draft, dict[str, list[Message]]]:
        """The draft the widgets describe, and the values that could not be read."""
        got = self._read()
        return got.draft, got.bad

    def draft(self) -> Draft:
        return self._read().draft

    def fill(self, draft: Draft, template: str | None = None) -> None:
        """Put ``draft`` into the widgets (replacing every row), then validate once; every
        message shows, as after a Save (a loaded file is not a blank form)."""
        self._quiet = True
        try:
            if template in TEMPLATES:
                self.template.value = template
            values = {
                "title": draft.title,
                "status": draft.status if draft.status in DOC_STATUSES else "Draft",
                "owner": draft.owner,
                "responders": ", ".join(draft.responders),
                "services": ", ".join(draft.services),
                "summary": draft.summary,
                "impact": draft.impact,
                "root_cause": draft.root_cause,
                "lessons": draft.lessons,
                "drafted_on": draft.drafted_on.isoformat() if draft.drafted_on else "",
                **{name: fmt_time(getattr(draft, name)) for name in TIME_FIELDS},
            }
            for name, value in values.items():
                self.inputs[name].value = value
            severity = self.inputs["severity"]
            if draft.severity and draft.severity not in [o[1] for o in severity.options]:
                severity.options = [*severity.options, (draft.severity, draft.severity)]
            severity.value = draft.severity
            self.events, self.factor_rows, self.action_rows = [], [], []
            for ev in draft.timeline:
                self.add_event(ev)
            for factor in draft.factors:
                self.add_factor(factor)
            for action in draft.actions:
                self.add_action(action)
        finally:
            self._quiet = False
        self.show_all = True
        self._rows_changed()

    # -- reacting -----------------------------------------------------------------------------

    def _touch(self, key: str) -> None:
        if not self._quiet:
            self.touched.add(key)
            self.refresh()

    def _changed(self, _change: dict[str, Any] | None = None) -> None:
        if not self._quiet:
            self.refresh()

    def _shown(self, key: str, touched: bool = False) -> bool:
        return self.show_all or touched or key in self.touched

    def refresh(self) -> None:
        """Validate, show the messages of touched fields, update the preview and the target."""
        if self._quiet:
            return
        got = self._read()
        draft = got.draft
        messages = validate(draft, self.config, now=self.clock())
        for key, input_errors in got.bad.items():
            messages[key] = input_errors + [
                m for m in messages.get(key, []) if "required" not in m.text
            ]
        self.messages = messages
        for name, box in self.msgs.items():
            box.value = messages_html(messages.get(name, [])) if self._shown(name) else ""
        groups: tuple[tuple[str, Sequence[Row]], ...] = (
            ("timeline", self.events),
            ("factors", self.factor_rows),
            ("actions", self.action_rows),
        )
        for prefix, rows in groups:
            for i, row in enumerate(rows):
                key = f"{prefix}[{i}]"
                shown = self._shown(key, row.touched)
                text = messages_html(messages.get(key, [])) if shown else ""
                if prefix == "timeline" and i in got.dated:
                    when = got.dated[i].strftime(TIME_FORMAT)
                    text += f"<div class='f-event-dated' style='color:#555'>&rarr; {when}</div>"
                row.msg.value = text
        label = draft.severity
        definition = self.config.severity_definitions.get(label, "")
        self.severity_def.value = (
            f"<div style='margin-left:144px;color:#555'><b>{html.escape(label)}</b>: "
            f"{html.escape(definition)}</div>"
            if definition
            else ""
        )
        self.preview.value = preview_html(render(draft, self.template.value, self.config))
        self.target.value = self._target_note(draft)
        self.similar.update(draft, self.corpus, self._target(draft)[0])

    def _target(self, draft: Draft) -> tuple[Path, Path]:
        """(the path Save would take, the one the title and date give) relative to the corpus."""
        if self.editing is not None:
            rel = self.editing.relative_to(self.corpus.resolve())
            return rel, rel
        wanted = relative_target(draft, self.clock().date(), self.layout)
        try:
            return free_target(self.corpus, wanted), wanted
        except SaveError:
            return wanted, wanted

    def _target_note(self, draft: Draft) -> str:
        rel, wanted = self._target(draft)
        where = html.escape(str(self.corpus / rel))
        if self.editing is not None:
            return f"Will update <code>{where}</code> (the file loaded)"
        note = ""
        if rel != wanted:
            note = f" (<code>{html.escape(wanted.name)}</code> is another postmortem)"
        return f"Will write <code>{where}</code>{note}"

    # -- actions ------------------------------------------------------------------------------

    def save(self) -> SaveResult | None:
        """Write the file (a new name beside another postmortem, never over it; the loaded
        file is updated) and ingest it. With errors left, show every message and write
        nothing."""
        self.show_all = True
        self.refresh()
        if has_errors(self.messages):
            count = sum(any(m.level == "error" for m in ms) for ms in self.messages.values())
            text = f"Not saved: {count} field{'s' if count > 1 else ''} to fix (marked in red)."
            self.save_status.value = messages_html([Message("error", text)])
            return None
        draft, _ = self.read()
        rel, _wanted = self._target(draft)
        try:
            target, rel = save_draft(
                self.corpus, rel, render(draft, self.template.value, self.config), self.editing
            )
        except (SaveError, OSError) as exc:
            self.save_status.value = messages_html([Message("error", str(exc))])
            return None
        result = SaveResult(path=target, relative=rel, ingested=False)
        if self.db_path is not None:
            try:
                result.detail = _ingest(self.db_path, self.corpus, self.config)
                result.ingested = True
            except Exception as exc:  # noqa: BLE001 - the file is saved; say why ingest failed
                result.detail = f"saved, but ingest failed: {exc}"
        self.last_saved = result
        self.editing = target  # a second Save updates this file, it does not make another
        done = "and ingested" if result.ingested else ""
        detail_color = "#555" if result.ingested or self.db_path is None else "#b00020"
        self.save_status.value = (
            f"<div class='saved' style='color:#1b5e20'>Saved {html.escape(str(rel))} {done}"
            f"</div><div style='color:{detail_color}'>{html.escape(result.detail)}</div>"
        )
        self.refresh()
        return result

    def new(self) -> None:
        """Start another postmortem on the same page: every field and row emptied (the template
        kept, "Date prepared" today), messages quiet again, and Save writes a new file; the file
        saved or loaded before is left as it is."""
        self.fill(Draft(drafted_on=self.clock().date()))
        self.editing = None
        self.last_saved = None
        self.touched.clear()
        self.show_all = False
        self.save_status.value = ""
        self.load_msg.value = ""
        self.load_path.value = ""
        self.refresh()

    def load(self, path: Path) -> bool:
        """Fill the form from an existing postmortem in the corpus (a path relative to it, or an
        absolute one inside it): a served form never reads files elsewhere on the machine.
        Save then updates that file."""
        from pmkit.draft.load import load_draft

        try:
            candidate = path if path.is_absolute() else self.corpus / path
            resolved = candidate.resolve()
            if not resolved.is_relative_to(self.corpus.resolve()):
                raise ValueError(f"{path} is outside the corpus {self.corpus}")
            draft, template = load_draft(resolved)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is a message, not a crash
            self.load_msg.value = messages_html([Message("error", f"Cannot load: {exc}")])
            return False
        self.editing = resolved
        self.fill(draft, template)
        self.load_msg.value = f"<span style='color:#1b5e20'>Loaded {html.escape(str(path))}</span>"
        return True

    def show(self) -> None:
        from IPython.display import display

        display(self.widget)


def _ingest(db_path: Path, corpus: Path, config: Config) -> str:
    """Ingest the corpus folder: incremental, so only the new file is parsed, and its stored path
    is relative to the corpus exactly as ``pmkit ingest <corpus>`` would store it."""
    from pmkit.store import ingest_paths

    return ingest_paths([corpus], db_path, config=config).render()
