"""Recompute every derived cell of a form: 执行率, 执行率得分, indicator scores, 总分."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Evaluation
from .policy import IndicatorScore, ScoringPolicy
from .rounding import round_half_up, show


@dataclass(slots=True)
class Recomputed:
    rate: Decimal | None = None
    rate_score: Decimal | None = None
    indicator_scores: list[IndicatorScore | None] = field(default_factory=list)
    indicator_sum: Decimal = Decimal(0)
    total: Decimal | None = None
    total_by_policy: Decimal | None = None
    grade: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "rate": show(self.rate) if self.rate is not None else None,
            "rate_score": show(self.rate_score) if self.rate_score is not None else None,
            "total": show(self.total) if self.total is not None else None,
            "total_by_policy": show(self.total_by_policy) if self.total_by_policy is not None else None,
            "indicator_scores": [show(s.expected) if s else None for s in self.indicator_scores],
            "grade": self.grade,
        }


def recompute(ev: Evaluation, policy: ScoringPolicy) -> Recomputed:
    r = Recomputed()
    total_row = ev.funds.total
    if total_row is not None:
        r.rate = policy.rate(total_row)
        if r.rate is not None:
            r.rate_score = round_half_up(policy.rate_score(r.rate, total_row.weight), policy.rounding)
    r.indicator_scores = [policy.indicator_score(i) for i in ev.indicators]
    r.indicator_sum = sum((min(i.score, i.weight) if i.weight is not None else i.score
                           for i in ev.indicators if i.score is not None), Decimal(0))
    if r.rate_score is not None or ev.indicators:
        base = r.rate_score if r.rate_score is not None else (
            total_row.score if total_row and total_row.score is not None else Decimal(0))
        r.total = base + r.indicator_sum
        by_policy = Decimal(0)
        for ind, calc in zip(ev.indicators, r.indicator_scores):
            if calc is not None:
                by_policy += round_half_up(calc.settle(ind.score), policy.rounding)
            elif ind.score is not None:
                by_policy += min(ind.score, ind.weight) if ind.weight is not None else ind.score
        factor = policy.rescale(ev.indicators)
        r.total = r.total * factor
        r.total_by_policy = (base + by_policy) * factor
        r.grade = policy.grade(r.total)
    return r
