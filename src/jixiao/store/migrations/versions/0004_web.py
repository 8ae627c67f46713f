"""The web system: organisations, users, sessions, API tokens, login attempts, tasks, forms in their
workflow with findings, versions and comments, the audit log, background jobs and their files.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jixiao.store.schema import Document, Exact

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(name: str, target: str, ondelete: str, nullable: bool = True, index: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def upgrade() -> None:
    op.create_table(
        "web_orgs", _id(),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        _fk("parent_id", "web_orgs.id", "CASCADE", index=True),
        sa.UniqueConstraint("kind", "parent_id", "key", name="ux_web_orgs_kind_parent_key"),
    )
    op.create_table(
        "web_users", _id(),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        _fk("org_id", "web_orgs.id", "SET NULL", index=True),
        sa.Column("active", sa.Boolean, nullable=False),
        _at("created_at"),
    )
    op.create_table(
        "web_sessions", _id(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _fk("user_id", "web_users.id", "CASCADE", nullable=False, index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        _at("created_at"), _at("expires_at"),
    )
    op.create_table(
        "web_tokens", _id(),
        _fk("user_id", "web_users.id", "CASCADE", nullable=False, index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _at("created_at"),
    )
    op.create_table(
        "web_login_attempts", _id(),
        sa.Column("key", sa.String(200), nullable=False),
        _at("at"),
    )
    op.create_index("ix_web_login_attempts_key_at", "web_login_attempts", ["key", "at"])
    op.create_table(
        "web_tasks", _id(),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        _fk("created_by", "web_users.id", "SET NULL"),
        _at("created_at"),
    )
    op.create_table(
        "web_forms", _id(),
        _fk("task_id", "web_tasks.id", "SET NULL"),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("web_orgs.id"), nullable=False),
        sa.Column("department_id", sa.Integer, sa.ForeignKey("web_orgs.id"), nullable=False),
        _fk("evaluation_id", "evaluations.id", "SET NULL", index=True),
        sa.Column("year", sa.Integer),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("project_name", sa.Text),
        sa.Column("project_code", sa.String(64)),
        sa.Column("money_unit", sa.String(8)),
        *(sa.Column(name, Exact) for name in ("budget", "rate", "total")),
        sa.Column("grade", sa.String(4)),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", Document, nullable=False),
        sa.Column("explanations", Document, nullable=False),
        _at("updated_at"),
    )
    op.create_index("ix_web_forms_severity", "web_forms", ["errors", "warnings", "id"])
    op.create_index("ix_web_forms_dept_year", "web_forms", ["department_id", "year"])
    op.create_index("ix_web_forms_unit_year", "web_forms", ["unit_id", "year"])
    op.create_index("ix_web_forms_status_year", "web_forms", ["status", "year"])
    op.create_index("ix_web_forms_year", "web_forms", ["year"])
    op.create_table(
        "web_form_findings", _id(),
        _fk("form_id", "web_forms.id", "CASCADE", nullable=False, index=True),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("field", sa.Text, nullable=False),
    )
    op.create_index("ix_web_form_findings_code", "web_form_findings", ["code", "form_id"])
    op.create_table(
        "web_versions", _id(),
        _fk("form_id", "web_forms.id", "CASCADE", nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("document", Document, nullable=False),
        sa.Column("explanations", Document, nullable=False),
        _fk("submitted_by", "web_users.id", "SET NULL"),
        _at("submitted_at"),
        sa.UniqueConstraint("form_id", "number", name="ux_web_versions_form_number"),
    )
    op.create_table(
        "web_comments", _id(),
        _fk("form_id", "web_forms.id", "CASCADE", nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        _fk("author_id", "web_users.id", "SET NULL"),
        _at("created_at"),
    )
    op.create_table(
        "web_audit", _id(),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        _fk("user_id", "web_users.id", "SET NULL"),
        sa.Column("action", sa.String(40), nullable=False),
        _fk("form_id", "web_forms.id", "CASCADE", index=True),
        sa.Column("field", sa.Text),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
    )
    op.create_table(
        "web_jobs", _id(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        _fk("created_by", "web_users.id", "SET NULL"),
        _at("created_at"), _at("heartbeat_at", True), _at("finished_at", True),
        sa.Column("worker", sa.String(80)),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("results", Document, nullable=False),
    )
    op.create_index("ix_web_jobs_status", "web_jobs", ["status", "id"])
    op.create_table(
        "web_job_files", _id(),
        _fk("job_id", "web_jobs.id", "CASCADE", nullable=False, index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in ("web_job_files", "web_jobs", "web_audit", "web_comments", "web_versions", "web_form_findings",
                  "web_forms", "web_tasks", "web_login_attempts", "web_tokens", "web_sessions", "web_users", "web_orgs"):
        op.drop_table(table)
