"""A form as the web edits it: the ``jixiao/evaluation@1`` document, fields set by their paths
("funds.total.executed", "indicators[2].score"), every derived cell recomputed with the same
scoring and checks as the command line.

A filer types only the white cells; the grey ones (执行率, 执行率得分, Σ分值, 总分) are set here
from the recomputation, as the xlsx template's formulas would set them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..checks import CheckResult, Finding, run_checks
from ..contract import evaluation_from_json
from ..export.json import evaluation_json
from ..export.layout import SKELETON
from ..ingest.vocab import label_kind
from ..model import FUNDS_ROWS, PARTS, Evaluation, FundsRow, How, Indicator, InvalidValue, Source, Total
from ..pipeline import policy_of
from ..place import Place
from ..scoring import ScoringPolicy
from ..scoring.rounding import round_half_up
from ..text import label_key
from ..values import Money, NotANumber, parse_measure, parse_number

SHEET = "自评表"
WEB_FORMAT = "web"  # the source format of a form filed (or uploaded) into the web form
INVALID_KEY = "web_invalid"  # words typed into numeric cells, kept with the document until corrected
TEXT_FIELDS = {
    "project.code": ("project", "code"), "project.name": ("project", "name"),
    "project.department": ("project", "department"), "project.implementing_unit": ("project", "implementing_unit"),
    "project.manager": ("project", "manager"), "project.phone": ("project", "phone"),
    "goals.expected": ("goals", "expected"), "goals.achieved": ("goals", "achieved"),
}
INDICATOR_TEXT = ("name", "target", "actual", "note", "level1_text", "level2_text")
INDICATOR_NUMBERS = ("weight", "score")
MONEY_UNITS = ("万元", "元")
_INDICATOR = re.compile(r"indicators\[(\d+)\]\.(\w+)")
_FUNDS = re.compile(r"funds\.(\w+)\.(initial|full_year|executed)")
MAX_INDICATORS = 60


@dataclass(slots=True)
class Evaluated:
    """A form with its check result and the numbers the review list keeps."""

    ev: Evaluation
    result: CheckResult
    rate: Decimal | None = None
    total: Decimal | None = None
    grade: str | None = None
    by_field: dict[str, list[Finding]] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings

    def unexplained(self, explanations: dict[str, str]) -> list[Finding]:
        """Error findings without the filer's explanation (送审 waits for these)."""
        return [f for f in self.findings if f.severity == "error" and not (explanations.get(finding_key(f)) or "").strip()]


def finding_key(f: Finding) -> str:
    return f"{f.code}|{f.field}"


def load(document: dict[str, Any]) -> Evaluation:
    ev = evaluation_from_json(document)
    if ev.source.format == WEB_FORMAT:
        ev.parts_found = web_parts()
    ev.invalid = [InvalidValue(path, text, Place(sheet=SHEET)) for path, text in document.get(INVALID_KEY, {}).items()]
    return ev


def dump(ev: Evaluation) -> dict[str, Any]:
    doc = evaluation_json(ev)
    if ev.invalid:
        doc[INVALID_KEY] = {inv.field: inv.text for inv in ev.invalid}
    return doc


def blank(year: int | None, department: str | None, unit: str | None, policy: ScoringPolicy) -> Evaluation:
    """A new draft: the national form's rows, the skeleton of indicator levels, nothing filled."""
    ev = Evaluation(web_source("网页填报"), year=year, money_unit="万元", parts_found=web_parts())
    ev.project.department, ev.project.implementing_unit = department, unit
    ev.funds.total = FundsRow()
    ev.funds.total.weight = policy.rate_weight
    ev.indicators = [_indicator(f"{l1}指标({policy.level1_weights.get(l1, '')}分)", l2)
                     for l1, groups in SKELETON for l2, n in groups for _ in range(n)]
    ev.total = Total()
    return ev


def web_parts() -> dict[str, How]:
    """Every part of a web form is there, in its labelled cells, filled or not: every check runs."""
    return dict.fromkeys(PARTS, "label-matched")


def web_source(name: str) -> Source:
    return Source(name, WEB_FORMAT, 0, Place(sheet=SHEET))


def _indicator(level1_text: str | None, level2_text: str | None) -> Indicator:
    ind = Indicator(level1_text=level1_text, level2_text=level2_text)
    _levels(ind)
    return ind


def _levels(ind: Indicator) -> None:
    """The canonical level names the checks use, from the printed ones (as the readers do)."""
    for text, attr in ((ind.level1_text, "level1"), (ind.level2_text, "level2")):
        kind = label_kind(label_key(text)) if text else None
        setattr(ind, attr, kind[1] if kind else text)


def _number(text: str) -> Decimal | None:
    return parse_number(text.strip(), percent=True) if text.strip() else None


def apply(ev: Evaluation, values: dict[str, str]) -> None:
    """Set the fields named in ``values`` (text as typed). Words in a numeric cell are kept as such
    (the checks' invalid-number finding names them) and never become a number."""
    invalid = {inv.field: inv for inv in ev.invalid}

    def num(path: str, text: str) -> Decimal | None:
        invalid.pop(path, None)
        try:
            return _number(text)
        except NotANumber:
            invalid[path] = InvalidValue(path, text.strip(), Place(sheet=SHEET))
            return None

    if "money_unit" in values and values["money_unit"] in MONEY_UNITS:
        ev.money_unit = values["money_unit"]  # type: ignore[assignment]
    unit = ev.money_unit or "万元"
    for path, raw in values.items():
        text = raw.strip()
        if path in TEXT_FIELDS:
            part, attr = TEXT_FIELDS[path]
            setattr(getattr(ev, part), attr, text or None)
        elif path == "year":
            year = num(path, text)
            ev.year = int(year) if year is not None and year == year.to_integral_value() else None
            if year is not None and ev.year is None:
                invalid[path] = InvalidValue(path, text, Place(sheet=SHEET))
        elif path == "remarks":
            ev.remarks = text or None
        elif m := _FUNDS.fullmatch(path):
            kind, col = m.groups()
            if kind in FUNDS_ROWS:
                row = getattr(ev.funds, kind) or FundsRow()
                setattr(ev.funds, kind, row)
                amount = num(path, text)
                setattr(row, col, Money(amount, unit) if amount is not None else None)
        elif m := _INDICATOR.fullmatch(path):
            n, attr = int(m.group(1)), m.group(2)
            if n >= len(ev.indicators) or n >= MAX_INDICATORS:
                continue
            ind = ev.indicators[n]
            if attr in INDICATOR_TEXT:
                setattr(ind, attr, text or None)
            elif attr in INDICATOR_NUMBERS:
                setattr(ind, attr, num(path, text))
    for ind in ev.indicators:
        _levels(ind)
        ind.target_measure, ind.actual_measure = parse_measure(ind.target or ""), parse_measure(ind.actual or "")
    for kind in FUNDS_ROWS:
        row = getattr(ev.funds, kind)
        for col in ("initial", "full_year", "executed"):
            money = getattr(row, col) if row else None
            if money is not None and money.unit != unit:
                setattr(row, col, Money(money.amount, unit))
        # A breakdown row nobody filled is absent, not zero: its sum is not checked until it has a value.
        if kind != "total" and row is not None and all(getattr(row, c) is None for c in ("initial", "full_year", "executed")) \
                and not any(p.startswith(f"funds.{kind}.") for p in invalid):
            setattr(ev.funds, kind, None)
    ev.invalid = list(invalid.values())


def add_indicator(ev: Evaluation, after: int | None = None) -> None:
    """A new indicator row under the same levels as the row it follows."""
    if len(ev.indicators) >= MAX_INDICATORS:
        return
    at = len(ev.indicators) if after is None else min(after + 1, len(ev.indicators))
    prev = ev.indicators[at - 1] if at else None
    ev.indicators.insert(at, _indicator(prev.level1_text if prev else None, prev.level2_text if prev else None))


def remove_indicator(ev: Evaluation, n: int) -> None:
    if 0 <= n < len(ev.indicators) and len(ev.indicators) > 1:
        del ev.indicators[n]
        ev.invalid = [inv for inv in ev.invalid if not inv.field.startswith("indicators[")]


def derive(ev: Evaluation, policy: ScoringPolicy) -> None:
    """Fill the grey cells from the recomputation (as the template's formulas do): 执行率 and 执行率得分
    to two places, Σ分值 and 总分."""
    from ..scoring import recompute

    rec = recompute(ev, policy)
    row = ev.funds.total
    if row is not None:
        row.rate = round_half_up(rec.rate, 2) if rec.rate is not None else None
        row.score = rec.rate_score
    weights = [i.weight for i in ev.indicators if i.weight is not None]
    rate_weight = row.weight if row is not None and row.weight is not None else policy.rate_weight
    ev.total = Total(rate_weight + sum(weights, Decimal(0)),
                     round_half_up(rec.total, 2) if rec.total is not None else None)


def evaluate(ev: Evaluation, policy: ScoringPolicy | str | None = None,
             years: list[Evaluation] | None = None) -> Evaluated:
    """``ev`` checked as ``jixiao check`` checks it; ``years`` the same project's forms of other years,
    to compare it with (the checks across years see them as if loaded in one run)."""
    pol = policy_of(ev, policy)
    result = run_checks(ev, pol, batch=[ev, *years] if years else None)
    rec = result.recomputed
    # What the list shows and sorts on: the total as printed when the form printed one, else as computed.
    total = ev.total.score if ev.total and ev.total.score is not None else (
        round_half_up(rec.total, 2) if rec.total is not None else None)
    out = Evaluated(ev, result, round_half_up(rec.rate, 2) if rec.rate is not None else None, total,
                    pol.grade(total) if total is not None else None)
    for f in result.findings:
        out.by_field.setdefault(f.field, []).append(f)
    return out


def flatten(document: dict[str, Any]) -> dict[str, str]:
    """Every value of a document by its path, as text: for the audit log and version diffs."""
    out: dict[str, str] = {}
    doc = {k: v for k, v in document.items() if k not in ("locators", "source", "schema", "warnings")}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in ("target_parsed", "actual_parsed", "name_normalized", "placeholder", "unit"):
                    walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(f"{prefix}[{i}]", v)
        elif value is not None:
            out[prefix] = str(value)

    walk("", doc)
    return out


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """(path, before, after) of every value that differs."""
    a, b = flatten(before), flatten(after)
    return [(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
