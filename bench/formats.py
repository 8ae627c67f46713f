"""Forms per second for each format, beside the bare library's own read of the same files.

For each format the fixtures of the seed forms (tests/fixtures/forms) are read repeatedly:
- bare: the library alone (calamine sheet to rows, xlrd rows, python-docx table cells,
  lxml td text, csv rows, pdfplumber extract_tables, LibreOffice conversion for doc), and for
  text (the seeds in examples/) reading and splitting: decode, lines, cells;
- grid: jixiao's reader, bytes → Grid (cells with their places);
- parse: jixiao's whole read, bytes → Document (grid + recognition + model).
Prints forms/s for each and parse time as a multiple of the bare read. One core, one process, timed by the
process's CPU time (what the work costs, however busy the machine is); doc by the wall clock, since its work
is LibreOffice's, in another process.
Usage: python bench/formats.py [--seconds S] [--formats xlsx,docx,...]
"""

from __future__ import annotations

import argparse
import csv
import io
import time
from collections.abc import Callable
from pathlib import Path

import docx
import lxml.html
import pdfplumber
import xlrd
from python_calamine import CalamineWorkbook

from jixiao.ingest.readers import detect
from jixiao.ingest.readers.convert import convert_bytes
from jixiao.ingest.readers.decode import decode_text, split_lines
from jixiao.ingest.readers.html import decode_html
from jixiao.ingest.readers.legacy import DOC
from jixiao.ingest.readers.text import is_cell_per_line
from jixiao.ingest.recognize import read_bytes

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "tests" / "fixtures" / "forms"
EXAMPLES = ROOT / "examples"


def bare_xlsx(data: bytes) -> int:
    wb = CalamineWorkbook.from_object(io.BytesIO(data))
    return sum(len(wb.get_sheet_by_index(i).to_python(skip_empty_area=False)) for i in range(len(wb.sheet_names)))


def bare_xls(data: bytes) -> int:
    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    return sum(len(s.row_values(r)) for s in book.sheets() for r in range(s.nrows))


def bare_docx(data: bytes) -> int:
    d = docx.Document(io.BytesIO(data))
    return sum(len([c.text for c in row.cells]) for t in d.tables for row in t.rows)


def bare_html(data: bytes) -> int:
    root = lxml.html.document_fromstring(decode_html(data, "bench"))
    return sum(1 for td in root.iter("td") if td.text_content() is not None)


def bare_csv(data: bytes) -> int:
    text, _ = decode_text(data, "bench")
    return sum(len(r) for r in csv.reader(line + "\n" for line in split_lines(text)))


def bare_text(data: bytes) -> int:
    """Read and split: decode, lines, cells (tab-separated, or one a line for Word's cell-per-line text)."""
    text, _ = decode_text(data, "bench")
    lines = split_lines(text)
    if is_cell_per_line(lines):
        return sum(1 for line in lines if line.startswith("\t"))
    return sum(len(line.split("\t")) for line in lines if line)


def bare_pdf(data: bytes) -> int:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return sum(len(t) for page in pdf.pages for t in page.extract_tables())


def bare_doc(data: bytes) -> int:
    return len(convert_bytes(data, DOC, "bench"))


BARE: dict[str, Callable[[bytes], int]] = {
    "xlsx": bare_xlsx, "xls": bare_xls, "docx": bare_docx, "html": bare_html, "csv": bare_csv, "text": bare_text,
    "pdf": bare_pdf, "doc": bare_doc,
}
# The seed texts themselves (Excel's tab-separated export and Word's cell-per-line text).
SOURCES: dict[str, Callable[[], list[Path]]] = {"text": lambda: sorted(EXAMPLES.glob("*.txt"))}


def timed(fn: Callable[[], object], seconds: float, clock: Callable[[], float] = time.process_time) -> tuple[float, int]:
    """(seconds per call, calls) over at least `seconds` of the clock, at least 2 calls."""
    fn()  # warm caches and imports
    n, start = 0, clock()
    while n < 2 or clock() - start < seconds:
        fn()
        n += 1
    return (clock() - start) / n, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0, help="time per file and measure")
    ap.add_argument("--formats", default=",".join(BARE))
    args = ap.parse_args()
    print(f"{'format':6} {'files':>5} {'forms':>5} {'bare forms/s':>13} {'grid forms/s':>13} {'parse forms/s':>14} "
          f"{'parse/bare':>10}")
    for fmt in args.formats.split(","):
        files = SOURCES[fmt]() if fmt in SOURCES else sorted(FORMS.glob(f"*.{fmt}"))
        if not files:
            continue
        forms = 0
        t_bare = t_grid = t_parse = 0.0
        for f in files:
            data = f.read_bytes()
            reader = detect(data)
            assert reader is not None
            n_forms = len(read_bytes(data, f.name).evaluations)
            seconds = args.seconds if fmt != "doc" else 0.0
            clock = time.perf_counter if fmt == "doc" else time.process_time
            forms += n_forms
            t_bare += timed(lambda data=data, bare=BARE[fmt]: bare(data), seconds, clock)[0]
            t_grid += timed(lambda data=data, reader=reader, f=f: reader.read(data, f.name), seconds, clock)[0]
            t_parse += timed(lambda data=data, f=f: read_bytes(data, f.name), seconds, clock)[0]
        print(f"{fmt:6} {len(files):5d} {forms:5d} {forms / t_bare:13.1f} {forms / t_grid:13.1f} {forms / t_parse:14.1f} "
              f"{t_parse / t_bare:9.2f}x")


if __name__ == "__main__":
    main()
