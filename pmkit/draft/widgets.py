"""The form's pieces: its style sheet, the HTML of messages and of the preview, and the widgets
of one timeline, factor or action row. Knows nothing of the form's state; ``pmkit.draft.form``
wires them up.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

import ipywidgets as w
from markdown_it import MarkdownIt

from pmkit.draft.model import ACTION_KINDS, ACTION_STATUSES, DraftAction, DraftEvent, DraftFactor
from pmkit.draft.render import STATUS_TEXT, TIME_FORMAT
from pmkit.draft.validate import Message

KIND_TEXT = {"short_term": "Short-term", "long_term": "Long-term"}
LABEL = {"description_width": "140px"}
FLEX = {"flex": "1 1 auto", "width": "auto", "min_width": "0"}
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")

MARKDOWN_NOTE = (
    "Saved into a Markdown file as plain text: what Markdown or HTML would treat as formatting "
    "(<code>* _ ` &lt; &gt; # | [</code>, a leading <code>- </code> or <code>1. </code>) is escaped, "
    "so the file reads exactly as typed. Each line becomes a paragraph."
)

CSS = """<style>
.jp-OutputArea:has(.pmkit-draft-form), .jp-OutputArea-child:has(.pmkit-draft-form),
.jp-OutputArea-output:has(.pmkit-draft-form) { overflow: visible !important; }
.pmkit-draft-form { width: 100%; gap: 28px; align-items: flex-start; overflow: visible !important; }
.pmkit-draft-form .pm-form { flex: 1 1 560px; min-width: 0; max-width: 780px; padding-right: 4px; }
.pmkit-draft-form .pm-aside { flex: 1 1 440px; min-width: 0; position: sticky; top: 0;
  max-height: 100vh; overflow: auto !important; }
.pmkit-draft-form .widget-html-content { white-space: normal; overflow-wrap: anywhere; }
.pmkit-draft-form .widget-vbox > .widget-inline-hbox, .pmkit-draft-form .widget-vbox > .widget-hbox {
  width: auto !important; }
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


def msg_widget(css: str) -> w.HTML:
    box = w.HTML(value="", layout=w.Layout(width="100%"))
    box.add_class(css)
    box.add_class("f-msg")
    return box


def cls(widget: w.Widget, css: str) -> w.Widget:
    widget.add_class(css)
    return widget


def fmt_time(value: datetime | None) -> str:
    return value.strftime(TIME_FORMAT) if value else ""


def note(text_html: str) -> w.HTML:
    return cls(w.HTML(value=text_html, layout=w.Layout(width="100%")), "pm-note")


@dataclass
class EventRow:
    time: w.Text
    text: w.Text
    actor: w.Text
    remove: w.Button
    msg: w.HTML
    box: w.VBox
    touched: bool = False


@dataclass
class FactorRow:
    text: w.Text
    remove: w.Button
    msg: w.HTML
    box: w.VBox
    touched: bool = False


@dataclass
class ActionRow:
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


Row = EventRow | FactorRow | ActionRow
"""Any repeated row of the form."""


def _small(css: str, placeholder: str, width: str | None, value: str = "") -> w.Text:
    layout = w.Layout(width=width) if width else w.Layout(**FLEX)
    return cls(w.Text(value=value, placeholder=placeholder, layout=layout), css)


def _remove_button(css: str) -> w.Button:
    button = w.Button(
        description="", tooltip="Remove this row", icon="trash", layout=w.Layout(width="40px")
    )
    return cls(button, css)


def event_row(event: DraftEvent | None = None) -> EventRow:
    """A timeline row (empty, or filled from ``event``): time, event, actor."""
    event = event or DraftEvent(None, "")
    row = EventRow(
        time=_small("f-event-time", "HH:MM", "150px", fmt_time(event.at)),
        text=_small("f-event-text", "what happened", None, event.text),
        actor=_small("f-event-actor", "who / what (optional)", "150px", event.actor),
        remove=_remove_button("f-remove-event"),
        msg=msg_widget("f-event-msg"),
        box=w.VBox([], layout=w.Layout(width="100%")),
    )
    fields = w.HBox([row.time, row.text, row.actor, row.remove], layout=w.Layout(width="100%"))
    row.box.children = [fields, row.msg]
    row.box.add_class("f-event-row")
    return row


def factor_row(factor: DraftFactor | None = None) -> FactorRow:
    """A contributing-factor row."""
    row = FactorRow(
        text=_small(
            "f-factor-text",
            "a condition that made this possible",
            None,
            (factor or DraftFactor("")).text,
        ),
        remove=_remove_button("f-remove-factor"),
        msg=msg_widget("f-factor-msg"),
        box=w.VBox([], layout=w.Layout(width="100%")),
    )
    row.box.children = [
        w.HBox([row.text, row.remove], layout=w.Layout(width="100%")),
        row.msg,
    ]
    row.box.add_class("f-factor-row")
    return row


def action_row(action: DraftAction | None = None) -> ActionRow:
    """An action-item row: text, then owner, due date, status, tracking ref, term."""
    a = action or DraftAction("")
    row = ActionRow(
        text=_small("f-action-text", "action", None, a.text),
        owner=_small("f-action-owner", "owner", "150px", a.owner),
        due=_small(
            "f-action-due",
            "due YYYY-MM-DD",
            "130px",
            a.due_date.isoformat() if a.due_date else "",
        ),
        status=cls(
            w.Dropdown(
                options=[(STATUS_TEXT[s], s) for s in ACTION_STATUSES],
                value=a.status if a.status in ACTION_STATUSES else "open",
                layout=w.Layout(width="115px"),
            ),
            "f-action-status",
        ),
        tracking=_small("f-action-tracking", "ticket or URL", None, a.tracking_ref),
        kind=cls(
            w.Dropdown(
                options=[(KIND_TEXT[k], k) for k in ACTION_KINDS],
                value=a.kind if a.kind in ACTION_KINDS else "short_term",
                layout=w.Layout(width="115px"),
            ),
            "f-action-kind",
        ),
        remove=_remove_button("f-remove-action"),
        msg=msg_widget("f-action-msg"),
        box=w.VBox([], layout=w.Layout(width="100%", margin="0 0 6px 0")),
    )
    first = w.HBox([row.text, row.remove], layout=w.Layout(width="100%"))
    second = w.HBox(
        [row.owner, row.due, row.status, row.tracking, row.kind],
        layout=w.Layout(width="100%"),
    )
    row.box.children = [first, second, row.msg]
    row.box.add_class("f-action-row")
    return row
