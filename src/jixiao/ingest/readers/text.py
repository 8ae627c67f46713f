"""Plain-text dumps of the form: Excel export as TSV or CSV, and Word table dump one cell per line.

TSV (seeds 000, 001): one row per line, cells split on tabs.
CSV: comma, semicolon or bar separated, quoted cells may hold separators and line breaks.
Word dump (seeds 002–004): a line starting with a tab opens a cell, a line without
one continues the previous cell (wrapped or vertical text), a blank line ends the row.
"""

from __future__ import annotations

import csv

from ..grid import Cell, Grid, Place, Row
from . import register
from .decode import decode_lines, looks_binary


def _is_text(data: bytes) -> bool:
    return not looks_binary(data)


def is_cell_per_line(lines: list[str]) -> bool:
    """Word dumps have most content lines opening with a single tab and holding no other tab."""
    opened = inner = 0
    for line in lines:
        if not line.strip():
            continue
        if line.startswith("\t") and "\t" not in line[1:]:
            opened += 1
        elif "\t" in line.strip("\t"):
            inner += 1
    return opened > inner


@register("text", _is_text, priority=-10)
def read_text(data: bytes, file: str) -> Grid:
    lines, notes = decode_lines(data, file)
    if is_cell_per_line(lines):
        grid = cells_grid(lines, file)
    elif (delimiter := csv_delimiter(lines)) is not None:
        grid = csv_grid(lines, file, delimiter)
    else:
        grid = tsv_grid(lines, file)
    grid.warnings += notes
    return grid


def csv_delimiter(lines: list[str]) -> str | None:
    """The separator found on the most lines, when it is not the tab (TSV keeps its own reader)."""
    counts = {d: sum(1 for line in lines if d in line) for d in ("\t", ",", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    filled = sum(1 for line in lines if line.strip())
    # A separator on a few lines only is punctuation in the text (a web copy's "(万元,自有资金…)"), not CSV.
    return best if best != "\t" and counts[best] > counts["\t"] and counts[best] * 2 >= filled else None


def csv_grid(lines: list[str], file: str, delimiter: str) -> Grid:
    grid = Grid(file=file, format="text-csv")
    reader = csv.reader((line + "\n" for line in lines), delimiter=delimiter)
    start = 1
    for record in reader:
        if any(t.strip() for t in record):
            while record and not record[-1].strip():
                record.pop()
            grid.rows.append(Row([Cell(t, None, start, c) for c, t in enumerate(record, start=1)], Place(line=start)))
        start = reader.line_num + 1
    return grid


def tsv_grid(lines: list[str], file: str) -> Grid:
    grid = Grid(file=file, format="text-tsv")
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        # Trailing empty cells are the sheet's width, not content.
        cells = [Cell(t, None, n, c) for c, t in enumerate(line.rstrip("\t").split("\t"), start=1)]
        grid.rows.append(Row(cells, Place(line=n)))
    return grid


def cells_grid(lines: list[str], file: str) -> Grid:
    grid = Grid(file=file, format="text-cells")
    cells: list[Cell] = []
    first_line = 0

    def end_row() -> None:
        nonlocal cells
        if cells:
            grid.rows.append(Row(cells, Place(line=first_line)))
            cells = []

    for n, line in enumerate(lines, start=1):
        if not line.strip():
            if line.startswith("\t"):
                # An empty cell ("\t" alone) belongs to the row; a truly blank line ends it.
                if not cells:
                    first_line = n
                cells.append(Cell("", None, n, len(cells) + 1))
                continue
            end_row()
            continue
        if line.startswith("\t"):
            if not cells:
                first_line = n
            cells.append(Cell(line[1:].replace("\t", " "), None, n, len(cells) + 1))
        elif cells:
            cells[-1].text += "\n" + line
        else:
            first_line = n
            cells.append(Cell(line, None, n, 1))
    end_row()
    return grid
