"""The review list answered from indexes with 100 000 forms: each sort has an index in its order, and
status with grade (the list's commonest filter pair) leads one that ends in the default sort, so a page
and its count never read the forms' rows (each holds its whole document) beyond the fifty shown.

The money columns sort as numbers (``CAST(... AS NUMERIC)``, as the list orders by): SQLite keeps
them as decimal text, PostgreSQL as NUMERIC, where the cast is the column itself.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES: dict[str, list[str | sa.TextClause]] = {
    "ix_web_forms_status_grade": ["status", "grade", "errors", "warnings", "id"],
    "ix_web_forms_total": [sa.text("CAST(total AS NUMERIC)"), "id"],
    "ix_web_forms_rate": [sa.text("CAST(rate AS NUMERIC)"), "id"],
    "ix_web_forms_updated": ["updated_at", "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "web_forms", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="web_forms")
