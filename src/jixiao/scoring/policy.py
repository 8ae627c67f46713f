"""Scoring policies: the national default of rules.md and local variants, one registry.

A policy says how derived cells are computed: the 执行率 denominator, weights, how
a quantitative indicator earns its score, grade bands. Each policy is its own file in
this package, built from the named strategies below; adding a province is one file
with one :func:`register_policy` call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar, Literal

from ..model import FundsRow, Indicator
from ..values import comparable, fmt, parse_measure, with_unit
from .direction import Certainty, Direction, Sense, sense
from .rounding import HUNDRED, show

_NAME_UNIT = re.compile(r"[（(]([^（）()]{1,6})[)）]\s*$")


@dataclass(slots=True, frozen=True)
class Reading:
    """The score one reading of a target gives."""

    expected: Decimal
    met: bool
    basis: str  # Chinese, for messages: how the expected score was computed
    sense: Direction = "floor"  # which way this reading takes the target


@dataclass(slots=True, frozen=True)
class IndicatorScore:
    """What the policy computes for one quantitative indicator: one reading, or one per direction
    when the form leaves the direction open (a 数量 target "≤N")."""

    readings: tuple[Reading, ...]
    sense: Sense
    assumed_unit: bool = False

    @property
    def expected(self) -> Decimal:
        return self.readings[0].expected

    @property
    def met(self) -> bool:
        """Met under every reading: only then is a full score beyond doubt."""
        return all(r.met for r in self.readings)

    @property
    def unmet(self) -> bool:
        """Missed under every reading: only then is a full score wrong."""
        return not any(r.met for r in self.readings)

    @property
    def basis(self) -> str:
        return self.readings[0].basis

    @property
    def certainty(self) -> Certainty:
        if len(self.readings) > 1:
            return "ambiguous"
        return "likely" if self.assumed_unit else self.sense.certainty

    def low(self) -> Decimal:
        return min(r.expected for r in self.readings)

    def high(self) -> Decimal:
        return max(r.expected for r in self.readings)

    def settle(self, printed: Decimal | None) -> Decimal:
        """The score the policy stands by: with two readings, the printed score when it lies between them."""
        if len(self.readings) == 1 or printed is None:
            return self.expected
        return min(max(printed, self.low()), self.high())


def indicator_unit(ind: Indicator) -> str | None:
    """A unit printed in the indicator name ("纸媒版面数量(个)")."""
    name = ind.name
    # Most names end in no bracket: no need to search them.
    if not name or not name.rstrip().endswith((")", "）")):
        return None
    m = _NAME_UNIT.search(name)
    if not m:
        return None
    unit = parse_measure("1" + m.group(1)).unit
    return unit


def not_applicable(ind: Indicator) -> bool:
    """An indicator the form marks 不适用 (its target or its actual)."""
    return any(t is not None and t.strip() == "不适用" for t in (ind.target, ind.actual))


Denominator = Literal["full_year", "initial"]
# 反向 (≤) indicators past their limit: 目标÷实际×分值, or (1−(实际−目标)÷目标)×分值, 0 at twice the target.
Reverse = Literal["ratio", "linear"]
# A target "=0" / "≤0" (安全事故=0): full score at 0, none above it.
ZeroTarget = Literal["all_or_nothing", "not_scored"]
# 不适用 indicators: their weight left out and the rest scaled back to 100, or counted as printed.
NotApplicable = Literal["rescale", "as_printed"]


@dataclass(frozen=True)
class ScoringPolicy:
    """How derived cells are computed: each knob a named strategy (rules.md, 'Known local variants')."""

    name: str = "national"
    title: str = "全国通用（财预〔2020〕10号）"
    rate_weight: Decimal = Decimal(10)
    level1_weights: dict[str, Decimal] = field(
        default_factory=lambda: {"产出": Decimal(50), "效益": Decimal(30), "满意度": Decimal(10)})
    denominator: Denominator = "full_year"
    grade_bands: tuple[tuple[Decimal, str], ...] = (
        (Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))
    # 定性 bands, in percent of the weight: 达成 ≥ first, 部分达成 ≥ second, 未达成 below.
    qualitative_bands: tuple[Decimal, Decimal] = (Decimal(80), Decimal(60))
    reverse: Reverse = "ratio"
    zero_target: ZeroTarget = "all_or_nothing"
    # (执行率 below, 总分 at most), tightest last: 70–80 % → ≤ 89 … < 50 % → ≤ 59 on platforms that cap.
    total_caps: tuple[tuple[Decimal, Decimal], ...] = ()
    # (完成值 at least this % of the target, points lost): a target set too low.
    overshoot: tuple[Decimal, Decimal] | None = None
    rounding: int = 2  # places of computed scores; 0 where forms print whole points
    not_applicable: NotApplicable = "as_printed"
    low_execution: Decimal = Decimal(60)
    # A rate below this needs a printed 原因 (Sichuan: 90); None where the form has no such column.
    reason_below: Decimal | None = None
    # What the template prints as the rate of a row with no budget (Sichuan "0.00%"); not a finding.
    zero_budget_rate: Decimal | None = None
    denominator_label: str = ""  # the template's name for the denominator column, when not the national one

    DENOMINATOR_ZH: ClassVar[dict[str, str]] = {"full_year": "全年预算数", "initial": "年初预算数"}

    # -------------------------------------------------------------- funds
    def rate(self, row: FundsRow) -> Decimal | None:
        """执行率 in percent, exact; None when the denominator is missing or zero."""
        budget = getattr(row, self.denominator)
        if budget is None or row.executed is None or budget.amount == 0:
            return None
        return row.executed.to(budget.unit).amount / budget.amount * HUNDRED

    def rate_score(self, rate: Decimal, weight: Decimal | None = None) -> Decimal:
        w = self.rate_weight if weight is None else weight
        return min(rate * w / HUNDRED, w)

    # -------------------------------------------------------------- indicators
    def indicator_score(self, ind: Indicator) -> IndicatorScore | None:
        """Expected score of a quantitative indicator (rules.md §5), or None when not computable."""
        if ind.weight is None or ind.target_measure is None or ind.actual_measure is None:
            return None
        unit = indicator_unit(ind)
        target = with_unit(ind.target_measure, unit)
        actual = with_unit(ind.actual_measure, unit)
        if not target.quantitative or actual.kind != "number" or actual.op is not None:
            return None
        scale = comparable(target, actual)
        if scale is None or target.value is None or actual.value is None:
            return None
        assumed = (target.unit is None) != (actual.unit is None)
        t = target.value * scale[0]
        a = actual.value * scale[1]
        w = ind.weight
        if target.kind == "range":
            hi = target.upper * scale[0] if target.upper is not None else t
            within = Sense("floor", "certain", "目标为区间")
            if t <= a <= hi:
                return IndicatorScore((Reading(w, True, f"实际值在目标区间{target.text}内，得满分"),), within, assumed)
            if a < t and t > 0:
                return IndicatorScore((Reading(a / t * w, False, "实际值低于区间下限，按 实际÷下限×分值"),),
                                      within, assumed)
            return None  # above a range: direction unknown (a count may exceed, a duration may not)
        how = sense(ind, target.op)
        strict = target.op in ("<", ">")
        if t == 0 and target.op in ("=", "<=", None):
            how = Sense("ceiling", "certain", "目标为0")
        if how.direction == "floor":
            readings = [self._floor(t, a, w, strict)]
        elif how.direction == "ceiling":
            readings = [self._ceiling(t, a, w, target.text, strict)]
        else:  # the planned quantity first: what units usually mean by a 数量 "≤N"
            readings = [self._floor(t, a, w, False, planned=True), self._ceiling(t, a, w, target.text, strict)]
        kept = tuple(r for r in readings if r is not None)
        return IndicatorScore(kept, how, assumed) if kept else None

    def _floor(self, t: Decimal, a: Decimal, w: Decimal, strict: bool, planned: bool = False) -> Reading | None:
        if t == 0:
            return None
        if a > t or (a == t and not strict):
            if self.overshoot is not None and a * HUNDRED >= t * self.overshoot[0]:
                lost = self.overshoot[1]
                return Reading(max(w - lost, Decimal(0)), True,
                               f"实际值超过目标{show(a / t * HUNDRED - HUNDRED, 0)}%（偏离≥{fmt(self.overshoot[0] - HUNDRED)}%，"
                               f"目标设定偏低），扣{fmt(lost)}分")
            return Reading(w, True, "按计划数，实际值达到计划，得满分" if planned else "实际值达到目标，得满分")
        basis = "按计划数，实际÷计划×分值" if planned else "按 实际÷目标×分值"
        return Reading(min(a / t, Decimal(1)) * w, False, basis)

    def _ceiling(self, t: Decimal, a: Decimal, w: Decimal, text: str, strict: bool) -> Reading | None:
        if t == 0:  # "=0"/"≤0": nothing may happen (安全事故)
            if self.zero_target == "not_scored":
                return None
            return Reading(w if a == 0 else Decimal(0), a == 0,
                           "目标为0，实际为0得满分" if a == 0 else "目标为0，实际不为0，不得分", "ceiling")
        if a == 0:
            return None  # nothing executed: the ratio rule says nothing useful
        if a < t or (a == t and not strict):
            return Reading(w, True, f"“{text}”为上限，实际值未超过，得满分", "ceiling")
        if self.reverse == "linear":
            return Reading(max(Decimal(1) - (a - t) / t, Decimal(0)) * w, False,
                           "超出上限，按 (1−(实际−目标)÷目标)×分值，实际达目标2倍得0分", "ceiling")
        return Reading(t / a * w, False, "超出上限，按 目标÷实际×分值", "ceiling")

    def rescale(self, indicators: list[Indicator]) -> Decimal:
        """The factor bringing a total back to 100 when 不适用 indicators are left out (1 when none is)."""
        if self.not_applicable != "rescale":
            return Decimal(1)
        na = sum((i.weight for i in indicators if i.weight and not_applicable(i)), Decimal(0))
        return HUNDRED / (HUNDRED - na) if 0 < na < HUNDRED else Decimal(1)

    def total_cap(self, rate: Decimal | None) -> Decimal | None:
        """The highest 总分 the 执行率 allows, where the policy caps it."""
        if rate is None:
            return None
        cap = None
        for below, most in self.total_caps:
            if rate < below:
                cap = most
        return cap

    # -------------------------------------------------------------- totals
    def grade(self, total: Decimal) -> str:
        for floor, name in self.grade_bands:
            if total >= floor:
                return name
        return self.grade_bands[-1][1]

    def denominator_zh(self) -> str:
        return self.denominator_label or self.DENOMINATOR_ZH.get(self.denominator, self.denominator)


POLICIES: dict[str, ScoringPolicy] = {}


def register_policy(policy: ScoringPolicy) -> ScoringPolicy:
    POLICIES[policy.name] = policy
    return policy


def get_policy(name: str) -> ScoringPolicy:
    try:
        return POLICIES[name]
    except KeyError:
        raise KeyError(f"未知的评分规则“{name}”，可用：{', '.join(POLICIES)}") from None
