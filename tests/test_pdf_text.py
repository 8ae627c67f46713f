"""Text taken out of a printed PDF by ``pdftotext -layout`` (poppler): each cell at its column, read under the
header's labels even where pdftotext packed a row closer than its header (a merged 一级指标 left empty), a cell's
wrapped line joined back, a page break inside the table. The form is the zoo's (seed 10, file 4, form 2), its
text as pdftotext printed it; the values below are read off the printed form by hand."""

from __future__ import annotations

from jixiao.export.json import evaluation_json
from jixiao.ingest.recognize import read_bytes
from jixiao.pipeline import check_document

from .zoo.measure import ARITHMETIC

LAYOUT = """2023 年度项目支出绩效自评表

项目编码                                 757960614014533097          项目名称                           测试项目 9 号经费
主管部门                                 某市某局                        实施单位                           某市某中心 9
项目负责人                                张三                          联系电话                           0551-68001009
项目资金（万元）                             年初预算数            全年预算数（A）   全年执行数（B）   分值       执行率（B/A）   得分
            年度资金总额                   126.23           140.26     126.51     10       90.20%     9.02
            其中：当年财政拨款                126.23           112.21     98.46      0        87.75%     0
            上年结转资金                   0.00             28.05      28.05      0        100.00%    0
            其他资金                     0.00             0.00       0.00       0                   0
年度总体目标      预期目标                                                 实际完成情况
            完成测试项目 9 号年度任务，保障工作正常开展。                             已完成测试项目 9 号年度任务。
\f绩效指标   一级指标        二级指标       三级指标      年度指标值      实际完成值     分值   得分      偏差原因分析及改
                                                                          进措施
       产出(50 分)    数量指标       验收合格率     ≥1000 人次   1200 人次   10   10
                   质量指标       群众知晓率     ≥90%       93.5%     10   10
                   时效指标       政策覆盖率     ≥90%       93.5%     10   10
                   成本指标       完成及时率     按时完成       按时完成      10   8       部分任务延后，下
                                                                          年度加强督导
                   数量指标       服务对象满意度   按时完成       按时完成      10   9       部分任务延后，下
                                                                          年度加强督导
\f       效益(30 分)    社会效益指标     资金拨付及时率   ≥95%       98%       15   14      部分任务延后，下
                                                                          年度加强督导
                   可持续影响指标    设备完好率     ≥90%       93.5%     15   15
       满意度(10 分)   服务对象满意度指   成本控制率     ≥90%       93.5%     10   10
                   标
总分                                                                98.02
\f
"""


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
