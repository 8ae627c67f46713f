"""Initial store: source files, evaluations (versioned), indicators, department lists, findings.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jixiao.store.schema import Document

# The money type of this revision (0003 replaced it): NUMERIC(24, 6), an integer of millionths on SQLite.
Exact = sa.BigInteger().with_variant(sa.Numeric(24, 6), "postgresql")

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _file_fk() -> sa.Column:
    return sa.Column("source_file_id", sa.Integer, sa.ForeignKey("source_files.id", ondelete="CASCADE"),
                     nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "source_files", _id(),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("forms", sa.Integer, nullable=False),
        sa.Column("lists", sa.Integer, nullable=False),
        sa.Column("warnings", Document, nullable=False),
    )
    op.create_table(
        "evaluations", _id(), _file_fk(),
        sa.Column("form_index", sa.Integer, nullable=False),
        sa.Column("locator", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("project_code", sa.String(64)),
        sa.Column("project_name", sa.Text),
        sa.Column("project_key", sa.Text),
        sa.Column("department", sa.Text),
        sa.Column("department_key", sa.Text),
        sa.Column("implementing_unit", sa.Text),
        sa.Column("template", sa.String(40), nullable=False),
        sa.Column("policy", sa.String(40), nullable=False),
        sa.Column("money_unit", sa.String(8)),
        *(sa.Column(name, Exact) for name in ("budget_initial", "budget", "executed", "rate", "rate_score",
                                               "total_score", "recomputed_rate", "recomputed_total")),
        sa.Column("grade", sa.String(4)),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("document", Document, nullable=False),
        sa.Column("checked", Document, nullable=False),
        sa.Column("places", Document, nullable=False),
    )
    op.create_index("ix_evaluations_project_year", "evaluations", ["project_key", "year"])
    op.create_index("ix_evaluations_current", "evaluations", ["is_current", "year"])
    op.create_table(
        "indicators", _id(),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("level1", sa.Text),
        sa.Column("level2", sa.Text),
        sa.Column("name", sa.Text),
        sa.Column("unit", sa.String(40)),
        sa.Column("target", sa.Text),
        sa.Column("actual", sa.Text),
        sa.Column("weight", Exact),
        sa.Column("score", Exact),
        sa.Column("note", sa.Text),
        sa.Column("placeholder", sa.Boolean, nullable=False),
    )
    op.create_table(
        "department_lists", _id(), _file_fk(),
        sa.Column("list_index", sa.Integer, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("department", sa.Text),
        sa.Column("money_unit", sa.String(8)),
        sa.Column("total_amount", Exact),
        sa.Column("document", Document, nullable=False),
    )
    op.create_table(
        "list_items", _id(),
        sa.Column("list_id", sa.Integer, sa.ForeignKey("department_lists.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("seq", sa.String(40)),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("amount", Exact),
        sa.Column("score", Exact),
        sa.Column("grade", sa.String(20)),
        sa.Column("note", sa.Text),
        sa.Column("locator", sa.Text),
    )
    op.create_table(
        "findings", _id(), _file_fk(),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id", ondelete="CASCADE"), index=True),
        sa.Column("list_id", sa.Integer, sa.ForeignKey("department_lists.id", ondelete="CASCADE"), index=True),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("expected", sa.Text),
        sa.Column("found", sa.Text),
        sa.Column("locator", sa.Text),
    )
    op.create_index("ix_findings_code", "findings", ["code"])


def downgrade() -> None:
    for table in ("findings", "list_items", "department_lists", "indicators", "evaluations", "source_files"):
        op.drop_table(table)
