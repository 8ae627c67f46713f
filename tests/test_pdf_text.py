"""Text taken out of a printed PDF by ``pdftotext -layout`` (poppler): each cell at its column, read under the
header's labels even where pdftotext packed a row closer than its header (a merged 一级指标 left empty), a cell's
wrapped line joined back, a page break inside the table. The form is the zoo's (seed 10, file 4, form 2), its text
as pdftotext printed it (tests/fixtures/pdftext/, a page break added inside the table); the values below are read
off the printed form by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.export.json import evaluation_json
from jixiao.ingest.recognize import read_bytes
from jixiao.pipeline import check_document

from .zoo.generate import make_files
from .zoo.measure import ARITHMETIC, expected, got, measure, squeeze

PDFTEXT = Path(__file__).parent / "fixtures" / "pdftext"
LAYOUT = (PDFTEXT / "zoo10-file4-form2.layout.txt").read_text(encoding="utf-8")


def _read(text: str):  # noqa: ANN202
    doc = read_bytes(text.encode("utf-8"), "form.layout.txt")
    [result] = check_document(doc).results
    return doc, evaluation_json(result.ev), {f.code for f in result.findings} & ARITHMETIC


def test_pdftotext_layout_is_read_with_its_columns() -> None:
    doc, obj, _ = _read(LAYOUT)
    assert doc.format == "pdf-text"
    assert obj["year"] == 2023 and obj["money_unit"] == "万元"
    assert obj["project"]["name"] == "测试项目9号经费" and obj["project"]["code"] == "757960614014533097"
    assert obj["project"]["phone"] == "0551-68001009"
    funds = obj["funds"]
    assert [funds["total"][k] for k in ("initial", "full_year", "executed", "weight", "rate", "score")] == [
        "126.23", "140.26", "126.51", "10", "90.20", "9.02"]
    assert [funds["appropriation"][k] for k in ("initial", "full_year", "executed", "weight", "rate", "score")] == [
        "126.23", "112.21", "98.46", "0", "87.75", "0"]
    # 其他资金 prints no 执行率 (0 of 0): its two zeros are 分值 and 得分, the empty cell between them stays empty.
    assert [funds["other"][k] for k in ("executed", "weight", "rate", "score")] == ["0.00", "0", None, "0"]
    assert obj["goals"] == {**obj["goals"], "expected": "完成测试项目9号年度任务，保障工作正常开展。",
                            "achieved": "已完成测试项目9号年度任务。"}


def test_packed_rows_wrapped_cells_and_a_page_break() -> None:
    _, obj, arithmetic = _read(LAYOUT)
    rows = [(i["level1"], i["level2"], i["name"], i["target"], i["actual"], i["weight"], i["score"]) for i in obj["indicators"]]
    assert rows == [
        ("产出", "数量", "验收合格率", "≥1000人次", "1200人次", "10", "10"),
        ("产出", "质量", "群众知晓率", "≥90%", "93.5%", "10", "10"),
        ("产出", "时效", "政策覆盖率", "≥90%", "93.5%", "10", "10"),
        ("产出", "成本", "完成及时率", "按时完成", "按时完成", "10", "8"),
        ("产出", "数量", "服务对象满意度", "按时完成", "按时完成", "10", "9"),
        ("效益", "社会效益", "资金拨付及时率", "≥95%", "98%", "15", "14"),
        ("效益", "可持续影响", "设备完好率", "≥90%", "93.5%", "15", "15"),
        ("满意度", "服务对象满意度", "成本控制率", "≥90%", "93.5%", "10", "10")]
    assert [i["note"] for i in obj["indicators"]][3:6] == ["部分任务延后，下\n年度加强督导"] * 3
    assert obj["total"]["score"] == "98.02"
    # 9.02 + 86 = 95.02: the printed 98.02 is the form's own error, and the only arithmetic finding.
    assert arithmetic == {"total-mismatch"}


RAW = (PDFTEXT / "zoo10-file4-form2.raw.txt").read_text(encoding="utf-8")


def test_pdftotext_raw_is_read_by_the_order_of_its_cells() -> None:
    # -raw keeps no columns: a row's cells in order one space apart, a wrapped cell going on alone on the next
    # line ("服务对象满意度指" / "标") and the rest of its row after it; empty cells vanish.
    doc, obj, _ = _read(RAW)
    assert doc.format == "pdf-text"
    assert obj["project"]["name"] == "测试项目9号经费" and obj["project"]["implementing_unit"] == "某市某中心9"
    funds = obj["funds"]
    assert [funds["total"][k] for k in ("initial", "full_year", "executed", "weight", "rate", "score")] == [
        "126.23", "140.26", "126.51", "10", "90.20", "9.02"]
    # "其他资金 0.00 0.00 0.00 0 0": 0 ÷ 0 gives no rate, and the row above prints its zeros under 分值 and 得分.
    assert [funds["other"][k] for k in ("executed", "weight", "rate", "score")] == ["0.00", "0", None, "0"]
    assert [(i["level2"], i["name"], i["weight"], i["score"]) for i in obj["indicators"]][-2:] == [
        ("可持续影响", "设备完好率", "15", "15"), ("服务对象满意度", "成本控制率", "10", "10")]
    assert obj["goals"]["expected"] == "完成测试项目9号年度任务，保障工作正常开展。"


def test_a_lone_total_the_sums_do_not_explain_is_named_not_read() -> None:
    # "总分 98" without its 分值: the weights add up to 100 and the scores to 95.02, and a whole number may be
    # either column's. It is named in a note and gives no arithmetic finding.
    doc, obj, arithmetic = _read(RAW.replace("总分 98.02", "总分 98"))
    assert obj["total"] is None or obj["total"]["score"] is None
    assert any("98" in w for w in doc.warnings)
    assert arithmetic == set()


def test_a_lone_total_with_decimals_over_whole_weights_is_the_score() -> None:
    # "总分 98.02": every 分值 is a whole number, so their sum is one too; 98.02 can only stand under 得分, and
    # it is not 9.02 + 86 = 95.02.
    doc, obj, arithmetic = _read(RAW)
    assert obj["total"]["score"] == "98.02" and obj["total"]["weight"] is None
    assert arithmetic == {"total-mismatch"}


def test_a_lone_total_the_scores_add_up_to_is_the_score() -> None:
    # The same form printing its true total (9.02 + 86): the sum of the 得分 says which column it stands in.
    doc, obj, arithmetic = _read(RAW.replace("总分 98.02", "总分 95.02"))
    assert obj["total"]["score"] == "95.02" and obj["total"]["weight"] is None
    assert arithmetic == set()


@pytest.mark.parametrize(("seed", "k", "name"), [
    (23, 1, "zoo23-file1.layout.txt"),  # a row cut by the page ("…政策覆盖" / "率" atop page 2), 指标8： repacked
    (21, 6, "zoo21-file6.layout.txt"),  # roomy rows: blank lines under every row's text
    (21, 4, "zoo21-file4.layout.txt"),  # "总分 95.85" alone on a page packed apart from its header's
    (23, 7, "zoo23-file7.raw.txt"),  # "总分 102.28" alone (a planted total-mismatch), the 分值 all whole
    # pdftotext's default, its reading order: every cell a block of its own. 效益(30 分) and 满意度(10 分), merged
    # down their rows, print after the last indicator, 总分 after its numbers, the telephone after 总分.
    (101, 0, "zoo101-file0.text.txt"),
    (104, 5, "zoo104-file5.text.txt"),  # 年度总体目标 (merged over the goals' two rows) above the funds header; a planted error
    (71, 7, "zoo71-file7.layout.txt"),  # "率" of 数字资源可用率 alone atop page 2, the cell short of the next column
    # 四川: "年度预算数(万" over "元)", the column of the rows' labels; 单位资金 and 其他资金 atop page 2, packed
    # apart from the header, their four numbers placed by the rate their amounts give and the row above.
    (93, 5, "zoo93-file5.layout.txt"),
    # 四川 by pdftotext's default: 原因 (the funds header's last label) and the last row's "%" printed after the
    # 项目负责人 below the table.
    (93, 16, "zoo93-file16.text.txt"),
    # 总分 printed among the indicator rows, its numbers after the last (a placeholder "指标6："), the 分值 above
    # adding up to its 100; 其他资金's 得分 printed after the goals' texts.
    (93, 8, "zoo93-file8.text.txt"),
    (93, 13, "zoo93-file13.text.txt"),  # the same, 总分 printing its 得分 alone after "指标8："
    (108, 4, "zoo108-file4.text.txt"),  # "（2024 年度）" after the title, in its block: the year's line
    (123, 19, "zoo123-file19.raw.txt"),  # "标" under "服务对象满意度指 指标 8：": the level's end, not the placeholder's
    # The goals' 实际完成情况 text printed after 总分 and the indicator header's 一级指标 after that, alone.
    (141, 0, "zoo141-file0.text.txt"),
    # 四川's right-hand header printed as a column of its own: 实施单位's value after 绩效指标(90分) or 预算执行情况,
    # 年度目标完成情况 and its text after the table, or 项目负责人 holding 实施单位's value; 合计 after "%" and 原因.
    (141, 11, "zoo141-file11.text.txt"),
    # Form 2's 实际完成情况 text and 一级指标 printed past form 3's title, beside its 项目编码 (whose code prints after
    # them); 效益 and 满意度 printed together atop a page, on a 社会效益指标 row; form 3's note label, 效益 and 满意度
    # after its 总分, its notes printed on rows of their own before the label.
    (141, 4, "zoo141-file4.text.txt"),
    # A note printed after 总分, the one row short of its 分值 left without one; 满意度 and a note after 总分 (file 16).
    (141, 22, "zoo141-file22.text.txt"),
    (141, 16, "zoo141-file16.text.txt"),
    (141, 24, "zoo141-file24.text.txt"),  # two notes printed side by side after 总分, for the two rows short
    (141, 5, "zoo141-file5.text.txt"),  # 总分 its number on the next line, then the next form's "附件 1："
    (141, 27, "zoo141-file27.text.txt"),  # 总分 atop page 2, whole rows under it, its number after the last
    (141, 21, "zoo141-file21.text.txt"),  # the last row's note, then 总分's numbers, then its label
    # The note label printed with the goals' header; 总分 among the rows, its numbers after a placeholder's bare
    # "指标 7：" and before a note.
    (141, 9, "zoo141-file9.text.txt"),
    (141, 14, "zoo141-file14.text.txt"),  # the note label printed just before the goals' 预期目标 | 实际完成情况
    # 四川's page 2 printed a block of columns at a time: the rows' cells to 指标值, then the 度量单位 column, then
    # 完成值, 权重 and 得分 row by row and the total's, 合计 after them.
    (141, 1, "zoo141-file1.text.txt"),
    (167, 0, "zoo167-file0.text.txt"),  # the same, 合计 and 项目负责人 printed before the 度量单位 column
    (167, 27, "zoo167-file27.text.txt"),  # the same, the 度量单位 column printed after the last row's 指标值
    # The same, each unit after its row; the second form's 实施单位 value printed alone after 合计, atop the left
    # column of its header.
    (167, 19, "zoo167-file19.text.txt"),
    (167, 29, "zoo167-file29.text.txt"),  # the last note printed past the next form's 实施单位 and its value
])
def test_pdf_text_of_a_table_split_over_pages_reads_to_the_generators_golden(seed: int, k: int, name: str) -> None:
    """pdftotext of zoo files whose tables break over PDF pages (tests/zoo: page_split), each read to the
    generator's own values for its forms (tests.zoo.generate.make_files(seed, …)[k])."""
    forms = make_files(seed, k + 1)[k]
    tally = measure("pdf-" + name.split(".")[-2], [PDFTEXT / name], [forms])
    assert tally.wrong == []
    assert (tally.right, tally.false_errors, tally.planted_found) == (tally.total, 0, tally.planted)


def test_pdftotext_default_text_with_a_funds_header_cut_apart_checks_no_funds() -> None:
    """Zoo seed 10, file 0, by pdftotext's default: the second form's funds header prints 全年执行数 and 分值 above
    项目资金, and its total row's 执行率 and 得分 among the goals' rows. Its funds are read incomplete and named,
    none checked (a number out of its row would give a false finding); its indicators and 总分 read as printed."""
    forms = make_files(10, 1)[0]
    doc = read_bytes((PDFTEXT / "zoo10-file0.text.txt").read_bytes(), "zoo10-file0.text.txt")
    results = check_document(doc).results
    assert len(results) == len(forms) == 3
    second = results[1]
    codes = {f.code for f in second.findings}
    assert second.ev.parts_found["funds"] == "incomplete" and "form-incomplete" in codes and not codes & ARITHMETIC
    have = got(evaluation_json(second.ev))
    want = squeeze(expected(forms[1]))
    # The last indicator's note, printed in the 总分 row, goes on the one row short of its 分值 left without one.
    assert squeeze(have["indicators"]) == want["indicators"] and have["total"]["score"] == want["total"]["score"]
    assert want["indicators"][-1]["note"]


def test_a_total_printed_before_the_last_row_goes_after_it() -> None:
    """Zoo seed 101 (20 files), file 12, by pdftotext's default: the second form's 总分 prints in the block of its last row's
    二级指标 ("服务对象满意度指⏎标⏎总分"), before that row's 三级指标, values, 分值 and 得分 and its own 100 and 98.81;
    满意度(10 分), merged over the last two rows, prints with the second. Read as printed, no false total-mismatch."""
    forms = make_files(101, 20)[12]  # the zoo of 20 files (python -m tests.zoo.measure OUT --seed 101 --files 20)
    doc = read_bytes((PDFTEXT / "zoo101-file12.text.txt").read_bytes(), "zoo101-file12.text.txt")
    results = check_document(doc).results
    assert len(results) == len(forms) == 2
    have = squeeze(got(evaluation_json(results[1].ev)))
    want = squeeze(expected(forms[1]))
    assert have["total"] == want["total"] == {"weight": "100", "score": "98.81"}
    assert have["indicators"] == want["indicators"]
    assert not any({f.code for f in r.findings} & ARITHMETIC for r in results)


def test_a_total_label_atop_the_funds_header_stays_out_of_the_funds_row() -> None:
    """Zoo seed 107 (20 files), file 18: the third form prints 项目资金, 年度总体目标, 绩效指标 and 总分 (labels merged down
    their rows) above the funds header, then four amounts on 年度资金总额's row. Those four are not the last
    indicator's 分值 and 得分 and the total's: 总分 is not moved into the funds, and no false total-mismatch."""
    doc = read_bytes((PDFTEXT / "zoo107-file18.text.txt").read_bytes(), "zoo107-file18.text.txt")
    results = check_document(doc).results
    third = evaluation_json(results[2].ev)
    assert third["funds"]["total"]["executed"] == "1763440.03"
    # The second form's total is planted wrong (the generator's); the others have no arithmetic error.
    assert [{f.code for f in r.findings} & ARITHMETIC for r in results] == [set(), {"total-mismatch"}, set()]


def test_a_note_label_printed_apart_from_its_header_gives_the_rows_their_notes() -> None:
    """Zoo seed 108 (20 files), file 1: the first form's 偏差原因分析及改进措施 (merged down the indicator header's
    rows) prints alone after the funds, and the indicator header has seven labels; the notes after two rows'
    分值 and 得分 are those rows' 偏差原因, read as the generator wrote them."""
    forms = make_files(108, 20)[1]
    doc = read_bytes((PDFTEXT / "zoo108-file1.text.txt").read_bytes(), "zoo108-file1.text.txt")
    first = check_document(doc).results[0]
    have = squeeze(got(evaluation_json(first.ev)))
    want = squeeze(expected(forms[0]))
    assert [i["note"] for i in have["indicators"]][:3] == [None, "部分任务延后，下年度加强督导", "部分任务延后，下年度加强督导"]
    assert have == want


def test_a_total_pdftotext_prints_without_numbers_is_unread_not_missing() -> None:
    """pdftotext prints no empty cell: a 总分 with no numbers anywhere after it (here taken out of zoo seed 93,
    file 8) may have printed them anywhere, so the total is read as incomplete and no "没有总分行" or
    "总分行未填得分" is said of it."""
    text = (PDFTEXT / "zoo93-file8.text.txt").read_text(encoding="utf-8").replace("\n100\n\n97.12\n", "\n")
    [result] = check_document(read_bytes(text.encode(), "zoo93-file8.text.txt")).results
    codes = {f.code for f in result.findings}
    assert result.ev.parts_found["total"] == "incomplete" and result.ev.total is None
    assert "missing-total" not in codes and "form-incomplete" in codes


def test_a_funds_rows_last_cell_printed_among_the_goals_labels_goes_back_to_its_row() -> None:
    """Zoo seed 108, file 2, by pdftotext's default: 其他资金's 得分 "0" printed between 预期目标 and 实际完成情况, the
    telephone among the goals' texts. The 0 is 其他资金's (its 分值 0 before it), the goals' header and texts
    read whole."""
    forms = make_files(108, 3)[2]
    [first, *_] = check_document(read_bytes((PDFTEXT / "zoo108-file2.text.txt").read_bytes(), "zoo108-file2.text.txt")
                                 ).results
    have, want = got(evaluation_json(first.ev), expected(forms[0])), squeeze(expected(forms[0]))
    assert squeeze(have["funds"]) == want["funds"] and squeeze(have["goals"]) == want["goals"]  # type: ignore[index]
    assert have["project"]["phone"] == want["project"]["phone"]  # type: ignore[index]



def test_a_note_label_left_unplaced_leaves_the_notes_incomplete_and_the_sums_checked() -> None:
    """Zoo seed 141, file 14, its first form by pdftotext's default, its note column's label ("偏差原因分析及改
    进措施", printed with the goals' header) moved above the funds header, where no column of the indicator
    table can take it. Which row a note is on is then in doubt, so no note is said to be missing; the rows'
    numbers are not, so the planted total-mismatch is found, as the xlsx of the same form finds it."""
    [form, *_] = make_files(141, 15)[14]
    text = (PDFTEXT / "zoo141-file14.text.txt").read_text(encoding="utf-8")
    label = "偏差原因分析及改\n进措施\n\n"
    assert text.count(label + "预期目标") == 1
    text = text.replace(label + "预期目标", "预期目标").replace("年初预算数", label + "年初预算数", 1)
    [first, *_] = check_document(read_bytes(text.encode("utf-8"), "f.text.txt")).results
    assert form.golden.planted == "total-mismatch"
    assert (first.ev.parts_found["indicators"], first.ev.parts_found["notes"]) == ("label-matched", "incomplete")
    assert {f.code for f in first.findings} & ARITHMETIC == {"total-mismatch"}
    [note] = [f for f in first.findings if f.code == "form-incomplete"]
    assert "偏差原因分析未读全" in note.message and "（missing-deviation-note）" in note.message


def test_values_of_indicators_read_incomplete_are_not_judged_one_by_one() -> None:
    """Zoo seed 141, file 1, its first form (四川), with row 3's 度量单位 "天" taken out of page 2, which prints the
    last rows' 度量单位, 完成值, 权重 and 得分 after their other cells: one unit short, the cells cannot go back to
    their rows, so 94.6 (a 完成值) stands where 得分 goes. The indicators are read incomplete, and no value of
    theirs is judged alone ("得分94.6，应在0至分值18之间"); the total, read whole, still is."""
    text = (PDFTEXT / "zoo141-file1.text.txt").read_text(encoding="utf-8")
    cut = "90\n\n天\n\n%\n\n312"
    assert text.count(cut) == 1
    [first, *_] = check_document(read_bytes(text.replace(cut, "90\n\n%\n\n312").encode("utf-8"), "f.text.txt")).results
    assert first.ev.parts_found["indicators"] == "incomplete"
    assert any(i.score == Decimal("94.6") and i.weight == 18 for i in first.ev.indicators)  # the checks must not judge it
    judged = [(f.code, f.field) for f in first.findings if f.code in ("absurd-value", "score-over-weight", "invalid-number")]
    assert judged == [("score-over-weight", "total.score")]


def test_a_forms_note_label_and_notes_printed_after_the_next_title_go_back_to_it() -> None:
    """Zoo seed 141, file 7: the second form's table ends its page, and its note column's label and its one note
    print after the third form's title and year, before that form's 项目编码. They go back: the label to the
    second form's indicator header, the note to 指标6 (得分 8 of 分值 10), so no note is said to be missing."""
    forms = make_files(141, 8)[7]
    results = check_document(read_bytes((PDFTEXT / "zoo141-file7.text.txt").read_bytes(), "f.text.txt")).results
    form, result = forms[1], results[1]
    assert squeeze(got(evaluation_json(result.ev), expected(form))) == squeeze(expected(form))
    assert squeeze(result.ev.indicators[5].note) == "部分任务延后，下年度加强督导"
    codes = {f.code for f in result.findings}
    assert "missing-deviation-note" not in codes and codes & ARITHMETIC == {form.golden.planted}


def test_goals_printed_a_label_and_text_a_row_are_read_as_their_table() -> None:
    """Zoo seed 141, file 29: the goals' table (预期目标 | 实际完成情况 over their texts) prints a label and its text
    a row, 绩效指标 between the two in the second form, 总分 and 其他资金's 得分 "0" too in the third. The goals are
    read as their table, and the 0 goes back to 其他资金."""
    forms = make_files(141, 30)[29]
    results = check_document(read_bytes((PDFTEXT / "zoo141-file29.text.txt").read_bytes(), "f.text.txt")).results
    for form, result in zip(forms[1:], results[1:]):
        want, have = squeeze(expected(form)), squeeze(got(evaluation_json(result.ev), expected(form)))
        assert have["goals"] == want["goals"]  # type: ignore[index]
    assert squeeze(got(evaluation_json(results[2].ev), expected(forms[2]))["funds"]) == squeeze(expected(forms[2])["funds"])
