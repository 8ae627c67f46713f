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

# ---------------------------------------------------------------------------------------------------- 繁体, pinyin

# ---------------------------------------------------------------------------------------------------- flattened national

# ---------------------------------------------------------------------------------------------------- glued numbers

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
    assert (ev.project.name, ev.project.department, ev.year) == ("2019年210青少年校园足球扶持资金", "教育部", 2019)
    assert ev.funds.total is None and not ev.indicators
    assert warned(ev, "资金")
    said = " ".join(doc.warnings + list(ev.warnings))
    assert "申报表" in said or "绩效目标表" in said
    [r] = check_document(doc).results
    assert not errors(r)


def test_r003_songgang_declaration_workbook() -> None:
    said = not_a_form("r003_szba_songgang_shenbao_2023_outofscope.xlsx")
    assert "申报表" in said


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
