"""`jixiao check` over a folder of mixed formats, as a user runs it: forms per second and peak memory.

The folder (in a temporary directory, removed afterwards) holds ``--files`` files spread evenly
over the formats: text varied from the seeds (tests/corpus.py, each a different project) and
copies of the seed fixtures for xlsx, xls, docx, doc, pdf and html (tests/fixtures/forms). Each
format sits in its own subfolder. For each ``-j`` asked for (``-j`` only where `check` has it),
prints forms/s of each format's subfolder (the first ``--sample`` files of it) and of the whole
folder in one run, and the peak RSS of the largest process.
Usage: python bench/batch.py [--files 10000] [--formats text,xlsx,...] [--sample 200] [--jobs 1,2]
"""

from __future__ import annotations

import argparse
import resource
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
JIXIAO = [str(Path(sys.executable).parent / "jixiao")]


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


def has_jobs() -> bool:
    helptext = subprocess.run([*JIXIAO, "check", "--help"], capture_output=True, text=True).stdout
    return "--jobs" in helptext or " -j" in helptext


def check(paths: list[Path], jobs: int) -> float:
    """Seconds for `jixiao check --json` over ``paths``."""
    args = [*JIXIAO, "check", "--json", *map(str, paths)]
    if jobs > 1:
        args[2:2] = ["-j", str(jobs)]
    t0 = time.perf_counter()
    proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"check failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return took


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--sample", type=int, default=200, help="files per format for the per-format rate (0: all)")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--no-overall", action="store_true", help="per-format rates only")
    args = ap.parse_args()
    formats = args.formats.split(",")
    jobs = [int(j) for j in args.jobs.split(",")]
    if not has_jobs():
        print("note: `jixiao check` has no -j yet; measuring -j 1 only")
        jobs = [1]
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-batch-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        folder = make_folder(root, args.files, formats)
        total_files = sum(len(f) for f in folder.values())
        total_forms = sum(n for f in folder.values() for _, n in f)
        print(f"folder: {total_files} files, {total_forms} forms, made in {time.perf_counter() - t0:.0f} s")
        print(f"{'-j':>3} {'format':8} {'files':>6} {'forms':>6} {'seconds':>8} {'forms/s':>8} {'peak MB':>8}")
        for j in jobs:
            for fmt in formats:
                sample = folder[fmt][:args.sample] if args.sample else folder[fmt]
                sample_forms = sum(n for _, n in sample)
                took = check([p for p, _ in sample], j)
                print(f"{j:3d} {fmt:8} {len(sample):6d} {sample_forms:6d} {took:8.1f} {sample_forms / took:8.1f} "
                      f"{peak_mb():8.0f}")
            if not args.no_overall:
                took = check([root], j)
                print(f"{j:3d} {'all':8} {total_files:6d} {total_forms:6d} {took:8.1f} {total_forms / took:8.1f} "
                      f"{peak_mb():8.0f}")


if __name__ == "__main__":
    main()
