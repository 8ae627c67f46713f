"""The national form as a sheet: 9 columns, merged cells as on paper, every cell a label, an
input, or a derived (grey, formula) cell.

One layout serves every writer: the xlsx writer keeps the formulas and protects the grey
cells, the docx writer prints the same rows and merges as a Word table. A parsed form fills
the layout with its printed values, so reading the written file gives the same form back; an
empty skeleton gives the blank template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Literal

from ..ingest.layouts.spec import Printed
from ..ingest.vocab import METADATA_SCHEMA
from ..model import FUNDS_ROW_ZH, FUNDS_ROWS, Evaluation, FundsRow, Indicator
from ..pipeline import policy_of
from ..scoring import ScoringPolicy
from ..scoring.rounding import places
from ..templates.national import SPEC

# The labels come from the national template's spec, the one its reader reads by.
LABELS: Printed = SPEC.printed  # type: ignore[assignment]

Kind = Literal["title", "label", "input", "derived", "fixed"]
Value = str | Decimal | int | None

NCOLS = 9
# Relative column widths (millimetres on the Word page): labels, money columns that fit "1300000.00" at
# 9 points, narrow score columns, a wide deviation-note column.
WIDTHS = (18, 21, 21, 24, 21, 19, 12, 12, 32)
DASH = "—"
LAYOUT_SCHEMA = f"{METADATA_SCHEMA}1"

FUNDS_LABELS = {**FUNDS_ROW_ZH, **LABELS.funds_rows}
BREAKDOWN = ("appropriation", "carryover", "other")  # the rows that add up to 年度资金总额
# The level-2 names of the national template, grouped under their level 1, with the number of
# blank rows the empty template offers for each (the filer unprotects the sheet to add more).
SKELETON: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    ("产出", (("数量指标", 3), ("质量指标", 2), ("时效指标", 1), ("成本指标", 2))),
    ("效益", (("经济效益指标", 1), ("社会效益指标", 2), ("生态效益指标", 1), ("可持续影响指标", 1))),
    ("满意度", (("服务对象满意度指标", 2),)),
)
LEVEL2_CHOICES = ("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
                  "可持续影响指标", "服务对象满意度指标", "其他满意度指标")
MONEY_UNIT_CHOICES = (LABELS.money.format(unit="元"), LABELS.money.format(unit="万元"))
TEMPLATE_REMARK = ("白色单元格为填报项；灰色单元格（执行率、执行率得分、总分）由公式自动计算，已锁定。"
                   "工作表保护没有密码，需要增加指标行时可撤销保护后插入行。")


@dataclass(slots=True)
class LayoutCell:
    row: int
    col: int
    value: Value
    kind: Kind
    formula: str | None = None
    rows: int = 1
    cols: int = 1
    validation: str | None = None
    number_places: int | None = None
    wrap: bool = False
    path: str | None = None  # the field it shows, as the checks name it ("funds.total.rate")

    @property
    def ref(self) -> str:
        return f"{col_letter(self.col)}{self.row}"

    @property
    def is_numeric(self) -> bool:
        return isinstance(self.value, (Decimal, int)) and not isinstance(self.value, bool)


@dataclass(slots=True)
class FormLayout:
    """The cells of one form plus what the writers need to know about it."""

    cells: list[LayoutCell] = field(default_factory=list)
    nrows: int = 0
    tall_rows: dict[int, int] = field(default_factory=dict)  # row → lines of text it should show
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # list validations by name
    # (range, formula true where the cell is wrong): shown red while the filer types; formulas relative to the
    # range's top-left cell, as spreadsheets read conditional formats.
    alerts: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    # A parsed form's formula cells show what was printed, nothing included; the blank template's are to compute.
    printed: bool = False


def col_letter(col: int) -> str:
    return "ABCDEFGHIJ"[col - 1]


def _places(value: Value) -> int | None:
    return places(value) if isinstance(value, Decimal) else None


class _Builder:
    def __init__(self, ev: Evaluation, policy: ScoringPolicy, blank: bool) -> None:
        self.ev = ev
        self.policy = policy
        self.blank = blank
        self.out = FormLayout()
        self.row = 0
        self.invalid = {inv.field: inv.text for inv in ev.invalid}

    # ------------------------------------------------------------ primitives
    def put(self, col: int, value: Value, kind: Kind, *, cols: int = 1, rows: int = 1, formula: str | None = None,
            validation: str | None = None, wrap: bool = False, row: int | None = None, path: str | None = None
            ) -> LayoutCell:
        cell = LayoutCell(row or self.row, col, value, kind, formula, rows, cols, validation, _places(value), wrap, path)
        self.out.cells.append(cell)
        return cell

    def next_row(self) -> int:
        self.row += 1
        return self.row

    def number(self, path: str, value: Decimal | None) -> Value:
        """A numeric cell's content: the number, or the words the form printed in its place."""
        return value if value is not None else self.invalid.get(path)

    def text_lines(self, *texts: tuple[str | None, int]) -> None:
        """Mark the current row tall enough for its longest wrapped text (width in full-width characters)."""
        lines = max(sum(len(part) // width + 1 for part in (text or "").split("\n")) for text, width in texts)
        if lines > 1:
            self.out.tall_rows[self.row] = min(lines, 40)

    # ------------------------------------------------------------ parts
    def _own_title(self) -> bool:
        return self.ev.template in (None, "national")

    def title(self) -> None:
        # Another template's title over the national layout would make readers take the file for that
        # template; its title goes after 备注 instead.
        self.next_row()
        self.put(1, (self.ev.title if self._own_title() else None) or LABELS.title, "title", cols=NCOLS)

    def header(self) -> None:
        p, h = self.ev.project, LABELS.header
        pairs = (((h["year"], self.ev.year, "year", "year"), (h["code"], p.code, None, "project.code")),
                 ((h["name"], p.name, None, "project.name"), None),
                 ((h["department"], p.department, None, "project.department"),
                  (h["implementing_unit"], p.implementing_unit, None, "project.implementing_unit")),
                 ((h["manager"], p.manager, None, "project.manager"), (h["phone"], p.phone, None, "project.phone")))
        for left, right in pairs:
            self.next_row()
            label, value, validation, path = left
            self.put(1, label, "label")
            self.put(2, value, "input", cols=3 if right else NCOLS - 1, validation=validation, path=path)
            if right:
                label, value, validation, path = right
                self.put(5, label, "label")
                self.put(6, value, "input", cols=4, validation=validation, path=path)

    def funds(self) -> int | None:
        """The 资金使用情况 block; returns the row of 年度资金总额 (None when the form has none)."""
        kinds = FUNDS_ROWS if self.blank else [k for k, _ in self.ev.funds.rows()]
        first = self.next_row()
        unit = self.ev.money_unit or "万元"  # the unit of the 财预〔2020〕10号 template
        self.put(1, LABELS.money.format(unit=unit), "label", rows=len(kinds) + 1, validation="money_unit",
                 path="money_unit")
        self.put(2, None, "label")
        cols = LABELS.funds_columns
        for col, fld in enumerate(("initial", "full_year", "executed", "weight", "rate"), start=3):
            self.put(col, cols[fld], "label")
        self.put(8, cols["score"], "label", cols=2)
        self.out.tall_rows[first] = 2
        total_row: int | None = None
        parts: list[int] = []
        for kind in kinds:
            r = self.next_row()
            fr = getattr(self.ev.funds, kind) or FundsRow()
            self.put(2, FUNDS_LABELS[kind], "label")
            self.out.tall_rows[r] = 2
            for col, fld in enumerate(("initial", "full_year", "executed"), start=3):
                money = getattr(fr, fld)
                self.put(col, self.number(f"funds.{kind}.{fld}", money.amount if money else None), "input",
                         validation="amount", path=f"funds.{kind}.{fld}")
            if kind == "total":
                total_row = r
                self.funds_total(r, fr)
            else:
                if kind in BREAKDOWN:
                    parts.append(r)
                for col, fld in ((6, "weight"), (7, "rate"), (8, "score")):
                    value = self.number(f"funds.{kind}.{fld}", getattr(fr, fld))
                    self.put(col, DASH if value is None else value, "fixed", cols=2 if col == 8 else 1,
                             path=f"funds.{kind}.{fld}")
        if parts and total_row is not None:
            # rules.md §3: 当年财政拨款 + 上年结转资金 + 其他资金 = 年度资金总额, in each amount column.
            cells = ",".join(f"C${r}" for r in parts)
            self.out.alerts.append((f"C{total_row}:E{total_row}",
                                    f"AND(COUNT({cells})>0,ABS(SUM({cells})-C${total_row})>0.005)"))
        return total_row

    def rate_weight(self, r: int) -> str:
        return f"IF(ISNUMBER(F{r}),F{r},{self.policy.rate_weight})"

    def funds_total(self, r: int, fr: FundsRow) -> None:
        weight = self.number("funds.total.weight", fr.weight)
        self.put(6, self.policy.rate_weight if self.blank else weight, "fixed", path="funds.total.weight")
        budget = col_letter(3 if self.policy.denominator == "initial" else 4)
        ok = f"OR(N({budget}{r})=0,NOT(ISNUMBER(E{r})))"
        self.put(7, self.number("funds.total.rate", fr.rate), "derived",
                 formula=f'=IF({ok},"",ROUND(E{r}/{budget}{r}*100,2))', path="funds.total.rate")
        w = self.rate_weight(r)
        self.put(8, self.number("funds.total.score", fr.score), "derived", cols=2,
                 formula=f'=IF({ok},"",ROUND(MIN(E{r}/{budget}{r}*{w},{w}),2))', path="funds.total.score")

    def goals(self) -> None:
        g = self.ev.goals
        self.next_row()
        self.put(1, LABELS.goals, "label", rows=2)
        self.put(2, LABELS.goal_columns["expected"], "label", cols=4)
        self.put(6, LABELS.goal_columns["achieved"], "label", cols=4)
        self.next_row()
        self.put(2, g.expected, "input", cols=4, wrap=True, path="goals.expected")
        self.put(6, g.achieved, "input", cols=4, wrap=True, path="goals.achieved")
        self.text_lines((g.expected, 26), (g.achieved, 26), ("\n\n\n", 1))

    def indicator_rows(self) -> list[Indicator]:
        if not self.blank:
            return self.ev.indicators or [Indicator()]
        return [Indicator(level1_text=f"{l1}({self.policy.level1_weights.get(l1, '')}分)", level2_text=l2)
                for l1, groups in SKELETON for l2, n in groups for _ in range(n)]

    def indicators(self) -> tuple[int, int]:
        header = self.next_row()
        inds = self.indicator_rows()
        self.put(1, LABELS.indicators, "label", rows=len(inds) + 1)
        for col, fld in enumerate(("level1", "level2", "name", "target", "actual", "weight", "score", "note"), start=2):
            self.put(col, LABELS.indicator_columns[fld], "label")
        self.out.tall_rows[header] = 2
        first = header + 1
        self.merged_runs(first, inds, 2, lambda i: i.level1_text, "level1")
        self.merged_runs(first, inds, 3, lambda i: (i.level1_text, i.level2_text), "level2")
        for n, ind in enumerate(inds):
            self.next_row()
            p = f"indicators[{n}]"
            self.put(4, ind.name, "input", wrap=True, path=f"{p}.name")
            self.put(5, ind.target, "input", wrap=True, path=f"{p}.target")
            self.put(6, ind.actual, "input", wrap=True, validation="completion", path=f"{p}.actual")
            self.put(7, self.number(f"{p}.weight", ind.weight), "input", validation="weight", path=f"{p}.weight")
            self.put(8, self.number(f"{p}.score", ind.score), "input", validation="score", path=f"{p}.score")
            self.put(9, ind.note, "input", wrap=True, path=f"{p}.note")
            self.text_lines((ind.name, 7), (ind.target, 7), (ind.actual, 7), (ind.note, 7))
        self.out.alerts.append((f"H{first}:H{self.row}", f"AND(ISNUMBER(H{first}),ISNUMBER(G{first}),H{first}>G{first})"))
        return first, self.row

    def merged_runs(self, first: int, inds: list[Indicator], col: int, key: Callable[[Indicator], object],
                    validation: str) -> None:
        """Level labels merged down over the rows that share them, as on paper."""
        start = 0
        for n in range(1, len(inds) + 1):
            if n == len(inds) or key(inds[n]) != key(inds[start]):
                text = inds[start].level1_text if col == 2 else inds[start].level2_text
                self.put(col, text, "input", rows=n - start, row=first + start, validation=validation, wrap=True,
                         path=f"indicators[{start}].{validation}_text")
                start = n

    def total(self, funds_row: int | None, first: int, last: int) -> None:
        t = self.ev.total
        self.next_row()
        self.put(1, LABELS.total, "label", cols=6)
        # Without a 年度资金总额 row (a form that prints none) the total is the indicators' alone.
        rate_weight, rate_score = (f"{self.rate_weight(funds_row)}+", f"N(H{funds_row})") if funds_row else ("", "0")
        self.put(7, t.weight if t else None, "derived", formula=f"={rate_weight}SUM(G{first}:G{last})",
                 path="total.weight")
        scores, weights = f"H{first}:H{last}", f"G{first}:G{last}"
        # Each score counts at most its weight (rules.md §9); a score without a weight counts as printed.
        capped = f'SUMPRODUCT({scores}-({scores}>{weights})*({weights}<>"")*({scores}-{weights}))'
        # Blank until something is scored, so the empty template shows no 0.
        self.put(8, t.score if t else None, "derived",
                 formula=f'=IF(AND({rate_score}=0,COUNT({scores})=0),"",ROUND({rate_score}+{capped},2))',
                 path="total.score")
        self.put(9, None, "fixed")

    def remarks(self) -> None:
        self.next_row()
        text = TEMPLATE_REMARK if self.blank else self.ev.remarks
        self.put(1, LABELS.remarks, "label")
        self.put(2, text, "input", cols=NCOLS - 1, wrap=True, path="remarks")
        self.text_lines((text, 50))

    def extras(self) -> None:
        """What other templates print and the national form has no place for, in labelled rows after 备注,
        so that a Sichuan or Chongqing form exported to this layout loses nothing."""
        ev, p = self.ev, self.ev.project
        rows: list[tuple[str, str | None]] = [
            ("原表标题", None if self._own_title() else ev.title), ("报表编号", ev.report_code),
            ("财务负责人", p.finance_manager), ("财政处室", p.finance_office),
            ("年初绩效目标", ev.goals.initial), ("项目实施内容及过程概述", ev.implementation),
            ("预算执行原因", "\n".join(f"{FUNDS_ROW_ZH[k]}：{r.reason}" for k, r in ev.funds.rows() if r.reason)),
            ("指标补充", "\n".join(filter(None, (_indicator_extra(n, i) for n, i in enumerate(ev.indicators))))),
            ("评价结论", ev.conclusion), ("存在问题", ev.problems), ("改进措施", ev.improvements)]
        for label, text in rows:
            if text:
                self.next_row()
                self.put(1, label, "label")
                self.put(2, text, "input", cols=NCOLS - 1, wrap=True)
                self.text_lines((text, 50))

    def build(self) -> FormLayout:
        self.title()
        self.header()
        funds_row = self.funds()
        self.goals()
        first, last = self.indicators()
        if self.blank or self.ev.total is not None or self.ev.remarks:
            self.total(funds_row, first, last)
            self.remarks()
        if not self.blank:
            self.extras()
        out = self.out
        out.nrows = self.row
        out.printed = not self.blank
        out.choices = {
            "money_unit": MONEY_UNIT_CHOICES,
            "level1": tuple(f"{k}({v}分)" for k, v in self.policy.level1_weights.items()),
            "level2": LEVEL2_CHOICES,
            # 定性 indicators are completed as one of three (rules.md); 定量 ones type their number over it.
            "completion": COMPLETION_CHOICES,
        }
        out.meta = {"schema": LAYOUT_SCHEMA, "policy": self.policy.name, "policy_title": self.policy.title,
                    "rate_weight": str(self.policy.rate_weight), "denominator": self.policy.denominator_zh()}
        return out


COMPLETION_CHOICES = ("达成", "部分达成", "未达成")


def _indicator_extra(n: int, ind: Indicator) -> str | None:
    parts = []
    if ind.target_initial and ind.target_initial != ind.target:
        parts.append(f"年初指标值 {ind.target_initial}")
    if ind.coefficient is not None:
        parts.append(f"得分系数 {ind.coefficient}%")
    if ind.core is not None:
        parts.append("核心指标" if ind.core else "非核心指标")
    return f"指标{n + 1}「{ind.name or ''}」：{'，'.join(parts)}" if parts else None


def form_layout(ev: Evaluation, policy: ScoringPolicy | str | None = None) -> FormLayout:
    """A parsed form in the official layout, its printed values in place; formulas follow ``policy``
    (default: the policy of the form's template)."""
    return _Builder(ev, policy_of(ev, policy), blank=False).build()


def blank_layout(ev: Evaluation, policy: ScoringPolicy) -> FormLayout:
    """The empty template: the skeleton of level-1/level-2 rows and the formulas."""
    return _Builder(ev, policy, blank=True).build()
