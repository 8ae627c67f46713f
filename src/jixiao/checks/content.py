"""Checks on the form's text and header: copied goals, personal data, missing or absurd values."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from ..model import AMOUNT_COLUMNS, COLUMN_ZH
from ..text import same_normalized
from ..values import EXCEL_ERRORS, fmt
from . import CheckContext, Finding, check

_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})(?!\d)")
# Every phone number holds seven digits in a row: a cheap scan rules out most free text.
_SEVEN_DIGITS = re.compile(r"\d{7}")
_MAX_AMOUNT_YUAN = Decimal("1e12")


@check("goals-copied", "info", "实际完成情况照抄预期目标",
       "「{project}」年度总体目标的实际完成情况与预期目标完全相同，未说明实际完成了什么")
def goals_copied(chk, ctx: CheckContext) -> Iterator[Finding]:
    g = ctx.ev.goals
    if g.expected and g.achieved and same_normalized(g.expected, g.achieved):
        yield chk.finding(ctx, "goals.achieved", None, g.achieved[:40])


@check("personal-data", "info", "公开的表中含个人信息",
       "「{project}」公开的表中含有{what}“{found}”，发布前宜确认是否需要隐去")
def personal_data(chk, ctx: CheckContext) -> Iterator[Finding]:
    p = ctx.ev.project
    if p.manager:
        yield chk.finding(ctx, "project.manager", None, p.manager, what="项目负责人姓名")
    if p.finance_manager:
        yield chk.finding(ctx, "project.finance_manager", None, p.finance_manager, what="财务负责人姓名")
    if p.phone and _PHONE.search(p.phone):
        yield chk.finding(ctx, "project.phone", None, p.phone, what="联系电话")
    texts = {"goals.expected": ctx.ev.goals.expected, "goals.achieved": ctx.ev.goals.achieved,
             "remarks": ctx.ev.remarks}
    for n, ind in enumerate(ctx.ev.indicators):
        texts[f"indicators[{n}].note"] = ind.note
    for path, text in texts.items():
        if not text or not _SEVEN_DIGITS.search(text):
            continue
        for m in _PHONE.finditer(text):
            if m.group(0).startswith("1") and len(m.group(0)) == 11:
                yield chk.finding(ctx, path, None, m.group(0), what="手机号码")


@check("missing-header-field", "warning", "表头信息缺失",
       "「{project}」表头缺少{what}")
def missing_header_field(chk, ctx: CheckContext) -> Iterator[Finding]:
    if not ctx.ev.project.name:
        yield chk.finding(ctx, "project.name", None, None, what="项目名称")
    if ctx.ev.year is None:
        yield chk.finding(ctx, "year", None, None, what="绩效自评年度")
    # Who answers for the budget and who did the work: summaries group by them (outcome.py).
    if not ctx.ev.project.department:
        yield chk.finding(ctx, "project.department", None, None, what="主管部门")
    if not ctx.ev.project.implementing_unit and ctx.template.has_unit and not ctx.template.department_wide:
        yield chk.finding(ctx, "project.implementing_unit", None, None, what="实施单位")


@check("invalid-number", "error", "数字栏填了文字",
       "「{project}」{place}应为数字，却是“{found}”{error}", per_value=True)
def invalid_number(chk, ctx: CheckContext) -> Iterator[Finding]:
    for bad in ctx.ev.invalid:
        error = "（公式无法计算的错误值）" if bad.text in EXCEL_ERRORS else ""
        f = chk.finding(ctx, bad.field, "数字", bad.text, place=bad.place.zh(), error=error)
        f.locator = bad.place.describe()
        yield f


@check("absurd-value", "error", "数值明显不合理",
       "「{project}」{what}为{found}，{why}", per_value=True)
def absurd_value(chk, ctx: CheckContext) -> Iterator[Finding]:
    for key, row in ctx.ev.funds.rows():
        for col in AMOUNT_COLUMNS:
            money = getattr(row, col)
            if money is None:
                continue
            if money.amount < 0:
                yield chk.finding(ctx, f"funds.{key}.{col}", ">=0", str(money),
                                  what=f"{ctx.row_zh(key)}{COLUMN_ZH[col]}", why="金额不能为负数")
            elif money.to("元").amount > _MAX_AMOUNT_YUAN:
                yield chk.finding(ctx, f"funds.{key}.{col}", "<=1万亿元", str(money),
                                  what=f"{ctx.row_zh(key)}{COLUMN_ZH[col]}", why="超过1万亿元，可能是单位或小数点有误")
        if row.rate is not None and row.rate > 1000:
            yield chk.finding(ctx, f"funds.{key}.rate", "<=1000", fmt(row.rate), what="执行率",
                              why="超过1000%，可能填错了栏目")
    for n, ind in enumerate(ctx.ev.indicators):
        if ind.weight is not None and (ind.weight > 100 or ind.weight < 0):
            yield chk.finding(ctx, f"indicators[{n}].weight", "0–100", fmt(ind.weight),
                              what=f"指标“{ind.name or n + 1}”的分值", why="超出0至100的范围")
