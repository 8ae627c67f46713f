"""Who may do what, in one place: the acting user, the forms they see, the edits and reviews they may
make, refusals in Chinese, and the audit log every change is written to.

A form another user may not see is "not found" (404), never "forbidden", so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, false, insert, select
from sqlalchemy.orm import Session as DbSession

from .schema import AuditEntry, Form, User
from .security import now

S = TypeVar("S", bound="Select[*tuple[Any, ...]]")  # any select over forms, its columns kept

ROLES = {"admin": "管理员", "filer": "填报人", "reviewer": "审核人"}
ORG_KINDS = {"bureau": "财政局", "department": "主管部门", "unit": "预算单位"}
STATUS = {
    "draft": "草稿", "returned": "已退回", "submitted": "待主管部门审核", "dept_approved": "待财政审核",
    "bureau_approved": "待公开", "published": "已公开",
}
EDITABLE = ("draft", "returned")


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


def scoped(stmt: S, actor: Actor) -> S:
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
