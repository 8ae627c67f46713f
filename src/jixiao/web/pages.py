"""The HTML pages (Jinja2 + HTMX). Each route checks who may do what through :mod:`service`."""

from __future__ import annotations

import secrets
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from ..checks import iter_catalogue
from ..export import get_exporter
from ..export.xlsx import template_xlsx
from ..scoring import get_policy
from . import access, editing, filing, formdb, jobs, people, workflow
from .access import Actor, WebError
from .deps import LoginRequired, actor, get_db, optional_actor, templates
from .formdb import ListQuery
from .schema import AuditEntry, Org, User
from .security import (
    SESSION_COOKIE,
    SESSION_DAYS,
    end_sessions,
    login_blocked,
    new_api_token,
    new_session,
    record_failure,
    verify_password,
)

router = APIRouter()
PRELOGIN_COOKIE = "jixiao_prelogin"
DOWNLOADS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "pdf": "application/pdf"}


def page(request: Request, name: str, who: Actor | None, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"me": who, "csrf": who.csrf if who else "", **ctx},
                                      status_code=status_code)


def back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ------------------------------------------------------------------ login, logout, account

@router.get("/", include_in_schema=False)
def home(who: Actor | None = Depends(optional_actor)) -> RedirectResponse:
    return back("/forms" if who else "/login")


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, error: str | None = None) -> HTMLResponse:
    token = secrets.token_hex(16)
    resp = page(request, "login.j2", None, prelogin=token, error=error)
    resp.set_cookie(PRELOGIN_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return resp


@router.post("/login", include_in_schema=False)
def login(request: Request, username: str = Form(...), password: str = Form(...), csrf: str = Form(""),
          db: DbSession = Depends(get_db)) -> Response:
    cookie = request.cookies.get(PRELOGIN_COOKIE) or ""
    if not cookie or not secrets.compare_digest(cookie, csrf):
        raise WebError(403, "登录页面已过期，请刷新后重试")
    keys = [f"user:{username.strip().lower()}", f"addr:{request.client.host if request.client else '-'}"]
    if login_blocked(db, keys):
        raise WebError(429, "登录失败次数过多，请 15 分钟后再试")
    user = db.scalar(select(User).where(User.username == username.strip()))
    if not verify_password(user.password_hash if user else None, password) or user is None or not user.active:
        record_failure(db, keys)
        db.commit()
        return login_page(request, error="用户名或密码不正确")
    token, _csrf = new_session(db, user.id)
    access.audit(db, Actor(user, None), "user.login", field=user.username)
    db.commit()
    resp = back("/forms")
    resp.set_cookie(SESSION_COOKIE, token, max_age=SESSION_DAYS * 86400, httponly=True, samesite="lax",
                    secure=request.url.scheme == "https")
    resp.delete_cookie(PRELOGIN_COOKIE)
    return resp


@router.post("/logout", include_in_schema=False)
def logout(who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> Response:
    from sqlalchemy import delete

    from .schema import Session

    db.execute(delete(Session).where(Session.id == who.session_id))
    db.commit()
    resp = back("/login")
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.get("/account", response_class=HTMLResponse, include_in_schema=False)
def account(request: Request, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> HTMLResponse:
    return page(request, "account.j2", who, tokens=filing.tokens(db, who))


@router.post("/account/password", response_class=HTMLResponse, include_in_schema=False)
def change_password(request: Request, old: str = Form(...), new: str = Form(...), repeat: str = Form(...),
                    who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> HTMLResponse:
    if not verify_password(who.user.password_hash, old):
        raise WebError(422, "原密码不正确")
    if new != repeat:
        raise WebError(422, "两次输入的新密码不一致")
    people.set_password(db, who, who.user, new)
    end_sessions(db, who.id, keep=who.session_id)
    db.commit()
    return page(request, "account.j2", who, tokens=filing.tokens(db, who), message="密码已修改，其他设备上的登录已退出")


@router.post("/account/tokens", response_class=HTMLResponse, include_in_schema=False)
def create_token(request: Request, name: str = Form("脚本"), who: Actor = Depends(actor),
                 db: DbSession = Depends(get_db)) -> HTMLResponse:
    token = new_api_token(db, who.id, name.strip()[:100] or "脚本")
    access.audit(db, who, "token.create", field=name.strip()[:100])
    db.commit()
    return page(request, "account.j2", who, tokens=filing.tokens(db, who), new_token=token)


# ------------------------------------------------------------------ review list and form view

def list_query(request: Request) -> ListQuery:
    p = request.query_params

    def num(key: str) -> int | None:
        v = p.get(key, "").strip()
        return int(v) if v.isdigit() and len(v) < 10 else None

    return ListQuery(department=num("department"), unit=num("unit"), year=num("year"), status=p.get("status") or None,
                     grade=p.get("grade") or None, code=p.get("code") or None, q=p.get("q") or None,
                     sort=p.get("sort") or "severity", page=num("page") or 1)


@router.get("/forms", response_class=HTMLResponse, include_in_schema=False)
def forms_page(request: Request, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> HTMLResponse:
    q = list_query(request)
    rows, total = formdb.list_forms(db, who, q)
    params = {k: v for k, v in request.query_params.items() if k != "page" and v}
    pages = max(1, -(-total // formdb.PAGE_SIZE))
    departments = filing.departments_for(db, who)
    return page(request, "forms.j2", who, rows=rows, total=total, q=q, pages=pages,
                page_url=lambda n: "/forms?" + urlencode({**params, "page": n}),
                departments=departments, units=filing.units_of(db, departments, q.department),
                codes=[(c.code, c.title) for c in iter_catalogue()],
                years=filing.years(db))


@router.get("/forms/{form_id}", response_class=HTMLResponse, include_in_schema=False)
def form_page(request: Request, form_id: int, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> HTMLResponse:
    form = access.get_form(db, who, form_id)
    return page(request, "form.j2", who, **filing.view(db, who, form))


@router.get("/forms/{form_id}/edit", response_class=HTMLResponse, include_in_schema=False)
def edit_page(request: Request, form_id: int, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> Response:
    form = access.get_form(db, who, form_id)
    if not access.may_edit(who, form):
        return back(f"/forms/{form_id}")
    return page(request, "edit.j2", who, **filing.edit_view(db, form, editing.load(form.document)))


def _fields(form: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(field values, explanations) posted by the edit form."""
    values: dict[str, str] = {}
    explanations: dict[str, str] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str) or key == "csrf":
            continue
        if key.startswith("explain:"):
            explanations[key[8:]] = value
        else:
            values[key] = value
    return values, explanations


@router.post("/forms/{form_id}/recompute", response_class=HTMLResponse, include_in_schema=False)
async def recompute(request: Request, form_id: int, who: Actor = Depends(actor),
                    db: DbSession = Depends(get_db)) -> HTMLResponse:
    values, explanations = _fields(await request.form())

    def run() -> dict[str, Any]:
        form = access.get_form(db, who, form_id)
        return filing.live(db, form, values, explanations, who)

    return page(request, "_live.j2", who, **await run_in_threadpool(run))


@router.post("/forms/{form_id}/save", include_in_schema=False)
async def save(request: Request, form_id: int, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> Response:
    posted = await request.form()
    values, explanations = _fields(posted)
    action = values.pop("action", "save")

    def run() -> Response:
        form = access.get_form(db, who, form_id)
        row = values.pop("row", "")
        formdb.save_fields(db, who, form, values, explanations)
        if action in ("add_row", "del_row"):
            ev = editing.load(form.document)
            if action == "add_row":
                editing.add_indicator(ev, int(row) if row.isdigit() else None)
            else:
                editing.remove_indicator(ev, int(row) if row.isdigit() else -1)
            formdb.store_evaluation(db, who, form, ev, action="form.rows")
        db.commit()
        if action == "submit":
            try:
                workflow.submit(db, who, form)
            except WebError as exc:
                db.rollback()
                form = access.get_form(db, who, form_id)
                return page(request, "edit.j2", who, status_code=exc.status, error=exc.message, error_details=exc.details,
                            **filing.edit_view(db, form, editing.load(form.document)))
            db.commit()
            return back(f"/forms/{form_id}")
        return back(f"/forms/{form_id}/edit")

    return await run_in_threadpool(run)


@router.post("/forms/{form_id}/upload", include_in_schema=False)
async def upload_into(request: Request, form_id: int, file: UploadFile, who: Actor = Depends(actor),
                      db: DbSession = Depends(get_db)) -> Response:
    data = await file.read(filing.MAX_UPLOAD + 1)

    def run() -> Response:
        form = access.get_form(db, who, form_id)
        filing.upload_into(db, who, form, file.filename or "上传文件", data)
        db.commit()
        return back(f"/forms/{form_id}/edit")

    return await run_in_threadpool(run)


@router.get("/forms/{form_id}/download.{fmt}", include_in_schema=False)
def download(form_id: int, fmt: str, who: Actor = Depends(actor),
             db: DbSession = Depends(get_db)) -> Response:
    form = access.get_form(db, who, form_id)
    return _download(editing.load(form.document), fmt, f"自评表-{form.id}")


def _download(ev: Any, fmt: str, stem: str) -> Response:
    if fmt not in DOWNLOADS:
        raise WebError(404, "只能下载 xlsx、docx 或 pdf")
    tmp = TemporaryDirectory(prefix="jixiao-web-")
    path = Path(tmp.name) / f"form.{fmt}"
    get_exporter(fmt).write([(ev, path)], None)
    return FileResponse(path, media_type=DOWNLOADS[fmt], filename=f"{stem}.{fmt}", background=BackgroundTask(tmp.cleanup))


@router.get("/template.xlsx", include_in_schema=False)
def template(year: int | None = None, who: Actor = Depends(actor)) -> Response:
    return Response(template_xlsx(get_policy("national"), year), media_type=DOWNLOADS["xlsx"],
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''%E8%87%AA%E8%AF%84%E8%A1%A8.xlsx"})


@router.post("/forms/new", include_in_schema=False)
def new_form(year: int = Form(...), from_form: str = Form(""), who: Actor = Depends(actor),
             db: DbSession = Depends(get_db)) -> Response:
    form = workflow.new_draft(db, who, year, int(from_form) if from_form.isdigit() else None)
    db.commit()
    return back(f"/forms/{form.id}/edit")


@router.post("/forms/{form_id}/comments", include_in_schema=False)
def comment(form_id: int, field: str = Form(""), body: str = Form(...), who: Actor = Depends(actor),
            db: DbSession = Depends(get_db)) -> Response:
    form = access.get_form(db, who, form_id)
    workflow.add_comment(db, who, form, field, body)
    db.commit()
    return back(f"/forms/{form_id}#comments")


@router.post("/forms/{form_id}/review", include_in_schema=False)
def review(form_id: int, decision: str = Form(...), comment: str = Form(""), who: Actor = Depends(actor),
           db: DbSession = Depends(get_db)) -> Response:
    form = access.get_form(db, who, form_id)
    workflow.review(db, who, form, decision, comment)
    db.commit()
    return back(f"/forms/{form_id}")


@router.post("/forms/{form_id}/publish", include_in_schema=False)
def publish(form_id: int, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> Response:
    form = access.get_form(db, who, form_id)
    workflow.publish(db, who, form)
    db.commit()
    return back(f"/forms/{form_id}")


@router.get("/forms/{form_id}/diff", response_class=HTMLResponse, include_in_schema=False)
def diff_page(request: Request, form_id: int, a: int, b: int | None = None, who: Actor = Depends(actor),
              db: DbSession = Depends(get_db)) -> HTMLResponse:
    form = access.get_form(db, who, form_id)
    return page(request, "diff.j2", who, form=form, a=a, b=b, changes=workflow.diff(db, form, a, b))


REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'"


@router.get("/report", include_in_schema=False)
def report(department: str = "", year: str = "", pdf: str = "", who: Actor = Depends(actor),
           db: DbSession = Depends(get_db)) -> Response:
    """The review report (department summaries and every form's findings) as a page or a PDF download."""
    html = filing.report_html(db, who, int(department) if department.isdigit() else None,
                              int(year) if year.isdigit() else None)
    if not pdf:
        # The report is one self-contained page with inline styles and no script at all.
        return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})
    from ..export.report import html_to_pdf

    with TemporaryDirectory(prefix="jixiao-web-") as tmp:
        path = Path(tmp) / "report.pdf"
        html_to_pdf(html, path)
        data = path.read_bytes()
    return Response(data, media_type=DOWNLOADS["pdf"],
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''%E5%AE%A1%E6%A0%B8%E6%8A%A5%E5%91%8A.pdf"})


# ------------------------------------------------------------------ administration

@router.get("/admin", response_class=HTMLResponse, include_in_schema=False)
def admin_page(request: Request, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> HTMLResponse:
    access.require_admin(who)
    users = db.execute(select(User, Org.name).join(Org, Org.id == User.org_id, isouter=True).order_by(User.id)).all()
    return page(request, "admin.j2", who, tree=people.org_tree(db), users=users, bureau=people.bureau(db))


@router.post("/admin/orgs", include_in_schema=False)
def add_org(kind: str = Form(...), name: str = Form(...), parent_id: str = Form(""), who: Actor = Depends(actor),
            db: DbSession = Depends(get_db)) -> Response:
    people.create_org(db, who, kind, name, int(parent_id) if parent_id.isdigit() else None)
    db.commit()
    return back("/admin")


@router.post("/admin/users", include_in_schema=False)
def add_user(username: str = Form(...), password: str = Form(...), role: str = Form(...), org_id: str = Form(""),
             display_name: str = Form(""), who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> Response:
    people.create_user(db, who, username, password, role, int(org_id) if org_id.isdigit() else None,
                        display_name or None)
    db.commit()
    return back("/admin")


@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, page_no: int = 1, form: int | None = None, who: Actor = Depends(actor),
               db: DbSession = Depends(get_db)) -> HTMLResponse:
    access.require_admin(who)
    stmt = select(AuditEntry, User.username).join(User, User.id == AuditEntry.user_id, isouter=True)
    if form:
        stmt = stmt.where(AuditEntry.form_id == form)
    entries = db.execute(stmt.order_by(AuditEntry.id.desc()).limit(200).offset((max(page_no, 1) - 1) * 200)).all()
    return page(request, "audit.j2", who, entries=entries, page_no=page_no,
                total=db.scalar(select(func.count()).select_from(AuditEntry)))


@router.get("/tasks", response_class=HTMLResponse, include_in_schema=False)
def tasks_page(request: Request, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> HTMLResponse:
    if not who.is_bureau:
        raise WebError(403, "只有财政局可以下发任务")
    return page(request, "tasks.j2", who, tasks=filing.task_list(db), tree=people.org_tree(db))


@router.post("/tasks", include_in_schema=False)
def issue(request: Request, year: int = Form(...), title: str = Form(""), who: Actor = Depends(actor),
          db: DbSession = Depends(get_db)) -> Response:
    units = [int(v) for v in request.query_params.getlist("unit") if v.isdigit()]
    workflow.issue_task(db, who, year, title, units)
    db.commit()
    return back("/tasks")


# ------------------------------------------------------------------ batch upload jobs, dashboard

@router.get("/jobs", response_class=HTMLResponse, include_in_schema=False)
def jobs_page(request: Request, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> HTMLResponse:
    return page(request, "jobs.j2", who, jobs=jobs.visible(db, who))


@router.post("/jobs", include_in_schema=False)
async def start_job(request: Request, files: list[UploadFile], who: Actor = Depends(actor),
                    db: DbSession = Depends(get_db)) -> Response:
    uploads = [(f.filename or f"文件{n + 1}", await f.read(jobs.MAX_FILE + 1)) for n, f in enumerate(files)]

    def run() -> Response:
        job = jobs.create(db, who, uploads)
        db.commit()
        return back(f"/jobs/{job.id}")

    return await run_in_threadpool(run)


@router.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
def job_page(request: Request, job_id: int, who: Actor = Depends(actor), db: DbSession = Depends(get_db)) -> HTMLResponse:
    job = jobs.get(db, who, job_id)
    name = "_job.j2" if request.headers.get("hx-request") else "job.j2"
    return page(request, name, who, job=job)


@router.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, who: Actor = Depends(actor)) -> HTMLResponse:
    return page(request, "dashboard.j2", who)


# ------------------------------------------------------------------ public pages (no login)

@router.get("/public", response_class=HTMLResponse, include_in_schema=False)
def public_index(request: Request, db: DbSession = Depends(get_db)) -> HTMLResponse:
    return page(request, "public_index.j2", None, groups=filing.public_groups(db))


@router.get("/public/forms/{form_id}", response_class=HTMLResponse, include_in_schema=False)
def public_form(request: Request, form_id: int, db: DbSession = Depends(get_db)) -> HTMLResponse:
    return page(request, "public_form.j2", None, **filing.public_form(db, form_id))


@router.get("/public/{department_id}/{year}", response_class=HTMLResponse, include_in_schema=False)
def public_list(request: Request, department_id: int, year: int, db: DbSession = Depends(get_db)) -> HTMLResponse:
    return page(request, "public_list.j2", None, **filing.public_list(db, department_id, year))


__all__ = ["router", "LoginRequired"]
