"""The store's tables (SQLAlchemy 2.x declarative models).

Money and scores use :class:`Exact`: NUMERIC on PostgreSQL, decimal text on SQLite, of
any size. Either way a value goes in and comes out as the same ``Decimal``; amounts
keep the form's unit beside them (``money_unit``). The printed strings themselves
live in ``document``, the ``jixiao/evaluation@1`` JSON, so nothing the form said is lost.

The tables are created by the Alembic migrations in ``migrations/``; these models are
what queries use, and a test checks the two agree.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

# Places kept of a derived value that may not terminate (1/3); printed values are kept as printed.
SCALE = 6


class Exact(TypeDecorator[Decimal]):
    """A Decimal of any size stored exactly: unconstrained NUMERIC on PostgreSQL, the decimal's text
    on SQLite (whose NUMERIC is a float and whose integers stop at 2^63). A value comes back as the
    same ``Decimal``, printed places included. The ``*_real`` views give other tools the same columns
    as floating-point numbers (migration 0003)."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(asdecimal=True))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
Document = JSON().with_variant(JSONB(), "postgresql")


class Encoded(str):
    """JSON already serialized (by an import worker): the store's serializer passes it through."""


def dumps(obj: object) -> str:
    """The engines' JSON serializer; Chinese kept readable (and a third smaller than \\u escapes)."""
    return obj if isinstance(obj, Encoded) else json.dumps(obj, ensure_ascii=False)


class Base(DeclarativeBase):
    pass


class SourceFile(Base):
    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    forms: Mapped[int] = mapped_column(Integer)
    lists: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[list[str]] = mapped_column(Document)


class EvaluationRow(Base):
    __tablename__ = "evaluations"
    __table_args__ = (
        Index("ix_evaluations_project_year", "project_key", "year"),
        Index("ix_evaluations_current", "is_current", "year"),
        Index("ix_evaluations_current_file_form", "is_current", "source_file_id", "form_index"),
        Index("ux_evaluations_file_form", "source_file_id", "form_index", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"), index=True)
    form_index: Mapped[int] = mapped_column(Integer)
    locator: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    project_code: Mapped[str | None] = mapped_column(String(64))
    project_name: Mapped[str | None] = mapped_column(Text)
    project_key: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    department_key: Mapped[str | None] = mapped_column(Text)
    implementing_unit: Mapped[str | None] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(40))
    policy: Mapped[str] = mapped_column(String(40))
    money_unit: Mapped[str | None] = mapped_column(String(8))
    budget_initial: Mapped[Decimal | None] = mapped_column(Exact)
    budget: Mapped[Decimal | None] = mapped_column(Exact)
    executed: Mapped[Decimal | None] = mapped_column(Exact)
    rate: Mapped[Decimal | None] = mapped_column(Exact)
    rate_score: Mapped[Decimal | None] = mapped_column(Exact)
    total_score: Mapped[Decimal | None] = mapped_column(Exact)
    recomputed_rate: Mapped[Decimal | None] = mapped_column(Exact)
    recomputed_total: Mapped[Decimal | None] = mapped_column(Exact)
    grade: Mapped[str | None] = mapped_column(String(4))
    errors: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean)
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    checked: Mapped[dict[str, Any]] = mapped_column(Document)
    places: Mapped[dict[str, Any]] = mapped_column(Document)


class IndicatorRow(Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    level1: Mapped[str | None] = mapped_column(Text)
    level2: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(Text)
    actual: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[Decimal | None] = mapped_column(Exact)
    score: Mapped[Decimal | None] = mapped_column(Exact)
    note: Mapped[str | None] = mapped_column(Text)
    placeholder: Mapped[bool] = mapped_column(Boolean)


class DepartmentListRow(Base):
    __tablename__ = "department_lists"
    __table_args__ = (Index("ux_department_lists_file_list", "source_file_id", "list_index", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"), index=True)
    list_index: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    money_unit: Mapped[str | None] = mapped_column(String(8))
    total_amount: Mapped[Decimal | None] = mapped_column(Exact)
    document: Mapped[dict[str, Any]] = mapped_column(Document)


class ListItemRow(Base):
    __tablename__ = "list_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("department_lists.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    seq: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Exact)
    score: Mapped[Decimal | None] = mapped_column(Exact)
    grade: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    locator: Mapped[str | None] = mapped_column(Text)


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"), index=True)
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    list_id: Mapped[int | None] = mapped_column(ForeignKey("department_lists.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    field: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    expected: Mapped[str | None] = mapped_column(Text)
    found: Mapped[str | None] = mapped_column(Text)
    locator: Mapped[str | None] = mapped_column(Text)
