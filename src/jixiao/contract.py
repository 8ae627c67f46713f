"""The machine contract of the CLI's JSON (design/overview.md): evaluation@1, department-list@1 and
check@1, each built in one place.

``jixiao parse/check --json``, the store (which keeps evaluation@1 and rebuilds check@1 from it), the
JSON exporter and the web app all call these, so they cannot drift: the contract only grows by adding
fields. Money and scores are strings holding the decimal as printed. Its inverse is here too:
:func:`evaluation_from_json` reads evaluation@1 back (a stored form, a web draft) into the model, for
everything the contract carries; places come from the store's ``places`` column (the JSON only has their text).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping, Sequence

from .checks import CheckResult, Finding
from .model import (
    EXTRA_FUNDS_ROWS,
    FUNDS_ROWS,
    DepartmentList,
    Evaluation,
    Funds,
    FundsRow,
    Goals,
    How,
    Indicator,
    Project,
    Source,
    Total,
    no_parts,
)
from .notes import Note
from .place import Place
from .scoring.policy import indicator_unit
from .text import normalized
from .values import Money, fmt, parse_measure

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
           "department_list_json", "evaluation_from_json", "evaluation_json", "list_check_json", "parts_seen"]


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


# ---------------------------------------------------------------- evaluation@1 read back
def _dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _money(text: str | None, unit: Any) -> Money | None:
    return Money(Decimal(text), unit or "元") if text is not None else None


def _read_funds_row(data: dict[str, Any] | None, unit: Any) -> FundsRow | None:
    if data is None:
        return None
    return FundsRow(_money(data["initial"], unit), _money(data["full_year"], unit), _money(data["executed"], unit),
                    _dec(data["weight"]), _dec(data["rate"]), _dec(data["score"]), data.get("reason"))


def _read_indicator(data: dict[str, Any]) -> Indicator:
    return Indicator(data["level1"], data["level2"], data["name"], data["target"], data["actual"],
                     _dec(data["weight"]), _dec(data["score"]), data["note"], data.get("level1_text"),
                     data.get("level2_text"), parse_measure(data["target"] or ""), parse_measure(data["actual"] or ""),
                     nature=data.get("nature"), unit=data.get("unit_printed"), core=data.get("core"),
                     coefficient=_dec(data.get("coefficient")), target_initial=data.get("target_initial"))


def _notes(doc: dict[str, Any]) -> list[Note]:
    """The typed notes; a document stored before notes existed keeps its rendered warnings."""
    if "notes" in doc:
        return [Note.from_json(n) for n in doc["notes"]]
    return [Note("reader", None, {"text": w}) for w in doc.get("warnings", [])]


def parts_seen(doc: dict[str, Any]) -> dict[str, How]:
    """Parts of a form stored before parts_found existed: found where the JSON has their values."""
    parts = no_parts()
    total = doc.get("total") or {}
    seen = {"header": any(v for k, v in doc["project"].items() if k != "name_normalized") or doc.get("year"),
            "funds": any(doc["funds"].values()), "goals": any(doc["goals"].values()),
            "indicators": doc["indicators"], "total": total.get("score") is not None}
    for part, ok in seen.items():
        if ok:
            parts[part] = "label-matched"
    return parts


def evaluation_from_json(doc: dict[str, Any], places: dict[str, Any] | None = None) -> Evaluation:
    places = places or {}
    src = doc["source"]
    p = doc["project"]
    unit = doc.get("money_unit")
    total = doc.get("total")
    return Evaluation(
        source=Source(src["file"], src["format"], src["form_index"], Place(*places.get("source", ()))),
        year=doc.get("year"),
        project=Project(p["code"], p["name"], p["department"], p["implementing_unit"], p["manager"], p["phone"],
                        p.get("finance_manager"), p.get("finance_office")),
        money_unit=unit,
        funds=Funds(**{k: _read_funds_row(doc["funds"].get(k), unit) for k in FUNDS_ROWS + EXTRA_FUNDS_ROWS}),
        goals=Goals(doc["goals"]["expected"], doc["goals"]["achieved"], doc["goals"].get("initial")),
        indicators=[_read_indicator(i) for i in doc["indicators"]],
        level1_weights={k: Decimal(v) for k, v in doc.get("level1_weights", {}).items()},
        total=Total(_dec(total["weight"]), _dec(total["score"])) if total else None,
        remarks=doc.get("remarks"),
        title=doc.get("title"),
        template=doc.get("template", "national"),
        report_code=doc.get("report_code"), implementation=doc.get("implementation"), conclusion=doc.get("conclusion"),
        problems=doc.get("problems"), improvements=doc.get("improvements"),
        notes=_notes(doc),
        parts_found=dict(doc["parts_found"]) if "parts_found" in doc else parts_seen(doc),
        locators={k: Place(*v) for k, v in places.get("fields", {}).items()},
    )
