"""PDF: the text layer and ruling lines read with PDFium (pypdfium2, fast C), the tables found
from the ruling lines with pdfplumber's table geometry, each cell's text rebuilt from its
characters, and the text lines outside tables, all in reading order page after page, so a form
that runs over several pages reads as one.

A cell's lines are joined where the text merely wrapped (the line runs to the cell's right
edge) and kept apart where the line ends early (a real break), so "4403072107015000⏎00827"
is one code again. Pages are read in their own unrotated space, so a landscape form saved as
a rotated page reads like any other; text drawn sideways on the page is turned upright. Pages
without a text layer (scans) go to OCR, an optional extra.
"""

from __future__ import annotations

import ctypes
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ... import limits
from ...errors import UnreadableFile
from ...values import is_number
from ..grid import Grid, Place, Row
from . import register
from .containers import PasswordProtected
from .rows import add_row

if TYPE_CHECKING:
    from pdfplumber.table import Table

Char = dict[str, Any]
Edge = dict[str, Any]
Matrix = tuple[float, float, float, float, float, float]
# Cell padding plus a character's width: a line ending closer than this to the cell edge wrapped.
_EDGE_SLACK = 7.0
_NO_LINE_START = frozenset("。，、；：？！）》」』”’%),.;:?!")
# pdfplumber's defaults for ruled tables: lines within 3 pt snap and join; shorter edges are noise.
_TOLERANCE = 3.0
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def open_pdf(data: bytes, file: str) -> pdfium.PdfDocument:
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise PasswordProtected(file) from None
        raise UnreadableFile(file, f"PDF 文件已损坏，无法打开（{exc}）") from None
    if len(doc) == 0:
        doc.close()
        raise UnreadableFile(file, "PDF 文件已损坏：没有可读的页面")
    return doc


def _compose(m: Matrix, parent: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    pa, pb, pc, pd, pe, pf = parent
    return (a * pa + b * pc, a * pb + b * pd, c * pa + d * pc, c * pb + d * pd, e * pa + f * pc + pe, e * pb + f * pd + pf)


def _matrix(obj: Any) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _segments(path: Any, m: Matrix) -> list[tuple[float, float, float, float]]:
    """Straight pieces of a path in page space: (x0, y0, x1, y1), PDF coordinates (y up)."""
    out = []
    x, y = ctypes.c_float(), ctypes.c_float()
    first = prev = None
    for i in range(pdfium_c.FPDFPath_CountSegments(path)):
        seg = pdfium_c.FPDFPath_GetPathSegment(path, i)
        if not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        point = (m[0] * x.value + m[2] * y.value + m[4], m[1] * x.value + m[3] * y.value + m[5])
        if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_MOVETO:
            first = point
        elif prev is not None:
            out.append((*prev, *point))
        if pdfium_c.FPDFPathSegment_GetClose(seg) and first is not None:
            out.append((*point, *first))
        prev = point
    return out


def _walk_paths(objects: Callable[[], list[Any]], parent: Matrix, out: list[tuple[float, float, float, float]]) -> None:
    for obj in objects():
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            out.extend(_segments(obj, _compose(_matrix(obj), parent)))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            m = _compose(_matrix(obj), parent)
            _walk_paths(lambda obj=obj: [pdfium_c.FPDFFormObj_GetObject(obj, j)
                                         for j in range(pdfium_c.FPDFFormObj_CountObjects(obj))], m, out)


class _Space:
    """Page coordinates turned so that the page's text runs left to right: (x, y up) → (x, top)."""

    def __init__(self, width: float, height: float, turn: int) -> None:
        self.w, self.h, self.turn = width, height, turn

    def point(self, x: float, y: float) -> tuple[float, float]:
        if self.turn == 90:  # PDFium's angles run clockwise: the text climbs the page
            return self.h - y, self.w - x
        if self.turn == 180:
            return self.w - x, y
        if self.turn == 270:
            return y, x
        return x, self.h - y

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        (ax, ay), (bx, by) = self.point(x0, y0), self.point(x1, y1)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _chars(page: pdfium.PdfPage) -> tuple[list[Char], int]:
    """The page's characters with loose boxes (font ascent to descent) and the turn of most of them."""
    text = page.get_textpage()
    raw_chars = []
    angles: Counter[int] = Counter()
    for i in range(text.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(text.raw, i):
            continue
        code = pdfium_c.FPDFText_GetUnicode(text.raw, i)
        if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code < 0xE000:
            continue
        angle = round(math.degrees(max(pdfium_c.FPDFText_GetCharAngle(text.raw, i), 0.0)) / 90) % 4 * 90
        angles[angle] += 1
        raw_chars.append((chr(code), text.get_charbox(i, loose=True), pdfium_c.FPDFText_GetFontSize(text.raw, i)))
    text.close()
    turn = angles.most_common(1)[0][0] if angles else 0
    space = _Space(*page.get_size(), turn)
    chars = []
    for ch, box, size in raw_chars:
        x0, top, x1, bottom = space.box(*box)
        chars.append({"text": ch, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": size or (bottom - top)})
    return chars, turn


def _edges(page: pdfium.PdfPage, turn: int) -> list[Edge]:
    segments: list[tuple[float, float, float, float]] = []
    _walk_paths(lambda: [pdfium_c.FPDFPage_GetObject(page.raw, i) for i in range(pdfium_c.FPDFPage_CountObjects(page.raw))],
                _IDENTITY, segments)
    space = _Space(*page.get_size(), turn)
    edges = []
    for seg in segments:
        x0, top, x1, bottom = space.box(*seg)
        if bottom - top < 1.0 and x1 - x0 >= 1.0:
            y = (top + bottom) / 2
            edges.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0, "orientation": "h"})
        elif x1 - x0 < 1.0 and bottom - top >= 1.0:
            x = (x0 + x1) / 2
            edges.append({"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top,
                          "orientation": "v"})
    return edges


def find_tables(edges: list[Edge]) -> list[Table]:
    """Ruled tables from horizontal and vertical edges, as pdfplumber's "lines" strategy finds them."""
    if not edges:
        return []
    # pdfplumber (and pdfminer under it) is a quarter of a second to import: only when a PDF has lines.
    from pdfplumber.table import Table, cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
    from pdfplumber.utils import filter_edges

    merged = merge_edges(edges, _TOLERANCE, _TOLERANCE, _TOLERANCE, _TOLERANCE)
    merged = filter_edges(merged, min_length=_TOLERANCE)
    cells = intersections_to_cells(edges_to_intersections(merged, _TOLERANCE, _TOLERANCE))
    return [Table(None, group) for group in cells_to_tables(cells)]  # type: ignore[arg-type]


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines (top to bottom), each left to right."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        # Same line: the same top, or the same bottom (PDFium's box of '.' or ',' may start half a line low).
        if lines and (abs(ch["top"] - lines[-1][0]["top"]) <= ch["size"] * 0.5
                      or abs(ch["bottom"] - lines[-1][0]["bottom"]) <= ch["size"] * 0.2):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def line_text(line: list[Char]) -> str:
    out = []
    prev = None
    for ch in line:
        if prev is not None and ch["x0"] - prev["x1"] > 0.35 * ch["size"] and ch["text"] != " " and prev["text"] != " ":
            out.append(" ")
        out.append(ch["text"])
        prev = ch
    return "".join(out)


def _wrapped(end: float, right: float, size: float, next_text: str = "") -> bool:
    """Whether a line ending at ``end`` ran to the cell's right edge, i.e. the text goes on below.

    Chinese line breaking keeps closing punctuation with the character before it, so a
    wrapped line may end one character early when the next starts "X》" or "X。".
    """
    early = 3 if next_text[1:2] in _NO_LINE_START else 2
    return end >= right - _EDGE_SLACK - early * size


def _joiner(before: str, after: str) -> str:
    """What goes between two pieces of wrapped text: a space between Latin words, else nothing."""
    return " " if before[-1:].isascii() and before[-1:].isalpha() and after[:1].isascii() and after[:1].isalpha() else ""


def cell_text(chars: list[Char], right: float) -> tuple[str, float]:
    """The cell's text, and the room left after its last line, in character widths (0 when empty):
    a line that a page end cut off leaves less room than the next word needs."""
    parts: list[str] = []
    end = 0.0
    size = 1.0
    for line in _lines(chars):
        text = line_text(line).strip()
        if not text:
            continue
        if parts:
            parts.append(_joiner(parts[-1], text) if _wrapped(end, right, line[0]["size"], text) else "\n")
        parts.append(text)
        end, size = line[-1]["x1"], line[-1]["size"] or 1.0
    return "".join(parts), max(right - _EDGE_SLACK - end, 0.0) / size if parts else 0.0


_WORD = re.compile(r"[0-9A-Za-z.%,:/\-]+")


def _goes_on(room: float | None, text: str) -> bool:
    """Whether text could be the rest of a cell whose last line left ``room`` character widths:
    a line that wrapped (less than two characters left) or a Latin word or number too long
    to have fitted (half a character width per letter)."""
    if room is None:
        return False
    word = _WORD.match(text)
    return room < 2 or (word is not None and len(word.group(0)) * 0.5 > room)


def _inside(ch: Char, box: tuple[float, float, float, float]) -> bool:
    x = (ch["x0"] + ch["x1"]) / 2
    y = (ch["top"] + ch["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


@dataclass(slots=True)
class TableEnd:
    """The last row of the table a page ends with, to join a row the page break cut in two."""

    row: Row
    columns: list[tuple[float, float] | None]
    room: list[float | None]  # per column: see cell_text; None for a cell with no text
    # The left edges of the table's columns and its right edge: the frame a continuing page's rows are read in.
    frame: list[float] = field(default_factory=list)

    def _column(self, bounds: tuple[float, float] | None) -> int | None:
        for j, mine in enumerate(self.columns):
            if mine and bounds and abs(mine[0] - bounds[0]) <= _TOLERANCE and abs(mine[1] - bounds[1]) <= _TOLERANCE:
                return j
        return None

    def join_cut(self, columns: list[tuple[float, float] | None], texts: list[str], room: list[float | None]) -> bool:
        """Join a first row that only goes on with text this row's cells were cut off in, column by column
        (the same left and right edges); False, joining nothing, for any other row."""
        pieces = {i: self._column(columns[i]) for i, t in enumerate(texts) if t.strip()}
        if not pieces or any(j is None or j >= len(self.row.cells) or not _goes_on(self.room[j], texts[i])
                             for i, j in pieces.items()):
            return False
        # Right-aligned numbers end at their cell's edge as if cut off: numbers under numbers are a new row.
        if all(is_number(texts[i], percent=True) and is_number(self.row.cells[j].text, percent=True)  # type: ignore[index]
               for i, j in pieces.items()):
            return False
        self.room = [None] * len(self.columns)
        for i, j in pieces.items():
            cell = self.row.cells[j]  # type: ignore[index]
            cell.text += _joiner(cell.text, texts[i]) + texts[i]
            self.room[j] = room[i]  # type: ignore[index]
        self.row._keys = None
        return True


def column_edges(table: Table) -> list[float]:
    """The left edge of each of the table's columns, then its right edge."""
    # pdfplumber's columns are its cells' distinct left edges
    return [*sorted({box[0] for row in table.rows for box in row.cells if box}), table.bbox[2]]


def _edge_at(frame: list[float], x: float) -> int | None:
    k = bisect_left(frame, x - _TOLERANCE)
    return k if k < len(frame) and abs(frame[k] - x) <= _TOLERANCE else None


def reframe(frame: list[float], columns: list[tuple[float, float] | None]) -> list[int] | None:
    """Where each cell of a continuing page's row stands in the columns of the page before (-1 for a covered
    cell), when every cell spans whole columns of that frame; else None. A page draws the grid of its own rows: a
    funds row carried over above an indicator table has its amounts in other column numbers than its header's."""
    out = []
    for bounds in columns:
        if bounds is None:
            out.append(-1)
            continue
        lo, hi = _edge_at(frame, bounds[0]), _edge_at(frame, bounds[1])
        if lo is None or hi is None or hi <= lo:
            return None
        out.append(lo)
    return out


def _in_frame(values: list[Any], where: list[int], width: int, empty: Any) -> list[Any]:
    out = [empty] * width
    for value, k in zip(values, where):
        if k >= 0:
            out[k] = value
    return out


def lay_out_page(grid: Grid, chars: list[Char], tables: list[Table], number: int,
                 before: TableEnd | None = None) -> TableEnd | None:
    """Rows of one page: table cells from the characters inside them, other characters as lines.

    ``before`` is where the previous page ended in a table: a first row that merely goes on
    with its cut-off cells is joined to it. Returns where this page ends, likewise.
    """
    by_top = sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2)
    centers = [(c["top"] + c["bottom"]) / 2 for c in by_top]
    items: list[tuple[float, int, object]] = []
    boxes = [table.bbox for table in tables]  # a property that walks every cell: once per table
    for t, (table, box) in enumerate(zip(tables, boxes), start=1):
        items.append((box[1], 1, (t, table)))
    loose = [c for c in chars if not any(_inside(c, box) for box in boxes)]
    for line in _lines(loose):
        items.append((line[0]["top"], 0, line))
    line_no = 0
    end: TableEnd | None = None
    for _top, kind, payload in sorted(items, key=lambda it: (it[0], it[1])):
        end = None
        if kind == 0:
            before = None
            line_no += 1
            text = line_text(payload).strip()  # type: ignore[arg-type]
            n = line_no
            add_row(grid, [text], Place(page=number, line=n), lambda _c, n=n: Place(page=number, line=n))
            continue
        t, table = payload  # type: ignore[misc]
        own = column_edges(table)
        # The table the page before ended in goes on here while its rows fit its columns.
        frame = before.frame if before is not None and before.frame and before.frame != own else None
        for r, row in enumerate(table.rows, start=1):
            texts: list[str] = []
            room: list[float | None] = []
            for box in row.cells:
                if box is None:
                    texts.append("")
                    room.append(None)
                    continue
                lo, hi = bisect_left(centers, box[1]), bisect_right(centers, box[3])
                text, left = cell_text([c for c in by_top[lo:hi] if box[0] <= (c["x0"] + c["x1"]) / 2 <= box[2]], box[2])
                texts.append(text)
                room.append(left if text else None)
            columns = [(box[0], box[2]) if box else None for box in row.cells]
            if before is not None and before.join_cut(columns, texts, room):
                end, before = before, None  # the joined row may run over yet another page
                continue
            before = None
            if frame is not None:
                where = reframe(frame, columns)
                if where is None:
                    frame = None  # a row in the page's own grid: so is the rest of the table
                else:
                    width = len(frame) - 1
                    texts, columns, room = (_in_frame(texts, where, width, ""), _in_frame(columns, where, width, None),
                                            _in_frame(room, where, width, None))
            count = len(grid.rows)
            add_row(grid, texts, Place(page=number, table=t, row=r),
                    lambda c, t=t, r=r: Place(col=c + 1, page=number, table=t, row=r))
            end = TableEnd(grid.rows[-1], columns, room, frame or own) if len(grid.rows) > count else None
    return end


@register("pdf", is_pdf, priority=10)
def read_pdf(data: bytes, file: str) -> Grid:
    grid = Grid(file=file, format="pdf")
    scanned: list[int] = []
    turned: list[int] = []
    doc = open_pdf(data, file)
    if (pages := len(doc)) > limits.active().pages:
        doc.close()
        raise limits.LimitExceeded(file, "pages", f"共 {pages} 页")
    end: TableEnd | None = None
    try:
        for number in range(1, pages + 1):
            try:
                page = doc[number - 1]  # a damaged page object fails to load: the file is damaged
                chars, turn = _chars(page)
            except pdfium.PdfiumError as exc:
                raise UnreadableFile(file, f"PDF 第{number}页已损坏，无法读取（{exc}）") from None
            if not chars:
                if any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)):
                    scanned.append(number)
                end = None
                continue
            if turn:
                turned.append(number)
            edges = _edges(page, turn)
            limits.check(file, "rulings", len(edges), f"第{number}页")
            tables = find_tables(edges)
            end = lay_out_page(grid, [c for c in chars if c["text"].strip() or c["text"] == " "], tables, number, end)
            page.close()
    finally:
        doc.close()
    if turned:
        grid.warnings.append(f"第{'、'.join(map(str, turned))}页的文字是旋转的，已转正后读取")
    if scanned:  # after the text pages: a file mixing both is rare, and OCR is the optional extra
        from .ocr import read_scanned_pages

        read_scanned_pages(grid, data, file, scanned)
    return grid
