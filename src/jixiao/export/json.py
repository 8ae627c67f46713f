"""The machine contract of ``jixiao parse --json`` (schema ``jixiao/evaluation@1``).

Field names and shapes follow ``shared/design/overview.md``; the contract grows only
by adding fields. Money and scores are strings holding the decimal as printed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model import FUNDS_ROWS, DepartmentList, Evaluation, FundsRow, Indicator
from ..scoring.policy import ScoringPolicy, indicator_unit
from ..text import normalized
from ..values import fmt
from . import register_exporter

SCHEMA = "jixiao/evaluation@1"
LIST_SCHEMA = "jixiao/department-list@1"


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
    }


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
        "unit": indicator_unit(ind) or (ind.target_measure.unit if ind.target_measure else None),
    }
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
        },
        "money_unit": ev.money_unit,
        "funds": {k: _funds_row(getattr(ev.funds, k)) for k in FUNDS_ROWS},
        "goals": {"expected": ev.goals.expected, "achieved": ev.goals.achieved},
        "indicators": [_indicator(i) for i in ev.indicators],
        "level1_weights": {k: fmt(v) for k, v in ev.level1_weights.items()},
        "total": {"weight": fmt(ev.total.weight), "score": fmt(ev.total.score)} if ev.total else None,
        "remarks": ev.remarks,
        "warnings": list(ev.warnings),
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


@register_exporter("json", "json", "JSON（jixiao/evaluation@1）")
def write_json(items: list[tuple[Evaluation, Path]], policy: ScoringPolicy) -> None:
    for ev, path in items:
        path.write_text(json.dumps(evaluation_json(ev), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
