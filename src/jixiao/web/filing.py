"""What the pages show: a form drawn as on paper with its findings and comments, the live
recompute's fragments, uploads into a draft, the public lists. Built on :mod:`service`."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from ..errors import FileFailure
from ..model import Evaluation
from ..pipeline import load, policy_of
from . import access, editing, formdb, sheet, workflow
from .access import Actor, WebError
from .schema import ApiToken, Form, Org, Task, User

MAX_UPLOAD = 20 * 1024 * 1024


def _comments_by_field(db: DbSession, form: Form) -> tuple[dict[str, list[str]], list[tuple[Any, str]]]:
    all_comments = workflow.comments(db, form)
    by_field: dict[str, list[str]] = {}
    for c, author in all_comments:
        if c.field:
            by_field.setdefault(c.field, []).append(f"{author or ''}（第{c.version}版）：{c.body}")
    return by_field, all_comments


def view(db: DbSession, who: Actor, form: Form) -> dict[str, Any]:
    """The review page: the form as on paper, findings on their cells, comments, versions, the actions allowed."""
    ev = editing.load(form.document)
    evaluated = formdb.checked(db, form, ev)
    by_field, all_comments = _comments_by_field(db, form)
    grid = sheet.build(ev, comments=by_field)
    grid.attach(evaluated.findings)
    dept, unit = db.get(Org, form.department_id), db.get(Org, form.unit_id)
    return {"form": form, "grid": grid, "evaluated": evaluated, "comments": all_comments, "dept": dept, "unit": unit,
            "versions": workflow.versions(db, form), "stage": access.review_stage(who, form),
            "can_edit": access.may_edit(who, form), "fields": _field_choices(grid)}


def _field_choices(grid: sheet.HtmlSheet) -> list[tuple[str, str]]:
    """(path, label) of every field a comment can be about, in the order of the form."""
    return [(c.path, f"{c.ref} {c.path}") for c in grid.cells() if c.path]


def _edit_grid(db: DbSession, form: Form, ev: Evaluation,
               comments: dict[str, list[str]]) -> tuple[sheet.HtmlSheet, editing.Evaluated]:
    grid = sheet.build(ev, editing=True, comments=comments)
    if ev.source.format == editing.WEB_FORMAT:
        sheet.place_fields(ev, grid.refs)
    evaluated = formdb.checked(db, form, ev)
    grid.attach(evaluated.findings)
    return grid, evaluated


def edit_view(db: DbSession, form: Form, ev: Evaluation) -> dict[str, Any]:
    by_field, all_comments = _comments_by_field(db, form)
    editing.derive(ev, policy_of(ev))
    grid, evaluated = _edit_grid(db, form, ev, by_field)
    return {"form": form, "grid": grid, "evaluated": evaluated, "comments": all_comments,
            "explanations": form.explanations, "units": editing.MONEY_UNITS, "money_unit": ev.money_unit or "万元"}


def live(db: DbSession, form: Form, values: dict[str, str], explanations: dict[str, str],
         who: Actor) -> dict[str, Any]:
    """The live recompute: the grey cells and every cell's findings, as out-of-band fragments."""
    grid, evaluated = _edit_grid(db, form, formdb.preview(who, form, values), {})
    return {"form": form, "grid": grid, "evaluated": evaluated, "explanations": {**form.explanations, **explanations}}


def safe_name(filename: str) -> str:
    """An uploaded file's name without any directory part, usable inside a temporary directory."""
    name = Path(filename.replace("\\", "/")).name
    return name if name not in ("", ".", "..") else "upload"


def upload_into(db: DbSession, who: Actor, form: Form, filename: str, data: bytes) -> None:
    """A filled xlsx template (or any file jixiao reads) becomes the draft's content; its first form is taken."""
    if not access.may_edit(who, form):
        raise WebError(409, "这张表当前不能修改")
    if len(data) > MAX_UPLOAD:
        raise WebError(413, f"文件超过 {MAX_UPLOAD // 1024 // 1024} MB")
    name = safe_name(filename)
    with TemporaryDirectory(prefix="jixiao-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        # Read in a worker under the limits, as every batch is: a hostile upload costs its request only,
        # never the server process (a library abort, a runaway allocation, a read that never ends).
        doc = next(load([path]))
        if isinstance(doc, FileFailure):
            raise WebError(422, doc.message.replace(str(path), name))
    if not doc.evaluations:
        raise WebError(422, f"{name}：没有找到自评表")
    ev = doc.evaluations[0]
    old = editing.load(form.document)
    # The draft stays this unit's form: its 主管部门/实施单位 are kept whatever the file says.
    ev.project.department, ev.project.implementing_unit = old.project.department, old.project.implementing_unit
    ev.source = editing.web_source(name)
    ev.parts_found = editing.web_parts()
    ev.locators = {}
    formdb.store_evaluation(db, who, form, ev, action="form.upload")


def tokens(db: DbSession, who: Actor) -> list[ApiToken]:
    return list(db.scalars(select(ApiToken).where(ApiToken.user_id == who.id).order_by(ApiToken.id)))


def departments_for(db: DbSession, who: Actor) -> list[Org]:
    stmt = select(Org).where(Org.kind == "department").order_by(Org.name)
    if not who.is_bureau:
        if who.user.role == "reviewer":
            stmt = stmt.where(Org.id == who.user.org_id)
        else:
            unit = db.get(Org, who.user.org_id) if who.user.org_id else None
            stmt = stmt.where(Org.id == (unit.parent_id if unit else -1))
    return list(db.scalars(stmt))


def units_of(db: DbSession, departments: list[Org], department: int | None) -> list[Org]:
    """The units of the department chosen in the list's filter, when it is one of ``departments`` (those the
    actor sees: :func:`departments_for`)."""
    if not department or department not in {d.id for d in departments}:
        return []
    return list(db.scalars(select(Org).where(Org.kind == "unit", Org.parent_id == department).order_by(Org.name)))


def years(db: DbSession) -> list[int]:
    return list(db.scalars(select(Form.year).distinct().where(Form.year.is_not(None)).order_by(Form.year.desc())))


def task_list(db: DbSession) -> list[tuple[Task, int]]:
    return list(db.execute(select(Task, func.count(Form.id)).join(Form, Form.task_id == Task.id, isouter=True)
                           .group_by(Task.id).order_by(Task.id.desc())))


def public_groups(db: DbSession) -> list[tuple[int, str, int, int]]:
    """(department id, name, year, published forms) for the public index."""
    return list(db.execute(select(Org.id, Org.name, Form.year, func.count()).join(Org, Org.id == Form.department_id)
                           .where(Form.status == "published", Form.year.is_not(None))
                           .group_by(Org.id, Org.name, Form.year).order_by(Org.name, Form.year.desc())))


def public_list(db: DbSession, department_id: int, year: int) -> dict[str, Any]:
    dept = db.get(Org, department_id)
    forms = list(db.scalars(formdb.public_forms(db, department_id, year).order_by(Form.id)))
    if dept is None or dept.kind != "department" or not forms:
        raise WebError(404, "没有公开的自评结果")
    return {"dept": dept, "year": year, "forms": forms}


def public_form(db: DbSession, form_id: int) -> dict[str, Any]:
    form = db.scalar(formdb.public_forms(db).where(Form.id == form_id))
    if form is None:
        raise WebError(404, "没有这张公开的自评表")
    ev = editing.load(formdb.public_document(form))
    ev.project.manager = ev.project.phone = ev.project.finance_manager = None
    grid = sheet.build(ev)
    return {"form": form, "grid": grid, "dept": db.get(Org, form.department_id)}


REPORT_MAX = 500


def report_html(db: DbSession, who: Actor, department: int | None, year: int | None) -> str:
    """The review report (export/report.py: by department, errors first, charts and findings) of the forms the
    actor sees, filtered; bounded, since each department's chart is drawn."""
    from ..export.report import build_report, render_html

    stmt = select(Form.document)
    if department:
        stmt = stmt.where(Form.department_id == department)
    if year:
        stmt = stmt.where(Form.year == year)
    docs = list(db.scalars(access.scoped(stmt, who).order_by(Form.id).limit(REPORT_MAX + 1)))
    if len(docs) > REPORT_MAX:
        raise WebError(413, f"超过 {REPORT_MAX} 张表，请按主管部门或年度筛选后再生成审核报告")
    return render_html(build_report(stored=[(editing.load(d), None) for d in docs]))


def user_name(db: DbSession, user_id: int | None) -> str:
    user = db.get(User, user_id) if user_id else None
    return user.display_name if user else "（系统）"
