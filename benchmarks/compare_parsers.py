"""Every DuckDB table of an ingest, row for row: markdown-it-py against markdown-it-pyrs.

``python benchmarks/compare_parsers.py`` ingests each corpus twice, each time in a fresh child
process (``pmkit.store.ingest_paths``, with its worker pool): once with
``PMKIT_MARKDOWN=markdown-it-py`` (every document tokenized by markdown-it-py, as before
markdown-it-pyrs), once as pmkit ships (markdown-it-pyrs, markdown-it-py where
``pmkit.parse.native`` says the two differ). Then it compares every table of the two databases
with ``EXCEPT ALL`` both ways, leaving out only the columns that hold the time of the run, and
prints one line per table and corpus, plus how many documents went to markdown-it-py and why.

Corpora (``--corpus NAME`` picks some): the seeds, the demo corpus ``data/corpus``, both real
corpora, the hostile corpus (``tests/fixtures/hostile/make_hostile.py``), a fuzz corpus of
``--fuzz N`` generated files (Markdown built from the field aliases and section names the parser
fuzz uses, plus pieces at the parsers' known edges, with LF, CRLF and CR line ends), and, with
``--synth N``, a synthetic corpus (``pmkit synth``, seed 8, as the benchmarks use).

Exit code 0 when every table is identical on every corpus, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
VOLATILE = {
    ("documents", "ingested_at"),
    ("similarity_state", "computed_at"),
    ("similarity_state", "fitted_at"),
}
"""Columns that hold when the ingest ran: they differ between any two runs."""

_INGEST = """
import json, sys
from pathlib import Path
from pmkit.store import ingest_paths
s = ingest_paths([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]))
print(json.dumps({"files": s.files, "parsed": s.parsed, "incidents": s.incidents,
                  "errors": s.errors, "seconds": s.seconds}))
"""


def ingest(paths: list[Path], db: Path, parser: str) -> dict:
    env = dict(os.environ)
    env.pop("PMKIT_MARKDOWN", None)
    if parser == "markdown-it-py":
        env["PMKIT_MARKDOWN"] = "markdown-it-py"
    proc = subprocess.run(
        [sys.executable, "-c", _INGEST, str(db), *map(str, paths)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed ({parser}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare(db_py: Path, db_rs: Path) -> dict[str, tuple[int, int, int]]:
    """Per table: (rows, rows only with markdown-it-py, rows only with markdown-it-pyrs)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{db_py}' AS py (READ_ONLY)")
        con.execute(f"ATTACH '{db_rs}' AS rs (READ_ONLY)")
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = 'py' AND table_schema = 'main' ORDER BY table_name"
            ).fetchall()
        ]
        out = {}
        for table in tables:
            cols = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_catalog = "
                    "'py' AND table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if (table, c) not in VOLATILE
            ]
            select = ", ".join(f'"{c}"' for c in cols)
            # table and column names come from the databases' own catalogue
            py_rows = f"SELECT {select} FROM py.{table}"  # noqa: S608
            rs_rows = f"SELECT {select} FROM rs.{table}"  # noqa: S608
            count = "SELECT count(*) FROM ({})"
            rows = con.execute(count.format(py_rows)).fetchone()[0]
            only_py = con.execute(count.format(f"{py_rows} EXCEPT ALL {rs_rows}")).fetchone()[0]
            only_rs = con.execute(count.format(f"{rs_rows} EXCEPT ALL {py_rows}")).fetchone()[0]
            out[table] = (rows, only_py, only_rs)
        return out
    finally:
        con.close()


def fallbacks(paths: list[Path]) -> Counter[str]:
    """How many documents of ``paths`` markdown-it-py tokenizes, by reason."""
    from pmkit.corpus import discover
    from pmkit.parse.blocks import _toml_front_matter
    from pmkit.parse.decode import decode_bytes
    from pmkit.parse.document import MAX_PARSE_CHARS

    reasons: Counter[str] = Counter()
    for src in discover(paths)[0]:
        try:
            if src.refused or not stat.S_ISREG(src.path.stat().st_mode):
                continue  # reading the hostile corpus's named pipe would block for ever
            decoded = decode_bytes(src.path.read_bytes())
        except OSError:
            continue
        if decoded.is_binary or not decoded.text.strip():
            continue
        from pmkit.parse import native

        text = _toml_front_matter(decoded.text[:MAX_PARSE_CHARS])[1]
        reasons[native.fallback_reason(text) or "markdown-it-pyrs"] += 1
    return reasons


# -- the fuzz corpus -----------------------------------------------------------------------------

EDGES = [
    *["- ", "* ", "1. ", "2) ", "> ", "\n> ", "## ", "    ", "\t", "```", "~~~", "\n---\n"],
    *["| a | b |", "|---|---|", "\\|", "<div>", "<!--", "<pre>", "<?x", "[a]: http://x"],
    *["[a]:", "<http://y z>", "&amp;", "\\", "**b**", "[l](u)", "- [x] ", "\n", "\n\n"],
    *["é", "日本", "...", "+++"],
]
RARE_EDGES = ["\xa0", "\u2003", "\x0c", "<!doctype html>", "\x00"]
"""Pieces that send most documents holding them to markdown-it-py (or make them binary):
rare, so that most of the fuzz corpus goes through markdown-it-pyrs."""
VALUES = [
    *["2026-03-04", "2026-02-30", "YYYY-MM-DD", "14:05", "HH:MM", "2026-03-04 14:05 UTC"],
    *["Mar 4, 2026 2:05 PM PST", "14:05 UTC to 15:40 UTC", "1h 35m", "SEV-1", "P0/P1/P2"],
    *["Critical", "[Name]", "Open/Done", "@alice, Bob Smith and team-x", "ABC-123", "#123"],
    *["https://example.com/t/1", "In Progress", "{{ title }}", "<script>alert(1)</script>"],
    *["3â€“5", "", " ", "|", "**", "\\", "Ops \\& Infra", "OPS-12\\: DB down", "`code`"],
]
SECTIONS = [
    *["Summary", "Executive Summary", "Impact", "Timeline", "Timeline (all times PST)"],
    *["2026-03-04", "Mar 4", "Root Cause", "Trigger", "Contributing Factors", "Resolution"],
    *["Detection", "Action Items", "Corrective Actions", "Follow-ups", "Lessons Learned"],
    *["What went well", "Incident 2: repeat", "Purpose"],
]


def fuzz_text(rng: random.Random, keys: list[str]) -> str:
    def value() -> str:
        if rng.random() < 0.12:
            pool = RARE_EDGES if rng.random() < 0.02 else EDGES
            return "".join(rng.choice(pool) for _ in range(rng.randint(1, 6)))
        return rng.choice(VALUES)

    blocks = []
    if rng.random() < 0.3:
        blocks.append(f"---\ntitle: {value()}\nseverity: SEV{rng.randint(0, 4)}\n---")
    blocks.append(f"# {rng.choice(['Postmortem: ', 'Incident ', ''])}{value() or 'Outage'}")
    for _ in range(rng.randint(1, 25)):
        kind = rng.random()
        if kind < 0.15:
            blocks.append("#" * rng.randint(2, 4) + " " + rng.choice(SECTIONS))
        elif kind < 0.4:
            shape = rng.choice(["**{k}**: {v}", "**{k}:** {v}", "- {k}: {v}", "{k}: {v}"])
            blocks.append(shape.format(k=rng.choice(keys).title(), v=value()))
        elif kind < 0.55:
            cols = rng.randint(1, 5)
            head = [rng.choice([*keys, "Time", "Event", "Action"]) for _ in range(cols)]
            lines = ["| " + " | ".join(head) + " |", "|" + "---|" * cols]
            for _ in range(rng.randint(0, 6)):
                row = [value().replace("\n", " ") for _ in range(rng.randint(0, cols + 1))]
                lines.append("| " + " | ".join(row) + " |")
            blocks.append("\n".join(lines))
        elif kind < 0.7:
            items = [
                f"{'  ' * rng.randint(0, 3)}{rng.choice(['- ', '- [ ] ', '- [x] ', '1. '])}"
                f"{value()}"
                for _ in range(rng.randint(1, 8))
            ]
            blocks.append("\n".join(items))
        elif kind < 0.75:
            blocks.append("".join(rng.choice(EDGES) for _ in range(rng.randint(1, 12))))
        elif kind < 0.85:
            blocks.append("```\ncode | not | a table\n```")
        elif kind < 0.9:
            blocks.append(f"> quoted **Severity**: {value()}")
        else:
            blocks.append(value())
    newline = rng.choice(["\n", "\n", "\n\n", "\r\n", "\r"])
    return "\n".join(blocks).replace("\n", newline)


def write_fuzz(folder: Path, n: int, seed: int) -> Path:
    from pmkit.parse.fields import ALIASES

    keys = sorted({alias for aliases in ALIASES.values() for alias in aliases})
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        data = fuzz_text(rng, keys).encode("utf-8", errors="replace")
        (folder / f"fuzz-{i:06d}.md").write_bytes(data)
    return folder


# -- main -------------------------------------------------------------------------------------


def corpora(args: argparse.Namespace, work: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {
        "seeds": [SHARED / "seeds"],
        "demo": [REPO / "data" / "corpus"],
        "corpus-real": [SHARED / "corpus-real"],
        "corpus-real2": [SHARED / "corpus-real2"],
        "hostile": [work / "hostile"],
        "fuzz": [work / "fuzz"],
    }
    if args.synth:
        out["synth"] = [work / f"synth-{args.synth}"]
    if args.corpus:
        out = {name: paths for name, paths in out.items() if name in args.corpus}
    return out


def prepare(name: str, paths: list[Path], args: argparse.Namespace) -> None:
    if name == "hostile":
        sys.path.insert(0, str(REPO / "tests" / "fixtures" / "hostile"))
        from make_hostile import make_hostile

        make_hostile(paths[0])
    elif name == "fuzz":
        write_fuzz(paths[0], args.fuzz, args.seed)
    elif name == "synth":
        subprocess.run(
            [sys.executable, "-m", "pmkit.cli", "synth", "--n", str(args.synth), "--seed", "8"]
            + ["--out", str(paths[0])],
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", help="only these corpora (repeatable)")
    parser.add_argument("--fuzz", type=int, default=5000, help="files in the fuzz corpus")
    parser.add_argument("--seed", type=int, default=19, help="seed of the fuzz corpus")
    parser.add_argument("--synth", type=int, default=0, help="also a synthetic corpus of N")
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    work = Path(tempfile.mkdtemp(prefix="pmkit-compare-"))
    results: dict[str, dict] = {}
    identical = True
    try:
        for name, paths in corpora(args, work).items():
            prepare(name, paths, args)
            py_db, rs_db = work / f"{name}-py.duckdb", work / f"{name}-rs.duckdb"
            run_py = ingest(paths, py_db, "markdown-it-py")
            run_rs = ingest(paths, rs_db, "markdown-it-pyrs")
            tables = compare(py_db, rs_db)
            reasons = fallbacks(paths)
            differ = {t: v for t, v in tables.items() if v[1] or v[2]}
            identical &= not differ
            rows = sum(v[0] for v in tables.values())
            print(
                f"{name}: {run_rs['files']} files, {len(tables)} tables, {rows} rows: "
                + ("IDENTICAL" if not differ else f"DIFFERENT in {sorted(differ)}")
                + f"; ingest {run_py['seconds']:.1f} s (markdown-it-py) vs "
                f"{run_rs['seconds']:.1f} s (markdown-it-pyrs)",
                flush=True,
            )
            for table, (n, only_py, only_rs) in tables.items():
                mark = "" if not (only_py or only_rs) else f"  <- {only_py} / {only_rs} differ"
                print(f"    {table:24} {n:>8} rows{mark}")
            print("    tokenized by: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()))
            results[name] = {
                "files": run_rs["files"],
                "tables": {t: list(v) for t, v in tables.items()},
                "identical": not differ,
                "tokenized_by": dict(reasons),
                "seconds": {"markdown-it-py": run_py["seconds"], "pmkit": run_rs["seconds"]},
            }
            if name == "hostile":
                from make_hostile import cleanup

                cleanup(paths[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print("every table identical on every corpus" if identical else "TABLES DIFFER")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
