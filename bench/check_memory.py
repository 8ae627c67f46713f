"""``jixiao check`` over folders of growing size: seconds, forms per second and peak memory (from the
kernel), beside the same runs of other code. Memory flat in the number of files means the MB column
stays level as the files grow tenfold.

Each folder holds N text files of one form each (tests/forms.py, the repository's builder of
realistic forms): every project in two years, the two years in separate files (so the checks across
years keep each form in outline), every fourth form's 执行率 misprinted and every third one's 总分
(so that there are findings to print). The folders are kept under --keep, so later runs reuse them.
Each run is ``jixiao check --format F -o OUT -j J FOLDER``; one run prints the table.
Usage: python bench/check_memory.py [--files 2000,20000] [--format json] [-j 1] [--baseline SRC] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.forms import Form  # noqa: E402 - the repository's own builder of realistic forms


def folder(n: int, root: Path) -> Path:
    out = root / f"check{n}"
    if out.exists() and sum(1 for _ in out.iterdir()) == n:
        return out
    out.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    for i in range(n):
        form = Form(code=f"C{i // 2:07d}", name=f"项目{i // 2}", year=str(2022 + i % 2),
                    rate="90.00" if i % 4 == 0 else "95.00", total_score="90" if i % 3 == 0 else "99.5")
        (out / f"{i:06d}.txt").write_text(form.text(), encoding="utf-8")
    print(f"(folder of {n} files written in {time.monotonic() - start:.0f} s)", flush=True)
    return out


def run(src: str | None, files: Path, fmt: str, jobs: int, out: Path) -> tuple[float, float]:
    env = dict(os.environ, **({"PYTHONPATH": src} if src else {}))
    start = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "jixiao", "check", "--format", fmt, "-o", str(out), "-j",
                                 str(jobs), str(files)], env=env, stdout=subprocess.DEVNULL, stderr=err)
        # The largest of the run's processes (the CLI or a reader worker), as /usr/bin/time -v reports it.
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - start
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            err.seek(0)
            raise SystemExit(f"check failed on {files}: {err.read().decode()[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", default="2000,20000")
    ap.add_argument("--format", default="json", choices=["json", "csv", "xlsx", "table"])
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--baseline", help="src/ folder of other code to run beside")
    ap.add_argument("--keep", type=Path, help="folder to keep the inputs in (reused by later runs)")
    args = ap.parse_args()
    codes = {"this": None, **({"baseline": args.baseline} if args.baseline else {})}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; check --format {args.format} -j {args.jobs}")
    print(f"{'files':>7} " + " ".join(f"{name + ' s':>12} {name + ' forms/s':>15} {name + ' MB':>10}" for name in codes))
    with tempfile.TemporaryDirectory(prefix="jixiao-check-memory-") as scratch:
        root = args.keep or Path(scratch)
        for n in (int(x) for x in args.files.split(",")):
            files = folder(n, root)
            cells = [run(src, files, args.format, args.jobs, Path(scratch) / f"out{n}.{args.format}")
                     for src in codes.values()]
            print(f"{n:>7} " + " ".join(f"{s:>12.1f} {n / s:>15.1f} {mb:>10.0f}" for s, mb in cells), flush=True)


if __name__ == "__main__":
    main()
