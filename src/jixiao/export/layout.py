"""A template's form as a sheet: its columns, merged cells as on paper, every cell a label, an input, or a
derived (grey, formula) cell.

One layout serves every writer: the xlsx writer keeps the formulas and protects the grey cells, the docx
writer prints the same rows and merges as a Word table, the web form draws it. Each registered template
with a paper form of its own has a :class:`~.sheets.Sheet` (its labels and their order); the others are
laid out as the national form. A parsed form fills the layout with its printed values, so reading the
written file gives the same form back; an empty skeleton gives the blank template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Literal

from openpyxl.utils import get_column_letter

from ..ingest.vocab import METADATA_SCHEMA, NATURES
from ..model import FUNDS_ROW_ZH, Evaluation, FundsRow, Indicator, Source
from ..pipeline import policy_of
from ..place import Place
from ..scoring import ScoringPolicy
from ..scoring.rounding import places
from ..templates import get_template
from .sheets import NATIONAL, Sheet, sheet_of

Kind = Literal["title", "line", "label", "input", "derived", "fixed"]
Value = str | Decimal | int | None

NCOLS = NATIONAL.ncols
WIDTHS = NATIONAL.widths
DASH = "—"
LAYOUT_SCHEMA = f"{METADATA_SCHEMA}1"
# The national skeleton's level-2 names with their blank rows, for forms drafted on the web.
SKELETON = tuple((l1, groups) for l1, _, groups in NATIONAL.levels)
TEMPLATE_REMARK = ("白色单元格为填报项；灰色单元格（执行率、执行率得分、总分）由公式自动计算，已锁定。"
                   "工作表保护没有密码，需要增加指标行时可撤销保护后插入行。")
# 定性 indicators are completed as one of three (rules.md); 定量 ones type their number over it.
COMPLETION_CHOICES = ("达成", "部分达成", "未达成")
_YES_NO = ("是", "否")
# Header fields any form may print, labelled as the national reader reads them.
_HEADER_EXTRAS = (("项目编码", "project.code"), ("项目名称", "project.name"), ("主管部门", "project.department"),
                  ("实施单位", "project.implementing_unit"), ("项目负责人", "project.manager"),
                  ("联系电话", "project.phone"), ("财务负责人", "project.finance_manager"),
                  ("财政处室", "project.finance_office"))
_WRAPPED = frozenset({"name", "target", "target_initial", "actual", "note"})  # indicator cells of free text


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
    ncols: int = NCOLS
    widths: tuple[int, ...] = WIDTHS
    tall_rows: dict[int, int] = field(default_factory=dict)  # row → lines of text it should show
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # list validations by name
    # (range, formula true where the cell is wrong): shown red while the filer types; formulas relative to the
    # range's top-left cell, as spreadsheets read conditional formats.
    alerts: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    # A parsed form's formula cells show what was printed, nothing included; the blank template's are to compute.
    printed: bool = False
    weight_col: int | None = None  # the indicators' 分值 column, that each row's 得分 is checked against

    @property
    def table_start(self) -> int:
        """The first row of the table: the lines above it (title, report code) are paragraphs in Word."""
        return min((c.row for c in self.cells if c.kind not in ("title", "line")), default=self.nrows + 1)


def col_letter(col: int) -> str:
    return get_column_letter(col)


def _places(value: Value) -> int | None:
    return places(value) if isinstance(value, Decimal) else None


def _spans(start: int, end: int, n: int) -> list[tuple[int, int]]:
    """``n`` runs of columns covering ``start``..``end``: (first column, width), the last ones the widest."""
    width = end - start + 1
    bounds = [start + (i * width) // n for i in range(n + 1)]
    return [(bounds[i], bounds[i + 1] - bounds[i]) for i in range(n)]


def split_target(ind: Indicator, natures: bool, units: bool) -> str | None:
    """The 指标值 alone where the sheet prints 指标性质 and 度量单位 beside it: the reader joins them back."""
    text = ind.target
    if not text:
        return text
    if natures and ind.nature and ind.nature in NATURES and not ind.nature.startswith(("定性", "定量")):
        text = text.removeprefix(ind.nature)
    if units and ind.unit and text.endswith(ind.unit) and text != ind.unit:
        text = text.removesuffix(ind.unit)
    return text


class _Builder:
    def __init__(self, ev: Evaluation, policy: ScoringPolicy, blank: bool, sheet: Sheet) -> None:
        self.ev = ev
        self.policy = policy
        self.blank = blank
        self.sheet = sheet
        self.ncols = sheet.ncols
        self.out = FormLayout(ncols=self.ncols, widths=sheet.widths)
        self.row = 0
        self.invalid = {inv.field: inv.text for inv in ev.invalid}
        self.placed: set[str] = set()  # the fields this sheet has a cell for
        self.funds_col: dict[str, int] = {}
        self.ind_col = {fld: col for col, (fld, _) in enumerate(sheet.indicator_columns, start=2)}
        self.total_cell: LayoutCell | None = None

    # ------------------------------------------------------------ primitives
    def put(self, col: int, value: Value, kind: Kind, *, cols: int = 1, rows: int = 1, formula: str | None = None,
            validation: str | None = None, wrap: bool = False, row: int | None = None, path: str | None = None
            ) -> LayoutCell:
        cell = LayoutCell(row or self.row, col, value, kind, formula, rows, cols, validation, _places(value), wrap, path)
        self.out.cells.append(cell)
        if path:
            self.placed.add(path)
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

    def own(self) -> bool:
        """Whether the form is of the sheet's template (not a form of another laid out as national)."""
        return (self.ev.template or "national") == self.sheet.template

    def year_text(self, text: str) -> str:
        return text.format(year=self.ev.year if self.ev.year is not None else "    ")

    # ------------------------------------------------------------ parts
    def title(self) -> None:
        # Another template's title over this layout would make readers take the file for that template;
        # its title goes after the form instead.
        if self.sheet.report_code_line and self.own() and self.ev.report_code:
            self.next_row()
            self.put(1, f"报表编号:{self.ev.report_code}", "line", cols=self.ncols, path="report_code")
        # A form without a title of its own gets the sheet's (the web draws its drafts so); a sheet without a
        # title has none to print.
        title = (self.ev.title if self.own() and not self.blank else None) or self.year_text(self.sheet.title)
        if title:
            self.next_row()
            self.put(1, title, "title", cols=self.ncols)
        if self.sheet.subtitle and (self.blank or str(self.ev.year) not in (title or "")):
            self.next_row()
            title = self.year_text(self.sheet.subtitle)
            self.put(1, title, "line", cols=self.ncols)
        if str(self.ev.year) in (title or ""):
            self.placed.add("year")

    def field_value(self, path: str) -> tuple[Value, str | None, str]:
        """A header field's value, its validation, and the path it shows."""
        p = self.ev.project
        if path == "year":
            return self.ev.year, "year", path
        if path == "code_name":
            self.placed.add("project.code")
            return "-".join(filter(None, (p.code, p.name))) or None, None, "project.name"
        return getattr(p, path.removeprefix("project.")), None, path

    def header_rows(self, rows: tuple[tuple[tuple[str, str], ...], ...]) -> None:
        for pairs in rows:
            self.next_row()
            for (label, path), (col, width) in zip(pairs, _spans(1, self.ncols, len(pairs))):
                self.put(col, label, "label")
                if path == "total.score":
                    # The computed 总分 (its formula once the indicators are laid out).
                    t = self.ev.total
                    self.total_cell = self.put(col + 1, t.score if t else None, "derived", cols=width - 1, path=path)
                    continue
                value, validation, shown = self.field_value(path)
                self.put(col + 1, value, "input", cols=width - 1, validation=validation, path=shown)

    def more_header(self) -> None:
        """Header fields the form printed and this sheet has no cell for, in header rows of their own (after
        the table they would read as the last text's continuation)."""
        sheet_paths = {path for rows in (self.sheet.header, self.sheet.footer) for pairs in rows for _, path in pairs}
        if "code_name" in sheet_paths:
            sheet_paths |= {"project.code", "project.name"}
        extra = tuple((label, path) for label, path in _HEADER_EXTRAS
                      if path not in sheet_paths and self.field_value(path)[0] is not None)
        self.header_rows(tuple(extra[i:i + 2] for i in range(0, len(extra), 2)))

    def funds_kinds(self) -> list[str]:
        if self.blank:
            return [kind for kind, _ in self.sheet.funds_rows]
        return [k for k, _ in self.ev.funds.rows()]

    def funds(self) -> int | None:
        """The funds block; returns the row of 年度资金总额 (None when the form has none)."""
        s = self.sheet
        kinds = self.funds_kinds()
        first = self.next_row()
        money = self.money_label()
        if s.funds_section:
            self.put(1, s.funds_section, "label", rows=len(kinds) + 1)
            self.put(2, money, "label", validation="money_unit", path="money_unit")
        else:
            self.put(1, money, "label", rows=len(kinds) + 1, validation="money_unit", path="money_unit")
            self.put(2, None, "label")
        spans = _spans(3, self.ncols, len(s.funds_columns))
        for (fld, label), (col, width) in zip(s.funds_columns, spans):
            self.funds_col[fld] = col
            self.put(col, label, "label", cols=width)
        widths = dict(zip((f for f, _ in s.funds_columns), (w for _, w in spans)))
        self.out.tall_rows[first] = 2
        labels = dict(s.funds_rows)
        total_row: int | None = None
        rows: dict[str, int] = {}
        for kind in kinds:
            r = rows[kind] = self.next_row()
            fr = getattr(self.ev.funds, kind) or FundsRow()
            self.put(2, labels.get(kind, FUNDS_ROW_ZH[kind]), "label")
            self.out.tall_rows[r] = 2
            for fld in ("initial", "full_year", "executed"):
                if fld in self.funds_col:
                    money_value = getattr(fr, fld)
                    self.put(self.funds_col[fld], self.number(f"funds.{kind}.{fld}", money_value.amount if money_value
                                                              else None), "input", cols=widths[fld],
                             validation="amount", path=f"funds.{kind}.{fld}")
            if "reason" in self.funds_col:
                self.put(self.funds_col["reason"], fr.reason, "input", cols=widths["reason"], wrap=True,
                         path=f"funds.{kind}.reason")
            if kind == "total":
                total_row = r
                self.funds_total(r, fr, widths)
                continue
            for fld in ("weight", "rate", "score"):
                if fld not in self.funds_col:
                    continue
                path = f"funds.{kind}.{fld}"
                value = self.number(path, getattr(fr, fld))
                if fld == "rate" and s.row_rates:
                    self.put(self.funds_col[fld], value, "derived", cols=widths[fld], formula=self.rate_formula(r),
                             path=path)
                else:
                    self.put(self.funds_col[fld], DASH if value is None else value, "fixed", cols=widths[fld],
                             path=path)
        self.breakdown_alerts(rows)
        return total_row

    def money_label(self) -> str:
        """The funds' unit label: the blank template's in 万元 (the unit of the 财预〔2020〕10号 template); a form
        that printed no unit gets none (writing one would invent it)."""
        unit = self.ev.money_unit or ("万元" if self.blank else None)
        return self.sheet.money.format(unit=unit) if unit else self.sheet.money.replace("({unit})", "")

    def breakdown_alerts(self, rows: dict[str, int]) -> None:
        """rules.md §3: the rows of each breakdown add up to 年度资金总额, in each amount column."""
        if "total" not in rows or "initial" not in self.funds_col:
            return
        for group in get_template(self.sheet.template).breakdowns:
            parts = [rows[k] for k in group if k in rows]
            if not parts:
                continue
            c = col_letter(self.funds_col["initial"])
            last = col_letter(self.funds_col.get("executed", self.funds_col["initial"]))
            cells = ",".join(f"{c}${r}" for r in parts)
            self.out.alerts.append((f"{c}{rows['total']}:{last}{rows['total']}",
                                    f"AND(COUNT({cells})>0,ABS(SUM({cells})-{c}${rows['total']})>0.005)"))

    def letter(self, fld: str) -> str:
        return col_letter(self.funds_col[fld])

    def budget(self) -> str:
        """The 执行率 denominator's column: the policy's, where the sheet prints it."""
        fld = "initial" if self.policy.denominator == "initial" else "full_year"
        return self.letter(fld if fld in self.funds_col else "full_year")

    def rate_formula(self, r: int) -> str:
        e, b = f"{self.letter('executed')}{r}", f"{self.budget()}{r}"
        zero = self.policy.zero_budget_rate
        # A row with no budget prints the template's rate for it (Sichuan 0.00%), else nothing.
        none = '""' if zero is None else str(zero)
        return f'=IF(NOT(ISNUMBER({e})),"",IF(N({b})=0,{none},ROUND({e}/{b}*100,2)))'

    def rate_weight(self, r: int) -> str:
        if "weight" not in self.funds_col:
            return str(self.policy.rate_weight)
        w = f"{self.letter('weight')}{r}"
        return f"IF(ISNUMBER({w}),{w},{self.policy.rate_weight})"

    def funds_total(self, r: int, fr: FundsRow, widths: dict[str, int]) -> None:
        cols = self.funds_col
        if "weight" in cols:
            weight = self.number("funds.total.weight", fr.weight)
            self.put(cols["weight"], self.policy.rate_weight if self.blank else weight, "fixed", cols=widths["weight"],
                     path="funds.total.weight")
        if "rate" in cols:
            self.put(cols["rate"], self.number("funds.total.rate", fr.rate), "derived", cols=widths["rate"],
                     formula=self.rate_formula(r), path="funds.total.rate")
        if "score" in cols:
            e, b = f"{self.letter('executed')}{r}", f"{self.budget()}{r}"
            ok = f"OR(N({b})=0,NOT(ISNUMBER({e})))"
            w = self.rate_weight(r)
            self.put(cols["score"], self.number("funds.total.score", fr.score), "derived", cols=widths["score"],
                     formula=f'=IF({ok},"",ROUND(MIN({e}/{b}*{w},{w}),2))', path="funds.total.score")

    def goals(self) -> None:
        g, s = self.ev.goals, self.sheet
        self.next_row()
        self.put(1, s.goals, "label", rows=2)
        spans = _spans(2, self.ncols, len(s.goal_columns))
        for (_, label), (col, width) in zip(s.goal_columns, spans):
            self.put(col, label, "label", cols=width)
        self.next_row()
        for (attr, _), (col, width) in zip(s.goal_columns, spans):
            self.put(col, getattr(g, attr), "input", cols=width, wrap=True, path=f"goals.{attr}")
        self.text_lines(*((getattr(g, attr), 6 * w + 2) for (attr, _), (_, w) in zip(s.goal_columns, spans)),
                        ("\n\n\n", 1))

    def indicator_rows(self) -> list[Indicator]:
        if not self.blank:
            return self.ev.indicators or [Indicator()]
        s = self.sheet
        if not s.levels:
            return [Indicator() for _ in range(s.blank_rows)]
        return [Indicator(level1_text=self.level1(l1, points), level2_text=l2)
                for l1, points, groups in s.levels for l2, n in groups for _ in range(n)]

    def level1(self, name: str, points: int | None) -> str:
        weight = points if points is not None else self.policy.level1_weights.get(name.removesuffix("指标"), "")
        return self.sheet.level1_text.format(name=name, points=weight)

    def indicator_value(self, n: int, ind: Indicator, fld: str) -> tuple[Value, Kind, str | None, str | None]:
        """One indicator cell: its content, kind, validation and formula."""
        p, cols = f"indicators[{n}]", self.ind_col
        if fld in ("weight", "coefficient"):
            return self.number(f"{p}.{fld}", getattr(ind, fld)), "input", "weight", None
        if fld == "score":
            score = self.number(f"{p}.score", ind.score)
            if "coefficient" not in cols:
                return score, "input", "score", None
            # 指标得分 = 得分系数 × 指标权重 (the Chongqing form's rule).
            c, w, r = col_letter(cols["coefficient"]), col_letter(cols["weight"]), self.row
            return score, "derived", None, f'=IF(AND(ISNUMBER({c}{r}),ISNUMBER({w}{r})),ROUND({c}{r}*{w}{r}/100,2),"")'
        if fld == "target":
            return split_target(ind, "nature" in cols, "unit" in cols), "input", None, None
        if fld == "core":
            return (None if ind.core is None else _YES_NO[not ind.core]), "input", "core", None
        if fld == "actual":
            return ind.actual, "input", "completion", None
        return getattr(ind, fld), "input", "nature" if fld == "nature" else None, None

    def indicators(self) -> tuple[int, int]:
        s = self.sheet
        header = self.next_row()
        inds = self.indicator_rows()
        self.put(1, s.indicators, "label", rows=len(inds) + 1)
        for col, (_, label) in enumerate(s.indicator_columns, start=2):
            self.put(col, label, "label")
        self.out.tall_rows[header] = 2
        first = header + 1
        if "level1" in self.ind_col:
            self.merged_runs(first, inds, self.ind_col["level1"], lambda i: i.level1_text, "level1")
        if "level2" in self.ind_col:
            self.merged_runs(first, inds, self.ind_col["level2"], lambda i: (i.level1_text, i.level2_text), "level2")
        for n, ind in enumerate(inds):
            self.next_row()
            texts: list[tuple[str | None, int]] = []
            for fld, col in self.ind_col.items():
                if fld in ("level1", "level2"):
                    continue
                value, kind, validation, formula = self.indicator_value(n, ind, fld)
                self.put(col, value, kind, formula=formula, validation=validation, wrap=fld in _WRAPPED,
                         path=f"indicators[{n}].{fld}")
                if isinstance(value, str):
                    texts.append((value, 7))
            if texts:
                self.text_lines(*texts)
        if "weight" in self.ind_col and "score" in self.ind_col:
            self.out.weight_col = self.ind_col["weight"]
            h, g = col_letter(self.ind_col["score"]), col_letter(self.ind_col["weight"])
            self.out.alerts.append((f"{h}{first}:{h}{self.row}",
                                    f"AND(ISNUMBER({h}{first}),ISNUMBER({g}{first}),{h}{first}>{g}{first})"))
        return first, self.row

    def merged_runs(self, first: int, inds: list[Indicator], col: int, key: Callable[[Indicator], object],
                    validation: str) -> None:
        """Level labels merged down over the rows that share them, as on paper."""
        start = 0
        for n in range(1, len(inds) + 1):
            text = inds[start].level1_text if validation == "level1" else inds[start].level2_text
            if n == len(inds) or key(inds[n]) != key(inds[start]) or not text:
                self.put(col, text or None, "input", rows=n - start, row=first + start, validation=validation,
                         wrap=True, path=f"indicators[{start}].{validation}_text")
                start = n

    def total_formulas(self, funds_row: int | None, first: int, last: int) -> tuple[str, str] | None:
        """The formulas of the total's 分值 and 得分; None when the indicators have neither column."""
        if "weight" not in self.ind_col or "score" not in self.ind_col:
            return None
        has_score = funds_row is not None and "score" in self.funds_col
        # Without a 年度资金总额 row (a form that prints none) the total is the indicators' alone.
        rate_weight = f"{self.rate_weight(funds_row)}+" if funds_row is not None and "weight" in self.funds_col else ""
        rate_score = f"N({self.letter('score')}{funds_row})" if has_score else "0"
        scores = f"{col_letter(self.ind_col['score'])}{first}:{col_letter(self.ind_col['score'])}{last}"
        weights = f"{col_letter(self.ind_col['weight'])}{first}:{col_letter(self.ind_col['weight'])}{last}"
        # Each score counts at most its weight (rules.md §9); a score without a weight counts as printed. Scores
        # computed from 得分系数 (blank, "", where not filled: SUMPRODUCT would take "" for an error) are within it.
        capped = (f"SUM({scores})" if "coefficient" in self.ind_col else
                  f'SUMPRODUCT({scores}-({scores}>{weights})*({weights}<>"")*({scores}-{weights}))')
        # Blank until something is scored, so the empty template shows no 0.
        return (f"={rate_weight}SUM({weights})",
                f'=IF(AND({rate_score}=0,COUNT({scores})=0),"",ROUND({rate_score}+{capped},2))')

    def total(self, formulas: tuple[str, str] | None) -> None:
        t, label = self.ev.total, self.sheet.total
        if label is None or formulas is None:
            return
        self.next_row()
        weight_col, score_col = self.ind_col["weight"], self.ind_col["score"]
        self.put(1, label, "label", cols=weight_col - 1)
        self.put(weight_col, t.weight if t else None, "derived", formula=formulas[0], path="total.weight")
        self.put(score_col, t.score if t else None, "derived", formula=formulas[1], path="total.score")
        for col in range(score_col + 1, self.ncols + 1):
            self.put(col, None, "fixed")

    def text_row(self, label: str, text: str | None, path: str | None) -> None:
        self.next_row()
        self.put(1, label, "label")
        self.put(2, text, "input", cols=self.ncols - 1, wrap=True, path=path)
        self.text_lines((text, 50), ("\n\n" if self.blank else None, 1))  # room to write in the blank template

    def extras(self) -> None:
        """What the form prints and this sheet has no place for, in labelled rows after it, so that a form
        written in another template's layout loses nothing."""
        ev = self.ev
        rows: list[tuple[str, str, str | None]] = [
            ("原表标题", "title", None if self.own() else ev.title), ("报表编号", "report_code", ev.report_code),
            ("绩效自评年度", "year", None if ev.year is None else str(ev.year)),
            ("年初绩效目标", "goals.initial", ev.goals.initial),
            ("项目实施内容及过程概述", "implementation", ev.implementation),
            ("预算执行原因", "funds.reason", None if "reason" in self.funds_col else
             "\n".join(f"{FUNDS_ROW_ZH[k]}：{r.reason}" for k, r in ev.funds.rows() if r.reason)),
            ("指标补充", "indicators.extra",
             "\n".join(filter(None, (self.indicator_extra(n, i) for n, i in enumerate(ev.indicators))))),
            ("评价结论", "conclusion", ev.conclusion), ("存在问题", "problems", ev.problems),
            ("改进措施", "improvements", ev.improvements)]
        for label, path, text in rows:
            if text and path not in self.placed:
                self.text_row(label, text, None)

    def indicator_extra(self, n: int, ind: Indicator) -> str | None:
        cols, parts = self.ind_col, []
        if "target_initial" not in cols and ind.target_initial and ind.target_initial != ind.target:
            parts.append(f"年初指标值 {ind.target_initial}")
        if "coefficient" not in cols and ind.coefficient is not None:
            parts.append(f"得分系数 {ind.coefficient}%")
        if "core" not in cols and ind.core is not None:
            parts.append("核心指标" if ind.core else "非核心指标")
        return f"指标{n + 1}「{ind.name or ''}」：{'，'.join(parts)}" if parts else None

    def build(self) -> FormLayout:
        self.title()
        self.header_rows(self.sheet.header)
        if not self.blank:
            self.more_header()
        funds_row = self.funds()
        self.goals()
        first, last = self.indicators()
        formulas = self.total_formulas(funds_row, first, last)
        if self.total_cell is not None and formulas is not None:
            self.total_cell.formula = formulas[1]
        # A form that prints no total gets none (reading it back would find one it never printed).
        if self.blank or self.ev.total is not None or self.ev.remarks:
            self.total(formulas)
            if self.sheet.remarks:
                self.text_row(self.sheet.remarks, TEMPLATE_REMARK if self.blank else self.ev.remarks, "remarks")
        for label, attr in self.sheet.texts:
            self.text_row(label, getattr(self.ev, attr), attr)
        self.header_rows(self.sheet.footer if self.blank else tuple(
            pairs for pairs in self.sheet.footer if any(self.field_value(path)[0] for _, path in pairs)))
        if not self.blank:
            self.extras()
        return self.finish()

    def finish(self) -> FormLayout:
        out, s = self.out, self.sheet
        out.nrows = self.row
        out.printed = not self.blank
        out.choices = {
            "money_unit": tuple(s.money.format(unit=u) for u in ("元", "万元")),
            "level1": tuple(self.level1(l1, points) for l1, points, _ in s.levels)
            or tuple(f"{k}({v}分)" for k, v in self.policy.level1_weights.items()),
            "level2": s.level2_choices,
            "completion": COMPLETION_CHOICES,
            "nature": s.natures,
            "core": _YES_NO,
        }
        out.meta = {"schema": LAYOUT_SCHEMA, "template": s.template, "policy": self.policy.name,
                    "policy_title": self.policy.title, "rate_weight": str(self.policy.rate_weight),
                    "denominator": self.policy.denominator_zh()}
        return out


def form_layout(ev: Evaluation, policy: ScoringPolicy | str | None = None) -> FormLayout:
    """A parsed form in its template's layout, its printed values in place; formulas follow ``policy``
    (default: the policy of the form's template)."""
    return _Builder(ev, policy_of(ev, policy), blank=False, sheet=sheet_of(ev.template)).build()


def blank_layout(policy: ScoringPolicy, year: int | None = None, template: str = "national") -> FormLayout:
    """A template's empty form: the skeleton of indicator rows, the formulas (following ``policy``)."""
    ev = Evaluation(source=Source("", "template", 0, Place()), year=year, template=template)
    return _Builder(ev, policy, blank=True, sheet=sheet_of(template)).build()
