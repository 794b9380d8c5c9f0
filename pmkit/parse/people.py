"""Who worked the incident: the ``responders`` list.

Read from every commander or responders field (``Incident commander:``, ``Responders:``,
``Participants:``, front matter ``responders: [...]``) and from a section whose heading names the
responders (``## Responders`` over a list of handles), in the order written, each person once.
"""

from __future__ import annotations

from pmkit.parse.context import Document
from pmkit.parse.names import people_in
from pmkit.parse.tree import ListBlock, Paragraph

_MAX_PEOPLE = 50
"""A "responders" list longer than this is something else (a log, a table of users)."""


def responders(doc: Document) -> list[str]:
    """Everyone named in a commander or responders field or section, in the order written, once
    each. Every such key counts (seed-000 has both "Primary responder" and "Contributors")."""
    people: list[str] = []

    def add(raw: str) -> None:
        people.extend(p for p in people_in(raw) if p not in people)

    for kv in doc.kvs:
        if kv.field in ("commander", "responders"):
            for raw in kv.item_sources() or [kv.raw]:
                add(raw)
    for section in doc.sections.get("responders", []):
        for block in section.blocks:
            if isinstance(block, ListBlock):
                for item in block.items:
                    add(item.raw.partition("\n")[0])
            elif isinstance(block, Paragraph) and len(block.raw) <= 200:
                add(block.raw)
    return people[:_MAX_PEOPLE]
