"""Many distinct documents varied from the seeds, for the import tests and ``bench/import.py``.

Each round rewrites the five seed files: project names and codes get the round number
(so every form is a different project), the year moves back by up to three years, and
the full-year budget printed on each form is scaled by 1–6 % (its other amounts stay,
so the checks find real rate mismatches, as in a real batch).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jixiao.ingest.recognize import read_path
from jixiao.values import fmt

from .conftest import SEEDS


@dataclass(frozen=True)
class SeedInfo:
    text: str
    names: tuple[str, ...]
    codes: tuple[str, ...]
    years: tuple[str, ...]
    budgets: tuple[str, ...]
    forms: int


def _info(path: Path) -> SeedInfo:
    doc = read_path(path)
    text = path.read_text(encoding="utf-8")
    evs = doc.evaluations
    names = {e.project.name for e in evs if e.project.name} | {it.name for dl in doc.lists for it in dl.items}
    budgets = {fmt(e.funds.total.full_year.amount) for e in evs if e.funds.total and e.funds.total.full_year}
    return SeedInfo(
        text,
        tuple(sorted((n for n in names if n in text), key=len, reverse=True)),
        tuple(sorted({e.project.code for e in evs if e.project.code and e.project.code in text})),
        tuple(sorted({str(e.year) for e in evs if e.year})),
        tuple(sorted((b for b in budgets if b and f"\t{b}" in text), key=len, reverse=True)),
        len(evs),
    )


def _vary(info: SeedInfo, n: int) -> str:
    text = info.text
    # Through placeholders, so that a name inside a longer name ("工作经费" in "代表工作经费") changes once.
    for k, name in enumerate(info.names):
        text = text.replace(name, f"\x00{k}\x00")
    for code in info.codes:
        text = text.replace(code, f"{code}{n:05d}")
    for year in info.years:
        text = text.replace(year, str(int(year) - n % 4))
    for budget in info.budgets:
        scaled = (Decimal(budget) * (100 + n % 7) / 100).quantize(Decimal(budget))
        text = text.replace(f"\t{budget}", f"\t{fmt(scaled)}")
    for k, name in enumerate(info.names):
        text = text.replace(f"\x00{k}\x00", f"{name}{n}号")
    return text


def seed_variants(forms: int, into: Path) -> tuple[list[Path], int]:
    """Write rounds of varied seed files into ``into`` until at least ``forms`` forms; returns (files, forms)."""
    infos = [_info(p) for p in SEEDS]
    per_round = sum(i.forms for i in infos)
    rounds = -(-forms // per_round)
    files = []
    for n in range(1, rounds + 1):
        for seed, info in zip(SEEDS, infos):
            dst = into / f"{n:05d}_{seed.name}"
            dst.write_text(_vary(info, n), encoding="utf-8")
            files.append(dst)
    return files, rounds * per_round
