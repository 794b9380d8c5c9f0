"""The drafting form: ipywidgets over ``render`` and ``validate``, in JupyterLab or served by Voila.

Every widget carries a stable CSS class (``f-title``, ``f-event-time``...) for browser tests and
styling. On every change the form rebuilds a ``Draft``, validates it, shows each message next to
its field, refreshes the Markdown preview and enables Save only when there is no error.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import ipywidgets as w
from markdown_it import MarkdownIt

from pmkit.config import Config, load_config
from pmkit.draft.model import (
    ACTION_KINDS,
    ACTION_STATUSES,
    DOC_STATUSES,
    Draft,
    DraftAction,
    DraftEvent,
    DraftFactor,
)
from pmkit.draft.render import STATUS_TEXT, TEMPLATES, TIME_FORMAT, render
from pmkit.draft.save import SaveError, relative_target, safe_target, write_text
from pmkit.draft.validate import Message, has_errors, validate

ENV_CORPUS = "PMKIT_DRAFT_CORPUS"
ENV_DB = "PMKIT_DRAFT_DB"
ENV_TEMPLATE = "PMKIT_DRAFT_TEMPLATE"
ENV_CONFIG = "PMKIT_CONFIG"

KIND_TEXT = {"short_term": "Short-term", "long_term": "Long-term"}
_LABEL = {"description_width": "150px"}
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


def project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with a ``pmkit.toml`` or ``pyproject.toml``, so
    the notebook opened from ``notebooks/`` in JupyterLab still finds ``data/corpus``."""
    for folder in (start, *start.parents):
        if (folder / "pmkit.toml").is_file() or (folder / "pyproject.toml").is_file():
            return folder
    return start


def parse_time(text: str) -> datetime | None:
    """``2026-03-04 14:05`` (UTC; ``T``, seconds, ``Z``/``UTC``/offsets accepted) -> naive UTC at
    minute precision. Empty -> None; anything else raises ``ValueError``."""
    text = text.strip()
    if not text:
        return None
    for suffix in (" UTC", "UTC", "Z"):
        if text.upper().endswith(suffix):
            text = text[: -len(suffix)].strip()
            break
    value = datetime.fromisoformat(text)
    if len(text) <= 10:
        raise ValueError("a time is needed, not only a date")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(second=0, microsecond=0)


def parse_day(text: str) -> date | None:
    text = text.strip()
    return date.fromisoformat(text) if text else None


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def preview_html(markdown: str) -> str:
    """The Markdown as HTML with raw HTML disabled: text from a postmortem is always escaped."""
    body = _MD.render(markdown)
    return f'<div class="pm-preview-body" style="{_PREVIEW_STYLE}">{body}</div>'


_PREVIEW_STYLE = (
    "max-height:640px;overflow:auto;border:1px solid #ccc;padding:4px 12px;background:#fcfcfc"
)


def messages_html(messages: list[Message]) -> str:
    parts = []
    for m in messages:
        color, mark = ("#b00020", "&#10006;") if m.level == "error" else ("#8a6d00", "&#9888;")
        text = html.escape(m.text)
        parts.append(f'<div class="msg-{m.level}" style="color:{color}">{mark} {text}</div>')
    return "".join(parts)


def _msg_widget(css: str) -> w.HTML:
    box = w.HTML(value="", layout=w.Layout(width="auto", min_width="200px"))
    box.add_class(css)
    box.add_class("f-msg")
    return box


def _cls(widget: w.Widget, css: str) -> w.Widget:
    widget.add_class(css)
    return widget


def _fmt_time(value: datetime | None) -> str:
    return value.strftime(TIME_FORMAT) if value else ""


@dataclass
class _EventRow:
    time: w.Text
    text: w.Text
    actor: w.Text
    remove: w.Button
    msg: w.HTML
    box: w.HBox


@dataclass
class _FactorRow:
    text: w.Text
    remove: w.Button
    msg: w.HTML
    box: w.HBox


@dataclass
class _ActionRow:
    text: w.Text
    owner: w.Text
    due: w.Text
    status: w.Dropdown
    tracking: w.Text
    kind: w.Dropdown
    remove: w.Button
    msg: w.HTML
    box: w.VBox


@dataclass
class SaveResult:
    """What Save did: the file written (relative to the corpus) and the ingest outcome."""

    path: Path
    relative: Path
    ingested: bool
    detail: str = ""
    """The ingest summary, or why the ingest failed (the file is saved either way)."""


class DraftForm:
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
        self.messages: dict[str, list[Message]] = {}
        self.last_saved: SaveResult | None = None
        self._quiet = False
        self.events: list[_EventRow] = []
        self.factor_rows: list[_FactorRow] = []
        self.action_rows: list[_ActionRow] = []
        self.msgs: dict[str, w.HTML] = {}
        self._build(template)
        self.refresh()

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_config(
        cls, corpus: Path | None = None, db_path: Path | None = None, template: str | None = None
    ) -> DraftForm:
        """Paths from the arguments, else ``PMKIT_DRAFT_*`` variables (set by ``pmkit draft``),
        else ``pmkit.toml`` / the defaults."""
        root = project_root(Path.cwd())
        config_file = os.environ.get(ENV_CONFIG)
        if not config_file and (root / "pmkit.toml").is_file():
            config_file = str(root / "pmkit.toml")
        config = load_config(Path(config_file) if config_file else None)
        corpus = corpus or Path(os.environ.get(ENV_CORPUS) or root / config.corpus_dir)
        db_env = os.environ.get(ENV_DB)
        db_path = db_path or (Path(db_env) if db_env else root / config.db_path)
        template = template or os.environ.get(ENV_TEMPLATE) or "canonical"
        return cls(corpus, db_path, config, template)

    def _text(self, name: str, description: str, placeholder: str = "", **kw: Any) -> w.Text:
        widget = w.Text(
            description=description,
            placeholder=placeholder,
            style=_LABEL,
            layout=w.Layout(width="520px"),
            **kw,
        )
        widget.add_class(f"f-{name.replace('_', '-')}")
        self.inputs[name] = widget
        return widget

    def _area(self, name: str, description: str, placeholder: str) -> w.Textarea:
        widget = w.Textarea(
            description=description,
            placeholder=placeholder,
            style=_LABEL,
            layout=w.Layout(width="720px", height="90px"),
        )
        widget.add_class(f"f-{name.replace('_', '-')}")
        self.inputs[name] = widget
        return widget

    def _row(self, name: str, widget: w.Widget) -> w.HBox:
        msg = _msg_widget(f"f-{name.replace('_', '-')}-msg")
        self.msgs[name] = msg
        return w.HBox([widget, msg], layout=w.Layout(align_items="flex-start"))

    def _build(self, template: str) -> None:
        self.inputs: dict[str, w.ValueWidget] = {}
        labels = list(self.config.severity_definitions)
        self.template = _cls(
            w.Dropdown(
                options=list(TEMPLATES),
                value=template if template in TEMPLATES else "canonical",
                description="Template",
                style=_LABEL,
            ),
            "f-template",
        )
        self.load_path = _cls(
            w.Text(
                description="Load file",
                placeholder="path in the corpus, e.g. 2026/2026-03-04-slug.md",
                style=_LABEL,
                layout=w.Layout(width="520px"),
            ),
            "f-load-path",
        )
        self.load_button = _cls(w.Button(description="Load"), "f-load")
        self.load_msg = _msg_widget("f-load-msg")
        self.load_button.on_click(lambda _b: self.load(Path(self.load_path.value.strip())))

        title = self._text("title", "Title", "Checkout API returned 500s")
        severity = _cls(
            w.Dropdown(
                options=[("(choose)", "")]
                + [(f"{k} - {self.config.severity_definitions[k]}", k) for k in labels],
                value="",
                description="Severity",
                style=_LABEL,
                layout=w.Layout(width="520px"),
            ),
            "f-severity",
        )
        self.inputs["severity"] = severity
        self.severity_def = _cls(w.HTML(value=""), "f-severity-def")
        status = _cls(
            w.Dropdown(
                options=list(DOC_STATUSES), value="Draft", description="Status", style=_LABEL
            ),
            "f-status",
        )
        self.inputs["status"] = status
        owner = self._text("owner", "Owner (PM)", "accountable person")
        responders = self._text("responders", "Responders", "comma separated")
        services = self._text("services", "Services", "comma separated")
        times = [
            self._text(n, d, "YYYY-MM-DD HH:MM")
            for n, d in (
                ("started_at", "Start (UTC)"),
                ("detected_at", "Detected (UTC)"),
                ("mitigated_at", "Mitigated (UTC)"),
                ("resolved_at", "End (UTC)"),
            )
        ]
        drafted = self._text(
            "drafted_on", "Date prepared", "YYYY-MM-DD", value=self.clock().date().isoformat()
        )
        summary = self._area("summary", "Summary", "what happened, in 3-5 sentences")
        impact = self._area("impact", "Customer impact", "who was affected and how")
        root_cause = self._area("root_cause", "Root cause", "the system conditions, not a person")
        lessons = self._area("lessons", "Lessons", "keep / stop / start doing")

        self.timeline_box = _cls(w.VBox([]), "f-timeline")
        self.factors_box = _cls(w.VBox([]), "f-factors")
        self.actions_box = _cls(w.VBox([]), "f-actions")
        add_event = _cls(w.Button(description="Add event", icon="plus"), "f-add-event")
        add_factor = _cls(w.Button(description="Add factor", icon="plus"), "f-add-factor")
        add_action = _cls(w.Button(description="Add action", icon="plus"), "f-add-action")
        add_event.on_click(lambda _b: self.add_event())
        add_factor.on_click(lambda _b: self.add_factor())
        add_action.on_click(lambda _b: self.add_action())
        for name in ("timeline", "factors", "actions"):
            self.msgs[name] = _msg_widget(f"f-{name}-msg")

        self.overwrite = _cls(
            w.Checkbox(value=False, description="Overwrite if the file exists", indent=False),
            "f-overwrite",
        )
        self.save_button = _cls(
            w.Button(description="Save", button_style="success", icon="save", disabled=True),
            "f-save",
        )
        self.save_button.on_click(lambda _b: self.save())
        self.target = _cls(w.HTML(value=""), "f-target")
        self.save_status = _cls(w.HTML(value=""), "f-save-status")
        self.preview = _cls(w.HTML(value=""), "f-preview")

        def heading(text: str) -> w.HTML:
            return w.HTML(value=f"<h3 style='margin:12px 0 4px'>{html.escape(text)}</h3>")

        form = w.VBox(
            [
                heading("Postmortem"),
                w.HBox([self.template]),
                w.HBox([self.load_path, self.load_button, self.load_msg]),
                heading("Metadata"),
                self._row("title", title),
                w.HBox([w.VBox([self._row("severity", severity), self.severity_def])]),
                self._row("status", status),
                self._row("owner", owner),
                self._row("responders", responders),
                self._row("services", services),
                *(self._row(t_name, t) for t_name, t in zip(_TIME_FIELDS, times, strict=True)),
                self._row("drafted_on", drafted),
                heading("Narrative"),
                self._row("summary", summary),
                self._row("impact", impact),
                self._row("root_cause", root_cause),
                heading("Timeline (UTC)"),
                self.timeline_box,
                w.HBox([add_event, self.msgs["timeline"]]),
                heading("Contributing factors"),
                self.factors_box,
                w.HBox([add_factor, self.msgs["factors"]]),
                heading("Action items"),
                self.actions_box,
                w.HBox([add_action, self.msgs["actions"]]),
                heading("Lessons learned"),
                self._row("lessons", lessons),
                heading("Save"),
                self.target,
                w.HBox([self.save_button, self.overwrite]),
                self.save_status,
            ],
            layout=w.Layout(width="900px"),
        )
        preview = w.VBox([heading("Preview"), self.preview], layout=w.Layout(width="620px"))
        self.widget = _cls(
            w.HBox([form, preview], layout=w.Layout(flex_flow="row wrap")), "pmkit-draft-form"
        )
        for widget in [self.template, self.overwrite, *self.inputs.values()]:
            widget.observe(self._changed, names="value")

    # -- rows ---------------------------------------------------------------------------------

    def _small(self, css: str, placeholder: str, width: str, value: str = "") -> w.Text:
        return _cls(w.Text(value=value, placeholder=placeholder, layout=w.Layout(width=width)), css)

    def _remove_button(self, css: str) -> w.Button:
        button = w.Button(
            description="", tooltip="Remove this row", icon="trash", layout=w.Layout(width="44px")
        )
        return _cls(button, css)

    def add_event(self, event: DraftEvent | None = None) -> None:
        """Append a timeline row (empty, or filled from ``event``)."""
        event = event or DraftEvent(None, "")
        row = _EventRow(
            time=self._small("f-event-time", "YYYY-MM-DD HH:MM", "160px", _fmt_time(event.at)),
            text=self._small("f-event-text", "what happened", "360px", event.text),
            actor=self._small("f-event-actor", "who / what (optional)", "160px", event.actor),
            remove=self._remove_button("f-remove-event"),
            msg=_msg_widget("f-event-msg"),
            box=w.HBox([]),
        )
        row.box.children = [row.time, row.text, row.actor, row.remove, row.msg]
        row.box.add_class("f-event-row")
        row.remove.on_click(lambda _b: self._remove(self.events, row))
        for widget in (row.time, row.text, row.actor):
            widget.observe(self._changed, names="value")
        self.events.append(row)
        self._rows_changed()

    def add_factor(self, factor: DraftFactor | None = None) -> None:
        """Append a contributing-factor row."""
        row = _FactorRow(
            text=self._small(
                "f-factor-text",
                "a condition that made this possible",
                "560px",
                (factor or DraftFactor("")).text,
            ),
            remove=self._remove_button("f-remove-factor"),
            msg=_msg_widget("f-factor-msg"),
            box=w.HBox([]),
        )
        row.box.children = [row.text, row.remove, row.msg]
        row.box.add_class("f-factor-row")
        row.remove.on_click(lambda _b: self._remove(self.factor_rows, row))
        row.text.observe(self._changed, names="value")
        self.factor_rows.append(row)
        self._rows_changed()

    def add_action(self, action: DraftAction | None = None) -> None:
        """Append an action-item row: text, owner, due date, status, tracking ref, term."""
        a = action or DraftAction("")
        row = _ActionRow(
            text=self._small("f-action-text", "action", "330px", a.text),
            owner=self._small("f-action-owner", "owner", "130px", a.owner),
            due=self._small(
                "f-action-due",
                "due YYYY-MM-DD",
                "130px",
                a.due_date.isoformat() if a.due_date else "",
            ),
            status=_cls(
                w.Dropdown(
                    options=[(STATUS_TEXT[s], s) for s in ACTION_STATUSES],
                    value=a.status if a.status in ACTION_STATUSES else "open",
                    layout=w.Layout(width="120px"),
                ),
                "f-action-status",
            ),
            tracking=self._small("f-action-tracking", "ticket or URL", "180px", a.tracking_ref),
            kind=_cls(
                w.Dropdown(
                    options=[(KIND_TEXT[k], k) for k in ACTION_KINDS],
                    value=a.kind if a.kind in ACTION_KINDS else "short_term",
                    layout=w.Layout(width="120px"),
                ),
                "f-action-kind",
            ),
            remove=self._remove_button("f-remove-action"),
            msg=_msg_widget("f-action-msg"),
            box=w.VBox([]),
        )
        fields = [row.text, row.owner, row.due, row.status, row.tracking, row.kind, row.remove]
        row.box.children = [w.HBox(fields), row.msg]
        row.box.add_class("f-action-row")
        row.remove.on_click(lambda _b: self._remove(self.action_rows, row))
        for widget in fields[:-1]:
            widget.observe(self._changed, names="value")
        self.action_rows.append(row)
        self._rows_changed()

    def _remove(self, rows: list[Any], row: Any) -> None:
        if row in rows:
            rows.remove(row)
            self._rows_changed()

    def _rows_changed(self) -> None:
        self.timeline_box.children = [r.box for r in self.events]
        self.factors_box.children = [r.box for r in self.factor_rows]
        self.actions_box.children = [r.box for r in self.action_rows]
        self.refresh()

    # -- values -------------------------------------------------------------------------------

    def read(self) -> tuple[Draft, dict[str, list[Message]]]:
        """The draft the widgets describe, and the values that could not be read."""
        bad: dict[str, list[Message]] = {}
        v = {name: widget.value for name, widget in self.inputs.items()}

        def time_of(key: str, text: str) -> datetime | None:
            try:
                return parse_time(text)
            except ValueError:
                bad.setdefault(key, []).append(Message("error", "Use YYYY-MM-DD HH:MM (UTC)."))
                return None

        def day_of(key: str, text: str) -> date | None:
            try:
                return parse_day(text)
            except ValueError:
                bad.setdefault(key, []).append(Message("error", "Use a date: YYYY-MM-DD."))
                return None

        draft = Draft(
            title=v["title"],
            severity=v["severity"] or "",
            status=v["status"],
            owner=v["owner"],
            responders=split_list(v["responders"]),
            services=split_list(v["services"]),
            summary=v["summary"],
            impact=v["impact"],
            root_cause=v["root_cause"],
            lessons=v["lessons"],
            drafted_on=day_of("drafted_on", v["drafted_on"]),
            **{name: time_of(name, v[name]) for name in _TIME_FIELDS},
        )
        for i, r in enumerate(self.events):
            at = time_of(f"timeline[{i}]", r.time.value)
            draft.timeline.append(DraftEvent(at, r.text.value, r.actor.value))
        draft.factors = [DraftFactor(r.text.value) for r in self.factor_rows]
        for i, r in enumerate(self.action_rows):
            draft.actions.append(
                DraftAction(
                    text=r.text.value,
                    owner=r.owner.value,
                    due_date=day_of(f"actions[{i}]", r.due.value),
                    status=r.status.value,
                    tracking_ref=r.tracking.value,
                    kind=r.kind.value,
                )
            )
        return draft, bad

    def draft(self) -> Draft:
        return self.read()[0]

    def fill(self, draft: Draft, template: str | None = None) -> None:
        """Put ``draft`` into the widgets (replacing every row), then validate once."""
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
                **{name: _fmt_time(getattr(draft, name)) for name in _TIME_FIELDS},
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
        self._rows_changed()

    # -- reacting -----------------------------------------------------------------------------

    def _changed(self, _change: dict[str, Any] | None = None) -> None:
        if not self._quiet:
            self.refresh()

    def refresh(self) -> None:
        """Validate, show the messages, update the preview and the Save button."""
        if self._quiet:
            return
        draft, bad = self.read()
        messages = validate(draft, self.config, now=self.clock())
        for key, input_errors in bad.items():
            messages[key] = input_errors + [
                m for m in messages.get(key, []) if "required" not in m.text
            ]
        self.messages = messages
        for name, box in self.msgs.items():
            box.value = messages_html(messages.get(name, []))
        for prefix, rows in (
            ("timeline", self.events),
            ("factors", self.factor_rows),
            ("actions", self.action_rows),
        ):
            for i, row in enumerate(rows):
                row.msg.value = messages_html(messages.get(f"{prefix}[{i}]", []))
        label = draft.severity
        definition = self.config.severity_definitions.get(label, "")
        self.severity_def.value = (
            f"<div style='margin-left:154px;color:#555'><b>{html.escape(label)}</b>: "
            f"{html.escape(definition)}</div>"
            if definition
            else ""
        )
        self.preview.value = preview_html(render(draft, self.template.value, self.config))
        rel = relative_target(draft, self.clock().date())
        exists = (self.corpus / rel).exists()
        note = " (exists: tick overwrite to replace it)" if exists else ""
        self.target.value = (
            f"Will write <code>{html.escape(str(self.corpus / rel))}</code>{html.escape(note)}"
        )
        self.save_button.disabled = has_errors(messages) or (exists and not self.overwrite.value)

    # -- actions ------------------------------------------------------------------------------

    def save(self) -> SaveResult | None:
        """Write the file (never over an existing one without the overwrite box) and ingest it."""
        self.refresh()
        if has_errors(self.messages):
            self.save_status.value = messages_html([Message("error", "Fix the errors first.")])
            return None
        draft, _ = self.read()
        rel = relative_target(draft, self.clock().date())
        try:
            target = safe_target(self.corpus, rel)
            write_text(
                target, render(draft, self.template.value, self.config), self.overwrite.value
            )
        except (SaveError, OSError) as exc:
            self.save_status.value = messages_html([Message("error", str(exc))])
            return None
        result = SaveResult(path=target, relative=rel, ingested=False)
        if self.db_path is not None:
            try:
                result.detail = _ingest(target, self.db_path, self.corpus)
                result.ingested = True
            except Exception as exc:  # noqa: BLE001 - the file is saved; say why ingest failed
                result.detail = f"saved, but ingest failed: {exc}"
        self.last_saved = result
        done = "and ingested" if result.ingested else ""
        detail_color = "#555" if result.ingested or self.db_path is None else "#b00020"
        self.save_status.value = (
            f"<div class='saved' style='color:#1b5e20'>Saved {html.escape(str(rel))} {done}"
            f"</div><div style='color:{detail_color}'>{html.escape(result.detail)}</div>"
        )
        self.overwrite.value = False
        self.refresh()
        return result

    def load(self, path: Path) -> bool:
        """Fill the form from an existing postmortem in the corpus (a path relative to it, or an
        absolute one inside it): a served form never reads files elsewhere on the machine."""
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
        self.fill(draft, template)
        self.load_msg.value = f"<span style='color:#1b5e20'>Loaded {html.escape(str(path))}</span>"
        return True

    def show(self) -> None:
        from IPython.display import display

        display(self.widget)


_TIME_FIELDS: tuple[str, ...] = ("started_at", "detected_at", "mitigated_at", "resolved_at")


def _ingest(path: Path, db_path: Path, corpus: Path) -> str:
    """Ingest the corpus folder: incremental, so only the new file is parsed, and its stored path
    is relative to the corpus exactly as ``pmkit ingest <corpus>`` would store it."""
    from pmkit import store

    ingest = getattr(store, "ingest", None)
    if callable(ingest):
        summary = ingest([path], db_path, root=corpus)
    else:
        summary = store.ingest_paths([corpus], db_path)
    render_summary = getattr(summary, "render", None)
    return render_summary() if callable(render_summary) else str(summary)
