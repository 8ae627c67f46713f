"""xls (Excel 97-2003, and WPS et saved in its format) through xlrd, with the cells' number formats."""

from __future__ import annotations

import struct

import xlrd
from xlrd.biffh import XL_CELL_BOOLEAN, XL_CELL_DATE, XL_CELL_EMPTY, XL_CELL_ERROR, XL_CELL_NUMBER, error_text_from_code
from xlrd.compdoc import CompDocError

from ... import limits
from ...errors import UnreadableFile
from ...notes import Note
from ..grid import Grid, Place
from .containers import PasswordProtected
from .numbers import render_date, render_number
from .rows import add_row, column_letters


def _text(book: xlrd.Book, cell: xlrd.sheet.Cell) -> str:
    kind = cell.ctype
    if kind == XL_CELL_EMPTY:
        return ""
    if kind == XL_CELL_NUMBER:
        xf = book.xf_list[cell.xf_index] if cell.xf_index is not None and cell.xf_index < len(book.xf_list) else None
        fmt = book.format_map.get(xf.format_key) if xf is not None else None
        return render_number(cell.value, fmt.format_str if fmt else "General")
    if kind == XL_CELL_DATE:
        try:
            return render_date(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
        except xlrd.xldate.XLDateError:
            return render_number(cell.value, "General")
    if kind == XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if kind == XL_CELL_ERROR:
        return error_text_from_code.get(cell.value, "#ERROR")
    return str(cell.value)


def read_xls(data: bytes, file: str) -> Grid:
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=_Quiet())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise PasswordProtected(file) from None
        raise UnreadableFile(file, f"xls 文件无法读取（{exc}）") from None
    except (AssertionError, IndexError, ValueError, KeyError, EOFError, struct.error, CompDocError) as exc:
        # struct.error: a record cut short, as xlrd meets it unpacking the record's header; CompDocError: the
        # OLE container's directory names a stream longer than the file
        raise UnreadableFile(file, f"xls 文件已损坏（{type(exc).__name__}）") from None
    grid = Grid(file=file, format="xls")
    for sheet in book.sheets():
        name = sheet.name
        _check_extent(sheet, file)
        before = len(grid.rows)
        for r in range(sheet.nrows):
            texts = [_text(book, c) for c in sheet.row(r)]
            add_row(grid, texts, Place(sheet=name, row=r + 1),
                    lambda c, r=r, name=name: Place(col=c + 1, sheet=name, cell=f"{column_letters(c)}{r + 1}"))
            info = sheet.rowinfo_map.get(r)
            if info is not None and info.hidden and len(grid.rows) > before and grid.rows[-1].place.row == r + 1:
                grid.notes.append(Note("hidden-row", Place(sheet=name, row=r + 1)))
        if sheet.visibility and len(grid.rows) > before:
            grid.notes.append(Note("hidden-sheet", Place(sheet=name)))
    return grid


def _check_extent(sheet: xlrd.sheet.Sheet, file: str) -> None:
    where = f"工作表“{sheet.name}”"
    for rlo, rhi, clo, chi in sheet.merged_cells:
        if max(rhi - rlo, chi - clo) > limits.active().span:
            raise limits.LimitExceeded(file, "span", f"合并区域 {rhi - rlo} 行 × {chi - clo} 列",
                                       f"{where}单元格{column_letters(clo)}{rlo + 1}")
    limits.check(file, "rows", sheet.nrows, where)
    limits.check(file, "columns", sheet.ncols, where)
    limits.check(file, "cells", sheet.nrows * sheet.ncols, where, f"{sheet.nrows} 行 × {sheet.ncols} 列")


class _Quiet:
    """xlrd writes format warnings to a log file; a reader has nothing to tell there."""

    def write(self, _text: str) -> None:
        pass
