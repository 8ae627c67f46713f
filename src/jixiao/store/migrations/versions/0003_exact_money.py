"""Money of any size, exactly: decimal text on SQLite, unconstrained NUMERIC on PostgreSQL; and
``*_real`` views with the same columns as floating-point numbers, for Datasette, pandas and the like.

Until now SQLite kept an integer of millionths (which overflows at 9 223 372 036 854.775808) and
PostgreSQL NUMERIC(24, 6). Existing values are converted exactly (138830000 → "138.830000").

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MONEY = {
    "evaluations": ("budget_initial", "budget", "executed", "rate", "rate_score", "total_score", "recomputed_rate",
                    "recomputed_total"),
    "indicators": ("weight", "score"),
    "department_lists": ("total_amount",),
    "list_items": ("amount", "score"),
}
# Beside the money, what a reader of a view needs to know which row it is.
KEYS = {
    "evaluations": ("id", "source_file_id", "form_index", "year", "project_code", "project_name", "department",
                    "implementing_unit", "money_unit", "grade", "is_current", "version"),
    "indicators": ("id", "evaluation_id", "position", "level1", "level2", "name", "unit"),
    "department_lists": ("id", "source_file_id", "list_index", "title", "department", "money_unit"),
    "list_items": ("id", "list_id", "position", "seq", "name", "grade"),
}


def _views(real: str) -> None:
    for table, columns in MONEY.items():
        money = ", ".join(f"CAST({c} AS {real}) AS {c}" for c in columns)
        op.execute(f"CREATE VIEW {table}_real AS SELECT {', '.join(KEYS[table])}, {money} FROM {table}")


def _drop_views() -> None:
    for table in MONEY:
        op.execute(f"DROP VIEW IF EXISTS {table}_real")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in MONEY.items():
            for c in columns:
                op.alter_column(table, c, type_=sa.Numeric(), postgresql_using=f"{c}::numeric")
        _views("DOUBLE PRECISION")
        return
    for table, columns in MONEY.items():
        with op.batch_alter_table(table) as batch:
            for c in columns:
                batch.alter_column(c, type_=sa.Text(), existing_type=sa.BigInteger())
        # The copied integers are now text of millionths: written out as the decimals they stand for.
        for c in columns:
            op.execute(f"UPDATE {table} SET {c} = printf('%s%d.%06d', CASE WHEN CAST({c} AS INTEGER) < 0 THEN '-' "
                       f"ELSE '' END, abs(CAST({c} AS INTEGER)) / 1000000, abs(CAST({c} AS INTEGER)) % 1000000) "
                       f"WHERE {c} IS NOT NULL")
    _views("REAL")


def downgrade() -> None:
    _drop_views()
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, columns in MONEY.items():
        if postgres:
            for c in columns:
                op.alter_column(table, c, type_=sa.Numeric(24, 6), postgresql_using=f"{c}::numeric(24, 6)")
            continue
        for c in columns:
            op.execute(f"UPDATE {table} SET {c} = CAST(round(CAST({c} AS REAL) * 1000000) AS INTEGER) "
                       f"WHERE {c} IS NOT NULL")
        with op.batch_alter_table(table) as batch:
            for c in columns:
                batch.alter_column(c, type_=sa.BigInteger(), existing_type=sa.Text())
