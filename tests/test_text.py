"""text.same_normalized: its shortcut must never call two texts different that normalize the same."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

from jixiao.ingest.recognize import read_path
from jixiao.text import _IDEOGRAPHS_KEPT, normalized, same_normalized

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.txt"))


def _ideographs(text: str) -> str:
    return "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")


def test_shortcut_characters_make_no_ideographs() -> None:
    """Every character the shortcut accepts keeps the ideographs of a text as they are under NFKC."""
    accepted = [chr(cp) for cp in range(sys.maxunicode + 1)
                if not 0xD800 <= cp <= 0xDFFF and not _IDEOGRAPHS_KEPT.search(chr(cp))]
    assert len(accepted) > 20000  # the class really admits the common characters
    for ch in accepted:
        assert _ideographs(unicodedata.normalize("NFKC", ch)) == _ideographs(ch), hex(ord(ch))


@pytest.mark.parametrize(("a", "b"), [
    ("完成督查任务，提高效率。", "完成督查任务,提高效率."),  # full-width punctuation
    ("完成 督查　任务", "完成督查任务"),  # spaces between ideographs
    ("完成督查任务", "完成督察任务"),
    ("⼀年完成", "一年完成"),  # a Kangxi radical normalizes to the ideograph
    ("〸项任务", "十项任务"),
    ("㈠完成", "(一)完成"),
    ("<p>完成任务</p>", "完成任务"),
    ("完成督查任务" * 8 + "⼀项", "完成督查任务" * 8 + "一项"),  # same beginnings, the radical further on
    ("完成督查任务" * 8 + "甲", "完成督查任务" * 8 + "乙"),
    ("完成督查任务" * 8, "完成督查任务" * 9),
    ("", ""),
])
def test_same_normalized_agrees_with_normalized(a: str, b: str) -> None:
    assert same_normalized(a, b) == (normalized(a) == normalized(b))


def test_same_normalized_on_seed_goals() -> None:
    goals = [t for p in EXAMPLES for ev in read_path(p).evaluations
             for t in (ev.goals.expected, ev.goals.achieved) if t]
    assert len(goals) > 50
    for a in goals[:40]:
        for b in goals[:40]:
            assert same_normalized(a, b) == (normalized(a) == normalized(b))
