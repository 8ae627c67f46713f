"""How many zoo forms jixiao reads right, per format, and which arithmetic findings it reports.

A form is right when every field its golden names reads as the golden says (text compared without
white space in PDF and its text, which cannot tell a wrapped line from a line break). Arithmetic findings on a
clean form are false errors; a planted error must be found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jixiao.export.json import evaluation_json
from jixiao.ingest.recognize import read_path
from jixiao.pipeline import check_document

from .generate import Form, expected_indicators

ARITHMETIC = frozenset({"rate-mismatch", "rate-score-mismatch", "total-mismatch", "funds-breakdown-mismatch",
                        "coefficient-score-mismatch"})
_IND_FIELDS = ("level1", "level2", "name", "target", "actual", "weight", "score", "note")
_PROJECT_FIELDS = ("code", "name", "department", "implementing_unit", "manager", "phone")


def squeeze(value: object) -> object:
    """White space out of every string: a PDF cannot tell a wrapped line from a line break."""
    if isinstance(value, str):
        return "".join(value.split())
    if isinstance(value, dict):
        return {k: squeeze(v) for k, v in value.items()}
    if isinstance(value, list):
        return [squeeze(v) for v in value]
    return value


def expected(form: Form) -> dict[str, object]:
    g = form.golden
    return {"year": g.year, "project": g.project, "money_unit": g.money_unit, "funds": g.funds, "goals": g.goals,
            "indicators": expected_indicators(form), "total": g.total}


def got(obj: dict, golden: dict[str, object] | None = None) -> dict[str, object]:
    """What jixiao read, in the fields the golden names (the national ones when none is given)."""
    want = golden or {}
    p, goals = obj["project"], obj["goals"]
    kinds = tuple(want.get("funds") or ("total", "appropriation", "carryover", "other"))  # type: ignore[arg-type]
    inds = want.get("indicators") or []
    fields = tuple(inds[0]) if inds else _IND_FIELDS  # type: ignore[index]
    return {"year": obj["year"], "project": {k: p.get(k) for k in want.get("project") or _PROJECT_FIELDS},  # type: ignore[attr-defined]
            "money_unit": obj["money_unit"],
            "funds": {k: {f: v for f, v in (obj["funds"].get(k) or {}).items() if f != "reason"} if obj["funds"].get(k) else None
                      for k in kinds},
            "goals": {k: goals.get(k) for k in want.get("goals") or ("expected", "achieved")},  # type: ignore[attr-defined]
            "indicators": [{f: i.get(f) for f in fields} for i in obj["indicators"]],
            "total": obj["total"]}


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    false_errors: int = 0
    planted: int = 0
    planted_found: int = 0
    wrong: list[str] = field(default_factory=list)


def diff(a: object, b: object, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in diff(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for n, (x, y) in enumerate(zip(a, b)) for d in diff(x, y, f"{path}[{n}]")]
    return [] if a == b else [f"{path}: {a!r} ≠ {b!r}"]


def _year_in_table(form: Form) -> bool:
    return any(f"{form.golden.year}年" in cell for b in form.blocks if b.kind == "table" for row in b.rows for cell in row)


def measure(fmt: str, paths: list[Path], files: list[list[Form]]) -> Tally:
    tally = Tally()
    for path, forms in zip(paths, files):
        tally.total += len(forms)
        tally.planted += sum(1 for f in forms if f.golden.planted)
        try:
            doc = read_path(path)
        except Exception as exc:  # a file jixiao cannot read counts all its forms wrong
            tally.wrong.append(f"{path.name}: {exc}")
            continue
        results = check_document(doc).results
        if len(results) != len(forms):
            tally.wrong.append(f"{path.name}: {len(results)} forms read, {len(forms)} printed")
        for n, (form, result) in enumerate(zip(forms, results)):
            want = expected(form)
            have = got(evaluation_json(result.ev), want)
            if fmt == "web-tables" and not _year_in_table(form):
                want["year"] = None  # printed above the table, so not in a copy of the tables alone
            if fmt.startswith("pdf"):
                want, have = squeeze(want), squeeze(have)
            problems = diff(have, want)
            if problems:
                tally.wrong.append(f"{path.name}#{n}: " + "; ".join(problems[:4]))
            else:
                tally.right += 1
            codes = {f.code for f in result.findings} & ARITHMETIC
            if form.golden.planted:
                tally.planted_found += form.golden.planted in codes
            else:
                tally.false_errors += len(codes)
    return tally


def main() -> None:
    """Writes the zoo of ``--seed``/``--files`` under OUTDIR, derives every format this machine can make, and prints
    each format's tally: a held-out measurement is one command (``python -m tests.zoo.measure OUTDIR --seed 101``)."""
    from .derive import DERIVED, derive, missing_tool
    from .generate import write_all, zoo_arguments

    out, files = zoo_arguments()
    base = write_all(files, out / "base")
    formats = {**base, **{f: derive(f, base, out) for f in DERIVED if missing_tool(f) is None and "pdf" in base}}
    print(f"{'format':<12}{'right':>8}{'forms':>7}{'false':>7}{'planted':>9}")
    for fmt, paths in formats.items():
        t = measure(fmt, paths, files)
        print(f"{fmt:<12}{t.right:>8}{t.total:>7}{t.false_errors:>7}{t.planted_found:>5}/{t.planted:<3}")
        for line in t.wrong[:3]:
            print("    ", line[:200])


if __name__ == "__main__":
    main()
