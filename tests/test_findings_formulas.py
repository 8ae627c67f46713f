"""Issue 11 item 2: formulas and error values.

Forms are filled from ``jixiao template`` with openpyxl (which saves formulas without results), then
recalculated by real LibreOffice; each gets exactly the findings its inputs deserve. Expected numbers
are worked out by hand in the comments.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jixiao.export.xlsx import SHEET, template_xlsx
from jixiao.ingest.recognize import read_path
from jixiao.office import convert, soffice
from jixiao.pipeline import check_document
from jixiao.scoring import get_policy

needs_office = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) 未安装：scripts/setup-system.sh 安装它")

# Rows of the template's skeleton (产出: 数量×5, 质量×3, 时效×2, 成本×2; 效益: 经济×2, 社会×3, 生态×2, 可持续×2;
# 满意度×2: 23 rows, 总分 on row 37), weights 20+10+10+10+30+10 = 90, + 执行率 10 = 100.
FIRST_INDICATOR_ROW = 14
FILLED = {  # skeleton offset: (三级指标, 年度指标值, 实际完成值, 分值, 得分)
    0: ("培训人数", "≥100人", "120人", 20, 20),
    5: ("培训合格率", "≥95%", "98%", 10, 10),
    8: ("通知提前天数", "≥3天", "5天", 10, 10),
    10: ("人均培训成本", "≤500元", "480元", 10, 10),
    14: ("学员履职能力", "明显提升", "明显提升", 30, 30),
    21: ("学员满意度", "≥90%", "96.5%", 10, 10),
}
SERIOUS = ("error", "warning")


def _fill(path: Path, *, scores: dict[int, object] | None = None, actuals: dict[int, str] | None = None,
          appropriation_executed: float = 95, cells: dict[str, object] | None = None) -> Path:
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(get_policy("national"), 2024)))
    ws = wb[SHEET]
    ws["B3"], ws["B4"], ws["F4"] = "干部培训", "深圳市某区人力资源局", "深圳市某区培训中心"
    ws["C7"], ws["D7"], ws["E7"] = 100, 100, 95  # 万元: 95 %, 9.5 of 10
    ws["C8"], ws["D8"], ws["E8"] = 100, 100, appropriation_executed
    ws["B12"], ws["F12"] = "完成全年干部培训任务。", "全年培训120人。"
    for offset, (name, target, actual, weight, score) in FILLED.items():
        r = FIRST_INDICATOR_ROW + offset
        ws[f"D{r}"], ws[f"E{r}"], ws[f"F{r}"] = name, target, (actuals or {}).get(offset, actual)
        ws[f"G{r}"], ws[f"H{r}"] = weight, (scores or {}).get(offset, score)
    for ref, value in (cells or {}).items():
        ws[ref] = value
    wb.save(path)
    return path


def _serious(path: Path) -> list[tuple[str, str, str | None]]:
    [result] = check_document(read_path(path)).results
    return sorted((f.code, f.field, f.found) for f in result.findings if f.severity in SERIOUS)


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    src = tmp_path_factory.mktemp("filled")
    made = {
        # 成本 scored 12 of 10: the template's 总分 counts it as 10 → 9.5 + 20+10+10+10+30+10 = 99.5.
        "over": _fill(src / "over.xlsx", scores={10: 12}),
        # 80 of ≥100人 trained, full 20 kept: 80/100×20 = 16.00.
        "unmet": _fill(src / "unmet.xlsx", actuals={0: "80人"}),
        # 当年财政拨款 executed 90 while 年度资金总额 says 95.
        "breakdown": _fill(src / "breakdown.xlsx", appropriation_executed=90),
    }
    return made


def test_formulas_saved_without_results_are_computed(forms: dict[str, Path]) -> None:
    doc = read_path(forms["over"])
    [ev] = doc.evaluations
    assert (ev.funds.total.rate, ev.funds.total.score) == (95, 9.5)
    assert (ev.total.weight, ev.total.score) == (100, Decimal("99.5"))
    assert any("公式单元格没有保存计算结果" in w for w in doc.warnings)


def test_each_mistake_gets_exactly_its_finding_before_recalculation(forms: dict[str, Path]) -> None:
    assert _serious(forms["over"]) == [("score-over-weight", "indicators[3].score", "12")]
    assert _serious(forms["unmet"]) == [("unmet-target-full-score", "indicators[0].score", "20")]
    assert _serious(forms["breakdown"]) == [("funds-breakdown-mismatch", "funds.total.executed", "95")]


@needs_office
def test_each_mistake_gets_exactly_its_finding_after_libreoffice_recalculates(
        forms: dict[str, Path], tmp_path: Path) -> None:
    names = list(forms)
    out = convert([forms[n] for n in names], "xlsx", tmp_path, recalc=True)
    got = {n: _serious(p) for n, p in zip(names, out)}
    assert got == {n: _serious(forms[n]) for n in names}
    [ev] = read_path(out[0]).evaluations
    assert ev.total.score == Decimal("99.5")  # LibreOffice's 总分, not the 101.5 of the plain sum


def test_error_values_are_reported_on_their_cells_and_shift_nothing(tmp_path: Path) -> None:
    path = _fill(tmp_path / "errors.xlsx", cells={"G7": "#DIV/0!", "H7": "#REF!", "H37": "#VALUE!", "F19": "#N/A"})
    [result] = check_document(read_path(path)).results
    ev = result.ev
    assert ev.total.weight == 100 and ev.total.score is None  # not the weights' 100 taken for the score
    bad = {(f.field, f.found, f.locator) for f in result.findings if f.code == "invalid-number"}
    assert bad == {("funds.total.rate", "#DIV/0!", "sheet 自评表, cell G7"),
                   ("funds.total.score", "#REF!", "sheet 自评表, cell H7"),
                   ("total.score", "#VALUE!", "sheet 自评表, cell H37")}
    assert all("公式无法计算的错误值" in f.message for f in result.findings if f.code == "invalid-number")
    assert ev.indicators[1].actual == "#N/A" and ev.indicators[1].weight == 10
    codes = {f.code for f in result.findings}
    assert not codes & {"total-mismatch", "missing-total", "rate-mismatch", "rate-score-mismatch"}
