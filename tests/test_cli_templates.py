"""``jixiao template`` for every registered template: each writes its own form (xlsx and docx), a filer fills it
in (openpyxl / python-docx, finding the cells by their printed labels as a person would), and reading it back
gives what was filled in; LibreOffice recomputes the grey cells of the filled xlsx to the rule's numbers.

The filled values and what they read back as are written here by hand (the 指标值 of a Sichuan form joins its
指标性质 and 度量单位: "≥" "120" "万人次" reads as "≥120万人次")."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

from jixiao.contract import check_json
from jixiao.export.json import evaluation_json
from jixiao.ingest.recognize import read_bytes, read_path
from jixiao.office import convert, soffice
from jixiao.pipeline import check_document
from jixiao.templates import TEMPLATES

from .conftest import jixiao_cmd

needs_office = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) 未安装：scripts/setup-system.sh 安装它")


@dataclass
class Fill:
    """What a filer types, by printed label, and what the form then reads as (JSON paths of evaluation@1)."""

    header: dict[str, str]
    funds: dict[tuple[str, str], object]  # (row label, column label) → value
    goals: dict[str, str]
    indicator_header: str  # a label of the indicator header row
    indicators: list[dict[str, object]]  # column label → value, one dict per row from the first
    texts: dict[str, str] = field(default_factory=dict)
    expected: dict[str, object] = field(default_factory=dict)
    computed: dict[str, object] = field(default_factory=dict)  # grey cells after LibreOffice recomputes


FILLS = {
    "national": Fill(
        header={"项目名称": "干部培训", "项目编码": "4403002024001", "主管部门": "深圳市某区人力资源局",
                "实施单位": "某区干部培训中心", "项目负责人": "张三", "联系电话": "0755-12345678"},
        funds={("年度资金总额", "年初预算数"): 100, ("年度资金总额", "全年预算数"): 80, ("年度资金总额", "全年执行数"): 76,
               ("其中：当年财政拨款", "年初预算数"): 100, ("其中：当年财政拨款", "全年预算数"): 80,
               ("其中：当年财政拨款", "全年执行数"): 76},
        goals={"预期目标": "全年培训干部500人次。", "实际完成情况": "全年培训干部520人次。"},
        indicator_header="三级指标",
        indicators=[{"三级指标": "培训人次", "年度指标值": "≥500人次", "实际完成值": "520人次", "分值": 30, "得分": 30},
                    {"三级指标": "培训合格率", "年度指标值": "≥95%", "实际完成值": "达成", "分值": 20, "得分": 18,
                     "偏差原因分析及改进措施": "个别学员补考"}],
        texts={"备注": "无"},
        expected={"template": "national", "year": 2024, "project.name": "干部培训", "project.code": "4403002024001",
                  "project.department": "深圳市某区人力资源局", "project.implementing_unit": "某区干部培训中心",
                  "project.manager": "张三", "project.phone": "0755-12345678", "money_unit": "万元",
                  "funds.total.full_year": "80", "funds.total.executed": "76", "funds.appropriation.initial": "100",
                  "goals.achieved": "全年培训干部520人次。", "indicators[0].level1": "产出",
                  "indicators[0].level2": "数量", "indicators[0].target": "≥500人次", "indicators[1].actual": "达成",
                  "indicators[1].score": "18", "indicators[1].note": "个别学员补考", "remarks": "无",
                  "indicator_count": 2},
        # 76 / 80 = 95 %, 9.5 of 10 points; 10 + 30 + 20 = 60 points; 9.5 + 30 + 18.
        computed={"funds.total.rate": "95", "funds.total.score": "9.5", "total.weight": "60", "total.score": "57.5"},
    ),
    "sichuan": Fill(
        header={"项目名称": "51000024T000000000001-省图书馆运行经费", "主管部门": "四川省文化和旅游厅",
                "实施单位(盖章)": "四川省图书馆"},
        funds={("总额", "年初预算"): 860, ("总额", "调整后预算数"): 900, ("总额", "预算执行数"): 810,
               ("其中:财政资金", "年初预算"): 860, ("其中:财政资金", "调整后预算数"): 880,
               ("其中:财政资金", "预算执行数"): 800, ("单位资金", "调整后预算数"): 20, ("单位资金", "预算执行数"): 10,
               ("单位资金", "原因"): "场地改造延期"},
        goals={"项目年度目标": "全年开放不少于300天。", "年度目标完成情况": "全年开放312天。"},
        indicator_header="指标性质",
        indicators=[{"三级指标": "年度接待读者人次", "指标性质": "≥", "指标值": "120", "度量单位": "万人次", "完成值": "136",
                     "权重": 50, "得分": 50},
                    {"三级指标": "公共文化服务覆盖面", "指标性质": "定性", "指标值": "持续扩大", "完成值": "达成",
                     "权重": 40, "得分": 40}],
        texts={"评价结论": "各项指标均已完成。", "存在问题": "场地改造款未付。", "改进措施": "按节点跟踪支付。",
               "项目负责人": "周某某", "财务负责人": "陈某某"},
        expected={"template": "sichuan", "year": 2024, "project.code": "51000024T000000000001",
                  "project.name": "省图书馆运行经费", "project.department": "四川省文化和旅游厅",
                  "project.implementing_unit": "四川省图书馆", "project.manager": "周某某",
                  "project.finance_manager": "陈某某", "money_unit": "万元", "funds.total.full_year": "900",
                  "funds.unit_funds.executed": "10", "funds.unit_funds.reason": "场地改造延期",
                  "goals.expected": "全年开放不少于300天。", "indicators[0].level1": "产出", "indicators[0].nature": "≥",
                  "indicators[0].target": "≥120万人次", "indicators[0].unit": "万人次", "indicators[1].nature": "定性",
                  "indicators[1].target": "持续扩大", "indicators[1].weight": "40", "conclusion": "各项指标均已完成。",
                  "problems": "场地改造款未付。", "improvements": "按节点跟踪支付。", "indicator_count": 2},
        # 预算执行率 over 调整后预算数: 810 / 900 = 90 %, each source its own; 9 of 10 points; 9 + 50 + 40.
        computed={"funds.total.rate": "90", "funds.appropriation.rate": "90.91", "funds.unit_funds.rate": "50",
                  "funds.total.score": "9", "total.weight": "100", "total.score": "99"},
    ),
    "chongqing": Fill(
        header={"项目名称": "城乡居民医保参保财政补助", "主管部门": "重庆市某区医疗保障局", "财政处室": "社会保障科",
                "联系人": "何某", "联系电话": "023-68801234"},
        funds={("年度资金总额", "年初预算数"): 2400, ("年度资金总额", "全年(调整)预算数"): 2500,
               ("年度资金总额", "全年执行数"): 2400, ("其中:财政拨款", "全年(调整)预算数"): 2500,
               ("其中:财政拨款", "全年执行数"): 2400},
        goals={"年初绩效目标": "资助12000人参保。", "全年(调整)绩效目标": "资助12500人参保。",
               "全年目标实际完成情况": "资助12860人参保。"},
        indicator_header="得分系数(%)",
        indicators=[{"指标名称": "资助参保人数", "计量单位": "人", "指标性质": "定量指标", "年初指标值": "≥12000",
                     "调整指标值": "≥12500", "全年完成值": "12860", "得分系数(%)": 100, "指标权重(分)": 50,
                     "是否核心指标": "是"},
                    {"指标名称": "医保政策知晓率", "计量单位": "%", "指标性质": "定量指标", "调整指标值": "≥85",
                     "全年完成值": "80", "得分系数(%)": 94.1, "指标权重(分)": 40, "是否核心指标": "否"}],
        texts={"存在问题": "知晓率偏低。", "改进措施": "加强宣传。"},
        expected={"template": "chongqing", "year": 2024, "project.name": "城乡居民医保参保财政补助",
                  "project.finance_office": "社会保障科", "project.manager": "何某", "funds.total.initial": "2400",
                  "funds.appropriation.executed": "2400", "goals.initial": "资助12000人参保。",
                  "goals.expected": "资助12500人参保。", "indicators[0].target_initial": "≥12000",
                  "indicators[0].target": "≥12500人", "indicators[0].coefficient": "100", "indicators[0].core": True,
                  "indicators[1].core": False, "indicators[1].weight": "40", "problems": "知晓率偏低。",
                  "indicator_count": 2},
        # 2400 / 2500 = 96 %, 9.6 of 10 points; 指标得分 = 系数 × 权重: 50, 94.1 % of 40 = 37.64; 9.6 + 50 + 37.64.
        computed={"funds.total.rate": "96", "funds.total.score": "9.6", "indicators[0].score": "50",
                  "indicators[1].score": "37.64", "total.score": "97.24"},
    ),
    "department": Fill(
        header={"部门(单位)名称": "四川省文化和旅游厅", "联系人": "吴某", "联系电话": "028-86101234"},
        funds={("年度资金总额", "年初预算数"): 36500, ("年度资金总额", "全年预算数"): 38000,
               ("年度资金总额", "全年执行数"): 38000, ("其中:基本支出", "全年预算数"): 21000,
               ("其中:基本支出", "全年执行数"): 21000, ("项目支出", "全年预算数"): 17000, ("项目支出", "全年执行数"): 17000},
        goals={"预期目标": "推进公共文化服务体系建设。", "实际完成情况": "2个示范区通过验收。"},
        indicator_header="三级指标",
        indicators=[{"二级指标": "重点工作完成", "三级指标": "组织重大文化活动场次", "年度指标值": "≥50场",
                     "实际完成值": "56场", "分值": 50, "得分": 50}],
        texts={"存在问题": "个别项目拨付偏慢。", "改进措施": "建立月调度机制。"},
        expected={"template": "department", "year": 2024, "project.department": "四川省文化和旅游厅",
                  "project.manager": "吴某", "funds.basic.full_year": "21000", "funds.project.executed": "17000",
                  "goals.expected": "推进公共文化服务体系建设。", "indicators[0].level1": "履职效能",
                  "indicators[0].level2": "重点工作完成", "indicators[0].target": "≥50场", "problems": "个别项目拨付偏慢。",
                  "improvements": "建立月调度机制。", "indicator_count": 1},
        computed={"funds.total.rate": "100", "funds.total.score": "10", "total.weight": "60", "total.score": "60"},
    ),
    "transfer": Fill(
        header={"转移支付(项目)名称": "就业补助资金", "地方主管部门": "淮南市人力资源和社会保障局",
                "资金使用单位": "淮南市田家庵区人力资源和社会保障局"},
        funds={("年度资金总额", "全年预算数(A)"): 808.1, ("年度资金总额", "全年执行数(B)"): 692.98,
               ("其中:中央财政资金", "全年预算数(A)"): 808.1, ("其中:中央财政资金", "全年执行数(B)"): 692.98},
        goals={"总体目标": "落实就业创业扶持政策。", "全年实际完成情况": "各项指标均按要求完成。"},
        indicator_header="三级指标",
        indicators=[{"三级指标": "职业培训人次", "指标值": "≥1000人次", "全年实际完成值": "1200人次"}],
        expected={"template": "transfer", "year": 2024, "project.name": "就业补助资金",
                  "project.department": "淮南市人力资源和社会保障局",
                  "project.implementing_unit": "淮南市田家庵区人力资源和社会保障局", "funds.central.full_year": "808.1",
                  "funds.total.executed": "692.98", "indicators[0].level1": "产出", "indicators[0].level2": "数量",
                  "indicators[0].actual": "1200人次", "indicator_count": 1},
        computed={"funds.total.rate": "85.75", "funds.central.rate": "85.75"},
    ),
}


class XlsxForm:
    def __init__(self, data: bytes) -> None:
        self.wb = openpyxl.load_workbook(io.BytesIO(data))
        self.ws = self.wb.worksheets[0]
        self.width = {(r.min_row, r.min_col): r.max_col - r.min_col + 1 for r in self.ws.merged_cells.ranges}

    def find(self, label: str, row: int | None = None) -> tuple[int, int]:
        """The first cell printing ``label`` (in ``row`` when given)."""
        for cells in self.ws.iter_rows(min_row=row or 1, max_row=row):
            for cell in cells:
                if cell.value == label:
                    return cell.row, cell.column
        raise AssertionError(f"no cell “{label}”")

    def right(self, r: int, c: int) -> tuple[int, int]:
        return r, c + self.width.get((r, c), 1)

    def set(self, r: int, c: int, value: object) -> None:
        self.ws.cell(r, c).value = value

    def data(self) -> bytes:
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()


class DocxForm:
    def __init__(self, data: bytes) -> None:
        self.doc = docx.Document(io.BytesIO(data))
        self.table = self.doc.tables[0]
        self.grid = [row.cells for row in self.table.rows]

    def find(self, label: str, row: int | None = None) -> tuple[int, int]:
        for r, cells in enumerate(self.grid):
            for c, cell in enumerate(cells):
                if cell.text == label and row in (None, r):
                    return r, c
        raise AssertionError(f"no cell “{label}”")

    def right(self, r: int, c: int) -> tuple[int, int]:
        me = self.grid[r][c]
        return r, next(j for j in range(c + 1, len(self.grid[r])) if self.grid[r][j]._tc is not me._tc)

    def set(self, r: int, c: int, value: object) -> None:
        self.grid[r][c].text = str(value)

    def data(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _fill(form: XlsxForm | DocxForm, fill: Fill) -> bytes:
    for label, value in {**fill.header, **fill.goals, **fill.texts}.items():
        r, c = form.find(label)
        if label in fill.goals:  # goals are typed under their label
            form.set(r + 1, c, value)
        else:
            form.set(*form.right(r, c), value)
    for (row_label, col_label), value in fill.funds.items():
        form.set(form.find(row_label)[0], form.find(col_label)[1], value)
    head, _ = form.find(fill.indicator_header)
    for n, values in enumerate(fill.indicators):
        for label, value in values.items():
            form.set(head + 1 + n, form.find(label, head)[1], value)
    return form.data()


def _at(obj: dict, path: str) -> object:
    for part in path.replace("[", ".").replace("]", "").split("."):
        obj = obj[int(part)] if isinstance(obj, list) else obj[part]  # type: ignore[index]
    return obj


def _written(template: str, suffix: str, tmp_path: Path, *extra: str) -> bytes:
    out = tmp_path / f"{template}{suffix}"
    proc = subprocess.run([*jixiao_cmd(), "template", "--template", template, "--year", "2024", "-o", str(out), *extra],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out.read_bytes()


def test_every_registered_template_has_a_filled_case() -> None:
    assert set(FILLS) == {name for name, t in TEMPLATES.items() if t.writes}


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize("template", sorted(FILLS))
def test_filled_template_reads_back_as_filled(template: str, suffix: str, tmp_path: Path) -> None:
    fill = FILLS[template]
    blank = _written(template, suffix, tmp_path)
    form = XlsxForm(blank) if suffix == ".xlsx" else DocxForm(blank)
    (ev,) = read_bytes(_fill(form, fill), f"filled{suffix}").evaluations
    got = evaluation_json(ev)
    for path, want in fill.expected.items():
        value = len(got["indicators"]) if path == "indicator_count" else _at(got, path)
        assert value == want, (template, suffix, path)
    # Nothing left to say about a form filled in its own template: no row shifted, no cell unplaced; only,
    # in xlsx, that its grey formulas (saved by openpyxl without results) were computed by jixiao.
    said = [n.zh() for n in ev.notes if n.code not in ("unit-inferred",)]
    if suffix == ".xlsx":
        [computed] = said
        assert "公式单元格没有保存计算结果" in computed and "已按公式算出" in computed
    else:
        assert not said


@pytest.mark.parametrize("template", sorted(FILLS))
def test_blank_template_reads_as_its_template_with_nothing_filled(template: str, tmp_path: Path) -> None:
    for suffix in (".xlsx", ".docx"):
        (ev,) = read_bytes(_written(template, suffix, tmp_path), f"blank{suffix}").evaluations
        assert ev.template == template and ev.year == 2024 and ev.indicators == [], (template, suffix)


def test_a_policy_writes_its_provinces_form(tmp_path: Path) -> None:
    """--policy sichuan writes Sichuan's form, scored by Sichuan's rule; a policy without a form (hubei) the national."""
    for policy, template in (("sichuan", "sichuan"), ("chongqing", "chongqing"), ("hubei", "national")):
        out = tmp_path / f"{policy}.xlsx"
        subprocess.run([*jixiao_cmd(), "template", "--policy", policy, "-o", str(out)], check=True, capture_output=True)
        assert read_path(out).evaluations[0].template == template, policy
        meta = dict(openpyxl.load_workbook(out)["元数据"].iter_rows(values_only=True))
        assert (meta["policy"], meta["template"]) == (policy, template)


@pytest.mark.parametrize("template", sorted(FILLS))
def test_grey_cells_locked_and_choices_offered(template: str, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(_written(template, ".xlsx", tmp_path)))
    ws = wb.worksheets[0]
    assert ws.protection.sheet and not ws.protection.password
    formulas = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas and all(c.protection.locked and c.fill.fgColor.rgb.endswith("D9D9D9") for c in formulas)
    lists = {dv.formula1.strip('"') for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert "达成,部分达成,未达成" in lists  # 定性 completion
    if template == "sichuan":
        assert "=,≥,≤,>,<,定性" in lists
    if template == "chongqing":
        assert {"定量指标,定性指标", "是,否"} <= lists
    head = next(c.row for row in ws.iter_rows() for c in row if c.value in ("三级指标", "指标名称"))
    # Room for the indicators of a real form (issue 14: the template had 15): at least 18 rows before the next part.
    rows_free = next((r for r in range(head + 1, ws.max_row + 1) if ws.cell(r, 1).value), ws.max_row + 1) - head - 1
    assert rows_free >= 18, rows_free


@needs_office
def test_libreoffice_computes_the_grey_cells_of_every_filled_template(tmp_path: Path) -> None:
    files = []
    for template, fill in FILLS.items():
        path = tmp_path / f"{template}.xlsx"
        path.write_bytes(_fill(XlsxForm(_written(template, ".xlsx", tmp_path)), fill))
        files.append(path)
    out = convert(files, "xlsx", tmp_path / "recomputed", recalc=True)
    for template, path in zip(FILLS, out):
        got = evaluation_json(read_path(path).evaluations[0])
        for key, want in FILLS[template].computed.items():
            value = _at(got, key)
            assert value is not None and Decimal(value) == Decimal(want), (template, key, value)


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_source_rows_left_blank_are_told_blank(suffix: str, tmp_path: Path) -> None:
    """rules.md §3 counts an empty sub-row as 0. A template filled by a script that skipped the three
    source rows gets the breakdown error per column, saying the rows are blank, not "= 0" as if read."""
    national = FILLS["national"]
    skipped = replace(national, funds={k: v for k, v in national.funds.items() if k[0] == "年度资金总额"})
    blank = _written("national", suffix, tmp_path)
    doc = read_bytes(_fill(XlsxForm(blank) if suffix == ".xlsx" else DocxForm(blank), skipped), f"filled{suffix}")
    [result] = check_document(doc).results
    hits = [f for f in result.findings if f.code == "funds-breakdown-mismatch"]
    assert [(h.field, h.expected, h.found) for h in hits] == [
        ("funds.total.initial", "0", "100"), ("funds.total.full_year", "0", "80"), ("funds.total.executed", "0", "76")]
    assert all("均未填写" in h.message for h in hits)
    # the 执行率 and 总分 shown are jixiao's results of the form's own formulas: the check@1 object says so
    computed = [w for w in check_json(result)["warnings"] if "已按公式算出" in w]
    assert len(computed) == (suffix == ".xlsx")
    # one source row filled short of the total: the plain sum, nothing said about blank rows
    short = replace(national, funds={**national.funds, ("其中：当年财政拨款", "全年执行数"): 70})
    doc = read_bytes(_fill(XlsxForm(blank) if suffix == ".xlsx" else DocxForm(blank), short), f"short{suffix}")
    [hit] = [f for f in check_document(doc).results[0].findings if f.code == "funds-breakdown-mismatch"]
    assert (hit.field, hit.expected, hit.found) == ("funds.total.executed", "70", "76") and "均未填写" not in hit.message
    # the total's 全年执行数 left blank under filled sources: the total counts as 0 and the message says it is blank
    no_total = replace(national, funds={k: v for k, v in national.funds.items() if k != ("年度资金总额", "全年执行数")})
    doc = read_bytes(_fill(XlsxForm(blank) if suffix == ".xlsx" else DocxForm(blank), no_total), f"no-total{suffix}")
    [hit] = [f for f in check_document(doc).results[0].findings if f.code == "funds-breakdown-mismatch"]
    assert (hit.field, hit.expected, hit.found) == ("funds.total.executed", "76", "0")
    assert hit.message.endswith("年度资金总额为0（未填写，按空为0计）"), hit.message
