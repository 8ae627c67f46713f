"""The review report (审核报告): forms grouped by 主管部门, errors first, each finding with its
field, expected and found values, and a chart of execution rates and scores per department.

HTML comes from the Jinja2 template shipped in the package; PDF is the same HTML printed by
WeasyPrint (Pango + fontconfig find the CJK fonts of fonts-noto-cjk).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import sqlite3
from array import array
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator, Sequence, cast

from jinja2 import Environment, PackageLoader, select_autoescape

from ..checks import SEVERITY_ORDER, SEVERITY_ZH, CheckResult, Finding, run_checks
from ..checks.pool import Lookup, Pool
from ..errors import ExportError
from ..files import replacing
from ..limits import Limits
from ..model import COLUMN_ZH, FUNDS_ROW_ZH, DepartmentList, Evaluation
from ..outcome import Outcome, list_department, outcome
from ..pipeline import CheckedDocument, FileFailure, LateFindings, check_paths, policy_of, slim
from ..scoring import Recomputed, ScoringPolicy, get_policy
from ..scoring.rounding import show
from ..shelf import Ref, Shelf, Shelved
from ..text import label_key
from ..values import Money, fmt
from .chart import Bar, scores_chart

CHART_BARS = 60
_INDICATOR_FIELD = re.compile(r"indicators\[(\d+)\](?:\.(\w+))?")
INDICATOR_ZH = {"name": "三级指标", "target": "年度指标值", "actual": "实际完成值", "weight": "分值", "score": "得分",
                "note": "偏差原因分析及改进措施"}
PROJECT_ZH = {"code": "项目编码", "name": "项目名称", "department": "主管部门", "implementing_unit": "实施单位",
              "manager": "项目负责人", "phone": "联系电话"}
TOP_ZH = {"total": "总分", "goals": "年度总体目标", "year": "绩效自评年度", "remarks": "备注", "level1_weights": "一级指标分值",
          "expected": "预期目标", "achieved": "实际完成情况", "indicators": "绩效指标", "funds": "资金使用情况"}


def field_zh(ev: Evaluation, path: str) -> str:
    """A finding's field path in the form's own words: "indicators[2].score" → "指标3「考察天数」·得分"."""
    if m := _INDICATOR_FIELD.fullmatch(path):
        n = int(m.group(1))
        name = ev.indicators[n].name if n < len(ev.indicators) else None
        head = f"指标{n + 1}" + (f"「{name}」" if name else "")
        return head + (f"·{INDICATOR_ZH.get(m.group(2), m.group(2))}" if m.group(2) else "")
    head, *rest = path.split(".")
    if head == "funds":
        words = [FUNDS_ROW_ZH.get(p, p) if i == 0 else COLUMN_ZH.get(p, p) for i, p in enumerate(rest)]
    elif head == "project":
        words = [PROJECT_ZH.get(p, p) for p in rest]
    else:
        words = [TOP_ZH.get(head, head), *(COLUMN_ZH.get(p) or TOP_ZH.get(p) or p for p in rest)]
    return "·".join(words)


@dataclass(slots=True)
class FormEntry:
    """One form's line of the report. It keeps the form only in outline (:func:`slim`, the recomputed
    values without the indicators'), its findings' places already in words, and waits in the report's
    :class:`~jixiao.export.shelf.Shelf` (a temporary file) until the report is written: a report over
    a store of 150 000 forms holds in memory where each line is, not the lines."""

    result: CheckResult
    decided: Outcome
    number: int = 0
    places: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, result: CheckResult, decided: Outcome) -> FormEntry:
        places = [field_zh(result.ev, f.field) for f in result.findings]
        kept = replace(result, ev=slim(result.ev), recomputed=replace(result.recomputed, indicator_scores=[]))
        return cls(kept, decided, places=places)

    @property
    def ev(self) -> Evaluation:
        return self.result.ev

    @property
    def status(self) -> str:
        if self.result.has_errors():
            return "error"
        return "warning" if self.result.count("warning") else "ok"

    def sort_key(self) -> tuple[int, int, str]:
        rank = {"error": 0, "warning": 1, "ok": 2}[self.status]
        return (rank, -self.result.count("error"), self.ev.project.name or "")

    def budget_wan(self) -> str | None:
        """全年预算数 in 万元, so forms printed in 元 and in 万元 sit in one column."""
        row = self.ev.funds.total
        money: Money | None = row.full_year if row else None
        return show(money.to("万元").amount) if money else None

    def printed_rate(self) -> str | None:
        row = self.ev.funds.total
        return fmt(row.rate) if row and row.rate is not None else None

    def printed_total(self) -> str | None:
        return fmt(self.ev.total.score) if self.ev.total and self.ev.total.score is not None else None

    def findings(self) -> list[tuple[Finding, str]]:
        return list(zip(self.result.findings, self.places))


# What a line is shelved as: its policy by name (the report keeps the policies), the rest as it is.
_Packed = tuple[Evaluation, list[Finding], Recomputed, str, Outcome, list[str]]


@dataclass(slots=True)
class UnitSection:
    """One 主管部门's forms: counted as they come, their lines shelved, read back in order (``forms``)."""

    name: str
    forms: Sequence[FormEntry] = ()
    chart: str = ""
    errors: int = 0
    warnings: int = 0
    unfilled: int = 0
    _total_sum: Decimal = Decimal(0)
    _totals: int = 0

    def add(self, entry: FormEntry, sign: int = 1) -> None:
        """Count a line in (or out, ``sign`` -1: its line is replaced)."""
        status = entry.status
        self.errors += sign * (status == "error")
        self.warnings += sign * (status == "warning")
        self.unfilled += sign * (entry.decided.status == "unfilled")
        if entry.decided.total is not None:
            self._total_sum += sign * entry.decided.total
            self._totals += sign

    def average_total(self) -> str | None:
        """The mean of the totals grades come from (outcome.py), as ``summary`` computes it."""
        return show(self._total_sum / self._totals) if self._totals else None


class _Lines:
    """Where each line of the report waits on its shelf, with what it sorts by, in a temporary
    database on disk: SQLite puts the lines in order there, so a report over a store of 150 000
    forms holds about 16 bytes a line (its place on the shelf) and not its name and counts."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a private temporary database, on disk once it outgrows its cache
        self._db.execute("CREATE TABLE line (unit INTEGER, rank INTEGER, errors INTEGER, name TEXT, at INTEGER,"
                         " size INTEGER, file TEXT, form INTEGER)")
        self._db.execute("CREATE INDEX line_form ON line (file, form)")

    def add(self, unit: int, key: tuple[int, int, str], ref: Ref, form: tuple[str, int] | None = None) -> None:
        self._db.execute("INSERT INTO line VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (unit, *key, *ref, *(form or (None, None))))

    def find(self, file: str, form: int) -> tuple[int, int, Ref] | None:
        """The line of a file's form: its row, its department and its place on the shelf."""
        row = self._db.execute("SELECT rowid, unit, at, size FROM line WHERE file = ? AND form = ?", (file, form)).fetchone()
        return (row[0], row[1], (row[2], row[3])) if row else None

    def replace(self, row: int, key: tuple[int, int, str], ref: Ref) -> None:
        self._db.execute("UPDATE line SET rank = ?, errors = ?, name = ?, at = ?, size = ? WHERE rowid = ?",
                         (*key, *ref, row))

    def ordered(self, unit: int) -> Iterator[tuple[int, int, Ref]]:
        """A department's lines as :meth:`FormEntry.sort_key` orders them (ties in the order they came):
        each line's rank, its errors (negated) and its place on the shelf."""
        rows = self._db.execute("SELECT rank, errors, at, size FROM line WHERE unit = ? ORDER BY rank, errors, name, at, size",
                                (unit,))
        for rank, errors, at, size in rows:
            yield rank, errors, (at, size)


class _Refs(Sequence[Ref]):
    """Places on a shelf, in two arrays (16 bytes each)."""

    def __init__(self) -> None:
        self._at, self._size = array("q"), array("q")

    def append(self, ref: Ref) -> None:
        self._at.append(ref[0])
        self._size.append(ref[1])

    def __len__(self) -> int:
        return len(self._at)

    def __getitem__(self, n: int) -> Ref:  # type: ignore[override]
        return self._at[n], self._size[n]


@dataclass(slots=True)
class ListEntry:
    dl: DepartmentList
    findings: list[Finding]


class _Picked(Sequence[tuple[UnitSection, FormEntry]]):
    """Some forms of some units, each read back when asked for."""

    def __init__(self, units: list[UnitSection], picked: tuple[array[int], array[int]]) -> None:
        self._units, self._picked = units, picked

    def __len__(self) -> int:
        return len(self._picked[0])

    def __getitem__(self, n: int) -> tuple[UnitSection, FormEntry]:  # type: ignore[override]
        unit = self._units[self._picked[0][n]]
        return unit, unit.forms[self._picked[1][n]]


@dataclass(slots=True)
class Report:
    policy: ScoringPolicy | None  # None: each form under its template's policy
    generated: str
    inputs: list[str]
    units: list[UnitSection] = field(default_factory=list)
    lists: list[ListEntry] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)
    _shelf: Shelf = field(default_factory=Shelf)
    _lines: _Lines = field(default_factory=_Lines)
    _by_key: dict[str, UnitSection] = field(default_factory=dict)
    _units: list[UnitSection] = field(default_factory=list)  # in the order they came: their number in _lines
    _unit_ids: dict[int, int] = field(default_factory=dict)  # that number, by id()
    _policies: dict[str, ScoringPolicy] = field(default_factory=dict)
    _grades: dict[str, int] = field(default_factory=dict)
    _errors: tuple[array[int], array[int]] = field(default_factory=lambda: (array("q"), array("q")))

    def add(self, entry: FormEntry) -> None:
        """A form's line, under its department (one printed with full- or half-width brackets, with or
        without a space, is one department)."""
        name = entry.decided.department_shown
        policy = entry.result.policy
        self._policies.setdefault(policy.name, policy)
        for _, grade in policy.grade_bands:
            self._grades.setdefault(grade, 0)
        if entry.decided.grade:
            self._grades[entry.decided.grade] += 1
        r = entry.result
        packed: _Packed = (r.ev, r.findings, r.recomputed, policy.name, entry.decided, entry.places)
        unit = self._by_key.setdefault(label_key(name), UnitSection(name))
        unit.add(entry)
        if id(unit) not in self._unit_ids:
            self._unit_ids[id(unit)] = len(self._units)
            self._units.append(unit)
        src = r.ev.source
        self._lines.add(self._unit_ids[id(unit)], entry.sort_key(), self._shelf.put(packed), (src.file, src.form_index))

    def add_late(self, late: LateFindings) -> None:
        """Findings across years for a form whose line is in already (an earlier year of its project was
        read after it): its line is read back, given them and counted and sorted again."""
        found = self._lines.find(late.file, late.form_index)
        if found is None:
            return
        row, u, ref = found
        unit = self._units[u]
        old = self._unpack(0, 0, self._shelf.get(ref))
        pairs = sorted([*old.findings(), *((f, field_zh(late.form, f.field)) for f in late.findings)],
                       key=lambda pair: SEVERITY_ORDER[pair[0].severity])
        r = old.result
        entry = FormEntry(replace(r, findings=[f for f, _ in pairs]), old.decided, places=[p for _, p in pairs])
        unit.add(old, -1)
        unit.add(entry)
        packed: _Packed = (r.ev, entry.result.findings, r.recomputed, r.policy.name, entry.decided, entry.places)
        self._lines.replace(row, entry.sort_key(), self._shelf.put(packed))

    def _unpack(self, first: int, n: int, packed: object) -> FormEntry:
        """The ``n``-th line of a department whose first form is numbered ``first``."""
        ev, findings, rec, policy, decided, places = cast(_Packed, packed)
        return FormEntry(CheckResult(ev, findings, rec, self._policies[policy]), decided, first + n, places)

    def close(self) -> None:
        """Every line added: departments in order (most errors first), forms in order, numbered; the
        forms with errors listed most errors first (then by number)."""
        self.units = sorted(self._by_key.values(), key=lambda u: (-u.errors, -u.warnings, u.name))
        number = 0
        errors = _Lines()  # the forms with errors, sorted as lines are: by their errors (negated), then number
        for u, unit in enumerate(self.units):
            first = number + 1
            refs = _Refs()
            for n, (rank, neg_errors, ref) in enumerate(self._lines.ordered(self._unit_ids[id(unit)])):
                refs.append(ref)
                if rank == 0:
                    errors.add(0, (0, neg_errors, ""), (u, n))
            unit.forms = Shelved(self._shelf, refs, partial(self._unpack, first))
            number += len(unit.forms)
        units, positions = self._errors
        for _, _, (u, n) in errors.ordered(0):
            units.append(u)
            positions.append(n)

    @property
    def form_count(self) -> int:
        return sum(len(u.forms) for u in self.units)

    @property
    def error_forms(self) -> int:
        return sum(u.errors for u in self.units)

    @property
    def warning_forms(self) -> int:
        return sum(u.warnings for u in self.units)

    def error_entries(self) -> Sequence[tuple[UnitSection, FormEntry]]:
        """Forms with errors, most errors first: what the reviewer sends back."""
        return _Picked(self.units, self._errors)

    @property
    def policy_title(self) -> str:
        return self.policy.title if self.policy else "按各表所属模板的评分规则"

    def grades(self) -> dict[str, int]:
        """Forms per grade, from the total each grade comes from (outcome.py); blank forms are not graded."""
        return dict(self._grades)

    @property
    def unfilled(self) -> int:
        return sum(u.unfilled for u in self.units)


def build_report(paths: Iterable[str | os.PathLike[str]] = (), policy: ScoringPolicy | str | None = None, *,
                 stored: Iterable[tuple[Evaluation, str | None]] = (), pool: Lookup | None = None,
                 charts: bool = True, workers: int = 1, limits: Limits | None = None,
                 checked: Iterable[CheckedDocument | FileFailure | LateFindings] | None = None) -> Report:
    """The report of the ``stored`` forms (from the store, each with the 主管部门 the store decided for
    it) and of the files under ``paths``, read and checked by the pipeline's run (:func:`check_paths`,
    as ``jixiao check`` reads and checks them); ``checked`` is that run when the caller has started it
    (the CLI, with its progress bar).

    ``pool``, when given, finds the ``stored`` forms for the checks across forms (the store's
    :class:`~jixiao.store.query.StoredForms`): ``stored`` is then read once, as a stream, and no
    form is held beyond its own check (a report over a store of any size). The stored forms are
    checked against each other and the files' forms against each other, as in ``jixiao check``."""
    inputs = [str(p) for p in paths]
    chosen = get_policy(policy) if isinstance(policy, str) else policy
    report = Report(chosen, dt.datetime.now().strftime("%Y-%m-%d %H:%M"), inputs)
    if pool is None:
        stored = list(stored)
    batch = Pool((), pool) if pool is not None else Pool([ev for ev, _ in stored])
    for ev, dept in stored:
        result = run_checks(ev, policy_of(ev, policy), batch=batch)
        report.add(FormEntry.of(result, outcome(result, dept)))
    run = check_paths(inputs, policy, workers=workers, limits=limits) if checked is None else checked
    for item in run:
        if isinstance(item, FileFailure):
            report.failures.append(item)
        elif isinstance(item, LateFindings):
            report.add_late(item)
        else:
            list_dept = list_department(item.doc)
            for result in item.results:
                report.add(FormEntry.of(result, outcome(result, list_dept)))
            report.lists += [ListEntry(dl, findings) for dl, findings in item.list_findings]
    report.close()
    for unit in report.units if charts else ():
        # A department of thousands of forms gets a chart of the ones most in need (they sort first):
        # a bar per form would cost minutes and be read by no one.
        drawn = unit.forms[:CHART_BARS]
        title = unit.name if len(drawn) == len(unit.forms) else \
            f"{unit.name}（共 {len(unit.forms)} 张表，图中为排在前面的 {CHART_BARS} 张）"
        unit.chart = scores_chart([Bar(f.ev.project.name or f"第{f.number}张表", f.result.recomputed.rate,
                                       f.decided.total, f.status) for f in drawn], title)
    return report


def zh_number(n: int) -> str:
    """Section numbers as written in Chinese documents: 1 → 一, 12 → 十二, 23 → 二十三."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("jixiao.export", "templates"), autoescape=select_autoescape(["j2", "html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["svg_uri"] = lambda svg: "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    env.filters["show"] = lambda d: show(d) if d is not None else "—"
    env.filters["zh"] = zh_number
    env.globals["SEVERITY_ZH"] = SEVERITY_ZH
    return env


def render_html(report: Report) -> str:
    return _environment().get_template("report.html.j2").render(report=report)


def html_to_pdf(html: str, path: Path) -> None:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango missing from the system
        raise ExportError(str(path), f"生成 PDF 需要 WeasyPrint 及系统的 Pango 库（{exc}）") from None
    with replacing(path) as part:
        HTML(string=html).write_pdf(part)


def write_report(report: Report, path: Path) -> None:
    """``.html`` or ``.pdf`` by the target's suffix; HTML is written as it is rendered, never whole in memory."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        with replacing(path) as part, part.open("w", encoding="utf-8") as fh:
            fh.writelines(_environment().get_template("report.html.j2").generate(report=report))
    elif suffix == ".pdf":
        html_to_pdf(render_html(report), path)
    else:
        raise ExportError(str(path), "报告只能输出为 .html 或 .pdf")
