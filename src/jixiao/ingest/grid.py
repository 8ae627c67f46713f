"""The common grid every reader produces and every layout reads.

A reader knows its format (TSV text, Word dump, xlsx, ...); a layout knows the
form. The grid between them is rows of cells, each cell remembering where it
came from, so any value found later can name its place in the original file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..text import label_key


class Place(NamedTuple):
    """Where a cell sits in its source: a text line, a sheet cell, a table cell or a page.

    ``row`` is a row of a sheet or a document table; ``para`` a paragraph of a document.

    A NamedTuple rather than a dataclass: every parsed value gets one, so it must be cheap.
    """

    line: int | None = None
    col: int | None = None
    sheet: str | None = None
    cell: str | None = None
    table: int | None = None
    page: int | None = None
    row: int | None = None
    para: int | None = None

    def _parts(self, zh: bool) -> list[str]:
        out = []
        for name, en_fmt, zh_fmt in _PLACE_PARTS:
            value = getattr(self, name)
            if value is not None and not (name in ("col", "row") and self.cell is not None):
                out.append((zh_fmt if zh else en_fmt).format(value))
        return out

    def describe(self) -> str:
        """Machine-facing English form, as in the JSON contract ("line 3, col 5")."""
        return ", ".join(self._parts(False)) or "?"

    def zh(self) -> str:
        """Reader-facing Chinese form ("第9行第5列")."""
        return "".join(self._parts(True)) or "未知位置"


# (field, English, Chinese), outermost first; a column is not shown beside a cell reference.
_PLACE_PARTS = (
    ("sheet", "sheet {}", "工作表“{}”"),
    ("page", "page {}", "第{}页"),
    ("table", "table {}", "第{}个表格"),
    ("cell", "cell {}", "单元格{}"),
    ("row", "row {}", "第{}行"),
    ("para", "paragraph {}", "第{}段"),
    ("line", "line {}", "第{}行"),
    ("col", "col {}", "第{}列"),
)


class Cell:
    """One cell's text and origin. Text readers give a line and column; other readers a full Place.

    The Place of a text cell is built only when asked for: most cells never need one.
    """

    __slots__ = ("text", "line", "col", "_place")

    def __init__(self, text: str, place: Place | None = None, line: int | None = None, col: int | None = None) -> None:
        self.text = text
        self._place = place
        self.line = line
        self.col = col

    @property
    def place(self) -> Place:
        if self._place is None:
            self._place = Place(self.line, self.col)
        return self._place

    def __repr__(self) -> str:
        return f"Cell({self.text!r}, {self.place.describe()})"


# Key of a cell too long to be a label; non-empty, so the row still counts as having content.
LONG = "\x00"


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    place: Place
    _keys: list[str] | None = None

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def keys(self) -> list[str]:
        """Label keys of the cells (see :func:`jixiao.text.label_key`); long text keys as LONG."""
        if self._keys is None:
            self._keys = [(label_key(c.text) if len(c.text) < 80 else LONG) if c.text else "" for c in self.cells]
        return self._keys

    def is_blank(self) -> bool:
        return all(not c.text.strip() for c in self.cells)


@dataclass(slots=True)
class Grid:
    """All rows of one file, in reading order; tables and text between them alike."""

    file: str
    format: str
    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
