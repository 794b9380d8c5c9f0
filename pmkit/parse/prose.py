"""The free text of a section as its author wrote it, without what the template left there.

A filled template often keeps the template's own text: its guidance ("Apply systems thinking to
explain how the incident unfolded. Avoid blame; focus on contributing factors."), sub-items that
stand where values go ("Item 1", "% of users affected", "[Description]") and ``- **Key**:`` lines
nobody filled. None of it is the author's text, so none of it belongs in root_cause, lessons,
customer_impact or the summary. What counts as template text is what
:func:`pmkit.normalize.placeholders.is_placeholder` recognises (its table holds the seed
templates' sentences verbatim). A bold line with no colon and nothing after it (seed-000's
``- **What should we keep doing?**``) is kept: in a list of lessons it is as often the author's
own point.
"""

from __future__ import annotations

from collections.abc import Callable

from pmkit.normalize.placeholders import is_placeholder
from pmkit.parse.inline import plain
from pmkit.parse.keyvalues import KeyValue, split_key_value
from pmkit.parse.tree import Block, ListBlock, ListItem, Paragraph, Quote, Section, Table


def _is_template_line(raw: str) -> bool:
    """A line that is a placeholder, or a ``Key: value`` line whose value is one."""
    text = plain(raw)
    if is_placeholder(text):
        return True
    kv = split_key_value(raw)
    return kv is not None and bool(kv[1]) and is_placeholder(plain(kv[1]))


def _paragraph_text(raw: str) -> str:
    """The paragraph without its template lines; nothing when what remains is a placeholder
    (``[Describe the`` / ``impact]`` wrapped over two lines)."""
    kept = [line for line in raw.split("\n") if not _is_template_line(line)]
    text = plain("\n".join(kept)) if kept else ""
    return "" if is_placeholder(text) else text


def _item_texts(item: ListItem) -> list[str]:
    nested = blocks_prose(item.children)
    first, _, rest = item.raw.partition("\n")
    kv = split_key_value(first)
    if kv is not None:
        value = plain(f"{kv[1]}\n{rest}")
        if is_placeholder(value):
            # "- **Early Signals We Missed**:" left empty: a label only for what is nested in it
            return [f"{kv[0]}:", *nested] if nested else []
    text = plain(item.raw)
    return ([] if is_placeholder(text) else [text]) + nested


def value_prose(kv: KeyValue) -> str:
    """A field's value read as prose is: each paragraph without its template lines, and left
    out when what remains is a placeholder (``- **What happened:** ...`` reads as a section's
    paragraphs would)."""
    texts = [_paragraph_text(p) for p in kv.value_paragraphs()]
    return "\n".join(t for t in texts if t)


def prose_texts(block: Block) -> list[str]:
    """The author's texts in one block, one per paragraph, list item or table row."""
    if isinstance(block, Paragraph):
        text = _paragraph_text(block.raw)
        return [text] if text else []
    if isinstance(block, ListBlock):
        return [t for item in block.items for t in _item_texts(item)]
    if isinstance(block, Table):
        return [
            " | ".join(plain(c) for c in row)
            for row in block.rows
            if not all(is_placeholder(plain(c)) for c in row)
        ]
    if isinstance(block, Quote):
        return blocks_prose(block.blocks)
    return []


def blocks_prose(blocks: list[Block]) -> list[str]:
    return [t for block in blocks for t in prose_texts(block)]


def children_prose(section: Section, keep: Callable[[Section], bool] = lambda _: True) -> list[str]:
    """Each subsection's title and prose (those ``keep`` accepts), skipping empty ones."""
    parts: list[str] = []
    for child in section.children:
        text = section_prose(child) if keep(child) else ""
        if text:
            parts += [plain(child.title), text]
    return parts


def section_prose(section: Section) -> str:
    """Like :func:`pmkit.parse.blocks.section_text`, without the template's text: a subsection
    left with nothing of the author's under it is left out, heading and all."""
    parts = blocks_prose(section.blocks) + children_prose(section)
    return "\n".join(p for p in parts if p).strip()
