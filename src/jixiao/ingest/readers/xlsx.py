"""xlsx: values through python-calamine (fast), with what calamine leaves out read from the
sheet XML itself: number formats (so 1300000 shows as the printed "1300000.00" and 0.722
as "72.2%") and hidden rows. Merged cells come out as calamine gives them: the value at the
top-left cell, the covered cells empty.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile

from lxml import etree
from python_calamine import CalamineError, CalamineWorkbook

from ... import limits
from ...errors import UnreadableFile
from ...notes import Note
from ..grid import Grid, Place
from ..vocab import METADATA_SCHEMA, METADATA_SHEET
from . import register
from .containers import open_zip, read_member, zip_names
from .numbers import BUILTIN_FORMATS, render_date, render_number
from .rows import add_row, column_letters
from .xlsx_cells import compute, error_cells, uncached_cells

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_CELL_TAG = re.compile(rb"<(?:\w+:)?c\s([^>]*?)/?>")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\s([^>]*?)/?>")
_ATTR_R = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ATTR_ROW = re.compile(rb'\br="(\d+)"')
_ATTR_S = re.compile(rb'\bs="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
# Numeric cells only (no t="s"/"str"/"inlineStr", a value follows): the only ones whose style matters.
_CELL_R_S = re.compile(rb'<(?:\w+:)?c r="([A-Z]+)(\d+)" s="(\d+)"(?: t="n")?>')
_LETTERS = [column_letters(i) for i in range(256)]
_COLUMN = {s.encode(): i for i, s in enumerate(_LETTERS)}


def _letters(c: int) -> str:
    return _LETTERS[c] if c < 256 else column_letters(c)


def is_xlsx(data: bytes) -> bool:
    return "xl/workbook.xml" in zip_names(data)


def _xml(zf: zipfile.ZipFile, name: str, file: str) -> etree._Element | None:
    if name not in zf.NameToInfo:
        return None
    try:
        return etree.fromstring(read_member(zf, name, file))
    except etree.XMLSyntaxError:
        raise UnreadableFile(file, f"文件已损坏：“{name}”不是有效的 XML") from None


def _formats(zf: zipfile.ZipFile, file: str) -> list[str]:
    """Number format code of each cell style index."""
    styles = _xml(zf, "xl/styles.xml", file)
    if styles is None:
        return []
    custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in styles.iterfind("m:numFmts/m:numFmt", _NS)}
    return [custom.get(i, BUILTIN_FORMATS.get(i, "General"))
            for i in (int(x.get("numFmtId", 0)) for x in styles.iterfind("m:cellXfs/m:xf", _NS))]


def _sheet_paths(zf: zipfile.ZipFile, file: str) -> list[str]:
    """Sheet XML member of each sheet, in workbook order (calamine's order)."""
    wb = _xml(zf, "xl/workbook.xml", file)
    rels = _xml(zf, "xl/_rels/workbook.xml.rels", file)
    if wb is None or rels is None:
        return []
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iterfind("rel:Relationship", _NS)}
    out = []
    for sheet in wb.iterfind("m:sheets/m:sheet", _NS):
        t = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        out.append(t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t)))
    return out


def _styles(xml: bytes) -> dict[tuple[int, int], int]:
    """(row, col) → style index of every styled cell (0-based)."""
    # Excel, LibreOffice and openpyxl all write r="" before s=""; other orders take the slow path.
    found = _CELL_R_S.findall(xml)
    if not found and b'<c r="' not in xml and b' s="' in xml:
        found = [(r.group(1), r.group(2), s.group(1)) for m in _CELL_TAG.finditer(xml)
                 if (s := _ATTR_S.search(m.group(1))) and (r := _ATTR_R.search(m.group(1)))]
    return {(int(row) - 1, _COLUMN[col]): int(style) for col, row, style in found if col in _COLUMN}


def _hidden_rows(xml: bytes) -> set[int]:
    """The hidden rows (0-based)."""
    hidden = set()
    if b"hidden=" in xml:
        for m in _ROW_TAG.finditer(xml):
            if _HIDDEN.search(m.group(1)) and (r := _ATTR_ROW.search(m.group(1))):
                hidden.add(int(r.group(1)) - 1)
    return hidden


def _text(value: object, style: int | None, formats: list[str]) -> str:
    if value.__class__ is str:
        return value  # type: ignore[return-value]
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        code = formats[style] if style is not None and style < len(formats) else "General"
        return render_number(value, code)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return render_date(value)
    return "" if value is None else str(value)


_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)\d')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_extent(xml: bytes, file: str, index: int) -> None:
    """A sheet's used range from its cell references, checked before calamine allocates every cell of it
    (one cell at XFD1048576 is a range of 17 billion cells, and the reading process aborts)."""
    rows = max((int(r) for r in _ROW_NUMBER.findall(xml)), default=0)
    cols = max((_column_number(c) for c in set(_CELL_COLUMN.findall(xml))), default=0)
    where = f"第{index + 1}个工作表，单元格{_letters(cols - 1) if cols else 'A'}{rows or 1}"
    limits.check(file, "rows", rows, where)
    limits.check(file, "columns", cols, where)
    limits.check(file, "cells", rows * cols, where, f"已用区域 {rows:,} 行 × {cols:,} 列".replace(",", " "))


_MAX_COMPUTED = 2000  # formula cells a form has (tens): more is not a 自评表's workbook, and costs seconds each


def _computed(data: bytes, uncached: dict[str, list[tuple[int, int]]], grid: Grid) -> dict:
    """Results of the formulas saved without one; an empty map, said in a note, when they cannot be had."""
    count = sum(len(cells) for cells in uncached.values())
    if count > _MAX_COMPUTED:
        grid.warnings.append(f"有{count}个公式单元格没有保存计算结果，数量过多，未计算（按空白读取）")
        return {}
    try:
        return compute(data, uncached)
    except Exception as exc:  # noqa: BLE001 - the formula engine failing leaves the cells empty, said once
        grid.warnings.append(f"有{count}个公式单元格没有保存计算结果，无法按公式算出（{type(exc).__name__}），按空白读取")
        return {}


def _fixed(texts: list, r: int, fixes: dict[tuple[int, int], str]) -> list:
    """The row with the values calamine could not give put back in their cells."""
    mine = [(c, v) for (row, c), v in fixes.items() if row == r]
    if not mine:
        return texts
    out = list(texts) + [""] * max(0, max(c for c, _ in mine) + 1 - len(texts))
    for c, v in mine:
        if out[c] == "" or out[c] is None:
            out[c] = v
    return out


def is_metadata_sheet(name: str, rows: list[list[object]]) -> bool:
    """The hidden sheet jixiao's templates carry (schema version, policy), recognized by name and schema row."""
    return name == METADATA_SHEET and any(r[:1] == ["schema"] and str(r[1:2] and r[1]).startswith(METADATA_SCHEMA)
                                          for r in rows[:3])


@register("xlsx", is_xlsx, priority=10)
def read_xlsx(data: bytes, file: str) -> Grid:
    with open_zip(data, file) as zf:
        formats = _formats(zf, file)
        paths = _sheet_paths(zf, file)
        sheet_xml = [read_member(zf, p, file) if p in zf.NameToInfo else b"" for p in paths]
    for index, xml in enumerate(sheet_xml):
        _check_extent(xml, file, index)
    try:
        wb = CalamineWorkbook.from_object(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as exc:
        raise UnreadableFile(file, f"xlsx 文件已损坏，无法打开（{exc}）") from None
    grid = Grid(file=file, format="xlsx")
    names = [meta.name for meta in wb.sheets_metadata]
    uncached = {names[i]: cells for i, xml in enumerate(sheet_xml[:len(names)]) if (cells := uncached_cells(xml))}
    computed = _computed(data, uncached, grid) if uncached else {}
    for index, meta in enumerate(wb.sheets_metadata):
        name = meta.name
        try:
            rows = wb.get_sheet_by_index(index).to_python(skip_empty_area=False)
        except (CalamineError, ValueError) as exc:
            raise UnreadableFile(file, f"工作表“{name}”无法读取（{exc}）") from None
        if is_metadata_sheet(name, rows):
            continue  # jixiao's own template metadata: about the file, not part of any form
        xml = sheet_xml[index] if index < len(sheet_xml) else b""
        styles: dict[tuple[int, int], int] | None = None
        hidden = _hidden_rows(xml)
        before = len(grid.rows)
        # Cells calamine leaves empty that are not: error values, and formulas saved without a result.
        fixes: dict[tuple[int, int], str] = dict(error_cells(xml))
        if name in computed:
            styles = _styles(xml)
            for (r, c), value in computed[name].items():
                fixes[(r, c)] = _text(value.number, styles.get((r, c)), formats) if value.number is not None \
                    else value.text
            shown = "、".join(f"{_letters(c)}{r + 1}" for r, c in list(computed[name])[:5])
            grid.notes.append(Note("formulas-computed", Place(sheet=name), {
                "count": len(computed[name]), "cells": shown + ("等" if len(computed[name]) > 5 else "")}))
        for r, values in enumerate(rows):
            if all(v.__class__ is str for v in values):
                texts = values
            else:
                if styles is None:
                    styles = _styles(xml)
                texts = [_text(v, styles.get((r, c)), formats) for c, v in enumerate(values)]
            if fixes:
                texts = _fixed(texts, r, fixes)
            add_row(grid, texts, Place(sheet=name, row=r + 1),
                    lambda c, r=r, name=name: Place(col=c + 1, sheet=name, cell=f"{_letters(c)}{r + 1}"))
            if r in hidden and len(grid.rows) > before and grid.rows[-1].place.row == r + 1:
                grid.notes.append(Note("hidden-row", Place(sheet=name, row=r + 1)))
        if len(grid.rows) > before and str(meta.visible).rsplit(".", 1)[-1] in ("Hidden", "VeryHidden"):
            grid.notes.append(Note("hidden-sheet", Place(sheet=name)))
    return grid
