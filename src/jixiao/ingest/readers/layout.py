"""Text a PDF's table became with its columns kept by spaces (``pdftotext -layout``, a viewer's copy that pads).

Each line prints a row's cells left to right, two spaces or more between them; a cell's own words are one
space apart. Where a cell starts is only roughly where its column is: pdftotext packs a line whose first
cells are empty (a merged 一级指标, a merged 项目资金) closer together than the header above it. So each row
under a table's header (funds, goals, indicators) is laid under the header's labels by the one order-keeping
assignment that fits best: a number never under a text column, a word never under 分值/得分/执行率 or an
amount, a rate with its '%' only under 执行率, a level label only under its level, then the nearest start.
The form reader then finds every value under the label that names its column, as in the PDF itself; where
the arithmetic of a row disagrees it says so, as it does for any grid.

A line whose every piece starts under a piece of the line above that ran to the next cell (a Chinese
character is two columns wide on the page, one in the text) is that cell's wrapped text, joined back;
a page break inside a row does not end it.
"""

from __future__ import annotations

import re
from typing import Callable

from ...text import label_key
from ..grid import Grid, Place
from . import register
from .decode import decode_lines, looks_binary, sniffed_lines
from .pdfcells import (
    NUMBER,
    RECORD,
    TITLES,
    TOTALS,
    WRAPPING,
    Piece,
    Rows,
    Table,
    cut_cells,
    header_kind,
    may_head_funds,
    opens,
    piece_kind,
    placed,
    to_grid,
    width,
)

_PIECE = re.compile(r"\S+(?: \S+)*")
_FULL = 3  # a cell ending this close to the next one's start ran to its edge: it wrapped
_SAME_COLUMN = 1  # starts this close are one column (pdftotext rounds positions to whole characters)


def _pieces(line: str) -> list[Piece]:
    return [Piece(m.start(), m.end(), m.group(0), m.start()) for m in _PIECE.finditer(line)]


def _is_layout(data: bytes) -> bool:
    """A funds header printed as three column labels or more two spaces apart, with a line below it holding
    values that start where two of the labels do: columns kept by position."""
    head = data[:65536]
    if b"\t" in head or head.count(b"|") > 5 or looks_binary(head):
        return False
    lines = sniffed_lines(head)
    for n, line in enumerate(lines):
        if "  " not in line or not may_head_funds(line):
            continue
        pieces = _pieces(line)
        if header_kind(pieces) != "funds":
            continue
        starts = {p.start for p in pieces}
        # The next lines holding text: a roomy row prints blank lines below its text.
        below = {p.start for ln in [ln for ln in lines[n + 1:n + 13] if ln.strip()][:3] for p in _pieces(ln)}
        if len(starts & below) >= 2:
            return True
    return False

def _wraps(pieces: list[Piece], above: list[Piece]) -> bool:
    """Whether every piece continues a cell of the line above: it starts where that cell does, and that cell's
    text ran to the next cell's start (or is the row's last)."""
    if len(pieces) >= len(above):
        return False  # a cell in every column again: the next row (two pairs of a header, a packed row)
    for p in pieces:
        k = next((k for k, a in enumerate(above) if abs(a.start - p.start) <= _SAME_COLUMN), None)
        if k is None:
            return False
        a = above[k]
        if NUMBER.fullmatch(p.text.replace(" ", "")) or width(a.text) < WRAPPING or RECORD.match(p.text) \
                or piece_kind("indicators", p.text) in ("level1", "level2"):
            return False  # a number does not wrap, nor a cell of a word or two; a level label or 指标N： opens a row
        short = 2 * width(p.text) <= width(a.text)  # a word or two left over ("人次" under "年度接待读者")
        if not short and k + 1 < len(above) and above[k + 1].start - (a.start + width(a.text)) > _FULL:
            return False
    return True


@register("layout", _is_layout, priority=-5)
def read_layout(data: bytes, file: str) -> Grid:
    lines, notes = decode_lines(data, file)
    rows: Rows = []
    above: list[Piece] | None = None
    above_cols: list[int] = []
    table: Table | None = None
    last: list[Piece] = []  # the last row's pieces, its cells as wide as they ran (kept over blank lines)
    page_top = False
    page = header_page = 0
    for n, line in enumerate(lines, start=1):
        page += line.count("\f")
        page_top = page_top or "\f" in line
        pieces = _pieces(line.replace("\f", ""))  # a page break inside a row does not end it
        if not pieces:
            above = None
            continue
        # Atop a page the columns are laid out afresh: a piece's position matches none of the row above's.
        if not page_top and above is not None and rows and not opens(pieces) and _wraps(pieces, above):
            texts = rows[-1][1]
            for p in pieces:
                k = next(k for k, a in enumerate(above) if abs(a.start - p.start) <= _SAME_COLUMN)
                texts.setdefault(above_cols[k], []).append(p.text)
                above[k] = p
            continue
        if page_top and rows and table is not None and table.kind == "indicators" \
                and (ks := cut_cells(pieces, last, _ran_full(last))) is not None:
            for p, k in zip(pieces, ks):
                if k < 0:
                    notes.append(f"第{n}行的“{p.text}”无法确定属于哪一栏，未读取")
                else:
                    rows[-1][1].setdefault(above_cols[k], []).append(p.text)
            page_top = False
            continue
        page_top = False
        was = table
        table, cols = _row_table(table, pieces, n, notes, loose=page != header_page)
        if table is not None and table is not was:
            header_page = page
        rows.append((n, {c: [p.text] for c, p in zip(cols, pieces) if c >= 0},
                     {c: Place(line=n, col=p.col + 1) for c, p in zip(cols, pieces) if c >= 0}))
        above, above_cols, last = pieces, cols, list(pieces)
    return to_grid(file, rows, notes)


def _ran_full(last: list[Piece]) -> Callable[[int], bool]:
    """Whether a cell of the row ran to the next cell's start (or is the row's last): its text may go on."""
    return lambda k: k + 1 == len(last) or last[k + 1].start - (last[k].start + width(last[k].text)) <= _FULL


def _row_table(table: Table | None, pieces: list[Piece], n: int, notes: list[str], loose: bool = False
               ) -> tuple[Table | None, list[int]]:
    """The table a row belongs to (a header opens one, a title or a total row ends it) and each piece's column.
    ``loose``: the row is on a page after its header's, which pdftotext laid out afresh: its pieces' positions say
    nothing of the header's columns, so it is placed as -raw text is, by its types, its arithmetic and the row
    above."""
    kind = header_kind(pieces)
    if kind is not None:
        table = Table.of(kind, pieces, table.points if table is not None else None)
        return table, table.header_cols
    if any(w in p.text for p in pieces for w in TITLES):
        return None, list(range(len(pieces)))
    cols = placed(table, [Piece(-1, -1, p.text, p.col) for p in pieces] if loose else pieces, n, notes)
    return (None if label_key(pieces[0].text).startswith(TOTALS) else table), cols
