"""The form's layout: every widget, in the order a reader (and Tab) goes through the page,
under the headings of the template (metadata, narrative, timeline, factors, actions, lessons),
with the preview and the side panel beside it. A base of ``pmkit.draft.form.DraftForm``, which
holds the state and reacts to changes.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w

from pmkit.config import Config
from pmkit.draft.inputs import TIME_FIELDS
from pmkit.draft.model import DOC_STATUSES
from pmkit.draft.render import TEMPLATES
from pmkit.draft.similar_panel import SimilarPanel
from pmkit.draft.widgets import CSS, FLEX, LABEL, MARKDOWN_NOTE, cls, msg_widget, note


class FormLayout:
    """Builds the widgets (``_build``); the form's callbacks (``add_event``, ``save``, ``load``,
    ``_touch``, ``_changed``) are :class:`pmkit.draft.form.DraftForm`'s."""

    config: Config
    clock: Callable[[], datetime]
    similar: SimilarPanel
    msgs: dict[str, w.HTML]
    add_event: Callable[..., None]
    add_factor: Callable[..., None]
    add_action: Callable[..., None]
    save: Callable[[], Any]
    new: Callable[[], None]
    load: Callable[[Path], bool]
    _touch: Callable[[str], None]
    _changed: Callable[..., None]

    def _register(self, name: str, widget: w.ValueWidget) -> w.ValueWidget:
        widget.add_class(f"f-{name.replace('_', '-')}")
        self.inputs[name] = widget
        return widget

    def _text(self, name: str, description: str, placeholder: str = "", **kw: Any) -> w.Text:
        widget = w.Text(
            description=description,
            placeholder=placeholder,
            style=LABEL,
            layout=w.Layout(width="100%"),
            **kw,
        )
        return self._register(name, widget)

    def _area(self, name: str, description: str, placeholder: str) -> w.Textarea:
        widget = w.Textarea(
            description=description,
            placeholder=placeholder,
            style=LABEL,
            layout=w.Layout(width="100%", height="96px"),
        )
        return self._register(name, widget)

    def _field(self, name: str, widget: w.Widget, *extra: w.Widget) -> w.VBox:
        """The widget, anything shown under it, then its messages at the column's full width."""
        msg = msg_widget(f"f-{name.replace('_', '-')}-msg")
        self.msgs[name] = msg
        return w.VBox([widget, *extra, msg], layout=w.Layout(width="100%"))

    def _build(self, template: str) -> None:
        self.inputs: dict[str, w.ValueWidget] = {}
        labels = list(self.config.severity_definitions)
        self.template = cls(
            w.Dropdown(
                options=list(TEMPLATES),
                value=template if template in TEMPLATES else "canonical",
                description="Template",
                style=LABEL,
            ),
            "f-template",
        )
        self.load_path = cls(
            w.Text(
                description="Load file",
                placeholder="path in the corpus, e.g. 2026/03/2026-03-04-slug.md",
                style=LABEL,
                layout=w.Layout(**FLEX),
            ),
            "f-load-path",
        )
        self.load_button = cls(w.Button(description="Load"), "f-load")
        self.load_msg = msg_widget("f-load-msg")
        self.load_button.on_click(lambda _b: self.load(Path(self.load_path.value.strip())))

        title = self._text("title", "Title", "Checkout API returned 500s")
        severity = self._register(
            "severity",
            w.Dropdown(
                options=[("(choose)", "")]
                + [(f"{k} - {self.config.severity_definitions[k]}", k) for k in labels],
                value="",
                description="Severity",
                style=LABEL,
                layout=w.Layout(width="100%"),
            ),
        )
        self.severity_def = cls(w.HTML(value=""), "f-severity-def")
        status = self._register(
            "status",
            w.Dropdown(
                options=list(DOC_STATUSES), value="Draft", description="Status", style=LABEL
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

        self.timeline_box = cls(w.VBox([], layout=w.Layout(width="100%")), "f-timeline")
        self.factors_box = cls(w.VBox([], layout=w.Layout(width="100%")), "f-factors")
        self.actions_box = cls(w.VBox([], layout=w.Layout(width="100%")), "f-actions")
        add_event = cls(w.Button(description="Add event", icon="plus"), "f-add-event")
        add_factor = cls(w.Button(description="Add factor", icon="plus"), "f-add-factor")
        add_action = cls(w.Button(description="Add action", icon="plus"), "f-add-action")
        add_event.on_click(lambda _b: self.add_event())
        add_factor.on_click(lambda _b: self.add_factor())
        add_action.on_click(lambda _b: self.add_action())
        for name in ("timeline", "factors", "actions"):
            self.msgs[name] = msg_widget(f"f-{name}-msg")

        self.save_button = cls(
            w.Button(description="Save", button_style="success", icon="save"), "f-save"
        )
        self.save_button.on_click(lambda _b: self.save())
        self.new_button = cls(w.Button(description="New draft", icon="file"), "f-new")
        """Empties the form for another postmortem (after a Save, Save would update that file)."""
        self.new_button.on_click(lambda _b: self.new())
        self.target = cls(w.HTML(value=""), "f-target")
        self.save_status = cls(w.HTML(value="", layout=w.Layout(width="100%")), "f-save-status")
        self.preview = cls(w.HTML(value="", layout=w.Layout(width="100%")), "f-preview")
        self.side_panel = cls(
            w.VBox([self.similar.widget], layout=w.Layout(width="100%")), "f-side-panel"
        )
        """Under the preview: the similar past incidents (``pmkit.draft.similar_panel``)."""

        def heading(text: str) -> w.HTML:
            return w.HTML(value=f"<h3 style='margin:14px 0 4px'>{html.escape(text)}</h3>")

        def rows_head(text: str) -> w.HTML:
            return cls(w.HTML(value=text, layout=w.Layout(width="100%")), "pm-rows-head")

        form = cls(
            w.VBox(
                [
                    w.HTML(value=CSS),
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
                    *(self._field(n, t) for n, t in zip(TIME_FIELDS, times, strict=True)),
                    self._field("drafted_on", drafted),
                    heading("Narrative"),
                    note(MARKDOWN_NOTE),
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
                    w.HBox([self.save_button, self.new_button]),
                    self.save_status,
                ],
                layout=w.Layout(width="100%"),
            ),
            "pm-form",
        )
        aside = cls(
            w.VBox(
                [heading("Preview: the file Save writes"), self.preview, self.side_panel],
                layout=w.Layout(width="100%"),
            ),
            "pm-aside",
        )
        self.widget = cls(
            w.HBox([form, aside], layout=w.Layout(flex_flow="row wrap", width="100%")),
            "pmkit-draft-form",
        )
        self.template.observe(self._changed, names="value")
        for name, widget in self.inputs.items():
            widget.observe(lambda _c, key=name: self._touch(key), names="value")
