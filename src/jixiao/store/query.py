"""Reading the store back: evaluations (as JSON or as model objects), findings, department lists.

Exporters and reports use :func:`load_evaluations`; the CLI's ``summary`` and ``findings``
build on the same functions. Each accepts an open engine or a ``--db`` value (None means
``JIXIAO_DB`` or the default file).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Iterable, Iterator

from sqlalchemy import Engine, Select, null, select

from ..checks import SEVERITY_ORDER
from ..checks.pool import department_key, project_keys
from ..contract import evaluation_from_json
from ..model import Evaluation
from ..templates import get_template
from ..text import label_key
from .db import open_store
from .schema import DepartmentListRow, EvaluationRow, FindingRow, ListItemRow, SourceFile

Db = Engine | str | None
_CHUNK = 500


def engine_of(db: Db) -> Engine:
    return db if isinstance(db, Engine) else open_store(db)


NO_GRADE = "无得分"
# A form's review status from its stored counts: the worst severity it has.
STATUSES = {"error": "有错误", "warning": "有警告（无错误）", "clean": "无错误无警告"}
_STATUS_WHERE = {
    "error": lambda: (EvaluationRow.errors > 0,),
    "warning": lambda: (EvaluationRow.errors == 0, EvaluationRow.warnings > 0),
    "clean": lambda: (EvaluationRow.errors == 0, EvaluationRow.warnings == 0),
}


@dataclass(slots=True, frozen=True)
class Filters:
    """Which stored forms a query covers; by default the current version of every form."""

    year: int | None = None
    department: str | None = None
    all_versions: bool = False
    unit: str | None = None  # 实施单位, a part of the name as for the department
    grade: str | None = None  # 优/良/中/差, or NO_GRADE for forms without a score
    status: str | None = None  # one of STATUSES

    def apply(self, stmt: Select[Any]) -> Select[Any]:
        if not self.all_versions:
            stmt = stmt.where(EvaluationRow.is_current)
        if self.year is not None:
            stmt = stmt.where(EvaluationRow.year == self.year)
        if self.unit:
            stmt = stmt.where(EvaluationRow.implementing_unit.contains(self.unit, autoescape=True))
        if self.grade:
            stmt = stmt.where(EvaluationRow.grade.is_(None) if self.grade == NO_GRADE else EvaluationRow.grade == self.grade)
        if self.status:
            stmt = stmt.where(*_STATUS_WHERE[self.status]())
        if self.department:
            # A part of the name is enough ("相山区" finds 相山区人大办公室): people type what they remember.
            stmt = stmt.where(EvaluationRow.department_key.contains(label_key(self.department), autoescape=True))
        return stmt

    def matches_department(self, name: str | None) -> bool:
        return not self.department or label_key(self.department) in label_key(name or "")


@dataclass(slots=True)
class StoredEvaluation:
    id: int
    version: int
    is_current: bool
    file: str
    sha256: str
    document: dict[str, Any]
    checked: dict[str, Any]
    places: dict[str, Any]
    findings: list[dict[str, Any]]

    def evaluation(self) -> Evaluation:
        return evaluation_from_json(self.document, self.places)

    def check_json(self) -> dict[str, Any]:
        """The ``jixiao/check@1`` object ``jixiao check --json`` printed for this form."""
        from ..contract import check_object

        rules = self.checked.get("rules") or []  # stored before findings named their rule: none
        findings = [f | ({"rule": {"policy": rule[0], "clause": rule[1]}, "certainty": rule[2]} if rule else {})
                    for f, rule in zip(self.findings, rules + [None] * (len(self.findings) - len(rules)))]
        doc = self.document
        return check_object(doc["source"], doc["project"], self.checked["policy"], doc.get("template"), findings,
                            self.checked["recomputed"], doc["warnings"])


_FINDING_FIELDS = ("code", "severity", "field", "message", "expected", "found", "locator")


def _ordered(filters: Filters, *columns: Any) -> Any:
    """The filtered forms' ``columns``, ordered by file and form: by the form's own columns, which
    ``ix_evaluations_current_file_form`` gives in order (by the file's id, SQLite sorted every form first)."""
    return filters.apply(select(*columns).join(SourceFile, SourceFile.id == EvaluationRow.source_file_id)
                         .order_by(EvaluationRow.source_file_id, EvaluationRow.form_index))


def load_stored(db: Db = None, filters: Filters = Filters(), ids: Iterable[int] | None = None) -> list[StoredEvaluation]:
    """Stored forms with their JSON, check results and places, ordered by file and form; ``ids`` picks forms
    by their id whatever their version."""
    engine = engine_of(db)
    if ids is not None:
        filters = replace(filters, all_versions=True)
    stmt = _ordered(filters, EvaluationRow.id, EvaluationRow.version, EvaluationRow.is_current, SourceFile.path,
                    SourceFile.sha256, EvaluationRow.document, EvaluationRow.checked, EvaluationRow.places)
    if ids is not None:
        stmt = stmt.where(EvaluationRow.id.in_(list(ids)))
    with engine.connect() as conn:
        out = [StoredEvaluation(*row, findings=[]) for row in conn.execute(stmt)]
        by_id = {s.id: s for s in out}
        cols = [getattr(FindingRow, f) for f in _FINDING_FIELDS]
        for start in range(0, len(out), 500):
            ids = [s.id for s in out[start:start + 500]]
            for row in conn.execute(select(FindingRow.evaluation_id, *cols)
                                    .where(FindingRow.evaluation_id.in_(ids)).order_by(FindingRow.id)):
                by_id[row[0]].findings.append(dict(zip(_FINDING_FIELDS, row[1:])))
    return out


def load_decided(db: Db = None, filters: Filters = Filters()) -> list[tuple[Evaluation, str | None]]:
    """Stored forms as :func:`load_evaluations` gives them, each with the 主管部门 decided when it was
    imported (as printed, else the one its file's list names: :mod:`jixiao.outcome`), which the form
    itself may not print."""
    return list(iter_decided(db, filters))


def iter_decided(db: Db = None, filters: Filters = Filters()) -> Iterator[tuple[Evaluation, str | None]]:
    """:func:`load_decided` one form at a time, the rows fetched a chunk at a time: a store of any size
    is read in the memory of one chunk (``report --db``)."""
    with engine_of(db).connect() as conn:
        rows = conn.execution_options(yield_per=_CHUNK).execute(
            _ordered(filters, EvaluationRow.document, EvaluationRow.places, EvaluationRow.department))
        for document, places, department in rows:
            yield evaluation_from_json(document, places), department


class StoredForms:
    """The stored forms a query covers, as the forms loaded with each one for the checks across forms
    (a :class:`~jixiao.checks.pool.Lookup`): only their keys are held (read from the columns, not the
    documents), the forms a check asks for are fetched then.

    The project keys are held as three arrays sorted by the key's hash (a form's 8-byte hash, id and
    year, about 40 bytes a form for its two keys): a dict of key strings to lists of pairs cost about
    0.5 KB a form, what made ``report --db`` grow with the store. Two keys with one hash only give a
    check a candidate more, which it rules out as it rules out any other project's form."""

    def __init__(self, db: Db = None, filters: Filters = Filters()) -> None:
        self._engine = engine_of(db)
        self.count = 0
        hashes, ids, years = array("q"), array("q"), array("i")
        departments: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        wide: set[tuple[str, int | None]] = set()
        with self._engine.connect() as conn:
            for row_id, year, code, name, department, template in conn.execution_options(yield_per=_CHUNK * 10).execute(
                    _ordered(filters, EvaluationRow.id, EvaluationRow.year, EvaluationRow.project_code,
                             EvaluationRow.project_name, EvaluationRow.department, EvaluationRow.template)):
                self.count += 1
                if year is not None:
                    for key in project_keys(code, name):
                        hashes.append(hash(key))
                        ids.append(row_id)
                        years.append(year)
                # The stored department is the printed one when the form prints one (else its list's,
                # which the check then rules out on the form itself): a superset of the candidates.
                if dept := department_key(department):
                    if get_template(template).department_wide:
                        wide.add((dept, year))
                    else:
                        departments[(dept, year)].append(row_id)
        # Only keys that more than one form shares can pair forms; only departments with a
        # department-wide form are asked for.
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        shared = [i for n, i in enumerate(order) if (n and hashes[order[n - 1]] == hashes[i])
                  or (n + 1 < len(order) and hashes[order[n + 1]] == hashes[i])]
        del order
        self._hashes = array("q", (hashes[i] for i in shared))
        self._ids = array("q", (ids[i] for i in shared))
        self._years = array("i", (years[i] for i in shared))
        self._departments = {k: departments[k] for k in wide if k in departments}

    def _fetch(self, ids: Iterable[int]) -> list[Evaluation]:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        found: list[Evaluation] = []
        with self._engine.connect() as conn:
            for start in range(0, len(wanted), _CHUNK):
                found += [evaluation_from_json(document, places) for document, places in conn.execute(
                    select(EvaluationRow.document, EvaluationRow.places)
                    .where(EvaluationRow.id.in_(wanted[start:start + _CHUNK]))
                    .order_by(EvaluationRow.source_file_id, EvaluationRow.form_index))]
        return found

    def _sharing(self, key: str, before: int) -> Iterator[int]:
        """The ids of the forms with ``key`` (or a key of the same hash) of a year before ``before``."""
        h = hash(key)
        n = bisect_left(self._hashes, h)
        while n < len(self._hashes) and self._hashes[n] == h:
            if self._years[n] < before:
                yield self._ids[n]
            n += 1

    def earlier(self, ev: Evaluation) -> list[Evaluation]:
        if ev.year is None:
            return []
        return self._fetch(row_id for key in project_keys(ev.project.code, ev.project.name)
                           for row_id in self._sharing(key, ev.year))

    def department_forms(self, department: str, year: int | None) -> list[Evaluation]:
        return self._fetch(self._departments.get((department, year), ()))


def load_evaluations(db: Db = None, filters: Filters = Filters()) -> list[Evaluation]:
    """Stored forms as :class:`~jixiao.model.Evaluation` objects, as the parser made them (their stored
    findings are not read: whoever wants findings checks the forms again or uses :func:`load_stored`)."""
    return [ev for ev, _ in iter_decided(db, filters)]


@dataclass(slots=True)
class FindingView:
    code: str
    severity: str
    message: str
    field: str
    expected: str | None
    found: str | None
    locator: str | None
    project: str | None
    year: int | None
    department: str | None
    file: str
    form_id: int | None = None  # the stored form (``jixiao show ID``); None for a department list's finding


def load_findings(db: Db = None, filters: Filters = Filters(), codes: Iterable[str] | None = None,
                  severities: Iterable[str] | None = None) -> list[FindingView]:
    """Findings of stored forms and department lists, most severe first; ``codes`` and ``severities``
    keep only those (None: all)."""
    if isinstance(codes, str) or isinstance(severities, str):
        raise TypeError("codes and severities are collections of names, not one name")
    engine = engine_of(db)
    cols = (FindingRow.code, FindingRow.severity, FindingRow.message, FindingRow.field, FindingRow.expected,
            FindingRow.found, FindingRow.locator)
    forms = filters.apply(
        select(*cols, EvaluationRow.project_name, EvaluationRow.year, EvaluationRow.department, SourceFile.path,
               FindingRow.evaluation_id)
        .join(EvaluationRow, EvaluationRow.id == FindingRow.evaluation_id)
        .join(SourceFile, SourceFile.id == FindingRow.source_file_id))
    lists = (select(*cols, DepartmentListRow.title, null(), DepartmentListRow.department, SourceFile.path, null())
             .join(DepartmentListRow, DepartmentListRow.id == FindingRow.list_id)
             .join(SourceFile, SourceFile.id == FindingRow.source_file_id))
    rows: list[FindingView] = []
    with engine.connect() as conn:
        # A department list has no year of its own: a year filter leaves lists out.
        for is_list, stmt in ((False, forms), (True, lists)):
            if is_list and filters.year is not None:
                continue
            if codes is not None:
                stmt = stmt.where(FindingRow.code.in_(list(codes)))
            if severities is not None:
                stmt = stmt.where(FindingRow.severity.in_(list(severities)))
            rows += [FindingView(*r) for r in conn.execute(stmt.order_by(FindingRow.id))
                     if not is_list or filters.matches_department(r[9])]
    rows.sort(key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
    return rows


@dataclass(slots=True)
class StoredListItem:
    seq: str | None
    name: str
    amount: Decimal | None
    score: Decimal | None
    grade: str | None


@dataclass(slots=True)
class StoredList:
    source_file_id: int
    title: str | None
    department: str | None
    money_unit: str | None
    total_amount: Decimal | None
    file: str
    items: list[StoredListItem]


def load_department_lists(db: Db = None) -> list[StoredList]:
    """Every stored department list, oldest file first."""
    engine = engine_of(db)
    with engine.connect() as conn:
        heads = conn.execute(
            select(DepartmentListRow.id, DepartmentListRow.source_file_id, DepartmentListRow.title, DepartmentListRow.department,
                   DepartmentListRow.money_unit, DepartmentListRow.total_amount, SourceFile.path)
            .join(SourceFile, SourceFile.id == DepartmentListRow.source_file_id)
            .order_by(SourceFile.modified_at, DepartmentListRow.id)).all()
        items: dict[int, list[StoredListItem]] = {h[0]: [] for h in heads}
        for lid, *rest in conn.execute(
                select(ListItemRow.list_id, ListItemRow.seq, ListItemRow.name, ListItemRow.amount, ListItemRow.score,
                       ListItemRow.grade).order_by(ListItemRow.list_id, ListItemRow.position)):
            items[lid].append(StoredListItem(*rest))
    return [StoredList(*h[1:], items=items[h[0]]) for h in heads]

