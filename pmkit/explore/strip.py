"""An incident's timeline drawn as a strip: one line for the time the timeline covers, a dot for
each event with a readable time, and the milestones (started, detected, acknowledged,
mitigated, resolved) marked and named.

Plain SVG written here (a few lines and dots need no chart library, and the labels must not
overlap). Every text from a postmortem is escaped; an event's text is only a tooltip
(``<title>``). What cannot be drawn is said under the strip: events without a readable time,
milestones the postmortem does not record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

import pandas as pd

from pmkit.present.page import Html

MILESTONES: tuple[tuple[str, str, str], ...] = (
    ("started_at", "started", "#d62728"),
    ("detected_at", "detected", "#ff7f0e"),
    ("acknowledged_at", "acknowledged", "#9467bd"),
    ("mitigated_at", "mitigated", "#2ca02c"),
    ("resolved_at", "resolved", "#1f77b4"),
)
"""The incident column, its name on the strip, its colour."""

WIDTH = 860
PAD = 70
AXIS_Y = 74
ROW_Y = (14, 30, 46)
LABEL_GAP = 8
EVENT_COLOR = "#555"


@dataclass(frozen=True)
class Mark:
    """Something drawn: when, its label and colour (milestones) or its tooltip (events)."""

    at: datetime
    label: str
    color: str
    milestone: bool


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(value).to_pydatetime()


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def marks(incident: Mapping[str, Any], timeline: pd.DataFrame) -> tuple[list[Mark], list[str], int]:
    """The milestones and timed events to draw, the milestones not recorded, and the number of
    timeline events without a readable time."""
    drawn: list[Mark] = []
    missing: list[str] = []
    for column, name, color in MILESTONES:
        at = _time(incident.get(column))
        if at is None:
            missing.append(name)
        else:
            drawn.append(Mark(at, name, color, milestone=True))
    untimed = 0
    for record in timeline.to_dict("records"):
        at = _time(record.get("occurred_at"))
        if at is None:
            untimed += 1
            continue
        text = str(record.get("event") or "").strip()
        drawn.append(Mark(at, f"{_when(at)} UTC: {text}", EVENT_COLOR, milestone=False))
    return sorted(drawn, key=lambda m: (m.at, not m.milestone)), missing, untimed


def _x(at: datetime, first: datetime, last: datetime) -> float:
    span = (last - first).total_seconds()
    if span <= 0:
        return WIDTH / 2
    return PAD + (WIDTH - 2 * PAD) * (at - first).total_seconds() / span


def _label_width(text: str) -> float:
    """The width of a milestone label in px (11 px sans-serif: ~6.5 px a character)."""
    return 6.5 * len(text)


def _rows(milestones: Sequence[tuple[float, Mark]]) -> list[int]:
    """A label row for each milestone, so that labels (centred on their milestone) do not
    overlap: the first row where the label starts after the previous one ends (when none is
    free, the row that ends first)."""
    ends = [-1e9] * len(ROW_Y)
    rows = []
    for x, mark in milestones:
        half = _label_width(_label(mark)) / 2
        free = [r for r, end in enumerate(ends) if x - half >= end + LABEL_GAP]
        row = free[0] if free else min(range(len(ROW_Y)), key=lambda r: ends[r])
        ends[row] = x + half
        rows.append(row)
    return rows


def _label(mark: Mark) -> str:
    return f"{mark.label} {mark.at.strftime('%H:%M')}"


def timeline_strip(incident: Mapping[str, Any], timeline: pd.DataFrame) -> Html:
    """The strip as HTML (an SVG and a line of notes); a note alone when nothing has a time."""
    drawn, missing, untimed = marks(incident, timeline)
    notes = []
    if missing:
        notes.append("not recorded: " + ", ".join(missing))
    if untimed:
        notes.append(
            f"{untimed} timeline event{'s' if untimed != 1 else ''} without a readable time"
        )
    note = f'<p class="pmkit-note">{escape("; ".join(notes))}</p>' if notes else ""
    if not drawn:
        return Html(
            '<div class="pmkit-x-strip"><p class="pmkit-empty">No milestone or timeline event '
            f"has a readable time: nothing to draw.</p>{note}</div>"
        )
    first, last = drawn[0].at, drawn[-1].at
    parts = [
        f'<line x1="{PAD}" y1="{AXIS_Y}" x2="{WIDTH - PAD}" y2="{AXIS_Y}" stroke="#999" '
        'stroke-width="2"/>'
    ]
    events = [(_x(m.at, first, last), m) for m in drawn if not m.milestone]
    milestones = [(_x(m.at, first, last), m) for m in drawn if m.milestone]
    for x, m in events:
        parts.append(
            f'<circle class="pmkit-x-event" cx="{x:.1f}" cy="{AXIS_Y}" r="4" fill="{EVENT_COLOR}">'
            f"<title>{escape(m.label)}</title></circle>"
        )
    for (x, m), row in zip(milestones, _rows(milestones), strict=True):
        y = ROW_Y[row]
        parts.append(
            f'<g class="pmkit-x-milestone" data-milestone="{escape(m.label)}">'
            f'<line x1="{x:.1f}" y1="{y + 4}" x2="{x:.1f}" y2="{AXIS_Y + 8}" stroke="{m.color}" '
            f'stroke-width="2"/><circle cx="{x:.1f}" cy="{AXIS_Y}" r="6" fill="{m.color}"/>'
            f'<text x="{x:.1f}" y="{y}" text-anchor="middle" font-size="11" fill="{m.color}">'
            f"{escape(_label(m))}</text>"
            f"<title>{escape(m.label)}: {escape(_when(m.at))} UTC</title></g>"
        )
    span = last - first
    parts.append(
        f'<text x="{PAD}" y="{AXIS_Y + 22}" font-size="11" text-anchor="start" fill="#333">'
        f"{escape(_when(first))} UTC</text>"
        f'<text x="{WIDTH - PAD}" y="{AXIS_Y + 22}" font-size="11" text-anchor="end" '
        f'fill="#333">{escape(_when(last))} UTC</text>'
        f'<text x="{WIDTH / 2:.0f}" y="{AXIS_Y + 22}" font-size="11" text-anchor="middle" '
        f'fill="#777">{escape(_span_text(span.total_seconds()))}</text>'
    )
    svg = (
        f'<svg class="pmkit-x-strip-svg" width="{WIDTH}" height="{AXIS_Y + 30}" '
        f'viewBox="0 0 {WIDTH} {AXIS_Y + 30}" role="img" '
        f'aria-label="Timeline from {escape(_when(first))} to {escape(_when(last))} UTC">'
        f"{''.join(parts)}</svg>"
    )
    return Html(f'<div class="pmkit-x-strip">{svg}{note}</div>')


def _span_text(seconds: float) -> str:
    if seconds <= 0:
        return "one moment"
    minutes = seconds / 60
    if minutes < 120:
        return f"{minutes:.0f} min"
    hours = minutes / 60
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"
