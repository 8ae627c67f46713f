"""Forms in the web system: the review list (filtered, sorted, paged), each form's document checked
with the command line's code and summarized for the list, imports from the store, edits with their
audit trail, the public copies, the dashboard's numbers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, Select, cast, delete, distinct, exists, func, insert, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import aliased

from ..contract import evaluation_from_json
from ..model import Evaluation
from ..pipeline import policy_of
from ..store.rows import project_key
from ..store.schema import EvaluationRow, Exact
from . import editing, sheet
from .access import EDITABLE, STATUS, Actor, WebError, audit, may_edit, scoped
from .people import units_for
from .schema import Form, FormFinding, Org, Version
from .security import now

PAGE_SIZE = 50
# Exact keeps decimals as text on SQLite: ordered as numbers, not as strings ("100" after "98").
SORTS = {
    "severity": lambda: (Form.errors.desc(), Form.warnings.desc(), Form.id.desc()),
    "total": lambda: (cast(Form.total, Numeric).asc(), Form.id.asc()),
    "total_desc": lambda: (cast(Form.total, Numeric).desc(), Form.id.desc()),
    "rate": lambda: (cast(Form.rate, Numeric).asc(), Form.id.asc()),
    "updated": lambda: (Form.updated_at.desc(), Form.id.desc()),
    "id": lambda: (Form.id.asc(),),
}


@dataclass(slots=True)
class ListQuery:
    department: int | None = None
    unit: int | None = None
    year: int | None = None
    status: str | None = None
    grade: str | None = None
    code: str | None = None
    q: str | None = None
    sort: str = "severity"
    page: int = 1


@dataclass(slots=True)
class ListRow:
    id: int
    project_name: str | None
    project_code: str | None
    department: str
    unit: str
    year: int | None
    status: str
    money_unit: str | None
    budget: Decimal | None
    rate: Decimal | None
    total: Decimal | None
    grade: str | None
    errors: int
    warnings: int

    @property
    def status_zh(self) -> str:
        return STATUS.get(self.status, self.status)


def list_forms(db: DbSession, actor: Actor, q: ListQuery) -> tuple[list[ListRow], int]:
    """One page of the forms the actor sees, filtered and sorted (most severe first by default), and the count:
    one query (the count a scalar subquery beside the page), a second only for a page past the end."""
    dept, unit = aliased(Org), aliased(Org)
    conds = []
    if q.department:
        conds.append(Form.department_id == q.department)
    if q.unit:
        conds.append(Form.unit_id == q.unit)
    if q.year:
        conds.append(Form.year == q.year)
    if q.status:
        conds.append(Form.status == q.status)
    if q.grade:
        conds.append(Form.grade == q.grade)
    if q.q:
        conds.append(Form.project_name.contains(q.q.strip()[:100], autoescape=True))
    only_code = bool(q.code) and actor.is_bureau and not conds
    if q.code:
        # Probed form by form in the list's order through the (code, form) index: a page stops at its fifty.
        conds.append(exists().where(FormFinding.code == q.code, FormFinding.form_id == Form.id))
    if only_code:
        # Counted in the findings index alone (a finding's form always exists: ON DELETE CASCADE).
        count_stmt = select(func.count(distinct(FormFinding.form_id))).where(FormFinding.code == q.code)
    else:
        count_stmt = scoped(select(func.count()).select_from(Form), actor).where(*conds)
    page = max(1, q.page)
    order = SORTS.get(q.sort, SORTS["severity"])()
    ids = (scoped(select(Form.id), actor).where(*conds).order_by(*order)
           .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE).subquery())
    stmt = (select(Form.id, Form.project_name, Form.project_code, dept.name.label("department"),
                   unit.name.label("unit"), Form.year, Form.status,
                   Form.money_unit, Form.budget, Form.rate, Form.total, Form.grade, Form.errors, Form.warnings,
                   count_stmt.scalar_subquery().label("matching"))
            .join(ids, ids.c.id == Form.id).join(dept, dept.id == Form.department_id).join(unit, unit.id == Form.unit_id)
            .order_by(*order))
    found = db.execute(stmt).all()
    rows = [ListRow(**{k: v for k, v in r._asdict().items() if k != "matching"}) for r in found]
    if found:
        return rows, int(found[0].matching)
    return rows, 0 if page == 1 else db.scalar(count_stmt) or 0


def summarize(form: Form, evaluated: editing.Evaluated) -> None:
    """The list's columns and finding index from the form's current check result."""
    ev = evaluated.ev
    row = ev.funds.total
    budget = getattr(row, evaluated.result.policy.denominator, None) if row else None
    form.project_name, form.project_code, form.year = ev.project.name, ev.project.code, ev.year
    form.project_key = _project_key(form, ev)
    form.money_unit = ev.money_unit
    form.budget = budget.amount if budget is not None else None
    form.rate, form.total, form.grade = evaluated.rate, evaluated.total, evaluated.grade
    form.errors = evaluated.result.count("error")
    form.warnings = evaluated.result.count("warning")


def index_findings(db: DbSession, form: Form, evaluated: editing.Evaluated) -> None:
    db.execute(delete(FormFinding).where(FormFinding.form_id == form.id))
    rows = [{"form_id": form.id, "code": f.code, "severity": f.severity, "field": f.field} for f in evaluated.findings]
    if rows:
        db.execute(insert(FormFinding), rows)


def placed(ev: Any) -> Any:
    """A form filed on the web has its cells where the exported xlsx has them: findings say 工作表“自评表”E7."""
    if ev.source.format == editing.WEB_FORMAT:
        sheet.place_fields(ev, sheet.build(ev, editing=True).refs)
    return ev


def _project_key(form: Form, ev: Evaluation) -> str | None:
    """The project across years, as the store keys it (its 项目编码, else its name within the 主管部门)."""
    return project_key(ev.project.code, ev.project.name, str(form.department_id))


def _other_years(db: DbSession, form: Form, key: str | None, year: int | None) -> list[Form]:
    if key is None:
        return []
    stmt = select(Form).where(Form.project_key == key, Form.year.is_not(None))
    if year is not None:
        stmt = stmt.where(Form.year != year)
    if form.id is not None:
        stmt = stmt.where(Form.id != form.id)
    return list(db.scalars(stmt.order_by(Form.year, Form.id)))


def checked(db: DbSession, form: Form, ev: Evaluation) -> editing.Evaluated:
    """``ev`` (the form's content, its cells placed) checked with the same project's other years in the
    workflow, as an import checks it with the store's: a target lowered, goals copied from last year."""
    others = _other_years(db, form, _project_key(form, ev), ev.year) if ev.year is not None else []
    years = [editing.load(f.document) for f in others]
    return editing.evaluate(ev, years=years)


def evaluate_form(db: DbSession, form: Form, ev: Evaluation | None = None) -> editing.Evaluated:
    return checked(db, form, placed(ev if ev is not None else editing.load(form.document)))


def _recheck_years(db: DbSession, form: Form, keys: set[str | None]) -> None:
    """The project's other years checked again after ``form`` changed: it may be their previous year."""
    for key in keys:
        for other in _other_years(db, form, key, None):
            evaluated = evaluate_form(db, other)
            summarize(other, evaluated)
            index_findings(db, other, evaluated)


def new_form(db: DbSession, ev: Any, dept: Org, unit: Org, status: str, *, task_id: int | None = None,
             evaluation_id: int | None = None) -> Form:
    form = Form(task_id=task_id, unit_id=unit.id, department_id=dept.id, evaluation_id=evaluation_id, status=status,
                version=0, document=editing.dump(ev), explanations={}, updated_at=now(), errors=0, warnings=0)
    evaluated = evaluate_form(db, form, ev)
    summarize(form, evaluated)
    db.add(form)
    db.flush()
    index_findings(db, form, evaluated)
    _recheck_years(db, form, {form.project_key})
    return form


def add_version(db: DbSession, actor: Actor | None, form: Form) -> None:
    form.version += 1
    db.execute(insert(Version).values(form_id=form.id, number=form.version, document=form.document,
                                      explanations=form.explanations, submitted_by=actor.id if actor else None,
                                      submitted_at=now()))


def sync_store(db: DbSession) -> int:
    """Bring the store's current imported forms into the workflow (待主管部门审核), their 主管部门 and
    实施单位 becoming organisations. Returns how many were added.

    The 主管部门 is the store's, decided by :mod:`jixiao.outcome` (as printed, else the file's own list)."""
    linked = select(Form.id).where(Form.evaluation_id == EvaluationRow.id)
    rows = db.execute(select(EvaluationRow.id, EvaluationRow.document, EvaluationRow.places, EvaluationRow.department)
                      .where(EvaluationRow.is_current, ~exists(linked)).order_by(EvaluationRow.id)).all()
    for eid, document, places, department in rows:
        ev = evaluation_from_json(document, places)
        dept, unit = units_for(db, department, ev.project.implementing_unit)
        form = new_form(db, ev, dept, unit, "submitted", evaluation_id=eid)
        add_version(db, None, form)
    return len(rows)


def save_fields(db: DbSession, actor: Actor, form: Form, values: dict[str, str],
                explanations: dict[str, str] | None = None) -> editing.Evaluated:
    """Apply what the filer typed, recompute, store, audit each changed field."""
    if not may_edit(actor, form):
        raise WebError(409 if form.status not in EDITABLE else 403, f"这张表当前为“{STATUS[form.status]}”，不能修改")
    ev = editing.load(form.document)
    editing.apply(ev, values)
    return store_evaluation(db, actor, form, ev, explanations)


def store_evaluation(db: DbSession, actor: Actor, form: Form, ev: Any, explanations: dict[str, str] | None = None,
                     action: str = "form.edit") -> editing.Evaluated:
    editing.derive(ev, policy_of(ev))
    evaluated = evaluate_form(db, form, ev)
    before = form.document
    form.document = editing.dump(ev)
    for path, old, new in editing.changes(before, form.document):
        audit(db, actor, action, form.id, path, old, new)
    if explanations is not None:
        current = {editing.finding_key(f) for f in evaluated.findings}
        kept = {k: v.strip()[:2000] for k, v in explanations.items() if k in current and v.strip()}
        for key in sorted(set(kept) | set(form.explanations)):
            if kept.get(key) != form.explanations.get(key):
                audit(db, actor, "form.explain", form.id, key, form.explanations.get(key), kept.get(key))
        form.explanations = kept
    old_key = form.project_key
    summarize(form, evaluated)
    form.updated_at = now()
    index_findings(db, form, evaluated)
    db.flush()
    _recheck_years(db, form, {old_key, form.project_key})
    return evaluated


def preview(actor: Actor, form: Form, values: dict[str, str]) -> Any:
    """The form as it would be with ``values``, derived cells filled, nothing stored (the live recompute)."""
    if not may_edit(actor, form):
        raise WebError(409, f"这张表当前为“{STATUS[form.status]}”，不能修改")
    ev = editing.load(form.document)
    editing.apply(ev, values)
    editing.derive(ev, policy_of(ev))
    return ev


def public_forms(db: DbSession, department_id: int | None = None, year: int | None = None) -> Select[Any]:
    stmt = select(Form).where(Form.status == "published")
    if department_id is not None:
        stmt = stmt.where(Form.department_id == department_id)
    if year is not None:
        stmt = stmt.where(Form.year == year)
    return stmt


def public_document(form: Form) -> dict[str, Any]:
    """A published form without personal data (负责人, 电话)."""
    doc = dict(form.document)
    doc["project"] = {**doc["project"], "manager": None, "phone": None}
    doc["project"].pop("finance_manager", None)
    doc.pop("locators", None)
    return doc


def stats(db: DbSession, actor: Actor) -> dict[str, Any]:
    """What the dashboard draws, over the forms the actor sees."""
    dept = aliased(Org)
    points = db.execute(scoped(select(Form.rate, Form.total, Form.project_name).where(
        Form.rate.is_not(None), Form.total.is_not(None)), actor).limit(5000)).all()
    grades = db.execute(scoped(select(Form.grade, func.count()).group_by(Form.grade), actor)).all()
    codes = db.execute(scoped(select(FormFinding.code, func.count()).join(Form, Form.id == FormFinding.form_id)
                              .group_by(FormFinding.code).order_by(func.count().desc()), actor).limit(20)).all()
    yearly = db.execute(scoped(select(dept.name, Form.year, func.avg(Form.total, type_=Exact()), func.count())
                               .join(dept, dept.id == Form.department_id).where(Form.year.is_not(None))
                               .group_by(dept.name, Form.year).order_by(dept.name, Form.year), actor)).all()
    return {
        # Chart coordinates only, never stored.
        "scatter": [[float(r), float(t), n or ""] for r, t, n in points if r is not None and t is not None],
        "grades": {g or "未评": n for g, n in grades},
        "codes": [[c, n] for c, n in codes],
        "yearly": [[d, y, round(float(a), 2) if a is not None else None, n] for d, y, a, n in yearly],
    }
