"""The machine contract of the CLI's JSON (design/overview.md): evaluation@1, department-list@1 and
check@1, each built in one place.

``jixiao parse/check --json``, the store (which keeps evaluation@1 and rebuilds check@1 from it), the
JSON exporter and the web app all call these, so they cannot drift: the contract only grows by adding
fields. Money and scores are strings holding the decimal as printed. The inverse for stored forms is
:func:`jixiao.store.rebuild.evaluation_from_json`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from .checks import CheckResult, Finding
from .model import EXTRA_FUNDS_ROWS, FUNDS_ROWS, DepartmentList, Evaluation, FundsRow, Indicator
from .scoring.policy import indicator_unit
from .text import normalized
from .values import fmt

SCHEMA = "jixiao/evaluation@1"
LIST_SCHEMA = "jixiao/department-list@1"


def _present(**fields: Any) -> dict[str, Any]:
    """Fields only some templates print: emitted when the form has them, so T1 output stays as it is."""
    return {k: v for k, v in fields.items() if v is not None}


def _funds_row(row: FundsRow | None) -> dict[str, str | None] | None:
    if row is None:
        return None
    return {
        "initial": fmt(row.initial.amount) if row.initial else None,
        "full_year": fmt(row.full_year.amount) if row.full_year else None,
        "executed": fmt(row.executed.amount) if row.executed else None,
        "weight": fmt(row.weight),
        "rate": fmt(row.rate),
        "score": fmt(row.score),
    } | _present(reason=row.reason)


def _indicator(ind: Indicator) -> dict[str, Any]:
    out: dict[str, Any] = {
        "level1": ind.level1,
        "level2": ind.level2,
        "name": ind.name,
        "target": ind.target,
        "actual": ind.actual,
        "weight": fmt(ind.weight),
        "score": fmt(ind.score),
        "note": ind.note,
        "level1_text": ind.level1_text,
        "level2_text": ind.level2_text,
        "placeholder": ind.is_placeholder,
        "unit": ind.unit or indicator_unit(ind) or (ind.target_measure.unit if ind.target_measure else None),
    }
    out |= _present(nature=ind.nature, unit_printed=ind.unit, target_initial=ind.target_initial,
                    coefficient=fmt(ind.coefficient), core=ind.core)
    if ind.target_measure and ind.target_measure.kind not in ("empty",):
        out["target_parsed"] = ind.target_measure.to_json()
    if ind.actual_measure and ind.actual_measure.kind not in ("empty",):
        out["actual_parsed"] = ind.actual_measure.to_json()
    return out


def evaluation_json(ev: Evaluation) -> dict[str, Any]:
    p = ev.project
    return {
        "schema": SCHEMA,
        "source": ev.source.to_json(),
        "template": ev.template,
        "title": ev.title,
        "year": ev.year,
        "project": {
            "code": p.code,
            "name": p.name,
            "department": p.department,
            "implementing_unit": p.implementing_unit,
            "manager": p.manager,
            "phone": p.phone,
            "name_normalized": normalized(p.name) if p.name else None,
        } | _present(finance_manager=p.finance_manager, finance_office=p.finance_office),
        "money_unit": ev.money_unit,
        "funds": {k: _funds_row(getattr(ev.funds, k)) for k in FUNDS_ROWS}
        | {k: _funds_row(row) for k in EXTRA_FUNDS_ROWS if (row := getattr(ev.funds, k)) is not None},
        "goals": {"expected": ev.goals.expected, "achieved": ev.goals.achieved} | _present(initial=ev.goals.initial),
        "indicators": [_indicator(i) for i in ev.indicators],
        "level1_weights": {k: fmt(v) for k, v in ev.level1_weights.items()},
        "total": {"weight": fmt(ev.total.weight), "score": fmt(ev.total.score)} if ev.total else None,
        "remarks": ev.remarks,
        **_present(report_code=ev.report_code, implementation=ev.implementation, conclusion=ev.conclusion,
                   problems=ev.problems, improvements=ev.improvements),
        "warnings": list(ev.warnings),
        "notes": [n.to_json() for n in ev.notes],
        "parts_found": dict(ev.parts_found),
        "locators": {k: v.describe() for k, v in ev.locators.items()},
    }


def department_list_json(dl: DepartmentList) -> dict[str, Any]:
    return {
        "schema": LIST_SCHEMA,
        "source": dl.source.to_json(),
        "title": dl.title,
        "department": dl.department,
        "money_unit": dl.money_unit,
        "items": [
            {"seq": it.seq, "name": it.name, "amount": fmt(it.amount), "score": fmt(it.score),
             "grade": it.grade, "note": it.note, "locator": it.place.describe() if it.place else None}
            for it in dl.items
        ],
        "total": {"amount": fmt(dl.total_amount)},
        "warnings": list(dl.warnings),
    }


CHECK_SCHEMA = "jixiao/check@1"
LIST_CHECK_SCHEMA = "jixiao/department-list-check@1"

__all__ = ["CHECK_SCHEMA", "LIST_CHECK_SCHEMA", "LIST_SCHEMA", "SCHEMA", "check_json", "check_object",
           "department_list_json", "evaluation_json", "list_check_json"]


def check_object(source: Mapping[str, Any], project: Mapping[str, Any], policy: str, template: str | None,
                 findings: Sequence[Mapping[str, Any]], recomputed: Mapping[str, Any],
                 warnings: Sequence[str]) -> dict[str, Any]:
    """A check@1 object from its JSON parts (a live check or a stored one)."""
    return {
        "schema": CHECK_SCHEMA,
        "source": dict(source),
        "project": {"name": project.get("name"), "code": project.get("code")},
        "policy": policy,
        "template": template,
        "findings": [dict(f) for f in findings],
        "recomputed": dict(recomputed),
        "warnings": list(warnings),
    }


def check_json(r: CheckResult, findings: Sequence[Finding] | None = None) -> dict[str, Any]:
    """The check@1 object of one checked form; ``findings`` when only some are shown (--only, --severity)."""
    ev = r.ev
    return check_object(ev.source.to_json(), {"name": ev.project.name, "code": ev.project.code}, r.policy.name,
                        ev.template, [f.to_json() for f in (r.findings if findings is None else findings)],
                        r.recomputed.to_json(), ev.warnings)


def list_check_json(dl: DepartmentList, findings: Sequence[Finding]) -> dict[str, Any]:
    return {"schema": LIST_CHECK_SCHEMA, "source": dl.source.to_json(), "title": dl.title,
            "findings": [f.to_json() for f in findings]}
