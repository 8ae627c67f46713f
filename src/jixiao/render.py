"""The one output path of every command that prints rows: ``--format table|json|csv|xlsx``.

A command builds :class:`Section` objects (a title, columns, rows of plain values) and the JSON it
promises; :func:`emit` writes them in the format asked for. Tables fit the console: numbers never
wrap or shrink (a table too wide for the terminal is split into column groups that repeat its first
column, and printed as one record per block when even that does not fit). CSV starts with a UTF-8
BOM and ends lines with CRLF, so ``> 汇总.csv`` opens right in Excel and WPS.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Collection, Iterable, Iterator, Literal, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from . import inert
from .files import replacing, write_bytes
from .scoring.rounding import EXACT

Value = str | int | Decimal | None
Format = Literal["table", "json", "csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("table", "json", "csv", "xlsx")
BOM = "\ufeff"
# A text column keeps at least this many cells (8 ideographs) before the table is split.
TEXT_MIN = 16


@dataclass(slots=True, frozen=True)
class Column:
    """A column's heading and how its values print: ``places`` rounds money and scores half up for
    people (JSON and xlsx keep the exact value); ``numeric`` aligns right and never wraps."""

    title: str
    numeric: bool = False
    places: int | None = None


def money(title: str, places: int = 2) -> Column:
    return Column(title, numeric=True, places=places)


def number(title: str) -> Column:
    return Column(title, numeric=True)


@dataclass(slots=True)
class Section:
    key: str
    title: str
    columns: list[Column]
    rows: Collection[list[Value]] = field(default_factory=list)  # a list, or a Spool of a long run's

    @staticmethod
    def of(key: str, title: str, columns: Sequence[Column | str], rows: list[list[Value]]) -> "Section":
        cols = [c if isinstance(c, Column) else Column(c) for c in columns]
        # A column holding numbers is numeric even when the producer did not say so.
        cols = [c if c.numeric or not any(isinstance(r[n], (int, Decimal)) for r in rows) else
                Column(c.title, True, c.places) for n, c in enumerate(cols)]
        return Section(key, title, cols, rows)


def show(value: Value, places: int | None = None) -> str:
    """A value for people: Decimals at ``places`` (half up) when given; else as printed when the value came
    from a form (two places or fewer: "59.7" stays "59.7"), and with trailing zeros past two places dropped
    when it came from the store's fixed scale ("138.830000" → "138.83", "55.000000" → "55.00").
    Blank for missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if places is not None:
            return format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=EXACT), "f")
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -2:
            return format(value, "f")
        d = value.normalize()
        exponent = d.as_tuple().exponent
        return format(d.quantize(Decimal("0.01"), context=EXACT) if isinstance(exponent, int) and exponent > -2 else d, "f")
    return str(value)


def _cells(sec: Section) -> list[list[str]]:
    return [_row_cells(sec, row) for row in sec.rows]


# ------------------------------------------------------------------ table


def _min_width(col: Column, values: list[str]) -> int:
    widest = max((cell_len(v) for v in values), default=0)
    # Headings fold (two ideographs per line at least); numbers never do.
    heading = min(cell_len(col.title), 6 if col.numeric else 4)
    return max(widest, heading) if col.numeric else max(min(widest, TEXT_MIN), heading)


def _table(title: str | None, cols: list[Column], cells: list[list[str]], idx: list[int], widths: list[int]) -> Table:
    table = Table(title=inert.console(title) if title else None, title_justify="left", box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False)
    for i in idx:
        col = cols[i]
        if col.numeric:
            # Exactly as wide as the widest number: the heading folds, the digits never do.
            table.add_column(inert.console(col.title), justify="right", overflow="fold", min_width=widths[i],
                             max_width=widths[i])
        else:
            table.add_column(inert.console(col.title), overflow="fold", min_width=widths[i])
    for row in cells:
        table.add_row(*(inert.console(row[i]) for i in idx))
    if not cells:
        table.add_row(*(["（无）"] + [""] * (len(idx) - 1)))
    return table


def _fits(widths: Sequence[int], room: int) -> bool:
    # Each column is padded one cell each side and separated by one blank cell; the outer edges are not.
    return sum(widths) + 3 * len(widths) - 3 <= room


def _groups(widths: list[int], key: list[int], room: int) -> list[list[int]] | None:
    """Column groups that fit ``room`` cells, each repeating the ``key`` columns; None when even the key and
    one more column do not fit."""
    rest = [i for i in range(len(widths)) if i not in key]
    if not rest or not all(_fits([widths[k] for k in key] + [widths[i]], room) for i in rest):
        return None
    groups: list[list[int]] = [list(key)]
    for i in rest:
        if not _fits([widths[j] for j in (*groups[-1], i)], room):
            groups.append(list(key))
        groups[-1].append(i)
    return groups


def print_table(sec: Section, console: Console) -> None:
    cells = _cells(sec)
    widths = [_min_width(col, [row[n] for row in cells]) for n, col in enumerate(sec.columns)]
    if not sec.columns or _fits(widths, console.width):
        console.print(_table(sec.title, sec.columns, cells, list(range(len(sec.columns))), widths))
        return
    # The columns up to the first text column (序号, 名称) name the row: every group repeats them.
    first_text = next((n for n, c in enumerate(sec.columns) if not c.numeric), 0)
    if not sec.columns[first_text].numeric:  # the name that every group repeats wraps as little as there is room
        natural = max((cell_len(row[first_text]) for row in cells), default=0)
        widths[first_text] = max(widths[first_text], min(natural, console.width // 3))
    groups = _groups(widths, list(range(first_text + 1)), console.width)
    if groups is None:
        _print_records(sec, cells, console)
        return
    for n, idx in enumerate(groups):
        title = sec.title if len(groups) == 1 else f"{sec.title}（{n + 1}/{len(groups)}）"
        console.print(_table(title, sec.columns, cells, idx, widths))


def _print_records(sec: Section, cells: list[list[str]], console: Console) -> None:
    """One block per row, ``列名：值`` per line: the narrowest terminals still see every digit."""
    console.print(f"[bold]{inert.console(sec.title)}[/]（{len(cells)} 行）", highlight=False)
    for n, row in enumerate(cells, start=1):
        console.print(f"— {n} —", style="dim", highlight=False)
        for col, value in zip(sec.columns, row):
            if value:
                console.print(f"{inert.console(col.title)}：{inert.console(value)}", highlight=False)


# ------------------------------------------------------------------ csv, xlsx, json
# Each writer goes through its rows once and writes as it goes: a command's rows may be a Spool of
# a run of any size (check over 20 000 files), never held in memory whole here.


_CHUNK = 1 << 14  # characters of CSV written at a time


def csv_chunks(sections: Sequence[Section]) -> Iterator[str]:
    """One block per section (title line, header, rows), blank line between; a single section has no title line.
    No BOM here: :func:`emit` adds it once in front of the whole text."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for n, sec in enumerate(sections):
        if len(sections) > 1:
            if n:
                w.writerow([])
            w.writerow([sec.title])
        w.writerow([c.title for c in sec.columns])
        for row in sec.rows:
            w.writerow([inert.csv_cell(text) if isinstance(v, str) else text
                        for v, text in zip(row, _row_cells(sec, row))])
            if buf.tell() >= _CHUNK:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
    yield buf.getvalue()


def _row_cells(sec: Section, row: list[Value]) -> list[str]:
    return [show(v, sec.columns[n].places) for n, v in enumerate(row)]


def xlsx_bytes(sections: Sequence[Section]) -> bytes:
    """One sheet per section; numbers stay numbers (exact, shown at the column's places), text stays text.
    Written as a stream (openpyxl's write-only workbook), each section's rows gone through twice:
    once for the columns' widths, once for the cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    names: list[str] = []
    for sec in sections:
        names.append(_sheet_name(sec.title, names))
        ws = wb.create_sheet(names[-1])
        widths = [cell_len(c.title) for c in sec.columns]
        for row in sec.rows:
            widths = [max(w, cell_len(show(v))) for w, v in zip(widths, row)]
        for n, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(n)].width = min(60, 2 + width)
        head = []
        for c in sec.columns:
            cell = WriteOnlyCell(ws, c.title)
            cell.font = Font(bold=True)
            head.append(cell)
        ws.append(head)
        for row in sec.rows:
            cells = []
            for col, value in zip(sec.columns, row):
                cell = WriteOnlyCell(ws, inert.text(value) if isinstance(value, str) else value)
                if isinstance(value, str):
                    cell.data_type = "s"  # form text, never a formula
                elif isinstance(value, Decimal):
                    cell.number_format = "0." + "0" * col.places if col.places else "0.00##"
                cells.append(cell)
            ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(title: str, taken: list[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28]
    base, n = name, 2
    while name in taken:
        name = f"{base[:25]}_{n}"
        n += 1
    return name


def _plain(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return show(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(type(obj).__name__)


def json_text(data: Any) -> str:
    return json.dumps(inert.tree(data), ensure_ascii=False, indent=2, default=_plain) + "\n"


@dataclass(slots=True, frozen=True)
class Stream:
    """JSON ``data`` that is an array written one object at a time: ``objects`` is gone through once,
    as it is written (a Spool, a generator). The text is what :func:`json_text` gives the whole list."""

    objects: Iterable[Any]


def json_chunks(data: Any) -> Iterator[str]:
    if not isinstance(data, Stream):
        yield json_text(data)
        return
    first = True
    for obj in data.objects:
        # An object one level into the array: every line of its own text indented once more.
        body = json.dumps(inert.tree(obj), ensure_ascii=False, indent=2, default=_plain).replace("\n", "\n  ")
        yield ("[\n  " if first else ",\n  ") + body
        first = False
    yield "[]\n" if first else "\n]\n"


class OutputNeeded(Exception):
    """xlsx asked for on a terminal without ``--output``."""


def emit(sections: Sequence[Section], fmt: Format, data: Any, console: Console, output: Path | None = None) -> None:
    """Write ``sections`` (table, csv, xlsx) or ``data`` (json; a :class:`Stream` is written as it is
    gone through) to ``output``, else to stdout.

    Raises :class:`OutputNeeded` for xlsx on a terminal, OSError when ``output`` cannot be written."""
    if fmt == "table":
        if output is None:
            for sec in sections:
                print_table(sec, console)
            return
        fmt = "csv"  # a table written to a file is the CSV of it
    if fmt == "xlsx":
        if output is None and sys.stdout.isatty():
            raise OutputNeeded
        raw = xlsx_bytes(sections)
        if output is not None:
            write_bytes(output, raw)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(raw)
        return
    chunks = itertools.chain([BOM], csv_chunks(sections)) if fmt == "csv" else json_chunks(data)
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    with replacing(output) as part, part.open("w", encoding="utf-8", newline="") as fh:
        fh.writelines(chunks)


# ------------------------------------------------------------------ places in Chinese

_PLACE_ZH = (
    (re.compile(r"^sheet (.+)$"), "工作表“{}”"),
    (re.compile(r"^page (\d+)$"), "第{}页"),
    (re.compile(r"^table (\d+)$"), "第{}个表格"),
    (re.compile(r"^cell ([A-Z]+\d+)$"), "{}"),
    (re.compile(r"^row (\d+)$"), "第{}行"),
    (re.compile(r"^paragraph (\d+)$"), "第{}段"),
    (re.compile(r"^line (\d+)$"), "第{}行"),
    (re.compile(r"^col (\d+)$"), "第{}列"),
)


def place_zh(locator: str | None) -> str:
    """The JSON contract's machine locator ("line 87, col 8"; "sheet 自评表, cell H14") as a reader says it
    (第87行第8列; 工作表“自评表”H14). Parts it does not know are kept as they are."""
    if not locator:
        return ""
    out: list[str] = []
    for part in locator.split(", "):
        for pattern, zh in _PLACE_ZH:
            if m := pattern.match(part):
                text = zh.format(m.group(1))
                out.append(text if zh != "{}" or out else f"单元格{text}")
                break
        else:
            out.append(part)
    return "".join(out)
