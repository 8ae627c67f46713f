"""The zoo: national 项目支出绩效自评表 in the cell geometries published forms vary in (issue 10 item 4).

A seeded random choice of variants builds each form as paragraphs and one table with merged
cells (tests/fixtures/make_fixtures.Block); the same blocks are written with the real libraries
as xlsx (openpyxl), docx (python-docx), HTML, CSV, and PDF printed by LibreOffice from the docx.
Each form's golden values are the generator's own numbers, as the form prints them normalized
("1,300,000.00" → "1300000.00", "95.12%" → "95.12"), never jixiao's reading of them. A form may
carry one planted arithmetic error, named in its golden.

Usage: python -m tests.zoo.generate OUTDIR [--seed N] [--files N]
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Callable

from tests.fixtures.make_fixtures import Block, write_csv, write_docx, write_html, write_xlsx

Q2 = Decimal("0.01")
TITLE = "项目支出绩效自评表"
# (level 1, its weight, its level 2 names)
LEVELS = (("产出", 50, ("数量指标", "质量指标", "时效指标", "成本指标")),
          ("效益", 30, ("社会效益指标", "可持续影响指标")),
          ("满意度", 10, ("服务对象满意度指标",)))
NAMES = ("培训人次", "宣传册印制数量", "验收合格率", "完成及时率", "成本控制率", "群众知晓率", "政策覆盖率",
         "长效机制建立", "服务对象满意度", "设备完好率", "活动场次", "资金拨付及时率")
PLANTS = ("total-mismatch", "rate-mismatch", "rate-score-mismatch")


def q2(d: Decimal) -> Decimal:
    return d.quantize(Q2, rounding=ROUND_HALF_UP)


@dataclass
class Variant:
    """Which geometry a form is drawn in; every field is one of the variations issue 10 lists."""

    label_span: int = 1  # header label cells spanning 1–3 columns
    pairs_per_row: int = 2  # header laid out as one label/value pair per row or two
    code: bool = True  # 项目编码 printed
    year_at: str = "header"  # "header" (绩效自评年度 row), "under" ("(2023年度)" under the title), "title"
    money_merged: bool = True  # 项目资金（万元） merged down over the funds rows, or alone in its row
    spacer: bool = False  # an empty column between the row labels and the first amount
    letters: bool = False  # column labels with （A）/（B）/（B/A）/(%)
    rate_style: str = "%2"  # "%2" 95.12%, "2" 95.12, "%1" 95.1%
    sub_blank: str = "—"  # what sub-rows print under 分值/执行率/得分: —, /, "", or 0 (then their own 执行率)
    thousands: bool = False
    unit: str = "万元"
    level1_style: str = "merged"  # "merged", "filled" (repeated down), "first" (first row only, no merge)
    level1_points: str = "产出指标(50分)"  # or "产出(50分)"
    prefixes: bool = False  # "指标1：" before each name, plus an unfilled placeholder row
    section_column: bool = True  # the leftmost 绩效指标 column
    note_column: bool = True  # 偏差原因分析及改进措施
    total_span: int = 4  # 总分 label over 3–6 columns
    total_weight: bool = True
    attachment: bool = False  # "附件1：" above the title
    unit_line: bool = False  # "单位：万元" above the title
    spacer_rows: bool = False  # empty rows between parts
    page_split: bool = False  # rows tall enough that the printed table breaks over two pages inside its indicators


@dataclass
class Golden:
    """What the form says, normalized as the JSON contract gives it."""

    year: int
    project: dict[str, str | None]
    money_unit: str
    funds: dict[str, dict[str, str | None]]
    goals: dict[str, str]
    indicators: list[dict[str, str | None]]
    total: dict[str, str | None]
    planted: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"year": self.year, "project": self.project, "money_unit": self.money_unit, "funds": self.funds,
                "goals": self.goals, "indicators": self.indicators, "total": self.total, "planted": self.planted}


@dataclass
class Form:
    variant: Variant
    golden: Golden
    blocks: list[Block] = field(default_factory=list)


def choose_variant(rng: random.Random) -> Variant:
    return Variant(
        label_span=rng.choice((1, 2, 3)), pairs_per_row=rng.choice((1, 2)), code=rng.random() < 0.7,
        year_at=rng.choice(("header", "under", "title")), money_merged=rng.random() < 0.5, spacer=rng.random() < 0.3,
        letters=rng.random() < 0.4, rate_style=rng.choice(("%2", "2", "%1")), sub_blank=rng.choice(("—", "/", "", "0")),
        thousands=rng.random() < 0.3, unit=rng.choice(("元", "万元")),
        level1_style=rng.choice(("merged", "filled", "first")), level1_points=rng.choice(("{l}指标({w}分)", "{l}({w}分)")),
        prefixes=rng.random() < 0.3, section_column=rng.random() < 0.7, note_column=rng.random() < 0.7,
        total_span=rng.choice((3, 4, 5, 6)), total_weight=rng.random() < 0.7, attachment=rng.random() < 0.4,
        unit_line=rng.random() < 0.3, spacer_rows=rng.random() < 0.3)


# ----------------------------------------------------------------- values
def _amount(v: Decimal, variant: Variant) -> str:
    text = f"{v:.2f}"
    if variant.thousands:
        whole, frac = text.split(".")
        text = f"{int(whole):,}.{frac}"
    return text


def _rate(executed: Decimal, budget: Decimal, variant: Variant) -> tuple[str, Decimal]:
    """The printed rate and the value the contract gives ("95.12%" → 95.12)."""
    places = 1 if variant.rate_style == "%1" else 2
    value = (executed / budget * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return (f"{value}%" if variant.rate_style.startswith("%") else f"{value}"), value


def make_form(rng: random.Random, n: int, variant: Variant, plant: str | None) -> Form:
    golden, rate_text = make_golden(rng, n, variant, plant)
    form = Form(variant, golden)
    form.blocks = draw(form, rate_text)
    return form


def make_golden(rng: random.Random, n: int, variant: Variant, plant: str | None) -> tuple[Golden, str]:
    """A national form's values, and its 执行率 as printed."""
    year = rng.choice((2022, 2023, 2024))
    scale = Decimal(10000) if variant.unit == "元" else Decimal(1)
    full_year = Decimal(rng.randrange(50, 900)) * scale / Decimal(1) + Decimal(rng.randrange(0, 100)) / 100
    initial = full_year if rng.random() < 0.5 else q2(full_year * Decimal(rng.choice(("0.8", "0.9", "1"))))
    executed = q2(full_year * Decimal(rng.randrange(880, 1000)) / 1000)
    carry = q2(full_year * Decimal(rng.choice(("0", "0.1", "0.2"))))
    appro_full, appro_exec = full_year - carry, q2(executed - carry) if executed > carry else executed
    carry_exec = executed - appro_exec
    rate_text, rate = _rate(executed, full_year, variant)
    funds_weight = Decimal(10)
    funds_score = min(q2(rate / 100 * funds_weight), funds_weight)
    if plant == "rate-mismatch":
        rate_text, rate = (f"{rate + 3}%" if variant.rate_style.startswith("%") else f"{rate + 3}"), rate + 3
    if plant == "rate-score-mismatch":
        funds_score = funds_weight if funds_score < funds_weight - 1 else funds_score - Decimal(2)
    # Indicators: two or three per level 2 group, weights summing to the level's points.
    inds: list[dict[str, str | None]] = []
    names = iter(rng.sample(NAMES, len(NAMES)))
    for level1, points, level2s in LEVELS:
        groups = level2s[:rng.randint(1, len(level2s))]
        count = len(groups) + rng.randint(0, 1)
        weights = [Decimal(points // count)] * count
        weights[0] += points - sum(weights)
        for k, w in enumerate(weights):
            name = next(names)
            lost = rng.random() < 0.3
            score = w - Decimal(rng.choice((1, 2))) if lost and w > 2 else w
            target, actual = rng.choice((("≥95%", "98%"), ("100%", "100%"), ("≥1000人次", "1200人次"),
                                         ("按时完成", "按时完成"), ("≥90%", "93.5%")))
            inds.append({"level1": level1, "level2": groups[k % len(groups)].removesuffix("指标"), "name": name,
                         "target": target,
                         "actual": actual, "weight": str(w), "score": str(score),
                         "note": "部分任务延后，下年度加强督导" if score < w and variant.note_column else None})
    total_score = funds_score + sum(Decimal(i["score"]) for i in inds)  # type: ignore[arg-type]
    if plant == "total-mismatch":
        total_score += 3
    code = f"{rng.randrange(10**17, 10**18)}" if variant.code else None
    golden = Golden(
        year=year,
        project={"code": code, "name": f"测试项目{n}号经费", "department": "某市某局", "implementing_unit": f"某市某中心{n}",
                 "manager": "张三", "phone": "0551-6800" + str(1000 + n)},
        money_unit=variant.unit,
        funds={
            "total": {"initial": f"{initial:.2f}", "full_year": f"{full_year:.2f}", "executed": f"{executed:.2f}",
                      "weight": "10", "rate": str(rate), "score": str(funds_score)},
            "appropriation": sub_golden(variant, appro_full, appro_exec)
            | {"initial": f"{initial:.2f}", "full_year": f"{appro_full:.2f}", "executed": f"{appro_exec:.2f}"},
            "carryover": sub_golden(variant, carry, carry_exec)
            | {"initial": "0.00", "full_year": f"{carry:.2f}", "executed": f"{carry_exec:.2f}"},
            "other": sub_golden(variant, Decimal(0), Decimal(0)) | {"initial": "0.00", "full_year": "0.00", "executed": "0.00"}},
        goals={"expected": f"完成测试项目{n}号年度任务，保障工作正常开展。", "achieved": f"已完成测试项目{n}号年度任务。"},
        indicators=inds,
        total={"weight": "100" if variant.total_weight else None, "score": str(total_score)},
        planted=plant,
    )
    return golden, rate_text


def sub_golden(variant: Variant, budget: Decimal, spent: Decimal) -> dict[str, str | None]:
    """A funds sub-row's 分值, 执行率 and 得分: blank (—, /) or, where sub-rows print 0, 0 and their own rate."""
    sub: dict[str, str | None] = {"initial": None, "full_year": None, "executed": None, "weight": None, "rate": None,
                                  "score": None}
    if variant.sub_blank != "0":
        return sub
    return sub | {"weight": "0", "rate": str(_rate(spent, budget, variant)[1]) if budget else None, "score": "0"}


# ----------------------------------------------------------------- drawing
class Table:
    """Rows of a fixed width with merges, as make_fixtures.Block holds them."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[list[str]] = []
        self.merges: dict[tuple[int, int], tuple[int, int]] = {}
        self.covered: set[tuple[int, int]] = set()

    def row(self) -> int:
        self.rows.append([""] * self.width)
        return len(self.rows) - 1

    def put(self, r: int, c: int, text: str, cols: int = 1, rows: int = 1) -> None:
        self.rows[r][c] = text
        if cols > 1 or rows > 1:
            self.merges[(r, c)] = (rows, cols)
            self.covered |= {(r + i, c + j) for i in range(rows) for j in range(cols) if i or j}

    def pairs(self, pairs: list[tuple[str, str | None]], span: int, per: int) -> None:
        """Header rows of ``per`` label/value pairs each: a label over ``span`` columns, its value to the next
        pair's label (the last to the table's edge)."""
        cell = self.width // per
        for k in range(0, len(pairs), per):
            r = self.row()
            for j, (label, value) in enumerate(pairs[k:k + per]):
                c = j * cell
                self.put(r, c, label, cols=span)
                self.put(r, c + span, value or "", cols=(cell if j + 1 < per else self.width - c) - span)

    def block(self) -> Block:
        return Block("table", self.rows, self.merges, self.covered)


FUND_ROWS = (("total", "年度资金总额"), ("appropriation", "其中：当年财政拨款"), ("carryover", "上年结转资金"),
             ("other", "其他资金"))


@dataclass(frozen=True)
class Printing:
    """The labels a national-shaped form prints: the department-wide form changes these and keeps the geometry."""

    title: str = TITLE
    money: str = "项目资金（{unit}）"
    fund_rows: tuple[tuple[str, str], ...] = FUND_ROWS
    section: str = "绩效指标"
    header: Callable[[Table, Variant, Golden], None] | None = None  # None: the national header


def draw(form: Form, rate_text: str, printing: Printing = Printing()) -> list[Block]:
    v, g = form.variant, form.golden
    title = printing.title
    paras: list[list[str]] = []
    if v.attachment:
        paras.append(["附件1："])
    if v.unit_line:
        paras.append([f"单位：{v.unit}"])
    paras.append([f"{g.year}年度{title}" if v.year_at == "title" else title])
    if v.year_at == "under":
        paras.append([f"（{g.year}年度）"])
    lead = 1 if v.section_column else 0  # the 绩效指标 / 项目资金 column
    ind_cols = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"] + (
        ["偏差原因分析及改进措施"] if v.note_column else [])
    fund_first = 1 + min(v.label_span, 2) + (1 if v.spacer else 0)
    width = max(lead + len(ind_cols), fund_first + 6, 2 * (v.label_span + 2))
    t = Table(width)
    (printing.header or header)(t, v, g)
    spacer_row(t, v)
    funds(t, v, g, rate_text, fund_first, printing)
    spacer_row(t, v)
    goals(t, v, g)
    spacer_row(t, v)
    weight_col = indicators(t, v, g, lead, ind_cols, printing.section)
    spacer_row(t, v)
    r = t.row()
    t.put(r, 0, "总分", cols=min(v.total_span, weight_col))
    if v.total_weight:
        t.put(r, weight_col, g.total["weight"] or "")
    t.put(r, weight_col + 1, g.total["score"] or "")
    return [Block("para", paras), t.block()]


def spacer_row(t: Table, v: Variant) -> None:
    if v.spacer_rows:
        t.row()


def header(t: Table, v: Variant, g: Golden) -> None:
    p = g.project
    pairs = [("项目名称", p["name"]), ("主管部门", p["department"]), ("实施单位", p["implementing_unit"]),
             ("项目负责人", p["manager"]), ("联系电话", p["phone"])]
    if v.code:
        pairs.insert(0, ("项目编码", p["code"]))
    if v.year_at == "header":
        pairs.insert(0, ("绩效自评年度", f"{g.year}年"))
    t.pairs(pairs, v.label_span, v.pairs_per_row)


def funds(t: Table, v: Variant, g: Golden, rate_text: str, first: int, printing: Printing) -> None:
    """项目资金 in column A, merged down or alone in the header row; row labels 1–2 columns wide; maybe a spacer."""
    span = min(v.label_span, 2)
    letters = v.letters
    labels = ["年初预算数", "全年预算数（A）" if letters else "全年预算数", "全年执行数（B）" if letters else "全年执行数",
              "分值", "执行率（B/A）" if letters else "执行率(%)", "得分"]
    money = printing.money.format(unit=v.unit)
    r0 = t.row()
    if v.money_merged:
        t.put(r0, 0, money, rows=len(printing.fund_rows) + 1)
    else:
        t.put(r0, 0, money, cols=1 + span)
    for k, label in enumerate(labels):
        t.put(r0, first + k, label)
    for kind, label in printing.fund_rows:
        r = t.row()
        f = g.funds[kind]
        if v.money_merged:
            t.put(r, 1, label, cols=span)
        else:
            t.put(r, 0, label, cols=1 + span)
        for k, fld in enumerate(("initial", "full_year", "executed")):
            amount = Decimal(f[fld])  # type: ignore[arg-type]
            t.put(r, first + k, _amount(amount, v))
        if kind == "total":
            t.put(r, first + 3, f["weight"] or "")
            t.put(r, first + 4, rate_text)
            t.put(r, first + 5, f["score"] or "")
        elif v.sub_blank == "0":
            budget, spent = Decimal(f["full_year"] or 0), Decimal(f["executed"] or 0)
            t.put(r, first + 3, "0")
            t.put(r, first + 4, _rate(spent, budget, v)[0] if budget else "")
            t.put(r, first + 5, "0")
        else:
            for k in (3, 4, 5):
                t.put(r, first + k, v.sub_blank)


def goals(t: Table, v: Variant, g: Golden) -> None:
    half = (t.width - 1) // 2
    r = t.row()
    t.put(r, 0, "年度总体目标", rows=2)
    t.put(r, 1, "预期目标", cols=half)
    t.put(r, 1 + half, "实际完成情况", cols=t.width - 1 - half)
    r = t.row()
    t.put(r, 1, g.goals["expected"], cols=half)
    t.put(r, 1 + half, g.goals["achieved"], cols=t.width - 1 - half)


def indicators(t: Table, v: Variant, g: Golden, lead: int, cols: list[str], section: str = "绩效指标") -> int:
    """The indicator table; returns the 分值 column."""
    inds = g.indicators
    rows = len(inds) + (1 if v.prefixes else 0)
    r0 = t.row()
    if lead:
        t.put(r0, 0, section, rows=rows + 1)
    for k, label in enumerate(cols):
        t.put(r0, lead + k, label)
    weights = {level1: points for level1, points, _ in LEVELS}
    shown: list[dict[str, str | None]] = list(inds)
    if v.prefixes:
        shown = shown + [{"level1": "满意度", "level2": "服务对象满意度", "name": f"指标{len(inds) + 1}：", "target": None,
                          "actual": None, "weight": None, "score": None, "note": None}]
    start: dict[str, int] = {}
    for n, ind in enumerate(shown):
        r = t.row()
        level1 = ind["level1"] or ""
        level1_text = v.level1_points.format(l=level1, w=weights[level1])
        first_of_level = level1 not in start
        if first_of_level:
            start[level1] = r
        if v.level1_style == "filled" or first_of_level:
            t.put(r, lead, level1_text)
        t.put(r, lead + 1, f"{ind['level2']}指标")
        name = ind["name"] or ""
        t.put(r, lead + 2, f"指标{n + 1}：{name}" if v.prefixes and ind["target"] else name)
        for k, fld in enumerate(("target", "actual", "weight", "score"), start=3):
            t.put(r, lead + k, ind[fld] or "")
        if v.note_column:
            t.put(r, lead + 7, ind["note"] or "")
    if v.level1_style == "merged":
        ends = sorted(start.values()) + [r0 + 1 + rows]
        for a, b in zip(ends, ends[1:]):
            text = t.rows[a][lead]
            t.rows[a][lead] = ""
            t.put(a, lead, text, rows=b - a)
    return lead + 5


def expected_indicators(form: Form) -> list[dict[str, str | None]]:
    """The indicators as read: names without their "指标N：" prefix; the placeholder row is an indicator too."""
    out = [dict(i) for i in form.golden.indicators]
    if form.variant.prefixes:
        out = [i | {"name": f"指标{n + 1}：{i['name']}"} for n, i in enumerate(out)]
        out.append({"level1": "满意度", "level2": "服务对象满意度", "name": f"指标{len(out) + 1}：", "target": None,
                    "actual": None, "weight": None, "score": None, "note": None})
    return out


# ----------------------------------------------------------------- files
FORMATS = ("xlsx", "docx", "html", "csv", "pdf")
# The page a landscape A4 at 1.5 cm margins leaves a table, the title lines above it (8 pt Noto and Word's
# spacing), in cm: what the row height is measured against so that the page ends inside the indicators.
PAGE_CM, LINE_CM = 18.0, 0.6


def split_pages(form: Form) -> None:
    """Rows made tall (as published forms with roomy rows are) so the PDF's first page ends in the middle of
    the indicator table: between its header and its 总分 row, a merged 一级指标 or 绩效指标 cut in two."""
    paras = sum(len(b.rows) for b in form.blocks if b.kind == "para")
    table = next(b for b in form.blocks if b.kind == "table")
    head = next(r for r, row in enumerate(table.rows) if "一级指标" in row)
    middle = (head + len(table.rows)) / 2
    table.row_height = round((PAGE_CM - paras * LINE_CM) / middle, 2)
    form.variant.page_split = True


def make_files(seed: int, count: int) -> list[list[Form]]:
    """``count`` files of one to three forms each, national or (one in four) Sichuan, then ``count // 4`` (at least
    one) of Chongqing's or department-wide forms; about one form in three has a planted error. The files after
    ``count`` are drawn apart, so the first ``count`` of a seed stay the forms they always were."""
    from . import chongqing, department, sichuan

    rng = random.Random(seed)
    files: list[list[Form]] = []
    n = 0
    for _ in range(count):
        forms = []
        provincial = rng.random() < 0.25  # a Sichuan file; several forms of one template per file
        for _ in range(rng.choice((1, 1, 2, 3))):
            n += 1
            if provincial:
                forms.append(sichuan.make_form(rng, n, sichuan.choose(rng), "total-mismatch" if rng.random() < 0.3 else None))
                continue
            plant = rng.choice(PLANTS) if rng.random() < 0.35 else None
            forms.append(make_form(rng, n, choose_variant(rng), plant))
        # Drawn apart from the forms' own choices, which stay as they were: the first form of one file in two
        # breaks over a page inside its indicators (the next forms of a file start where it ends, anywhere).
        if random.Random(f"{seed}:{len(files)}").random() < 0.5:
            split_pages(forms[0])
        files.append(forms)
    rng = random.Random(f"{seed}:templates")
    for k in range(max(1, count // 4)):
        forms = []
        for _ in range(rng.choice((1, 1, 2))):
            n += 1
            if k % 2 == 0:  # one in three a 部门整体 form, drawn apart so that the project forms stay as they were
                whole = random.Random(f"{seed}:whole:{n}").random() < 0.3
                forms.append(chongqing.make_form(rng, n, chongqing.choose(rng, whole),
                                                 rng.choice(chongqing.PLANTS) if rng.random() < 0.35 else None))
            else:
                forms.append(department.make_form(rng, n, department.choose(rng),
                                                  rng.choice(PLANTS) if rng.random() < 0.35 else None))
        files.append(forms)
    return files


def write_all(files: list[list[Form]], out: Path, pdf: bool = True) -> dict[str, list[Path]]:
    """Every file in every format; the PDFs in one LibreOffice run. Returns the paths per format."""
    from jixiao.office import convert

    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, list[Path]] = {f: [] for f in FORMATS}
    for k, forms in enumerate(files):
        stem = f"zoo{k:02d}"
        blocks = [b for form in forms for b in form.blocks]
        write_xlsx(stem, blocks, out / f"{stem}.xlsx")
        write_docx(blocks, out / f"{stem}.docx", rows_split=k % 2 == 1)  # Word's default lets a row break
        write_html(stem, blocks, out / f"{stem}.html")
        write_csv(stem, blocks, out / f"{stem}.csv")
        for fmt in ("xlsx", "docx", "html", "csv"):
            paths[fmt].append(out / f"{stem}.{fmt}")
    if pdf:
        paths["pdf"] = convert(paths["docx"], "pdf", out / "pdf")
    else:
        paths.pop("pdf")
    return paths


def zoo_arguments() -> tuple[Path, list[list[Form]]]:
    """OUTDIR [--seed N] [--files N] of the zoo's scripts: where to write, and the files to write there."""
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--files", type=int, default=8)
    args = ap.parse_args()
    return args.out, make_files(args.seed, args.files)


def main() -> None:
    out, files = zoo_arguments()
    paths = write_all(files, out)
    print({k: len(v) for k, v in paths.items()}, sum(len(f) for f in files), "forms")


if __name__ == "__main__":
    main()
