"""The web system's tables: organisations, people, sessions, forms in their workflow, versions,
comments, the audit log and background jobs.

They live in the store's database and metadata (one schema, one Alembic history): a web form
may point at the stored evaluation it was imported from. Created by the migrations
``0004_web`` and ``0005_web_list_indexes``; a test checks the models and the migrations agree.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..store.schema import Base, Document, Exact


class Org(Base):
    """财政局 (kind bureau) → 主管部门 (department) → 预算单位 (unit)."""

    __tablename__ = "web_orgs"
    __table_args__ = (UniqueConstraint("kind", "parent_id", "key", name="ux_web_orgs_kind_parent_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("web_orgs.id", ondelete="CASCADE"), index=True)


class User(Base):
    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(12))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("web_orgs.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Session(Base):
    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    __tablename__ = "web_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """Failed logins, per user name and per address, for the rate limit (shared by every worker)."""

    __tablename__ = "web_login_attempts"
    __table_args__ = (Index("ix_web_login_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Task(Base):
    """A year's self-evaluation task issued (下发) by the bureau to units."""

    __tablename__ = "web_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("web_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Form(Base):
    """One 自评表 in the workflow. ``document`` is its ``jixiao/evaluation@1`` JSON; the columns beside
    it (recomputed rate and total, grade, finding counts) are what the review list filters and sorts on."""

    __tablename__ = "web_forms"
    __table_args__ = (
        Index("ix_web_forms_severity", "errors", "warnings", "id"),
        Index("ix_web_forms_dept_year", "department_id", "year"),
        Index("ix_web_forms_unit_year", "unit_id", "year"),
        Index("ix_web_forms_status_year", "status", "year"),
        Index("ix_web_forms_year", "year"),
        # The review list's sorts and its commonest filter pair (migration 0005).
        Index("ix_web_forms_status_grade", "status", "grade", "errors", "warnings", "id"),
        Index("ix_web_forms_total", text("CAST(total AS NUMERIC)"), "id"),
        Index("ix_web_forms_rate", text("CAST(rate AS NUMERIC)"), "id"),
        Index("ix_web_forms_updated", "updated_at", "id"),
        # A project's other years, to check a form against (migration 0007).
        Index("ix_web_forms_project_year", "project_key", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("web_tasks.id", ondelete="SET NULL"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("web_orgs.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("web_orgs.id"))
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id", ondelete="SET NULL"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    project_name: Mapped[str | None] = mapped_column(Text)
    project_code: Mapped[str | None] = mapped_column(String(64))
    project_key: Mapped[str | None] = mapped_column(Text)
    money_unit: Mapped[str | None] = mapped_column(String(8))
    budget: Mapped[Decimal | None] = mapped_column(Exact)
    rate: Mapped[Decimal | None] = mapped_column(Exact)
    total: Mapped[Decimal | None] = mapped_column(Exact)
    grade: Mapped[str | None] = mapped_column(String(4))
    errors: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    explanations: Mapped[dict[str, Any]] = mapped_column(Document)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FormFinding(Base):
    """The current findings of a form by code, for the list's finding filter."""

    __tablename__ = "web_form_findings"
    __table_args__ = (Index("ix_web_form_findings_code", "code", "form_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("web_forms.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    field: Mapped[str] = mapped_column(Text)


class Version(Base):
    """Every submission (送审) of a form, as it was sent."""

    __tablename__ = "web_versions"
    __table_args__ = (UniqueConstraint("form_id", "number", name="ux_web_versions_form_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("web_forms.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    explanations: Mapped[dict[str, Any]] = mapped_column(Document)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("web_users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Comment(Base):
    """A reviewer's comment on one field (path as the checks name it) of one version."""

    __tablename__ = "web_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("web_forms.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("web_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who changed what, when: one row per changed field (before/after as text) or per action."""

    __tablename__ = "web_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("web_users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    form_id: Mapped[int | None] = mapped_column(ForeignKey("web_forms.id", ondelete="CASCADE"), index=True)
    field: Mapped[str | None] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class Job(Base):
    """A background job (batch upload). Claimed by any worker (FOR UPDATE SKIP LOCKED on PostgreSQL);
    a job whose worker stopped sending heartbeats is claimed again."""

    __tablename__ = "web_jobs"
    __table_args__ = (Index("ix_web_jobs_status", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("web_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    worker: Mapped[str | None] = mapped_column(String(80))
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer)
    results: Mapped[list[Any]] = mapped_column(Document)


class JobFile(Base):
    """An uploaded file waiting in the database, so that a worker on any machine can run the job."""

    __tablename__ = "web_job_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("web_jobs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    done: Mapped[bool] = mapped_column(Boolean)
