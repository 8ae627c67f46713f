"""Chongqing's 项目绩效自评表 and the 部门整体支出绩效自评表 of the zoo (tests/zoo/chongqing.py, department.py) as
users copy them out of a browser or a PDF: each file read to the generator's own values for its forms.

The files are the zoo's (seeds 31 and 60), made by the tools of tests/zoo/derive.py: Chromium's text of the page
or of its tables alone, and ``pdftotext`` (-raw, and its default reading order) of LibreOffice's PDF. Files of the
30-file zoos (seeds 93 to 223) hold national forms too, read by pdftotext's default, whose reading order scatters
cells merged down or taller than their rows (notes, totals, 自评总分)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.export.json import evaluation_json
from jixiao.ingest.recognize import read_bytes, read_path
from jixiao.pipeline import check_document
from tests.fixtures.make_fixtures import write_xlsx

from .zoo.generate import make_files
from .zoo.measure import ARITHMETIC, expected, got, measure, squeeze

FIXTURES = Path(__file__).parent / "fixtures"
ZOO = FIXTURES / "zoo"
COUNT = 24  # make_files(seed, 24): 24 national and Sichuan files, then 6 of Chongqing's and departments'


@pytest.mark.parametrize(("seed", "k", "name"), [
    # 重庆: a spacer column before the amounts, so the sub-rows' 执行率 (no 权重, no 得分) sit one column early
    # under the labels; the page's footer under the indicator table, which no 总分 row ends.
    (31, 26, "zoo31-file26.web-text.txt"),
    # Two department forms, their tables copied without the titles: "部门 | …" and "部门名称 | …" open each.
    (31, 25, "zoo31-file25.web-tables.txt"),
    (31, 27, "zoo31-file27.web-tables.txt"),  # the same, "单位名称", with 基本支出 and 项目支出 under the sources
    # 重庆 in -raw: 全年(调整)预算数 wrapped out of its header line, "15 是" (是否核心指标 after 得分), a name
    # wrapped after the row above's 是.
    (31, 28, "zoo31-file28.pdf-raw.txt"),
    # 重庆's 部门整体绩效自评表, its table copied without the title: 主管部门 and 部门联系人 head it, no 项目名称.
    (60, 26, "zoo60-file26.web-tables.txt"),
])
def test_copied_provincial_and_department_forms_read_to_the_generators_golden(seed: int, k: int, name: str) -> None:
    forms = make_files(seed, COUNT)[k]
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


def test_a_chongqing_department_form_in_xlsx_reads_to_the_generators_golden(tmp_path: Path) -> None:
    """重庆's 部门整体绩效自评表 as its filers keep it: indicators without 得分系数 (指标值, 指标权重, 说明), the
    department named by 主管部门 under the title."""
    forms = make_files(60, COUNT)[26]
    assert forms[0].variant.whole  # type: ignore[attr-defined]
    write_xlsx("zoo", forms[0].blocks, tmp_path / "whole.xlsx")
    tally = measure("xlsx", [tmp_path / "whole.xlsx"], [forms])
    assert tally.wrong == [] and tally.false_errors == 0


def test_pdftotext_raw_of_a_chongqing_department_form_reads_its_funds_and_finds_nothing_false() -> None:
    """年度总金额 opens its funds rows (the -raw text is told by it); an indicator whose cells -raw runs together
    ("有所减轻 15 有所减轻 15") is read incomplete, never into another column."""
    [form] = make_files(60, COUNT)[26]
    [result] = check_document(read_path(ZOO / "zoo60-file26.pdf-raw.txt")).results
    want, have = expected(form), got(evaluation_json(result.ev), expected(form))
    assert have["funds"] == want["funds"] and have["project"] == want["project"]
    assert have["indicators"][:4] == want["indicators"][:4]  # type: ignore[index]
    assert not {f.code for f in result.findings} & ARITHMETIC


def test_a_total_pdftotext_prints_above_the_indicator_header_is_read_with_its_own_number() -> None:
    """pdftotext's reading order put the second form's 总分 among its goals' header labels, before "0 0" (其他资金's
    分值 and 得分): it is a row of its own, read with its number after the table (94.84), never with those, so no
    false total-mismatch ("总分印为0")."""
    forms = make_files(60, COUNT)[13]
    results = check_document(read_path(ZOO / "zoo60-file13.pdf-text.txt")).results
    assert len(results) == len(forms) == 2 and not any(f.golden.planted for f in forms)
    assert not any({f.code for f in r.findings} & ARITHMETIC for r in results)
    total = results[1].ev.total
    assert total is not None and str(total.score) == forms[1].golden.total["score"] == "94.84"


def test_pdftotext_raw_with_the_funds_header_wrapped_twice_is_read_as_raw() -> None:
    """Zoo seed 71: 全年(调整)预算数 and 执行率得分(分) both wrapped, "(分)" alone under the header line: still
    -raw text, its funds read; before, read as flattened text, none of its funds rows was placed and 分值 was
    checked against the policy's 10 for an unread 执行率 (a false weights-not-100)."""
    [form] = make_files(71, 16)[16]
    [result] = check_document(read_path(ZOO / "zoo71-file16.pdf-raw.txt")).results
    assert got(evaluation_json(result.ev), expected(form))["funds"] == expected(form)["funds"]
    assert "weights-not-100" not in {f.code for f in result.findings}


@pytest.mark.parametrize(("seed", "k", "name"), [
    # 部门整体 by pdftotext's default: 年初预算数 and 总分 (cells merged down) printed among the goals' texts, 总分's
    # numbers after the last indicator, the telephone before its label.
    (93, 35, "pdftext/zoo93-file35.text.txt"),
    # 重庆 by pdftotext's default: headers printed a label or two per block, 是否核心指标 opening the first row,
    # the last rows' names (one wrapped) and units printed after the table; a planted coefficient-score-mismatch.
    (93, 32, "pdftext/zoo93-file32.text.txt"),
    # 重庆 by pdftotext's default, a page break in the indicators: the three rows atop page 2 print their names
    # and units first ("政策知晓率", "%", "群众就医负担" over "参保群众满意度", "%"), then the rows.
    (141, 32, "pdftext/zoo141-file32.text.txt"),
    # 部门整体 by pdftotext's default: 其中：基本支出 and 项目支出 each a row of its own (before, 项目支出's label
    # went on in 基本支出's row and its amounts were read as 基本支出's 执行率 and 得分).
    (167, 31, "pdftext/zoo167-file31.text.txt"),
    # 重庆 by pdftotext's default: 自评总分 and its value (cells merged down the header's rows) printed among the
    # goals' texts; before, 100.35 was read as 其他资金's 执行率, "自评总分(分)" as 年度目标 and the total not at all.
    (167, 30, "pdftext/zoo167-file30.text.txt"),
    # Two 部门整体 forms by pdftotext's default, "（2022 年度）" and 单位名称 on consecutive lines; before, read as
    # one wrapped cell, the form had no department, name or year.
    (167, 33, "pdftext/zoo167-file33.text.txt"),
    # By pdftotext's default, the note column printed after 总分 as one block, two wrapped notes with no blank line
    # between them: each ends at its line shorter than the block's first, and they go on the two rows short of
    # their 分值.
    (167, 25, "pdftext/zoo167-file25.text.txt"),
    # The notes of the second form printed between 总分 and its number.
    (167, 26, "pdftext/zoo167-file26.text.txt"),
    # The first form's last note printed past the next form's 部门名称 and its value, before 部门预算执行情况（万元）.
    (167, 35, "pdftext/zoo167-file35.text.txt"),
    # The second form's note label, wrapped, printed in one block with the notes under it (偏差原因分析及改进 |
    # 措施 | 部分任务延后，下年 | …): the label ends where a line would make it no label.
    (223, 12, "pdftext/zoo223-file12.text.txt"),
    # The second form's 总分 ends its page under the next form's title: its 98.80 and a note print after the title.
    (223, 27, "pdftext/zoo223-file27.text.txt"),
    # 重庆's 执行率, 执行率权重 and 执行率得分, cells merged down the funds rows, printed with their numbers after the
    # funds: they go on the funds header and 年度资金总额 (before: unplaced, and the policy's 分值 10 taken for the
    # form's 20 gave a false total-mismatch).
    (251, 30, "pdftext/zoo251-file30.text.txt"),
    # A note printed after the row under its own, a row with all its 分值 (before: put on that row), the others
    # before 总分's number or as a row of their own before 总分.
    (251, 0, "pdftext/zoo251-file00.text.txt"),
    (251, 16, "pdftext/zoo251-file16.text.txt"),
    # 总分 printed before the last rows (its cell's middle among theirs), its number after them: the rows between
    # end in a note after their 分值 and 得分 (seed 251), the number in a note (seed 223, the second form).
    (251, 14, "pdftext/zoo251-file14.text.txt"),
    (223, 14, "pdftext/zoo223-file14.text.txt"),
    # The third form's title, at the foot of the page where the second form's table goes on, printed before the
    # second form's indicators, its year's line followed by the second form's 实际完成情况 (before: four forms
    # read, the second with no indicators and 项目名称's value taken for its 实际完成情况).
    (251, 28, "pdftext/zoo251-file28.text.txt"),
    # 总分 printed between the goals' labels 预期目标 and 实际完成情况 (before: read as a goal label, the goals and
    # the telephone out of place and 总分 read under none).
    (251, 26, "pdftext/zoo251-file26.text.txt"),
    # 部门整体: 项目支出's label printed after its amounts, which ran on in 基本支出's row (before: read as 基本支出's
    # 分值, 执行率 and 得分); the second form's 部门(单位)名称 value printed after two part labels.
    (223, 31, "pdftext/zoo223-file31.text.txt"),
    # The second form's indicator header ends at 分值: its 得分 and note label printed after the funds; 总分 atop
    # the next page, before the rows, its number among the notes after them (before: every row read a column off).
    (307, 3, "pdftext/zoo307-file03.text.txt"),
    # 其他资金's label printed after its cells (run on in 上年结转资金's row) and after the note column's label.
    (307, 21, "pdftext/zoo307-file21.text.txt"),
    # The third form's 附件1： and 单位：万元 printed among the second form's goals, before its 实际完成情况 (before:
    # read into both of its goals); they go back above the third form's title.
    (307, 9, "pdftext/zoo307-file09.text.txt"),
    # 四川: the note column's label printed between 项目负责人 and its name, with the next form's 原因 before it
    # (before: the name lost, or 原因 read as the name).
    (419, 5, "pdftext/zoo419-file05.text.txt"),
    (419, 22, "pdftext/zoo419-file22.text.txt"),
    (419, 23, "pdftext/zoo419-file23.text.txt"),
    # Three notes, for rows 7, 9 and 10, printed after rows 9, 10 and the placeholder 指标 11： (before: the
    # placeholder took the last, row 7 none).
    (419, 14, "pdftext/zoo419-file14.text.txt"),
    # The third form's telephone printed between 总分 and its number (before: not read, named as no number).
    (419, 29, "pdftext/zoo419-file29.text.txt"),
    # Two of 重庆's 部门整体绩效自评表 copied as tables without their titles: 主管部门 and 部门联系人 open each.
    (123, 30, "zoo/zoo123-file30.web-tables.txt"),
])
def test_forms_of_a_30_file_zoo_read_to_the_generators_golden(seed: int, k: int, name: str) -> None:
    forms = make_files(seed, 30)[k]
    fmt = {"text": "pdf-text", "web-tables": "web-tables"}[name.split(".")[-2]]
    tally = measure(fmt, [FIXTURES / name], [forms])
    assert tally.wrong == []
    assert (tally.right, tally.false_errors, tally.planted_found) == (tally.total, 0, tally.planted)


@pytest.mark.parametrize(("seed", "k", "name", "which"), [
    # The telephone printed between 预期目标 and 实际完成情况; the next form's 项目名称 and its value (a name, no
    # sentence) left where they are (before: taken for the first form's 实际完成情况). The third form's last
    # 二级指标, wrapped, prints apart from its row, a note between its two lines: not read.
    (251, 29, "pdftext/zoo251-file29.text.txt", (0, 1)),
    # The second form's 其他资金 label printed after its cells, which ran on in 上年结转资金's row, twice the header's
    # cells (before: 上年结转资金's amounts read a column off, 其他资金's not at all). The third form's 其他资金 prints
    # its 得分 far from its row: not read.
    (223, 13, "pdftext/zoo223-file13.text.txt", (0, 1)),
    # 四川: 实施单位's and 项目负责人's values printed after the form's end, 原因 between the label and the name. The
    # second form's indicator rows are read a column off where 度量单位 prints apart: not right yet.
    (307, 2, "pdftext/zoo307-file02.text.txt", (0,)),
])
def test_forms_of_a_30_file_zoo_file_read_to_the_generators_golden(seed: int, k: int, name: str,
                                                                   which: tuple[int, ...]) -> None:
    forms = make_files(seed, 30)[k]
    results = check_document(read_path(FIXTURES / name)).results
    assert len(results) == len(forms)
    for n in which:
        want = squeeze(expected(forms[n]))
        assert squeeze(got(evaluation_json(results[n].ev), expected(forms[n]))) == want, n
        assert not {f.code for f in results[n].findings} & ARITHMETIC


def test_a_number_left_over_among_the_funds_leaves_them_incomplete_and_no_total_checked() -> None:
    """Zoo seed 251, file 30, its 执行率 labels cut out: 98.84%, 20 and 19.77 are left after the funds with no column
    to go to. The funds are read incomplete, and 总分 is not checked against a rate score the form did not give
    (before: 9.88 by the policy's 分值 10, a false total-mismatch)."""
    text = (FIXTURES / "pdftext" / "zoo251-file30.text.txt").read_text(encoding="utf-8")
    labels = "执行率\n\n执行率权重\n\n执行率得分(分)\n\n"
    assert text.count(labels) == 1
    [result] = check_document(read_bytes(text.replace(labels, "").encode(), "f.text.txt")).results
    assert result.ev.funds.total is not None and result.ev.funds.total.score is None
    assert result.ev.parts_found["funds"] == "incomplete"
    assert not {f.code for f in result.findings} & ARITHMETIC
    assert any("98.84%" in w for w in result.ev.warnings)


def test_chongqing_rows_whose_names_cannot_be_paired_are_read_incomplete_with_no_sum_checked() -> None:
    """The page-2 rows of zoo seed 141, file 32, with a unit too many among the names printed atop the page: names
    and units cannot be paired with the rows, so the row they glue onto (more cells than the header's columns) is
    left unread and named in notes. The indicators are then read incomplete and neither the weights' 100 nor the
    total is checked over the three rows read (before: a false total-mismatch, 34.63 + 9.87 ≠ 98.91)."""
    text = (FIXTURES / "pdftext" / "zoo141-file32.text.txt").read_text(encoding="utf-8")
    names = "\f政策知晓率\n\n%\n\n群众就医负担\n"
    assert text.count(names) == 1
    [_, second] = check_document(read_bytes(text.replace(names, names + "\n%\n\n").encode(), "f.text.txt")).results
    codes = {f.code for f in second.findings}
    assert [i.name for i in second.ev.indicators] == ["资助参保人数", "补助资金按时拨付率", "困难群众参保率"]
    assert second.ev.parts_found["indicators"] == "incomplete"
    assert not codes & {"total-mismatch", "weights-not-100"}
    [note] = [f for f in second.findings if f.code == "form-incomplete"]
    assert "绩效指标未读全" in note.message


def test_goals_printed_right_cell_first_and_a_funds_label_beside_the_note_label_are_read_in_place() -> None:
    """Zoo seed 419, file 25: pdftotext prints 已完成… right after 预期目标 and 实际完成情况 with the expected goal
    after the table; 年初预算数 prints at the end beside the note column's label (before: the goals swapped, every
    sub-row's 年初预算数 unread). 其他资金's 得分, printed after 总分 (its blank 执行率 split the row), goes back on
    its row, where the rows above settle it as 得分."""
    form = make_files(419, 30)[25][0]
    ev = check_document(read_path(FIXTURES / "pdftext" / "zoo419-file25.text.txt")).results[0].ev
    want = expected(form)
    assert (ev.goals.expected, ev.goals.achieved) == (want["goals"]["expected"], want["goals"]["achieved"])
    assert [str(getattr(ev.funds, k).initial.amount) for k in ("appropriation", "carryover", "other")] \
        == [want["funds"][k]["initial"] for k in ("appropriation", "carryover", "other")]
    assert (str(ev.funds.other.weight), str(ev.funds.other.score)) == (want["funds"]["other"]["weight"],
                                                                      want["funds"]["other"]["score"]) == ("0", "0")
