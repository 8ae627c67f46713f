"""Checks on a department's project list against its own total and its forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ..scoring.rounding import explains
from ..text import normalized
from ..values import fmt
from . import Finding, ListContext, check


@check("list-total-mismatch", "error", "清单合计不等于各项目金额之和",
       "「{project}」合计印为{found}，各项目金额之和为{expected}", scope="list")
def list_total_mismatch(chk, ctx: ListContext) -> Iterator[Finding]:
    amounts = [it.amount for it in ctx.dl.items if it.amount is not None]
    if ctx.dl.total_amount is None or not amounts:
        return
    s = sum(amounts, Decimal(0))
    if not explains(ctx.dl.total_amount, [s]):
        yield chk.finding(ctx, "total.amount", fmt(s), fmt(ctx.dl.total_amount))


@check("list-amount-mismatch", "warning", "清单金额与项目自评表不符",
       "「{project}」中“{name}”金额为{found}{unit}，同一文件的自评表中全年预算数/执行数为{expected}", scope="list")
def list_amount_mismatch(chk, ctx: ListContext) -> Iterator[Finding]:
    if ctx.doc is None:
        return
    forms = {normalized(ev.project.name): ev for ev in ctx.doc.evaluations if ev.project.name}
    for n, it in enumerate(ctx.dl.items):
        ev = forms.get(normalized(it.name))
        if ev is None or it.amount is None or ev.funds.total is None:
            continue
        row = ev.funds.total
        unit = ctx.dl.money_unit or ev.money_unit or "元"
        shown = [m.to(unit).amount for m in (row.initial, row.full_year, row.executed) if m is not None]  # type: ignore[arg-type]
        if shown and not any(explains(it.amount, [v]) or it.amount == v for v in shown):
            yield chk.finding(ctx, f"items[{n}].amount", "/".join(fmt(v) or "" for v in shown), fmt(it.amount),
                              name=it.name, unit=unit)


@check("list-form-missing", "info", "清单中的项目没有对应的自评表",
       "「{project}」中的“{found}”在同一文件中没有找到对应的项目支出绩效自评表", scope="list")
def list_form_missing(chk, ctx: ListContext) -> Iterator[Finding]:
    if ctx.doc is None or not ctx.doc.evaluations:
        return
    names = {normalized(ev.project.name) for ev in ctx.doc.evaluations if ev.project.name}
    for n, it in enumerate(ctx.dl.items):
        if normalized(it.name) not in names:
            yield chk.finding(ctx, f"items[{n}].name", None, it.name)
