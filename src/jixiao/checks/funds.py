"""Checks on 资金使用情况: 执行率, 执行率得分, the breakdown of funds."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ..model import AMOUNT_COLUMNS, COLUMN_ZH
from ..scoring.rounding import explains, places, quantum, rounded_variants, show
from ..values import Money, fmt
from . import CheckContext, Finding, check


def _rates(ctx: CheckContext) -> Iterator[tuple[str, Decimal, Decimal]]:
    """(row key, printed rate, exact rate) for every funds row that prints a rate."""
    for key, row in ctx.ev.funds.rows():
        exact = ctx.policy.rate(row)
        if row.rate is not None and exact is not None:
            yield key, row.rate, exact


@check("rate-mismatch", "error", "执行率与执行数/预算数不符",
       "「{project}」{row}执行率印为{found}%，按{denominator}{budget}、全年执行数{executed}计算应为{expected}%",
       clause="rules.md §1", needs=("funds",))
def rate_mismatch(chk, ctx: CheckContext) -> Iterator[Finding]:
    for key, printed, exact in _rates(ctx):
        if explains(printed, [exact]):
            continue
        row = getattr(ctx.ev.funds, key)
        budget = getattr(row, ctx.policy.denominator)
        yield chk.finding(ctx, f"funds.{key}.rate", show(exact, max(2, places(printed))), fmt(printed),
                          row=ctx.row_zh(key), denominator=ctx.policy.denominator_zh(),
                          budget=budget, executed=row.executed)


@check("rate-score-mismatch", "error", "执行率得分与执行率×分值不符",
       "「{project}」{row}执行率得分印为{found}，按执行率{rate}%×分值{weight}计算应为{expected}",
       clause="rules.md §2", needs=("funds",))
def rate_score_mismatch(chk, ctx: CheckContext) -> Iterator[Finding]:
    for key, row in ctx.ev.funds.rows():
        exact = ctx.policy.rate(row)
        if row.score is None or exact is None:
            continue
        weight = row.weight if row.weight is not None else ctx.policy.rate_weight
        if explains(row.score, (ctx.policy.rate_score(r, weight) for r in rounded_variants(exact))):
            continue
        yield chk.finding(ctx, f"funds.{key}.score", show(ctx.policy.rate_score(exact, weight)), fmt(row.score),
                          row=ctx.row_zh(key), rate=show(exact), weight=fmt(weight))


@check("rate-undefined", "warning", "全年预算数为0或缺失，执行率无法计算",
       "「{project}」{row}的{denominator}为{found}，执行率无法计算，但表中印有执行率{rate}",
       clause="rules.md §1", needs=("funds",))
def rate_undefined(chk, ctx: CheckContext) -> Iterator[Finding]:
    for key, row in ctx.ev.funds.rows():
        budget = getattr(row, ctx.policy.denominator)
        printed_zero = row.rate is not None and row.rate == ctx.policy.zero_budget_rate
        if row.rate is not None and row.executed is not None and (budget is None or budget.amount == 0) \
                and not printed_zero:
            yield chk.finding(ctx, f"funds.{key}.{ctx.policy.denominator}", None,
                              "空" if budget is None else fmt(budget.amount), row=ctx.row_zh(key),
                              denominator=ctx.policy.denominator_zh(), rate=fmt(row.rate))


def sum_money(values: list[Money | None]) -> Money | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    unit = present[0].unit
    return Money(sum((v.to(unit).amount for v in present), Decimal(0)), unit)


@check("funds-breakdown-mismatch", "error", "资金来源分项之和不等于年度资金总额",
       "「{project}」{column}：{parts}={expected}，年度资金总额为{found}{blank}", clause="rules.md §3",
       needs=("funds",))
def funds_breakdown(chk, ctx: CheckContext) -> Iterator[Finding]:
    """Each group of sub-rows the template declares (sources; 基本/项目支出) must add up to the total."""
    f = ctx.ev.funds
    if f.total is None:
        return
    for group in ctx.template.breakdowns:
        subs = [r for k in group if (r := getattr(f, k)) is not None]
        if subs:
            yield from _breakdown(chk, ctx, subs, "+".join(ctx.row_zh(k) for k in group))


def _breakdown(chk, ctx: CheckContext, subs: list, parts_zh: str) -> Iterator[Finding]:
    f = ctx.ev.funds
    assert f.total is not None
    for col in AMOUNT_COLUMNS:
        total: Money | None = getattr(f.total, col)
        parts = sum_money([getattr(r, col) for r in subs])
        if parts is None and (total is None or total.amount == 0):
            continue
        t = total.amount if total is not None else Decimal(0)
        p = parts.amount if parts is not None else Decimal(0)
        tol = quantum(places(t)) if total is not None else Decimal(0)
        if abs(t - p) > tol:
            # rules.md §3 counts an empty cell as 0; say so when all parts or the total are empty, or 0 reads as a
            # misreading
            said = parts_zh if parts is not None else f"{parts_zh}（均未填写，按空为0计）"
            blank = "" if total is not None else "（未填写，按空为0计）"
            yield chk.finding(ctx, f"funds.total.{col}", fmt(p), fmt(t), column=COLUMN_ZH[col], parts=said, blank=blank)


@check("low-execution", "info", "执行率低于60%",
       "「{project}」执行率{found}%，低于{expected}%", clause="checks.md low-execution", needs=("funds",))
def low_execution(chk, ctx: CheckContext) -> Iterator[Finding]:
    if ctx.rec.rate is not None and ctx.rec.rate < ctx.policy.low_execution:
        yield chk.finding(ctx, "funds.total.rate", fmt(ctx.policy.low_execution), show(ctx.rec.rate))


@check("over-execution", "info", "执行数超过预算数",
       "「{project}」执行率{found}%，超过100%（执行数大于{denominator}），执行率得分按分值封顶",
       clause="rules.md 地方差异·执行率超过100%", needs=("funds",))
def over_execution(chk, ctx: CheckContext) -> Iterator[Finding]:
    if ctx.rec.rate is not None and ctx.rec.rate > 100:
        yield chk.finding(ctx, "funds.total.rate", "100", show(ctx.rec.rate),
                          denominator=ctx.policy.denominator_zh())
