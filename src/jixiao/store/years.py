"""A project's years compared against what the store holds, when forms are written into it.

``jixiao check`` compares the years of one project loaded in one run (:mod:`jixiao.checks.years`);
an import brings one year at a time, so the comparison is made here, in the writer's transaction:
every current form of a project touched by the write is checked again against the project's other
current years in the store. A new year gets its findings against the earlier years stored; a
stored later year gets them against the newly written one (its previous year may have changed);
a stored form whose findings across years are unchanged is not written to.

A project is the store's ``project_key`` (its 项目编码, else its 主管部门 and normalized name),
and within it the check's own rule (:func:`jixiao.checks.years.previous_year`) decides.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, cast

from sqlalchemy import Connection, Table, delete, insert, select, update

from ..checks import SEVERITY_ORDER, Finding, run_checks
from ..checks.years import codes
from ..contract import evaluation_from_json
from ..model import Evaluation
from ..pipeline import policy_of
from ..scoring.policy import POLICIES
from .rows import finding_row
from .schema import EvaluationRow, FindingRow

E = cast(Table, EvaluationRow.__table__)
F = cast(Table, FindingRow.__table__)
_CHUNK = 500
_FIELDS = ("code", "severity", "field", "message", "expected", "found", "locator")


@dataclass(slots=True)
class _Stored:
    id: int
    source_file_id: int
    ev: Evaluation
    policy: str
    checked: dict[str, Any]


def _groups(conn: Connection, keys: list[str]) -> list[list[int]]:
    """The ids of the current forms of each project in ``keys`` that the store holds in two years or more."""
    by_key: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for start in range(0, len(keys), _CHUNK):
        for row_id, key, year in conn.execute(
                select(E.c.id, E.c.project_key, E.c.year)
                .where(E.c.project_key.in_(keys[start:start + _CHUNK]), E.c.is_current, E.c.year.is_not(None))):
            by_key[key].append((row_id, year))
    return [[i for i, _ in rows] for rows in by_key.values() if len({y for _, y in rows}) > 1]


def _load(conn: Connection, ids: list[int]) -> dict[int, _Stored]:
    out: dict[int, _Stored] = {}
    for start in range(0, len(ids), _CHUNK):
        for row_id, file_id, document, places, policy, checked in conn.execute(
                select(E.c.id, E.c.source_file_id, E.c.document, E.c.places, E.c.policy, E.c.checked)
                .where(E.c.id.in_(ids[start:start + _CHUNK]))):
            out[row_id] = _Stored(row_id, file_id, evaluation_from_json(document, places), policy, checked)
    return out


def _findings(conn: Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The stored findings of each form, in their order (the order of their rules in ``checked``)."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        for row in conn.execute(select(F.c.evaluation_id, *(F.c[f] for f in _FIELDS))
                                .where(F.c.evaluation_id.in_(ids[start:start + _CHUNK])).order_by(F.c.id)):
            out[row[0]].append(dict(zip(_FIELDS, row[1:])))
    return out


def _rewrite(conn: Connection, form: _Stored, stored: list[dict[str, Any]], found: list[Finding]) -> None:
    """Replace the form's findings across years by ``found``; the others, and their rules, stay as they were."""
    mine = codes()
    rules = list(form.checked.get("rules") or [])
    rules += [None] * (len(stored) - len(rules))
    kept = [(f, r) for f, r in zip(stored, rules) if f["code"] not in mine]
    merged = kept + [(finding_row(f), [f.policy, f.clause, f.certainty]) for f in found]
    merged.sort(key=lambda pair: SEVERITY_ORDER[pair[0]["severity"]])
    conn.execute(delete(F).where(F.c.evaluation_id == form.id))
    if merged:
        conn.execute(insert(F), [dict(f, source_file_id=form.source_file_id, evaluation_id=form.id, list_id=None)
                                 for f, _ in merged])
    checked = dict(form.checked, rules=[r for _, r in merged])
    severities = [f["severity"] for f, _ in merged]
    conn.execute(update(E).where(E.c.id == form.id).values(
        checked=checked, errors=severities.count("error"), warnings=severities.count("warning")))


def _key(f: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(f[k] or "") for k in _FIELDS)


def _same(stored: list[dict[str, Any]], found: list[Finding]) -> bool:
    mine = codes()
    return sorted(_key(f) for f in stored if f["code"] in mine) == sorted(_key(finding_row(f)) for f in found)


def recheck(conn: Connection, keys: Iterable[str | None]) -> int:
    """Check again across years every current form of the projects ``keys`` (inside the caller's
    transaction, after its writes); returns how many forms' findings changed."""
    groups = _groups(conn, sorted({k for k in keys if k}))
    ids = [i for g in groups for i in g]
    if not ids:
        return 0
    forms, findings = _load(conn, ids), _findings(conn, ids)
    changed = 0
    for group in groups:
        evs = [forms[i].ev for i in group]
        for i in group:
            form = forms[i]
            policy = POLICIES.get(form.policy) or policy_of(form.ev)
            found = run_checks(form.ev, policy, only=codes(), batch=evs).findings
            if not _same(findings[i], found):
                _rewrite(conn, form, findings[i], found)
                changed += 1
    return changed
