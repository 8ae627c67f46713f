"""Flattened text (``text-flat``): a form whose empty cells vanished, read without guessing.

A funds row or an indicator record is read only where the count of values or a typed
column (指标性质, 执行率 with '%', 是/否) settles which value is which; anything else is
named in a note rather than guessed. Mixed into :class:`.form.FormReader`, which calls
these methods for flattened grids only.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from ...text import clean, label_key
from ...values import HUNDRED, NotANumber, is_number, parse_measure, parse_number, places, quantum
from ..grid import Cell, Row
from ..vocab import CORE_ANSWERS, NATURES, label_kind
from .base import join_cells

if TYPE_CHECKING:
    from .form import FormReader

NUMERIC = frozenset({"initial", "full_year", "executed", "rate", "weight", "score", "coefficient"})
# One record of a flattened headerless tail whose empty cells vanished: name, 指标性质 glued to the target
# (=100%, ≤10次), a space, and the row's one number ("…足额保障率=100% 22.5科目调整次数≤10次 22.5…").
RECORD = re.compile(r"(?P<name>[^\s=＝≤≥<>≦≧]+?)(?P<op>[=＝≤≥<>≦≧])(?P<target>\d+(?:\.\d+)?[^\s\d]{0,4}?)\s+"
                     r"(?P<value>\d+(?:\.\d+)?)(?![\d.%])")


def _is_unit(text: str) -> bool:
    return not is_number(text, percent=True) and parse_measure("1" + text).unit is not None


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


class FlatReading:
    """Placement of flattened rows: by count, by the one typed value, or not at all."""

    def flat_total(self: FormReader, row: Row, index: int) -> bool:
        """A 合计 with one number where the table has 权重 and 得分: which one it is cannot be told."""
        numbers = [c for c in row.cells[index + 1:] if is_number(c.text, percent=True)]
        if len(numbers) == 1 and "score" in self.ind_cols.values():
            self.unplaced(row.cells[index:], "合计行只有一个数值，无法确定是权重还是得分")
            return True
        return False

    def flat_funds(self: FormReader, values: list[Cell], kind: str) -> dict[str, Cell]:
        """Values of a flattened funds row: by count, or split at the one '%' value; else unplaced."""
        order = [f for f in (self.funds.fields if self.funds else ())]
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
                    placed["reason"] = join_cells(words)
                    for c in words:
                        self.use(c)
                return placed
        shown = " ".join(clean(c.text) for c in values)
        for c in values:
            self.use(c)
        if values:
            self.note("row-values-unplaced", values[0].place, row=self.spec.row_label(kind), text=shown)
            self.incomplete.add("funds")  # a row not read is no empty row: no sum is checked without it
        return {}

    def flat_indicators(self: FormReader, tokens: list[Cell]) -> None:
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

    def record_end(self: FormReader, tokens: list[Cell], anchor: int, nxt: int | None, tail_fields: list[str]) -> int:
        """Where a record ends: after its 是/否 when the last column is one, else where the next record's head begins."""
        if tail_fields and tail_fields[-1] == "core":
            for n in range(anchor + 1, nxt if nxt is not None else len(tokens)):
                if clean(tokens[n].text) in CORE_ANSWERS:
                    return n + 1
        if nxt is None:
            return len(tokens)
        head = nxt - 1  # the name
        while head - 1 > anchor and label_kind(label_key(tokens[head - 1].text)) is not None:
            head -= 1
        return head

    def flat_head(self: FormReader, head: list[Cell], fields: list[str]) -> dict[str, Cell]:
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
            values["name"] = join_cells(rest)
            for c in rest:
                self.use(c)
        return values

    def flat_tail(self: FormReader, tail: list[Cell], fields: list[str]) -> dict[str, Cell]:
        values: dict[str, Cell] = {}
        rest, fields = list(tail), list(fields)
        if fields and fields[-1] == "core" and rest and clean(rest[-1].text) in CORE_ANSWERS:
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
            values["note"] = join_cells(words)
            for c in words:
                self.use(c)
        if len(rest) == len(fields):
            values |= dict(zip(fields, rest))
        elif len(rest) == len(fields) - 1 and "unit" in fields and not any(_is_unit(c.text) for c in rest):
            values |= dict(zip([f for f in fields if f != "unit"], rest))
        else:
            self.unplaced(rest, "指标值、完成值等列缺少空白单元格，无法确定对应关系")
        return values

    def unplaced(self: FormReader, cells: list[Cell], why: str) -> None:
        if not cells:
            return
        for c in cells:
            self.use(c)
        shown = " ".join(clean(c.text) for c in cells)
        self.note("values-unplaced", cells[0].place, why=why, text=shown[:80])



def covers(text: str, records: list[re.Match[str]]) -> bool:
    """Whether the records are the whole text, with nothing but spaces between them."""
    at = 0
    for m in records:
        if text[at:m.start()].strip():
            return False
        at = m.end()
    return not text[at:].strip()
