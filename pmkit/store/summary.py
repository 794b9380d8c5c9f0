"""What an ingest did, as ``pmkit ingest`` prints it: files parsed, unchanged and removed; the
incidents, actions and issues found; the folders that held no postmortem; what the register and
the similarity refresh did."""

from __future__ import annotations

from dataclasses import dataclass, field

from pmkit.corpus import SUFFIXES
from pmkit.model import ParsedDocument


@dataclass
class IngestSummary:
    files: int = 0
    parsed: int = 0
    unchanged: int = 0
    removed: int = 0
    incidents: int = 0
    actions: int = 0
    warnings: int = 0
    errors: int = 0
    unfilled: int = 0
    process_docs: int = 0
    seconds: float = 0.0
    error_messages: list[str] = field(default_factory=list)
    register: str = ""
    """The incident register's summary (pmkit.register.store.RegisterBatch.render)."""
    similarity: str = ""
    """What the similar-incidents refresh did (pmkit.similar.cache.RefreshSummary.render)."""
    empty_folders: list[str] = field(default_factory=list)
    """Folders given that hold no postmortem file at all (a typo, or the wrong folder)."""

    def render(self) -> str:
        lines = [
            f"files: {self.files} ({self.parsed} parsed, {self.unchanged} unchanged, "
            f"{self.removed} removed)",
            f"incidents: {self.incidents}   actions: {self.actions}   unfilled templates: "
            f"{self.unfilled}   process docs: {self.process_docs}",
            f"issues: {self.errors} errors, {self.warnings} warnings   ({self.seconds:.2f} s)",
        ]
        lines.extend(f"  error: {m}" for m in self.error_messages[:20])
        if len(self.error_messages) > 20:
            lines.append(f"  ... and {len(self.error_messages) - 20} more (see table parse_issues)")
        lines.extend(
            f"no postmortems in {folder} (none of its files ends in {', '.join(SUFFIXES)})"
            for folder in self.empty_folders
        )
        if self.register:
            lines.append(self.register)
        if self.similarity:
            lines.append(self.similarity)
        return "\n".join(lines)


def count_parsed(summary: IngestSummary, doc: ParsedDocument) -> None:
    """Add one parsed file to the ingest summary."""
    summary.parsed += 1
    summary.incidents += 0 if doc.is_unfilled_template else len(doc.incidents)
    summary.actions += sum(len(pm.actions) for pm in doc.incidents)
    summary.unfilled += doc.is_unfilled_template
    summary.process_docs += doc.is_process_doc
    for issue in doc.issues:
        if issue.level == "error":
            summary.errors += 1
            line = f":{issue.line}" if issue.line else ""
            summary.error_messages.append(f"{doc.path}{line}: {issue.message}")
        elif issue.level == "warning":
            summary.warnings += 1
