"""The workflow: 下发 (a task issues drafts to units), 送审 (refused while an error is unexplained),
主管部门审核 and 财政审核 (通过, or 退回 with comments on fields), 公开; every submission a version."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session as DbSession

from ..pipeline import policy_of
from ..scoring import get_policy
from . import editing
from .access import STATUS, Actor, WebError, audit, get_form, may_edit, review_stage
from .formdb import add_version, evaluate_form, new_form
from .schema import Comment, Form, Org, Task, User, Version
from .security import now


def submit(db: DbSession, actor: Actor, form: Form) -> None:
    """送审: refused while an error finding has no explanation."""
    if not may_edit(actor, form):
        raise WebError(409, f"这张表当前为“{STATUS[form.status]}”，不能送审")
    evaluated = evaluate_form(db, form)
    missing = evaluated.unexplained(form.explanations)
    if missing:
        raise WebError(422, f"还有 {len(missing)} 个错误没有改正也没有说明，不能送审",
                       [f"{f.code}：{f.message}" for f in missing])
    old = form.status
    form.status = "submitted"
    add_version(db, actor, form)
    form.updated_at = now()
    audit(db, actor, "form.submit", form.id, "status", STATUS[old], STATUS[form.status])


def review(db: DbSession, actor: Actor, form: Form, decision: str, comment: str | None = None) -> None:
    """通过 or 退回 at the stage the form is in (退回 needs a comment: on a field, or this general one)."""
    stage = review_stage(actor, form)
    if stage not in ("dept", "bureau"):
        raise WebError(403 if stage is None else 409, "您不能审核这张表（或它不在待审核状态）")
    if decision not in ("approve", "return"):
        raise WebError(422, "审核结果只能是通过或退回")
    if comment and comment.strip():
        add_comment(db, actor, form, "", comment)
    old = form.status
    if decision == "return":
        has_comment = db.scalar(select(func.count()).select_from(Comment)
                                .where(Comment.form_id == form.id, Comment.version == form.version))
        if not has_comment:
            raise WebError(422, "退回时请至少写一条意见（针对某个单元格或整张表）")
        form.status = "returned"
    else:
        form.status = "dept_approved" if stage == "dept" else "bureau_approved"
    form.updated_at = now()
    audit(db, actor, f"form.{decision}", form.id, "status", STATUS[old], STATUS[form.status])


def publish(db: DbSession, actor: Actor, form: Form) -> None:
    if review_stage(actor, form) != "publish":
        raise WebError(409 if actor.is_bureau else 403, "只有财政审核通过的表才能由财政局公开")
    form.status = "published"
    form.updated_at = now()
    audit(db, actor, "form.publish", form.id, "status", STATUS["bureau_approved"], STATUS["published"])


def add_comment(db: DbSession, actor: Actor, form: Form, field: str, body: str) -> None:
    if review_stage(actor, form) not in ("dept", "bureau"):
        raise WebError(403, "只有正在审核这张表的审核人可以写意见")
    body = body.strip()
    if not body:
        raise WebError(422, "意见不能为空")
    field = field.strip()[:200]
    db.execute(insert(Comment).values(form_id=form.id, version=form.version, field=field, body=body[:4000],
                                      author_id=actor.id, created_at=now()))
    audit(db, actor, "form.comment", form.id, field or "（整张表）", None, body[:4000])


def comments(db: DbSession, form: Form) -> list[tuple[Comment, str]]:
    return [(c, name) for c, name in db.execute(
        select(Comment, User.display_name).join(User, User.id == Comment.author_id, isouter=True)
        .where(Comment.form_id == form.id).order_by(Comment.id))]


def versions(db: DbSession, form: Form) -> list[Version]:
    return list(db.scalars(select(Version).where(Version.form_id == form.id).order_by(Version.number)))


def diff(db: DbSession, form: Form, a: int, b: int | None) -> list[tuple[str, str | None, str | None]]:
    """Changes from version ``a`` to version ``b`` (None: to the form as it is now)."""
    old = db.scalar(select(Version.document).where(Version.form_id == form.id, Version.number == a))
    new = form.document if b is None else db.scalar(
        select(Version.document).where(Version.form_id == form.id, Version.number == b))
    if old is None or new is None:
        raise WebError(404, "没有这个版本")
    return editing.changes(old, new)


def issue_task(db: DbSession, actor: Actor, year: int, title: str, unit_ids: Iterable[int]) -> tuple[Task, int]:
    """下发: a draft for each unit named (every unit when none is)."""
    if not actor.is_bureau:
        raise WebError(403, "只有财政局可以下发任务")
    if not 2000 <= year <= 2100:
        raise WebError(422, "年度应为四位数的年份")
    task = Task(year=year, title=title.strip() or f"{year}年度项目支出绩效自评", created_by=actor.id, created_at=now())
    db.add(task)
    db.flush()
    wanted = set(unit_ids)
    units = db.execute(select(Org, Org.parent_id).where(Org.kind == "unit")).all()
    made = 0
    for unit, parent_id in units:
        if wanted and unit.id not in wanted:
            continue
        dept = db.get(Org, parent_id) if parent_id else None
        if dept is None:  # a unit always has its department; skip rather than file a form under none
            continue
        ev = editing.blank(year, dept.name, unit.name, get_policy("national"))
        new_form(db, ev, dept, unit, "draft", task_id=task.id)
        made += 1
    audit(db, actor, "task.issue", field=task.title, after=f"{made} 个单位")
    return task, made


def new_draft(db: DbSession, actor: Actor, year: int, from_form: int | None = None) -> Form:
    """A filer's new draft for their unit, blank or started from one of the unit's earlier forms."""
    if actor.user.role != "filer" or actor.user.org_id is None:
        raise WebError(403, "只有预算单位的填报人可以新建自评表")
    unit = db.get(Org, actor.user.org_id)
    dept = db.get(Org, unit.parent_id) if unit and unit.parent_id else None
    if unit is None or dept is None:
        raise WebError(409, "您的账号没有所属单位")
    if from_form:
        src = get_form(db, actor, from_form)
        ev = editing.load(src.document)
        ev.year = year
        for _kind, row in ev.funds.rows():
            row.executed, row.rate, row.score = None, None, None
        for ind in ev.indicators:
            ind.actual, ind.score, ind.note = None, None, None
        ev.goals.achieved, ev.total = None, None
    else:
        ev = editing.blank(year, dept.name, unit.name, get_policy("national"))
    ev.project.department, ev.project.implementing_unit = dept.name, unit.name
    editing.derive(ev, policy_of(ev))
    form = new_form(db, ev, dept, unit, "draft")
    audit(db, actor, "form.create", form.id, after=f"{year}年度" + (f"（由第 {from_form} 号表开始）" if from_form else ""))
    return form
