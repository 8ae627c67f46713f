"""The national 项目支出绩效自评表 (财预〔2020〕10号): grid rows of one form → Evaluation.

The parser walks the rows once. Each row is recognized by its labels, not by
its position, because published forms shift cells: merged cells come out empty
or filled down, a row may lose or gain an empty cell, vertical text is split per
character. Every non-empty cell is either placed in the model or reported in
``warnings``; nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ...model import FUNDS_ROW_ZH, Evaluation, FundsRow
from ...text import clean, clean_block, label_key
from ...values import Money, MoneyUnit, is_number, parse_measure
from ..grid import Cell, Place, Row
from ..vocab import (
    FUNDS_COLUMNS,
    HEADER_FIELDS,
    INDICATOR_COLUMNS,
    INDICATOR_SECTION,
    LEVEL1,
    LEVEL2,
    MONEY_UNIT,
    SECTION_LABELS,
    YEAR_ROW,
    funds_row_kind,
)
from .base import FormParser, Segment, infer_unit

_DEFAULT_FUNDS_ORDER = ["initial", "full_year", "executed", "weight", "rate", "score"]
_VALUE_FIELDS = ("name", "target", "actual", "weight", "score", "note")


@lru_cache(maxsize=2048)
def label_kind(key: str) -> tuple[int, str, Decimal | None] | None:
    """(level, canonical name, declared weight) for an indicator level label; level 0 is the section label."""
    if key in INDICATOR_SECTION:
        return (0, key, None)
    if m := LEVEL1.fullmatch(key):
        return (1, m.group(1), Decimal(m.group(2)) if m.group(2) else None)
    if m := LEVEL2.fullmatch(key):
        return (2, m.group(1), None)
    return None


def _cell(cells: list[Cell], i: int) -> Cell | None:
    return cells[i] if 0 <= i < len(cells) else None


@dataclass
class NationalParser(FormParser):
    phase: str = "header"
    funds_order: list[str] = field(default_factory=list)
    funds_raw: dict[str, dict[str, tuple[Decimal, Place]]] = field(default_factory=dict)
    goals_cols: tuple[int, int] | None = None
    ind_cols: dict[str, int] = field(default_factory=dict)
    # Found once per indicator header: the value fields' columns in order, 分值/得分, the last column.
    value_cols: list[tuple[str, int]] = field(default_factory=list)
    number_cols: tuple[int, int] = (-99, -99)
    last_col: int = -1
    unit: MoneyUnit | None = None

    # ------------------------------------------------------------ main
    def row(self, row: Row) -> None:
        cells = row.cells
        keys = row.keys()
        joined = "|".join(keys)
        if not joined.strip("|"):
            return
        if "总分" in keys:
            self.total_row(row, keys.index("总分"))
            return
        if self.phase == "after_total":
            self.remark_row(row)
            return
        early = self.phase in ("header", "funds")
        if early and ("(" in joined):
            for c, k in zip(cells, keys):
                if (m := MONEY_UNIT.search(k)) and ("项目资金" in k or "金额" in k or k == m.group(0)):
                    self.unit = m.group(1)  # type: ignore[assignment]
                    self.use(c)
        if early and "年初预算" in joined and ("执行" in joined or "全年预算" in joined):
            self.funds_header(row, keys)
            return
        if early:
            for i, k in enumerate(keys):
                if k and (kind := funds_row_kind(k)):
                    self.funds_row(row, i, kind)
                    return
        if "预期目标" in keys and "实际完成情况" in joined:
            self.goals_header(row, keys)
            return
        if "一级指标" in joined and "三级指标" in joined:
            self.indicator_header(row, keys)
            return
        if self.phase == "goals":
            self.goals_row(row, keys)
            return
        if self.phase == "indicators":
            self.indicator_row(row, keys)
            return
        if any(k in HEADER_FIELDS for k in keys):
            self.header_row(row, keys)
            return
        self.other_row(row, keys)

    # ------------------------------------------------------------ header
    def header_row(self, row: Row, keys: list[str]) -> None:
        cells = row.cells
        i = 0
        while i < len(cells):
            key = keys[i]
            fld = HEADER_FIELDS.get(key)
            if fld is None:
                i += 1
                continue
            self.use(cells[i])
            value_cell = _cell(cells, i + 1)
            if value_cell is not None and keys[i + 1] in HEADER_FIELDS:
                value_cell = None
            if fld == "year":
                if value_cell is not None:
                    year = YEAR_ROW.fullmatch(keys[i + 1])
                    self.use(value_cell)
                    if year:
                        self.ev.year = int(year.group(1))
                        self.ev.locators["year"] = value_cell.place
                    elif value_cell.text.strip():
                        self.note("year-unreadable", value_cell.place, label="绩效自评年度", text=clean(value_cell.text))
            else:
                path = f"project.{fld}"
                value = self.text(value_cell, path)
                if value is not None and getattr(self.ev.project, fld) is None:
                    setattr(self.ev.project, fld, value)
            i += 2 if value_cell is not None else 1

    def other_row(self, row: Row, keys: list[str]) -> None:
        nonempty = [(c, k) for c, k in zip(row.cells, keys) if k]
        if not nonempty:
            return
        if len(nonempty) == 1:
            c, k = nonempty[0]
            m = YEAR_ROW.fullmatch(k)
            if m and ("年" in k or "(" in k):
                self.use(c)
                if self.ev.year is None:
                    self.ev.year = int(m.group(1))
                    self.ev.locators["year"] = c.place
                return
        for c, k in nonempty:
            if k in SECTION_LABELS or MONEY_UNIT.fullmatch(k) or k.startswith("项目资金"):
                self.use(c)

    # ------------------------------------------------------------ funds
    def funds_header(self, row: Row, keys: list[str]) -> None:
        self.phase = "funds"
        order: list[str] = []
        for c, k in zip(row.cells, keys):
            for needle, fld in FUNDS_COLUMNS:
                if needle in k:
                    order.append(fld)
                    self.use(c)
                    break
            else:
                if k in SECTION_LABELS or k.startswith("项目资金"):
                    self.use(c)
        self.funds_order = order

    def funds_row(self, row: Row, label_index: int, kind: str) -> None:
        self.phase = "funds"
        cells = row.cells
        self.use(cells[label_index])
        for c in cells[:label_index]:
            if label_key(c.text).startswith("项目资金"):
                self.use(c)
        order = self.funds_order or _DEFAULT_FUNDS_ORDER
        if not self.funds_order:
            self.note("funds-header-missing", row.place, order="年初预算数、全年预算数、全年执行数、分值、执行率、得分")
        values = cells[label_index + 1:]
        raw: dict[str, tuple[Decimal, Place]] = {}
        for fld, cell in zip(order, values):
            value = self.number(cell, f"funds.{kind}.{fld}", percent=fld == "rate")
            if value is not None:
                raw[fld] = (value, cell.place)
        for cell in values[len(order):]:
            if cell.text.strip():
                self.extra_cell(cell, FUNDS_ROW_ZH[kind])
        self.keep_first(self.funds_raw, kind, raw, row, FUNDS_ROW_ZH[kind])

    # ------------------------------------------------------------ goals
    def goals_header(self, row: Row, keys: list[str]) -> None:
        self.phase = "goals"
        ce = keys.index("预期目标")
        ca = next(i for i, k in enumerate(keys) if "实际完成情况" in k)
        self.goals_cols = (ce, ca)
        for c, k in zip(row.cells, keys):
            if k in ("预期目标", "年度总体目标", "年度总体目标完成情况") or "实际完成情况" in k:
                self.use(c)

    def goals_row(self, row: Row, keys: list[str]) -> None:
        ce, ca = self.goals_cols or (1, 2)
        for i, (c, k) in enumerate(zip(row.cells, keys)):
            if not c.text.strip():
                continue
            if k in SECTION_LABELS:
                self.use(c)
                continue
            part = "expected" if abs(i - ce) <= abs(i - ca) else "achieved"
            value = self.text(c, f"goals.{part}", block=True)
            old = getattr(self.ev.goals, part)
            setattr(self.ev.goals, part, value if old is None else f"{old}\n{value}")

    # ------------------------------------------------------------ indicators
    def indicator_header(self, row: Row, keys: list[str]) -> None:
        self.phase = "indicators"
        cols: dict[str, int] = {}
        for i, (c, k) in enumerate(zip(row.cells, keys)):
            for needle, fld in INDICATOR_COLUMNS:
                if needle in k and fld not in cols:
                    cols[fld] = i
                    self.use(c)
                    break
            else:
                if k in INDICATOR_SECTION or k.replace("\n", "") in INDICATOR_SECTION:
                    self.use(c)
        self.ind_cols = cols
        self.value_cols = [(fld, cols[fld]) for fld in _VALUE_FIELDS if fld in cols]
        self.number_cols = (cols.get("weight", -99), cols.get("score", -99))
        self.last_col = max(cols.values(), default=-1)
        for c, k in zip(row.cells, keys):
            if k in INDICATOR_SECTION:
                self.use(c)

    def _plausibility(self, cells: list[Cell], keys: list[str], shift: int) -> float:
        """How well the row fits the header when shifted: numbers under 分值/得分, nothing lost."""
        cols = self.ind_cols
        score = -0.5 * abs(shift)
        n = len(cells)
        for col in self.number_cols:
            i = col + shift
            if 0 <= i < n and (t := cells[i].text.strip()):
                score += 2 if is_number(t) else -3
        last = self.last_col + shift
        tail = keys[last + 1:]
        if tail:
            score -= 2 * (len(tail) - tail.count(""))
        name_col = cols.get("name", 3) + shift
        for k in keys[:max(name_col, 0)]:
            if k and label_kind(k) is None:
                score -= 1
        return score

    def _shift(self, cells: list[Cell], keys: list[str]) -> int:
        """Columns the row's values sit away from the header's; 0 for the common, aligned row."""
        cols = self.ind_cols
        w = cols.get("weight")
        if w is None:
            return 0
        if len(cells) <= self.last_col + 1 and self._plausibility(cells, keys, 0) >= 4:
            return 0
        if not any(keys[max(w - 2, 0):]):
            return 0  # nothing from 年度指标值 on: an unfilled row, nothing to align
        return max((0, -1, 1, -2, 2), key=lambda s: self._plausibility(cells, keys, s))

    def indicator_row(self, row: Row, keys: list[str]) -> None:
        cells = row.cells
        cols = self.ind_cols
        shift = self._shift(cells, keys)
        name_col = cols.get("name", 3) + shift
        # Label zone: level 1 / level 2 by their words, wherever merged cells put them.
        for i in range(min(name_col, len(cells))):
            k = keys[i]
            if not k:
                continue
            c = cells[i]
            kind = label_kind(k)
            if kind is not None:
                self.use(c)
                level, canonical, weight = kind
                if level == 1:
                    self.level1 = (canonical, clean(c.text))
                    self.level2 = None
                    if weight is not None and canonical not in self.ev.level1_weights:
                        self.ev.level1_weights[canonical] = weight
                elif level == 2:
                    self.level2 = (canonical, clean(c.text))
            elif i == cols.get("level1", -1) + shift or i == cols.get("level1"):
                self.use(c)
                self.level1 = (clean(c.text), clean(c.text))
                self.level2 = None
            elif i == cols.get("level2", -1) + shift or i == cols.get("level2"):
                self.use(c)
                self.level2 = (clean(c.text), clean(c.text))
        n = len(cells)
        value_cells = {fld: cells[i + shift] if 0 <= i + shift < n else None for fld, i in self.value_cols}
        made = self.new_indicator(value_cells, self.level1, self.level2)
        if made is None:
            return
        ind, p = made
        ind.target_measure = parse_measure(ind.target or "")
        ind.actual_measure = parse_measure(ind.actual or "")
        self.ev.locators[p] = row.place
        self.ev.indicators.append(ind)
        if shift:
            self.note("row-shifted", row.place, name=ind.name or ind.level2 or "", shift=shift)
            self.ev.parts_found["indicators"] = "re-aligned"

    # ------------------------------------------------------------ total and after
    def total_row(self, row: Row, index: int) -> None:
        super().total_row(row, index)
        self.phase = "after_total"

    def remark_row(self, row: Row) -> None:
        parts: list[str] = []
        for c in row.cells:
            self.use(c)
            t = clean_block(c.text)
            if t and label_key(t) != "备注":
                parts.append(t.removeprefix("备注:").removeprefix("备注：").strip())
        text = "\n".join(p for p in parts if p)
        if text:
            self.ev.remarks = f"{self.ev.remarks}\n{text}" if self.ev.remarks else text
            self.ev.locators.setdefault("remarks", row.place)

    # ------------------------------------------------------------ finish
    def finish(self) -> None:
        ev = self.ev
        if self.unit is None and self.funds_raw:
            amounts = [v for raw in self.funds_raw.values() for f, (v, _) in raw.items()
                       if f in ("initial", "full_year", "executed")]
            self.unit = infer_unit(amounts)
            ev.note("unit-inferred", unit=self.unit)
        ev.money_unit = self.unit
        for kind, raw in self.funds_raw.items():
            fr = FundsRow()
            for fld, (value, _place) in raw.items():
                if fld in ("initial", "full_year", "executed"):
                    setattr(fr, fld, Money(value, self.unit))  # type: ignore[arg-type]
                else:
                    setattr(fr, fld, value)
            setattr(ev.funds, kind, fr)
        self.warn_unused()
        self.settle_parts()
        if not self.funds_raw:
            ev.note("part-missing", part="funds", label="资金使用情况（年度资金总额）")
        if not ev.indicators:
            ev.note("part-missing", part="indicators", label="绩效指标")
        if not ev.goals.expected and not ev.goals.achieved and self.goals_cols is None:
            ev.note("part-missing", part="goals", label="年度总体目标")


def parse_national(segment: Segment, file: str, fmt: str, form_index: int) -> Evaluation:
    return NationalParser(segment, file, fmt, form_index).parse()
