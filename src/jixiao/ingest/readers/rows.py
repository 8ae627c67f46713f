"""Shared by the table readers: spans laid out on a grid, and grid rows built from cell texts.

Every table format ends as rows of the same shape as the text readers give: one cell per
grid column, a merged cell's text at its top-left and the cells it covers empty, trailing
empty cells (the table's width, not content) dropped, blank rows left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..grid import Cell, Grid, Place, Row


@dataclass(slots=True)
class SpanCell:
    """A cell as a document states it: its text and how many grid rows and columns it covers."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def lay_out(rows: Iterable[list[SpanCell]]) -> list[list[str]]:
    """Place spanning cells on a grid the way HTML does: a cell goes to the first free column."""
    grid: list[list[str | None]] = []
    for r, row in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        line = grid[r]
        c = 0
        for cell in row:
            while c < len(line) and line[c] is not None:
                c += 1
            down, across = max(cell.rowspan, 1), max(cell.colspan, 1)
            if down == across == 1:  # most cells: the free column found is the line's next or an empty one
                if c < len(line):
                    line[c] = cell.text
                else:
                    line.append(cell.text)
                c += 1
                continue
            for dr in range(down):
                while len(grid) <= r + dr:
                    grid.append([])
                target = grid[r + dr]
                if len(target) < c + across:
                    target.extend([None] * (c + across - len(target)))
                for dc in range(across):
                    target[c + dc] = cell.text if (dr, dc) == (0, 0) else ""
            c += across
    return [[t or "" for t in line] for line in grid]


class PlacedCell(Cell):
    """A cell whose Place is built from its column only when asked for (most never are)."""

    __slots__ = ("_where",)

    def __init__(self, text: str, where: Callable[[int], Place], index: int) -> None:
        self.text = text
        self._place = None
        self.line = None
        self.col = index + 1
        self._where = where

    @property
    def place(self) -> Place:
        if self._place is None:
            self._place = self._where(self.col - 1)
        return self._place


def add_row(grid: Grid, texts: list[str], row_place: Place, cell_place: Callable[[int], Place]) -> None:
    """Append one row; ``cell_place(i)`` gives the place of the i-th (0-based) grid column."""
    end = len(texts)
    while end and not texts[end - 1].strip():
        end -= 1
    if not end:
        return
    grid.rows.append(Row([PlacedCell(t, cell_place, i) for i, t in enumerate(texts[:end])], row_place))


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: spreadsheet column names."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
