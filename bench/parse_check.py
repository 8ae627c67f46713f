"""Throughput of parse and parse+check over the seeds replicated to ≥ 5 000 forms.

Prints, on one core: the baseline (read the files, decode, split lines and cells),
parse (grid + recognition + model), parse+check (plus scoring and every check),
forms per second for each, the ratio to the baseline, and peak memory.
Usage: python bench/parse_check.py [--forms N] [--repeat R]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from jixiao.ingest.readers.decode import decode_text, split_lines
from jixiao.ingest.readers.text import is_cell_per_line
from jixiao.ingest.recognize import read_path
from jixiao.pipeline import check_document

SEEDS = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.txt"))


def replicate(target_forms: int, into: Path) -> tuple[list[Path], int]:
    per_round = sum(len(read_path(p).evaluations) for p in SEEDS)
    rounds = -(-target_forms // per_round)
    files = []
    for r in range(rounds):
        for p in SEEDS:
            dst = into / f"{r:04d}_{p.name}"
            shutil.copyfile(p, dst)
            files.append(dst)
    return files, rounds * per_round


def baseline(files: list[Path]) -> int:
    """What any reader must do: read bytes, decode, split lines, split cells."""
    cells = 0
    for f in files:
        text, _ = decode_text(f.read_bytes(), str(f))
        lines = split_lines(text)
        if is_cell_per_line(lines):
            cells += sum(1 for line in lines if line.startswith("\t"))
        else:
            cells += sum(len(line.split("\t")) for line in lines if line)
    return cells


def parse_only(files: list[Path]) -> int:
    return sum(len(read_path(f).evaluations) for f in files)


def parse_check(files: list[Path]) -> int:
    n = 0
    for f in files:
        n += len(check_document(read_path(f)).results)
    return n


def timed(fns: list, files: list[Path], repeat: int) -> list[tuple[float, int]]:
    """Best wall time of each measure over ``repeat`` rounds, the measures taking turns within a round,
    so that a busy moment on a shared machine cannot favour one of them (the ratios compare like with like)."""
    best = [float("inf")] * len(fns)
    results = [0] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            results[i] = fn(files)
            best[i] = min(best[i], time.perf_counter() - t0)
    return list(zip(best, results))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=5, help="rounds; each measure keeps its best")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files, forms = replicate(args.forms, Path(tmp))
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"corpus: {len(files)} files, {forms} forms, {mb:.1f} MB")
        (t_base, cells), (t_parse, n1), (t_check, n2) = timed([baseline, parse_only, parse_check], files, args.repeat)
        assert n1 == n2 == forms, (n1, n2, forms)
        print(f"baseline read+split : {t_base:7.3f} s  {forms / t_base:9.0f} forms/s  ({cells} cells)")
        print(f"parse               : {t_parse:7.3f} s  {forms / t_parse:9.0f} forms/s  {t_parse / t_base:5.2f}x baseline")
        print(f"parse+check         : {t_check:7.3f} s  {forms / t_check:9.0f} forms/s  {t_check / t_base:5.2f}x baseline")
        tracemalloc.start()
        parse_check(files[: len(SEEDS) * 4])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak memory (parse+check, streaming one file at a time): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
