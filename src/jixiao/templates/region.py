"""T9: the 转移支付 区域绩效自评 ``资金绩效评价表`` (林业草原改革发展资金 …): funds by 行次 and 列次.

Its 资金投入情况 prints, per source row (年度资金总额 / 其中:中央财政资金 / 地方财政资金 / 其他资金,
行次 1–4), seven columns: 全年预算数 (A), 统筹整合资金数 (B), 扣除统筹整合资金后预算金额 (C = A − B),
全年到位资金 (D), 预算到位 (D/C), 全年执行资金 (E), 预算执行 (E/C). A copied page runs a row over two
lines and drops its blank cells. The columns are placed by the '%' values and the row's own
arithmetic only: D/C and E/C as printed, and C = A − B when B is blank. 执行率 is E/C, so the
model's 全年预算数 is C and its 全年执行数 E; A, B, D and D/C have no field and are named in notes.
Its 资金管理情况 (分配科学性, 下达及时性 …) is a rubric of text: named, not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..ingest.grid import Cell, Row
from ..ingest.layouts.base import FormParser
from ..model import FundsRow
from ..place import Place
from ..text import clean, label_key
from ..values import HUNDRED, Money, MoneyUnit, NotANumber, parse_number, places, quantum
from . import FormTemplate, register_template

_ROW = re.compile(r"^(年度资金总额|其中[:：]?中央财政资金|中央财政资金|地方财政资金|其他资金)\s*(?:[(（](万元|元)[^)）]*[)）])?"
                  r"\s*[:：]?\s*(\d)(?=\s|$)")
_KINDS = {"年度资金总额": "total", "中央财政资金": "central", "地方财政资金": "local", "其他资金": "other"}
_YEAR = re.compile(r"^年度[:：]\s*(\d{4})\s*年?$")
# Its title: <unit><year>年度<fund>绩效评价表 ("雅安市名山区林业局2024年度林业草原改革发展资金绩效评价表").
_TITLE = re.compile(r"^(.*?)(\d{4})年度(.+?)绩效评价表$")
_NUMBER = re.compile(r"\d[\d.,]*%?")
_COLUMNS = ("A", "B", "C", "D", "D/C", "E", "E/C")
_ZH = {"A": "全年预算数(A)", "B": "统筹整合资金数(B)", "D": "全年到位资金(D)", "D/C": "预算到位(D/C)"}


def _tokens(row: Row) -> list[Cell]:
    """The row's numbers, each a cell at its own column."""
    out = []
    for c in row.cells:
        for m in _NUMBER.finditer(c.text):
            out.append(Cell(m.group(0), None, c.line, (c.col or 1) + m.start()) if c.line is not None
                       else Cell(m.group(0), c.place))
    return out


def _dec(text: str) -> Decimal | None:
    try:
        return parse_number(text, percent=True)
    except NotANumber:
        return None


def _share_fits(part: Decimal, whole: Decimal, printed: str) -> bool:
    rate = _dec(printed)
    if rate is None or not whole:
        return False
    return abs(part / whole * HUNDRED - rate) <= quantum(places(rate))


def columns(values: list[Cell]) -> dict[str, Cell] | None:
    """The row's values by column, when the '%' values and the arithmetic leave one reading; else None."""
    pct = [n for n, c in enumerate(values) if c.text.endswith("%")]
    if len(pct) != 2 or pct[1] != pct[0] + 2 or pct[1] != len(values) - 1:
        return None
    before = values[:pct[0]]
    amounts = [_dec(c.text) for c in before]
    if any(a is None for a in amounts):
        return None
    if len(before) == 4:
        named = dict(zip(("A", "B", "C", "D"), before))
    elif len(before) == 3 and amounts[0] == amounts[1]:
        named = dict(zip(("A", "C", "D"), before))  # B blank: C = A − 0
    else:
        return None
    named |= {"D/C": values[pct[0]], "E": values[pct[0] + 1], "E/C": values[pct[1]]}
    c, d, e = (_dec(named[k].text) for k in ("C", "D", "E"))
    if c is None or d is None or e is None or not _share_fits(d, c, named["D/C"].text) \
            or not _share_fits(e, c, named["E/C"].text):
        return None
    return named


@dataclass
class RegionReader(FormParser):
    unit: MoneyUnit | None = None
    current: tuple[str, Place, list[Cell]] | None = None  # a funds row being gathered over its lines
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)

    def row(self, row: Row) -> None:
        text = " ".join(c.text.strip() for c in row.cells if c.text.strip())
        key = label_key(text)
        if (m := _TITLE.match(key)) and self.ev.project.name is None:
            self.title_row(m, row)
            return
        if (m := _YEAR.match(key)) and self.ev.year is None:
            self.ev.year = int(m.group(1))
            self.ev.locators["year"] = row.place
            self.use_row(row)
            return
        if key in ("(万元)", "(元)") and self.unit is None:
            self.unit = key[1:-1]  # type: ignore[assignment]
            self.use_row(row)
            return
        if m := _ROW.match(clean(text)):
            self.flush()
            kind = _KINDS[re.sub(r"^其中[:：]?", "", m.group(1))]
            self.unit = self.unit or m.group(2)  # type: ignore[assignment]
            rest = clean(text)[m.end():]
            self.current = (kind, row.place, _tokens(Row([Cell(rest, None, row.place.line, None)], row.place)))
            self.use_row(row)
            return
        if self.current is not None and _NUMBER.match(key):
            self.current[2].extend(_tokens(row))
            self.use_row(row)
            if words := _NUMBER.sub(" ", text).strip():  # 佐证材料 printed after the row's numbers
                self.note("cell-unplaced", row.place, text=clean(words)[:60])
            return
        self.flush()

    def title_row(self, m: re.Match[str], row: Row) -> None:
        """The fund is the project, the unit before the year the one that evaluates it (a mirror's '****' mask
        hides it: not read)."""
        ev = self.ev
        unit, year, name = m.groups()
        ev.project.name = name
        ev.locators["project.name"] = row.place
        if unit and "*" not in unit:
            ev.project.implementing_unit = unit
            ev.locators["project.implementing_unit"] = row.place
        if ev.year is None:
            ev.year = int(year)
            ev.locators["year"] = row.place
        self.use_row(row)

    def use_row(self, row: Row) -> None:
        for c in row.cells:
            self.use(c)

    def flush(self) -> None:
        if self.current is None:
            return
        kind, where, values = self.current
        self.current = None
        if not values:
            return  # a source row left blank
        named = columns(values) if kind not in self.rows else None
        if named is None:
            self.note("row-values-unplaced", where, row=kind, text=" ".join(c.text for c in values))
            return
        self.rows[kind] = named
        self.ev.locators[f"funds.{kind}"] = where
        for col, cell in named.items():
            if col in _ZH:
                self.note("values-unplaced", where, text=cell.text,
                          why=f"{_ZH[col]}在自评表中没有对应栏目（执行率按扣除统筹整合资金后预算金额(C)计算）")

    def finish(self) -> None:
        self.flush()
        ev = self.ev
        ev.money_unit = self.unit
        for kind, named in self.rows.items():
            fr = FundsRow(rate=_dec(named["E/C"].text))
            if self.unit is not None:
                for fld, col in (("full_year", "C"), ("executed", "E")):
                    amount = _dec(named[col].text)
                    setattr(fr, fld, Money(amount, self.unit) if amount is not None else None)
            setattr(ev.funds, kind, fr)
        self.warn_unused()
        ev.note("part-missing", part="indicators", label="绩效指标")
        self.settle_parts()



REGION = register_template(FormTemplate(
    name="region",
    title="转移支付资金绩效评价表（区域绩效自评：A–E列，执行率=E/C）",
    titles=(),
    labels=(("统筹整合资金数", 4), ("扣除统筹整合资金后预算金额", 4), ("全年到位资金", 2), ("全年执行资金", 2)),
    policy="national",
    parse=RegionReader.read,
    has_notes=False,
    writes=False,
    has_unit=False,
))
