"""Same outputs before and after a change that should not change them (a move, a speed-up).

``python benchmarks/compare_runs.py run DIR`` ingests the seeds, the demo corpus (``data/corpus``,
with ``data/pmkit.toml``) and both real corpora, each into its own DuckDB file in ``DIR``, through
the ``pmkit`` command of this checkout, then runs ``pmkit report`` on the demo corpus (as-of
2026-11-16) into ``DIR/reports``. Run it once on the old code (a checkout of main, or before the
first commit) and once on the new, into two folders.

``python benchmarks/compare_runs.py diff BEFORE AFTER`` then compares:

- every table of each pair of databases with ``EXCEPT ALL`` both ways (as
  ``benchmarks/compare_parsers.py`` does, leaving out only the columns that hold the time of the
  run), one line per table and corpus;
- the executed report notebooks, output for output: Markdown cells, streams and every text
  output (the headline numbers, the tables, the charts' inline SVG), with the time the
  similarity was computed (the time of the run) masked. It prints each difference it finds.

Exit code 0 when everything is the same, 1 otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_parsers import compare  # noqa: E402  (the sibling script, as a module)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
AS_OF = "2026-11-16"
CORPORA: dict[str, tuple[Path, tuple[str, ...]]] = {
    "seeds": (SHARED / "seeds", ()),
    "demo": (REPO / "data" / "corpus", ("--config", str(REPO / "data" / "pmkit.toml"))),
    "real": (SHARED / "corpus-real", ()),
    "real2": (SHARED / "corpus-real2", ()),
}
RUN_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")
"""When the similarity was computed, as the recurring-incidents report says it."""


def _pmkit(*args: str) -> None:
    pmkit = Path(sys.executable).with_name("pmkit")
    proc = subprocess.run([str(pmkit), *args], cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"pmkit {' '.join(args)} failed:\n{proc.stderr[-3000:]}")


def run(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, (corpus, extra) in CORPORA.items():
        if corpus.is_dir():
            _pmkit("ingest", str(corpus), "--db", str(out / f"{name}.duckdb"), "--quiet", *extra)
            print(f"ingested {name}")
    demo, extra = CORPORA["demo"]
    report_db, reports = str(out / "report.duckdb"), str(out / "reports")
    _pmkit(
        "report",
        "--corpus",
        str(demo),
        "--db",
        report_db,
        "--out",
        reports,
        "--as-of",
        AS_OF,
        *extra,
    )
    print(f"reports in {reports}")


def _outputs(path: Path) -> list[tuple[str, str]]:
    """(kind, text) of every Markdown cell and every output of ``path``, in order."""
    import nbformat

    found: list[tuple[str, str]] = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            found.append(("markdown", cell.source))
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                found.append(("stream", output.text))
            elif output.output_type == "error":
                found.append(("error", f"{output.ename}: {output.evalue}"))
            for kind, value in output.get("data", {}).items():
                text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
                found.append((kind, RUN_TIME.sub("<run time>", text)))
    return found


def _show(kind: str, old: str, new: str) -> None:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            print(f"    {kind} {op}: {old[max(0, i1 - 60) : i2 + 20]!r}")
            print(f"    {' ' * len(kind)} {'=' * len(op)}> {new[max(0, j1 - 60) : j2 + 20]!r}")


def diff(before: Path, after: Path) -> bool:
    same = True
    for name in (*CORPORA, "report"):
        old, new = before / f"{name}.duckdb", after / f"{name}.duckdb"
        if not old.is_file():
            continue
        for table, (rows, only_old, only_new) in compare(old, new).items():
            ok = only_old == only_new == 0
            same &= ok
            print(f"{name:7} {table:28} {rows:7} rows  {'same' if ok else 'DIFFERENT'}", end="")
            print("" if ok else f" ({only_old} only before, {only_new} only after)")
    runs = sorted((before / "reports").glob("*/*.ipynb"))
    for nb in runs:
        other = after / "reports" / nb.parent.name / nb.name
        old_out, new_out = _outputs(nb), _outputs(other) if other.is_file() else []
        differ = [
            (i, a, b) for i, (a, b) in enumerate(zip(old_out, new_out, strict=False)) if a != b
        ]
        ok = not differ and len(old_out) == len(new_out)
        same &= ok
        print(f"report  {nb.name:28} {len(old_out):7} outputs  {'same' if ok else 'DIFFERENT'}")
        for i, (kind, old), (_, new) in differ:
            print(f"  output {i}:")
            _show(kind, old, new)
    if not runs:
        print("no executed report notebooks under", before / "reports")
        same = False
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_cmd = sub.add_parser("run", help="ingest the corpora and run the demo reports into DIR")
    run_cmd.add_argument("dir", type=Path)
    diff_cmd = sub.add_parser("diff", help="compare two folders made by `run`")
    diff_cmd.add_argument("before", type=Path)
    diff_cmd.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "run":
        run(args.dir)
        return 0
    return 0 if diff(args.before, args.after) else 1


if __name__ == "__main__":
    sys.exit(main())
