"""Checks on 总分, weights and score bounds."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ..scoring.rounding import explains, round_half_up, rounded_variants, show
from ..values import fmt
from . import CheckContext, Finding, check


def printed_indicator_sum(ctx: CheckContext) -> Decimal:
    return sum((i.score for i in ctx.ev.indicators if i.score is not None), Decimal(0))


def printed_rate_score(ctx: CheckContext) -> Decimal | None:
    row = ctx.ev.funds.total
    if row is not None and row.score is not None:
        return row.score
    return ctx.rec.rate_score


def capped_indicator_sum(ctx: CheckContext) -> Decimal:
    """Σ min(score, weight): how a template's 总分 formula counts a score typed above its weight (rules.md §9)."""
    return sum((min(i.score, i.weight) if i.weight is not None else i.score
                for i in ctx.ev.indicators if i.score is not None), Decimal(0))


def _total_candidates(ctx: CheckContext, base: Decimal, s: Decimal) -> Iterator[Decimal]:
    yield base + s
    # A score over its weight is score-over-weight's finding; the total that counts it at its weight is right.
    capped = capped_indicator_sum(ctx)
    if capped != s:
        yield base + capped
    factor = ctx.policy.rescale(ctx.ev.indicators)
    if factor != 1:  # 不适用 indicators left out, the rest scaled back to 100
        yield (base + capped) * factor
    # A printed rate score cut short (seed 002: "4" for 4.71) while the total used the full one.
    if ctx.rec.rate is not None:
        row = ctx.ev.funds.total
        w = row.weight if row is not None and row.weight is not None else ctx.policy.rate_weight
        for r in rounded_variants(ctx.rec.rate):
            yield round_half_up(ctx.policy.rate_score(r, w), 2) + s


@check("total-mismatch", "error", "总分不等于执行率得分加各指标得分",
       "「{project}」总分印为{found}，执行率得分{rate_score}+指标得分合计{indicators}={expected}",
       clause="rules.md §8", needs=("funds", "indicators"))
def total_mismatch(chk, ctx: CheckContext) -> Iterator[Finding]:
    total = ctx.ev.total
    if total is None or total.score is None:
        return
    s = printed_indicator_sum(ctx)
    sr = printed_rate_score(ctx)
    base = sr if sr is not None else Decimal(0)
    if explains(total.score, _total_candidates(ctx, base, s)):
        return
    yield chk.finding(ctx, "total.score", fmt(base + s), fmt(total.score),
                      rate_score=fmt(sr) if sr is not None else "（无）", indicators=fmt(s))


@check("missing-total", "warning", "表中没有总分",
       "「{project}」{what}；按执行率得分与指标得分计算应为{expected}{hint}", clause="rules.md §8", needs=("funds", "indicators"))
def missing_total(chk, ctx: CheckContext) -> Iterator[Finding]:
    total = ctx.ev.total
    if total is not None and total.score is not None or any(b.field == "total.score" for b in ctx.ev.invalid):
        return  # a 总分 holding an error value is invalid-number's finding, not a missing total
    if ctx.ev.parts_found.get("total") == "incomplete":
        return  # a 总分 printed but not read (its numbers out of place in a PDF's text) is not missing
    ev = ctx.ev
    if not any(i.weight is not None or i.score is not None for i in ev.indicators) and \
            not any(r.weight is not None or r.score is not None for _, r in ev.funds.rows()):
        return  # a form without 分值/得分 (a 转移支付 form, targets and actuals only) has no 总分 to miss
    sr = printed_rate_score(ctx)
    expected = (sr or Decimal(0)) + printed_indicator_sum(ctx)
    hint = ""
    if ctx.doc is not None:
        for other in ctx.doc.evaluations:
            for stray in other.strays:
                if stray.kind != "total" or not stray.values:
                    continue
                value = stray.values[-1]
                where = f"{stray.place.zh()}（「{other.label()}」表内）"
                if abs(value - expected) <= Decimal("0.01"):
                    hint += f"；文件{where}有一行游离的“{stray.text}”，与本表计算总分相符，应属本表"
                else:
                    hint += f"；文件{where}另有一行游离的“{stray.text}”"
    what = "没有总分行" if total is None else "总分行未填得分"
    yield chk.finding(ctx, "total", fmt(expected), None, what=what, hint=hint)


# Weights add up only over the whole table: a table cut before its 总分 row (an excerpt, a lost page)
# may have lost indicators, so both weight checks need the total row read.
@check("weights-not-100", "error", "分值合计不等于100",
       "「{project}」执行率分值{rate_weight}+指标分值合计{indicators}={found}，应为{expected}",
       clause="rules.md §4", needs=("indicators", "total", "funds"))  # funds: 执行率's own 分值
def weights_not_100(chk, ctx: CheckContext) -> Iterator[Finding]:
    weights = [i.weight for i in ctx.ev.indicators if i.weight is not None]
    if not weights:
        return
    row = ctx.ev.funds.total
    rw = row.weight if row is not None and row.weight is not None else ctx.policy.rate_weight
    s = sum(weights, Decimal(0))
    total = ctx.ev.total
    expected = total.weight if total is not None and total.weight is not None else Decimal(100)
    if rw + s != expected:
        yield chk.finding(ctx, "total.weight", fmt(expected), fmt(rw + s), rate_weight=fmt(rw), indicators=fmt(s))


@check("level1-weight-mismatch", "warning", "一级指标标注的分值与其下指标分值合计不符",
       "「{project}」一级指标“{level1}”标注{expected}分，其下指标分值合计{found}分", clause="rules.md §4",
       needs=("indicators", "total"))
def level1_weight_mismatch(chk, ctx: CheckContext) -> Iterator[Finding]:
    for level1, declared in ctx.ev.level1_weights.items():
        weights = [i.weight for i in ctx.ev.indicators if i.level1 == level1 and i.weight is not None]
        if weights and sum(weights, Decimal(0)) != declared:
            yield chk.finding(ctx, f"level1_weights.{level1}", fmt(declared), fmt(sum(weights, Decimal(0))),
                              level1=level1)


@check("score-over-weight", "error", "得分超过分值或为负数",
       "「{project}」{what}得分{found}，应在0至分值{expected}之间", clause="rules.md §9", per_value=True)
def score_over_weight(chk, ctx: CheckContext) -> Iterator[Finding]:
    for n, ind in enumerate(ctx.ev.indicators):
        if ind.score is None:
            continue
        if ind.score < 0 or (ind.weight is not None and ind.score > ind.weight):
            yield chk.finding(ctx, f"indicators[{n}].score", fmt(ind.weight), fmt(ind.score),
                              what=f"指标“{ind.name or ind.level2 or n + 1}”")
    for key, row in ctx.ev.funds.rows():
        if row.score is not None and (row.score < 0 or row.weight is not None and row.score > row.weight):
            yield chk.finding(ctx, f"funds.{key}.score", fmt(row.weight), fmt(row.score), what="执行率")
    total = ctx.ev.total
    if total is not None and total.score is not None:
        cap = total.weight if total.weight is not None else Decimal(100)
        if total.score < 0 or total.score > cap:
            yield chk.finding(ctx, "total.score", fmt(cap), fmt(total.score), what="总分")



@check("total-over-cap", "error", "总分超过执行率所允许的上限",
       "「{project}」执行率{rate}%，按{policy}总分不得超过{expected}分，表中为{found}",
       clause="rules.md 地方差异·执行率封顶总分", needs=("funds",))
def total_over_cap(chk, ctx: CheckContext) -> Iterator[Finding]:
    cap = ctx.policy.total_cap(ctx.rec.rate)
    total = ctx.ev.total
    if cap is None or total is None or total.score is None or total.score <= cap:
        return
    assert ctx.rec.rate is not None
    yield chk.finding(ctx, "total.score", fmt(cap), fmt(total.score), rate=show(ctx.rec.rate), policy=ctx.policy.title)
