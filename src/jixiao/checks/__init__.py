"""The check catalogue: each check is a plain function registered under its stable code.

A check receives a :class:`CheckContext` (the form, its recomputed values, the
policy, and the other forms of the same document) and yields :class:`Finding`
objects. Messages come from the check's template, in Chinese, naming the project
and the numbers. ``grep -rn '"rate-mismatch"' src`` finds the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Literal

from ..model import FUNDS_ROW_ZH, DepartmentList, Document, Evaluation
from ..scoring import Recomputed, ScoringPolicy, recompute
from ..scoring.direction import Certainty
from ..templates import FormTemplate, get_template
from .pool import Pool

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}  # Rich styles


@dataclass(slots=True)
class Finding:
    code: str
    severity: Severity
    field: str
    message: str
    expected: str | None = None
    found: str | None = None
    locator: str | None = None
    policy: str | None = None  # the scoring policy whose rule was applied
    clause: str | None = None  # where the rule is written ("rules.md §5")
    certainty: Certainty = "certain"  # how sure the reading behind the finding is

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "field": self.field, "message": self.message,
                "expected": self.expected, "found": self.found, "locator": self.locator,
                "rule": {"policy": self.policy, "clause": self.clause}, "certainty": self.certainty}


@dataclass(slots=True)
class CheckContext:
    ev: Evaluation
    policy: ScoringPolicy
    rec: Recomputed
    doc: Document | None = None
    batch: Pool | None = None  # every form loaded in the run, across files
    selected: frozenset[str] | None = None  # the codes asked for; None: all
    final: bool = True  # the form is submitted as final (a published form), not a draft being filled

    @property
    def project(self) -> str:
        return self.ev.label()

    @property
    def parts(self) -> frozenset[str]:
        return parts_read(self.ev)

    def skipped(self) -> list[Check]:
        """The selected checks that need a part of the form that was not read."""
        parts = self.parts
        return [chk for code, chk in CHECKS.items() if chk.scope == "form" and chk.needs
                and (self.selected is None or code in self.selected) and not set(chk.needs) <= parts]

    @property
    def template(self) -> FormTemplate:
        return get_template(self.ev.template)

    def row_zh(self, key: str) -> str:
        """A funds row by the name its template prints."""
        return self.template.row_names.get(key) or FUNDS_ROW_ZH[key]

    @property
    def pool(self) -> Pool:
        """The forms loaded with this one: the whole run when known, else its document."""
        if self.batch is None:
            self.batch = Pool(self.doc.evaluations if self.doc else [])
        return self.batch

    def locate(self, field: str) -> str | None:
        loc = self.ev.locators.get(field) or self.ev.locators.get(field.rsplit(".", 1)[0])
        return loc.describe() if loc else None


@dataclass(slots=True)
class ListContext:
    """What a department-list check sees: the list and the forms of the same document."""

    dl: DepartmentList
    doc: Document | None = None

    @property
    def project(self) -> str:
        return self.dl.title or "项目清单"

    def locate(self, field: str) -> str | None:
        if field.startswith("items[") and "]" in field:
            place = self.dl.items[int(field[6:field.index("]")])].place
            return place.describe() if place else None
        return self.dl.total_place.describe() if field.startswith("total") and self.dl.total_place else None


CheckFn = Callable[[CheckContext], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    severity: Severity
    title: str
    template: str
    fn: CheckFn
    scope: str = "form"
    clause: str = "checks.md"
    needs: tuple[str, ...] = ()  # parts of the form (model.PARTS) without which the check says nothing true
    # Judges each value alone: a value of a part read incomplete is not judged, its place being in doubt (a cell
    # of a row read out of order may stand in another's column).
    per_value: bool = False

    def finding(self, ctx: CheckContext | ListContext, field: str, expected: object = None, found: object = None,
                certainty: Certainty = "certain", **params: object) -> Finding:
        """A finding with this check's code, severity, rule and message template filled in."""
        message = self.template.format(project=ctx.project, expected=expected, found=found, **params)
        policy = ctx.policy.name if isinstance(ctx, CheckContext) else None
        return Finding(self.code, self.severity, field, message,
                       None if expected is None else str(expected),
                       None if found is None else str(found),
                       ctx.locate(field), policy, self.clause, certainty)


CHECKS: dict[str, Check] = {}


def check(code: str, severity: Severity, title: str, template: str, scope: str = "form",
          clause: str = "checks.md", needs: tuple[str, ...] = (), per_value: bool = False
          ) -> Callable[[Callable[..., Iterable[Finding]]], Check]:
    """Register a check. The function receives (check, ctx) and yields findings; ``clause`` names the
    rule it applies (a section of rules.md, else its row in the catalogue); ``needs`` the parts of the
    form it reads: when one was not read the check is skipped and ``form-incomplete`` says so once;
    ``per_value`` that it judges values one by one, none of a part read incomplete (:attr:`Check.per_value`)."""

    def deco(fn: Callable[..., Iterable[Finding]]) -> Check:
        chk = Check(code, severity, title, template, lambda ctx: fn(CHECKS[code], ctx), scope, clause, needs,
                    per_value)
        CHECKS[code] = chk
        return chk

    return deco


@dataclass(slots=True)
class CheckResult:
    ev: Evaluation
    findings: list[Finding]
    recomputed: Recomputed
    policy: ScoringPolicy

    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


_FIELD_PARTS = {"indicators": "indicators", "level1_weights": "indicators", "funds": "funds", "total": "total",
                "goals": "goals"}


def part_of(field: str) -> str:
    """The part of the form (model.PARTS) a finding's field is in: indicators[3].score, funds.total.rate, …"""
    return _FIELD_PARTS.get(re.split(r"[.\[]", field, maxsplit=1)[0], "header")


def parts_read(ev: Evaluation) -> frozenset[str]:
    """The parts of the form the reader found whole (model.PARTS names), however it read them."""
    return frozenset(part for part, how in ev.parts_found.items() if how not in ("missing", "incomplete"))


def run_checks(ev: Evaluation, policy: ScoringPolicy, doc: Document | None = None,
               only: Iterable[str] | None = None, batch: Pool | list[Evaluation] | None = None,
               final: bool = True) -> CheckResult:
    """One form's findings; ``batch`` the forms loaded with it (a :class:`Pool` built once when the
    same forms serve many calls)."""
    rec = recompute(ev, policy)
    wanted = frozenset(only) if only else None
    ctx = CheckContext(ev, policy, rec, doc, Pool(batch) if isinstance(batch, list) else batch, wanted, final)
    findings: list[Finding] = []
    # A blank form gets the one finding that says so, not one per empty cell.
    unfilled = list(CHECKS["form-unfilled"].fn(ctx)) if wanted is None or "form-unfilled" in wanted else []
    parts = ctx.parts
    partly = {part for part, how in ev.parts_found.items() if how == "incomplete"}
    for code, chk in ([] if unfilled else CHECKS.items()):
        if chk.scope == "form" and code != "form-unfilled" and (wanted is None or code in wanted) \
                and set(chk.needs) <= parts:
            findings.extend(f for f in chk.fn(ctx) if not (chk.per_value and part_of(f.field) in partly))
    findings.extend(unfilled)
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return CheckResult(ev, findings, rec, policy)


def run_list_checks(dl: DepartmentList, doc: Document | None = None) -> list[Finding]:
    ctx = ListContext(dl, doc)
    findings = [f for chk in CHECKS.values() if chk.scope == "list" for f in chk.fn(ctx)]
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return findings


def iter_catalogue() -> Iterator[Check]:
    return iter(CHECKS.values())


# Importing the modules registers their checks, in catalogue order.
from . import content, department_list, funds, indicators, templates, totals, years  # noqa: E402,F401,I001
from . import completeness  # noqa: E402,F401,I001  (last: it reads the others' catalogue)
