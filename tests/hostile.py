"""Builders of hostile input, each the shortest file that showed a defect of issue 13.

Small and fast: each is built in milliseconds from a real library or from a real fixture with one
field changed, so a test states the one thing that makes the file hostile.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import openpyxl

from .forms import Form
from .test_formats import FORMS


def form_rows(form: Form | None = None) -> list[list[str]]:
    return [line.split("\t") for line in (form or Form()).text().strip("\n").split("\n")]


def html_table(form: Form | None = None) -> str:
    return "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in form_rows(form)) \
        + "</table>"


def html_page(body: str) -> bytes:
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode()


def xlsx_far_cell() -> bytes:
    """A form, and one more cell at XFD1048576: the used range is 17 billion cells."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in form_rows():
        ws.append(row)
    ws["XFD1048576"] = "x"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def html_spans(span: int = 100_000) -> bytes:
    """Four kilobytes of cells each spanning ``span`` rows and columns."""
    cells = "".join(f'<td rowspan="{span}" colspan="{span}">x</td>' for _ in range(4))
    return html_page(html_table() + f"<table>{'<tr>' + cells + '</tr>'}</table>")


def docx_grid_span(span: int = 2_000_000_000) -> bytes:
    """The fixture's docx with its first table cell declared to span ``span`` grid columns."""
    src = (FORMS / "000.docx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = re.sub(rb"<w:tc>", f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>'.encode(), data, count=1)
            zout.writestr(info, data)
    return out.getvalue()


def xls_bogus_merge() -> bytes:
    """The fixture's xls with its first merged range stretched to the whole sheet (65536 × 256)."""
    data = bytearray((FORMS / "000.xls").read_bytes())
    for m in re.finditer(rb"\xe5\x00(..)(..)", bytes(data), re.S):
        length, count = struct.unpack("<H", m.group(1))[0], struct.unpack("<H", m.group(2))[0]
        if count and length == 2 + 8 * count:
            at = m.end()
            data[at:at + 8] = struct.pack("<HHHH", 0, 0xFFFF, 0, 0xFF)
            return bytes(data)
    raise AssertionError("the fixture has no merged cells")


def long_line(size: int = 50 * 1024 * 1024) -> bytes:
    return Form().text().encode() + b"x" * size + b"\n"


def unclosed(tag: str, n: int = 255) -> bytes:
    return html_page(f"<{tag}>" * n + html_table())


def nested(n: int = 10_000) -> bytes:
    return html_page("<div>" * n + html_table() + "</div>" * n)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def xlsx_bad_deflate() -> bytes:
    """The fixture's xlsx with its sheet's deflate stream damaged, so that unpacking it fails in zlib
    itself (the archive's directory is intact: the reader gets as far as the member)."""
    import zlib

    src = (FORMS / "000.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for at in range(start, start + info.compress_size):
        data = bytearray(src)
        data[at] ^= 0xFF
        try:
            with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
                zf.read(info.filename)
        except zlib.error:
            return bytes(data)
        except zipfile.BadZipFile:
            continue
    raise AssertionError("no damaged byte made zlib fail")


def pdf_grid(lines: int = 300) -> bytes:
    """A one-page PDF with a word of text and a ruled grid of ``lines`` × ``lines`` lines (what took
    pdfplumber's table finder 164 s at 300 × 300 and never ended at 600 × 600)."""
    step = 700 / lines
    ops = [f"{50 + i * step:.2f} 50 m {50 + i * step:.2f} 750 l {50} {50 + i * step:.2f} m 750 {50 + i * step:.2f} l"
           for i in range(lines)]
    content = ("BT /F1 12 Tf 60 770 Td (x) Tj ET 0.1 w " + " ".join(ops) + " S").encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 800 800] /Contents 4 0 R"
               b" /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
