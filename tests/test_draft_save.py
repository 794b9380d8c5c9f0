"""Where Save writes: slugs in every script, the corpus's own layout, suffixes instead of
overwriting another postmortem, paths kept inside the corpus, and the mode a new file gets."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkit.draft.model import Draft
from pmkit.draft.save import (
    MAX_SLUG_BYTES,
    SaveError,
    detect_layout,
    free_target,
    new_file_mode,
    relative_target,
    safe_target,
    save_draft,
    slugify,
    write_text,
)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Checkout API returned 500s", "checkout-api-returned-500s"),
        ("Сбой оплаты", "сбой-оплаты"),
        ("Сбой доставки заказов", "сбой-доставки-заказов"),
        ("Ünïcødé", "ünïcødé"),
        ("Café outage – EU", "café-outage-eu"),
        ("決済サービスの障害", "決済サービスの障害"),
        ("خطأ في الدفع", "خطأ-في-الدفع"),
        ("भुगतान विफल", "भुगतान-विफल"),  # vowel signs are marks: kept with their letters
        ("Ｆｕｌｌｗｉｄｔｈ ＡＰＩ", "fullwidth-api"),  # NFKC
        ("Timeout parsing List<Order> when qty > 5 & <none> set", "timeout-parsing-list-order-when-qty-5-none-set"),
        ("../../etc/passwd", "etc-passwd"),
        ("/abs/path\x00nul", "abs-path-nul"),
        (".hidden", "hidden"),
        ("a\u202eb\u200dc\x07d", "a-b-c-d"),  # bidi override, joiner, bell: never in a name
        ("CON", "incident-con"),
        ("nul", "incident-nul"),
        ("", "incident"),
        ("***", "incident"),
    ],
)  # fmt: skip
def test_slugify_keeps_letters_of_every_script(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_two_titles_in_another_script_get_two_names() -> None:
    """The bug this fixes: both used to be ``2026-11-21-incident.md``."""
    day = datetime(2026, 11, 21, 9, 0)
    a = relative_target(Draft(title="Сбой оплаты", started_at=day), date(2026, 11, 22))
    b = relative_target(Draft(title="Сбой доставки заказов", started_at=day), date(2026, 11, 22))
    assert a == Path("2026/11/2026-11-21-сбой-оплаты.md")
    assert b == Path("2026/11/2026-11-21-сбой-доставки-заказов.md")


@settings(max_examples=300, deadline=None)
@given(title=st.text(st.characters(codec="utf-8"), max_size=300))
def test_any_title_gives_a_safe_bounded_name(title: str) -> None:
    slug = slugify(title)
    assert slug and len(slug.encode("utf-8")) <= MAX_SLUG_BYTES
    assert not slug.startswith(("-", ".")) and not slug.endswith("-")
    assert "/" not in slug and "\\" not in slug and "\x00" not in slug and ".." not in slug
    assert all(c == "-" or unicodedata.category(c)[0] in "LNM" for c in slug)
    assert slugify(slug) == slug


def test_long_titles_are_cut_at_a_character(tmp_path: Path) -> None:
    for title in ("x" * 300, "я" * 300, "日本" * 200):
        slug = slugify(title)
        assert len(slug.encode("utf-8")) <= MAX_SLUG_BYTES
        (tmp_path / f"2026-01-01-{slug}-999.md").write_text("ok")  # the file system takes it


@pytest.mark.parametrize(
    ("files", "layout", "target"),
    [
        ([], "year/month", "2026/03/2026-03-04-x.md"),
        (["2025/11/a.md", "2025/12/b.md", "README.md"], "year/month", "2026/03/2026-03-04-x.md"),
        (["2025/a.md", "2024/b.md", "2025/12/c.md"], "year", "2026/2026-03-04-x.md"),
        (["a.md", "b.md", "notes/c.md"], "flat", "2026-03-04-x.md"),
        (["2025/11/a.txt", "team/2025/b.md"], "year/month", "2026/03/2026-03-04-x.md"),
    ],
)
def test_layout_follows_the_corpus(
    tmp_path: Path, files: list[str], layout: str, target: str
) -> None:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# x\n")
    assert detect_layout(tmp_path) == layout
    draft = Draft(title="x", started_at=datetime(2026, 3, 4, 14, 5))
    assert relative_target(draft, date(2026, 3, 6), detect_layout(tmp_path)) == Path(target)


def test_layout_of_the_sample_corpus() -> None:
    corpus = Path(__file__).resolve().parents[1] / "data" / "corpus"
    assert detect_layout(corpus) == "year/month"


def test_a_taken_name_gets_a_suffix_not_an_overwrite(tmp_path: Path) -> None:
    rel = Path("2026/11/2026-11-21-сбой-оплаты.md")
    first, rel1 = save_draft(tmp_path, rel, "first")
    second, rel2 = save_draft(tmp_path, rel, "second")
    third, rel3 = save_draft(tmp_path, rel, "third")
    assert (rel1, rel2, rel3) == (
        rel,
        Path("2026/11/2026-11-21-сбой-оплаты-2.md"),
        Path("2026/11/2026-11-21-сбой-оплаты-3.md"),
    )
    assert [p.read_text() for p in (first, second, third)] == ["first", "second", "third"]
    # the file being edited is updated in place, under its own name
    again, rel_again = save_draft(tmp_path, rel2, "second, edited", editing=second)
    assert (again, rel_again) == (second, rel2)
    assert second.read_text() == "second, edited" and first.read_text() == "first"
    assert free_target(tmp_path, rel, editing=first) == rel
    assert free_target(tmp_path, rel) == Path("2026/11/2026-11-21-сбой-оплаты-4.md")
    assert sorted(p.name for p in first.parent.iterdir()) == [
        "2026-11-21-сбой-оплаты-2.md",
        "2026-11-21-сбой-оплаты-3.md",
        "2026-11-21-сбой-оплаты.md",
    ]


def test_a_dangling_symlink_counts_as_taken(tmp_path: Path) -> None:
    (tmp_path / "a.md").symlink_to(tmp_path / "nowhere.md")
    assert free_target(tmp_path, Path("a.md")) == Path("a-2.md")


def test_safe_target_refuses_escapes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    assert safe_target(corpus, Path("2026/a.md")) == (corpus / "2026/a.md").resolve()
    for bad in ("../a.md", "/etc/a.md", "2026/../../a.md", "a\x00.md"):
        with pytest.raises(SaveError):
            safe_target(corpus, Path(bad))
    outside = tmp_path / "outside"
    outside.mkdir()
    (corpus / "2027").symlink_to(outside)
    with pytest.raises(SaveError):
        safe_target(corpus, Path("2027/a.md"))


def test_write_is_create_only_unless_told(tmp_path: Path) -> None:
    target = tmp_path / "2026" / "a.md"
    write_text(target, "one")
    with pytest.raises(SaveError):
        write_text(target, "two")
    assert target.read_text() == "one"
    write_text(target, "three", overwrite=True)
    assert target.read_text() == "three"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.md"]


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077, 0o027])
def test_saved_file_gets_the_umask_mode(tmp_path: Path, umask: int) -> None:
    """Not the temporary file's 0600 (issue 15, item 17): a report run by another user must be
    able to read a saved draft. Run in a child process, so the umask is the process's own."""
    code = (
        "import os, stat, sys\n"
        "from pathlib import Path\n"
        "from pmkit.draft.save import save_draft, new_file_mode\n"
        f"os.umask({umask})\n"
        "p, _ = save_draft(Path(sys.argv[1]), Path('2026/03/a.md'), 'x')\n"
        "q, _ = save_draft(Path(sys.argv[1]), Path('2026/03/a.md'), 'y', editing=p)\n"
        "print(oct(stat.S_IMODE(p.stat().st_mode)), oct(new_file_mode()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [oct(0o666 & ~umask)] * 2
    assert [p.name for p in (tmp_path / "2026" / "03").iterdir()] == ["a.md"]  # no temp left


def test_new_file_mode_matches_a_plain_open(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert new_file_mode() == stat.S_IMODE(plain.stat().st_mode)
    assert os.access(plain, os.R_OK)
