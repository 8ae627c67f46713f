"""A project against its own previous year, when both years are loaded: the same 项目编码, or the same
name (without its "2024年度" prefix) and the same 实施单位 or 主管部门.

What a reviewer looks for across years: weights or targets moved, a target lowered while the score
rose (an easier target bought the points), goals or 实际完成情况 copied from last year's form.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from typing import Any, Iterator, cast

from ..model import Evaluation, Indicator, Project
from ..scoring import ScoringPolicy
from ..scoring.direction import sense
from ..scoring.rounding import round_half_up
from ..shelf import Ref, Shelf
from ..text import label_key, name_key, same_normalized
from ..values import fmt
from . import SEVERITY_ORDER, CheckContext, CheckResult, Finding, check, run_checks
from .indicators import indicator_name
from .pool import project_keys


def _same_project(a: Evaluation, b: Evaluation) -> bool:
    return _same(a.project, b.project)


def _same(a: Project, b: Project) -> bool:
    if a.code and b.code:
        return label_key(a.code) == label_key(b.code)
    if not a.name or not b.name or name_key(a.name) != name_key(b.name):
        return False
    for unit in ("implementing_unit", "department"):
        ua, ub = getattr(a, unit), getattr(b, unit)
        if ua and ub:
            return label_key(ua) == label_key(ub)
    return False


def previous_year(ctx: CheckContext) -> Evaluation | None:
    """The same project's form of the latest earlier year loaded with this one."""
    ev = ctx.ev
    if ev.year is None:
        return None
    earlier = [e for e in ctx.pool.earlier(ev) if _same_project(ev, e)]
    return max(earlier, key=lambda e: e.year or 0, default=None)


def _pairs(ev: Evaluation, prev: Evaluation) -> Iterator[tuple[int, Indicator, Indicator]]:
    """Indicators of both years with the same name."""
    before = {label_key(i.name): i for i in prev.indicators if i.name and not i.is_placeholder}
    for n, ind in enumerate(ev.indicators):
        if ind.name and (old := before.get(label_key(ind.name))) is not None:
            yield n, ind, old


@check("year-indicator-changed", "info", "指标分值或目标值与上年不同",
       "「{project}」指标“{name}”{what}", clause="checks.md year-indicator-changed", needs=("indicators",))
def year_indicator_changed(chk, ctx: CheckContext) -> Iterator[Finding]:
    prev = previous_year(ctx)
    if prev is None:
        return
    for n, ind, old in _pairs(ctx.ev, prev):
        if ind.weight is not None and old.weight is not None and ind.weight != old.weight:
            yield chk.finding(ctx, f"indicators[{n}].weight", fmt(old.weight), fmt(ind.weight), name=indicator_name(ind, n),
                              what=f"的分值由{prev.year}年的{fmt(old.weight)}改为{fmt(ind.weight)}")
        if ind.target and old.target and not same_normalized(ind.target, old.target):
            yield chk.finding(ctx, f"indicators[{n}].target", old.target, ind.target, name=indicator_name(ind, n),
                              what=f"的年度指标值由{prev.year}年的“{old.target}”改为“{ind.target}”")


def _percent(share: Decimal) -> str:
    return f"{fmt(round_half_up(share * 100, 1).normalize())}%"


def _share(ind: Indicator) -> Decimal | None:
    return ind.score / ind.weight if ind.score is not None and ind.weight else None


@check("year-target-lowered", "warning", "目标值比上年降低而得分提高",
       "「{project}」指标“{name}”的目标由{prev_year}年的“{expected}”降为“{found}”，得分率却由{before}提高到{after}",
       clause="checks.md year-target-lowered", needs=("indicators",))
def year_target_lowered(chk, ctx: CheckContext) -> Iterator[Finding]:
    prev = previous_year(ctx)
    if prev is None:
        return
    for n, ind, old in _pairs(ctx.ev, prev):
        t, o = ind.target_measure, old.target_measure
        if t is None or o is None or t.kind != "number" or o.kind != "number" or t.value is None or o.value is None:
            continue
        if t.unit != o.unit or t.op != o.op:
            continue
        way = sense(ind, t.op)
        easier = t.value < o.value if way.direction == "floor" else t.value > o.value if way.direction == "ceiling" else False
        now, then = _share(ind), _share(old)
        if easier and now is not None and then is not None and now > then:
            yield chk.finding(ctx, f"indicators[{n}].target", old.target, ind.target, way.certainty,
                              name=indicator_name(ind, n), prev_year=prev.year,
                              before=_percent(then), after=_percent(now))


@check("year-copied", "warning", "与上年的表雷同",
       "「{project}」{what}与{prev_year}年的表完全相同，未写本年的实际情况", clause="checks.md year-copied")
def year_copied(chk, ctx: CheckContext) -> Iterator[Finding]:
    prev = previous_year(ctx)
    if prev is None:
        return
    g, pg = ctx.ev.goals, prev.goals
    if g.achieved and pg.achieved and same_normalized(g.achieved, pg.achieved):
        yield chk.finding(ctx, "goals.achieved", None, g.achieved[:40], what="年度总体目标的实际完成情况",
                          prev_year=prev.year)
    pairs = [(ind, old) for _, ind, old in _pairs(ctx.ev, prev) if ind.actual and old.actual]
    # Actuals repeat for a 满意度 or a 如期完成; all of them repeating across several indicators is a copy.
    if len(pairs) >= 3 and all(same_normalized(ind.actual or "", old.actual or "") for ind, old in pairs) \
            and any(ind.actual_measure is not None and ind.actual_measure.quantitative for ind, _ in pairs):
        yield chk.finding(ctx, "indicators", None, f"{len(pairs)}项指标", what=f"全部{len(pairs)}项指标的实际完成值",
                          prev_year=prev.year)


@cache
def codes() -> frozenset[str]:
    """The checks of this module: the ones that compare a form with its project's other years (asked
    once per finding of every form of a run, so worked out once)."""
    return frozenset(chk.code for chk in (year_indicator_changed, year_target_lowered, year_copied))


def outline(ev: Evaluation) -> Evaluation:
    """What the checks across years read of a form: who and when, its goals and indicators, their places."""
    kept = {k: v for k, v in ev.locators.items() if k.startswith(("indicators", "goals"))}
    return replace(ev, notes=[], invalid=[], strays=[], locators=kept, remarks=None, implementation=None,
                   conclusion=None, problems=None, improvements=None)


@dataclass(slots=True, eq=False)
class _Kept:
    id: int  # its row in the run's index
    ref: Ref  # the form in outline, on the shelf
    year: int
    project: Project  # who it is, for telling its project's other years
    serial: int  # which file of the run it came from
    policy: ScoringPolicy  # the policy it was checked by


class AcrossFiles:
    """The forms of a run kept in outline, so that one project's years read from separate files are
    checked against each other. A form gets its findings across years when its file is read, against
    the earlier years read before it; a form given out before an earlier year of its project was read
    gets the rest at the end (:meth:`late`). The outlines wait on a shelf (a temporary file), who each
    is and where in a temporary SQLite database (on disk once it outgrows its cache), found there by
    project key: memory flat in the run (it held about 1.6 KB a form in dicts and sets)."""

    def __init__(self) -> None:
        self._shelf = Shelf()
        self._db = sqlite3.connect("")  # "": a private temporary database
        self._db.executescript(
            "CREATE TABLE form (id INTEGER PRIMARY KEY, at INTEGER, size INTEGER, year INTEGER, serial INTEGER,"
            " policy TEXT, code TEXT, name TEXT, department TEXT, unit TEXT, given TEXT);"
            "CREATE TABLE key (key TEXT, form INTEGER);"
            "CREATE INDEX key_key ON key (key, form);"
            # the forms given out before an earlier year of theirs was read, in the order they were found
            "CREATE TABLE late (n INTEGER PRIMARY KEY, form INTEGER UNIQUE);")
        # One policy object per policy: each file's results come from a worker with copies of their own.
        self._policies: dict[str, ScoringPolicy] = {}

    @staticmethod
    def _keys(project: Project) -> list[str]:
        return project_keys(project.code, project.name)

    def _kept(self, row: tuple[Any, ...]) -> _Kept:
        n, at, size, year, serial, policy, *who = row
        return _Kept(n, (at, size), year, Project(*who), serial, self._policies[policy])

    def _same(self, kept: _Kept) -> list[_Kept]:
        """The run's other forms of ``kept``'s project, in the order they came, each once."""
        seen: dict[int, _Kept] = {}
        for key in self._keys(kept.project):
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM key JOIN form ON form.id = key.form WHERE key.key = ?"
                                    " ORDER BY key.form", (key,))
            for row in rows:
                if row[0] == kept.id or row[0] in seen:
                    continue
                other = self._kept(row)
                if _same(kept.project, other.project):
                    seen[other.id] = other
        return list(seen.values())

    def _form(self, kept: _Kept) -> Evaluation:
        return cast(Evaluation, self._shelf.get(kept.ref))

    def take(self, serial: int, results: list[CheckResult]) -> None:
        """One file's checked forms: their findings across years are redone, in place, against every
        year read so far."""
        fresh = []
        for r in results:
            if r.ev.year is not None and (keys := self._keys(r.ev.project)):
                policy = self._policies.setdefault(r.policy.name, r.policy)
                p = r.ev.project
                who = (p.code, p.name, p.department, p.implementing_unit)  # what _same compares
                ref = self._shelf.put(outline(r.ev))
                row = self._db.execute("INSERT INTO form VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                                       (*ref, r.ev.year, serial, policy.name, *who)).lastrowid
                kept = _Kept(cast(int, row), ref, r.ev.year, Project(*who), serial, policy)
                self._db.executemany("INSERT INTO key VALUES (?, ?)", [(key, kept.id) for key in keys])
                fresh.append((r, kept))
        for r, kept in fresh:
            same = self._same(kept)
            if any(o.serial != serial and o.year < kept.year for o in same):
                _redo(r, self._recheck(r.ev, kept.policy, same))
            if given := sorted({(f.code, f.field) for f in r.findings if f.code in codes()}):
                self._db.execute("UPDATE form SET given = ? WHERE id = ?", (json.dumps(given), kept.id))
            self._db.executemany("INSERT OR IGNORE INTO late (form) VALUES (?)",
                                 [(o.id,) for o in same if o.serial != serial and o.year > kept.year])

    def _recheck(self, ev: Evaluation, policy: ScoringPolicy, same: list[_Kept]) -> list[Finding]:
        return run_checks(ev, policy, only=codes(), batch=[self._form(o) for o in same]).findings

    def late(self) -> Iterator[tuple[Evaluation, list[Finding]]]:
        """The forms given out before an earlier year of theirs was read (in outline: source and
        project), each with the findings across years it did not get then."""
        rows = self._db.execute(f"SELECT {_COLUMNS}, form.given FROM late JOIN form ON form.id = late.form ORDER BY late.n")
        for *row, given in rows:
            kept = self._kept(tuple(row))
            ev = self._form(kept)
            found = self._recheck(ev, kept.policy, self._same(kept))
            had = {(code, place) for code, place in json.loads(given or "[]")}
            if new := [f for f in found if (f.code, f.field) not in had]:
                yield ev, new


_COLUMNS = "form.id, form.at, form.size, form.year, form.serial, form.policy, form.code, form.name, form.department, form.unit"


def _redo(result: CheckResult, found: list[Finding]) -> None:
    mine = codes()
    result.findings[:] = sorted([f for f in result.findings if f.code not in mine] + found,
                                key=lambda f: SEVERITY_ORDER[f.severity])
