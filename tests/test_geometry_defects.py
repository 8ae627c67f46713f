"""The defects issue 10 names, each in the geometry that caused it; every test here fails on the reader before the fix."""

from __future__ import annotations

import random
from pathlib import Path

from jixiao.export.json import evaluation_json
from jixiao.ingest.grid import Cell, Place, Row
from jixiao.ingest.readers.pdf import TableEnd, _lines
from jixiao.ingest.recognize import read_bytes, read_path
from jixiao.pipeline import check_document

from .conftest import ROOT
from .fixtures.make_fixtures import write_xlsx
from .zoo.generate import Variant, make_form
from .zoo.measure import ARITHMETIC, expected, got


def _xlsx(tmp_path: Path, variant: Variant) -> tuple[dict, dict, set[str]]:
    form = make_form(random.Random(7), 1, variant, None)
    path = tmp_path / "form.xlsx"
    write_xlsx("zoo", form.blocks, path)
    [result] = check_document(read_path(path)).results
    return expected(form), got(evaluation_json(result.ev)), {f.code for f in result.findings} & ARITHMETIC


def test_a_label_merged_over_two_columns_still_gives_its_value(tmp_path: Path) -> None:
    want, have, _ = _xlsx(tmp_path, Variant(label_span=2, pairs_per_row=2))
    assert have["project"] == want["project"] and have["project"]["name"] == "测试项目1号经费"


def test_a_spacer_column_does_not_shift_the_funds_amounts(tmp_path: Path) -> None:
    want, have, arithmetic = _xlsx(tmp_path, Variant(spacer=True))
    assert have["funds"] == want["funds"]
    assert arithmetic == set()


def test_an_html_page_heading_is_not_an_extra_empty_form() -> None:
    page = (ROOT / "tests" / "fixtures" / "forms" / "000.html").read_text(encoding="utf-8")
    at = page.index('<div class="article">') + len('<div class="article">')
    heading = "<h1>某区财政局2022年度项目支出绩效自评表公开</h1><p>发布时间：2023-05-10 来源：区财政局</p>"
    doc = read_bytes((page[:at] + heading + page[at:]).encode("utf-8"), "page.html")
    assert [ev.project.name for ev in doc.evaluations] == ["人大宣传", "信息系统运行与维护", "人大代表站点建设"]
    codes = [n.code for n in doc.evaluations[0].notes[:2]]
    assert codes == ["title-without-form", "outside-form"]


def test_a_page_break_does_not_glue_a_new_row_of_numbers_to_the_last_one() -> None:
    """Right-aligned numbers end at their cell's edge, as if cut off: "10" and the next page's "0" are two rows."""
    last = Row([Cell("满意度", Place(page=1)), Cell("10", Place(page=1))], Place(page=1))
    end = TableEnd(last, [(0.0, 50.0), (50.0, 70.0)], [6.0, 0.0])
    assert not end.join_cut([(0.0, 50.0), (50.0, 70.0)], ["", "0"], [None, 0.0])
    assert last.cells[1].text == "10"


def test_a_cell_cut_by_a_page_break_is_still_joined() -> None:
    last = Row([Cell("部分任务延后，", Place(page=1))], Place(page=1))
    end = TableEnd(last, [(0.0, 50.0)], [0.5])
    assert end.join_cut([(0.0, 50.0)], ["下年度加强督导"], [3.0])
    assert last.cells[0].text == "部分任务延后，下年度加强督导"


def test_a_full_stop_whose_box_sits_low_stays_on_its_line() -> None:
    """PDFium's box of '.' can start half a line lower than its digits': "567.39" is one line, not "56739\\n."."""
    chars = [{"text": t, "x0": x, "x1": x + 4, "top": top, "bottom": 160.06, "size": 8.0}
             for t, x, top in (("5", 231.8, 153.54), ("6", 236.2, 153.43), ("7", 240.7, 153.54), (".", 245.1, 158.39),
                               ("3", 247.3, 153.43), ("9", 251.8, 153.43))]
    assert ["".join(c["text"] for c in line) for line in _lines(chars)] == ["567.39"]
