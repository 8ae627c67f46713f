"""The shapes the real corpus showed, generated: each test writes a form in the shape one real document
has (a table cut before 总分, a 转移支付 form with funds by level of government, a pipe dump that moved
empty cells to the row's end, values typed into a row's label cell, a title that names the template)
with numbers chosen here, so the goldens come from the generator, not from jixiao.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from jixiao.ingest.recognize import read_bytes
from jixiao.pipeline import check_document

from .forms import BASE_INDICATORS, Form, findings

D = Decimal
CLEAN = Form()


def codes(text: str) -> set[str]:
    return {f.code for f in findings(text)}


def read(text: str, name: str = "t.txt"):  # noqa: ANN201
    return read_bytes(text.encode("utf-8"), name)


# ---------------------------------------------------------------- a table cut before its 总分 row

def test_a_table_cut_before_its_total_makes_no_weight_sum() -> None:
    # 014, 015, p008: the excerpt ends inside the indicator table; the weights read (10 + 20 + 10 = 40)
    # are not the form's, so "10 + 40 ≠ 100" would be a false error.
    cut = replace(CLEAN, indicators=BASE_INDICATORS[:3], total_score=None)
    found = findings(cut)
    got = {f.code for f in found}
    assert not {"weights-not-100", "level1-weight-mismatch"} & got
    [note] = [f for f in found if f.code == "form-incomplete"]
    assert "总分" in note.message and "weights-not-100" in note.message


def test_weights_are_still_summed_when_the_total_row_is_read() -> None:
    # The same table closed by its 总分 row, one weight typed 25 for 30: 10 + 85 = 95 ≠ 100.
    wrong = replace(CLEAN.with_indicator(4, weight="25", score="25"), total_score="94.5")
    assert "weights-not-100" in codes(wrong.text())
    # An unfilled 总分 row (weight 100, no score) closes the table too.
    unscored = replace(wrong, total_score="")
    text = unscored.text().replace("总分\t\t\t\t\t\t100\t\t—", "总分\t\t\t\t\t\t100\t\t")
    assert "weights-not-100" in codes(text)


# ---------------------------------------------------------------- 转移支付: funds by level of government

def transfer(central: str, local: str = "", county: str = "", rate: str = "86%") -> str:
    """A 转移支付 绩效自评表 as the province's web page prints it (pipe rows), p013's layout."""
    rows = [
        "就业补助资金绩效自评表 | |||",
        "(2024年度) | |||",
        "转移支付(项目)名称 | 就业补助资金 | ||",
        "中央主管部门 | 人力资源社会保障部 | ||",
        "地方主管部门 | 某市人力资源和社会保障局 | 资金使用单位 | 某区人力资源和社会保障局 |",
        "资金投入情况 (万元) | 全年预算数(A) | 全年执行数(B) | 预算执行率(B/A×100%) |",
        f"年度资金总额: | 808.1 | 692.98 | {rate} |",
        f"其中:中央财政资金 | {central} | |",
    ]
    if county:
        rows.append(f"县级财政资金 | {county} | |")
    rows += [f"地方财政资金 | {local} | |", "其他资金 | | |",
             "总体目标完成情况 | 总体目标 | 全年实际完成情况 |",
             "落实就业创业扶持政策。 | 各项就业工作指标均按要求完成。 |"]
    return "\n".join(rows) + "\n"


def test_a_transfer_form_adds_its_sources_by_level() -> None:
    # 中央 808.1 of a 808.1 total: the sources add up; no 当年财政拨款 row is missing.
    [r] = check_document(read(transfer("808.1 | 692.98 | 86%"))).results
    assert r.ev.template == "transfer"
    assert (r.ev.project.name, r.ev.year, r.ev.project.implementing_unit) == ("就业补助资金", 2024, "某区人力资源和社会保障局")
    assert r.ev.funds.central is not None and r.ev.funds.central.full_year.amount == D("808.1")
    assert "funds-breakdown-mismatch" not in {f.code for f in r.findings}


def test_a_transfer_form_whose_sources_miss_the_total_is_an_error() -> None:
    # 中央 700 + 地方 100 = 800 ≠ 808.1 (全年预算数); 692.98 = 600 + 92.98 agrees.
    [r] = check_document(read(transfer("700 | 600 | 85.71%", local="100 | 92.98 | 92.98%"))).results
    bad = [f for f in r.findings if f.code == "funds-breakdown-mismatch"]
    assert [(f.found, f.expected) for f in bad] == [("808.1", "800")]
    assert "中央财政资金" in bad[0].message


def test_county_funds_of_a_city_county_form_are_a_source() -> None:
    # 012: 县级财政资金 40 of a 40 total, 中央、省补助 and 市级 blank.
    text = transfer("", county="808.1 | 692.98 | 86%").replace("其中:中央财政资金", "其中:中央、省补助")
    [r] = check_document(read(text)).results
    assert r.ev.funds.county is not None and r.ev.funds.county.executed.amount == D("692.98")
    assert "funds-breakdown-mismatch" not in {f.code for f in r.findings}


# ---------------------------------------------------------------- a pipe dump that moved empty cells to the end

def compacted(text: str, rows: range) -> str:
    """TSV as the mirror sites print it: pipe rows, and in the rows ``rows`` the non-empty cells first, the
    empty ones moved to the end."""
    out = []
    for n, line in enumerate(text.splitlines()):
        cells = line.split("\t")
        if n in rows:
            full = [c for c in cells if c.strip()]
            cells = full + [""] * (len(cells) - len(full))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def test_a_compacted_pipe_dump_keeps_rates_and_indicator_columns() -> None:
    # 009: the 当年财政拨款 row prints no 分值, so its 95.00% moved under 分值; the indicator rows lost
    # their 一级/二级 cells (filled only on a group's first row), so a name starts the row.
    tsv = CLEAN.text().replace("\t其中:当年财政拨款\t1000000.00\t1000000.00\t950000.00\t—\t—\t—",
                               "\t其中:当年财政拨款\t1000000.00\t1000000.00\t950000.00\t\t95.00%\t")
    lines = tsv.splitlines()
    first = next(n for n, line in enumerate(lines) if "其中:当年财政拨款" in line)
    header = next(n for n, line in enumerate(lines) if line.startswith("年度绩效指标"))
    dump = compacted(tsv, range(first, first + 1)).splitlines()[:header + 1]
    dump += compacted(tsv, range(header + 1, header + 1 + len(BASE_INDICATORS))).splitlines()[header + 1:]
    [r] = check_document(read("\n".join(dump) + "\n")).results
    ev = r.ev
    app = ev.funds.appropriation
    assert app is not None and (app.executed.amount, app.weight, app.rate) == (D("950000.00"), None, D("95.00"))
    assert [(i.name, i.weight, i.score) for i in ev.indicators] == [
        (i.name, D(i.weight), D(i.score)) for i in BASE_INDICATORS]
    assert [i.level1 for i in ev.indicators] == ["产出"] * 4 + ["效益", "满意度"]
    assert not r.has_errors(), [f.message for f in r.findings]
    assert any("95.00%" in w and "执行率" in w for w in ev.warnings)


# ---------------------------------------------------------------- values typed into a row's label cell

def test_values_in_a_funds_label_cell_are_named_not_taken_for_an_unfilled_form() -> None:
    # 025: text copied with spaces for columns; "年度资金总额(万元): 1 52.800000" is one cell.
    lines = ["资金绩效自评表", "项目名称\t林业改革发展资金", "主管部门\t某区林业局",
             "年度资金总额(万元): 1 52.800000", "52.800000 52.800000 100.00% 30.800000 58.33%",
             "其他资金(万元) 4"]
    doc = read("\n".join(lines) + "\n")
    [r] = check_document(doc).results
    assert "form-unfilled" not in {f.code for f in r.findings}
    assert r.ev.funds.total is None
    assert any("52.800000" in w and "年度资金总额" in w for w in r.ev.warnings)


# ---------------------------------------------------------------- a title that names the template

def test_the_title_decides_between_templates_tied_on_labels() -> None:
    # p008: a 部门整体支出绩效自评表 in the national layout scores the same on both templates' labels.
    text = CLEAN.text().replace("项目支出绩效自评表", "部门整体支出绩效自评表", 1)
    [r] = check_document(read(text)).results
    assert r.ev.template == "department"


# ---------------------------------------------------------------- an indicator header printed in two rows

YUNNAN = """| 2020年度项目支出绩效自评表 | ||||||||||
| 项目名称 | 卫片执法补助经费 | |||||||||
| 主管部门 | 某市自然资源和规划局 | 实施单位 | 某区自然资源局 | |||||||
| 项目资金 (万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | ||||
| 年度资金总额 | 8.00 | 8.00 | 6.00 | 10.00 | 75% | 7.50 | ||||
| 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | |||||
| 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | |||||
| 产出指标 | 数量指标 | 补助宗数 | ≥ | 40 | 宗 | 30 | 20.00 | 15.00 | 年中任务调减 | |
| 质量指标 | 验收合格率 | = | 100 | % | 100 | 30 | 30 | ||||
| 效益指标 | 社会效益指标 | 违法行为责停率 | ≥ | 95 | % | 96 | 30.00 | 30.00 | ||
| 满意度指标 | 服务对象满意度指标 | 满意度 | ≥ | 90 | % | 92 | 10.00 | ||
"""


def test_a_two_row_indicator_header_with_nature_and_unit_columns() -> None:
    # 009 (云南): 年度指标值 split into 指标性质 | 指标值 | 度量单位 on a second header row; the 质量 row lost its
    # 一级 cell; the last row lost its empty 得分 cell, which is no shift.
    [r] = check_document(read(YUNNAN)).results
    got = [(i.level1, i.name, i.target, i.actual, i.weight, i.score) for i in r.ev.indicators]
    assert got == [("产出", "补助宗数", "≥40宗", "30", 20, 15), ("产出", "验收合格率", "=100%", "100", 30, 30),
                   ("效益", "违法行为责停率", "≥95%", "96", 30, 30), ("满意度", "满意度", "≥90%", "92", 10, None)]
    assert r.ev.indicators[0].note == "年中任务调减"
    assert not r.has_errors(), [f.message for f in r.findings]


# ---------------------------------------------------------------- a form's tail: 合计 with one number

def test_a_lone_total_number_in_a_tail_is_neither_weight_nor_score() -> None:
    # 003: the excerpt opens inside the indicator table; "合计 | 100" may be the weights' 10 + 90 or a score.
    tail = ("| 产出指标 | 经济成本指标 | 成本控制数 | ≤ | 30 | 万元 | 完成 | 90 | 90 | |\n"
            "| 合计 | 100 | |||||||||\n")
    header = ("| 绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 "
              "| 未完成原因分析 |\n")
    text = header + tail
    [r] = check_document(read(text)).results
    assert r.ev.total is None or (r.ev.total.score, r.ev.total.weight) == (None, None)
    assert any("100" in w and "总分行只有一个数值" in w for w in r.ev.warnings)
    assert not r.has_errors()


# ---------------------------------------------------------------- glued and scrambled text

def test_a_glued_form_with_its_total_among_the_header_fields_reads_its_header() -> None:
    # 019 (湖北): "填报日期:总分:分项目名称…主管部门…" on one line, every digit stripped by the mirror: the
    # header's 总分 field ends nothing, the header is read, and no number is invented.
    text = ("学生资助项目绩效目标自评表填报日期:总分:分项目名称某学院学生资助项目主管部门某省教育厅项目实施单位某学院"
            "预算执行情况(万元)预算数()执行数()执行率()得分年度财政资金总额分一级指标二级指标三级指标年初目标值()"
            "实际完成值()得分产出指标数量国家奖学金人数分效益指标社会效益指标资金发放率分\n")
    [r] = check_document(read(text)).results
    assert (r.ev.project.name, r.ev.project.department) == ("某学院学生资助", "某省教育厅")
    assert r.ev.funds.rows() == [] and r.ev.total is None or r.ev.total.score is None
    assert not r.has_errors()


def test_a_header_value_repeated_by_scrambled_order_is_taken_once() -> None:
    # 027: PDF text in scrambled order, "项目实施单位 X X": X once is the unit, the other X is 主管单位's.
    text = ("某市财政预算支出项目绩效目标自评表 填报日期:2022 年 8 月 10 项目名称 项目主管单 位 自评总分: 95 "
            "项目实施单位 某市交通运输局 某市交通运输局 项目负责人 张三 中央 省、地 本级 其他 合计 执行数 执行 (万元) "
            "(万元) 率 309 309 项目资金 309 100 % 项目权重 评价内容 分值 自评分 项目决策 2 分 决策依据 2 2\n")
    [r] = check_document(read(text)).results
    assert r.ev.project.implementing_unit == "某市交通运输局"
    assert any("某市交通运输局" in w for w in r.ev.warnings)


def test_a_glued_funds_run_whose_amounts_ocr_lost_keeps_only_its_pinned_end() -> None:
    # p006 (重庆, OCR of a docx): the amounts are lost (".12.34.5"), 85.5 | 10 | 8.55 still glued at the end
    # of the 财政拨款 run: 85.5 % × 10 = 8.55 pins them; the head is named; no cut may make 得分 > 分值.
    text = ("某区林业局2023年度部门整体绩效自评表主管部门某区林业局联系人张三联系电话自评总分(分)98.55年初预算数"
            "全年(调整)预算数全年执行数执行率执行率权重执行率得分年度总金额.12.34.5其中财政拨款.12.34.585.5108.55"
            "年初绩效目标全年(调整)绩效目标全年目标实际完成情况保护森林资源。保护森林资源。\n")
    [r] = check_document(read(text)).results
    ev = r.ev
    assert ev.year == 2023 and ev.total is not None and ev.total.score == D("98.55")
    app = ev.funds.appropriation
    assert app is not None and (app.rate, app.weight, app.score) == (D("85.5"), 10, D("8.55"))
    assert ev.funds.total is None or (ev.funds.total.weight, ev.funds.total.score) == (None, None)
    assert not r.has_errors(), [f.message for f in r.findings]
    assert any("12.34.5" in w for w in ev.warnings)


# ---------------------------------------------------------------- a form's tail that opens inside its indicator table

def test_a_tail_without_its_indicator_header_reads_by_the_template_order() -> None:
    # p010: the excerpt opens on indicator rows (一级 | 二级 | 三级 | 指标值 | 完成值), no header above them;
    # the 满意度 row lost its merged 一级 cell. Narrative after the table is no indicator.
    text = ("| 产出指标 | 质量指标 | 改善养老服务基础条件 | 改善条件 | 明显改善 |\n"
            "| 效益指标 | 社会效益指标 | 养老服务需求 | 有所提升 | 养老服务提升 |\n"
            "|  | 满意度指标 | 服务对象满意度指标 | 养老机构服务质量满意度 | ≥90% | 98% |\n"
            "2.部门绩效评价结果。\n本部门按要求开展自评。\n")
    [r] = check_document(read(text)).results
    got = [(i.level1, i.name, i.target, i.actual, i.weight) for i in r.ev.indicators]
    assert got == [("产出", "改善养老服务基础条件", "改善条件", "明显改善", None),
                   ("效益", "养老服务需求", "有所提升", "养老服务提升", None),
                   ("满意度", "养老机构服务质量满意度", "≥90%", "98%", None)]
    assert any("缺少表头" in w for w in r.ev.warnings)
    assert any("本部门按要求开展自评" in w for w in r.ev.warnings)  # named, not swallowed as a level
    assert not r.has_errors()


def test_a_headerless_compacted_row_leaves_its_lone_number_unplaced() -> None:
    # p002: a pipe dump that dropped the empty 完成值/得分 cells: the one number after 度量单位 may be
    # 完成值, 分值 or 得分; with no header and no 合计 row nothing says which.
    text = ("| 成本指标 | 网络宣传成本预算 | ≤ | 101400 | 元 | 5 |\n"
            "| 效益指标 | 社会效益指标 | 群众知晓率 | = | 100 | % | 15 |\n"
            "| 评价结论 | 结合自评情况,说明项目自评总分。(200字以内) |\n")
    [r] = check_document(read(text)).results
    assert [(i.name, i.target, i.actual, i.weight) for i in r.ev.indicators] == [
        ("网络宣传成本预算", "≤101400元", None, None), ("群众知晓率", "=100%", None, None)]
    assert sum("无法确定是完成值、分值还是得分" in w for w in r.ev.warnings) == 2
    assert not r.has_errors()


def test_a_headerless_compacted_table_whose_total_prints_only_its_weights_has_weights() -> None:
    # p002 whole: the 合计 row prints one number, Σ分值 (no Σ得分: nothing was scored), so the one number of
    # each row is its 分值 (a row of a table that prints its weights, with no 得分 and so no 完成值 filled);
    # the rows that lost their level cells (name | = | value) and the 定性 row without a 度量单位 included.
    # The table's beginning was cut: its weights do not add up to the 合计, and that is no error.
    text = ("| 城乡居民医保参保工作经费发放及时率 | = | 100 | % | 5 | | | | |\n"
            "| 成本指标 | 网络宣传成本预算 | ≤ | 101400 | 元 | 5 | | | |\n"
            "| 效益指标 | 社会效益指标 | 群众知晓率 | = | 100 | % | 15 | | |\n"
            "| 可持续影响指标 | 机制健全性 | 定性 | 优良中低差 | 10 | | | | |\n"
            "| 合计 | 100 | | | | | | | |\n| 评价结论 | 结合自评情况,说明项目自评总分。(200字以内) | | | |\n")
    [r] = check_document(read(text)).results
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in r.ev.indicators] == [
        ("城乡居民医保参保工作经费发放及时率", "=100%", None, 5, None), ("网络宣传成本预算", "≤101400元", None, 5, None),
        ("群众知晓率", "=100%", None, 15, None), ("机制健全性", "优良中低差", None, 10, None)]
    assert any("合计行只印分值合计100" in w for w in r.ev.warnings)
    assert r.ev.parts_found["total"] == "incomplete"
    assert not r.has_errors(), [f.message for f in r.findings]
    # Numbers that add up to more than the 合计 cannot all be weights: none is read.
    over = text.replace("| 15 |", "| 95 |")
    [r] = check_document(read(over)).results
    assert [i.weight for i in r.ev.indicators] == [None] * 4
    assert sum("无法确定是完成值、分值还是得分" in w for w in r.ev.warnings) == 4


def test_goal_texts_of_a_row_that_lost_its_label_cells_fill_the_columns_in_order() -> None:
    # p002's second form: 项目基本情况 | 1.项目年度目标完成情况 span the goal rows; the texts row starts at column 1.
    text = ("部门预算项目支出绩效自评表(2023年度)\n"
            "项目名称\t51092322T000000431595-城乡居民监管工作经费\n"
            "主管部门\t某县医疗保障局部门\t实施单位(盖章)\t某县医疗保障局\n"
            "项目基本情况\t1.项目年度目标完成情况\t项目年度目标\t年度目标完成情况\n"
            "计划使用财政资金45万元发放工资。\t已按计划发放。\n")
    [r] = check_document(read(text)).results
    assert (r.ev.goals.expected, r.ev.goals.achieved) == ("计划使用财政资金45万元发放工资。", "已按计划发放。")


def test_a_transfer_form_without_scores_reads_its_indicators_and_misses_no_total() -> None:
    # A complete 转移支付 form prints targets and actuals, no 分值/得分: rows that lost their 绩效指标 cell
    # align by the name (a name never opens with ≥), and no 总分 is asked for.
    text = transfer("808.1 | 692.98 | 86%") + (
        "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 全年实际完成值 | 未完成原因分析 |\n"
        "产出指标 | 数量指标 | 补贴人数 | ≥1000人 | 1200人 | |\n"
        "满意度指标 | 服务对象满意度指标 | 满意度 | ≥90% | 95% | |\n")
    [r] = check_document(read(text)).results
    got = [(i.level1, i.name, i.target, i.actual) for i in r.ev.indicators]
    assert got == [("产出", "补贴人数", "≥1000人", "1200人"), ("满意度", "满意度", "≥90%", "95%")]
    assert "missing-total" not in {f.code for f in r.findings}
    assert not r.has_errors()


def test_a_two_row_indicator_header_keeps_its_columns_in_a_workbook(tmp_path) -> None:  # noqa: ANN001
    # The 云南 header as Excel prints it: 年度指标值 merged over 指标性质 | 指标值 | 度量单位, 绩效指标 and the
    # other labels merged down over both header rows; a spacer column before 分值.
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    rows = [
        ["项目支出绩效自评表"],
        ["项目名称", "卫片执法补助经费"],
        ["项目资金(万元)", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", 8, 8, 6, 10, "75%", 7.5],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "", "", "实际完成值", "", "分值", "得分",
         "偏差原因分析及改进措施"],
        ["", "", "", "", "指标性质", "指标值", "度量单位"],
        ["", "产出指标", "数量指标", "补助宗数", "≥", 40, "宗", 30, "", 20, 15, "年中任务调减"],
        ["", "效益指标", "社会效益指标", "违法行为责停率", "≥", 95, "%", 96, "", 30, 30],
    ]
    for r in rows:
        ws.append(r)
    ws.merge_cells("E5:G5")
    for col in "ABCDHIJKL":
        ws.merge_cells(f"{col}5:{col}6")
    path = tmp_path / "云南.xlsx"
    wb.save(path)
    from jixiao.ingest.recognize import read_path

    [r] = check_document(read_path(path)).results
    got = [(i.level1, i.name, i.target, i.actual, i.weight, i.score) for i in r.ev.indicators]
    assert got == [("产出", "补助宗数", "≥40宗", "30", 20, 15), ("效益", "违法行为责停率", "≥95%", "96", 30, 30)]


def test_a_headerless_tail_ends_where_another_table_begins() -> None:
    # p014: after the indicator rows comes the 补助资金 table (序号 | 学校性质 | … | 合格人数 | 补助资金); its
    # rows (1 | 民办 | … | 2600 | 400 | 842 | 842 | 218.92) are no indicators, and no number of it is a score.
    text = ("| 效益指标 | 社会效益 | 参训学员就业率 | 60%及以上 | 53.53% |\n"
            "| | 可持续影响 | 巩固脱贫攻坚成果 | 有效巩固 | 有效巩固 |\n"
            "| 序号 | 学校性质 | 培训机构 | 培训补助标准(元/人) | 就业奖补标准(元/人) | 培训人数 | 合格人数 | 补助资金 |\n"
            "| 1 | 民办 | 某职业培训学校 | 2600 | 400 | 842 | 842 | 218.92 |\n"
            "| 2 | 民办 | 另一职业培训学校 | 2600 | 400 | 942 | 918 | 238.68 |\n")
    [r] = check_document(read(text)).results
    assert [(i.name, i.target, i.actual, i.weight, i.score) for i in r.ev.indicators] == [
        ("参训学员就业率", "60%及以上", "53.53%", None, None), ("巩固脱贫攻坚成果", "有效巩固", "有效巩固", None, None)]
    assert any("218.92" in w for w in r.ev.warnings)
    assert not r.has_errors(), [f.message for f in r.findings]


def test_pipe_rows_whose_cells_each_end_in_a_pipe_are_a_row_a_line() -> None:
    # p014 (an OCR'd 吕梁 table): "cell |" per cell, one row a line; a row under merged 一级/二级 cells opens
    # with their empty cells ("| | 名称 | … |"): the opening '|' closes an empty cell, it opens no markdown row.
    text = ("一级指标 | 二级指标 | 指标名称 | 目标值 | 完成值 |\n"
            "产出指标 | 产出数量 | 完成培训任务 | 12500名 | 12166名 |\n"
            "| | 完成考核及验收 | 11所 | 11所 |\n"
            "| 产出质量 | 结业考核通过率 | 100% | 98.79% |\n"
            "序号 | 学校性质 | 培训机构 | 补助标准 | 奖补标准 | 培训人数 | 合格人数 | 补助资金 | 备注 |\n"
            "1 | 民办 | 某职业培训学校 | 2600 | 400 | 842 | 842 | 218.92 | |\n")
    [r] = check_document(read(text)).results
    got = [(i.level1, i.level2, i.name, i.target, i.actual) for i in r.ev.indicators]
    assert got == [("产出", "产出数量", "完成培训任务", "12500名", "12166名"),
                   ("产出", "产出数量", "完成考核及验收", "11所", "11所"),
                   ("产出", "产出质量", "结业考核通过率", "100%", "98.79%")]
    assert any("218.92" in w for w in r.ev.warnings)  # the next table is named, not read as indicators
    assert not r.has_errors()


_REGION = ("2024年度某资金绩效评价表\n年度:2024年\n资金投入情况\n(万元)\n行次 全年预算数\n(A)\n统筹整合资金数\n(B)\n"
           "扣除统筹整合资金后预算金额\n(C)\n全年到位资金\n(D)\n预算到位\n(D/C×100%)\n全年执行资金\n(E)\n预算执行\n(E/C×100%)\n"
           "年度资金总额(万元): 1 {a}\n{rest}\n")


def test_a_region_evaluation_reads_its_columns_by_their_arithmetic() -> None:
    # 025: a row over two lines, B (统筹整合) blank: 52.8 | 52.8 | 52.8 | 100.00% | 30.8 | 58.33% is A, C, D, D/C, E,
    # E/C, since C = A − B and D/C, E/C hold; 执行率 is E/C, so 全年预算数 is C.
    [r] = check_document(read(_REGION.format(a="52.8", rest="52.8 52.8 100.00% 30.8 58.33%"))).results
    total = r.ev.funds.total
    assert total is not None and (total.full_year.amount, total.executed.amount, total.rate) == (
        D("52.8"), D("30.8"), D("58.33"))
    assert "low-execution" in {f.code for f in r.findings} and not r.has_errors()
    # Three amounts before D/C but A ≠ C: B is not blank, and which one is missing is not certain: none is read.
    [r] = check_document(read(_REGION.format(a="60", rest="52.8 52.8 100.00% 30.8 58.33%"))).results
    assert r.ev.funds.total is None
    assert any("60 52.8 52.8 100.00% 30.8 58.33%" in w for w in r.ev.warnings)
    assert not r.has_errors()


# ---------------------------------------------------------------- 河北 预算项目绩效自评表: its indicator table

_HEBEI_HEAD = [
    ["某县民政局2020年度预算项目绩效自评表"],
    ["一、基本情况", "项目名称:", "高龄津贴", "是否为专项资金:", "", "实施(主管)单位", "某县民政局", "金额单位:", "万元"],
    ["二、预算执行情况", "预算安排情况(调整后)", "资金到位情况", "资金执行情况", "预算执行进度(%)"],
    ["预算数", "20.00", "到位数", "20.00", "执行数", "20.00", "100.00"],
    ["其中:财政资金", "20.00", "其中:财政资金", "20.00", "其中:财政资金", "20.00"],
    ["其他", "0.00", "其他", "0.00", "其他", "0.00"],
    ["四、年度绩效指标完成情况", "一级指标", "二级指标", "三级指标", "指标分值", "预期指标值", "单项指标实际完成值",
     "单项指标完成情况", "自评得分"],
    ["符号", "单位(文字描述)", "单项指标得分", "权重占比(%)", "单项指标折算得分"],
]


def hebei_rows(scores: list[tuple[str, str, str]], rate: tuple[str, str, str] | None = ("100", "10", "10")) -> list[list[str]]:
    """p009's shape with (单项指标得分, 权重占比, 折算得分) per indicator chosen by the test."""
    named = [["产出指标", "数量指标", "发放人数", "享受补贴人数", ">=", "19", "人"], ["质量指标", "发放准确率", ">=", "98", "%"],
             ["效果指标", "社会效益指标", "补贴发放率", "发放完成率", ">=", "75", "%(百分比)"],
             ["满意度指标", "服务对象满意度指标", "服务对象满意度", ">=", "95", "%"]]
    actual = ["19", "100%", "100%", "96%"]
    rows = [n + [a, "完成", *s] for n, a, s in zip(named, actual, scores)]
    if rate is not None:
        rows.append(["预算执行率", "预算执行率", "=", "100", "%", "100%", "完成", *rate])
    return _HEBEI_HEAD + rows


def hebei_html(rows: list[list[str]]) -> bytes:
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows[1:])
    return f"<html><body><h2>{rows[0][0]}</h2><table>{body}</table></body></html>".encode()


def hebei_text(rows: list[list[str]]) -> bytes:
    return "\n".join(" ".join(c for c in r if c) for r in rows).encode()


def test_a_hebei_indicator_table_filled_as_the_template_asks_is_clean() -> None:
    # 单项指标得分 on a scale of 100, 折算 = 单项 × 权重占比: 100×30% = 30, 80×30% = 24, 100×20% = 20, 100×10% = 10.
    rows = hebei_rows([("100", "30", "30"), ("80", "30", "24"), ("100", "20", "20"), ("100", "10", "10")])
    for data, name in ((hebei_text(rows), "t.txt"), (hebei_html(rows), "t.html")):
        [r] = check_document(read_bytes(data, name)).results
        ev = r.ev
        assert ev.template == "hebei", name
        assert [(i.weight, i.coefficient, i.score) for i in ev.indicators] == [
            (D(30), D(100), D(30)), (D(30), D(80), D(24)), (D(20), D(100), D(20)), (D(10), D(100), D(10))], name
        assert [i.target for i in ev.indicators] == ["≥19人", "≥98%", "≥75%", "≥95%"]
        assert (ev.funds.total.weight, ev.funds.total.score) == (D(10), D(10))
        assert not r.has_errors(), (name, [f.message for f in r.findings])


def test_a_hebei_table_whose_scores_carry_the_weight_twice_is_an_error_in_every_format() -> None:
    # p009's error: 单项得分 written on the weight scale (30 of 30), then 折算 = 30 × 30% = 9.
    rows = hebei_rows([("30", "30", "9"), ("30", "30", "9"), ("20", "20", "4"), ("10", "10", "1")], rate=None)
    for data, name in ((hebei_text(rows), "t.txt"), (hebei_html(rows), "t.html")):
        [r] = check_document(read_bytes(data, name)).results
        twice = [(f.field, f.expected) for f in r.findings if f.code == "weight-applied-twice"]
        assert twice == [("indicators[0].score", "30"), ("indicators[1].score", "30"), ("indicators[2].score", "20"),
                         ("indicators[3].score", "10")], name


def test_a_hebei_row_of_another_shape_leaves_the_table_unchecked() -> None:
    # A row without its 符号: which cell is the target is not certain, so it is named and nothing is checked.
    rows = hebei_rows([("30", "30", "9"), ("30", "30", "9"), ("20", "20", "4"), ("10", "10", "1")], rate=None)
    rows[9] = [c for c in rows[9] if c != ">="]
    [r] = check_document(read_bytes(hebei_text(rows), "t.txt")).results
    assert r.ev.parts_found["indicators"] == "incomplete"
    assert any("发放准确率" in w for w in r.ev.warnings)
    assert not r.has_errors()
