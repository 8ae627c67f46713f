"""The summaries a finance bureau publishes, computed from the current version of each stored form.

All money is converted exactly into one unit (元 ↔ 万元 is a power of ten, so Decimal
conversion never rounds); rates and average scores are rounded half up to 2 places
only at the end. Grades follow the form's scoring policy (rules.md item 10:
90 优 / 80 良 / 60 中 / below 差), from the total outcome.py decides (printed 总分, else the
recomputed one); blank or unfilled forms are counted apart, never as 0 points.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from sqlalchemy import exists, func, select

from ..checks import CHECKS, SEVERITY_ORDER
from ..outcome import UNFILLED_CODE
from ..scoring import get_policy
from ..scoring.rounding import round_half_up
from ..text import label_key, name_key
from ..values import Money, MoneyUnit
from .query import Db, Filters, engine_of, load_department_lists
from .rows import project_key
from .schema import EvaluationRow, FindingRow

GroupBy = Literal["department", "unit", "year"]
GROUP_BY_ZH = {"department": "主管部门", "unit": "实施单位", "year": "年度"}
# The stored grade comes from the policy's bands (rules.md item 10).
GRADES = tuple(name for _, name in get_policy("national").grade_bands)
NO_SCORE = "无得分"


@dataclass(slots=True)
class StoredForm:
    """The columns a summary needs from one stored form."""

    id: int
    year: int | None
    department: str | None
    department_key: str | None
    implementing_unit: str | None
    project_code: str | None
    project_name: str | None
    money_unit: str | None
    budget: Decimal | None
    executed: Decimal | None
    rate: Decimal | None
    recomputed_rate: Decimal | None
    total_score: Decimal | None
    recomputed_total: Decimal | None
    grade: str | None
    errors: int
    unfilled: bool = False

    @property
    def score(self) -> Decimal | None:
        """The total the grade came from (outcome.py): printed, else recomputed; none for a blank form."""
        if self.unfilled:
            return None
        return self.total_score if self.total_score is not None else self.recomputed_total

    def amount(self, value: Decimal | None, unit: MoneyUnit) -> Decimal | None:
        if value is None:
            return None
        return Money(value, self.money_unit or "元").to(unit).amount  # type: ignore[arg-type]


@dataclass(slots=True)
class GroupRow:
    name: str
    projects: int = 0
    budget: Decimal = Decimal(0)
    executed: Decimal = Decimal(0)
    rate: Decimal | None = None
    average_score: Decimal | None = None
    grades: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*GRADES, NO_SCORE), 0))
    with_errors: int = 0
    without_amounts: int = 0
    unfilled: int = 0  # blank or unfilled forms: shown apart, out of every count and average above


@dataclass(slots=True)
class CodeRow:
    code: str
    severity: str
    title: str
    forms: int
    findings: int


@dataclass(slots=True)
class ListLine:
    seq: str | None
    name: str
    amount: Decimal | None
    score: Decimal | None
    grade: str | None
    score_from: str | None


@dataclass(slots=True)
class ListView:
    title: str | None
    department: str | None
    money_unit: str | None
    total: Decimal | None
    items_sum: Decimal
    lines: list[ListLine]
    file: str


@dataclass(slots=True)
class YearRow:
    project: str
    department: str | None
    year: int | None
    budget: Decimal | None
    executed: Decimal | None
    rate: Decimal | None
    score: Decimal | None
    grade: str | None
    budget_change: Decimal | None = None
    score_change: Decimal | None = None


@dataclass(slots=True)
class Summary:
    by: GroupBy
    unit: MoneyUnit
    groups: list[GroupRow]
    total: GroupRow
    codes: list[CodeRow]
    lists: list[ListView]
    years: list[YearRow]


_COLUMNS = (EvaluationRow.id, EvaluationRow.year, EvaluationRow.department, EvaluationRow.department_key,
            EvaluationRow.implementing_unit, EvaluationRow.project_code,
            EvaluationRow.project_name, EvaluationRow.money_unit, EvaluationRow.budget, EvaluationRow.executed,
            EvaluationRow.rate, EvaluationRow.recomputed_rate, EvaluationRow.total_score,
            EvaluationRow.recomputed_total, EvaluationRow.grade, EvaluationRow.errors,
            exists().where(FindingRow.evaluation_id == EvaluationRow.id, FindingRow.code == UNFILLED_CODE))


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return round_half_up(part / whole * 100, 2) if whole else None


def _group_key(form: StoredForm, by: GroupBy) -> tuple[str, str]:
    """(key, shown name): printed variants of one name ("（政府）" / "(政府)") fall together."""
    if by == "year":
        return (f"{form.year:04d}" if form.year else "", str(form.year) if form.year else "（未填年度）")
    name = form.department if by == "department" else form.implementing_unit
    return (label_key(name), name) if name else ("", f"（未填{GROUP_BY_ZH[by]}）")


def _add(row: GroupRow, form: StoredForm, unit: MoneyUnit, scores: list[Decimal]) -> None:
    if form.unfilled:
        row.unfilled += 1
        return
    row.projects += 1
    budget, executed = form.amount(form.budget, unit), form.amount(form.executed, unit)
    if budget is None or executed is None:
        row.without_amounts += 1
    else:
        row.budget += budget
        row.executed += executed
    row.grades[form.grade or NO_SCORE] += 1
    row.with_errors += form.errors > 0
    if form.score is not None:
        scores.append(form.score)


def _finish(row: GroupRow, scores: list[Decimal]) -> GroupRow:
    row.rate = _percent(row.executed, row.budget)
    row.average_score = round_half_up(sum(scores, Decimal(0)) / len(scores), 2) if scores else None
    return row


def groups(forms: list[StoredForm], by: GroupBy, unit: MoneyUnit) -> tuple[list[GroupRow], GroupRow]:
    rows: dict[str, GroupRow] = {}
    scores: defaultdict[str, list[Decimal]] = defaultdict(list)
    total, all_scores = GroupRow("合计"), []
    for form in forms:
        key, name = _group_key(form, by)
        _add(rows.setdefault(key, GroupRow(name)), form, unit, scores[key])
        _add(total, form, unit, all_scores)
    return [_finish(rows[k], scores[k]) for k in sorted(rows)], _finish(total, all_scores)


def codes(db: Db, filters: Filters) -> list[CodeRow]:
    stmt = filters.apply(
        select(FindingRow.code, FindingRow.severity, func.count(func.distinct(FindingRow.evaluation_id)),
               func.count(FindingRow.id))
        .join(EvaluationRow, EvaluationRow.id == FindingRow.evaluation_id)
        .group_by(FindingRow.code, FindingRow.severity))
    with engine_of(db).connect() as conn:
        rows = [CodeRow(code, sev, CHECKS[code].title if code in CHECKS else code, forms, n)
                for code, sev, forms, n in conn.execute(stmt)]
    return sorted(rows, key=lambda r: (SEVERITY_ORDER.get(r.severity, 3), -r.forms, r.code))


def _file_scores(db: Db, file_id: int) -> dict[str, tuple[Decimal | None, str | None]]:
    """(score, grade) of the forms stored from one file, by normalized project name."""
    stmt = (select(EvaluationRow.project_name, EvaluationRow.total_score, EvaluationRow.recomputed_total,
                   EvaluationRow.grade).where(EvaluationRow.source_file_id == file_id))
    with engine_of(db).connect() as conn:
        return {name_key(name): (printed if printed is not None else recomputed, grade)
                for name, printed, recomputed, grade in conn.execute(stmt) if name}


def _files_of_year(db: Db, year: int) -> set[int]:
    with engine_of(db).connect() as conn:
        return {fid for (fid,) in conn.execute(select(EvaluationRow.source_file_id).where(EvaluationRow.year == year))}


def lists(db: Db, filters: Filters) -> list[ListView]:
    """Department lists as published; a list without 自评得分 takes each project's score from its form
    in the same file (marked in ``score_from``). The same list (department and title) stored from
    several files is shown once, from the most recently modified file, as forms are."""
    latest = {(label_key(dl.department or ""), label_key(dl.title or "")): dl for dl in load_department_lists(db)}
    # A list has no year of its own: it belongs to the year of the forms filed with it.
    of_year = _files_of_year(db, filters.year) if filters.year is not None else None
    out = []
    for dl in latest.values():
        if not filters.matches_department(dl.department) or (of_year is not None and dl.source_file_id not in of_year):
            continue
        forms = _file_scores(db, dl.source_file_id) if any(it.score is None for it in dl.items) else {}
        lines = []
        for it in dl.items:
            score, grade, origin = it.score, it.grade, "清单"
            if score is None and name_key(it.name) in forms:
                (score, grade), origin = forms[name_key(it.name)], "自评表"
            elif score is not None and grade is None:
                grade = get_policy("national").grade(score)
            lines.append(ListLine(it.seq, it.name, it.amount, score, grade, origin if score is not None else None))
        out.append(ListView(dl.title, dl.department, dl.money_unit, dl.total_amount,
                            sum((it.amount for it in dl.items if it.amount is not None), Decimal(0)), lines, dl.file))
    return out


def _year_row(form: StoredForm, unit: MoneyUnit) -> YearRow:
    rate = form.rate if form.rate is not None else form.recomputed_rate
    return YearRow(form.project_name or "（无名称）", form.department, form.year, form.amount(form.budget, unit),
                   form.amount(form.executed, unit), round_half_up(rate, 2) if rate is not None else None,
                   form.score, form.grade)


def _name_key(form: StoredForm) -> str | None:
    return project_key(None, form.project_name, form.department_key)


def years(forms: list[StoredForm], unit: MoneyUnit) -> list[YearRow]:
    """The same project across years: by project code, else by department and normalized name."""
    forms = [f for f in forms if not f.unfilled]
    by_code: defaultdict[str, list[StoredForm]] = defaultdict(list)
    for f in forms:
        if f.project_code and f.year:
            by_code[label_key(f.project_code)].append(f)
    chains = [fs for fs in by_code.values() if len({f.year for f in fs}) > 1]
    chained = {f.id for fs in chains for f in fs}
    by_name: defaultdict[str, list[StoredForm]] = defaultdict(list)
    for f in forms:
        if f.id not in chained and f.year and (key := _name_key(f)):
            by_name[key].append(f)
    chains += [fs for fs in by_name.values() if len({f.year for f in fs}) > 1]
    out: list[YearRow] = []
    for chain in sorted(chains, key=lambda fs: (fs[0].department or "", fs[0].project_name or "")):
        previous: YearRow | None = None
        for form in sorted(chain, key=lambda f: (f.year, f.id)):
            row = _year_row(form, unit)
            if previous is not None:
                if row.budget is not None and previous.budget is not None:
                    row.budget_change = row.budget - previous.budget
                if row.score is not None and previous.score is not None:
                    row.score_change = row.score - previous.score
            out.append(row)
            previous = row
    return out


def stored_forms(db: Db, filters: Filters) -> list[StoredForm]:
    with engine_of(db).connect() as conn:
        return [StoredForm(*row) for row in conn.execute(filters.apply(select(*_COLUMNS).order_by(EvaluationRow.id)))]


def summarize(db: Db = None, by: GroupBy = "department", unit: MoneyUnit = "万元",
              filters: Filters = Filters()) -> Summary:
    engine = engine_of(db)
    # Year-over-year needs every year whatever the year filter says; the rest only the year asked for.
    all_years = stored_forms(engine, replace(filters, year=None))
    forms = all_years if filters.year is None else [f for f in all_years if f.year == filters.year]
    group_rows, total = groups(forms, by, unit)
    return Summary(by, unit, group_rows, total, codes(engine, filters), lists(engine, filters), years(all_years, unit))
