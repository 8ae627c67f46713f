"""The form as an Excel workbook: the official layout, white unlocked input cells, grey locked
formula cells, data validation, A4 page setup, sheet protection without a password, and a
hidden metadata sheet.

A filled form keeps its formulas, and each formula cell also stores the value the form
printed as its cached result: a reader that takes cached values (openpyxl ``data_only``,
pandas) reads the form as published, and Excel or LibreOffice recompute on opening
(``fullCalcOnLoad``) and show the computed value.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import __version__, inert
from ..errors import FileFailure
from ..ingest.vocab import METADATA_SHEET as META_SHEET
from ..model import Evaluation
from ..scoring import ScoringPolicy
from ..values import fmt
from . import each_bytes, register_exporter
from .layout import FormLayout, LayoutCell, blank_layout, col_letter, form_layout

SHEET = "自评表"
FONT = "宋体"
GREY = PatternFill("solid", fgColor="D9D9D9")
ALERT_FILL = PatternFill("solid", bgColor="FFC7CE")  # conditional formats take the background colour
ALERT_FONT = Font(color="9C0006")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LINE_HEIGHT = 14.0  # points per line of 10-point text

# Validations: numeric cells take non-negative numbers, scores at most their row's weight.
NUMERIC = {
    "amount": dict(type="decimal", operator="greaterThanOrEqual", formula1="0",
                   error="金额应为不小于 0 的数字", errorTitle="金额"),
    "weight": dict(type="decimal", operator="between", formula1="0", formula2="100",
                   error="分值应为 0 到 100 之间的数字", errorTitle="分值"),
    "year": dict(type="whole", operator="between", formula1="2000", formula2="2100",
                 error="年度应为四位数的年份，如 2024", errorTitle="年度"),
}


def _style_key(lc: LayoutCell) -> tuple[str, bool, int | None]:
    numeric = lc.is_numeric or lc.kind == "derived"
    return lc.kind, numeric, lc.number_places if lc.number_places is not None else (2 if lc.kind == "derived" else None)


def _named_style(key: tuple[str, bool, int | None]) -> NamedStyle:
    """One named style per kind of cell: openpyxl hashes every style object it is given, so cells share them."""
    kind, numeric, places = key
    style = NamedStyle(name="jixiao-" + "-".join(map(str, key)))
    style.font = Font(name=FONT, size=16 if kind == "title" else 10, bold=kind in ("title", "label"))
    horizontal = "center" if kind in ("title", "label", "fixed") or numeric else "left"
    style.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=kind != "title")
    if kind != "title":
        style.border = BORDER
    if kind in ("derived", "fixed"):
        style.fill = GREY
    style.protection = Protection(locked=kind != "input")
    if places is not None:
        style.number_format = "0" if places == 0 else "0." + "0" * places
    return style


def _validations(ws: Worksheet, layout: FormLayout) -> None:
    by_name: dict[str, list[str]] = {}
    for lc in layout.cells:
        if lc.validation:
            by_name.setdefault(lc.validation, []).append(lc.ref)
    for name, refs in by_name.items():
        if name in layout.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(layout.choices[name]) + '"', allow_blank=True,
                                showErrorMessage=False, promptTitle="可选", prompt="从列表中选择，或照原表填写")
            dv.showInputMessage = True
        elif name == "score":
            first = next(lc for lc in layout.cells if lc.validation == "score")
            weight = f"{col_letter(layout.weight_col or first.col - 1)}{first.row}"
            dv = DataValidation(type="custom", formula1=f'AND({first.ref}>=0,OR({weight}="",{first.ref}<={weight}))',
                                allow_blank=True, error="得分应为不小于 0 且不超过本行分值的数字", errorTitle="得分")
        else:
            dv = DataValidation(allow_blank=True, **NUMERIC[name])
        dv.showErrorMessage = name not in layout.choices
        for ref in refs:
            dv.add(ref)
        ws.add_data_validation(dv)


def _alerts(ws: Worksheet, layout: FormLayout) -> None:
    for cells, formula in layout.alerts:
        ws.conditional_formatting.add(cells, FormulaRule(formula=[formula], fill=ALERT_FILL, font=ALERT_FONT))


def _page_setup(ws: Worksheet, layout: FormLayout) -> None:
    ws.print_area = f"A1:{col_letter(layout.ncols)}{layout.nrows}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    for i, width in enumerate(layout.widths, start=1):
        ws.column_dimensions[col_letter(i)].width = width * 0.6  # Excel's unit: one digit of the default font
    for lc in layout.cells:
        if lc.kind == "title":
            ws.row_dimensions[lc.row].height = 30
    for row, lines in layout.tall_rows.items():
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 4


def _protect(ws: Worksheet) -> None:
    # No password (issue 7): the protection guards against typing over a formula, not against the filer.
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    ws.protection.insertRows = False
    ws.protection.deleteRows = False


def _meta(wb: Workbook, layout: FormLayout, extra: dict[str, str]) -> None:
    # Last, so that tools reading the first sheet (pandas.read_excel) get the form; jixiao's reader skips it.
    ws = wb.create_sheet(META_SHEET)
    ws.append(["key", "value"])
    for r, (key, value) in enumerate({**layout.meta, "generator": f"jixiao {__version__}", **extra}.items(), start=2):
        inert.sheet_cell(ws.cell(r, 1), key)
        inert.sheet_cell(ws.cell(r, 2), value)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def layout_workbook(layout: FormLayout, extra_meta: dict[str, str] | None = None) -> tuple[Workbook, dict[str, object]]:
    """The workbook of a layout, and the cached (printed) values of its formula cells by reference."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    cached: dict[str, object] = {}
    styles: dict[tuple[str, bool, int | None], str] = {}
    for lc in layout.cells:
        cell = ws.cell(lc.row, lc.col)
        if lc.formula:
            cell.value = lc.formula
            if lc.value is not None or layout.printed:
                cached[lc.ref] = "" if lc.value is None else lc.value  # "" : printed empty, a result all the same
        else:
            inert.sheet_cell(cell, lc.value)
            if isinstance(lc.value, str) and lc.value.startswith("="):
                cell.data_type = "s"  # printed text, not a formula
        key = _style_key(lc)
        if key not in styles:
            style = _named_style(key)
            wb.add_named_style(style)
            styles[key] = style.name
        # Every cell under a merge gets the style too: its borders and fill show on paper.
        for r in range(lc.row, lc.row + lc.rows):
            for c in range(lc.col, lc.col + lc.cols):
                ws.cell(r, c).style = styles[key]
        if lc.rows > 1 or lc.cols > 1:
            ws.merge_cells(start_row=lc.row, start_column=lc.col, end_row=lc.row + lc.rows - 1,
                           end_column=lc.col + lc.cols - 1)
    _validations(ws, layout)
    _alerts(ws, layout)
    _page_setup(ws, layout)
    _protect(ws)
    _meta(wb, layout, extra_meta or {})
    wb.calculation.fullCalcOnLoad = True
    return wb, cached


_EMPTY_RESULT = re.compile(r'(<c r="(?P<ref>[A-Z]+\d+)"(?P<attrs>[^>]*)>)(?P<f><f>.*?</f>)<v\s*>\s*</v>|'
                           r'(<c r="(?P<ref2>[A-Z]+\d+)"(?P<attrs2>[^>]*)>)(?P<f2><f>.*?</f>)<v\s*/>')


_APPLICATION = re.compile(r"<Application>.*?</Application>")


def _with_cached(sheet_xml: str, cached: dict[str, object]) -> str:
    def repl(m: re.Match[str]) -> str:
        ref = m.group("ref") or m.group("ref2")
        attrs = m.group("attrs") if m.group("ref") else m.group("attrs2")
        formula = m.group("f") or m.group("f2")
        if ref not in cached:
            return f'<c r="{ref}"{attrs}>{formula}'
        value = cached[ref]
        if isinstance(value, (Decimal, int)):
            return f'<c r="{ref}"{attrs}>{formula}<v>{fmt(Decimal(value))}</v>'
        return f'<c r="{ref}"{attrs} t="str">{formula}<v>{escape(inert.text(str(value)))}</v>'

    return _EMPTY_RESULT.sub(repl, sheet_xml)


def workbook_bytes(wb: Workbook, cached: dict[str, object]) -> bytes:
    """Save, then write the printed values into the formula cells (openpyxl leaves them empty)."""
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = _with_cached(data.decode("utf-8"), cached).encode("utf-8")
            elif item.filename == "docProps/app.xml":
                # LibreOffice trusts the cached results of files an Excel wrote and recomputes the others';
                # openpyxl calls itself "Microsoft Excel Compatible", which would keep the printed values.
                data = _APPLICATION.sub(f"<Application>jixiao {__version__}</Application>", data.decode("utf-8")).encode()
            zout.writestr(item, data)
    return out.getvalue()


def form_xlsx(ev: Evaluation, policy: ScoringPolicy | str | None = None) -> bytes:
    """A parsed form in the template: values filled, formulas kept, printed values cached."""
    meta = {"source_file": Path(ev.source.file).name,  # the name only: exported files travel, local paths need not
            "source_format": ev.source.format, "form_index": str(ev.source.form_index),
            "year": str(ev.year or "")}
    return workbook_bytes(*layout_workbook(form_layout(ev, policy), meta))


def template_xlsx(policy: ScoringPolicy, year: int | None = None, template: str = "national") -> bytes:
    """A template's empty form for filers."""
    return workbook_bytes(*layout_workbook(blank_layout(policy, year, template), {"year": str(year or "")}))


@register_exporter("xlsx", "xlsx", "Excel 模板（公式保留、灰色单元格锁定）")
def write_xlsx(items: list[tuple[Evaluation, Path]], policy: ScoringPolicy | str | None) -> list[FileFailure]:
    return each_bytes(items, lambda ev: form_xlsx(ev, policy))
