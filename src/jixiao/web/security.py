"""Passwords (argon2), sessions and API tokens (random, stored only as SHA-256), CSRF tokens and the
login rate limit. Everything lives in the database, so every worker on every machine agrees."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session as DbSession

from .schema import ApiToken, LoginAttempt, Org, Session, User

SESSION_COOKIE = "jixiao_session"
SESSION_DAYS = 7
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_MAX_FAILURES = {"user": 5, "addr": 30}  # per user name, and per address (a whole office may share one)
MIN_PASSWORD = 10

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, so a login takes as long either way."""
    return _hasher.hash(secrets.token_hex(16))


def now() -> datetime:
    return datetime.now(timezone.utc)


def aware(dt: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything is written in UTC."""
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def random_password() -> str:
    return secrets.token_urlsafe(12)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, in Chinese, or None."""
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 个字符"
    return None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(db: DbSession, user_id: int) -> tuple[str, str]:
    """(cookie token, CSRF token) of a new session."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_hex(32)
    db.execute(insert(Session).values(token_hash=digest(token), user_id=user_id, csrf=csrf, created_at=now(),
                                      expires_at=now() + timedelta(days=SESSION_DAYS)))
    return token, csrf


def session_user(db: DbSession, token: str | None) -> tuple[User, Session, str | None] | None:
    """The session's user, the session, and the kind of the user's organisation (one query, every request)."""
    if not token:
        return None
    row = db.execute(select(User, Session, Org.kind).join(Session, Session.user_id == User.id)
                     .outerjoin(Org, Org.id == User.org_id).where(Session.token_hash == digest(token))).first()
    if row is None or aware(row[1].expires_at) < now() or not row[0].active:
        return None
    return row[0], row[1], row[2]


def end_sessions(db: DbSession, user_id: int, keep: int | None = None) -> None:
    """Log a user out everywhere (after a password change: except the session that changed it)."""
    stmt = delete(Session).where(Session.user_id == user_id)
    if keep is not None:
        stmt = stmt.where(Session.id != keep)
    db.execute(stmt)


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given or "")


def new_api_token(db: DbSession, user_id: int, name: str) -> str:
    token = "jx_" + secrets.token_urlsafe(32)
    db.execute(insert(ApiToken).values(user_id=user_id, name=name, token_hash=digest(token), created_at=now()))
    return token


def token_user(db: DbSession, token: str) -> tuple[User, str | None] | None:
    """The token's user and the kind of the user's organisation."""
    row = db.execute(select(User, Org.kind).join(ApiToken, ApiToken.user_id == User.id)
                     .outerjoin(Org, Org.id == User.org_id).where(ApiToken.token_hash == digest(token))).first()
    return (row[0], row[1]) if row is not None and row[0].active else None


def login_blocked(db: DbSession, keys: list[str]) -> bool:
    since = now() - LOGIN_WINDOW
    for key in keys:
        n = db.scalar(select(func.count()).select_from(LoginAttempt)
                      .where(LoginAttempt.key == key, LoginAttempt.at >= since))
        if (n or 0) >= LOGIN_MAX_FAILURES[key.split(":", 1)[0]]:
            return True
    return False


def record_failure(db: DbSession, keys: list[str]) -> None:
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < now() - LOGIN_WINDOW))
    db.execute(insert(LoginAttempt), [{"key": k, "at": now()} for k in keys])
