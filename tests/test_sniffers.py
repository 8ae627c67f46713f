"""The text sniffers' shortcut: a line is cut into pieces only when it may be a funds header.

``may_head_funds`` saying no must mean that neither cutting of the line (``-layout``'s, ``-raw``'s) makes
``header_kind`` "funds"; asked of every line of the text files the tests hold (seeds, real documents,
pdftotext output, CSV) and of lines made to sit on its edges.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.ingest.readers.decode import clean_web_copy, sniffed_lines
from jixiao.ingest.readers.layout import _pieces
from jixiao.ingest.readers.pdfcells import header_kind, may_head_funds
from jixiao.ingest.readers.pdfraw import _raw_pieces

TESTS = Path(__file__).parent
TEXTS = sorted([*TESTS.parent.glob("examples/*.txt"), *TESTS.glob("real/*.txt"), *TESTS.glob("fixtures/pdftext/*.txt"),
                *TESTS.glob("fixtures/forms/*.csv")])


def _funds(line: str) -> bool:
    return header_kind(_pieces(line)) == "funds" or header_kind(_raw_pieces(line)) == "funds"


def test_there_are_text_files_and_funds_headers_among_them() -> None:
    lines = [ln for f in TEXTS for ln in sniffed_lines(f.read_bytes()[:65536])]
    assert len(TEXTS) >= 10
    assert sum(1 for ln in lines if _funds(ln)) >= 5


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_a_line_passed_over_is_no_funds_header(path: Path) -> None:
    for line in sniffed_lines(path.read_bytes()[:65536]):
        if not may_head_funds(line):
            assert not _funds(line), line


@pytest.mark.parametrize("line", [
    "项目资金  年初预算数  全年预算数  全年执 行数  分值",  # a space inside a label
    "项目资金 年初预算数 *全年预算数 全年执*行数 分值 执行率 得分",  # '*' of a required field
    "项目资金  年初预算数  全年预算数  全年执行数  分\u3000值",  # an ideographic space
])
def test_labels_label_key_puts_together_are_found(line: str) -> None:
    assert _funds(line)
    assert may_head_funds(line)


def test_a_line_without_a_funds_label_is_passed_over() -> None:
    assert not may_head_funds("产出指标  数量指标  培训人数  ≥100人  120人  10  10")
    assert not may_head_funds("")


def test_web_copy_lines_found_by_one_search_of_the_text() -> None:
    """The removals ask only the lines a search of the whole text points at: a page number whose dashes the line
    above seems to begin ("—" ending a line, "12 — 5 —" the next) is still found on its own line."""
    lines = ["项目名称\t某项目", "由会员分享", "说明 —", "12 — 5 —", "  ID:88 大小:5KB", "合计\t100"]
    out, notes = clean_web_copy(lines)
    assert out == ["项目名称\t某项目", "", "说明 —", "12  ", "", "合计\t100"]
    assert notes == ["第2、5行是转载网站或收集者加的说明，不属于表格，已略过", "第4行的页码“— n —”不属于表格，已略过"]
