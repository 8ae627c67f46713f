"""The real corpus (tests/real/, 33 published documents) as a reviewer meets it: how much is read.

Prints beside the baseline measured on main before the text readers of issue 10 (commit 3ae479f):
files read right (their hand-written expectations in tests/test_real.py pass; the baseline is main
at 6d35db2), forms read, documents named for what they are (申报表, 评分表, 评价报告…), files not
read at all, numbers placed in a field (funds, indicator 分值/得分, 总分), and error findings. The
corpus holds four real errors at error level (the 0/0/0 总额 over a funded row of 015: three
columns; the full 得分系数 over unmet targets of 020): every other error finding is a false alarm.
Usage: python bench/real_corpus.py [--list]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

from jixiao.pipeline import FileFailure, check_document, load

REAL = Path(__file__).resolve().parent.parent / "tests" / "real"
BASELINE = {"right": 15, "forms": 40, "named": 0, "unread": 11, "numbers": 47, "errors": 17, "seconds": 0.8}


def measure(show: bool) -> dict[str, float]:
    files = sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".xls", ".xlsx"))
    got = dict.fromkeys(BASELINE, 0.0)
    start = time.perf_counter()
    for doc in load(files):
        if isinstance(doc, FileFailure):
            got["named" if doc.code == "not-self-evaluation" else "unread"] += 1
            continue
        for r in check_document(doc).results:
            ev = r.ev
            got["forms"] += 1
            values = [v for _, row in ev.funds.rows()
                      for v in (row.initial, row.full_year, row.executed, row.weight, row.rate, row.score)]
            values += [v for i in ev.indicators for v in (i.weight, i.score)]
            values += [ev.total.weight, ev.total.score] if ev.total else []
            got["numbers"] += sum(v is not None for v in values)
            for f in r.findings:
                if f.severity == "error":
                    got["errors"] += 1
                    if show:
                        print(f"  {Path(ev.source.file).name}: {f.code} {f.message}")
    got["seconds"] = round(time.perf_counter() - start, 2)
    return got


def read_right(files: list[Path]) -> tuple[int, list[str]]:
    """How many corpus files pass their test in tests/test_real.py, and the names of those that do not."""
    out = subprocess.run([sys.executable, "-m", "pytest", str(REAL.parent / "test_real.py"), "-q", "-rA",
                          "-p", "no:cacheprovider", "-p", "no:warnings"], capture_output=True, text=True).stdout
    passed: set[str] = set()
    failed: set[str] = set()
    for status, node in re.findall(r"^(PASSED|FAILED) \S+::(\S+)", out, re.M):
        m = re.search(r"\[(\w{4})", node) or re.match(r"test_([pr]?\d{3})_", node)
        if m:
            (passed if status == "PASSED" else failed).add(m.group(1).rstrip("_"))
    right = [f for f in files if any(f.name.startswith(i + "_") for i in passed - failed)]
    return len(right), sorted(f.name for f in files if f not in right)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every error finding")
    show = parser.parse_args().list
    got = measure(show)
    files = sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".xls", ".xlsx"))
    got["right"], wrong = read_right(files)
    if show:
        print("not read right yet: " + ", ".join(wrong))
    print(f"{'measure':<10}{'baseline':>10}{'now':>10}")
    for key, base in BASELINE.items():
        print(f"{key:<10}{base:>10g}{got[key]:>10g}")


if __name__ == "__main__":
    main()
