"""Word and PDF exports of the seed forms: the table as published (merged cells, printed values),
and a PDF printed by LibreOffice whose Chinese text is real text in an embedded CJK font."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal

import docx
import pytest
from docx.oxml.ns import qn

from jixiao.export import get_exporter
from jixiao.export.docx import form_docx
from jixiao.export.json import evaluation_json
from jixiao.export.layout import NCOLS
from jixiao.export.xlsx import form_xlsx
from jixiao.ingest.recognize import read_bytes, read_path
from jixiao.model import FundsRow
from jixiao.office import soffice
from jixiao.scoring import get_policy
from jixiao.values import Money, fmt

from .conftest import SEEDS
from .forms import Form

NATIONAL = get_policy("national")


def _texts(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_docx_is_the_published_table_with_merged_cells() -> None:
    ev = read_path(SEEDS[0]).evaluations[0]
    document = docx.Document(io.BytesIO(form_docx(ev, NATIONAL)))
    assert document.paragraphs[0].text == "项目支出绩效自评表"
    (table,) = document.tables
    rows = _texts(table)
    assert all(len(r) == NCOLS for r in rows)
    assert ["项目名称"] + ["人大宣传"] * (NCOLS - 1) == rows[1]  # the name cell spans the row
    funds = next(r for r in rows if r[1] == "年度资金总额")
    assert funds[2:8] == ["1300000.00", "1300000.00", "1299270.00", "10", "99.94", "9.99"]
    # 产出(50分) merged down over its six indicator rows, 数量 over its three.
    level1 = [r[1] for r in rows if r[3] and r[0] == "绩效指标"]
    assert level1[1:7] == ["产出(50分)"] * 6
    assert sum(1 for r in rows if r[2] == "数量") == 3
    total = next(r for r in rows if r[0] == "总分")
    assert total[6:8] == ["100", "97.99"]
    note = next(r for r in rows if r[3] == "编印季刊数(期)")[8]
    assert note.startswith("《龙岗人大》内刊") and "\n改进措施" not in note[:5]
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    normal = document.styles["Normal"]
    assert normal.font.name == "宋体" and normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_words_printed_in_numeric_cells_are_kept_in_both_formats() -> None:
    """“待定” where a score belongs is not a number, and not lost: written back, read back as the same text."""
    form = Form().with_indicator(1, score="待定", note="待年底评估")
    ev = read_bytes(form.text().encode("utf-8"), "form.txt").evaluations[0]
    assert [(i.field, i.text) for i in ev.invalid] == [("indicators[1].score", "待定")]
    rows = _texts(docx.Document(io.BytesIO(form_docx(ev, NATIONAL))).tables[0])
    assert next(r for r in rows if r[3] == "培训合格率")[7] == "待定"
    for name, data in (("x.docx", form_docx(ev, NATIONAL)), ("x.xlsx", form_xlsx(ev, NATIONAL))):
        again = read_bytes(data, name).evaluations[0]
        assert [(i.field, i.text) for i in again.invalid] == [("indicators[1].score", "待定")], name


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> list:
    """The forms of seeds 000 and 002 (元 and 万元, TSV and Word dump) exported to PDF in one LibreOffice run."""
    if soffice() is None:
        pytest.skip("LibreOffice 未安装：scripts/setup-system.sh 安装它")
    tmp = tmp_path_factory.mktemp("pdf")
    evs = [ev for seed in (SEEDS[0], SEEDS[2]) for ev in read_path(seed).evaluations]
    items = [(ev, tmp / f"form{n:02d}.pdf") for n, ev in enumerate(evs)]
    assert get_exporter("pdf").write(items, NATIONAL) == []
    return items


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils 未安装：scripts/setup-system.sh 安装它")
def test_pdf_export_prints_chinese_with_an_embedded_cjk_font(printed: list) -> None:
    for ev, path in printed[3:5]:
        assert path.read_bytes().startswith(b"%PDF")
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
        flat = re.sub(r"\s", "", text)
        assert "项目支出绩效自评表" in flat and re.sub(r"\s", "", ev.project.name) in flat
        for label in ("年初预算数", "预期目标", "实际完成情况", "一级指标", "总分", fmt(ev.funds.total.rate)):
            assert label in text, label
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        assert "CJK" in fonts, fonts  # the Chinese glyphs come from Noto CJK, not a box-drawing fallback


def _numbers_and_words(ev) -> tuple:
    """What a printed page must keep: every number, and every text up to where its lines wrap."""
    data = evaluation_json(ev)
    flat = [re.sub(r"\s", "", t or "") for t in (data["project"]["name"], data["goals"]["expected"],
                                                 data["goals"]["achieved"], data["remarks"])]
    rows = [(i["level1"], i["level2"], *(re.sub(r"\s", "", i[f] or "") for f in ("name", "target", "actual", "note")),
             i["weight"], i["score"]) for i in data["indicators"]]
    return data["year"], data["money_unit"], data["funds"], data["total"], flat, rows


def test_printed_pdf_reads_back_with_every_number_and_word(printed: list) -> None:
    assert len(printed) == 12
    for ev, path in printed:
        again = read_path(path).evaluations
        assert len(again) == 1 and _numbers_and_words(again[0]) == _numbers_and_words(ev), ev.project.name


def test_fields_of_other_templates_are_written_after_the_remarks() -> None:
    """A form of a template with no layout of its own (a province's added to templates/ before export/sheets.py
    has a sheet for it) exported to the national layout keeps what that layout has no cell for."""
    ev = read_path(SEEDS[0]).evaluations[0]
    ev.template, ev.report_code = "hebei", "510000_0013zp"
    ev.conclusion, ev.problems = "总体完成年度目标。", "宣传覆盖面不足。"
    ev.project.finance_manager = "李四"
    ev.funds.special_account = FundsRow(full_year=Money(Decimal(0), "元"), reason="未安排专户资金")
    ev.indicators[0].coefficient, ev.indicators[0].core = Decimal(80), True
    rows = _texts(docx.Document(io.BytesIO(form_docx(ev, NATIONAL))).tables[0])
    labelled = {r[0]: r[1] for r in rows}
    # Header fields the layout has no cell for go in header rows of their own, label beside value.
    header = {r[i]: r[i + 1] for r in rows[:8] for i in range(len(r) - 1)}
    assert labelled["报表编号"] == "510000_0013zp" and header["财务负责人"] == "李四"
    assert labelled["评价结论"] == "总体完成年度目标。" and labelled["存在问题"] == "宣传覆盖面不足。"
    assert labelled["预算执行原因"] == "财政专户管理资金：未安排专户资金"
    assert labelled["指标补充"] == "指标1「纸媒版面数量(个)」：得分系数 80%，核心指标"
    assert any(r[1] == "财政专户管理资金" and r[3] == "0" for r in rows)
    assert [r[0] for r in rows].index("备注") < [r[0] for r in rows].index("报表编号")
