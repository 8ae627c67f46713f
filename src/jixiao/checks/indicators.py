"""Checks on 年度绩效指标: scores against targets, notes, units, template residue."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ..model import Indicator
from ..scoring.policy import IndicatorScore, indicator_unit, with_unit
from ..scoring.rounding import explains, show
from ..values import BLANKS, VAGUE_WORDS, comparable, fmt
from . import CheckContext, Finding, check


def indicator_name(ind: Indicator, n: int) -> str:
    return ind.name or ind.level2 or f"第{n + 1}项"


def _full_score_unmet(ctx: CheckContext, n: int, ind: Indicator) -> bool:
    calc = ctx.rec.indicator_scores[n]
    return (calc is not None and calc.unmet and not calc.assumed_unit and ind.weight is not None
            and ind.weight > 0 and ind.score == ind.weight)


def _why(calc: IndicatorScore) -> str:
    """How the direction was read, when the sign alone did not say it."""
    return "" if calc.sense.certainty == "certain" else f"（{calc.sense.why}）"


@check("unmet-target-full-score", "error", "定量指标未达到目标却得满分",
       "「{project}」指标“{name}”目标{target}，实际完成{actual}，未达到目标却得满分{found}；{basis}，应得{expected}{why}",
       clause="rules.md §5", needs=("indicators",))
def unmet_target_full_score(chk, ctx: CheckContext) -> Iterator[Finding]:
    for n, ind in enumerate(ctx.ev.indicators):
        if _full_score_unmet(ctx, n, ind):
            calc = ctx.rec.indicator_scores[n]
            assert calc is not None
            yield chk.finding(ctx, f"indicators[{n}].score", show(calc.expected), fmt(ind.score), calc.certainty,
                              name=indicator_name(ind, n), target=ind.target, actual=ind.actual, basis=calc.basis,
                              why=_why(calc))


def _off_formula(ctx: CheckContext, above: bool) -> Iterator[tuple[int, Indicator, IndicatorScore, Decimal]]:
    """(n, indicator, computed, printed score) where no reading of the target explains the printed score,
    the score lying above the computed one (``above``) or below it."""
    for n, ind in enumerate(ctx.ev.indicators):
        calc = ctx.rec.indicator_scores[n]
        score = ind.score
        if calc is None or score is None or not ind.weight or _full_score_unmet(ctx, n, ind):
            continue
        if score > ind.weight:
            continue  # score-over-weight says it, and the total counts the weight
        if explains(score, [r.expected for r in calc.readings]) or calc.low() <= score <= calc.high():
            continue  # with two readings, a score between them is one the form's wording allows
        if (score > calc.high()) == above:
            yield n, ind, calc, score


@check("score-formula-deviation", "warning", "定量指标得分高于计算公式",
       "「{project}」指标“{name}”目标{target}、实际{actual}，{basis}，应得{expected}，表中为{found}{assumed}",
       clause="rules.md §5", needs=("indicators",))
def score_formula_deviation(chk, ctx: CheckContext) -> Iterator[Finding]:
    for n, ind, calc, score in _off_formula(ctx, above=True):
        assumed = "（实际值或目标值未写单位，按同一单位计算）" if calc.assumed_unit else _why(calc)
        yield chk.finding(ctx, f"indicators[{n}].score", show(calc.high()), fmt(score), calc.certainty,
                          name=indicator_name(ind, n), target=ind.target, actual=ind.actual, basis=calc.basis,
                          assumed=assumed)


@check("score-below-formula", "info", "自评得分低于计算公式",
       "「{project}」指标“{name}”目标{target}、实际{actual}：{basis}，计算为{expected}；自评得分{found}，低于计算值{noted}",
       clause="rules.md §5、§7", needs=("indicators",))
def score_below_formula(chk, ctx: CheckContext) -> Iterator[Finding]:
    """A unit may deduct more than the formula and say why: that is its call, never an error (issue 11)."""
    for n, ind, calc, score in _off_formula(ctx, above=False):
        noted = "" if empty_note(ind.note) else "，表中已说明偏差原因"
        yield chk.finding(ctx, f"indicators[{n}].score", show(calc.low()), fmt(score), calc.certainty,
                          name=indicator_name(ind, n), target=ind.target, actual=ind.actual, basis=calc.basis,
                          noted=noted)


@check("direction-ambiguous", "info", "指标目标方向不明确",
       "「{project}」指标“{name}”目标{target}、实际{actual}、得满分{found}：{why}。按计划数已完成，得满分；"
       "按上限为{expected}。方向不明确，未判为错误，请核实目标含义", clause="rules.md §5", needs=("indicators",))
def direction_ambiguous(chk, ctx: CheckContext) -> Iterator[Finding]:
    """A full score the "≤" sign contradicts and the planned-quantity reading allows."""
    for n, ind in enumerate(ctx.ev.indicators):
        calc = ctx.rec.indicator_scores[n]
        if calc is None or calc.certainty != "ambiguous" or ind.score is None or ind.score != ind.weight:
            continue
        ceiling = next((r for r in calc.readings if r.sense == "ceiling" and not r.met), None)
        if ceiling is not None:
            yield chk.finding(ctx, f"indicators[{n}].score", show(ceiling.expected), fmt(ind.score), "ambiguous",
                              name=indicator_name(ind, n), target=ind.target, actual=ind.actual, why=calc.sense.why)


def empty_note(note: str | None) -> bool:
    return note is None or note.strip() in BLANKS


@check("missing-deviation-note", "warning", "扣分但未填写偏差原因分析",
       "「{project}」指标“{name}”得分{found}低于分值{expected}，但未填写偏差原因分析及改进措施",
       clause="rules.md §7", needs=("indicators", "notes"))
def missing_deviation_note(chk, ctx: CheckContext) -> Iterator[Finding]:
    if not ctx.template.has_notes:
        return
    for n, ind in enumerate(ctx.ev.indicators):
        if ind.weight is not None and ind.score is not None and ind.score < ind.weight and empty_note(ind.note):
            yield chk.finding(ctx, f"indicators[{n}].note", fmt(ind.weight), fmt(ind.score), name=indicator_name(ind, n))


@check("actual-missing", "warning", "给了得分但未填写实际完成值",
       "「{project}」指标“{name}”得分{found}，但实际完成值为空", needs=("indicators",))
def actual_missing(chk, ctx: CheckContext) -> Iterator[Finding]:
    for n, ind in enumerate(ctx.ev.indicators):
        if ind.score is not None and not ind.actual and (ind.score != 0 or ind.weight):
            yield chk.finding(ctx, f"indicators[{n}].actual", None, fmt(ind.score), name=indicator_name(ind, n))


@check("unit-mismatch", "warning", "目标值与实际值计量单位不一致",
       "「{project}」指标“{name}”目标{target}的单位为“{expected}”，实际完成值{actual}的单位为“{found}”，无法比较",
       needs=("indicators",))
def unit_mismatch(chk, ctx: CheckContext) -> Iterator[Finding]:
    for n, ind in enumerate(ctx.ev.indicators):
        t, a = ind.target_measure, ind.actual_measure
        if t is None or a is None or not t.quantitative or a.kind != "number" or not t.unit or not a.unit:
            continue
        unit = indicator_unit(ind)
        if comparable(with_unit(t, unit), with_unit(a, unit)) is None:
            yield chk.finding(ctx, f"indicators[{n}].actual", t.unit, a.unit, name=indicator_name(ind, n),
                              target=ind.target, actual=ind.actual)


_NONE_WORDS = frozenset({"无", "不适用", "/", "—", "-"})


@check("placeholder-indicator", "warning", "模板占位内容未清理",
       "「{project}」模板占位内容未清理：{what}", needs=("indicators",))
def placeholder_indicator(chk, ctx: CheckContext) -> Iterator[Finding]:
    rows = [n for n, ind in enumerate(ctx.ev.indicators) if ind.is_placeholder]
    if rows:
        names = "、".join(sorted({ctx.ev.indicators[n].name or "" for n in rows}))
        yield chk.finding(ctx, "indicators", "删除未填写的模板行", f"{names}（{len(rows)}行）",
                          what=f"留有{len(rows)}行未填写的占位指标（{names}）")
    for n, ind in enumerate(ctx.ev.indicators):
        texts = [ind.name, ind.target, ind.actual]
        if ind.weight and ind.weight > 0 and all(t is None or t.strip() in _NONE_WORDS for t in texts):
            yield chk.finding(ctx, f"indicators[{n}].weight", "0", fmt(ind.weight),
                              what=f"指标内容为“无”，却设置了分值{fmt(ind.weight)}")


def _is_satisfaction(ind: Indicator) -> bool:
    return ind.level1 == "满意度" or "满意度" in (ind.level2 or "")


@check("satisfaction-unmeasured", "info", "满意度未提供调查结果",
       "「{project}」满意度指标“{name}”的实际完成值为“{found}”，不是调查得到的具体数值", needs=("indicators",))
def satisfaction_unmeasured(chk, ctx: CheckContext) -> Iterator[Finding]:
    for n, ind in enumerate(ctx.ev.indicators):
        a = ind.actual_measure
        if not _is_satisfaction(ind) or a is None or a.kind in ("empty", "none") or ind.is_placeholder:
            continue
        if a.op is not None or not any(ch.isdigit() for ch in a.text):
            yield chk.finding(ctx, f"indicators[{n}].actual", "调查所得的满意度数值", ind.actual, name=indicator_name(ind, n))


@check("vague-target", "info", "数量/质量指标的目标不可衡量",
       "「{project}」{level2}指标“{name}”的目标“{found}”不可衡量，宜设为具体数值", needs=("indicators",))
def vague_target(chk, ctx: CheckContext) -> Iterator[Finding]:
    for n, ind in enumerate(ctx.ev.indicators):
        t = ind.target_measure
        if ind.level2 in ("数量", "质量") and t is not None and t.kind == "qualitative" and \
                any(w in t.text for w in VAGUE_WORDS):
            yield chk.finding(ctx, f"indicators[{n}].target", None, ind.target, name=indicator_name(ind, n),
                              level2=ind.level2)



# How a 定性 indicator's 实际完成值 states its completion (rules.md §6), most specific first.
_STATED = (("未达成", ("未完成", "未达到", "未实现", "未达成", "没有完成", "未如期", "未按期", "未按时")),
           ("部分达成", ("部分完成", "部分达成", "部分实现", "部分达到", "基本完成", "基本达到", "基本实现", "基本达成")),
           ("达成", ("已完成", "全部完成", "如期完成", "按期完成", "按时完成", "已达到", "已实现", "达成", "已达成")))


def stated_completion(text: str | None) -> str | None:
    """达成 / 部分达成 / 未达成 as the actual says it, or None when it does not say."""
    if not text:
        return None
    return next((band for band, words in _STATED if any(w in text for w in words)), None)


@check("qualitative-band-mismatch", "warning", "定性指标得分与完成情况的档次不符",
       "「{project}」定性指标“{name}”实际完成情况为“{actual}”（{band}），按{policy}得分应在{expected}，表中为{found}",
       clause="rules.md §6", needs=("indicators",))
def qualitative_band_mismatch(chk, ctx: CheckContext) -> Iterator[Finding]:
    """The national guide's bands (达成 80–100 %, 部分达成 60–80 %, 未达成 0–60 %; Hubei 80/50), from the policy."""
    high, low = ctx.policy.qualitative_bands
    ranges = {"达成": (high, Decimal(100)), "部分达成": (low, high), "未达成": (Decimal(0), low)}
    for n, ind in enumerate(ctx.ev.indicators):
        t = ind.target_measure
        if t is None or t.quantitative or not ind.weight or ind.score is None:
            continue
        band = stated_completion(ind.actual)
        if band is None:
            continue
        lo, hi = ranges[band]
        share = ind.score / ind.weight * 100
        inside = lo <= share <= hi if band == "达成" else lo <= share < hi
        if not inside:
            span = f"{fmt(lo * ind.weight / 100)}–{fmt(hi * ind.weight / 100)}分（分值的{fmt(lo)}%–{fmt(hi)}%）"
            yield chk.finding(ctx, f"indicators[{n}].score", span, fmt(ind.score), "likely", name=indicator_name(ind, n),
                              actual=ind.actual, band=band, policy=ctx.policy.title)
