"""Chongqing's 项目绩效自评表 and the 部门整体支出绩效自评表 of the zoo (tests/zoo/chongqing.py, department.py) as
users copy them out of a browser or a PDF: each file read to the generator's own values for its forms.

The files are the zoo's (seed 31), made by the tools of tests/zoo/derive.py: Chromium's text of the page or of
its tables alone, and ``pdftotext -raw`` of LibreOffice's PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.ingest.recognize import read_path

from .zoo.generate import make_files
from .zoo.measure import measure

ZOO = Path(__file__).parent / "fixtures" / "zoo"
SEED, COUNT = 31, 24  # make_files(31, 24): 24 national and Sichuan files, then 6 of Chongqing's and departments'


@pytest.mark.parametrize(("k", "name"), [
    # 重庆: a spacer column before the amounts, so the sub-rows' 执行率 (no 权重, no 得分) sit one column early
    # under the labels; the page's footer under the indicator table, which no 总分 row ends.
    (26, "zoo31-file26.web-text.txt"),
    # Two department forms, their tables copied without the titles: "部门 | …" and "部门名称 | …" open each.
    (25, "zoo31-file25.web-tables.txt"),
    (27, "zoo31-file27.web-tables.txt"),  # the same, "单位名称", with 基本支出 and 项目支出 under the sources
    # 重庆 in -raw: 全年(调整)预算数 wrapped out of its header line, "15 是" (是否核心指标 after 得分), a name
    # wrapped after the row above's 是.
    (28, "zoo31-file28.pdf-raw.txt"),
])
def test_copied_provincial_and_department_forms_read_to_the_generators_golden(k: int, name: str) -> None:
    forms = make_files(SEED, COUNT)[k]
    tally = measure(name.split(".")[-2], [ZOO / name], [forms])
    assert tally.wrong == []
    assert (tally.right, tally.false_errors, tally.planted_found) == (tally.total, 0, tally.planted)


def test_the_page_under_a_chongqing_table_is_named_not_read_as_indicators() -> None:
    [_, second] = read_path(ZOO / "zoo31-file26.web-text.txt").evaluations
    assert [i.name for i in second.indicators][-1] == "参保群众满意度"
    said = [n.zh() for n in second.notes]
    assert any("分享到" in line for line in said) and any("主办单位" in line for line in said)


def test_department_forms_copied_without_titles_are_department_forms() -> None:
    evs = read_path(ZOO / "zoo31-file25.web-tables.txt").evaluations
    assert [(ev.template, ev.project.name) for ev in evs] == [("department", "某市测试局46"), ("department", "某市测试局47")]
