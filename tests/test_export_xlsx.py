"""The xlsx template and filled forms: structure read back with openpyxl, and the formulas
recomputed for real by LibreOffice against the seeds' printed numbers."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from jixiao.export.layout import NCOLS
from jixiao.export.xlsx import META_SHEET, SHEET, form_xlsx, template_xlsx
from jixiao.ingest.recognize import read_bytes, read_path
from jixiao.office import convert, soffice
from jixiao.pipeline import check_document
from jixiao.scoring import ScoringPolicy, get_policy
from jixiao.scoring.rounding import places, quantum, round_half_up

from .conftest import SEEDS
from .forms import Form

NATIONAL = get_policy("national")
needs_office = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) 未安装：scripts/setup-system.sh 安装它")


def _book(data: bytes, data_only: bool = False) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)


def _find(ws, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for c in row:
            if c.value == text:
                return c.row, c.column
    raise AssertionError(f"{text!r} not in sheet")


# ---------------------------------------------------------------- template structure

def test_template_layout_protection_validation_and_metadata() -> None:
    wb = _book(template_xlsx(NATIONAL, 2024))
    ws = wb[SHEET]
    assert ws["A1"].value == "项目支出绩效自评表" and "A1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["B2"].value == 2024
    # Sheet protection on, with no password; inputs unlocked and white, formulas locked and grey.
    assert ws.protection.sheet and not ws.protection.password
    r, _ = _find(ws, "年度资金总额")
    for col in "CDE":
        assert ws[f"{col}{r}"].protection.locked is False and ws[f"{col}{r}"].fill.fgColor.rgb in ("00000000", None)
    for col in "GH":
        cell = ws[f"{col}{r}"]
        assert cell.value.startswith("=") and cell.protection.locked and cell.fill.fgColor.rgb.endswith("D9D9D9")
    assert "MIN(" in ws[f"H{r}"].value  # the rate score is capped at its weight
    total_row, _ = _find(ws, "总分")
    assert ws[f"G{total_row}"].value.startswith("=") and "SUM(" in ws[f"G{total_row}"].value
    assert "SUMPRODUCT(" in ws[f"H{total_row}"].value and ws[f"H{total_row}"].protection.locked
    # Level labels merged down over their rows, as on paper.
    merged = {str(m) for m in ws.merged_cells.ranges}
    level1_row, _ = _find(ws, "产出(50分)")
    assert any(m.startswith(f"B{level1_row}:B") for m in merged)
    # Dropdowns for level 1 / level 2 and numeric validation on amounts and scores.
    kinds = {(dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}
    assert ("list", '"产出(50分),效益(30分),满意度(10分)"') in kinds
    assert any(t == "list" and "数量指标" in f for t, f in kinds)
    assert {"decimal", "whole", "custom"} <= {t for t, _ in kinds}
    # Red while wrong: amounts that the breakdown rows do not add up to, a score above its weight.
    alerts = {str(cf.sqref): cf.rules[0].formula[0] for cf in ws.conditional_formatting}
    parts = f"C${r + 1},C${r + 2},C${r + 3}"
    assert alerts[f"C{r}:E{r}"] == f"AND(COUNT({parts})>0,ABS(SUM({parts})-C${r})>0.005)"
    assert any(k.startswith(f"H{level1_row}:H") and ">G" in v for k, v in alerts.items())
    # A4 portrait, fitted to one page wide, print area over the form.
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_area == f"'{SHEET}'!$A$1:$I${ws.max_row}"
    assert ws.max_column == NCOLS
    meta = wb[META_SHEET]
    assert meta.sheet_state == "hidden"
    values = {k: v for k, v in meta.iter_rows(min_row=2, values_only=True)}
    assert values["schema"] == "jixiao/template@1" and values["policy"] == "national" and values["year"] == "2024"


def test_template_follows_the_policy() -> None:
    ws = _book(template_xlsx(get_policy("hubei")))[SHEET]
    r, _ = _find(ws, "年度资金总额")
    assert ws[f"F{r}"].value == 20 and "F7,20)" in ws[f"H{r}"].value
    _find(ws, "产出(40分)")


def test_rate_formula_follows_the_policy_denominator() -> None:
    # Some department-wide forms divide by 年初预算数 (rules.md, local variants): column C instead of D.
    ws = _book(template_xlsx(ScoringPolicy(name="by-initial", denominator="initial")))[SHEET]
    r, _ = _find(ws, "年度资金总额")
    assert f"E{r}/C{r}*100" in ws[f"G{r}"].value and f"/D{r}" not in ws[f"G{r}"].value


def test_filled_form_keeps_formulas_and_caches_printed_values() -> None:
    ev = read_path(SEEDS[0]).evaluations[0]  # 人大宣传: 99.94 / 9.99 / 97.99
    data = form_xlsx(ev, NATIONAL)
    ws, cached = _book(data)[SHEET], _book(data, data_only=True)[SHEET]
    r, _ = _find(ws, "年度资金总额")
    assert ws[f"G{r}"].value.startswith("=IF(") and ws[f"H{r}"].value.startswith("=IF(")
    assert (cached[f"G{r}"].value, cached[f"H{r}"].value) == (99.94, 9.99)
    assert ws[f"D{r}"].value == 1300000 and ws[f"D{r}"].number_format == "0.00"
    t, _ = _find(ws, "总分")
    assert (cached[f"G{t}"].value, cached[f"H{t}"].value) == (100, 97.99)
    assert ws["B3"].value == "人大宣传" and _find(ws, "纸媒版面数量(个)")
    meta = dict(_book(data)[META_SHEET].iter_rows(min_row=2, values_only=True))
    assert meta["source_file"] == SEEDS[0].name and meta["form_index"] == "0"  # no local directories in the file


# ---------------------------------------------------------------- LibreOffice recomputation

def _num(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _close(printed: Decimal, computed: Decimal) -> bool:
    """rules.md §2: within one unit of the printed last digit (at least a cent: LibreOffice rounds to 2)."""
    return abs(printed - computed) <= max(quantum(places(printed)), Decimal("0.01"))


@pytest.fixture(scope="module")
def recomputed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every seed form exported, plus a template filled in with openpyxl, recomputed by one LibreOffice run."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) 未安装：scripts/setup-system.sh 安装它")
    src = tmp_path_factory.mktemp("xlsx")
    results = {}
    files = []
    for seed in SEEDS:
        for r in check_document(read_path(seed)).results:
            path = src / f"{seed.name[:3]}_{r.ev.source.form_index:02d}.xlsx"
            path.write_bytes(form_xlsx(r.ev, NATIONAL))
            files.append(path)
            results[path.stem] = r
    wb = _book(template_xlsx(NATIONAL, 2024))
    ws = wb[SHEET]
    ws["B3"], ws["B4"], ws["B5"] = "干部培训", "深圳市某区人力资源局", "张三"
    fr, _ = _find(ws, "年度资金总额")
    for row in (fr, fr + 1):  # 年度资金总额 and 其中：当年财政拨款; over-executed, so the rate score is capped at 10
        ws[f"C{row}"], ws[f"D{row}"], ws[f"E{row}"] = 100, 80, 81.2345
    first, _ = _find(ws, "产出(50分)")
    for n, (weight, score) in enumerate([(20, 20), (30, 35), (20, 12.5), (20, None)]):  # 35 over its weight counts 30
        ws[f"D{first + n}"], ws[f"G{first + n}"], ws[f"H{first + n}"] = f"指标{n + 1}名称", weight, score
    filled = src / "template_filled.xlsx"
    wb.save(filled)
    files.append(filled)
    out = convert(files, "xlsx", tmp_path_factory.mktemp("recomputed"), recalc=True)
    sheets = {p.stem: openpyxl.load_workbook(p, data_only=True)[SHEET] for p in out}
    return {"results": results, "sheets": sheets, "files": {p.stem: p for p in out}}


def _derived(ws) -> dict[str, Decimal | None]:
    fr, _ = _find(ws, "年度资金总额")
    out = {"rate": _num(ws[f"G{fr}"].value), "rate_score": _num(ws[f"H{fr}"].value)}
    try:
        t, _ = _find(ws, "总分")
    except AssertionError:
        return out
    out |= {"total_weight": _num(ws[f"G{t}"].value), "total": _num(ws[f"H{t}"].value)}
    return out


@needs_office
def test_libreoffice_recomputes_every_seed_form_to_jixiao_numbers(recomputed: dict) -> None:
    assert len(recomputed["results"]) == 37
    for stem, r in recomputed["results"].items():
        got, rec = _derived(recomputed["sheets"][stem]), r.recomputed
        assert got["rate"] == round_half_up(rec.rate, 2), stem
        assert abs(got["rate_score"] - rec.rate_score) <= Decimal("0.01"), stem
        if "total" in got:
            assert abs(got["total"] - round_half_up(rec.total, 2)) <= Decimal("0.01"), stem


@needs_office
def test_libreoffice_values_equal_the_seeds_printed_values(recomputed: dict) -> None:
    compared = {"rate": 0, "rate_score": 0, "total": 0}
    for stem, r in recomputed["results"].items():
        got, ev = _derived(recomputed["sheets"][stem]), r.ev
        codes = {f.code for f in r.findings}
        printed = {"rate": ev.funds.total.rate, "rate_score": ev.funds.total.score,
                   "total": ev.total.score if ev.total else None}
        # A value is compared unless jixiao finds it (or, for 总分, the rate score it adds up) printed wrong.
        wrong = {"rate": {"rate-mismatch"}, "rate_score": {"rate-score-mismatch"},
                 "total": {"total-mismatch", "rate-score-mismatch"}}
        for key, value in printed.items():
            if value is None or wrong[key] & codes:
                continue
            assert _close(value, got[key]), (stem, key, value, got[key])
            compared[key] += 1
        if ev.total is not None and ev.total.weight is not None:
            assert got["total_weight"] == ev.total.weight, stem
    assert compared["rate"] >= 35 and compared["rate_score"] >= 33 and compared["total"] >= 30, compared


@needs_office
def test_libreoffice_recomputes_a_wrong_printed_rate_instead_of_keeping_it(recomputed: dict) -> None:
    # 004 form 5 prints 执行率 100% and 得分 10 for 52.48 of 55.92 万元: the formula must say 93.85 / 9.38.
    got = _derived(recomputed["sheets"]["004_04"])
    assert (got["rate"], got["rate_score"]) == (Decimal("93.85"), Decimal("9.38"))


@needs_office
def test_filled_template_computes_capped_scores_and_totals(recomputed: dict) -> None:
    got = _derived(recomputed["sheets"]["template_filled"])
    assert got["rate"] == Decimal("101.54")  # 81.2345 / 80
    assert got["rate_score"] == Decimal(10)  # capped at the weight
    assert got["total_weight"] == Decimal(100)  # 10 + 20 + 30 + 20 + 20
    assert got["total"] == Decimal("72.5")  # 10 + 20 + min(35, 30) + 12.5



@needs_office
def test_a_filled_template_saved_by_libreoffice_imports_and_checks(recomputed: dict) -> None:
    """The filer's path: fill the template, save it (LibreOffice here, Excel alike), import it into jixiao."""
    doc = read_path(recomputed["files"]["template_filled"])
    (ev,) = doc.evaluations
    assert (ev.project.name, ev.project.department, ev.year, ev.money_unit) == ("干部培训", "深圳市某区人力资源局", 2024, "万元")
    assert ev.funds.total.rate == Decimal("101.54") and ev.funds.total.score == 10
    assert [(i.level1, i.level2, i.name) for i in ev.indicators[:2]] == [
        ("产出", "数量", "指标1名称"), ("产出", "数量", "指标2名称")]
    assert ev.total.score == Decimal("72.5") and ev.remarks.startswith("白色单元格为填报项")
    assert not doc.warnings
    findings = {f.code: f for r in check_document(doc).results for f in r.findings}
    assert not {"rate-mismatch", "rate-score-mismatch", "funds-breakdown-mismatch"} & set(findings)
    # The 35 typed over a weight of 30 (Excel's validation refuses it; openpyxl does not ask): reported, and the
    # template's 总分 counts it as 30 (rules.md §9), which is right: no total-mismatch (issue 11).
    assert findings["score-over-weight"].found == "35"
    assert "total-mismatch" not in findings


def test_a_form_without_funds_totals_its_indicators_alone() -> None:
    funds_labels = ("资金使用情况", "年初预算数", "资金总额", "财政拨款", "上年结转", "其他资金")
    text = "\n".join(line for line in Form().text().split("\n") if not any(k in line for k in funds_labels))
    ev = read_bytes(text.encode("utf-8"), "form.txt").evaluations[0]
    assert ev.funds.total is None
    data = form_xlsx(ev, NATIONAL)
    ws = _book(data)[SHEET]
    t, _ = _find(ws, "总分")
    assert ws[f"G{t}"].value.startswith("=SUM(G") and "N(H" not in ws[f"H{t}"].value
    again = read_bytes(data, "form.xlsx").evaluations[0]
    assert again.funds.total is None and again.total.score == ev.total.score
    assert [i.score for i in again.indicators] == [i.score for i in ev.indicators]
