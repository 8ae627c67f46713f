"""The real published documents of tests/real/ (a copy of the shared corpus), one test each.

Every expectation below was written from the document's own text and INDEX.tsv, and checked by
hand against the file: the printed numbers in their fields, the real errors where the excerpt
shows them, parts cut off reported missing and never checked, and documents that are not a
自评表 called what they are. None comes from jixiao's output.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.checks import CheckResult
from jixiao.errors import NoFormFound, NotASelfEvaluation
from jixiao.ingest.recognize import read_path
from jixiao.model import Evaluation, FundsRow, Indicator
from jixiao.pipeline import check_document

REAL = Path(__file__).resolve().parent / "real"
D = Decimal


def checked(name: str) -> list[CheckResult]:
    return check_document(read_path(REAL / name)).results


def errors(result: CheckResult) -> set[str]:
    return {f.code for f in result.findings if f.severity == "error"}


def codes(result: CheckResult) -> set[str]:
    return {f.code for f in result.findings}


def amounts(row: FundsRow | None) -> tuple[Decimal | None, ...]:
    """(年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分) of a funds row, amounts without their unit."""
    assert row is not None, "funds row not read"
    money = tuple(m.amount if m is not None else None for m in (row.initial, row.full_year, row.executed))
    return (*money, row.weight, row.rate, row.score)


def named(ev: Evaluation, name: str) -> Indicator:
    found = [i for i in ev.indicators if i.name and name in i.name]
    assert len(found) == 1, (name, [i.name for i in ev.indicators])
    return found[0]


def numbers(ev: Evaluation) -> list[Decimal]:
    """Every number placed in a form's fields."""
    out: list[Decimal] = []
    for _, row in ev.funds.rows():
        out += [v for v in amounts(row) if v is not None]
    out += [v for i in ev.indicators for v in (i.weight, i.score, i.coefficient) if v is not None]
    if ev.total is not None:
        out += [v for v in (ev.total.weight, ev.total.score) if v is not None]
    return out


def warned(ev: Evaluation, text: str) -> bool:
    return any(text in w for w in ev.warnings)


def not_a_form(name: str) -> str:
    """The one-line statement of what a document is when it is not a 自评表."""
    with pytest.raises(NotASelfEvaluation) as info:
        read_path(REAL / name)
    assert isinstance(info.value, NoFormFound)  # callers that treat any "no form" alike keep working
    return info.value.message


# ---------------------------------------------------------------------------------------------------- 四川 pipes


def test_004_dyrmt_flattened_tail() -> None:
    [r] = checked("004_dyrmt_form_tail.txt")
    ev = r.ev
    assert [i.weight for i in ev.indicators] == [D("22.5")] * 4
    assert [i.target for i in ev.indicators] == ["=100%", "≤10次", "=100%", "≤5%"]
    assert named(ev, "足额保障率").level1 == "产出"
    assert named(ev, "结余率").level1 == "效益"
    assert all(i.score is None and i.actual is None for i in ev.indicators)
    assert (ev.conclusion, ev.problems, ev.improvements) == ("及时、足额缴纳。", "暂无", "暂无")
    assert ev.total is None or ev.total.score is None
    assert not errors(r)


def test_p002_daying_unfilled_tail_and_next_head() -> None:
    tail, head = checked("p002_daying_ybj_2023_chunk.txt")
    assert [i.weight for i in tail.ev.indicators] == [5, 5, 5, 15, 5, 10, 10]
    assert all(i.score is None and i.actual is None for i in tail.ev.indicators)
    assert named(tail.ev, "网络宣传成本预算").target == "≤101400元"
    assert tail.ev.total is None or tail.ev.total.score is None  # 合计 100 over blank 得分 cells
    assert "placeholder-text" in codes(tail)  # 评价结论/存在问题/改进措施 still the template's prompts
    assert not errors(tail)
    ev = head.ev
    assert (ev.project.code, ev.project.name) == ("51092322T000000431595", "城乡居民监管工作经费")
    assert (ev.project.department, ev.project.implementing_unit, ev.year) == ("大英县医疗保障局部门", "大英县医疗保障局", 2023)
    assert "计划使用财政资金45万元" in (ev.goals.expected or "")
    assert not errors(head)


def test_012_zitong_pipe_cells_broken_over_lines() -> None:
    [r] = checked("012_zitong_rd_2023.txt")
    ev = r.ev
    assert (ev.project.name, ev.year) == ("人大代表之家建设", 2023)
    assert ev.project.department == "梓潼县人大常委会办公室"
    assert ev.project.implementing_unit == "梓潼县人大常委会办公室"
    assert amounts(ev.funds.total)[:3] == (None, 40, 40) and ev.funds.total.rate == 100
    assert warned(ev, "未注明金额单位")  # the table does not say 万元; only the narrative does
    assert not errors(r)


def test_p013_tianjiaan_transfer_payment_form() -> None:
    [r] = checked("p013_tianjiaan_jybz_zyzf_2024.txt")
    ev = r.ev
    assert (ev.project.name, ev.year) == ("就业补助资金", 2024)
    assert ev.project.implementing_unit == "淮南市田家庵区人力资源和社会保障局"
    assert ev.money_unit == "万元"
    # 692.98 / 808.1 = 85.75 %, printed as 86 %: right to the printed precision.
    assert amounts(ev.funds.total)[1:3] == (D("808.1"), D("692.98")) and ev.funds.total.rate == 86
    assert not errors(r)


def test_p008_jinzhai_over_execution_with_empty_score() -> None:
    [r] = checked("p008_jinzhai_cgmlxc_dept_2023.txt")
    ev = r.ev
    assert ev.year == 2023
    assert "金寨县茶谷和美丽乡村建设服务中心" in (ev.project.department or ev.project.name or "")
    assert amounts(ev.funds.total) == (D("329.77"), D("329.77"), D("338.31"), 10, D("102.59"), None)
    assert amounts(ev.funds.appropriation)[:3] == (D("329.77"), D("329.77"), D("338.31"))
    first = named(ev, "开展精品示范村建设数量")
    assert (first.target, first.actual, first.weight, first.score) == ("≤4", "4", 10, 10)
    assert len([i for i in ev.indicators if i.weight is not None]) == 8
    assert "over-execution" in codes(r)
    assert not errors(r)


def test_003_daying_sichuan_tail_and_head() -> None:
    tail, head = checked("003_daying_sfj_2023.txt")
    ind = named(tail.ev, "成本控制数")
    assert (ind.level1, ind.target, ind.actual, ind.weight, ind.score) == ("产出", "≤30万元", "完成", 90, 90)
    # 合计 | 100 is the weight total (10 + 90); it is not a printed score of 100.
    assert tail.ev.total is None or tail.ev.total.score is None
    assert tail.ev.project.name is None
    assert not errors(tail)
    ev = head.ev
    assert (ev.project.code, ev.project.name) == ("51092324T000010263357", "2023年全县安可替代补助资金项目")
    assert (ev.project.department, ev.project.implementing_unit, ev.year) == ("大英县司法局部门", "大英县司法局", 2023)
    assert ev.money_unit == "万元"
    assert amounts(ev.funds.total) == (0, D("3.36"), D("3.36"), 10, 100, 10)
    assert amounts(ev.funds.appropriation)[:5] == (0, D("3.36"), D("3.36"), None, 100)
    assert amounts(ev.funds.special_account)[:5] == (0, 0, 0, None, 0)
    assert named(ev, "完成安可产品购买").target == "=100"
    assert "placeholder-text" in codes(head)  # the 原因 cell still holds the template's instructions
    assert not errors(head)


def test_p010_daying_targets_table_tail() -> None:
    [r] = checked("p010_daying_mzj_dept_targets_2020.txt")
    sat = named(r.ev, "满意度")
    assert (sat.target, sat.actual) == ("≥90%", "98%")
    assert not numbers(r.ev)  # no 分值/得分 in this table
    assert not errors(r)






# ---------------------------------------------------------------------------------------------------- 繁体, pinyin


def test_009_lijiang_traditional_with_pinyin_junk() -> None:
    [r] = checked("009_lijiang_gucheng_zrzy_2020_trad.txt")
    ev = r.ev
    assert ev.project.name == "2020年省级自然资源卫片执法补助经费支出绩效自评表"
    assert (ev.project.department, ev.project.implementing_unit) == ("丽江市自然资源和规划局", "丽江市古城区自然资源局")
    assert ev.year == 2020 and ev.money_unit == "万元"
    assert amounts(ev.funds.total) == (D("7.29"), D("7.29"), D("7.29"), 10, 100, 10)
    assert amounts(ev.funds.appropriation)[:3] == (D("7.29"), D("7.29"), D("7.29"))
    got = [(i.level1, i.actual, i.weight, i.score) for i in ev.indicators]
    assert got == [("产出", "72890", 10, 9), ("产出", "100", 20, 19), ("产出", "100", 20, 19),
                   ("效益", "95", 30, 27), ("满意度", "95", 10, None)]
    assert named(ev, "违法行为责停率").target == "≥95%"
    # every met target still lost points, and no 偏差原因 says why
    assert "missing-deviation-note" in codes(r)
    assert not errors(r)


# ---------------------------------------------------------------------------------------------------- flattened national


def test_015_chizhou_flattened_with_docx_metadata() -> None:
    [r] = checked("015_chizhou_tangxi_cunji_2022.txt")
    ev = r.ev
    assert (ev.project.name, ev.year) == ("村级补助及运转经费", 2022)
    assert ev.project.department == "219-池州市贵池区棠溪镇人民政府"
    assert ev.project.implementing_unit == "219001-池州市贵池区棠溪镇人民政府"
    assert amounts(ev.funds.total) == (0, 0, 0, 10, 0, 0)
    assert amounts(ev.funds.appropriation)[:3] == (D("202.64"), D("132.912"), D("132.912"))
    count = named(ev, "补助村(社区)数量")
    assert (count.level1, count.target, count.actual, count.weight, count.score) == ("产出", "=8个", "8", 8, 8)
    cost = named(ev, "项目总成本")
    assert (cost.target, cost.actual, cost.weight, cost.score) == ("≤202.6万元", "132.9", 10, 10)
    assert named(ev, "补助资格合规性").actual == "达成预期指标"
    assert len(ev.indicators) >= 8
    # the metadata line's numbers (15.00, 9300, 22370 ...) are no field of the form
    assert not {D("9300"), D("22370"), D("15.00")} & set(numbers(ev))
    assert errors(r) == {"funds-breakdown-mismatch"}  # total 0/0/0 over a funded 本年财政拨款 row


def test_014_jishan_scrambled_xlsx_dump() -> None:
    [r] = checked("014_jishan_zhaidian_wsy_2021.txt")
    ev = r.ev
    assert (ev.project.name, ev.year) == ("国家基本公共卫生服务", 2021)
    assert (ev.project.department, ev.project.implementing_unit) == ("稷山县卫生健康和体育局", "稷山县翟店镇卫生院")
    total = amounts(ev.funds.total)
    assert (total[0], total[3], total[4], total[5]) == (0, 10, 100, 10)
    # 207.4538 is 全年预算数 or 全年执行数; in the scrambled order nothing says which
    assert total[1] in (None, D("207.4538")) and total[2] in (None, D("207.4538"))
    if None in total[1:3]:
        assert warned(ev, "207.4538")
    vacc = named(ev, "适龄儿童疫苗接种率")
    assert (vacc.target, vacc.actual, vacc.weight, vacc.score) == ("100.00%", "97.30%", 2, D("1.9"))
    bp = named(ev, "高血压规范管理数")
    assert (bp.target, bp.actual, bp.weight, bp.score) == ("3807人", "3224人", 2, D("1.9"))
    assert not errors(r)



# ---------------------------------------------------------------------------------------------------- glued numbers


def test_019_hbeu_digits_stripped_reads_no_number() -> None:
    [r] = checked("019_hbeu_xszz_template_stripped.txt")
    ev = r.ev
    assert ev.project.department == "湖北省教育厅"
    assert not numbers(ev)  # the mirror dropped every digit: nothing may be invented
    assert warned(ev, "没有找到")
    assert not errors(r)


def test_027_guangshui_scrambled_pdf() -> None:
    [r] = checked("027_guangshui_jtj_xcdl_2021.txt")
    ev = r.ev
    assert ev.project.implementing_unit == "广水市交通运输局"
    # "项目名称 项目主管单 位 自评总分": the next label, broken at a space, is no name (it was read as one)
    assert ev.project.name in (None, "乡村道路建设养护项目")
    assert ev.total is not None and ev.total.score == 95
    # the indicator scores were not read, so nothing may be said about 95 ≠ their sum
    assert not errors(r)


def test_p006_liangping_glued_rate_weight_score() -> None:
    [r] = checked("p006_liangping_lyj_dept_2023.txt")
    ev = r.ev
    assert ev.total is not None and ev.total.score == D("97.93")
    f = ev.funds.total or ev.funds.appropriation
    assert f is not None and (f.rate, f.weight, f.score) == (D("79.27"), 10, D("7.93"))
    assert ev.year == 2023
    assert not errors(r)


def test_p006_as_the_docx_it_was_shared_as(tmp_path: Path) -> None:
    """The same text as Word paragraphs (the site shares a .docx of the table's text, no table in it): read as the
    text is, and said so, where it was "no form found"."""
    import docx

    d = docx.Document()
    for line in (REAL / "p006_liangping_lyj_dept_2023.txt").read_text(encoding="utf-8").splitlines():
        d.add_paragraph(line)
    d.save(tmp_path / "p006.docx")
    doc = read_path(tmp_path / "p006.docx")
    [r] = check_document(doc).results
    f = r.ev.funds.total or r.ev.funds.appropriation
    assert r.ev.total is not None and r.ev.total.score == D("97.93")
    assert f is not None and (f.rate, f.weight, f.score) == (D("79.27"), 10, D("7.93"))
    assert not errors(r)
    assert any("文件中没有表格" in w for w in doc.warnings)




# ---------------------------------------------------------------------------------------------------- glued numbers

def test_028_haidian_glued_funds_row() -> None:
    [r] = checked("028_haidian_xyl_bjqs_2016.txt")
    ev = r.ev
    assert (ev.project.name, ev.year) == ("【体制】自管道路清扫保洁外包工作经费", 2016)
    assert ev.project.implementing_unit == "北京市海淀区学院路街道城市运行服务中心"
    # '310.2154.741050%5': only 310.2 | 154.74 | 10 | 50% | 5 gives 154.74/310.2 = 49.88 → 50 and 50 % × 10 = 5
    total = ev.funds.total
    assert total is not None and total.initial is not None and total.executed is not None
    assert (total.initial.amount, total.executed.amount, total.weight, total.rate, total.score) == \
        (D("310.2"), D("154.74"), 10, 50, 5)
    assert not errors(r)


def test_p004_lingling_glued_department_funds() -> None:
    [r] = checked("p004_lingling_cdc_dept_2021.txt")
    ev = r.ev
    assert ev.year == 2021
    assert "永州市零陵区疾病预防控制中心" in (ev.project.department or ev.project.name or "")
    assert amounts(ev.funds.total) == (D("2456.18"), D("2456.18"), D("2456.18"), 10, 100, 10)
    assert not errors(r)


# ---------------------------------------------------------------------------------------------------- workbooks


def test_018_hengshan_no_scores_page_markers() -> None:
    [r] = checked("018_hengshan_swlsj_2020.txt")
    ev = r.ev
    assert ev.year == 2020
    assert ev.project.name == "县级储备粮"
    assert ev.project.department == "衡山县商务和粮食局"
    assert amounts(ev.funds.total)[1:3] == (D("194.9"), D("194.9")) and ev.funds.total.rate == 100
    assert all(i.weight is None and i.score is None for i in ev.indicators)
    assert not errors(r)


def test_r001_pku_unfilled_form_among_declaration_sheets() -> None:
    doc = read_path(REAL / "r001_pku_xiaoyuanzuqiu_2019_template.xls")
    [ev] = doc.evaluations  # only the 项目支出绩效自评表 sheet is a self-evaluation
    # The label/value sheets (立项依据, 实施方案, 评审报告: 项目名称 | …资金 on their first row) and the
    # form's own funds header (项目资金（万元）| 项目名称 | 年初预算数 | … | 得分) are no project lists.
    assert not doc.lists
    assert (ev.project.name, ev.project.department, ev.year) == ("2019年210青少年校园足球扶持资金", "教育部", 2019)
    assert ev.funds.total is None and not ev.indicators
    assert warned(ev, "资金")
    said = " ".join(doc.warnings + list(ev.warnings))
    assert "申报表" in said or "绩效目标表" in said
    checked = check_document(doc)
    [r] = checked.results
    assert not errors(r) and not checked.list_findings
    assert ev.total is not None and ev.total.score == 0  # 总分 as printed (0), under the funds header now read


def test_r003_songgang_declaration_workbook() -> None:
    said = not_a_form("r003_szba_songgang_shenbao_2023_outofscope.xlsx")
    assert "申报表" in said


def test_025_mingshan_transfer_payment_evaluation() -> None:
    [r] = checked("025_mingshan_lyj_lcgg_2024.txt")
    ev = r.ev
    assert ev.year == 2024
    assert amounts(ev.funds.total)[1:3] == (D("52.8"), D("30.8")) and ev.funds.total.rate == D("58.33")
    assert "low-execution" in codes(r)
    assert ev.template == "region" and ev.money_unit == "万元"
    assert (ev.project.name, ev.project.implementing_unit) == ("林业草原改革发展资金", "雅安市名山区林业局")  # its title
    central = ev.funds.central
    assert central is not None and amounts(central)[1:3] == (D("52.800000"), D("30.800000"))
    # 全年预算数(A), 全年到位资金(D) and 预算到位(D/C) have no field: named; the cut 资金管理情况 text too.
    assert warned(ev, "全年预算数(A)") and warned(ev, "预算到位(D/C)") and warned(ev, "100.00%")
    assert warned(ev, "资金分配规范性")
    assert not errors(r)


# ---------------------------------------------------------------------------------------------------- workbooks


def test_p009_chengan_hebei_space_separated() -> None:
    [r] = checked("p009_chengan_mzj_gljt_2020.txt")
    ev = r.ev
    assert ev.project.name == "19名百岁老人高龄津贴"
    assert ev.money_unit == "万元"
    assert amounts(ev.funds.total)[1:3] == (D("6.84"), D("6.84"))
    assert ev.template == "hebei" and ev.funds.total.rate == 100
    assert amounts(ev.funds.appropriation)[1:3] == (D("6.84"), D("6.84"))
    assert amounts(ev.funds.other)[1:3] == (D("0.00"), D("0.00"))
    assert sum("到位数" in w for w in ev.warnings) == 3  # 资金到位情况 has no field: named, never placed
    # 指标表: 单项指标得分 | 权重占比(%) | 单项指标折算得分 = 25.00 25.00 6.25, 25.00 25.00 6.25, 30.00 30.00 9.00,
    # 10.00 10.00 1.00; the targets ">= 98 %(百分比)" …, each actual 100% 完成.
    assert [i.name for i in ev.indicators] == ["符合条件申报对象覆盖率", "完成率", "补贴发放率", "服务对象满意度"]
    assert [i.level2 for i in ev.indicators] == ["质量", "时效", "社会效益", "服务对象满意度"]
    assert [i.level1 for i in ev.indicators] == ["产出", "产出", "效果", "满意度"]
    assert [i.weight for i in ev.indicators] == [D(25), D(25), D(30), D(10)]
    assert [i.coefficient for i in ev.indicators] == [D(25), D(25), D(30), D(10)]
    assert [i.score for i in ev.indicators] == [D("6.25"), D("6.25"), D("9.00"), D("1.00")]
    assert [(i.target, i.actual) for i in ev.indicators] == [
        ("≥98%", "100%"), ("≥99%", "100%"), ("≥75%", "100%"), ("≥95%", "100%")]
    assert ev.parts_found["indicators"] == "token-placed"
    assert warned(ev, "享受高龄津贴的对象对老龄工作的满意程度")  # 指标解释: no field, named
    # The real error: 单项得分 already on the weight scale, 折算得分 applies the weight a second time.
    twice = [f for f in r.findings if f.code == "weight-applied-twice"]
    assert [(f.field, f.expected, f.found) for f in twice] == [
        ("indicators[0].score", "25.00", "6.25"), ("indicators[1].score", "25.00", "6.25"),
        ("indicators[2].score", "30.00", "9.00"), ("indicators[3].score", "10.00", "1.00")]
    # Cut at its 预算执行率 row: the rate's points and the 总分 were not read, so no total or weight check runs.
    assert ev.funds.total.weight is None and ev.parts_found["total"] == "missing"
    assert warned(ev, "预算执行率") and "weights-not-100" not in codes(r)
    assert errors(r) == {"weight-applied-twice"}


def test_p014_lvliang_targets_without_scores() -> None:
    [r] = checked("p014_lvliang_hgpx_targets_2021.txt")
    ev = r.ev
    train = named(ev, "完成2021年吕梁山护工培训任务")
    assert (train.target, train.actual) == ("12500名", "12166名")
    assert named(ev, "参训学员就业率").actual == "53.53%"
    assert not numbers(ev)
    assert ev.template == "lvliang"
    # The second table (培训机构, 补助资金 ⑧=④×⑦) is no indicator: its numbers are named, none is placed.
    assert len(ev.indicators) == 13
    assert all(warned(ev, amount) for amount in ("218.92", "234", "244.66", "238.68", "251.68"))
    assert not errors(r)


# ---------------------------------------------------------------------------------------------------- not a 自评表

@pytest.mark.parametrize(("name", "kind"), [
    ("006_wanglu_hunan_2017_scoretables.txt", "评分表"),
    ("017_nanxian_mzj_scoresheet_2022.txt", "评分表"),
    ("022_shouxian_dept_rubric_2023.txt", "评分表"),
    ("p005_ningjin_gzzxj_indicators_2019.txt", "指标表"),
    ("013_yueyanglou_rd_2016.txt", "评价报告"),
    ("023_yueyang_cgzx_dept_2018.txt", "评价报告"),
    ("026_linxiang_wlgj_ggwh_2021.txt", "评价报告"),
    ("p003_yueyangxian_ncgl_2020_trad.txt", "评价报告"),
    ("p007_hainan_stgyl_stxybc_2013.txt", "评价报告"),
    ("p015_ningde_rcyz_scores_2023_trad.txt", "评价报告"),
], ids=lambda v: v[:4])
def test_documents_that_are_not_a_self_evaluation_form(name: str, kind: str) -> None:
    said = not_a_form(name)
    assert kind in said and name in said
    assert "\n" not in said
