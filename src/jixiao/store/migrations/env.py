"""Alembic environment: always run by :func:`jixiao.store.db.migrate` on a connection it passes in."""

from __future__ import annotations

from alembic import context

from jixiao.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
