"""Request plumbing shared by the pages and the API: the database session, who is asking (session
cookie or API token), the CSRF check on every state-changing request, and the templates."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from fastapi import Depends, Request
from jinja2 import Environment, PackageLoader
from sqlalchemy.orm import Session as DbSession
from starlette.templating import Jinja2Templates

from ..checks import SEVERITY_ZH
from .access import ORG_KINDS, ROLES, STATUS, Actor, WebError
from .security import SESSION_COOKIE, csrf_ok, session_user, token_user

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

templates = Jinja2Templates(env=Environment(loader=PackageLoader("jixiao.web", "templates"), autoescape=True,
                                            trim_blocks=True, lstrip_blocks=True))
templates.env.globals.update(STATUS=STATUS, ROLES=ROLES, ORG_KINDS=ORG_KINDS, SEVERITY_ZH=SEVERITY_ZH)


def _num(value: Decimal | None) -> str:
    """A stored decimal as printed: the store keeps six places, the page shows the significant ones (90, 72.22)."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


templates.env.filters["num"] = _num


class LoginRequired(Exception):
    """No valid session or token: pages redirect to the login page, the API answers 401."""


def get_db(request: Request) -> Iterator[DbSession]:
    with request.app.state.sessions() as db:
        yield db


async def csrf_given(request: Request) -> str | None:
    """The CSRF token a state-changing request carries: the X-CSRF-Token header (HTMX, scripts) or the
    ``csrf`` field of a posted form."""
    if request.method in SAFE_METHODS:
        return None
    if header := request.headers.get("x-csrf-token"):
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get("csrf")
        return value if isinstance(value, str) else None
    return None


def optional_actor(request: Request, db: DbSession = Depends(get_db),
                   given: str | None = Depends(csrf_given)) -> Actor | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        # A token is never sent by a browser on its own, so it needs no CSRF token.
        by_token = token_user(db, auth[7:].strip())
        if by_token is None:
            raise LoginRequired()
        return Actor(*by_token)
    found = session_user(db, request.cookies.get(SESSION_COOKIE))
    if found is None:
        return None
    user, sess, org_kind = found
    if request.method not in SAFE_METHODS and not csrf_ok(sess.csrf, given):
        raise WebError(403, "请求缺少有效的 CSRF 令牌，请刷新页面后重试")
    return Actor(user, org_kind, sess.csrf, sess.id)


def actor(who: Actor | None = Depends(optional_actor)) -> Actor:
    if who is None:
        raise LoginRequired()
    return who
