"""The current forms in file and form order from an index: ``report --db`` and ``load_stored`` read
them in that order, and with only ``ix_evaluations_current`` (is_current, year) to find them SQLite
sorted the whole stream in a temporary B-tree (1.26 GB at 150 000 forms) before giving the first.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_evaluations_current_file_form", "evaluations", ["is_current", "source_file_id", "form_index"])


def downgrade() -> None:
    op.drop_index("ix_evaluations_current_file_form", table_name="evaluations")
