"""Issue 13 item 7: ``check`` and ``report --db`` stream, memory flat in the number of files and
forms. What each test holds down is one thing that used to grow (or sort) with the run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

from jixiao.store.db import open_store
from jixiao.store.importer import import_paths
from jixiao.store.query import Filters, _ordered
from jixiao.store.schema import EvaluationRow

from .forms import Form


def _plan(db: Path, stmt) -> str:  # noqa: ANN001 - a SQLAlchemy select
    sql = str(stmt.compile(dialect=sqlite_dialect(), compile_kwargs={"literal_binds": True}))
    with sqlite3.connect(db) as conn:
        return "\n".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


def test_the_stored_forms_come_in_order_from_an_index_not_a_sort_of_all_of_them(tmp_path: Path) -> None:
    # report --db over 150 000 forms: SQLite sorted every current form into a 1.26 GB temporary B-tree
    # before giving the first one (the order was the joined file's id; the index only had is_current, year).
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(Form(code=f"C-{n}", name=f"项目{n}").text(), encoding="utf-8")
    db = tmp_path / "store.db"
    engine = open_store(f"sqlite:///{db}")
    import_paths([folder], engine)
    engine.dispose()
    for filters in (Filters(), Filters(year=2023), Filters(department="局")):
        plan = _plan(db, _ordered(filters, EvaluationRow.document, EvaluationRow.places))
        assert "TEMP B-TREE" not in plan, plan
        assert "ix_evaluations_current_file_form" in plan
