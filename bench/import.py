"""Import throughput: ≥ 10 000 forms varied from the seeds into SQLite (2 workers) and PostgreSQL.

Prints files, forms, seconds, forms per second and the importing process's peak memory
(RSS high-water mark, which includes SQLAlchemy and the interpreter) for each database,
plus the RSS at the end of each half of the batch to show it stays flat as the batch grows.
Target (issue 6): 10 000 forms in under 60 s on SQLite with 2 workers.
With ``--baseline SRC`` (the src/ folder of another checkout) the same run is made first with
that code, and both are printed.
Usage: python bench/import.py [--forms N] [--workers N] [--skip-pg] [--baseline SRC]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.corpus import seed_variants  # noqa: E402
from tests.pgcluster import ClusterUnavailable, start  # noqa: E402

from jixiao.store.db import open_store  # noqa: E402
from jixiao.store.importer import import_paths  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run(label: str, url: str, files: list[Path], forms: int, workers: int) -> None:
    engine = open_store(url)
    half = len(files) // 2
    t0 = time.perf_counter()
    first = import_paths(files[:half], engine, workers=workers)
    mid_rss = rss_mb()
    second = import_paths(files[half:], engine, workers=workers)
    took = time.perf_counter() - t0
    end_rss = rss_mb()
    stored = first.forms + second.forms
    assert stored == forms and not first.failed and not second.failed, (stored, forms, first.failed[:1])
    again = time.perf_counter()
    skipped = import_paths(files, engine, workers=workers)
    rerun = time.perf_counter() - again
    assert skipped.imported == 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<22} {len(files)} files, {stored} forms in {took:6.2f} s = {stored / took:7.0f} forms/s; "
          f"RSS after 1st half {mid_rss:.0f} MB, after 2nd half {end_rss:.0f} MB, peak {peak:.0f} MB; "
          f"re-run (all skipped) {rerun:.2f} s")
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--baseline", help="src/ folder of the code to compare with")
    args = ap.parse_args()
    if args.baseline:
        argv = sys.argv[1:]
        at = argv.index("--baseline")
        print(f"before ({args.baseline}):", flush=True)
        subprocess.run([sys.executable, __file__, *argv[:at], *argv[at + 2:]], check=True,
                       env={**os.environ, "PYTHONPATH": args.baseline})
        print("after:", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        files, forms = seed_variants(args.forms, corpus)
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"corpus: {len(files)} files, {forms} forms, {mb:.1f} MB; {args.workers} workers")
        run("SQLite", f"sqlite:///{tmp}/bench.db", files, forms, args.workers)
        if args.skip_pg:
            return
        try:
            cluster = start()
        except ClusterUnavailable as exc:
            print(f"PostgreSQL skipped: {exc}")
            return
        try:
            run("PostgreSQL (local)", cluster.create_database("bench"), files, forms, args.workers)
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
