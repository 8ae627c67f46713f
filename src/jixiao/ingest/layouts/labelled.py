"""Forms described by their printed labels (Sichuan, Chongqing-style, department-wide): one parser, one spec each.

A :class:`LayoutSpec` names the labels of a template's header fields, funds table,
goals, indicator table and free-text parts. The parser finds each part by its
labels and reads its values by column, so a template is data, not code.

Flattened text (``text-flat``) has lost its empty cells: a funds row or an
indicator record is read only where the count of values or a typed column (指标性质,
执行率 with '%', 是/否) settles which value is which; anything else stays unplaced
and is named in the warnings rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from ...model import FUNDS_ROW_ZH, Evaluation, FundsRow, Total
from ...scoring.policy import with_unit
from ...scoring.rounding import HUNDRED, places, quantum
from ...text import clean, label_key
from ...values import Money, MoneyUnit, NotANumber, is_number, parse_measure, parse_number
from ..grid import Cell, Row
from ..vocab import HEADER_FIELDS, MONEY_UNIT, YEAR_ROW
from .base import FormParser, Segment, infer_unit
from .national import label_kind

FLAT = "text-flat"
AMOUNTS = ("initial", "full_year", "executed")
NUMERIC = frozenset({"initial", "full_year", "executed", "rate", "weight", "score", "coefficient"})
# 指标性质 printed as an operator or as the words for qualitative/quantitative.
NATURES = frozenset({"=", "＝", "≥", "≤", ">", "<", "＞", "＜", ">=", "<=", "≧", "≦", "定性", "定量", "定性指标", "定量指标"})
_OPERATOR = {"＝": "=", "≧": "≥", "≦": "≤", ">=": "≥", "<=": "≤", "＞": ">", "＜": "<"}
_ENUM = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]+[)）.、．]\s*)+")
_POINTS = re.compile(r"[(（](?:\d+(?:\.\d+)?分|万元|元)[)）]$")
_CODE_NAME = re.compile(r"^([0-9A-Za-z]{10,})\s*[-－—_]\s*(.+)$")
_LEVEL_POINTS = re.compile(r"(.+?)\((\d+(?:\.\d+)?)分\)")
_YES = {"是": True, "否": False}


@dataclass(frozen=True)
class LayoutSpec:
    """The labels of one template, as label keys (see :func:`jixiao.text.label_key`)."""

    header_fields: Mapping[str, str]  # label → "project.name", "year", "total.score", "code_name"
    funds_columns: tuple[tuple[str, str], ...]  # (substring of the header label, field), first match wins
    funds_rows: Mapping[str, str]  # row label without "其中:" → funds row kind
    indicator_columns: tuple[tuple[str, str], ...]
    indicator_header: tuple[str, ...]  # every one of these in a row marks the indicator header
    goal_columns: Mapping[str, str] = field(default_factory=dict)  # label → initial / expected / achieved
    texts: Mapping[str, str] = field(default_factory=dict)  # label → Evaluation attribute
    sections: frozenset[str] = frozenset()  # labels that only open a part (scores stripped)
    total_labels: frozenset[str] = frozenset({"合计", "总分", "总计"})

    def row_label(self, kind: str) -> str:
        """A funds row as this template prints it (总额, 财政资金...)."""
        return next((label for label, k in self.funds_rows.items() if k == kind), FUNDS_ROW_ZH[kind])

    def anchors(self) -> set[str]:
        """Labels that begin a row: where flattened text is cut back into rows."""
        out = set(self.header_fields) | set(self.funds_rows) | set(self.texts) | self.sections | self.total_labels
        out |= {f"其中:{k}" for k in self.funds_rows}
        return out


def header_fields(extra: Mapping[str, str]) -> dict[str, str]:
    """The national header labels as targets ("项目名称" → "project.name"), plus a template's own."""
    base = {k: "year" if v == "year" else f"project.{v}" for k, v in HEADER_FIELDS.items()}
    return base | dict(extra)


def _funds_kind(spec: LayoutSpec, key: str) -> str | None:
    return spec.funds_rows.get(key.removeprefix("其中").lstrip(":"))


def section_key(key: str) -> str:
    """A part label without its numbering and points: "2.项目实施内容及过程概述" → "项目实施内容及过程概述"."""
    return _POINTS.sub("", _ENUM.sub("", key))


def _is_unit(text: str) -> bool:
    return not is_number(text, percent=True) and parse_measure("1" + text).unit is not None


def _join(cells: list[Cell]) -> Cell:
    """Several flattened tokens that form one value: one cell at the first token's place."""
    if len(cells) == 1:
        return cells[0]
    return Cell(" ".join(c.text for c in cells), cells[0].place)


def _leading_columns_agree(order: list[str], values: list[Cell]) -> bool:
    """Fewer numbers than columns, the empty ones trailing: accepted only when 执行数÷预算数 gives the printed rate."""
    cand = dict(zip(order, (c.text for c in values)))
    if len(values) >= len(order) or not {"full_year", "executed", "rate"} <= cand.keys():
        return False
    if not all(f in NUMERIC and is_number(t, percent=True) for f, t in cand.items()):
        return False
    try:
        budget, executed = parse_number(cand["full_year"]), parse_number(cand["executed"])
        rate = parse_number(cand["rate"], percent=True)
    except NotANumber:  # a '%' under an amount column
        return False
    if budget is None or executed is None or rate is None:
        return False
    exact = executed / budget * HUNDRED if budget else Decimal(0)
    return abs(exact - rate) <= quantum(places(rate))


@dataclass
class LabelledParser(FormParser):
    spec: LayoutSpec = field(default=None)  # type: ignore[assignment]
    phase: str = "header"
    unit: MoneyUnit | None = None
    funds_cols: dict[int, str] = field(default_factory=dict)
    funds_label_col: int = 0
    funds_raw: dict[str, dict[str, Cell]] = field(default_factory=dict)
    coefficient_percent: bool = True
    ind_cols: dict[int, str] = field(default_factory=dict)
    goal_cols: dict[int, str] = field(default_factory=dict)
    pending_text: str | None = None

    @property
    def flat(self) -> bool:
        return self.fmt == FLAT

    # ------------------------------------------------------------ dispatch
    def row(self, row: Row) -> None:
        keys = row.keys()
        spec = self.spec
        first = next((i for i, k in enumerate(keys) if k), None)
        if first is None:
            return
        lead = section_key(keys[first])
        if self.report_code(row, keys, first):
            return
        if lead in spec.total_labels:
            self.total_row(row, first)
            self.phase = "after_total"
            return
        funds = self.header_columns(keys, spec.funds_columns)
        if "executed" in funds.values() and len(funds) >= 3:
            self.funds_header(row, keys, funds)
            return
        if all(any(n in k for k in keys) for n in spec.indicator_header):
            self.indicator_header(row, keys)
            return
        if sum(1 for k in keys if k in spec.goal_columns) >= 2:
            self.goals_header(row, keys)
            return
        if lead in spec.texts:
            self.text_row(row, first, spec.texts[lead])
            return
        if any(k in spec.header_fields for k in keys):
            self.header_row(row, keys)
            return
        kind = _funds_kind(spec, keys[first])
        if kind is not None and self.phase == "funds":
            self.funds_row(row, first, kind)
            return
        if self.pending_text is not None:
            self.fill_text(row)
            return
        if self.phase == "indicators":
            self.indicator_row(row.cells, keys)
        elif self.phase == "goals":
            self.goals_row(row.cells, keys)
        else:
            self.sections(row.cells, keys)

    def sections(self, cells: list[Cell], keys: list[str]) -> None:
        """Part labels ("预算执行情况(10分)") and a year on its own ("(2023年度)")."""
        nonempty = [(c, k) for c, k in zip(cells, keys) if k]
        if len(nonempty) == 1 and (m := YEAR_ROW.fullmatch(nonempty[0][1])) and "年" in nonempty[0][1]:
            self.use(nonempty[0][0])
            if self.ev.year is None:
                self.ev.year = int(m.group(1))
                self.ev.locators["year"] = nonempty[0][0].place
            return
        for c, k in zip(cells, keys):
            if k and section_key(k) in self.spec.sections:
                self.use(c)
                if m := MONEY_UNIT.search(k):
                    self.unit = m.group(1)  # type: ignore[assignment]

    def report_code(self, row: Row, keys: list[str], first: int) -> bool:
        key = keys[first]
        if not key.startswith("报表编号"):
            return False
        cell = row.cells[first]
        value = key.removeprefix("报表编号").lstrip(":")
        if not value and first + 1 < len(row.cells):
            cell = row.cells[first + 1]
            value = label_key(cell.text)
            self.use(row.cells[first])
        self.use(cell)
        if value:
            self.ev.report_code = value
            self.ev.locators["report_code"] = cell.place
        return True

    def total_row(self, row: Row, index: int) -> None:
        """合计 under the indicator table's 权重 and 得分 columns; by count where columns are unknown."""
        cols = {f: i for i, f in self.ind_cols.items()}
        if self.flat and len([c for c in row.cells[index + 1:] if is_number(c.text, percent=True)]) == 1 and "score" in cols:
            self.unplaced(row.cells[index:], "合计行只有一个数值，无法确定是权重还是得分")
            return
        if self.flat or "weight" not in cols or "score" not in cols or self.ev.total is not None:
            super().total_row(row, index)
            return
        cells = row.cells
        total = Total()
        total.weight = self.number(cells[cols["weight"]] if cols["weight"] < len(cells) else None, "total.weight")
        total.score = self.number(cells[cols["score"]] if cols["score"] < len(cells) else None, "total.score")
        self.use(cells[index])
        self.ev.locators["total"] = row.place
        self.ev.total = total

    # ------------------------------------------------------------ header
    def header_row(self, row: Row, keys: list[str]) -> None:
        cells = row.cells
        labels = [i for i, k in enumerate(keys) if k in self.spec.header_fields]
        for n, i in enumerate(labels):
            self.use(cells[i])
            end = labels[n + 1] if n + 1 < len(labels) else len(cells)
            values = [c for c in cells[i + 1:end] if c.text.strip()]
            if not values:
                continue
            if not self.flat:
                values = values[:1]
            self.header_value(self.spec.header_fields[keys[i]], _join(values))
            for c in values:
                self.use(c)
        self.sections(cells, keys)

    def header_value(self, target: str, cell: Cell) -> None:
        ev = self.ev
        if target == "year":
            m = YEAR_ROW.fullmatch(label_key(cell.text))
            if m:
                ev.year = int(m.group(1))
                ev.locators["year"] = cell.place
            else:
                self.note("year-unreadable", cell.place, label="年度", text=clean(cell.text))
        elif target == "total.score":
            score = self.number(cell, "total.score")
            if score is not None:
                ev.total = ev.total or Total()
                ev.total.score = score
        elif target == "department_name":
            ev.project.name = ev.project.department = self.text(cell, "project.department")
            if ev.project.name:
                ev.locators["project.name"] = cell.place
        elif target == "code_name":
            text = clean(cell.text)
            if m := _CODE_NAME.match(text):
                ev.project.code, ev.project.name = m.group(1), m.group(2).strip()
                ev.locators["project.code"] = ev.locators["project.name"] = cell.place
            else:
                ev.project.name = self.text(cell, "project.name")
        else:
            fld = target.removeprefix("project.")
            value = self.text(cell, target)
            if value is not None and getattr(ev.project, fld) is None:
                setattr(ev.project, fld, value)

    # ------------------------------------------------------------ free text
    def text_row(self, row: Row, index: int, attr: str) -> None:
        self.use(row.cells[index])
        rest = [c for c in row.cells[index + 1:] if c.text.strip()]
        if not rest:
            self.pending_text = attr
            return
        self.set_text(attr, rest)

    def set_text(self, attr: str, cells: list[Cell]) -> None:
        for c in cells:
            self.use(c)
        value = (" " if self.flat else "\n").join(clean(c.text) for c in cells)
        target = self.ev.goals if attr.startswith("goals.") else self.ev
        name = attr.removeprefix("goals.")
        old = getattr(target, name)
        setattr(target, name, value if old is None else f"{old}\n{value}")
        self.ev.locators.setdefault(attr, cells[0].place)

    def fill_text(self, row: Row) -> None:
        attr, self.pending_text = self.pending_text, None
        cells = [c for c in row.cells if c.text.strip()]
        if cells and attr is not None:
            self.set_text(attr, cells)

    # ------------------------------------------------------------ goals
    def goals_header(self, row: Row, keys: list[str]) -> None:
        self.phase = "goals"
        self.goal_cols = {}
        for i, (c, k) in enumerate(zip(row.cells, keys)):
            if k in self.spec.goal_columns:
                self.goal_cols[i] = self.spec.goal_columns[k]
                self.use(c)
        self.sections(row.cells, keys)
        last = max(self.goal_cols)
        trailing = [c for c in row.cells[last + 1:] if c.text.strip()]
        if trailing and len(trailing) == len(self.goal_cols):
            for c, part in zip(trailing, self.goal_cols.values()):
                self.set_text(f"goals.{part}", [c])

    def goals_row(self, cells: list[Cell], keys: list[str]) -> None:
        cols = self.goal_cols
        for i, (c, k) in enumerate(zip(cells, keys)):
            if not k or id(c) in self.used or section_key(k) in self.spec.sections:
                self.use(c)
                continue
            part = cols[min(cols, key=lambda col: abs(col - i))]
            self.set_text(f"goals.{part}", [c])

    # ------------------------------------------------------------ funds
    @staticmethod
    def header_columns(keys: list[str], needles: tuple[tuple[str, str], ...]) -> dict[int, str]:
        cols: dict[int, str] = {}
        for i, k in enumerate(keys):
            if not k:
                continue
            for needle, fld in needles:
                if needle in k:
                    if fld not in cols.values():
                        cols[i] = fld
                    break
        return cols

    def funds_header(self, row: Row, keys: list[str], cols: dict[int, str]) -> None:
        self.phase = "funds"
        self.funds_cols = cols
        self.funds_label_col = min(cols) - 1
        for i in cols:
            self.use(row.cells[i])
        for c, k in zip(row.cells, keys):
            if m := MONEY_UNIT.search(k):
                self.unit = m.group(1)  # type: ignore[assignment]
                self.use(c)
        self.sections(row.cells, keys)

    def funds_row(self, row: Row, index: int, kind: str) -> None:
        cells = row.cells
        self.use(cells[index])
        values = cells[index + 1:]
        placed: dict[str, Cell] = {}
        if self.flat:
            placed = self.flat_funds([c for c in values if c.text.strip()], kind)
        else:
            for j, c in enumerate(values, start=index + 1):
                fld = self.funds_cols.get(self.funds_label_col + j - index)
                if fld is not None:
                    placed[fld] = c
                elif c.text.strip():
                    self.extra_cell(c, self.spec.row_label(kind))
        if self.keep_first(self.funds_raw, kind, placed, row, self.spec.row_label(kind)):
            self.ev.locators[f"funds.{kind}"] = row.place

    def flat_funds(self, values: list[Cell], kind: str) -> dict[str, Cell]:
        """Values of a flattened funds row: by count, or split at the one '%' value; else unplaced."""
        order = [self.funds_cols[i] for i in sorted(self.funds_cols)]
        if len(values) == len(order) or _leading_columns_agree(order, values):
            return dict(zip(order, values))
        rates = [n for n, c in enumerate(values) if c.text.strip().endswith("%")]
        if len(rates) == 1 and "rate" in order:
            r, rc = rates[0], order.index("rate")
            before, after = order[:rc], order[rc + 1:]
            head, tail = values[:r], values[r + 1:]
            numbers = [c for c in tail if is_number(c.text, percent=True)]
            words = [c for c in tail if not is_number(c.text, percent=True)]
            numeric_after = [f for f in after if f in NUMERIC]
            if len(head) == len(before) and (not numbers or len(numbers) == len(numeric_after)):
                placed = dict(zip(before, head)) | {"rate": values[r]} | dict(zip(numeric_after, numbers))
                if words and "reason" in after:
                    placed["reason"] = _join(words)
                    for c in words:
                        self.use(c)
                return placed
        shown = " ".join(clean(c.text) for c in values)
        for c in values:
            self.use(c)
        if values:
            self.note("row-values-unplaced", values[0].place, row=self.spec.row_label(kind), text=shown)
        return {}

    # ------------------------------------------------------------ indicators
    def indicator_header(self, row: Row, keys: list[str]) -> None:
        self.phase = "indicators"
        self.ind_cols = self.header_columns(keys, self.spec.indicator_columns)
        for i, fld in self.ind_cols.items():
            self.use(row.cells[i])
            if fld == "coefficient":
                self.coefficient_percent = "%" in keys[i]
        self.sections(row.cells, keys)
        last = max(self.ind_cols)
        trailing = [c for c in row.cells[last + 1:] if c.text.strip()]
        if trailing and self.flat:
            self.flat_indicators(trailing)

    def indicator_row(self, cells: list[Cell], keys: list[str]) -> None:
        if self.flat:
            self.flat_indicators([c for c in cells if c.text.strip()])
            return
        values: dict[str, Cell] = {}
        for i, (c, k) in enumerate(zip(cells, keys)):
            fld = self.ind_cols.get(i)
            if fld is None:
                if k and section_key(k) in self.spec.sections:
                    self.use(c)
                continue
            if fld in ("level1", "level2"):
                self.level(c, k, fld)
            else:
                values[fld] = c
        self.indicator(values)

    def level(self, cell: Cell, key: str, fld: str) -> None:
        self.use(cell)
        if not key:
            return
        kind = label_kind(key)
        if kind is None and (m := _LEVEL_POINTS.fullmatch(key)):
            kind = (1, m.group(1), Decimal(m.group(2)))  # a department's own level ("履职效能(50分)")
        name = kind[1] if kind is not None and kind[0] > 0 else clean(cell.text)
        if kind is not None and kind[2] is not None and name not in self.ev.level1_weights:
            self.ev.level1_weights[name] = kind[2]
        if fld == "level1":
            self.level1, self.level2 = (name, clean(cell.text)), None
        else:
            self.level2 = (name, clean(cell.text))

    def indicator(self, values: dict[str, Cell]) -> None:
        made = self.new_indicator(values, self.level1, self.level2)
        if made is None:
            return
        ind, p = made
        ind.nature = self.text(values.get("nature"), f"{p}.nature")
        ind.unit = self.text(values.get("unit"), f"{p}.unit")
        ind.target_initial = self.text(values.get("target_initial"), f"{p}.target_initial")
        ind.target = self.compose(ind.nature, ind.target or ind.target_initial, ind.unit)
        coefficient = self.number(values.get("coefficient"), f"{p}.coefficient", percent=True)
        if coefficient is not None and not self.coefficient_percent and coefficient <= 1:
            coefficient *= HUNDRED
        ind.coefficient = coefficient
        core = self.text(values.get("core"), f"{p}.core")
        if core is not None:
            ind.core = _YES.get(core)
            if ind.core is None:
                self.note("core-not-yes-no", values["core"].place, text=core)
        ind.target_measure = with_unit(parse_measure(ind.target or ""), ind.unit)
        ind.actual_measure = with_unit(parse_measure(ind.actual or ""), ind.unit)
        first = next(c for c in values.values() if c.text.strip())
        self.ev.locators[p] = first.place
        self.ev.indicators.append(ind)

    @staticmethod
    def compose(nature: str | None, value: str | None, unit: str | None) -> str | None:
        """Target as one text: 指标性质 + 指标值 + 度量单位 ("≥" "95" "%" → "≥95%")."""
        if not value:
            return None
        op = _OPERATOR.get(nature or "", nature or "")
        text = value if op not in NATURES or op.startswith(("定性", "定量")) or value.startswith(op) else op + value
        if unit and not text.endswith(unit) and parse_measure(text).kind in ("number", "range"):
            text += unit
        return text

    def flat_indicators(self, tokens: list[Cell]) -> None:
        """Flattened records, cut at each 指标性质 value: name before it, the columns after it by type."""
        order = [self.ind_cols[i] for i in sorted(self.ind_cols)]
        if "nature" not in order:
            self.unplaced(tokens, "指标表没有“指标性质”列")
            return
        anchors = [n for n, c in enumerate(tokens) if clean(c.text) in NATURES]
        if not anchors:
            self.unplaced(tokens, "找不到指标性质")
            return
        k = order.index("nature")
        head_fields, tail_fields = order[:k], order[k + 1:]
        start = 0
        for a_i, a in enumerate(anchors):
            nxt = anchors[a_i + 1] if a_i + 1 < len(anchors) else None
            end = self.record_end(tokens, a, nxt, tail_fields)
            head = tokens[start:a]
            values = self.flat_head(head, head_fields)
            values["nature"] = tokens[a]
            values |= self.flat_tail(tokens[a + 1:end], tail_fields)
            self.indicator(values)
            start = end
        self.unplaced(tokens[start:], "指标表末尾的内容无法归入任何指标")

    def record_end(self, tokens: list[Cell], anchor: int, nxt: int | None, tail_fields: list[str]) -> int:
        """Where a record ends: after its 是/否 when the last column is one, else where the next record's head begins."""
        if tail_fields and tail_fields[-1] == "core":
            for n in range(anchor + 1, nxt if nxt is not None else len(tokens)):
                if clean(tokens[n].text) in _YES:
                    return n + 1
        if nxt is None:
            return len(tokens)
        head = nxt - 1  # the name
        while head - 1 > anchor and label_kind(label_key(tokens[head - 1].text)) is not None:
            head -= 1
        return head

    def flat_head(self, head: list[Cell], fields: list[str]) -> dict[str, Cell]:
        values: dict[str, Cell] = {}
        levels = [f for f in fields if f in ("level1", "level2")]
        rest = list(head)
        while rest and levels and (kind := label_kind(label_key(rest[0].text))) is not None:
            cell = rest.pop(0)
            if kind[0] == 0:
                self.use(cell)
            else:
                self.level(cell, label_key(cell.text), "level1" if kind[0] == 1 else "level2")
        if "unit" in fields and len(rest) >= 2 and _is_unit(rest[-1].text):
            values["unit"] = rest.pop()
        if rest:
            values["name"] = _join(rest)
            for c in rest:
                self.use(c)
        return values

    def flat_tail(self, tail: list[Cell], fields: list[str]) -> dict[str, Cell]:
        values: dict[str, Cell] = {}
        rest, fields = list(tail), list(fields)
        if fields and fields[-1] == "core" and rest and clean(rest[-1].text) in _YES:
            values["core"] = rest.pop()
            fields = fields[:-1]
        words: list[Cell] = []
        if fields and fields[-1] == "note":
            while rest and not is_number(rest[-1].text, percent=True):
                words.insert(0, rest.pop())
            fields = fields[:-1]
        numeric = []
        while fields and fields[-1] in NUMERIC:
            numeric.insert(0, fields.pop())
        if len(rest) >= len(numeric) and all(is_number(c.text, percent=True) for c in rest[len(rest) - len(numeric):]):
            for fld, c in zip(numeric, rest[len(rest) - len(numeric):]):
                values[fld] = c
            rest = rest[:len(rest) - len(numeric)]
        else:
            self.unplaced(rest + words, "权重、得分等数值列不全")
            return values
        if words:
            values["note"] = _join(words)
            for c in words:
                self.use(c)
        if len(rest) == len(fields):
            values |= dict(zip(fields, rest))
        elif len(rest) == len(fields) - 1 and "unit" in fields and not any(_is_unit(c.text) for c in rest):
            values |= dict(zip([f for f in fields if f != "unit"], rest))
        else:
            self.unplaced(rest, "指标值、完成值等列缺少空白单元格，无法确定对应关系")
        return values

    def unplaced(self, cells: list[Cell], why: str) -> None:
        if not cells:
            return
        for c in cells:
            self.use(c)
        shown = " ".join(clean(c.text) for c in cells)
        self.note("values-unplaced", cells[0].place, why=why, text=shown[:80])

    # ------------------------------------------------------------ finish
    def finish(self) -> None:
        ev = self.ev
        if self.unit is None and self.funds_raw:
            amounts = []
            for raw in self.funds_raw.values():
                for fld in AMOUNTS:
                    try:
                        v = parse_number(raw[fld].text) if fld in raw else None
                    except NotANumber:
                        v = None
                    if v is not None:
                        amounts.append(v)
            self.unit = infer_unit(amounts)
            ev.note("unit-inferred", unit=self.unit)
        ev.money_unit = self.unit
        for kind, raw in self.funds_raw.items():
            fr = FundsRow()
            for fld, cell in raw.items():
                path = f"funds.{kind}.{fld}"
                if fld == "reason":
                    fr.reason = self.text(cell, path, block=True)
                    continue
                value = self.number(cell, path, percent=fld == "rate")
                if value is not None and fld in AMOUNTS:
                    setattr(fr, fld, Money(value, self.unit))  # type: ignore[arg-type]
                elif value is not None:
                    setattr(fr, fld, value)
            setattr(ev.funds, kind, fr)
        self.warn_unused()
        self.settle_parts()
        if not self.funds_raw:
            ev.note("part-missing", part="funds", label="预算执行情况")
        if not ev.indicators:
            ev.note("part-missing", part="indicators", label="绩效指标")


def parse_labelled(spec: LayoutSpec, segment: Segment, file: str, fmt: str, form_index: int) -> Evaluation:
    return LabelledParser(segment, file, fmt, form_index, spec=spec).parse()
