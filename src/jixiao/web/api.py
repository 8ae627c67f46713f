"""The JSON API: what the pages do, for scripts (``Authorization: Bearer <token>``) and for the
dashboard. Documented by OpenAPI at /docs. Amounts and scores are decimal strings, as in the
``jixiao/evaluation@1`` contract."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from ..checks import Finding
from ..values import fmt
from . import access, editing, filing, formdb, jobs, people, workflow
from .access import Actor
from .deps import actor, get_db
from .pages import list_query
from .schema import AuditEntry, Form, User
from .security import new_api_token

router = APIRouter(prefix="/api")


class Fields(BaseModel):
    values: dict[str, str] = Field(default_factory=dict,
                                   description="字段路径 → 填写的文字，如 {\"funds.total.executed\": \"90\"}")
    explanations: dict[str, str] = Field(default_factory=dict, description="“规则代码|字段” → 对错误的说明")


class Decision(BaseModel):
    decision: str = Field(description="approve（通过）或 return（退回）")
    comment: str = ""


class CommentIn(BaseModel):
    field: str = ""
    body: str


class TaskIn(BaseModel):
    year: int
    title: str = ""
    units: list[int] = Field(default_factory=list, description="预算单位 id；空表示全部")


class DraftIn(BaseModel):
    year: int
    from_form: int | None = None


class OrgIn(BaseModel):
    kind: str
    name: str
    parent_id: int | None = None


class UserIn(BaseModel):
    username: str
    password: str
    role: str
    org_id: int | None = None
    display_name: str | None = None


class TokenIn(BaseModel):
    name: str = "脚本"


def _finding(f: Finding) -> dict[str, Any]:
    return f.to_json()


def form_summary(form: Form | formdb.ListRow) -> dict[str, Any]:
    out = {"id": form.id, "project_name": form.project_name, "project_code": form.project_code, "year": form.year,
           "status": form.status, "status_zh": access.STATUS.get(form.status), "money_unit": form.money_unit,
           "budget": fmt(form.budget), "rate": fmt(form.rate), "total": fmt(form.total), "grade": form.grade,
           "errors": form.errors, "warnings": form.warnings}
    if isinstance(form, formdb.ListRow):
        out |= {"department": form.department, "unit": form.unit}
    return out


def _evaluated(evaluated: editing.Evaluated) -> dict[str, Any]:
    return {"recomputed": evaluated.result.recomputed.to_json(), "rate": fmt(evaluated.rate),
            "total": fmt(evaluated.total), "grade": evaluated.grade,
            "findings": [_finding(f) for f in evaluated.findings]}


@router.get("/me", summary="当前用户")
def me(who: Actor = Depends(actor)) -> dict[str, Any]:
    u = who.user
    return {"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role, "org_id": u.org_id}


@router.get("/forms", summary="自评表列表（筛选、排序、分页）")
def forms(request: Request, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    q = list_query(request)
    rows, total = formdb.list_forms(db, who, q)
    return {"total": total, "page": q.page, "page_size": formdb.PAGE_SIZE, "forms": [form_summary(r) for r in rows]}


@router.post("/forms", summary="新建草稿（填报人，可从往年的表开始）")
def create_draft(body: DraftIn, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    form = workflow.new_draft(db, who, body.year, body.from_form)
    db.commit()
    return form_summary(form)


@router.get("/forms/{form_id}", summary="一张表：内容、重算、审核问题、意见、版本")
def form(form_id: int, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    f = access.get_form(db, who, form_id)
    evaluated = formdb.evaluate_form(db, f)
    return {**form_summary(f), "document": f.document, "explanations": f.explanations, **_evaluated(evaluated),
            "comments": [{"field": c.field, "body": c.body, "version": c.version, "author": a,
                          "at": c.created_at.isoformat()} for c, a in workflow.comments(db, f)],
            "versions": [{"number": v.number, "submitted_at": v.submitted_at.isoformat()} for v in workflow.versions(db, f)],
            "review_stage": access.review_stage(who, f), "editable": access.may_edit(who, f)}


@router.post("/forms/{form_id}/recompute", summary="按填写内容重算（不保存）")
def recompute(form_id: int, body: Fields, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    f = access.get_form(db, who, form_id)
    return _evaluated(formdb.evaluate_form(db, f, formdb.preview(who, f, body.values)))


@router.put("/forms/{form_id}", summary="保存填写内容")
def save(form_id: int, body: Fields, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    f = access.get_form(db, who, form_id)
    evaluated = formdb.save_fields(db, who, f, body.values, body.explanations or None)
    db.commit()
    return {**form_summary(f), **_evaluated(evaluated)}


@router.post("/forms/{form_id}/upload", summary="把一个文件读入草稿")
async def upload(form_id: int, file: UploadFile, who: Actor = Depends(actor),
                 db: DbSession = Depends(get_db)) -> dict[str, Any]:
    data = await file.read(filing.MAX_UPLOAD + 1)
    f = access.get_form(db, who, form_id)
    filing.upload_into(db, who, f, file.filename or "upload", data)
    db.commit()
    return form_summary(f)


@router.post("/forms/{form_id}/submit", summary="送审")
def submit(form_id: int, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    f = access.get_form(db, who, form_id)
    workflow.submit(db, who, f)
    db.commit()
    return form_summary(f)


@router.post("/forms/{form_id}/comments", summary="审核意见（针对某个字段或整张表）")
def comment(form_id: int, body: CommentIn, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    f = access.get_form(db, who, form_id)
    workflow.add_comment(db, who, f, body.field, body.body)
    db.commit()
    return {"ok": True}


@router.post("/forms/{form_id}/review", summary="主管部门或财政审核：通过 / 退回")
def review(form_id: int, body: Decision, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    f = access.get_form(db, who, form_id)
    workflow.review(db, who, f, body.decision, body.comment)
    db.commit()
    return form_summary(f)


@router.post("/forms/{form_id}/publish", summary="公开")
def publish(form_id: int, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    f = access.get_form(db, who, form_id)
    workflow.publish(db, who, f)
    db.commit()
    return form_summary(f)


@router.get("/forms/{form_id}/diff", summary="两个版本之间的差异（b 省略为当前内容）")
def diff(form_id: int, a: int, b: int | None = None, who: Actor = Depends(actor),
         db: DbSession = Depends(get_db)) -> list[dict[str, Any]]:
    f = access.get_form(db, who, form_id)
    return [{"field": p, "before": x, "after": y} for p, x, y in workflow.diff(db, f, a, b)]


@router.post("/tasks", summary="下发年度自评任务")
def issue(body: TaskIn, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    task, made = workflow.issue_task(db, who, body.year, body.title, body.units)
    db.commit()
    return {"id": task.id, "year": task.year, "title": task.title, "forms": made}


@router.get("/orgs", summary="组织：财政局 → 主管部门 → 预算单位")
def orgs(who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> list[dict[str, Any]]:
    return [{"id": d.id, "name": d.name, "units": [{"id": u.id, "name": u.name} for u in units]}
            for d, units in people.org_tree(db)]


@router.post("/orgs", summary="新增主管部门或预算单位（管理员）")
def add_org(body: OrgIn, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    org = people.create_org(db, who, body.kind, body.name, body.parent_id)
    db.commit()
    return {"id": org.id, "kind": org.kind, "name": org.name, "parent_id": org.parent_id}


@router.get("/users", summary="用户（管理员）")
def users(who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> list[dict[str, Any]]:
    access.require_admin(who)
    return [{"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role, "org_id": u.org_id,
             "active": u.active} for u in db.scalars(select(User).order_by(User.id))]


@router.post("/users", summary="新增用户（管理员）")
def add_user(body: UserIn, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    user = people.create_user(db, who, body.username, body.password, body.role, body.org_id, body.display_name)
    db.commit()
    return {"id": user.id, "username": user.username, "role": user.role, "org_id": user.org_id}


@router.get("/audit", summary="审计日志（管理员）")
def audit(form: int | None = None, limit: int = 200, who: Actor = Depends(actor),
          db: DbSession = Depends(get_db)) -> list[dict[str, Any]]:
    access.require_admin(who)
    stmt = select(AuditEntry, User.username).join(User, User.id == AuditEntry.user_id, isouter=True)
    if form:
        stmt = stmt.where(AuditEntry.form_id == form)
    return [{"at": e.at.isoformat(), "user": name, "action": e.action, "form_id": e.form_id, "field": e.field,
             "before": e.before, "after": e.after}
            for e, name in db.execute(stmt.order_by(AuditEntry.id.desc()).limit(min(max(limit, 1), 1000)))]


@router.post("/tokens", summary="新建 API 令牌（只显示一次）")
def token(body: TokenIn, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, str]:
    value = new_api_token(db, who.id, body.name.strip()[:100] or "脚本")
    access.audit(db, who, "token.create", field=body.name.strip()[:100])
    db.commit()
    return {"token": value}


@router.post("/jobs", summary="批量上传（多个文件或 zip），后台读取并导入")
async def start_job(files: list[UploadFile], who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    uploads = [(f.filename or f"文件{n + 1}", await f.read(jobs.MAX_FILE + 1)) for n, f in enumerate(files)]
    job = jobs.create(db, who, uploads)
    db.commit()
    return jobs.progress(job)


@router.get("/jobs/{job_id}", summary="后台任务进度与每个文件的结果")
def job(job_id: int, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    return jobs.progress(jobs.get(db, who, job_id))


@router.get("/stats", summary="仪表盘数据：执行率与得分、等级分布、问题代码、逐年对比")
def stats(who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    return formdb.stats(db, who)


@router.get("/public/forms/{form_id}", summary="公开的自评表（不含负责人、电话）")
def public_form(form_id: int, db: DbSession = Depends(get_db)) -> dict[str, Any]:
    f = filing.public_form(db, form_id)["form"]
    return {**form_summary(f), "document": formdb.public_document(f)}
