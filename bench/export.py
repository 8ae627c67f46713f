"""Export and report speed on the seed forms: forms per second for each writer, seconds for the
LibreOffice and WeasyPrint steps. Prints numbers; asserts nothing.

    .venv/bin/python bench/export.py [--rounds N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from jixiao.export.docx import form_docx
from jixiao.export.json import evaluation_json
from jixiao.export.report import build_report, render_html, write_report
from jixiao.export.xlsx import form_xlsx, template_xlsx
from jixiao.ingest.recognize import read_bytes, read_path
from jixiao.office import convert
from jixiao.scoring import get_policy

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def rate(label: str, n: int, seconds: float) -> None:
    print(f"{label:<34} {n:>5} in {seconds:6.2f} s  = {n / seconds:8.1f} /s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="passes over the 37 seed forms")
    args = parser.parse_args()
    seeds = sorted(EXAMPLES.glob("*.txt"))
    forms = [ev for s in seeds for ev in read_path(s).evaluations] * args.rounds
    policy = get_policy("national")
    written: dict[str, list[bytes]] = {}
    for label, fn in (("json", lambda ev: evaluation_json(ev)), ("xlsx (filled form)", form_xlsx),
                      ("docx (filled form)", form_docx)):
        t = time.perf_counter()
        written[label] = [fn(ev) for ev in forms]
        rate(label, len(forms), time.perf_counter() - t)
    t = time.perf_counter()
    for _ in range(len(forms)):
        template_xlsx(policy, 2024)
    rate("xlsx (empty template)", len(forms), time.perf_counter() - t)
    for label, ext in (("xlsx (filled form)", "xlsx"), ("docx (filled form)", "docx")):
        t = time.perf_counter()
        for data in written[label]:
            read_bytes(data, f"x.{ext}")
        rate(f"read back {ext}", len(forms), time.perf_counter() - t)
    with tempfile.TemporaryDirectory() as tmp:
        docs = []
        for n, data in enumerate(written["docx (filled form)"][:37]):
            path = Path(tmp) / f"{n:03d}.docx"
            path.write_bytes(data)
            docs.append(path)
        t = time.perf_counter()
        convert(docs, "pdf", Path(tmp) / "pdf")
        rate("pdf via LibreOffice (one process)", len(docs), time.perf_counter() - t)
        t = time.perf_counter()
        report = build_report(seeds, policy)
        html = render_html(report)
        print(f"{'report html (37 forms, charts)':<34} {time.perf_counter() - t:6.2f} s, {len(html) // 1024} KiB")
        t = time.perf_counter()
        write_report(report, Path(tmp) / "report.pdf")
        size = (Path(tmp) / "report.pdf").stat().st_size
        print(f"{'report pdf (WeasyPrint)':<34} {time.perf_counter() - t:6.2f} s, {size // 1024} KiB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
