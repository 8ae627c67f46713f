"""A form (and a department list) is stored once per file: unique (file, index) in the database too.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ux_evaluations_file_form", "evaluations", ["source_file_id", "form_index"], unique=True)
    op.create_index("ux_department_lists_file_list", "department_lists", ["source_file_id", "list_index"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_department_lists_file_list", "department_lists")
    op.drop_index("ux_evaluations_file_form", "evaluations")
