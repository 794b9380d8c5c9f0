"""Drafting a postmortem: a draft model, Markdown rendering into a template, validation, the form.

The pure functions (``render``, ``validate``) know nothing of widgets, so they are tested alone and
the form (``pmkit.draft.form``) stays a thin layer over them.
"""

from pmkit.draft.model import Draft, DraftAction, DraftEvent, DraftFactor
from pmkit.draft.render import TEMPLATES, render
from pmkit.draft.validate import Message, validate

__all__ = [
    "TEMPLATES",
    "Draft",
    "DraftAction",
    "DraftEvent",
    "DraftFactor",
    "Message",
    "render",
    "validate",
]
