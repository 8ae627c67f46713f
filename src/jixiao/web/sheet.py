"""The paper layout (export/layout.py, the one the xlsx and docx use) as an HTML grid: rows of
cells with their spans, each knowing the field it shows, its findings and comments.

In edit mode the white cells become inputs named by their field path and the level cells merged
over several indicator rows are split, one per row, so each row's level can be chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..checks import Finding
from ..export.layout import FormLayout, LayoutCell, form_layout
from ..model import FUNDS_ROWS, Evaluation, FundsRow
from ..place import Place
from ..values import fmt
from .editing import SHEET

_LEVEL_PATH = re.compile(r"indicators\[(\d+)\]\.(level[12]_text)")
MULTILINE = ("goals.expected", "goals.achieved", "remarks")


@dataclass(slots=True)
class HtmlCell:
    ref: str
    kind: str
    text: str
    path: str | None = None
    rows: int = 1
    cols: int = 1
    editable: bool = False
    multiline: bool = False
    findings: list[Finding] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return "c-" + re.sub(r"[^A-Za-z0-9]", "-", self.path or self.ref)

    @property
    def worst(self) -> str | None:
        order = ("error", "warning", "info")
        return min((f.severity for f in self.findings), key=order.index, default=None)


@dataclass(slots=True)
class HtmlSheet:
    rows: list[list[HtmlCell]]
    refs: dict[str, str]  # field path → cell reference (as in the exported xlsx)
    by_path: dict[str, HtmlCell]
    unplaced: list[Finding] = field(default_factory=list)

    def cells(self) -> list[HtmlCell]:
        return [c for row in self.rows for c in row]

    def attach(self, findings: list[Finding]) -> None:
        """Each finding on the cell of its field (else of its row's name, else listed under the form)."""
        for c in self.cells():
            c.findings = []
        self.unplaced = []
        for f in findings:
            target = self.by_path.get(f.field) or self.by_path.get(f.field.rsplit(".", 1)[0])
            if target is None and f.field.startswith("indicators[") and "]" in f.field:
                target = self.by_path.get(f.field[:f.field.index("]") + 1] + ".name")
            (target.findings if target else self.unplaced).append(f)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt(value) or ""
    return str(value)


def _display(ev: Evaluation, editing: bool) -> Evaluation:
    """The form as drawn: in edit mode every breakdown row shows, filled or not."""
    if not editing:
        return ev
    from copy import copy

    shown = copy(ev)
    shown.funds = copy(ev.funds)
    for kind in FUNDS_ROWS:
        if getattr(shown.funds, kind) is None:
            setattr(shown.funds, kind, FundsRow())
    return shown


def _split_levels(layout: FormLayout) -> list[LayoutCell]:
    """Level cells merged over several rows, one per row (edit mode)."""
    out: list[LayoutCell] = []
    for c in layout.cells:
        m = _LEVEL_PATH.fullmatch(c.path or "")
        if m and c.rows > 1:
            start, attr = int(m.group(1)), m.group(2)
            for k in range(c.rows):
                out.append(LayoutCell(c.row + k, c.col, c.value, c.kind, rows=1, cols=c.cols, validation=c.validation,
                                      wrap=True, path=f"indicators[{start + k}].{attr}"))
        else:
            out.append(c)
    return out


def build(ev: Evaluation, editing: bool = False, comments: dict[str, list[str]] | None = None) -> HtmlSheet:
    layout = form_layout(_display(ev, editing))
    cells = _split_levels(layout) if editing else layout.cells
    comments = comments or {}
    grid: dict[int, list[HtmlCell]] = {}
    refs: dict[str, str] = {}
    by_path: dict[str, HtmlCell] = {}
    for c in sorted(cells, key=lambda c: (c.row, c.col)):
        hc = HtmlCell(c.ref, c.kind, _text(c.value), c.path, c.rows, c.cols,
                      editable=editing and c.kind == "input" and c.path is not None,
                      multiline=c.wrap or c.path in MULTILINE)
        if c.path:
            refs[c.path] = c.ref
            by_path.setdefault(c.path, hc)
            hc.comments = comments.get(c.path, [])
        grid.setdefault(c.row, []).append(hc)
    return HtmlSheet([grid[r] for r in sorted(grid)], refs, by_path)


def place_fields(ev: Evaluation, refs: dict[str, str]) -> None:
    """Locators of a web form's fields: the cells they have in the exported xlsx (工作表“自评表”H14)."""
    ev.locators = {path: Place(sheet=SHEET, cell=ref) for path, ref in refs.items()}
    for inv in ev.invalid:
        if inv.field in refs:
            inv.place = Place(sheet=SHEET, cell=refs[inv.field])
