"""FormSpec: everything one template prints, as data the one form reader reads by.

Labels are label keys (see :func:`jixiao.text.label_key`: half-width brackets, no spaces).
A template module builds its spec, often from the national one with ``spec.replace(...)``;
the form reader (:mod:`.form`) and the writer (:mod:`jixiao.export.layout`) take their
labels from it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ...model import FUNDS_ROW_ZH
from ..vocab import HEADER_FIELDS

_ENUM = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]+[)）.、．]\s*)+")
_POINTS = re.compile(r"[(（](?:\d+(?:\.\d+)?分|万元|元)[)）]$")


_ENUM_FIRST = frozenset("(（一二三四五六七八九十")


def section_key(key: str) -> str:
    """A part label without its numbering and points: "2.项目实施内容及过程概述" → "项目实施内容及过程概述"."""
    # Every cell's key comes here, and most have neither: the patterns run only where they can match.
    if key[:1] in _ENUM_FIRST or key[:1].isdecimal():
        key = _ENUM.sub("", key)
    if key.endswith((")", "）")):
        key = _POINTS.sub("", key)
    return key


def header_fields(extra: Mapping[str, str]) -> dict[str, str]:
    """The national header labels as targets ("项目名称" → "project.name"), plus a template's own."""
    base = {k: "year" if v == "year" else f"project.{v}" for k, v in HEADER_FIELDS.items()}
    return base | dict(extra)


@dataclass(frozen=True)
class Printed:
    """The labels a writer prints for a template, one per field; the spec's reader accepts each of them."""

    title: str
    header: Mapping[str, str]  # field (year, code, name, department, ...) → label
    money: str  # the funds block's label, "{unit}" standing for 元 or 万元
    funds_columns: Mapping[str, str]  # initial ... score → column label
    funds_rows: Mapping[str, str]  # total, appropriation ... → row label
    goals: str
    goal_columns: Mapping[str, str]  # expected, achieved → label
    indicators: str
    indicator_columns: Mapping[str, str]  # level1 ... note → column label
    total: str
    remarks: str


@dataclass(frozen=True)
class FormSpec:
    """The labels of one template. Column lists are (substring of the header label, field), first match wins."""

    header_fields: Mapping[str, str]  # label → "project.name", "year", "total.score", "code_name", "department_name"
    funds_columns: tuple[tuple[str, str], ...]
    funds_rows: Mapping[str, str]  # row label without "其中:" → funds row kind
    indicator_columns: tuple[tuple[str, str], ...]
    indicator_header: tuple[str, ...]  # every one of these in a row marks the indicator header
    # Indicator columns some printings of the template add (Yunnan splits 年度指标值 into 指标性质 | 指标值 |
    # 度量单位): read where a header prints them, never a reason to read a form from its tokens.
    optional_columns: tuple[tuple[str, str], ...] = ()
    goal_columns: Mapping[str, str] = field(default_factory=dict)  # label → initial / expected / achieved
    texts: Mapping[str, str] = field(default_factory=dict)  # label → Evaluation attribute
    sections: frozenset[str] = frozenset()  # labels that only open a part (numbering and scores stripped)
    total_labels: frozenset[str] = frozenset({"合计", "总分", "总计"})
    # A cell that names the funds unit when it holds "(元)"/"(万元)": "项目资金(万元)", "金额(元)".
    money_unit_labels: tuple[str, ...] = ("项目资金", "金额")
    # Funds rows named by a pattern rather than an exact label ("其中:当年财政拨款（含追加）").
    row_kind: Callable[[str], str | None] | None = None
    # Funds columns assumed when a funds row comes before any funds header (a note says so).
    default_funds_order: tuple[str, ...] = ()
    # 备注 rule: rows after the total are the form's remarks (the national form's 备注 and signatures).
    remarks_after_total: bool = False
    # How the part-missing note names each part this template must have.
    part_labels: Mapping[str, str] = field(default_factory=lambda: {"funds": "预算执行情况", "indicators": "绩效指标"})
    coefficient_percent_default: bool = True
    printed: Printed | None = None  # what a writer prints for this template (the national one has a layout)

    def replace(self, **changes: object) -> FormSpec:
        """This spec with some fields changed: "national but…"."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def header_needles(self) -> tuple[tuple[str, str], ...]:
        """What an indicator header's labels are matched against: the optional columns first (指标性质 before 指标值)."""
        return self.optional_columns + self.indicator_columns

    @functools.cached_property
    def column_labels(self) -> frozenset[str]:
        """The labels of the funds' and the indicators' columns as they print whole (原因, 得分, 权重...): asked of
        every header row's values, so made once per spec."""
        return frozenset(label for label, _ in self.funds_columns + self.header_needles())

    def funds_kind(self, key: str) -> str | None:
        """Which funds row a row label names, if any."""
        kind = self.funds_rows.get(key.removeprefix("其中").lstrip(":"))
        if kind is None and self.row_kind is not None:
            kind = self.row_kind(key)
        return kind

    def row_label(self, kind: str) -> str:
        """A funds row as this template prints it (总额, 财政资金...)."""
        return next((label for label, k in self.funds_rows.items() if k == kind), FUNDS_ROW_ZH[kind])

    def anchors(self) -> frozenset[str]:
        """Labels that begin a row: where flattened text is cut back into rows."""
        out = set(self.header_fields) | set(self.funds_rows) | set(self.texts) | self.sections | self.total_labels
        out |= {f"其中:{k}" for k in self.funds_rows}
        return frozenset(out)
