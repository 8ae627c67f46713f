"""The evaluation as typed data: one :class:`Evaluation` per printed form.

Values keep the form's precision (``Decimal``), amounts carry their unit
(:class:`~jixiao.values.Money`), and every field read from the file has a
:class:`Locator` in ``Evaluation.locators`` under the same path the checks use
("funds.total.executed", "indicators[3].score").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from .notes import Note
from .place import Place
from .text import label_key
from .values import Measure, Money, MoneyUnit

FUNDS_ROWS = ("total", "appropriation", "carryover", "other")
# Rows only some templates print (Sichuan's fund sources, a department's 基本支出/项目支出, a transfer
# payment's sources by level of government).
EXTRA_FUNDS_ROWS = ("special_account", "unit_funds", "basic", "project", "central", "local", "city", "county")
_ALL_FUNDS_ROWS = FUNDS_ROWS + EXTRA_FUNDS_ROWS
FUNDS_ROW_ZH = {"total": "年度资金总额", "appropriation": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金",
                "special_account": "财政专户管理资金", "unit_funds": "单位资金", "basic": "基本支出", "project": "项目支出",
                "central": "中央财政资金", "local": "地方财政资金", "city": "市级财政资金", "county": "县级财政资金"}
# Template residue: "指标1：", "指标2", "……", "..." (label_key drops the colon).
PLACEHOLDER_NAME = re.compile(r"指标\d*|…+|\.{3,}|。{3,}")
AMOUNT_COLUMNS = ("initial", "full_year", "executed")
COLUMN_ZH = {
    "initial": "年初预算数", "full_year": "全年预算数", "executed": "全年执行数",
    "weight": "分值", "rate": "执行率", "score": "得分",
}


PARTS = ("header", "funds", "goals", "indicators", "notes", "total")  # notes: the indicators' 偏差原因
# How a part was read: its columns matched by their labels, rows re-aligned by content, values placed
# from text without geometry, read in part (some of its numbers could not be placed and are named in notes),
# or not found at all. No arithmetic check runs on a part missing or incomplete.
How = Literal["label-matched", "re-aligned", "token-placed", "incomplete", "missing"]
PART_ZH = {"header": "表头", "funds": "资金使用情况", "goals": "年度总体目标", "indicators": "绩效指标",
           "notes": "偏差原因分析", "total": "总分"}


def no_parts() -> dict[str, How]:
    return dict.fromkeys(PARTS, "missing")


@dataclass(slots=True, frozen=True)
class Locator:
    """File, form and place of one value."""

    file: str
    form_index: int | None
    place: Place

    def describe(self) -> str:
        return self.place.describe()

    def zh(self) -> str:
        return self.place.zh()


@dataclass(slots=True)
class Source:
    file: str
    format: str
    form_index: int
    place: Place

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "format": self.format, "form_index": self.form_index,
                "locator": self.place.describe()}


@dataclass(slots=True)
class Project:
    code: str | None = None
    name: str | None = None
    department: str | None = None
    implementing_unit: str | None = None
    manager: str | None = None
    phone: str | None = None
    finance_manager: str | None = None
    finance_office: str | None = None


@dataclass(slots=True)
class FundsRow:
    initial: Money | None = None
    full_year: Money | None = None
    executed: Money | None = None
    weight: Decimal | None = None
    rate: Decimal | None = None
    score: Decimal | None = None
    reason: str | None = None


@dataclass(slots=True)
class Funds:
    total: FundsRow | None = None
    appropriation: FundsRow | None = None
    carryover: FundsRow | None = None
    other: FundsRow | None = None
    special_account: FundsRow | None = None
    unit_funds: FundsRow | None = None
    basic: FundsRow | None = None
    project: FundsRow | None = None
    central: FundsRow | None = None
    local: FundsRow | None = None
    city: FundsRow | None = None
    county: FundsRow | None = None

    def rows(self) -> list[tuple[str, FundsRow]]:
        return [(k, r) for k in _ALL_FUNDS_ROWS if (r := getattr(self, k)) is not None]


@dataclass(slots=True)
class Goals:
    expected: str | None = None
    achieved: str | None = None
    initial: str | None = None  # 年初绩效目标, where a template prints it beside the adjusted one


@dataclass(slots=True)
class Indicator:
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    target: str | None = None
    actual: str | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    note: str | None = None
    level1_text: str | None = None
    level2_text: str | None = None
    target_measure: Measure | None = None
    actual_measure: Measure | None = None
    nature: str | None = None  # 指标性质: an operator (≥, =), 定性, 定量指标/定性指标
    unit: str | None = None  # 度量单位 / 计量单位 as printed in its own column
    core: bool | None = None  # 是否核心指标
    coefficient: Decimal | None = None  # 得分系数, in percent
    target_initial: str | None = None  # 年初指标值 when the form also prints an adjusted one

    @property
    def is_placeholder(self) -> bool:
        """A template row left unfilled ("指标1：", "……") with nothing else in it."""
        if self.weight is not None or self.score is not None or self.target or self.actual:
            return False
        return bool(PLACEHOLDER_NAME.fullmatch(label_key(self.name or "")))


@dataclass(slots=True)
class Total:
    weight: Decimal | None = None
    score: Decimal | None = None


@dataclass(slots=True)
class StrayRow:
    """A row found inside a form that belongs to none of its parts (e.g. a second 总分)."""

    text: str
    place: Place
    kind: str = "unplaced"
    values: tuple[Decimal, ...] = ()


@dataclass(slots=True)
class InvalidValue:
    """A numeric cell holding words; kept as text for the checks to report."""

    field: str
    text: str
    place: Place


@dataclass(slots=True)
class Evaluation:
    source: Source
    year: int | None = None
    project: Project = field(default_factory=Project)
    money_unit: MoneyUnit | None = None
    funds: Funds = field(default_factory=Funds)
    goals: Goals = field(default_factory=Goals)
    indicators: list[Indicator] = field(default_factory=list)
    level1_weights: dict[str, Decimal] = field(default_factory=dict)
    total: Total | None = None
    remarks: str | None = None
    title: str | None = None
    template: str = "national"
    report_code: str | None = None
    implementation: str | None = None  # 项目实施内容及过程概述
    conclusion: str | None = None  # 评价结论
    problems: str | None = None  # 存在问题
    improvements: str | None = None  # 改进措施
    notes: list[Note] = field(default_factory=list)
    parts_found: dict[str, How] = field(default_factory=no_parts)
    locators: dict[str, Place] = field(default_factory=dict)
    invalid: list[InvalidValue] = field(default_factory=list)
    strays: list[StrayRow] = field(default_factory=list)

    @property
    def warnings(self) -> tuple[str, ...]:
        """The notes as rendered lines; a tuple, so a line cannot be added past the notes."""
        return tuple(n.zh() for n in self.notes)

    def note(self, code: str, place: Place | None = None, **params: object) -> None:
        self.notes.append(Note(code, place, params))

    def locator(self, path: str) -> Locator | None:
        place = self.locators.get(path)
        return Locator(self.source.file, self.source.form_index, place) if place else None

    def label(self) -> str:
        """How messages name the form: its project name, else its place."""
        return self.project.name or f"第{self.source.form_index + 1}张表（{self.source.place.zh()}）"


@dataclass(slots=True)
class ListItem:
    seq: str | None
    name: str
    amount: Decimal | None
    score: Decimal | None = None
    grade: str | None = None
    note: str | None = None
    place: Place | None = None


@dataclass(slots=True)
class DepartmentList:
    """A department's list of its project self-evaluations (项目名称 / 金额 / 自评得分)."""

    source: Source
    title: str | None = None
    department: str | None = None
    money_unit: MoneyUnit | None = None
    items: list[ListItem] = field(default_factory=list)
    total_amount: Decimal | None = None
    total_place: Place | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """Everything read from one file."""

    file: str
    format: str
    evaluations: list[Evaluation] = field(default_factory=list)
    lists: list[DepartmentList] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
