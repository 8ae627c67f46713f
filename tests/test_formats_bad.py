"""Bad input of every format: one clear Chinese error naming the file, exit 2, and the rest of
the batch still read. Plus the format details that the seed fixtures do not exercise."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl
import pytest

from jixiao import office
from jixiao.errors import JixiaoError, NoFormFound, UnsupportedFormat
from jixiao.ingest.readers import ocr
from jixiao.ingest.readers.containers import PasswordProtected
from jixiao.ingest.recognize import read_bytes, read_path

from .conftest import jixiao_cmd
from .test_formats import FORMS, comparable, needs_soffice

try:
    import rapidocr_onnxruntime  # noqa: F401

    HAS_OCR = True
except ImportError:
    HAS_OCR = False

GOOD = FORMS / "000.xlsx"
NO_FORM_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告</title></head><body>
<nav><a href="/">首页</a></nav><div class="article"><h1>关于开展2024年度绩效自评工作的通知</h1>
<p>各预算单位：请于6月30日前完成项目支出绩效自评并报送财政局。</p>
<table><tr><td>联系人</td><td>张三</td></tr><tr><td>电话</td><td>0755-12345678</td></tr></table></div></body></html>"""


def encrypted(path: Path) -> bytes:
    out = io.BytesIO()
    with path.open("rb") as fh:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("secret", out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A docx whose one image unpacks to 64 MB of zeros from about 60 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        with zipfile.ZipFile(FORMS / "000.docx") as src:
            for name in src.namelist():
                zf.writestr(name, src.read(name))
        with zf.open("word/media/image1.png", "w", force_zip64=True) as fh:
            chunk = bytes(1024 * 1024)
            for _ in range(64):
                fh.write(chunk)
    return out.getvalue()


def word_encrypted(path: Path) -> bytes:
    """A Word 97 file whose header says it is encrypted (the FIB's fEncrypted flag), as Word writes one."""
    data = bytearray(path.read_bytes())
    # The WordDocument stream opens with the FIB (wIdent 0xA5EC) at the start of a 512-byte sector.
    fib = next(i for i in range(512, len(data), 512) if data[i:i + 2] == b"\xec\xa5")
    data[fib + 11] |= 0x01
    return bytes(data)


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bad")
    files = {
        "locked.xlsx": encrypted(FORMS / "000.xlsx"),
        "locked.docx": encrypted(FORMS / "000.docx"),
        "truncated.xlsx": (FORMS / "000.xlsx").read_bytes()[:5000],
        "truncated.docx": (FORMS / "000.docx").read_bytes()[:-300],
        "bomb.docx": zip_bomb(),
        "notice.pdf": (FORMS / "bad" / "notice.pdf").read_bytes(),
        "locked.pdf": (FORMS / "bad" / "locked.pdf").read_bytes(),
        "locked.doc": word_encrypted(FORMS / "000.doc"),
        "notice.html": NO_FORM_PAGE.encode("utf-8"),
        "broken.pdf": (FORMS / "000.pdf").read_bytes()[:2000],
        "broken.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
    }
    out = {}
    for name, data in files.items():
        (d / name).write_bytes(data)
        out[name] = d / name
    return out


@pytest.mark.parametrize(("name", "error", "words"), [
    ("locked.xlsx", PasswordProtected, "密码"),
    ("locked.docx", PasswordProtected, "密码"),
    ("locked.pdf", PasswordProtected, "密码"),
    ("locked.doc", PasswordProtected, "密码"),
    ("truncated.xlsx", JixiaoError, "不完整"),
    ("truncated.docx", JixiaoError, "损坏"),
    ("bomb.docx", JixiaoError, "压缩炸弹"),
    ("notice.pdf", NoFormFound, "没有找到项目支出绩效自评表"),
    ("notice.html", NoFormFound, "没有找到项目支出绩效自评表"),
    ("broken.pdf", JixiaoError, "PDF"),
    ("broken.xls", UnsupportedFormat, "OLE"),
])
def test_bad_input_gives_one_clear_error(bad_files, name: str, error: type, words: str) -> None:
    with pytest.raises(error) as info:
        read_path(bad_files[name])
    message = info.value.message
    assert name in message and words in message
    assert "\n" not in message and "Traceback" not in message


def test_a_batch_with_bad_files_still_reads_the_good_ones(bad_files) -> None:
    folder = next(iter(bad_files.values())).parent
    (folder / "good.xlsx").write_bytes(GOOD.read_bytes())
    proc = subprocess.run([*jixiao_cmd(), "parse", str(folder), "--json"], capture_output=True, text=True)
    assert proc.returncode == 2
    objs = json.loads(proc.stdout)
    assert [o["project"]["name"] for o in objs] == [ev.project.name for ev in read_path(GOOD).evaluations]
    assert len(objs) == 3
    for name in bad_files:
        assert name in proc.stderr, name
    assert "Traceback" not in proc.stderr


def test_scanned_pdf_without_the_ocr_extra_says_how_to_get_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    ocr._engine.cache_clear()
    try:
        with pytest.raises(ocr.OcrMissing) as info:
            read_path(FORMS / "scanned" / "000.pdf")
    finally:
        ocr._engine.cache_clear()
    assert "扫描图像" in info.value.message and "jixiao[ocr]" in info.value.message


@pytest.mark.skipif(not HAS_OCR, reason="OCR 扩展未安装（make test 会安装：pip install -e '.[dev,ocr]'）")
def test_scanned_pdf_is_read_by_ocr() -> None:
    """The first form of seed 000, printed, scanned at 150 dpi: the numbers that matter come back."""
    got = comparable(FORMS / "scanned" / "000.pdf")[0]
    want = comparable(FORMS / "000.pdf")[0]
    for key in ("year", "funds", "total", "level1_weights"):
        assert got[key] == want[key], key
    assert got["project"]["code"] == want["project"]["code"] and got["project"]["name"] == want["project"]["name"]
    scores = [(i["weight"], i["score"]) for i in got["indicators"]]
    expected = [(i["weight"], i["score"]) for i in want["indicators"]]
    assert sum(a == b for a, b in zip(scores, expected)) >= len(expected) - 1


def test_rotated_page_reads_as_the_upright_one() -> None:
    """A landscape page saved as a portrait page turned by /Rotate."""
    assert comparable(FORMS / "rotated" / "000.pdf") == comparable(FORMS / "000.pdf")


def test_sideways_text_is_turned_upright() -> None:
    """A landscape page's content drawn turned on a portrait page (the file holds the first form)."""
    doc = read_path(FORMS / "sideways" / "000.pdf")
    assert doc.warnings == ["第2页的文字是旋转的，已转正后读取"]
    got = comparable(FORMS / "sideways" / "000.pdf")
    want = comparable(FORMS / "000.pdf")[0]
    assert got[0] == want


def test_doc_without_libreoffice_names_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(office.shutil, "which", lambda _name: None)
    with pytest.raises(office.ConverterMissing) as info:
        read_path(FORMS / "000.doc")
    assert "LibreOffice" in info.value.message and "000.doc" in info.value.message


def test_hidden_rows_are_read_and_reported(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(GOOD)
    ws = wb.active
    ws.row_dimensions[6].hidden = True  # 年度资金总额
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    doc = read_path(path)
    assert any("第6行：该行已隐藏" in w for w in doc.warnings)
    assert any("第6行：该行已隐藏" in w for w in doc.evaluations[0].warnings)  # on the form, so check shows it
    assert comparable(path) == comparable(GOOD)


def test_a_sheets_hidden_rows_are_told_on_that_sheets_forms(tmp_path: Path) -> None:
    """A workbook of one form per sheet: a line about one sheet goes on its forms, not on every form."""
    wb = openpyxl.load_workbook(GOOD)
    first = wb.active
    second = wb.copy_worksheet(first)
    first.title, second.title = "甲项目", "乙项目"
    second.row_dimensions[6].hidden = True
    path = tmp_path / "two.xlsx"
    wb.save(path)
    doc = read_path(path)
    hidden = [[w for w in ev.warnings if "隐藏" in w] for ev in doc.evaluations]
    sheets = [ev.source.place.sheet for ev in doc.evaluations]
    assert hidden == [[] if sheet == "甲项目" else ["工作表“乙项目”第6行：该行已隐藏，其内容已照常读取"] for sheet in sheets]
    assert set(sheets) == {"甲项目", "乙项目"}
    # typed, with its place, for a machine: the JSON note names the sheet and the row, not only the text
    notes = [[n.to_json() for n in ev.notes if n.code == "hidden-row"] for ev in doc.evaluations]
    assert [[(n["place"], n["locator"]) for n in ns] for ns in notes] == [
        [] if sheet == "甲项目" else [({"sheet": "乙项目", "row": 6}, "sheet 乙项目, row 6")] for sheet in sheets]


def test_numbers_keep_their_printed_decimals_and_percent(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(GOOD)
    ws = wb.active
    ws["G6"].value, ws["G6"].number_format = 0.9994, "0.00%"
    path = tmp_path / "percent.xlsx"
    wb.save(path)
    ev = read_path(path).evaluations[0]
    assert str(ev.funds.total.rate) == "99.94" and str(ev.funds.total.full_year.amount) == "1300000.00"
    assert ev.locators["funds.total.rate"].describe() == "sheet 自评表, cell G6"


def test_format_is_found_by_content_not_by_name(tmp_path: Path) -> None:
    for src, fmt in ((FORMS / "000.xlsx", "xlsx"), (FORMS / "000.docx", "docx"), (FORMS / "000.html", "html"),
                     (FORMS / "000.pdf", "pdf"), (FORMS / "000.xls", "xls")):
        path = tmp_path / f"{src.stem}-{fmt}.dat"
        path.write_bytes(src.read_bytes())
        doc = read_path(path)
        assert doc.format == fmt and len(doc.evaluations) == 3


def test_tables_and_paragraphs_keep_their_places() -> None:
    doc = read_path(FORMS / "004.docx")
    ev = doc.evaluations[0]
    assert ev.source.place.describe().startswith("paragraph ")
    assert ev.locators["funds.total.executed"].describe().startswith("table ")
    pdf = read_path(FORMS / "000.pdf").evaluations[1]
    assert pdf.locators["total.score"].describe().startswith("page ")


def test_unknown_binary_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormat):
        read_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100), "x.png")


@needs_soffice
def test_wps_and_et_are_read_by_content(tmp_path: Path) -> None:
    """WPS saves .wps as a Word 97 file and .et as an Excel 97 file: the streams decide, not the name."""
    for src, name in ((FORMS / "000.doc", "表.wps"), (FORMS / "000.xls", "表.et")):
        (tmp_path / name).write_bytes(src.read_bytes())
        assert comparable(tmp_path / name) == comparable(FORMS / "000.xlsx"), name


def test_form_inside_a_page_layout_table(tmp_path: Path) -> None:
    page = (FORMS / "000.html").read_text(encoding="utf-8")
    start, end = page.index('<div class="article">'), page.index('<div class="share">')
    wrapped = (page[:start] + '<table width="100%"><tr><td class="left">栏目导航</td><td>' + page[start:end]
               + "</td></tr></table>" + page[end:])
    path = tmp_path / "layout.html"
    path.write_text(wrapped, encoding="utf-8")
    got = comparable(path)
    want = comparable(FORMS / "000.html")
    assert got[1:] == want[1:]
    # The layout table's side column is page text before the form: kept, as a warning.
    assert got[0]["warnings"] == ["：表格之前的内容“栏目导航”不属于任何表"] + want[0]["warnings"]


def test_nested_table_text_stays_in_its_cell(tmp_path: Path) -> None:
    import docx

    d = docx.Document(FORMS / "000.docx")
    outer = d.tables[0].cell(0, 5)  # the year cell
    outer.paragraphs[0].text = ""
    inner = outer.add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "2022"
    path = tmp_path / "nested.docx"
    d.save(path)
    assert comparable(path)[0]["year"] == 2022
