"""Text whose spans were lost (a web page copied from the browser) and .doc files LibreOffice wrote: the
defects the derived zoo formats showed, each on a small form written by hand here (goldens by hand)."""

from __future__ import annotations

from jixiao.export.json import evaluation_json
from jixiao.ingest.readers.word97 import end_with_paragraph
from jixiao.ingest.recognize import read_bytes
from jixiao.pipeline import check_document

from .zoo.measure import ARITHMETIC

# A browser's copy of a form whose 项目资金 label was merged down over the funds rows, whose row labels spanned
# two columns and which had a spacer column: the header row keeps two empty cells, the funds rows one.
HEAD = """项目支出绩效自评表
项目名称\t测试项目6号经费
主管部门\t某市某局
项目资金（万元）\t\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率(%)\t得分
"""
FUNDS = """年度资金总额\t\t807.53\t807.53\t715.47\t10\t88.60%\t8.86
其中：当年财政拨款\t\t807.53\t726.78\t634.72
上年结转资金\t\t0.00\t80.75\t80.75
其他资金\t\t0.00\t0.00\t0.00
"""
REST = """年度总体目标\t预期目标\t实际完成情况
完成年度任务。\t已完成年度任务。
绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分
产出(50分)\t数量指标\t资金拨付及时率\t按时完成\t按时完成\t50\t50
效益(30分)\t社会效益指标\t设备完好率\t≥95%\t98%\t30\t30
满意度(10分)\t服务对象满意度指标\t满意度\t≥90%\t93%\t10\t10
\t服务对象满意度指标\t指标4：\t\t\t\t
总分\t\t\t\t98.86
"""


def _read(text: str):  # noqa: ANN202
    [result] = check_document(read_bytes(text.encode("utf-8"), "copy.txt")).results
    return evaluation_json(result.ev), {f.code for f in result.findings} & ARITHMETIC, result.ev


def test_copied_funds_rows_are_placed_by_the_order_of_the_header_labels() -> None:
    obj, arithmetic, _ = _read(HEAD + FUNDS + REST)
    funds = obj["funds"]
    assert {k: funds["total"][k] for k in ("initial", "full_year", "executed", "weight", "rate", "score")} == {
        "initial": "807.53", "full_year": "807.53", "executed": "715.47", "weight": "10", "rate": "88.60",
        "score": "8.86"}
    # The sub-rows have blanks under 分值/执行率/得分: the offset learnt from the full row places them.
    assert (funds["appropriation"]["initial"], funds["appropriation"]["full_year"],
            funds["appropriation"]["executed"]) == ("807.53", "726.78", "634.72")
    assert (funds["carryover"]["initial"], funds["carryover"]["full_year"]) == ("0.00", "80.75")
    assert obj["money_unit"] == "万元"
    assert arithmetic == set()


def test_a_copied_goals_row_puts_each_text_under_its_own_goal_column() -> None:
    obj, _, _ = _read(HEAD + FUNDS + REST)
    assert obj["goals"]["expected"] == "完成年度任务。" and obj["goals"]["achieved"] == "已完成年度任务。"


def test_an_unfilled_copied_indicator_row_keeps_its_name() -> None:
    obj, _, _ = _read(HEAD + FUNDS + REST)
    assert [i["name"] for i in obj["indicators"]] == ["资金拨付及时率", "设备完好率", "满意度", "指标4："]


def test_a_copied_row_that_no_offset_places_for_certain_is_named_and_yields_no_finding() -> None:
    # No full row to learn the table's offset from, and the sub-row's three amounts fit under several columns:
    # nothing is placed, the numbers are named, and no arithmetic finding comes from them.
    funds = FUNDS.replace("\t10\t88.60%\t8.86", "").replace("年度资金总额\t\t807.53", "年度资金总额\t\t\t807.53")
    obj, arithmetic, ev = _read(HEAD + funds + REST)
    assert obj["funds"]["appropriation"] is None
    assert any(n.code == "row-values-unplaced" and "726.78" in n.zh() for n in ev.notes)
    assert not arithmetic & {"rate-mismatch", "funds-breakdown-mismatch", "rate-score-mismatch"}


def test_forms_copied_without_their_titles_are_told_apart() -> None:
    one = (HEAD + FUNDS + REST).replace("项目支出绩效自评表\n", "")
    two = one.replace("测试项目6号经费", "测试项目7号经费")
    doc = read_bytes(f"{one}绩效自评年度\t2024年\n{two}".encode("utf-8"), "copy.txt")
    assert [ev.project.name for ev in doc.evaluations] == ["测试项目6号经费", "测试项目7号经费"]
    assert [ev.year for ev in doc.evaluations] == [None, 2024]
    assert all(len(ev.indicators) == 4 for ev in doc.evaluations)


def test_a_word97_repair_leaves_other_bytes_alone() -> None:
    assert end_with_paragraph(b"not an OLE file") == b"not an OLE file"
    assert end_with_paragraph(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600) == (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
