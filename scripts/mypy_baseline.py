"""mypy against a baseline that only shrinks (run by ``make test``).

    python scripts/mypy_baseline.py           # fail on any error not in mypy-baseline.txt, or on a fixed one still listed
    python scripts/mypy_baseline.py --update  # rewrite the baseline after fixing errors (refuses to add any)

An error is keyed by file, message and code, not by line, so edits above it do not churn the baseline.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
_ERROR = re.compile(r"^(?P<file>[^:]+):\d+(?::\d+)?: error: (?P<message>.*)$")


def current() -> Counter[str]:
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "--no-pretty", "--show-error-codes"],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(2)
    return Counter(f"{m['file']}: {m['message']}" for line in proc.stdout.splitlines() if (m := _ERROR.match(line)))


def baseline() -> Counter[str]:
    if not BASELINE.exists():
        return Counter()
    return Counter(line for line in BASELINE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#"))


def main(argv: list[str]) -> int:
    now, allowed = current(), baseline()
    new = now - allowed
    fixed = allowed - now
    if new and BASELINE.exists():
        print("mypy: 新的类型错误（不在 mypy-baseline.txt 中）：", file=sys.stderr)
        for line in sorted(new.elements()):
            print(f"  {line}", file=sys.stderr)
        return 1
    if "--update" in argv or not BASELINE.exists():
        header = "# mypy errors still to fix; scripts/mypy_baseline.py --update rewrites it (it only shrinks)\n"
        BASELINE.write_text(header + "".join(f"{line}\n" for line in sorted(now.elements())), encoding="utf-8")
        print(f"mypy-baseline.txt：{sum(now.values())} 条（去掉 {sum(fixed.values())} 条）")
        return 0
    if fixed:
        print(f"mypy: {sum(fixed.values())} 条已修复的错误仍在 mypy-baseline.txt 中；运行 "
              "python scripts/mypy_baseline.py --update 缩短它：", file=sys.stderr)
        for line in sorted(fixed.elements()):
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"mypy: 与基线一致（{sum(now.values())} 条待修复）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
