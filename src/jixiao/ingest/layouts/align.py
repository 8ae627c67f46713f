"""Rows that lost or gained a cell: how far a row's values sit from the header's columns.

Published forms drop an empty cell here and repeat a merged one there, so a row's
values can sit one or two columns away from the labels above them. The shift that
best fits the header is chosen by plausibility: numbers under the numeric columns,
nothing beyond the last column, only level labels before the name. Every template's
table rows go through this one step; the reader notes each shift it applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ...values import EXCEL_ERRORS, chinese_number, is_number

SHIFTS = (0, -1, 1, -2, 2)
_OPERATORS = ("≥", "≤", ">", "<", "=", "＝", "≧", "≦", "﹦")


@dataclass(frozen=True, slots=True)
class Columns:
    """The header's columns a row is aligned to."""

    numeric: tuple[int, ...]  # columns that hold numbers (分值, 得分)
    name: int  # the first value column: before it only labels
    last: int
    first_numeric: int  # from here on a row has values worth aligning
    nature: int = -1  # the 指标性质 column (=, ≥, 定性…), where the header has one
    natures: frozenset[str] = frozenset()


def plausibility(texts: Sequence[str], keys: Sequence[str], cols: Columns, shift: int,
                 is_label: Callable[[str], bool]) -> float:
    """How well the row fits the header when shifted: numbers under the numeric columns, nothing lost."""
    score = -0.5 * abs(shift)
    n = len(texts)
    for col in cols.numeric:
        i = col + shift
        if 0 <= i < n and (t := texts[i].strip()):
            score += 2 if is_number(t) or t in EXCEL_ERRORS or chinese_number(t) is not None else -3
    if cols.nature >= 0 and 0 <= (i := cols.nature + shift) < n and (t := texts[i].strip()):
        # An operator is the one thing 指标性质 holds: a row missing only its last score keeps it in place.
        score += 2 if t in cols.natures else -2
    if 0 <= (i := cols.name + shift) < n and texts[i].strip().startswith(_OPERATORS):
        score -= 2  # "≥1000人" is a target: an indicator's name never opens with a comparison
    tail = keys[cols.last + shift + 1:]
    if tail:
        score -= 2 * (len(tail) - list(tail).count(""))
    for k in keys[:max(cols.name + shift, 0)]:
        if k and not is_label(k):
            score -= 1
    return score


def shift_of(texts: Sequence[str], keys: Sequence[str], cols: Columns, is_label: Callable[[str], bool]) -> int:
    """Columns the row's values sit away from the header's; 0 for the common, aligned row."""
    named = not (0 <= cols.name < len(texts) and texts[cols.name].strip().startswith(_OPERATORS))
    labels_only = named and all(not k or is_label(k) for k in keys[:max(cols.name, 0)])
    if not cols.numeric and labels_only:
        return 0  # a table without 分值/得分 (targets only): only a name out of place says a row moved
    if len(texts) <= cols.last + 1 and plausibility(texts, keys, cols, 0, is_label) >= 4:
        return 0
    if cols.numeric and not any(keys[max(cols.first_numeric, 0):]) and labels_only:
        return 0  # nothing from the value columns on and only labels before the name: nothing to align
    # A row whose level cells were all lost (the 一级/二级 rowspans of a pipe dump) starts at its name:
    # as far left as the name column, whatever the number of label columns before it.
    shifts = SHIFTS + tuple(-k for k in range(3, cols.name + 1))
    return max(shifts, key=lambda s: plausibility(texts, keys, cols, s, is_label))
