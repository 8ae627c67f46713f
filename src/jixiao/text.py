"""Cleaning printed text: artifacts of export, wrapped and vertical text, label keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_P_BREAK = re.compile(r"\s*</p>\s*<p>\s*|<br\s*/?>", re.I)
_TAGS = re.compile(r"</?p>", re.I)
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
# A line break with CJK (or CJK punctuation) on both sides is a wrap, not a separator.
_WRAP = re.compile(rf"(?<=[{_CJK}\uff08\uff09()（）：:、，。%\d])\n(?=[{_CJK}\uff08\uff09()（）\d])")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \u3000\xa0]+(?=[{_CJK}])")


def strip_artifacts(text: str) -> str:
    """Remove export artifacts: Word bookmarks, HTML paragraph tags."""
    if "[" in text:
        text = _BOOKMARK.sub("", text)
    if "<" in text:
        text = _P_BREAK.sub("\n", text)
        text = _TAGS.sub("", text)
    return text


def clean(text: str) -> str:
    """A cell's value as printed: artifacts gone, wrapped lines joined, ends trimmed.

    Spaces inside the text are kept as found ("按时  完成"); use :func:`normalized`
    for comparisons.
    """
    if "\n" not in text and "[" not in text and "<" not in text:
        return text.strip(" \t\u3000\xa0")
    text = strip_artifacts(text)
    if "\n" in text:
        lines = [ln.strip() for ln in text.split("\n")]
        text = "\n".join(ln for ln in lines if ln)
        text = _WRAP.sub("", text)
    return text.strip(" \t\u3000\xa0\n")


def clean_block(text: str) -> str:
    """Free text (goals, notes, remarks): like :func:`clean` but paragraphs keep their breaks."""
    text = strip_artifacts(text)
    lines = [ln.strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def normalized(text: str) -> str:
    """For comparing: NFKC, spaces between CJK characters removed, runs of space collapsed."""
    text = unicodedata.normalize("NFKC", clean(text))
    text = _CJK_GAP.sub("", text)
    return _SPACES.sub(" ", text).strip()


# NFKC keeps every CJK unified ideograph as it is, in order, and makes none out of the characters
# outside this class (tests/test_text.py checks each one); spacing leaves ideographs alone.
_IDEOGRAPHS_KEPT = re.compile(r"[^\u0000-\u2e7f\u3000-\u3037\u303b-\u318f\u31a0-\u31ff\u4e00-\u9fff\uff00-\uffef]")
_NOT_IDEOGRAPH = re.compile(r"[^\u4e00-\u9fff]+")
_HEAD = 32


def _ideographs_part_ways(a: str, b: str) -> bool:
    """True when the ideographs of two texts (or of their beginnings) show they cannot normalize the
    same: neither sequence begins the other."""
    if _IDEOGRAPHS_KEPT.search(a) or _IDEOGRAPHS_KEPT.search(b):
        return False
    ia, ib = _NOT_IDEOGRAPH.sub("", a), _NOT_IDEOGRAPH.sub("", b)
    return not ia.startswith(ib) and not ib.startswith(ia)


def same_normalized(a: str, b: str) -> bool:
    """``normalized(a) == normalized(b)``, without normalizing texts whose ideographs already differ
    (most differ within their first few characters)."""
    ca, cb = clean(a), clean(b)
    if ca != cb and (_ideographs_part_ways(ca[:_HEAD], cb[:_HEAD]) or _ideographs_part_ways(ca, cb)):
        return False
    return normalized(a) == normalized(b)


@lru_cache(maxsize=4096)
def label_key(text: str) -> str:
    """A printed label reduced for matching: no spaces or breaks, no '*', no trailing colon,
    full-width brackets as ASCII ("实施⏎单位：" → "实施单位")."""
    text = unicodedata.normalize("NFKC", strip_artifacts(text))
    text = "".join(text.split()).replace("*", "")
    return text.rstrip(":：")


def longest_first(words: Iterable[str]) -> list[str]:
    """The distinct words, longest first and in code-point order among equals: the order a set iterates in
    changes with PYTHONHASHSEED, and which of two words a form matches first must not (nor a template with it)."""
    return sorted(set(words), key=lambda w: (-len(w), w))


_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}\s*年度?")


def name_key(name: str) -> str:
    """A project name reduced for matching across files and years: no spaces, no leading "2024年度"."""
    return label_key(_YEAR_PREFIX.sub("", label_key(name)))
