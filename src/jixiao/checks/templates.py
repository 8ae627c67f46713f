"""Checks that only some templates give a reason for: 原因 of a low rate (Sichuan), 得分系数 (Chongqing
style), template instructions left in the text, a department's form against its projects' forms."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Evaluation
from ..scoring.rounding import HUNDRED, explains, show, within_last_digit
from ..templates import get_template
from ..text import normalized
from ..values import Money, fmt
from . import CheckContext, Finding, check
from .funds import sum_money
from .indicators import empty_note, indicator_name


@check("rate-reason-missing", "warning", "预算执行率低于要求但未填写原因",
       "「{project}」{row}预算执行率{found}%，低于{expected}%，但“原因”栏为空", needs=("funds",))
def rate_reason_missing(chk, ctx: CheckContext) -> Iterator[Finding]:
    floor = ctx.policy.reason_below
    if floor is None:
        return
    for key, row in ctx.ev.funds.rows():
        rate = ctx.policy.rate(row)
        if rate is None or rate >= floor or not empty_note(row.reason):
            continue
        yield chk.finding(ctx, f"funds.{key}.reason", fmt(floor), show(rate), row=ctx.row_zh(key))


@check("coefficient-score-mismatch", "error", "指标得分不等于得分系数×指标权重",
       "「{project}」指标“{name}”得分印为{found}，按得分系数{coefficient}%×指标权重{weight}计算应为{expected}",
       needs=("indicators",))
def coefficient_score_mismatch(chk, ctx: CheckContext) -> Iterator[Finding]:
    for n, ind in enumerate(ctx.ev.indicators):
        if ind.coefficient is None or ind.weight is None or ind.score is None:
            continue
        exact = ind.coefficient * ind.weight / HUNDRED
        if explains(ind.score, [exact]):
            continue
        yield chk.finding(ctx, f"indicators[{n}].score", show(exact), fmt(ind.score),
                          name=indicator_name(ind, n), coefficient=fmt(ind.coefficient), weight=fmt(ind.weight))


@check("weight-applied-twice", "error", "得分系数已按权重计，折算得分又乘了一次权重",
       "「{project}」各指标的得分系数（单项指标得分）都等于其权重，已是按权重计的得分；指标“{name}”得分（折算得分）"
       "{found}={coefficient}×{weight}%，权重又乘了一次，按权重计应为{expected}", needs=("indicators",))
def weight_applied_twice(chk, ctx: CheckContext) -> Iterator[Finding]:
    scored = [(n, ind) for n, ind in enumerate(ctx.ev.indicators)
              if ind.coefficient is not None and ind.weight is not None and ind.score is not None]
    # One row whose coefficient happens to equal its weight is a score like any other; every row so, the
    # filler wrote each indicator's points where the template asks for its percentage.
    if len(scored) < 2 or any(ind.coefficient != ind.weight for _, ind in scored) \
            or all(ind.weight == HUNDRED for _, ind in scored):
        return
    for n, ind in scored:
        assert ind.coefficient is not None and ind.weight is not None and ind.score is not None
        if explains(ind.score, [ind.coefficient * ind.weight / HUNDRED]) and not explains(ind.score, [ind.coefficient]):
            yield chk.finding(ctx, f"indicators[{n}].score", fmt(ind.coefficient), fmt(ind.score), certainty="likely",
                              name=indicator_name(ind, n), coefficient=fmt(ind.coefficient), weight=fmt(ind.weight))


# What template forms print for the filler to replace: "(200字以内)", "对照年度目标，说明…", "请填写…".
_INSTRUCTION = re.compile(r"[(（]\s*\d+\s*字(?:以内|以下|左右)\s*[)）]"
                          r"|^[(（]\s*(?:填写|对照|请|简要|根据|围绕|说明|描述|概述|简述)[^)）]{0,40}[)）]$"
                          r"|^(?:对照|请填写|请对照|简要说明)[^。]{0,30}(?:说明|填写|描述|概述|分析)")


_OPENERS = ("(", "（", "对照", "请", "简要")


def form_texts(ctx: CheckContext) -> Iterator[tuple[str, str, str | None]]:
    ev = ctx.ev
    yield "goals.expected", "年度目标", ev.goals.expected
    yield "goals.achieved", "目标完成情况", ev.goals.achieved
    yield "implementation", "项目实施内容及过程概述", ev.implementation
    yield "conclusion", "评价结论", ev.conclusion
    yield "problems", "存在问题", ev.problems
    yield "improvements", "改进措施", ev.improvements
    for key, row in ev.funds.rows():
        yield f"funds.{key}.reason", f"{ctx.row_zh(key)}的原因", row.reason
    for n, ind in enumerate(ev.indicators):
        yield f"indicators[{n}].note", f"指标“{ind.name or n + 1}”的原因分析", ind.note


@check("placeholder-text", "warning", "模板说明文字未替换",
       "「{project}」{what}仍是模板的说明文字“{found}”，未填写实际内容")
def placeholder_text(chk, ctx: CheckContext) -> Iterator[Finding]:
    for path, what, text in form_texts(ctx):
        # Instructions are in brackets or open with a verb of the template; the test first skips the rest cheaply.
        if text and ("字" in text or text.lstrip().startswith(_OPENERS)) and _INSTRUCTION.search(text.strip()):
            yield chk.finding(ctx, path, "实际内容", text.strip()[:40], what=what)


def _project_forms(ctx: CheckContext, department: str) -> list[Evaluation]:
    """The department's project forms of the same year, each project once: a reviewer's folder often holds
    the same form twice (the PDF and the Excel published side by side)."""
    key = normalized(department)
    forms: dict[str, Evaluation] = {}
    for e in ctx.pool.department_forms(department, ctx.ev.year, ctx.ev):
        if not get_template(e.template).department_wide and e.year == ctx.ev.year and e.project.department \
                and normalized(e.project.department) == key and e.funds.total is not None:
            forms.setdefault(e.project.code or normalized(e.project.name or e.label()), e)
    return list(forms.values())


@check("department-total-mismatch", "warning", "部门整体支出表的项目支出与各项目自评表合计不符",
       "「{project}」项目支出{column}为{found}{unit}，同时载入的{count}张项目自评表合计{expected}{unit}（{names}）",
       needs=("funds",))
def department_total_mismatch(chk, ctx: CheckContext) -> Iterator[Finding]:
    ev = ctx.ev
    if not ctx.template.department_wide or ev.project.department is None:
        return
    key = "project" if ev.funds.project is not None else "total"
    row = getattr(ev.funds, key)
    forms = _project_forms(ctx, ev.project.department)
    if row is None or not forms:
        return
    for col, zh in (("full_year", "全年预算数"), ("executed", "全年执行数")):
        printed: Money | None = getattr(row, col)
        summed = sum_money([getattr(e.funds.total, col) for e in forms])
        if printed is None or summed is None:
            continue
        total = summed.to(printed.unit).amount
        if not within_last_digit(printed.amount, total):
            names = "、".join(e.label() for e in forms[:5]) + ("等" if len(forms) > 5 else "")
            yield chk.finding(ctx, f"funds.{key}.{col}", fmt(total), fmt(printed.amount), column=zh,
                              unit=printed.unit, count=len(forms), names=names)
