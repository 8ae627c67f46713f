"""The common grid every reader produces and every layout reads.

A reader knows its format (TSV text, Word dump, xlsx, ...); a layout knows the
form. The grid between them is rows of cells, each cell remembering where it
came from, so any value found later can name its place in the original file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..notes import Note
from ..place import Place
from ..text import label_key

__all__ = ["Cell", "Grid", "Place", "Row"]


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
    # Cells a reader put together from text that keeps no rows (pdftotext's reading order) where some of its
    # numbers' columns, or the row's own cells, were not certain: the part it is in is read incomplete.
    doubtful: bool = False

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
    warnings: list[str] = field(default_factory=list)  # the reader's lines about the whole file
    notes: list[Note] = field(default_factory=list)  # its lines about one place (a sheet, a row of it)
