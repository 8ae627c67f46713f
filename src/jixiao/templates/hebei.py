"""T8: 河北's 预算项目绩效自评表 (邯郸 counties: 基本情况 / 预算执行情况 / 目标完成情况 / 年度绩效指标完成情况).

Its funds block prints each amount after its own label, one row per source:
``预算数 6.84 到位数 6.84 执行数 6.84 100.00`` (预算安排情况(调整后) | 资金到位情况 | 资金执行情况 |
预算执行进度(%)), then ``其中:财政资金 6.84 其中:财政资金 6.84 …`` and ``其他 0.00 …``. 预算数 is the
full-year budget, 执行数 what was spent, the last number the printed 执行率; 到位数 (funds received) has
no field in the model and is named in a note. The header is ``项目名称: … 是否为专项资金: … 实施(主管)单位 …
金额单位: 万元``.

Its indicator table (一级 | 二级 | 三级指标 [指标解释] | 指标分值 | 预期指标值: 符号, 值, 单位(文字描述) |
单项指标实际完成值 | 单项指标完成情况 | 自评得分: 单项指标得分, 权重占比(%), 单项指标折算得分) is read by the
order of its cells, anchored on both ends: the levels and the name from the left, up to the 符号 (>=, =…);
from the right the three scores in the order its sub-header prints them, the 完成情况 word, the actual,
and between the 符号 and the actual the target's value and unit. 权重占比 is the indicator's points, 单项指标得分
its score on a scale of 100 (the 得分系数 of the model: 折算得分 = 单项指标得分 × 权重占比) and 折算得分 its
score. A row that does not fall into that shape is named and the table reported incomplete. Its
预算执行率 row holds the funds' 分值 and 得分 in the same three columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ingest.grid import Cell, Row
from ..ingest.layouts.base import FormParser
from ..ingest.layouts.form import compose
from ..ingest.vocab import NATURES, label_kind
from ..model import FundsRow
from ..text import clean, label_key
from ..values import Money, MoneyUnit, is_number, parse_measure, parse_number, with_unit
from . import FormTemplate, register_template

# Header label → the field its value fills ("" for a label whose value the model has no field for).
_HEADER = {"项目名称": "name", "实施(主管)单位": "implementing_unit", "是否为专项资金": "", "金额单位": "unit"}
_ROWS = {"预算数": "total", "其中:财政资金": "appropriation", "财政资金": "appropriation", "其他": "other"}
_COLUMN_LABELS = {"预算数": "full_year", "到位数": "received", "执行数": "executed"}
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
# An amount and the next column's label run together ("6.84到位数", "0.00其他"): a copy that took the space out.
_GLUED = re.compile(r"^(\d[\d.,]*\d|\d)([^\d.,].*)$")
# The 自评得分 sub-header: its three columns in the order printed.
_SCORE_LABELS = {"单项指标得分": "coefficient", "权重占比(%)": "weight", "权重占比": "weight", "单项指标折算得分": "score"}
_OPERATORS = NATURES - {"定性", "定量", "定性指标", "定量指标"}
_STATUS = re.compile(r"(?:未|基本|部分|已)?完成|未?达标|未?达到")
_GLOSS = re.compile(r"\([^)]*\)$")  # "%(百分比)": the unit and its name in words


def _unglued(cells: list[Cell]) -> list[Cell]:
    """The cells with each amount cut from the label glued after it, both at their own columns."""
    out = []
    for c in cells:
        m = _GLUED.match(c.text.strip())
        if m is None or not is_number(m.group(1)) or c.line is None:
            out.append(c)
            continue
        col = c.col or 1
        out += [Cell(m.group(1), None, c.line, col), Cell(m.group(2), None, c.line, col + len(m.group(1)))]
    return out


def _key(cell: Cell) -> str:
    return label_key(cell.text).rstrip(":")


@dataclass
class HebeiReader(FormParser):
    unit: MoneyUnit | None = None
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)
    source: tuple[str, int | None, list[Cell]] | None = None  # a funds row being gathered (kind, line, cells)
    indicators_seen: bool = False
    in_goals: bool = False
    score_order: list[str] = field(default_factory=list)  # the 自评得分 sub-header's columns, in order
    rate_scores: dict[str, Cell] | None = None  # the 预算执行率 row's three scores

    def row(self, row: Row) -> None:
        cells = [c for c in row.cells if c.text.strip()]
        if not cells:
            return
        keys = [_key(c) for c in cells]
        if keys[0] in _ROWS:
            pieces = _unglued(cells)
            if len(pieces) > len(cells):
                for c in cells:
                    self.use(c)  # read through its pieces
                cells = pieces
                keys = [_key(c) for c in cells]
        if _SECTION.match(keys[0]) and "年度绩效指标完成情况" in keys[0]:
            self.indicators_seen = True
        if self.indicators_seen:
            self.indicator_table(cells, keys)
            return
        if _SECTION.match(keys[0]) and "目标完成情况" in keys[0]:
            self.in_goals = True
            return
        if self.in_goals:
            self.goals_row(cells)
            return
        for n, k in enumerate(keys):
            if k in _HEADER:
                self.header(k, cells, n)
        if keys[0] in _ROWS and any(is_number(c.text) for c in cells):
            kind = _ROWS[keys[0]]
            if self.source is not None and self.source[:2] == (kind, row.place.line):
                self.source[2].extend(cells)  # the text reader cut the row before each repeat of its label
            else:
                self.flush()
                self.source = (kind, row.place.line, cells)

    def indicator_table(self, cells: list[Cell], keys: list[str]) -> None:
        order = [_SCORE_LABELS[k] for k in keys if k in _SCORE_LABELS]
        if len(order) == 3 and len(set(order)) == 3:
            self.score_order = order
        if order or "一级指标" in keys or _SECTION.match(keys[0]):
            for c in cells:
                self.use(c)
            return
        if not self.score_order:
            self.incomplete.add("indicators")  # no sub-header says which score is which: named, not guessed
            return
        scores = dict(zip(self.score_order, cells[-3:]))
        whole = len(cells) >= 3 and all(is_number(c.text) for c in cells[-3:])
        if keys[0].startswith("预算执行率"):
            if whole:  # a row cut before its numbers (an excerpt's end) is named: the funds' points stay unread
                self.rate_row(cells, scores)
        elif not whole or not self.indicator_row(cells[:-3], keys[:-3], scores):
            self.incomplete.add("indicators")

    def rate_row(self, cells: list[Cell], scores: dict[str, Cell]) -> None:
        """预算执行率 | … | 单项指标得分 权重占比 折算得分: the funds' 分值 and 得分 (placed once the funds row is
        made); its 单项得分 and any other cell are named."""
        if self.rate_scores is not None:
            self.incomplete.add("funds")
            return
        for c in cells[:-3]:
            if _key(c).startswith("预算执行率"):
                self.use(c)
        self.rate_scores = scores

    def indicator_row(self, cells: list[Cell], keys: list[str], scores: dict[str, Cell]) -> bool:
        """[一级] [二级] 三级 [指标解释] [指标分值] 符号 值 [单位] 完成值 完成情况: False when the row has another shape."""
        level1, level2 = self.level1, self.level2
        i = 0
        if i < len(keys) and (kind := label_kind(keys[i])) is not None and kind[0] == 1:
            level1, level2, i = (kind[1], clean(cells[i].text)), None, i + 1
        if i < len(keys) and (kind := label_kind(keys[i])) is not None and kind[0] == 2:
            level2, i = (kind[1], clean(cells[i].text)), i + 1
        ops = [j for j in range(i, len(keys)) if clean(cells[j].text) in _OPERATORS]
        if len(ops) != 1 or len(keys) < ops[0] + 4 or not _STATUS.fullmatch(keys[-1]):
            return False
        op = ops[0]
        named, target, actual = cells[i:op], cells[op + 1:-2], cells[-2]
        points = named.pop() if named and is_number(named[-1].text) else None  # 指标分值
        if not 1 <= len(named) <= 2 or not 1 <= len(target) <= 2 or (len(target) == 2 and is_number(target[1].text)):
            return False
        if len(target) == 1 and is_number(target[0].text) and not any(ch.isdigit() for ch in actual.text):
            return False  # a number target and a wordless actual: the unit may stand in the empty actual's place
        if points is not None and (parse_number(points.text) != parse_number(scores["weight"].text)):
            return False  # 指标分值 and 权重占比 disagree: which is the points is not certain
        made = self.new_indicator({"name": named[0], "actual": actual, "weight": scores["weight"],
                                   "score": scores["score"]}, level1, level2)
        if made is None:
            return False
        self.level1, self.level2 = level1, level2
        ind, p = made
        for c in [*cells[:i], cells[op], *target, cells[-1], *([points] if points else [])]:
            self.use(c)
        if len(named) == 2:
            self.note("values-unplaced", named[1].place, text=clean(named[1].text), why="指标解释在自评表中没有对应栏目")
            self.use(named[1])
        ind.nature = clean(cells[op].text)
        unit = clean(target[1].text) if len(target) == 2 else None
        ind.unit = unit
        bare = _GLOSS.sub("", unit) if unit else None
        ind.target = compose(ind.nature, clean(target[0].text), bare or unit)
        self.ev.locators[f"{p}.target"] = target[0].place
        ind.coefficient = self.number(scores["coefficient"], f"{p}.coefficient")
        ind.target_measure = with_unit(parse_measure(ind.target or ""), bare or unit)
        ind.actual_measure = with_unit(parse_measure(ind.actual or ""), bare or unit)
        self.ev.locators[p] = cells[0].place
        self.ev.indicators.append(ind)
        return True

    def goals_row(self, cells: list[Cell]) -> None:
        """年度预期目标 | 具体完成情况 | 总体完成率(%): a row of two texts (and the rate, which has no field)."""
        texts = [c for c in cells if not is_number(c.text)]
        if len(texts) != 2:
            return  # a text broken at its spaces: which words are whose is not certain, named by warn_unused
        goals = self.ev.goals
        for attr, cell in zip(("expected", "achieved"), texts):
            value = self.text(cell, f"goals.{attr}")
            old = getattr(goals, attr)
            setattr(goals, attr, value if old is None else f"{old}\n{value}")

    def flush(self) -> None:
        if self.source is not None:
            kind, _, cells = self.source
            self.funds_row(kind, cells, [_key(c) for c in cells])
            self.source = None

    def header(self, label: str, cells: list[Cell], n: int) -> None:
        self.use(cells[n])
        value = cells[n + 1] if n + 1 < len(cells) and _key(cells[n + 1]) not in _HEADER else None
        target = _HEADER[label]
        if value is None or not target:
            return
        text = clean(value.text)
        if target == "unit":
            if text in ("元", "万元"):
                self.use(value)
                self.unit = text  # type: ignore[assignment]
            return
        setattr(self.ev.project, target, self.text(value, f"project.{target}"))

    def funds_row(self, kind: str, cells: list[Cell], keys: list[str]) -> None:
        """预算数 N 到位数 N 执行数 N [rate]: each amount after its column label; a source row repeats its
        own label before each amount, in the same column order."""
        values = [c for c in cells if is_number(c.text)]
        labelled = [k for k in keys if k in _COLUMN_LABELS]
        order = [_COLUMN_LABELS[k] for k in labelled] if kind == "total" else ["full_year", "received", "executed"]
        if kind == "total" and len(values) == len(order) + 1:
            order.append("rate")
        if len(values) != len(order) or kind in self.rows:
            return  # left to warn_unused: named, not guessed
        for c in cells:
            if not is_number(c.text):
                self.use(c)
        self.rows[kind] = dict(zip(order, values))

    def finish(self) -> None:
        self.flush()
        ev = self.ev
        ev.money_unit = self.unit
        for kind, placed in self.rows.items():
            row = FundsRow()
            for fld, cell in placed.items():
                if fld == "received":
                    self.use(cell)
                    self.note("values-unplaced", cell.place, text=clean(cell.text),
                              why="到位数（资金到位情况）在自评表中没有对应栏目")
                    continue
                if fld == "rate":
                    row.rate = self.number(cell, f"funds.{kind}.rate", percent=True)
                elif (amount := parse_number(cell.text)) is not None and self.unit is not None:
                    self.use(cell)
                    setattr(row, fld, Money(amount, self.unit))
                    ev.locators[f"funds.{kind}.{fld}"] = cell.place
            setattr(ev.funds, kind, row)
        if self.rate_scores is not None and ev.funds.total is not None:
            ev.funds.total.weight = self.number(self.rate_scores["weight"], "funds.total.weight")
            ev.funds.total.score = self.number(self.rate_scores["score"], "funds.total.score")
        self.warn_unused()
        if self.indicators_seen and not ev.indicators:
            ev.note("part-unread", label="年度绩效指标完成情况", why="指标行与表头（单项指标得分、权重占比、折算得分）对不上")
        self.settle_parts()



HEBEI = register_template(FormTemplate(
    name="hebei",
    title="预算项目绩效自评表（河北：预算数/到位数/执行数，权重占比与折算得分）",
    titles=("预算项目绩效自评表",),
    labels=(("是否为专项资金", 3), ("实施(主管)单位", 3), ("单项指标折算得分", 3), ("权重占比", 2), ("预算执行进度", 2)),
    policy="national",
    parse=HebeiReader.read,
    breakdowns=(("appropriation", "other"),),
    has_notes=False,
    writes=False,
))
