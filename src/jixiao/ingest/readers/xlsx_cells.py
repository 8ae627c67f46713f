"""xlsx cells calamine gives back empty: error values (#VALUE!, #REF!, #DIV/0!, #N/A) and formulas
saved without a result (openpyxl and other generators write the formula only; Excel computes it on
opening, a reader of the file does not).

An empty cell where the form has a value lets a layout slide the next column's number into its
place (a #VALUE! 总分 read as the weights' 90). So an error stays the error it is, named on its
cell, and a formula without a result is computed with the ``formulas`` library (Excel's semantics;
imported only when such a cell exists, since it is slow to load).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from dataclasses import dataclass

from .rows import column_letters

# <c r="H29" s="5" t="e"><f>…</f><v>#VALUE!</v></c>
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>.*?<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>', re.S)
# A formula with no result: <c r="H29" s="5"><f>SUM(H10:H28)</f><v></v></c>, or no <v> at all.
_UNCACHED = re.compile(rb'<(?:\w+:)?c r="([A-Z]+)(\d+)"(?![^>]*\bt="(?:str|s|inlineStr|e)")[^>]*>\s*'
                       rb'<(?:\w+:)?f(?:\s[^>]*)?(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?'
                       rb'\s*</(?:\w+:)?c>')


def _cell(col: bytes, row: bytes) -> tuple[int, int]:
    c = 0
    for ch in col:
        c = c * 26 + ch - 64
    return int(row) - 1, c - 1


def error_cells(xml: bytes) -> dict[tuple[int, int], str]:
    """(row, col) → the error value a cell holds (0-based)."""
    if b't="e"' not in xml:
        return {}
    return {_cell(col, row): value.decode("utf-8", "replace") for col, row, value in _ERROR_CELL.findall(xml)}


def uncached_cells(xml: bytes) -> list[tuple[int, int]]:
    """The formula cells saved without a result (0-based)."""
    if b"<f" not in xml and b":f" not in xml:
        return []
    return [_cell(col, row) for col, row in _UNCACHED.findall(xml)]


@dataclass(frozen=True, slots=True)
class Computed:
    """A formula's result: a number, a text (an error value included), or empty."""

    number: float | None = None
    text: str = ""


def compute(data: bytes, wanted: dict[str, list[tuple[int, int]]]) -> dict[str, dict[tuple[int, int], Computed]]:
    """Compute the ``wanted`` cells of each sheet from the workbook's formulas."""
    import formulas  # noqa: PLC0415 - heavy (numpy, schedula): only files that need it pay for it

    fd, path = tempfile.mkstemp(suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        with contextlib.redirect_stderr(io.StringIO()):  # the library draws a progress bar there
            solution = formulas.ExcelModel().loads(path).finish().calculate()
    finally:
        os.unlink(path)
    by_ref: dict[str, object] = {}
    for key, value in solution.items():
        # "'[book.xlsx]自评表'!H29" → ("自评表", "H29"), sheet names compared case-insensitively as Excel does.
        sheet, _, ref = str(key).rpartition("!")
        by_ref[f"{sheet.split(']', 1)[-1].rstrip(chr(39)).upper()}!{ref.upper()}"] = value
    out_cells: dict[str, dict[tuple[int, int], Computed]] = {}
    for sheet, cells in wanted.items():
        got = out_cells.setdefault(sheet, {})
        for r, c in cells:
            value = by_ref.get(f"{sheet.upper()}!{column_letters(c)}{r + 1}")
            got[(r, c)] = _result(value)
    return out_cells


def _result(value: object) -> Computed:
    item = getattr(value, "value", value)
    while hasattr(item, "ravel"):  # numpy arrays: a single cell's range is [[v]]
        flat = item.ravel()
        item = flat[0] if len(flat) else None
    if item is None or str(item) in ("empty", ""):
        return Computed()
    if isinstance(item, bool):
        return Computed(text="TRUE" if item else "FALSE")
    if isinstance(item, (int, float)) or hasattr(item, "__float__") and not isinstance(item, str):
        try:
            return Computed(number=float(item))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass
    return Computed(text=str(item))
