"""A web form knows its project across years (``project_key``: its 项目编码, else its 主管部门 and
normalized name, as the store keys its evaluations), so a form checked in the workflow is compared
with the same project's other years there, the way an import compares it with the store's.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jixiao.store.rows import project_key

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("web_forms", sa.Column("project_key", sa.Text))
    op.create_index("ix_web_forms_project_year", "web_forms", ["project_key", "year"])
    conn = op.get_bind()
    forms = sa.table("web_forms", sa.column("id"), sa.column("project_code"), sa.column("project_name"),
                     sa.column("department_id"), sa.column("project_key"))
    rows = conn.execute(sa.select(forms.c.id, forms.c.project_code, forms.c.project_name, forms.c.department_id)).all()
    for form_id, code, name, department_id in rows:
        key = project_key(code, name, str(department_id))
        if key is not None:
            conn.execute(sa.update(forms).where(forms.c.id == form_id).values(project_key=key))


def downgrade() -> None:
    op.drop_index("ix_web_forms_project_year", table_name="web_forms")
    op.drop_column("web_forms", "project_key")
