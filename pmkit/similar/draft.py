"""The most similar past postmortems of a file or a draft that is not in the database.

``pmkit similar PATH`` and the drafting form call this: the text is parsed with ``pmkit.parse``
(public functions only), categorised with the taxonomy as ingest would, and scored against every
incident of the database with the model the database was computed with (or, when it has none,
one fitted on its incidents on the spot). ``SimilarIndex`` loads the corpus once, so a form can
ask again on every change of a field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from pmkit.config import Config, load_config
from pmkit.model import Postmortem
from pmkit.similar import text
from pmkit.similar.features import TEXT_FIELDS, IncidentFeatures, from_postmortem, load
from pmkit.similar.matrix import Matrix
from pmkit.similar.scoring import score_block
from pmkit.similar.tables import MODEL_VERSION, read_state
from pmkit.similar.vectors import from_blobs, time_order, vectorize
from pmkit.taxonomy import Taxonomy, load_taxonomy

MIN_SCORE = 0.3
"""Below this a past incident is not listed as similar (it shares little but boilerplate)."""


@dataclass(frozen=True)
class SimilarIncident:
    """A past incident like the draft, and why."""

    root: str
    """The corpus folder of its file (``root``/``path``)."""
    path: str
    incident_id: str
    title: str
    day: date | None
    severity_label: str | None
    score: float
    text_score: float | None
    """Weighted cosine of the texts both wrote (``scoring``)."""
    field_scores: dict[str, float] = field(default_factory=dict)
    """Cosine per text field both wrote (``title``, ``summary``, ``root_cause``, ``factors``)."""
    shared_services: tuple[str, ...] = ()
    same_trigger: str | None = None
    shared_factor_categories: tuple[str, ...] = ()

    def reasons(self) -> list[str]:
        """The reasons as short phrases, strongest text field first."""
        out = []
        if self.shared_services:
            out.append("service " + ", ".join(self.shared_services))
        if self.same_trigger:
            out.append(f"trigger {self.same_trigger}")
        if self.shared_factor_categories:
            out.append("factors " + ", ".join(self.shared_factor_categories))
        texts = sorted(self.field_scores.items(), key=lambda kv: -kv[1])
        out.extend(f"{name.replace('_', ' ')} {value:.2f}" for name, value in texts if value >= 0.1)
        return out


class SimilarIndex:
    """Every dated incident of a database, ready to be compared with drafts."""

    def __init__(self, con: duckdb.DuckDBPyConnection, config: Config | None = None) -> None:
        self.config = config or load_config()
        feats, _ = load(con)
        self.features = time_order(feats)
        state = read_state(con)
        stored: dict[tuple[str, str, str], tuple[str, bytes]] = {}
        rows = None
        if (
            state is not None
            and state.status == "ok"
            and state.version == MODEL_VERSION
            and state.model is not None
        ):
            try:
                rows = con.execute(
                    "SELECT root, path, incident_id, fingerprint, vector FROM similarity_vectors"
                ).fetchall()
            except duckdb.BinderException:  # written before rows had a root: fit below
                rows = None
        if rows is not None and state is not None and state.model is not None:
            self.model = text.TextModel.from_bytes(state.model)
            stored = {(r, p, i): (fp, blob) for r, p, i, fp, blob in rows}
        else:  # never computed (or too large for ingest): fit on what the database holds
            counts = {
                name: text.counts([f.text(name) for f in self.features], name)
                for name in TEXT_FIELDS
            }
            self.model = text.TextModel.fit(counts)
        fresh = [f for f in self.features if stored.get(f.key, ("",))[0] != f.fingerprint]
        new = dict(zip((f.key for f in fresh), _blobs_of(self.model, fresh), strict=True))
        blobs = [new[f.key] if f.key in new else stored[f.key][1] for f in self.features]
        self.matrix = Matrix.build(self.features, from_blobs(blobs))
        self.info = {
            (r, p, i): (t, d, s)
            for r, p, i, t, d, s in con.execute(
                "SELECT root, path, incident_id, title, COALESCE(CAST(started_at AS DATE), "
                "incident_date), severity_label FROM incidents"
            ).fetchall()
        }
        self._taxonomy: Taxonomy | None = None

    @classmethod
    def open(cls, db_path: str | Path, config: Config | None = None) -> SimilarIndex:
        """Read everything needed from ``db_path`` (read-only) and close it."""
        path = Path(db_path)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such database (run `pmkit ingest` first)")
        con = duckdb.connect(str(path), read_only=True)
        try:
            return cls(con, config)
        finally:
            con.close()

    @property
    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            path = self.config.taxonomy_path
            self._taxonomy = load_taxonomy(path if path.is_file() else None)
        return self._taxonomy

    def query(
        self,
        draft: Postmortem,
        k: int = 5,
        path: str = "<draft>",
        min_score: float = MIN_SCORE,
        root: str | None = None,
    ) -> list[SimilarIncident]:
        """The ``k`` past incidents most like ``draft`` with a score of at least ``min_score``:
        every incident before the draft's start when it has one, else every incident. The
        draft's own file is left out: with ``root`` (a file being edited in the corpus), every
        incident stored for the file ``root``/``path`` (whatever folder it was ingested as);
        without, an incident of a file of the same name and the same id."""
        me = from_postmortem(draft, path, self.taxonomy, root or "")
        if not self.features:
            return []
        m = self.matrix.with_row(me, vectorize(self.model, [me]))
        n = len(self.features)
        block = score_block(m, np.array([n]), np.arange(n))
        name = Path(path).name
        own = Path(root, path) if root is not None else None
        keep = []
        for j, f in enumerate(self.features):
            if me.when is not None and f.when is not None and f.when >= me.when:
                continue
            if root is not None and f.path.endswith(name) and Path(f.root, f.path) == own:
                continue
            if root is None and f.incident_id == me.incident_id and Path(f.path).name == name:
                continue
            if block.score[0, j] >= min_score:
                keep.append(j)
        keep.sort(key=lambda j: (-block.score[0, j], -j))
        out = []
        for j in keep[:k]:
            f = self.features[j]
            title, day, severity = self.info.get(f.key, (None, None, None))
            scores = {
                name: float(v[0, j]) for name, v in block.per_field.items() if not np.isnan(v[0, j])
            }
            text_score = None if np.isnan(block.text[0, j]) else float(block.text[0, j])
            out.append(
                SimilarIncident(
                    root=f.root,
                    path=f.path,
                    incident_id=f.incident_id,
                    title=title or "",
                    day=day,
                    severity_label=severity,
                    score=float(block.score[0, j]),
                    text_score=text_score,
                    field_scores=scores,
                    shared_services=tuple(sorted(set(me.services) & set(f.services))),
                    same_trigger=me.trigger_category
                    if me.trigger_category and me.trigger_category == f.trigger_category
                    else None,
                    shared_factor_categories=tuple(
                        sorted(set(me.factor_categories) & set(f.factor_categories))
                    ),
                )
            )
        return out


def _blobs_of(model: text.TextModel, feats: Sequence[IncidentFeatures]) -> list[bytes]:
    from pmkit.similar.vectors import to_blobs

    return to_blobs(vectorize(model, feats)) if feats else []


def for_draft(
    db_path: str | Path,
    draft: Postmortem,
    k: int = 5,
    config: Config | None = None,
    path: str = "<draft>",
) -> list[SimilarIncident]:
    """The past incidents most like ``draft`` (a ``Postmortem`` the form filled in), best first.
    For repeated calls keep a ``SimilarIndex``."""
    return SimilarIndex.open(db_path, config).query(draft, k, path)


def for_file(
    file: str | Path, db_path: str | Path, k: int = 5, config: Config | None = None
) -> tuple[list[tuple[Postmortem, list[SimilarIncident]]], list[str]]:
    """For each incident in ``file`` (parsed, not ingested): its most similar past incidents.
    Also returns the parser's error messages (a file that cannot be read gives no incident)."""
    from pmkit.parse import parse_file

    config = config or load_config()
    file = Path(file)
    doc = parse_file(file, config=config)
    errors = [
        f"{file}{':' + str(i.line) if i.line else ''}: {i.message}"
        for i in doc.issues
        if i.level == "error"
    ]
    if doc.is_unfilled_template or doc.is_process_doc:
        return [], [
            *errors,
            f"{file}: not a postmortem (an unfilled template or the process document)",
        ]
    index = SimilarIndex.open(db_path, config)
    return [(pm, index.query(pm, k, file.as_posix())) for pm in doc.incidents], errors
