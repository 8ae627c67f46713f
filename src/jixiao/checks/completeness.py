"""Is there a filled form to check at all: a blank or unfilled form, a form read only in part."""

from __future__ import annotations

from typing import Iterator

from ..model import PART_ZH, PARTS, Evaluation
from ..values import BLANKS
from . import CHECKS, CheckContext, Finding, check
from .templates import form_texts


def _filled(text: str | None) -> bool:
    return bool(text and text.strip() not in BLANKS)


def is_unfilled(ev: Evaluation) -> bool:
    """The funds part was read and nothing a filer reports is in it: no 全年执行数, no 实际完成值, no 得分.

    A template left blank or a target sheet sent as the self-evaluation; a form whose parts were not
    read at all is incomplete instead (the reader may have missed them)."""
    if ev.funds.total is None:
        return False
    # Templates print 0.00 in the rows a project has no money in: a zero is not a report.
    if any((row.executed is not None and row.executed.amount != 0) or row.score is not None
           for _, row in ev.funds.rows()):
        return False
    if any(_filled(i.actual) or i.score is not None for i in ev.indicators):
        return False
    return ev.total is None or ev.total.score is None


@check("form-unfilled", "error", "空白或未填写的自评表",
       "「{project}」是未填写的自评表：{what}；不计入平均分和等级统计{final}", clause="rules.md §7、§8")
def form_unfilled(chk, ctx: CheckContext) -> Iterator[Finding]:
    ev = ctx.ev
    if not is_unfilled(ev):
        return
    what = ["没有全年执行数", "没有实际完成值", "没有得分"]
    if not ev.project.name:
        what.insert(0, "没有项目名称")
    if ev.indicators and all(i.is_placeholder for i in ev.indicators):
        what.append("指标仍是模板占位内容")
    left = [f.field for f in CHECKS["placeholder-text"].fn(ctx)]
    if left:
        names = {path: zh for path, zh, _ in form_texts(ctx)}
        what.append("模板说明文字未替换（" + "、".join(names.get(p, p) for p in left) + "）")
    final = "；作为正式自评表提交时须填写完整" if ctx.final else ""
    f = chk.finding(ctx, "funds.total.executed", "填写完整的自评表", "空白", what="、".join(what), final=final)
    if not ctx.final:
        f.severity = "warning"  # a draft being filled: a reminder, not a rejection
    yield f


@check("form-incomplete", "warning", "表格只读到一部分，相关审核未进行",
       "「{project}」{parts}，依赖这些内容的{count}项审核未进行（{codes}）；请核对原表")
def form_incomplete(chk, ctx: CheckContext) -> Iterator[Finding]:
    skipped = ctx.skipped()
    if not skipped:
        return
    missing = sorted({p for c in skipped for p in c.needs} - ctx.parts, key=PARTS.index)
    if "indicators" in missing and "notes" in missing:
        missing.remove("notes")  # the notes go with their rows: "绩效指标未读全" says it
    # A part read in part (rows seen, some not placed) is told apart from one not found at all.
    partly = [p for p in missing if ctx.ev.parts_found.get(p) == "incomplete"]
    unread = [p for p in missing if p not in partly]
    said = ([f"未读到{'、'.join(PART_ZH.get(p, p) for p in unread)}"] if unread else []) \
        + ([f"{'、'.join(PART_ZH.get(p, p) for p in partly)}未读全"] if partly else [])
    yield chk.finding(ctx, missing[0], None, None, parts="，".join(said),
                      count=len(skipped), codes="、".join(c.code for c in skipped))
