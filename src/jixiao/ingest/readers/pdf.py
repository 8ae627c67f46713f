"""PDF: ruled tables found by pdfplumber, each cell's text rebuilt from its characters, and the
text lines outside tables, all in reading order page after page, so a form that runs over
several pages reads as one.

A cell's lines are joined where the text merely wrapped (the line runs to the cell's right
edge) and kept apart where the line ends early (a real break), so "4403072107015000⏎00827"
is one code again. Pages whose text runs sideways are turned upright first. Pages without a
text layer (scans) go to OCR, an optional extra.
"""

from __future__ import annotations

import io
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.table import Table
from pdfplumber.utils.exceptions import PdfminerException

from ...errors import UnreadableFile
from ..grid import Grid, Place
from . import register
from .containers import PasswordProtected
from .rows import add_row

Char = dict[str, Any]
# Cell padding plus a character's width: a line ending closer than this to the cell edge wrapped.
_EDGE_SLACK = 7.0
_NO_LINE_START = frozenset("。，、；：？！）》」』”’%),.;:?!")


_BROKEN = (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError)


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def _open(data: bytes, file: str) -> pdfplumber.PDF:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages
        return pdf
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise PasswordProtected(file) from None
    except _BROKEN as exc:
        raise UnreadableFile(file, f"PDF 文件已损坏，无法打开（{exc or type(exc).__name__}）") from None


def _angle(ch: Char) -> int:
    a, b = ch["matrix"][0], ch["matrix"][1]
    return round(math.degrees(math.atan2(b, a)) / 90) % 4 * 90


def sideways(page: pdfplumber.page.Page) -> int:
    """How far the page's text is turned from upright (0, 90, 180, 270), by most of its characters."""
    chars = page.chars
    if not chars or sum(1 for c in chars if c["upright"]) * 2 > len(chars):
        return 0
    return Counter(_angle(c) for c in chars).most_common(1)[0][0]


def upright_pages(data: bytes, turns: dict[int, int]) -> bytes:
    """The same PDF with the given pages (0-based → degrees of text turn) rotated back upright."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    for index, turn in turns.items():
        page = doc[index]
        page.set_rotation((page.get_rotation() + turn) % 360)
    out = io.BytesIO()
    doc.save(out)
    doc.close()
    return out.getvalue()


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines (top to bottom), each left to right."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]["top"]) <= ch["size"] * 0.5:
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


def cell_text(chars: list[Char], right: float) -> str:
    parts: list[str] = []
    prev_end = 0.0
    for line in _lines(chars):
        text = line_text(line).strip()
        if not text:
            continue
        if parts:
            prev = parts[-1]
            # Chinese line breaking keeps closing punctuation with the character before it,
            # so a wrapped line may end one character early when the next starts "X》" or "X。".
            early = 3 if text[1:2] in _NO_LINE_START else 2
            wrapped = prev_end >= right - _EDGE_SLACK - early * line[0]["size"]
            if not wrapped:
                parts.append("\n")
            elif prev[-1:].isascii() and prev[-1:].isalpha() and text[:1].isascii() and text[:1].isalpha():
                parts.append(" ")
        parts.append(text)
        prev_end = line[-1]["x1"]
    return "".join(parts)


def _inside(ch: Char, box: tuple[float, float, float, float]) -> bool:
    x = (ch["x0"] + ch["x1"]) / 2
    y = (ch["top"] + ch["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def read_page(grid: Grid, page: pdfplumber.page.Page, number: int) -> None:
    lay_out_page(grid, [c for c in page.chars if c["text"].strip() or c["text"] == " "], page.find_tables(), number)


def lay_out_page(grid: Grid, chars: list[Char], tables: list[Table], number: int) -> None:
    """Rows of one page: table cells from the characters inside them, other characters as lines."""
    by_top = sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2)
    centers = [(c["top"] + c["bottom"]) / 2 for c in by_top]
    items: list[tuple[float, int, object]] = []
    for t, table in enumerate(tables, start=1):
        items.append((table.bbox[1], 1, (t, table)))
    loose = [c for c in chars if not any(_inside(c, tb.bbox) for tb in tables)]
    for line in _lines(loose):
        items.append((line[0]["top"], 0, line))
    line_no = 0
    for _top, kind, payload in sorted(items, key=lambda it: (it[0], it[1])):
        if kind == 0:
            line_no += 1
            text = line_text(payload).strip()  # type: ignore[arg-type]
            n = line_no
            add_row(grid, [text], Place(page=number, line=n), lambda _c, n=n: Place(page=number, line=n))
            continue
        t, table = payload  # type: ignore[misc]
        for r, row in enumerate(table.rows, start=1):
            texts = []
            for box in row.cells:
                if box is None:
                    texts.append("")
                    continue
                lo, hi = bisect_left(centers, box[1]), bisect_right(centers, box[3])
                inside = [c for c in by_top[lo:hi] if box[0] <= (c["x0"] + c["x1"]) / 2 <= box[2]]
                texts.append(cell_text(inside, box[2]))
            add_row(grid, texts, Place(page=number, table=t, row=r),
                    lambda c, t=t, r=r: Place(col=c + 1, page=number, table=t, row=r))


@register("pdf", is_pdf, priority=10)
def read_pdf(data: bytes, file: str) -> Grid:
    grid, turns, scanned = _read(data, file)
    if turns:
        grid, _, scanned = _read(upright_pages(data, turns), file)
        grid.warnings.append(f"第{'、'.join(str(i + 1) for i in turns)}页的文字是旋转的，已转正后读取")
    if scanned:
        from .ocr import read_scanned_pages

        read_scanned_pages(grid, data, file, scanned)
    return grid


def _read(data: bytes, file: str) -> tuple[Grid, dict[int, int], list[int]]:
    """(grid, sideways pages → turn, scanned pages); the grid is incomplete when pages are sideways."""
    grid = Grid(file=file, format="pdf")
    turns: dict[int, int] = {}
    scanned: list[int] = []
    with _open(data, file) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                if not page.chars:
                    if page.images:
                        scanned.append(number)
                elif turn := sideways(page):
                    turns[number - 1] = turn
                elif not turns:
                    read_page(grid, page, number)
            except _BROKEN as exc:
                raise UnreadableFile(file, f"PDF 第{number}页已损坏，无法读取（{exc or type(exc).__name__}）") from None
    return grid, turns, scanned
