"""Text with '|' between cells, as web pages and markdown publish tables.

Two shapes: one row per line (``| 项目名称 | 工资性支出 |``, markdown rule lines
skipped), or one cell per line ending in `` |`` with a blank line between rows
(a line without the closing '|' continues the cell above, as wrapped text does).
"""

from __future__ import annotations

import re

from ..decode import decode_lines, looks_binary
from ..grid import Cell, Grid, Place, Row
from . import register

_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def _piped(line: bytes) -> bool:
    s = line.strip()
    return s.startswith(b"|") or s.endswith(b"|")


def _is_pipes(data: bytes) -> bool:
    head = data[:16384]
    if b"|" not in head or looks_binary(head):
        return False
    lines = [ln for ln in head.splitlines() if ln.strip()]
    return len(lines) >= 3 and sum(1 for ln in lines if _piped(ln)) >= 0.6 * len(lines)


def _cell_per_line(lines: list[str]) -> bool:
    """Most piped lines hold one '|', at their end."""
    piped = [ln.strip() for ln in lines if "|" in ln]
    return sum(1 for ln in piped if ln.count("|") == 1 and ln.endswith("|")) > len(piped) / 2


@register("pipes", _is_pipes, priority=-5)
def read_pipes(data: bytes, file: str) -> Grid:
    lines, notes = decode_lines(data, file)
    grid = _cells_grid(lines, file) if _cell_per_line(lines) else _rows_grid(lines, file)
    grid.warnings += notes
    return grid


def _rows_grid(lines: list[str], file: str) -> Grid:
    grid = Grid(file=file, format="text-pipes")
    for n, line in enumerate(lines, start=1):
        s = line.strip()
        if not s or _RULE.match(s):
            continue
        s = s.removeprefix("|").removesuffix("|")
        cells = [Cell(t.strip(), None, n, c) for c, t in enumerate(s.split("|"), start=1)]
        while cells and not cells[-1].text:
            cells.pop()
        grid.rows.append(Row(cells, Place(line=n)))
    return grid


def _cells_grid(lines: list[str], file: str) -> Grid:
    grid = Grid(file=file, format="text-pipe-cells")
    cells: list[Cell] = []
    for n, line in enumerate(lines, start=1):
        s = line.strip()
        if not s:
            if cells:
                grid.rows.append(Row(cells, Place(line=cells[0].line)))
                cells = []
            continue
        if s.endswith("|"):
            cells.append(Cell(s[:-1].strip(), None, n, len(cells) + 1))
        elif cells:
            cells[-1].text += "\n" + s
        else:
            cells.append(Cell(s, None, n, 1))  # a title line before the table
            grid.rows.append(Row(cells, Place(line=n)))
            cells = []
    if cells:
        grid.rows.append(Row(cells, Place(line=cells[0].line)))
    return grid
