"""Text with '|' between cells, as web pages and markdown publish tables.

Every shape is read as one stream in which '|' closes a cell: one row per line
(``| 项目名称 | 工资性支出 |``, markdown rule lines skipped), one cell per line ending in
`` |`` with a blank line between rows, and rows broken across lines the way HTML copies
break them (``项目资金 |⏎|⏎全年预算数 |⏎… |⏎|||``: a lone '|' is an empty cell, a run of
pipes closes the row's empty cells and ends it, a line opening with '|' may leave its cell
to the next line). Where rows are broken, the table's width is learnt from the rows that
end in a run of pipes, and a row also ends once it has that many cells. A line without a
'|' outside a row is a row of its own (a title, the report's text); inside a row it
continues the cell being read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..grid import Cell, Grid, Place, Row
from . import register
from .decode import decode_lines, looks_binary

_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_RUN_END = re.compile(r"\|\s*\|\s*$")


def _piped(line: bytes) -> bool:
    s = line.strip()
    return s.startswith(b"|") or s.endswith(b"|")


def _is_pipes(data: bytes) -> bool:
    head = data[:16384]
    if b"|" not in head or looks_binary(head):
        return False
    lines = [ln for ln in head.splitlines() if ln.strip()]
    piped = sum(1 for ln in lines if _piped(ln))
    return len(lines) >= 3 and piped >= 3 and piped >= 0.4 * len(lines)


@register("pipes", _is_pipes, priority=-5)
def read_pipes(data: bytes, file: str) -> Grid:
    lines, notes = decode_lines(data, file)
    terminated = _terminated(lines)
    width = None if terminated else _width(lines)
    grid = Grid(file=file, format="text-pipes" if width is None and not _cell_per_line(lines) else "text-pipe-cells")
    stream = _Stream(grid, width, terminated=terminated)
    for n, line in enumerate(lines, start=1):
        stream.line(n, line)
    stream.end_row()
    grid.warnings += notes
    return grid


def _cell_per_line(lines: list[str]) -> bool:
    """Most piped lines hold one '|', at their end (cells separated by line breaks, rows by blank lines)."""
    piped = [ln.strip() for ln in lines if "|" in ln]
    return sum(1 for ln in piped if ln.count("|") == 1 and ln.endswith("|")) > len(piped) / 2


def _terminated(lines: list[str]) -> bool:
    """A row a line, each cell closed by its '|' ("产出指标 | 产出数量 | 名称 | 目标 | 完成 |", and "| | 名称 | … |"
    for a row whose merged cells are empty): nearly every piped line ends with '|' and holds three or more,
    and not nearly all of them open with one too (that is markdown, whose opening '|' closes no cell)."""
    piped = [s for ln in lines if "|" in (s := ln.strip())]
    if not piped:
        return False
    rows = [s for s in piped if s.endswith("|") and s.count("|") >= 3]
    opening = sum(1 for s in rows if s.startswith("|"))
    return len(rows) >= 0.9 * len(piped) and opening < 0.9 * len(rows)


def _width(lines: list[str]) -> int | None:
    """The cells in a row where rows break over lines: most rows that end in a run of pipes have this many.

    None for markdown (nearly every piped line opens and closes with '|': each is a whole row)."""
    piped = [s for ln in lines if "|" in (s := ln.strip())]
    if sum(1 for s in piped if len(s) > 1 and s.startswith("|") and s.endswith("|")) >= 0.9 * len(piped):
        return None
    probe = _Stream(Grid(file="", format=""), None, markdown=False)
    for n, line in enumerate(lines, start=1):
        probe.line(n, line)
    if not probe.broken or not probe.run_widths:
        return None
    return Counter(probe.run_widths).most_common(1)[0][0]


@dataclass
class _Stream:
    grid: Grid
    width: int | None
    markdown: bool = True  # a line opening and closing with '|' is a whole row (when no row breaks)
    terminated: bool = False  # every line is a row whose cells each end in '|' (see _terminated)
    cells: list[Cell] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    buffer_at: tuple[int, int] = (0, 0)
    open: bool = False
    lines: int = 0  # lines with a '|' in the row being read
    broken: bool = False  # some row went on over several lines
    run_widths: list[int] = field(default_factory=list)  # cells of each row that ended in a run of pipes

    def line(self, n: int, line: str) -> None:
        s = line.strip()
        if not s:
            self.end_row()
            return
        if _RULE.match(s) and "-" in s:
            return
        if "|" not in s:
            if self.open:
                self.add_text(n, line.find(s) + 1, s)
            else:
                self.grid.rows.append(Row([Cell(s, None, n, 1)], Place(line=n)))
            return
        parts = s.split("|")
        if not self.open:
            self.open = True
            if line.startswith("|") and not self.terminated:
                parts = parts[1:]  # the opening pipe closes no cell; " |" is an empty first cell
        self.lines += 1
        self.broken |= self.lines > 1
        col = line.find(s) + 1
        for k, part in enumerate(parts):
            if part.strip():
                self.add_text(n, col, part.strip())
            if k < len(parts) - 1:
                self.close(n, col)
            col += len(part) + 1
        # Without broken rows, a line that opens and closes with '|' is a whole row (markdown).
        whole = self.markdown and self.width is None and len(s) > 1 and s.endswith("|") and (
            s.startswith("|") or self.terminated)
        full = self.width is not None and len(self.cells) >= self.width
        if _RUN_END.search(s):
            self.run_widths.append(len(self.cells))
        if _RUN_END.search(s) or whole or full:
            self.end_row()

    def add_text(self, n: int, col: int, text: str) -> None:
        if not self.buffer:
            self.buffer_at = (n, col)
        self.buffer.append(text)

    def close(self, n: int, col: int) -> None:
        line, at = self.buffer_at if self.buffer else (n, col)
        self.cells.append(Cell("\n".join(self.buffer), None, line, at))
        self.buffer = []

    def end_row(self) -> None:
        if self.buffer:
            self.close(*self.buffer_at)
        cells = self.cells
        while cells and not cells[-1].text:
            cells.pop()
        if cells:
            for i, c in enumerate(cells, start=1):
                c.col = i
            self.grid.rows.append(Row(cells, Place(line=cells[0].line)))
        self.cells = []
        self.open = False
        self.lines = 0
