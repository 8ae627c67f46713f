"""The form as a Word document laid out as the published one: the title as a paragraph, then
one table with the form's merged cells, A4 portrait, Chinese fonts set for East Asian text."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from docx import Document as new_document
from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.simpletypes import ST_Merge
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .. import inert
from ..errors import FileFailure
from ..model import Evaluation
from ..scoring import ScoringPolicy
from ..values import fmt
from . import each_bytes, register_exporter
from .layout import FormLayout, LayoutCell, blank_layout, form_layout

FONT = "宋体"
TABLE_WIDTH_CM = 18.0
TABLE_FONT_PT = 9


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt(value) or ""
    return str(value)


def add_run(paragraph: Paragraph, text: str, *, bold: bool = False, size: float | None = None) -> None:
    run = paragraph.add_run(inert.text(text))
    run.bold = bold or None
    if size is not None:
        run.font.size = Pt(size)


def chinese_font(doc: Document, size: float = TABLE_FONT_PT) -> None:
    """The document's base style in 宋体: once here rather than on every run."""
    font = doc.styles["Normal"].font
    font.name = FONT
    font.size = Pt(size)
    # Word picks the East Asian font from its own attribute; without it Chinese falls back to the theme font.
    doc.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def a4(doc: Document, margin_cm: float = 1.5) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(margin_cm)
    section.top_margin = section.bottom_margin = Cm(2)


def _fill(cell: _Cell, lc: LayoutCell) -> None:
    text = cell_text(lc.value)
    lines = text.split("\n") if text else [""]
    centered = lc.kind in ("label", "fixed", "derived") or lc.is_numeric
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if centered else WD_ALIGN_PARAGRAPH.LEFT
        p.paragraph_format.space_after = Pt(0)
        add_run(p, line, bold=lc.kind == "label")
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def narrow_margins(table: Table) -> None:
    """Cell padding of 0.08 cm at the sides (Word's default is 0.19, "1300000.00" then fits a 2.1 cm column)
    and 0.05 cm above and below, so that text does not touch the lines."""
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 28), ("left", 45), ("bottom", 28), ("right", 45)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.append(margins)


def layout_document(layout: FormLayout) -> Document:
    doc = new_document()
    a4(doc)
    chinese_font(doc)
    start = layout.table_start
    lines = sorted((c for c in layout.cells if c.row < start), key=lambda c: c.row)
    cells = [c for c in layout.cells if c.row >= start]
    for n, line in enumerate(lines):
        p = doc.paragraphs[0] if n == 0 and doc.paragraphs else doc.add_paragraph()
        if line.kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_run(p, cell_text(line.value), bold=line.kind == "title", size=16 if line.kind == "title" else None)
    table = doc.add_table(rows=layout.nrows - start + 1, cols=layout.ncols)
    table.style = "Table Grid"
    table.autofit = False
    narrow_margins(table)
    widths = [Cm(TABLE_WIDTH_CM * w / sum(layout.widths)) for w in layout.widths]
    for col, width in zip(table.columns, widths):
        col.width = width  # the grid LibreOffice lays out by
    # Cell objects taken once, before merging (table.cell() rescans the whole table on every call);
    # layout cells never overlap, so each merge touches only its own cells.
    grid = [row.cells for row in table.rows]
    for row in grid:
        for cell, width in zip(row, widths):
            cell.width = width
    for lc in cells:
        r, c = lc.row - start, lc.col - 1
        cell = grid[r][c]
        if lc.rows > 1 or lc.cols > 1:
            _merge([grid[i][c] for i in range(r, r + lc.rows)], lc.cols)
        _fill(cell, lc)
    return doc


def _merge(column: list[_Cell], cols: int) -> None:
    """The cells from ``column[0]`` down ``column`` and ``cols`` grid columns across made one, row by
    row: what python-docx's ``merge`` does, but its version recurses once per row, and a level-one
    label over 1 500 indicator rows ran out of stack (issue 13)."""
    top = column[0]._tc
    for i, cell in enumerate(column):
        vmerge = None if len(column) == 1 else ST_Merge.RESTART if i == 0 else ST_Merge.CONTINUE
        cell._tc._span_to_width(cols, top, vmerge)


def document_bytes(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def form_docx(ev: Evaluation, policy: ScoringPolicy | str | None = None) -> bytes:
    return document_bytes(layout_document(form_layout(ev, policy)))


def template_docx(policy: ScoringPolicy, year: int | None = None, template: str = "national") -> bytes:
    """A template's empty form as a Word document, for filers who fill forms in Word."""
    return document_bytes(layout_document(blank_layout(policy, year, template)))


@register_exporter("docx", "docx", "Word 文档（按公开的表样排版）")
def write_docx(items: list[tuple[Evaluation, Path]], policy: ScoringPolicy | str | None) -> list[FileFailure]:
    return each_bytes(items, lambda ev: form_docx(ev, policy))
