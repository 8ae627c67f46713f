"""Organisations (财政局 → 主管部门 → 预算单位) and accounts: made from the forms' own headers when they are
imported, or entered by an administrator."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from ..outcome import NO_DEPARTMENT
from ..text import label_key
from .access import ORG_KINDS, ROLES, Actor, WebError, audit, require_admin
from .schema import Org, User
from .security import hash_password, now, password_problem

BUREAU_NAME = "财政局"


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
