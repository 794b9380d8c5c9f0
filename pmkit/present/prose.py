"""Report prose that states a configured number (a draft "within 48 hours" is ``[targets]
draft_hours`` of pmkit.toml): pmkit's own Markdown, rendered with raw HTML off, so a sentence
in a notebook says the target the numbers were computed with.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt

from pmkit.present.page import Html


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def prose(markdown: str) -> Html:
    """A paragraph (or a few) of Markdown as report HTML; raw HTML in it is shown as text."""
    return Html(f'<div class="pmkit-prose">{_markdown().render(markdown)}</div>')
