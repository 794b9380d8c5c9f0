"""One renderer per postmortem shape: ``render(truth) -> str`` (Markdown text, ``\\n`` line ends)."""
