"""One file, parsed and checked, as plain rows ready to insert (built in a worker process).

Everything here is picklable data: the importer's workers build it and the single
writing process inserts it, so parsing runs in parallel while the database sees one
writer and one transaction per file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..checks import CheckResult, Finding
from ..contract import department_list_json, evaluation_json
from ..ingest.grid import Place
from ..model import DepartmentList
from ..outcome import list_department, outcome
from ..pipeline import CheckedDocument
from ..scoring.rounding import round_half_up
from ..text import label_key, name_key
from .schema import SCALE, Encoded, dumps


@dataclass(slots=True)
class FormRows:
    evaluation: dict[str, Any]
    indicators: list[dict[str, Any]]
    findings: list[dict[str, Any]]


@dataclass(slots=True)
class ListRows:
    department_list: dict[str, Any]
    items: list[dict[str, Any]]
    findings: list[dict[str, Any]]


@dataclass(slots=True)
class FileRows:
    source: dict[str, Any]
    forms: list[FormRows] = field(default_factory=list)
    lists: list[ListRows] = field(default_factory=list)


def project_key(code: str | None, name: str | None, department_key: str | None) -> str | None:
    """Identity of a project across files and years: its code, else its department and normalized name."""
    if code and label_key(code):
        return "code:" + label_key(code)
    if name and name_key(name):
        return f"name:{department_key or ''}/{name_key(name)}"
    return None


def _encoded(obj: object) -> Encoded:
    return Encoded(dumps(obj))


def _place(place: Place) -> list[object]:
    """A Place as a short list: trailing empty parts dropped ([78, 5] for line 78, col 5)."""
    parts = list(place)
    while parts and parts[-1] is None:
        parts.pop()
    return parts


def finding_row(f: Finding) -> dict[str, Any]:
    return {"code": f.code, "severity": f.severity, "field": f.field, "message": f.message,
            "expected": f.expected, "found": f.found, "locator": f.locator}


def _form_rows(r: CheckResult, list_dept: str | None) -> FormRows:
    ev, rec = r.ev, r.recomputed
    funds = ev.funds.total
    decided = outcome(r, list_dept)
    department = decided.department
    department_key = label_key(department) if department else None
    printed_total = ev.total.score if ev.total else None
    document = evaluation_json(ev)
    evaluation = {
        "form_index": ev.source.form_index,
        "locator": ev.source.place.describe(),
        "year": ev.year,
        "project_code": ev.project.code,
        "project_name": ev.project.name,
        "project_key": project_key(ev.project.code, ev.project.name, department_key),
        "department": department,
        "department_key": department_key,
        "implementing_unit": ev.project.implementing_unit,
        "template": ev.template,
        "policy": r.policy.name,
        "money_unit": ev.money_unit,
        "budget_initial": funds.initial.amount if funds and funds.initial else None,
        "budget": funds.full_year.amount if funds and funds.full_year else None,
        "executed": funds.executed.amount if funds and funds.executed else None,
        "rate": funds.rate if funds else None,
        "rate_score": funds.score if funds else None,
        "total_score": printed_total,
        # Derived values may not terminate (1/3); printed ones are stored as printed.
        "recomputed_rate": round_half_up(rec.rate, SCALE) if rec.rate is not None else None,
        "recomputed_total": round_half_up(rec.total, SCALE) if rec.total is not None else None,
        "grade": decided.grade,
        "errors": r.count("error"),
        "warnings": r.count("warning"),
        # Serialized here, in the worker, so that the single writing process does less.
        "document": _encoded(document),
        # The rule and certainty of each finding, in the findings' order (the findings table keeps the rest).
        "checked": _encoded({"policy": r.policy.name, "recomputed": rec.to_json(),
                             "rules": [[f.policy, f.clause, f.certainty] for f in r.findings]}),
        "places": _encoded({"source": _place(ev.source.place),
                            "fields": {k: _place(v) for k, v in ev.locators.items()}}),
    }
    indicators = [
        {"position": n, "level1": ind.level1, "level2": ind.level2, "name": ind.name, "unit": data["unit"],
         "target": ind.target, "actual": ind.actual, "weight": ind.weight, "score": ind.score, "note": ind.note,
         "placeholder": data["placeholder"]}
        for n, (ind, data) in enumerate(zip(ev.indicators, document["indicators"]))
    ]
    return FormRows(evaluation, indicators, [finding_row(f) for f in r.findings])


def _list_rows(dl: DepartmentList, findings: list[Finding]) -> ListRows:
    row = {"list_index": dl.source.form_index, "title": dl.title, "department": dl.department,
           "money_unit": dl.money_unit, "total_amount": dl.total_amount, "document": _encoded(department_list_json(dl))}
    items = [{"position": n, "seq": it.seq, "name": it.name, "amount": it.amount, "score": it.score,
              "grade": it.grade, "note": it.note, "locator": it.place.describe() if it.place else None}
             for n, it in enumerate(dl.items)]
    return ListRows(row, items, [finding_row(f) for f in findings])


def file_rows(checked: CheckedDocument, sha256: str) -> FileRows:
    """One file read and checked by the pipeline (:func:`jixiao.pipeline.check_each`, in a worker),
    flattened into rows. Checks across files are left to the store (a form seen again becomes a
    version, and a project's years are compared in the writer's transaction)."""
    doc = checked.doc
    stat = Path(doc.file).stat()
    out = FileRows({
        "sha256": sha256, "path": doc.file, "format": doc.format, "size": stat.st_size,
        "modified_at": datetime.fromtimestamp(stat.st_mtime, timezone.utc),
        "forms": len(doc.evaluations), "lists": len(doc.lists), "warnings": list(doc.warnings),
    })
    list_dept = list_department(doc)
    out.forms = [_form_rows(r, list_dept) for r in checked.results]
    out.lists = [_list_rows(dl, fs) for dl, fs in checked.list_findings]
    return out
