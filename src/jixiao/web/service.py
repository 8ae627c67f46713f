"""What the pages and the JSON API both do, each check of who may do it in one place.

Every function takes the acting user; a form another user may not see is "not found" (404),
never "forbidden", so ids cannot be probed. Changes are written to the audit log field by field.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import Select, and_, delete, exists, false, func, insert, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import aliased

from ..pipeline import policy_of
from ..store.rebuild import evaluation_from_json
from ..store.schema import EvaluationRow, Exact
from ..text import label_key
from . import editing, sheet
from .schema import AuditEntry, Comment, Form, FormFinding, Org, Task, User, Version
from .security import hash_password, now, password_problem

ROLES = {"admin": "管理员", "filer": "填报人", "reviewer": "审核人"}
ORG_KINDS = {"bureau": "财政局", "department": "主管部门", "unit": "预算单位"}
STATUS = {
    "draft": "草稿", "returned": "已退回", "submitted": "待主管部门审核", "dept_approved": "待财政审核",
    "bureau_approved": "待公开", "published": "已公开",
}
EDITABLE = ("draft", "returned")
BUREAU_NAME = "财政局"
NO_DEPARTMENT = "（未注明主管部门）"
PAGE_SIZE = 50
SORTS = {
    "severity": lambda: (Form.errors.desc(), Form.warnings.desc(), Form.id.desc()),
    "total": lambda: (Form.total.asc(), Form.id.asc()),
    "total_desc": lambda: (Form.total.desc(), Form.id.desc()),
    "rate": lambda: (Form.rate.asc(), Form.id.asc()),
    "updated": lambda: (Form.updated_at.desc(), Form.id.desc()),
    "id": lambda: (Form.id.asc(),),
}


class WebError(Exception):
    """A refusal with its HTTP status and a Chinese message for the user."""

    def __init__(self, status: int, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, details or []


@dataclass(slots=True)
class Actor:
    """Who is acting: the user, the kind of their organisation, and the session's CSRF token."""

    user: User
    org_kind: str | None
    csrf: str | None = None
    session_id: int | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.role == "admin"

    @property
    def is_bureau(self) -> bool:
        """Admins and the bureau's reviewers see every form."""
        return self.is_admin or (self.user.role == "reviewer" and self.org_kind == "bureau")


def not_found() -> WebError:
    return WebError(404, "没有找到这张表，或者您无权查看")


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise WebError(403, "只有管理员可以进行此操作")


def audit(db: DbSession, actor: Actor | None, action: str, form_id: int | None = None, field: str | None = None,
          before: str | None = None, after: str | None = None) -> None:
    db.execute(insert(AuditEntry).values(at=now(), user_id=actor.id if actor else None, action=action,
                                         form_id=form_id, field=field, before=before, after=after))


# ------------------------------------------------------------------ organisations and people

def bureau(db: DbSession) -> Org:
    org = db.scalar(select(Org).where(Org.kind == "bureau"))
    if org is None:
        org = Org(kind="bureau", name=BUREAU_NAME, key=label_key(BUREAU_NAME), parent_id=None)
        db.add(org)
        db.flush()
    return org


def ensure_org(db: DbSession, kind: str, name: str, parent: Org) -> Org:
    key = label_key(name)
    org = db.scalar(select(Org).where(Org.kind == kind, Org.parent_id == parent.id, Org.key == key))
    if org is None:
        org = Org(kind=kind, name=name, key=key, parent_id=parent.id)
        db.add(org)
        db.flush()
    return org


def units_for(db: DbSession, department: str | None, unit: str | None) -> tuple[Org, Org]:
    """(主管部门, 预算单位) of a form, from its own header; a form without 实施单位 is its department's own."""
    dept = ensure_org(db, "department", department or NO_DEPARTMENT, bureau(db))
    return dept, ensure_org(db, "unit", unit or dept.name, dept)


def create_org(db: DbSession, actor: Actor, kind: str, name: str, parent_id: int | None) -> Org:
    require_admin(actor)
    name = name.strip()
    if not name:
        raise WebError(422, "请填写名称")
    parent_kind = {"department": "bureau", "unit": "department"}.get(kind)
    if parent_kind is None:
        raise WebError(422, "只能新增主管部门或预算单位")
    parent = bureau(db) if kind == "department" else db.get(Org, parent_id or 0)
    if parent is None or parent.kind != parent_kind:
        raise WebError(422, "预算单位须属于一个主管部门")
    org = ensure_org(db, kind, name, parent)
    audit(db, actor, "org.create", field=ORG_KINDS[kind], after=name)
    return org


def org_tree(db: DbSession) -> list[tuple[Org, list[Org]]]:
    orgs = db.scalars(select(Org).order_by(Org.kind, Org.name)).all()
    units: dict[int, list[Org]] = {}
    for o in orgs:
        if o.kind == "unit" and o.parent_id is not None:
            units.setdefault(o.parent_id, []).append(o)
    return [(d, units.get(d.id, [])) for d in orgs if d.kind == "department"]


def create_user(db: DbSession, actor: Actor | None, username: str, password: str, role: str, org_id: int | None,
                display_name: str | None = None) -> User:
    """A new account (``actor`` None only for the first admin, made at start-up)."""
    if actor is not None:
        require_admin(actor)
    username = username.strip()
    if not username or len(username) > 80:
        raise WebError(422, "请填写用户名（不超过 80 个字符）")
    if role not in ROLES:
        raise WebError(422, f"角色只能是 {'、'.join(ROLES)}")
    if problem := password_problem(password):
        raise WebError(422, problem)
    org = db.get(Org, org_id) if org_id else None
    if role == "filer" and (org is None or org.kind != "unit"):
        raise WebError(422, "填报人须属于一个预算单位")
    if role == "reviewer" and (org is None or org.kind not in ("department", "bureau")):
        raise WebError(422, "审核人须属于一个主管部门或财政局")
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise WebError(409, f"用户名“{username}”已存在")
    user = User(username=username, display_name=(display_name or username).strip(), password_hash=hash_password(password),
                role=role, org_id=org.id if org else None, active=True, created_at=now())
    db.add(user)
    db.flush()
    audit(db, actor, "user.create", field=username, after=f"{ROLES[role]} {org.name if org else ''}".strip())
    return user


def set_password(db: DbSession, actor: Actor, user: User, password: str) -> None:
    if actor.id != user.id:
        require_admin(actor)
    if problem := password_problem(password):
        raise WebError(422, problem)
    user.password_hash = hash_password(password)
    audit(db, actor, "user.password", field=user.username)


# ------------------------------------------------------------------ which forms an actor sees

def scoped(stmt: Select[Any], actor: Actor) -> Select[Any]:
    if actor.is_bureau:
        return stmt
    if actor.user.role == "reviewer":
        return stmt.where(Form.department_id == actor.user.org_id)
    if actor.user.role == "filer":
        return stmt.where(Form.unit_id == actor.user.org_id)
    return stmt.where(false())


def get_form(db: DbSession, actor: Actor, form_id: int) -> Form:
    form = db.scalar(scoped(select(Form).where(Form.id == form_id), actor))
    if form is None:
        raise not_found()
    return form


def may_edit(actor: Actor, form: Form) -> bool:
    return form.status in EDITABLE and (actor.is_admin or (actor.user.role == "filer" and form.unit_id == actor.user.org_id))


def review_stage(actor: Actor, form: Form) -> str | None:
    """Which review this actor may do on the form now: "dept", "bureau", "publish", or None."""
    user = actor.user
    if form.status == "submitted" and (actor.is_admin or (user.role == "reviewer" and user.org_id == form.department_id)):
        return "dept"
    if form.status == "dept_approved" and actor.is_bureau:
        return "bureau"
    if form.status == "bureau_approved" and actor.is_bureau:
        return "publish"
    return None


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
    """One page of the forms the actor sees, filtered and sorted (most severe first by default), and the count."""
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
    if q.code:
        # By the (code, form) index: the forms with that finding, not a probe per form.
        conds.append(Form.id.in_(select(FormFinding.form_id).where(FormFinding.code == q.code)))
    if q.q:
        conds.append(Form.project_name.contains(q.q.strip()[:100], autoescape=True))
    where = and_(*conds) if conds else None
    base = scoped(select(Form.id), actor)
    count_stmt = scoped(select(func.count()).select_from(Form), actor)
    if where is not None:
        base, count_stmt = base.where(where), count_stmt.where(where)
    total = db.scalar(count_stmt) or 0
    page = max(1, q.page)
    order = SORTS.get(q.sort, SORTS["severity"])()
    ids = base.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE).subquery()
    stmt = (select(Form.id, Form.project_name, Form.project_code, dept.name, unit.name, Form.year, Form.status,
                   Form.money_unit, Form.budget, Form.rate, Form.total, Form.grade, Form.errors, Form.warnings)
            .join(ids, ids.c.id == Form.id).join(dept, dept.id == Form.department_id).join(unit, unit.id == Form.unit_id)
            .order_by(*order))
    return [ListRow(*r) for r in db.execute(stmt)], total


# ------------------------------------------------------------------ forms: evaluation, saving, versions

def summarize(form: Form, evaluated: editing.Evaluated) -> None:
    """The list's columns and finding index from the form's current check result."""
    ev = evaluated.ev
    row = ev.funds.total
    budget = getattr(row, evaluated.result.policy.denominator, None) if row else None
    form.project_name, form.project_code, form.year = ev.project.name, ev.project.code, ev.year
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


def evaluate_form(form: Form) -> editing.Evaluated:
    return editing.evaluate(placed(editing.load(form.document)))


def new_form(db: DbSession, ev: Any, dept: Org, unit: Org, status: str, *, task_id: int | None = None,
             evaluation_id: int | None = None) -> Form:
    evaluated = editing.evaluate(placed(ev))
    form = Form(task_id=task_id, unit_id=unit.id, department_id=dept.id, evaluation_id=evaluation_id, status=status,
                version=0, document=editing.dump(ev), explanations={}, updated_at=now(), errors=0, warnings=0)
    summarize(form, evaluated)
    db.add(form)
    db.flush()
    index_findings(db, form, evaluated)
    return form


def add_version(db: DbSession, actor: Actor | None, form: Form) -> None:
    form.version += 1
    db.execute(insert(Version).values(form_id=form.id, number=form.version, document=form.document,
                                      explanations=form.explanations, submitted_by=actor.id if actor else None,
                                      submitted_at=now()))


def sync_store(db: DbSession) -> int:
    """Bring the store's current imported forms into the workflow (待主管部门审核), their 主管部门 and
    实施单位 becoming organisations. Returns how many were added."""
    linked = select(Form.id).where(Form.evaluation_id == EvaluationRow.id)
    rows = db.execute(select(EvaluationRow.id, EvaluationRow.document, EvaluationRow.places)
                      .where(EvaluationRow.is_current, ~exists(linked)).order_by(EvaluationRow.id)).all()
    for eid, document, places in rows:
        ev = evaluation_from_json(document, places)
        dept, unit = units_for(db, ev.project.department, ev.project.implementing_unit)
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
    evaluated = editing.evaluate(placed(ev))
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
    summarize(form, evaluated)
    form.updated_at = now()
    index_findings(db, form, evaluated)
    return evaluated


def preview(actor: Actor, form: Form, values: dict[str, str]) -> Any:
    """The form as it would be with ``values``, derived cells filled, nothing stored (the live recompute)."""
    if not may_edit(actor, form):
        raise WebError(409, f"这张表当前为“{STATUS[form.status]}”，不能修改")
    ev = editing.load(form.document)
    editing.apply(ev, values)
    editing.derive(ev, policy_of(ev))
    return ev


def submit(db: DbSession, actor: Actor, form: Form) -> None:
    """送审: refused while an error finding has no explanation."""
    if not may_edit(actor, form):
        raise WebError(409, f"这张表当前为“{STATUS[form.status]}”，不能送审")
    evaluated = evaluate_form(form)
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


# ------------------------------------------------------------------ tasks (下发) and new drafts

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
        dept = db.get(Org, parent_id)
        ev = editing.blank(year, dept.name if dept else None, unit.name, _national())
        new_form(db, ev, dept, unit, "draft", task_id=task.id)
        made += 1
    audit(db, actor, "task.issue", field=task.title, after=f"{made} 个单位")
    return task, made


def _national():  # noqa: ANN202 - the default policy, for a blank form's rate weight
    from ..scoring import get_policy

    return get_policy("national")


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
        ev = editing.blank(year, dept.name, unit.name, _national())
    ev.project.department, ev.project.implementing_unit = dept.name, unit.name
    editing.derive(ev, policy_of(ev))
    form = new_form(db, ev, dept, unit, "draft")
    audit(db, actor, "form.create", form.id, after=f"{year}年度" + (f"（由第 {from_form} 号表开始）" if from_form else ""))
    return form


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
        "scatter": [[float(r), float(t), n or ""] for r, t, n in points],  # chart coordinates only, never stored
        "grades": {g or "未评": n for g, n in grades},
        "codes": [[c, n] for c, n in codes],
        "yearly": [[d, y, round(float(a), 2) if a is not None else None, n] for d, y, a, n in yearly],
    }
