"""Flattened text: a table copied from a PDF or a web page with all its cells on one line.

Cell boundaries are lost; spaces separate cells and empty cells vanish. The reader
cuts the line back into rows before every label that begins a row in some template
(项目名称, 总额, 合计, 评价结论, part titles...), one cell per space-separated token,
each keeping its line and character column. Which value is which is left to the
template's layout, which places only what the column order settles.
"""

from __future__ import annotations

import re
from collections import Counter

from ...text import label_key, longest_first
from ..grid import Cell, Grid, Place, Row
from ..vocab import FUNDS_NEEDLES
from . import register
from .decode import decode_lines, looks_binary

_TOKEN = re.compile(r"\S+")
# A line this long with no tab or '|' is a table run together; the title may sit on its own line.
_LONG = 300
_GLUED = 24  # a token longer than this may be several cells run together


def _is_flat(data: bytes) -> bool:
    """A table run together: a long line of many spaced tokens, or one with hardly a space (glued text)."""
    head = data[:65536]
    if b"\t" in head or head.count(b"|") > 5 or looks_binary(head):
        return False
    lines = [ln for ln in head.splitlines() if ln.strip()]
    commas = Counter(n for ln in lines if (n := ln.count(b",")) >= 2)
    if commas and commas.most_common(1)[0][1] >= max(5, len(lines) // 3):
        return False  # rows with the same number of commas: the text reader's CSV
    return 0 < len(lines) <= 40 and any(len(ln) >= _LONG and (ln.count(b" ") >= 30 or ln.count(b" ") < len(ln) / 30)
                                       for ln in lines) or _is_spaced(lines)


def _is_spaced(lines: list[bytes]) -> bool:
    """One row a line, its cells separated by spaces (a web page's table copied as text, p009): a line holding
    three funds column labels as words of their own. (``pdftotext -raw`` of a printed form is claimed first
    by :mod:`.pdfraw`.)"""
    for ln in lines:
        text = ln.decode("utf-8", "ignore")
        # A word holding a label is part of its line: most lines hold none and are not split.
        if _ANY_NEEDLE.search(text) and sum(
                1 for t in text.split() if any(n in t for n in FUNDS_NEEDLES)) >= 3:
            return True
    return False


_ANY_NEEDLE = re.compile("|".join(map(re.escape, FUNDS_NEEDLES)))


# A row's label glued to its value in a short token ("合计100", "评价结论及时、足额缴纳。", "存在问题暂无").
_LEADING_LABEL = re.compile(r"(?:合计|总分|总计)(?=\d)|(?:评价结论|存在问题|改进措施)(?=\S)")


def _glued_pieces(token: str, at: int, words: re.Pattern[str]) -> list[tuple[str, int]]:
    """A long token of glued text cut before each label it holds, each piece at its column; a piece that
    opens with a row's label and holds its value too cut after the label."""
    cuts = {0, len(token)}
    if len(token) > _GLUED:
        cuts |= {m.start() for m in words.finditer(token)}
    for a in sorted(cuts):
        if m := _LEADING_LABEL.match(token, a):
            cuts.add(m.end())
    ordered = sorted(cuts)
    return [(token[a:b], at + a) for a, b in zip(ordered, ordered[1:]) if token[a:b]]


def _starts_row(token: str, anchors: frozenset[str]) -> bool:
    from ..layouts.spec import section_key

    key = label_key(token)
    return key in anchors or section_key(key) in anchors or "绩效自评表" in key or key.startswith("报表编号")


@register("flat", _is_flat, priority=-6)
def read_flat(data: bytes, file: str) -> Grid:
    from ...templates import anchor_keys, title_words  # the templates' labels; imported late, they import the layouts

    lines, notes = decode_lines(data, file)
    anchors = anchor_keys()
    words = re.compile("|".join(map(re.escape, longest_first([*anchors, *title_words()]))))
    grid = Grid(file=file, format="text-flat", warnings=notes)
    for n, line in enumerate(lines, start=1):
        cells: list[Cell] = []
        for m in _TOKEN.finditer(line):
            for token, at in _glued_pieces(m.group(0), m.start(), words):
                if cells and _starts_row(token, anchors):
                    grid.rows.append(Row(cells, Place(line=n, col=cells[0].col)))
                    cells = []
                cells.append(Cell(token, None, n, at + 1))
                if "绩效自评表" in token:  # a title is a row of its own
                    grid.rows.append(Row(cells, Place(line=n, col=cells[0].col)))
                    cells = []
        if cells:
            grid.rows.append(Row(cells, Place(line=n, col=cells[0].col)))
    return grid
