"""The drafting form: ipywidgets over ``render`` and ``validate``, in JupyterLab or served by Voila.

Every widget carries a stable CSS class (``f-title``, ``f-event-time``...) for browser tests and
styling. On every change the form rebuilds a ``Draft``, validates it and refreshes the preview;
a field's messages show once it was touched (or after a first Save), so an empty form does not
open covered in red. Layout: the form and, beside it on a wide screen (below it on a narrow one),
the preview of the Markdown that Save writes, with room under it for a side panel. Widgets sit in
the page in the order they are read, so Tab follows the page.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import ipywidgets as w
from markdown_it import MarkdownIt

from pmkit.config import CONFIG_ENV, Config, load_config
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
from pmkit.draft.save import (
    SaveError,
    detect_layout,
    free_target,
    relative_target,
    save_draft,
)
from pmkit.draft.similar_panel import SimilarPanel
from pmkit.draft.validate import Message, has_errors, validate

ENV_CORPUS = "PMKIT_DRAFT_CORPUS"
ENV_DB = "PMKIT_DRAFT_DB"
ENV_TEMPLATE = "PMKIT_DRAFT_TEMPLATE"
ENV_CONFIG = CONFIG_ENV

KIND_TEXT = {"short_term": "Short-term", "long_term": "Long-term"}
_LABEL = {"description_width": "140px"}
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
_BARE_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?\s*(?:UTC|Z)?$", re.IGNORECASE)
BACKWARD_LIMIT = timedelta(hours=12)
"""A bare time more than this before the previous row's time is on the next day (the timeline
crossed midnight); less, and it is the same day (rows are not always in order)."""

MARKDOWN_NOTE = (
    "Saved into a Markdown file as plain text: what Markdown or HTML would treat as formatting "
    "(<code>* _ ` &lt; &gt; # | [</code>, a leading <code>- </code> or <code>1. </code>) is escaped, "
    "so the file reads exactly as typed. Each line becomes a paragraph."
)

_CSS = """<style>
.jp-OutputArea:has(.pmkit-draft-form), .jp-OutputArea-child:has(.pmkit-draft-form),
.jp-OutputArea-output:has(.pmkit-draft-form) { overflow: visible !important; }
.pmkit-draft-form { width: 100%; gap: 28px; align-items: flex-start; overflow: visible !important; }
.pmkit-draft-form .pm-form { flex: 1 1 560px; min-width: 0; max-width: 780px; padding-right: 4px; }
.pmkit-draft-form .pm-aside { flex: 1 1 440px; min-width: 0; position: sticky; top: 0;
  max-height: 100vh; overflow: auto !important; }
.pmkit-draft-form .widget-html-content { white-space: normal; overflow-wrap: anywhere; }
.pmkit-draft-form .f-msg { margin: 0 0 4px 0; padding-left: 4px; }
.pmkit-draft-form .f-msg .widget-html-content { line-height: 1.35; font-size: 12.5px; }
.pmkit-draft-form .pm-note .widget-html-content { color: #555; font-size: 12px; line-height: 1.4; }
.pmkit-draft-form .pm-preview-body { border: 1px solid #ccc; padding: 4px 14px;
  background: #fcfcfc; overflow-wrap: anywhere; }
.pmkit-draft-form .pm-preview-body table { border-collapse: collapse; font-size: 12px; }
.pmkit-draft-form .pm-preview-body td, .pmkit-draft-form .pm-preview-body th {
  border: 1px solid #ddd; padding: 2px 6px; }
.pmkit-draft-form .pm-rows-head .widget-html-content { color: #555; font-size: 12px; }
</style>"""


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


def bare_time(text: str) -> time | None:
    """``14:07`` (``14:07:30``, ``14:07 UTC``) -> a time of day; anything else -> None."""
    m = _BARE_TIME.match(text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return time(int(m.group(1)), int(m.group(2)))


def date_bare_time(at: time, previous: datetime) -> datetime:
    """A bare timeline time on the day of ``previous`` (the start, or the row above), one day
    later when that would put it more than ``BACKWARD_LIMIT`` before ``previous``: a timeline
    that crosses midnight goes forward."""
    value = datetime.combine(previous.date(), at)
    return value + timedelta(days=1) if value < previous - BACKWARD_LIMIT else value


def parse_day(text: str) -> date | None:
    text = text.strip()
    return date.fromisoformat(text) if text else None


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def preview_html(markdown: str) -> str:
    """The Markdown as HTML with raw HTML disabled (text from a postmortem is always escaped),
    and the Markdown source itself, folded: the preview is of exactly what Save writes."""
    body = _MD.render(markdown)
    source = html.escape(markdown)
    return (
        f'<div class="pm-preview-body">{body}</div>'
        f"<details class='pm-preview-source'><summary>Markdown source</summary>"
        f"<pre style='white-space:pre-wrap;font-size:12px'>{source}</pre></details>"
    )


def messages_html(messages: list[Message]) -> str:
    parts = []
    for m in messages:
        color, mark = ("#b00020", "&#10006;") if m.level == "error" else ("#8a6d00", "&#9888;")
        text = html.escape(m.text)
        parts.append(f'<div class="msg-{m.level}" style="color:{color}">{mark} {text}</div>')
    return "".join(parts)


def _msg_widget(css: str) -> w.HTML:
    box = w.HTML(value="", layout=w.Layout(width="100%"))
    box.add_class(css)
    box.add_class("f-msg")
    return box


def _cls(widget: w.Widget, css: str) -> w.Widget:
    widget.add_class(css)
    return widget


def _fmt_time(value: datetime | None) -> str:
    return value.strftime(TIME_FORMAT) if value else ""


def _note(text_html: str) -> w.HTML:
    return _cls(w.HTML(value=text_html, layout=w.Layout(width="100%")), "pm-note")


_FLEX = {"flex": "1 1 auto", "width": "auto", "min_width": "0"}


@dataclass
class _EventRow:
    time: w.Text
    text: w.Text
    actor: w.Text
    remove: w.Button
    msg: w.HTML
    box: w.VBox
    touched: bool = False


@dataclass
class _FactorRow:
    text: w.Text
    remove: w.Button
    msg: w.HTML
    box: w.VBox
    touched: bool = False


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
    touched: bool = False


@dataclass
class SaveResult:
    """What Save did: the file written (relative to the corpus) and the ingest outcome."""

    path: Path
    relative: Path
    ingested: bool
    detail: str = ""
    """The ingest summary, or why the ingest failed (the file is saved either way)."""


@dataclass
class _Read:
    """The draft the widgets describe, the values that could not be read, and how bare
    timeline times were dated (row index -> the full time)."""

    draft: Draft
    bad: dict[str, list[Message]] = field(default_factory=dict)
    dated: dict[int, datetime] = field(default_factory=dict)


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
        self.events: list[_EventRow] = []
        self.factor_rows: list[_FactorRow] = []
        self.action_rows: list[_ActionRow] = []
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

    def _register(self, name: str, widget: w.ValueWidget) -> w.ValueWidget:
        widget.add_class(f"f-{name.replace('_', '-')}")
        self.inputs[name] = widget
        return widget

    def _text(self, name: str, description: str, placeholder: str = "", **kw: Any) -> w.Text:
        widget = w.Text(
            description=description,
            placeholder=placeholder,
            style=_LABEL,
            layout=w.Layout(width="100%"),
            **kw,
        )
        return self._register(name, widget)

    def _area(self, name: str, description: str, placeholder: str) -> w.Textarea:
        widget = w.Textarea(
            description=description,
            placeholder=placeholder,
            style=_LABEL,
            layout=w.Layout(width="100%", height="96px"),
        )
        return self._register(name, widget)

    def _field(self, name: str, widget: w.Widget, *extra: w.Widget) -> w.VBox:
        """The widget, anything shown under it, then its messages at the column's full width."""
        msg = _msg_widget(f"f-{name.replace('_', '-')}-msg")
        self.msgs[name] = msg
        return w.VBox([widget, *extra, msg], layout=w.Layout(width="100%"))

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
                placeholder="path in the corpus, e.g. 2026/03/2026-03-04-slug.md",
                style=_LABEL,
                layout=w.Layout(**_FLEX),
            ),
            "f-load-path",
        )
        self.load_button = _cls(w.Button(description="Load"), "f-load")
        self.load_msg = _msg_widget("f-load-msg")
        self.load_button.on_click(lambda _b: self.load(Path(self.load_path.value.strip())))

        title = self._text("title", "Title", "Checkout API returned 500s")
        severity = self._register(
            "severity",
            w.Dropdown(
                options=[("(choose)", "")]
                + [(f"{k} - {self.config.severity_definitions[k]}", k) for k in labels],
                value="",
                description="Severity",
                style=_LABEL,
                layout=w.Layout(width="100%"),
            ),
        )
        self.severity_def = _cls(w.HTML(value=""), "f-severity-def")
        status = self._register(
            "status",
            w.Dropdown(
                options=list(DOC_STATUSES), value="Draft", description="Status", style=_LABEL
            ),
        )
        owner = self._text("owner", "Owner (PM)", "accountable person or team")
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

        self.timeline_box = _cls(w.VBox([], layout=w.Layout(width="100%")), "f-timeline")
        self.factors_box = _cls(w.VBox([], layout=w.Layout(width="100%")), "f-factors")
        self.actions_box = _cls(w.VBox([], layout=w.Layout(width="100%")), "f-actions")
        add_event = _cls(w.Button(description="Add event", icon="plus"), "f-add-event")
        add_factor = _cls(w.Button(description="Add factor", icon="plus"), "f-add-factor")
        add_action = _cls(w.Button(description="Add action", icon="plus"), "f-add-action")
        add_event.on_click(lambda _b: self.add_event())
        add_factor.on_click(lambda _b: self.add_factor())
        add_action.on_click(lambda _b: self.add_action())
        for name in ("timeline", "factors", "actions"):
            self.msgs[name] = _msg_widget(f"f-{name}-msg")

        self.save_button = _cls(
            w.Button(description="Save", button_style="success", icon="save"), "f-save"
        )
        self.save_button.on_click(lambda _b: self.save())
        self.target = _cls(w.HTML(value=""), "f-target")
        self.save_status = _cls(w.HTML(value="", layout=w.Layout(width="100%")), "f-save-status")
        self.preview = _cls(w.HTML(value="", layout=w.Layout(width="100%")), "f-preview")
        self.side_panel = _cls(
            w.VBox([self.similar.widget], layout=w.Layout(width="100%")), "f-side-panel"
        )
        """Under the preview: the similar past incidents (``pmkit.draft.similar_panel``)."""

        def heading(text: str) -> w.HTML:
            return w.HTML(value=f"<h3 style='margin:14px 0 4px'>{html.escape(text)}</h3>")

        def rows_head(text: str) -> w.HTML:
            return _cls(w.HTML(value=text, layout=w.Layout(width="100%")), "pm-rows-head")

        form = _cls(
            w.VBox(
                [
                    w.HTML(value=_CSS),
                    heading("Postmortem"),
                    self.template,
                    w.HBox([self.load_path, self.load_button], layout=w.Layout(width="100%")),
                    self.load_msg,
                    heading("Metadata"),
                    self._field("title", title),
                    self._field("severity", severity, self.severity_def),
                    self._field("status", status),
                    self._field("owner", owner),
                    self._field("responders", responders),
                    self._field("services", services),
                    *(self._field(n, t) for n, t in zip(_TIME_FIELDS, times, strict=True)),
                    self._field("drafted_on", drafted),
                    heading("Narrative"),
                    _note(MARKDOWN_NOTE),
                    self._field("summary", summary),
                    self._field("impact", impact),
                    self._field("root_cause", root_cause),
                    heading("Timeline (UTC)"),
                    rows_head(
                        "Time: <code>HH:MM</code> (dated from the start, the day after once the "
                        "timeline passes midnight) or <code>YYYY-MM-DD HH:MM</code>; event; actor."
                    ),
                    self.timeline_box,
                    add_event,
                    self.msgs["timeline"],
                    heading("Contributing factors"),
                    self.factors_box,
                    add_factor,
                    self.msgs["factors"],
                    heading("Action items"),
                    rows_head("Each action needs an owner, a due date and a tracking reference."),
                    self.actions_box,
                    add_action,
                    self.msgs["actions"],
                    heading("Lessons learned"),
                    self._field("lessons", lessons),
                    heading("Save"),
                    self.target,
                    self.save_button,
                    self.save_status,
                ],
                layout=w.Layout(width="100%"),
            ),
            "pm-form",
        )
        aside = _cls(
            w.VBox(
                [heading("Preview: the file Save writes"), self.preview, self.side_panel],
                layout=w.Layout(width="100%"),
            ),
            "pm-aside",
        )
        self.widget = _cls(
            w.HBox([form, aside], layout=w.Layout(flex_flow="row wrap", width="100%")),
            "pmkit-draft-form",
        )
        self.template.observe(self._changed, names="value")
        for name, widget in self.inputs.items():
            widget.observe(lambda _c, key=name: self._touch(key), names="value")

    # -- rows ---------------------------------------------------------------------------------

    def _small(self, css: str, placeholder: str, width: str | None, value: str = "") -> w.Text:
        layout = w.Layout(width=width) if width else w.Layout(**_FLEX)
        return _cls(w.Text(value=value, placeholder=placeholder, layout=layout), css)

    def _remove_button(self, css: str) -> w.Button:
        button = w.Button(
            description="", tooltip="Remove this row", icon="trash", layout=w.Layout(width="40px")
        )
        return _cls(button, css)

    def _watch_row(self, row: Any, widgets: list[w.ValueWidget]) -> None:
        def touched(_change: dict[str, Any]) -> None:
            if not self._quiet:
                row.touched = True
                self.refresh()

        for widget in widgets:
            widget.observe(touched, names="value")

    def add_event(self, event: DraftEvent | None = None) -> None:
        """Append a timeline row (empty, or filled from ``event``)."""
        event = event or DraftEvent(None, "")
        row = _EventRow(
            time=self._small("f-event-time", "HH:MM", "150px", _fmt_time(event.at)),
            text=self._small("f-event-text", "what happened", None, event.text),
            actor=self._small("f-event-actor", "who / what (optional)", "150px", event.actor),
            remove=self._remove_button("f-remove-event"),
            msg=_msg_widget("f-event-msg"),
            box=w.VBox([], layout=w.Layout(width="100%")),
        )
        fields = w.HBox([row.time, row.text, row.actor, row.remove], layout=w.Layout(width="100%"))
        row.box.children = [fields, row.msg]
        row.box.add_class("f-event-row")
        row.remove.on_click(lambda _b: self._remove(self.events, row, "timeline"))
        self._watch_row(row, [row.time, row.text, row.actor])
        self.events.append(row)
        self._rows_changed()

    def add_factor(self, factor: DraftFactor | None = None) -> None:
        """Append a contributing-factor row."""
        row = _FactorRow(
            text=self._small(
                "f-factor-text",
                "a condition that made this possible",
                None,
                (factor or DraftFactor("")).text,
            ),
            remove=self._remove_button("f-remove-factor"),
            msg=_msg_widget("f-factor-msg"),
            box=w.VBox([], layout=w.Layout(width="100%")),
        )
        row.box.children = [
            w.HBox([row.text, row.remove], layout=w.Layout(width="100%")),
            row.msg,
        ]
        row.box.add_class("f-factor-row")
        row.remove.on_click(lambda _b: self._remove(self.factor_rows, row, "factors"))
        self._watch_row(row, [row.text])
        self.factor_rows.append(row)
        self._rows_changed()

    def add_action(self, action: DraftAction | None = None) -> None:
        """Append an action-item row: text, then owner, due date, status, tracking ref, term."""
        a = action or DraftAction("")
        row = _ActionRow(
            text=self._small("f-action-text", "action", None, a.text),
            owner=self._small("f-action-owner", "owner", "150px", a.owner),
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
                    layout=w.Layout(width="115px"),
                ),
                "f-action-status",
            ),
            tracking=self._small("f-action-tracking", "ticket or URL", None, a.tracking_ref),
            kind=_cls(
                w.Dropdown(
                    options=[(KIND_TEXT[k], k) for k in ACTION_KINDS],
                    value=a.kind if a.kind in ACTION_KINDS else "short_term",
                    layout=w.Layout(width="115px"),
                ),
                "f-action-kind",
            ),
            remove=self._remove_button("f-remove-action"),
            msg=_msg_widget("f-action-msg"),
            box=w.VBox([], layout=w.Layout(width="100%", margin="0 0 6px 0")),
        )
        first = w.HBox([row.text, row.remove], layout=w.Layout(width="100%"))
        second = w.HBox(
            [row.owner, row.due, row.status, row.tracking, row.kind],
            layout=w.Layout(width="100%"),
        )
        row.box.children = [first, second, row.msg]
        row.box.add_class("f-action-row")
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

    def _read(self) -> _Read:
        v = {name: widget.value for name, widget in self.inputs.items()}
        out = _Read(Draft())
        bad = out.bad

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
        previous = draft.started_at
        for i, r in enumerate(self.events):
            key = f"timeline[{i}]"
            clock = bare_time(r.time.value)
            at: datetime | None
            if clock is not None and previous is None:
                bad.setdefault(key, []).append(
                    Message("error", "A time alone is dated from the start: set the start time.")
                )
                at = None
            elif clock is not None and previous is not None:
                at = date_bare_time(clock, previous)
                out.dated[i] = at
            else:
                try:
                    at = parse_time(r.time.value)
                except ValueError:
                    bad.setdefault(key, []).append(
                        Message("error", "Use HH:MM or YYYY-MM-DD HH:MM (UTC).")
                    )
                    at = None
            previous = at or previous
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
        out.draft = draft
        return out

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
        for prefix, rows in (
            ("timeline", self.events),
            ("factors", self.factor_rows),
            ("actions", self.action_rows),
        ):
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
                result.detail = _ingest(target, self.db_path, self.corpus)
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
