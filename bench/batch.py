"""`jixiao check` over a folder of mixed formats, as a user runs it: forms per second and peak memory.

The folder (in a temporary directory, removed afterwards) holds ``--files`` files spread evenly
over the formats: text varied from the seeds (tests/corpus.py, each a different project) and
copies of the seed fixtures for xlsx, xls, docx, doc, pdf and html (tests/fixtures/forms). Each
format sits in its own subfolder. For each ``-j`` asked for (where `check` has it), prints
forms/s of each format's subfolder (the first ``--sample`` files of it) and of the whole folder in
one run, the CPU seconds the run took (its own and its children's: readers, LibreOffice), and the peak
RSS of the run's largest process. Wall-clock forms/s depends on what else the machine runs; forms per
CPU-second does not, and times the cores gives what an idle machine would do at best.
With ``--baseline SRC`` (the src/ folder of another checkout, e.g. ``git worktree add /tmp/base
main~5``) every measure is also run with that code, and printed beside.
Usage: python bench/batch.py [--files 10000] [--formats text,xlsx,...] [--sample 200] [--jobs 1,2]
                             [--baseline SRC]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.corpus import seed_variants  # noqa: E402

from jixiao.ingest.recognize import read_path  # noqa: E402

FORMS = ROOT / "tests" / "fixtures" / "forms"
FORMATS = ["text", "xlsx", "xls", "docx", "doc", "pdf", "html"]
JIXIAO = [sys.executable, "-m", "jixiao.cli"]


def make_folder(root: Path, files: int, formats: list[str]) -> dict[str, list[tuple[Path, int]]]:
    """Per format: each file with its number of forms."""
    out: dict[str, list[tuple[Path, int]]] = {}
    per = files // len(formats)
    for fmt in formats:
        sub = root / fmt
        sub.mkdir()
        if fmt == "text":
            made, _ = seed_variants(per * 8, sub)  # ~7 forms a seed round of 5 files: enough files
            for extra in made[per:]:
                extra.unlink()
            out[fmt] = [(p, len(read_path(p).evaluations)) for p in made[:per]]
            continue
        sources = sorted(FORMS.glob(f"*.{fmt}"))
        counts = {s: len(read_path(s).evaluations) for s in sources}
        out[fmt] = []
        for n in range(per):
            src = sources[n % len(sources)]
            dst = sub / f"{n:05d}_{src.name}"
            shutil.copyfile(src, dst)
            out[fmt].append((dst, counts[src]))
    return out


def _env(src: str | None) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": src} if src else dict(os.environ)


def has_jobs(src: str | None) -> bool:
    helptext = subprocess.run([*JIXIAO, "check", "--help"], capture_output=True, text=True, env=_env(src)).stdout
    return "--jobs" in helptext or " -j" in helptext


def check(paths: list[Path], jobs: int, src: str | None) -> tuple[float, float, float]:
    """(seconds, CPU seconds with its children's, peak RSS in MB of its largest process) of
    `jixiao check --json` over ``paths``."""
    args = [*JIXIAO, "check", "--json", *map(str, paths)]
    if jobs > 1:
        args[4:4] = ["-j", str(jobs)]  # after the command: `jixiao check -j N …`
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, env=_env(src))
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1, 2):  # 2: some files unreadable, reported; the rest checked
            err.seek(0)
            raise SystemExit(f"check failed ({proc.returncode}): {err.read()[-2000:].decode(errors='replace')}")
    return took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--sample", type=int, default=200, help="files per format for the per-format rate (0: all)")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--no-overall", action="store_true", help="per-format rates only")
    ap.add_argument("--baseline", help="src/ folder of the code to compare with")
    ap.add_argument("--baseline-sample", type=int, default=0,
                    help="files per format for the baseline, when it is too slow for the full sample (0: the same)")
    args = ap.parse_args()
    formats = args.formats.split(",")
    codes = {"after": None} if not args.baseline else {"before": args.baseline, "after": None}
    jobs = [int(j) for j in args.jobs.split(",")]
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-batch-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        folder = make_folder(root, args.files, formats)
        total_files = sum(len(f) for f in folder.values())
        total_forms = sum(n for f in folder.values() for _, n in f)
        print(f"folder: {total_files} files, {total_forms} forms, made in {time.perf_counter() - t0:.0f} s")
        head = "".join(f" {c + ' files':>12} {c + ' s':>10} {c + ' forms/s':>15} {c + ' CPU s':>11}"
                       f" {c + ' forms/CPU-s':>17} {c + ' MB':>9}" for c in codes)
        print(f"{'-j':>3} {'format':8}{head}")
        runs = [(fmt, folder[fmt][:args.sample] if args.sample else folder[fmt]) for fmt in formats]
        if not args.no_overall:
            runs.append(("all", [(root, total_forms)]))
        for j in jobs:
            for fmt, sample in runs:
                cols = ""
                for src in codes.values():
                    if j > 1 and not has_jobs(src) or src and args.baseline_sample and fmt == "all":
                        cols += f" {'(no -j)' if j > 1 else '(not run)':>12} {'':>10} {'':>15} {'':>11} {'':>17} {'':>9}"
                        continue
                    part = sample[:args.baseline_sample] if src and args.baseline_sample and fmt != "all" else sample
                    forms = sum(n for _, n in part)
                    files = total_files if fmt == "all" else len(part)
                    took, cpu, peak = check([p for p, _ in part], j, src)
                    cols += f" {files:12d} {took:10.1f} {forms / took:15.1f} {cpu:11.1f} {forms / cpu:17.1f} {peak:9.0f}"
                print(f"{j:3d} {fmt:8}{cols}", flush=True)


if __name__ == "__main__":
    main()
