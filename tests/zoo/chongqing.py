"""Chongqing's 项目绩效自评表 (T3, design/templates.md) for the zoo: 得分系数 × 指标权重, 自评总分 in the header; and
its 部门整体绩效自评表 (梁平区林业局's, real p006): the department heading it, no 得分系数 (指标名称 | 计量单位 |
指标性质 | 指标值 | 指标权重(分) | 全年完成值 | 指标得分(分) | 说明).

Varied: the year in the title or under it, header pairs two or three to a row, label cells over one or two columns,
财政处室 printed or not, 预算执行情况 merged down over the funds rows or alone in its row, a spacer column
before the amounts, sub-rows printing their own 执行率 or not, 元 or 万元, rates as 97.24% or 97.24, thousands
separators, 得分系数(%) or 得分系数, 是否核心指标 printed or not, the leftmost 绩效指标 column or none, several forms
per file. Goldens are the generator's numbers: 执行率得分 = 执行率 × 执行率权重, 指标得分 = 得分系数 × 指标权重,
自评总分 their sum.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from tests.fixtures.make_fixtures import Block

from .generate import Form, Golden, Table, Variant, _amount, _rate, q2

# (name, 计量单位, 指标性质, 年初指标值, 调整指标值, 全年完成值, 得分系数 when missed)
INDICATORS = (("资助参保人数", "人", "定量指标", "≥12000", "≥12500", "12860", None),
              ("补助资金按时拨付率", "%", "定量指标", "100", "100", "97.5", "97.5"),
              ("困难群众参保率", "%", "定量指标", "≥99", "≥99", "99.3", None),
              ("政策知晓率", "%", "定量指标", "≥85", "≥85", "80", "94.1"),
              ("群众就医负担", "", "定性指标", "有所减轻", "有所减轻", "有所减轻", None),
              ("参保群众满意度", "%", "定量指标", "≥90", "≥90", "91.2", None))
PLANTS = ("coefficient-score-mismatch", "total-mismatch", "rate-score-mismatch")
SOURCES = (("total", "年度资金总额"), ("appropriation", "其中：财政拨款"), ("carryover", "上年结转资金"),
           ("other", "其他资金"))


@dataclass
class ChongqingVariant(Variant):
    per_row: int = 3  # header label/value pairs in one row
    finance_office: bool = True
    sub_rates: bool = True  # sub-rows print their own 执行率
    percent_label: bool = True  # 得分系数(%)
    core_column: bool = True
    whole: bool = False  # the 部门整体绩效自评表


def choose(rng: random.Random, whole: bool = False) -> ChongqingVariant:
    return ChongqingVariant(
        label_span=rng.choice((1, 2)), per_row=rng.choice((2, 3)), year_at=rng.choice(("title", "under")),
        money_merged=rng.random() < 0.5, spacer=rng.random() < 0.3, unit=rng.choice(("元", "万元")),
        rate_style=rng.choice(("%2", "2")), thousands=rng.random() < 0.3, finance_office=rng.random() < 0.7,
        sub_rates=rng.random() < 0.5, percent_label=rng.random() < 0.5, core_column=rng.random() < 0.7,
        section_column=rng.random() < 0.7, whole=whole)


def make_form(rng: random.Random, n: int, v: ChongqingVariant, plant: str | None) -> Form:
    if v.whole and plant == "coefficient-score-mismatch":
        plant = "total-mismatch"  # the 部门整体 form prints no 得分系数 to check a score by
    year = rng.choice((2021, 2022, 2023))
    scale = Decimal(10000) if v.unit == "元" else Decimal(1)
    appro = Decimal(rng.randrange(200, 3000)) * scale
    carry = Decimal(rng.choice((0, 0, rng.randrange(10, 100)))) * scale
    budgets = {"appropriation": appro, "carryover": carry, "other": Decimal(0)}
    initial = {k: b if rng.random() < 0.5 else q2(b * Decimal("0.9")) for k, b in budgets.items()}
    spent = {k: q2(b * Decimal(rng.randrange(900, 1000)) / 1000) for k, b in budgets.items()}
    for d in (budgets, initial, spent):
        d["total"] = sum(d.values(), Decimal(0))
    rate_weight = Decimal(rng.choice((10, 20)))
    funds: dict[str, dict[str, str | None]] = {}
    shown: dict[str, str] = {}
    for kind, _ in SOURCES:
        b, s = budgets[kind], spent[kind]
        printed = kind == "total" or (v.sub_rates and b)
        text, rate = _rate(s, b, v) if b else ("", None)
        funds[kind] = {"initial": f"{initial[kind]:.2f}", "full_year": f"{b:.2f}", "executed": f"{s:.2f}",
                       "weight": None, "rate": str(rate) if printed and rate is not None else None, "score": None}
        shown[kind] = text if printed else ""
    rate_score = q2(Decimal(funds["total"]["rate"]) / 100 * rate_weight)  # type: ignore[arg-type]
    if plant == "rate-score-mismatch":
        rate_score += 2
    funds["total"] |= {"weight": str(rate_weight), "score": str(rate_score)}
    weights = _weights(rng, Decimal(100) - rate_weight, len(INDICATORS))
    inds: list[dict[str, str | None]] = []
    for k, ((name, unit, nature, initial_value, value, actual, missed), w) in enumerate(zip(INDICATORS, weights)):
        coefficient = Decimal(missed) if missed else Decimal(100)
        score = q2(coefficient * w / 100)
        if plant == "coefficient-score-mismatch" and k == len(INDICATORS) - 1:
            score -= 2
        if v.whole:
            inds.append({"name": name, "unit": unit or None, "nature": nature, "target": f"{value}{unit}",
                         "actual": actual, "weight": str(w), "score": _plain(score), "note": None})
            continue
        inds.append({"name": name, "unit": unit or None, "nature": nature, "target_initial": initial_value,
                     "target": f"{value}{unit}", "actual": actual, "coefficient": str(coefficient), "weight": str(w),
                     "score": _plain(score), "core": (k < 3) if v.core_column else None})
    total = rate_score + sum(Decimal(i["score"]) for i in inds)  # type: ignore[arg-type]
    if plant == "total-mismatch":
        total += 3
    office = {"finance_office": "社会保障科"} if v.finance_office and not v.whole else {}
    department = f"重庆市某区测试局{n}" if v.whole else "重庆市某区某局"
    golden = Golden(
        year=year,
        project={"code": None, "name": department if v.whole else f"重庆测试项目{n}号补助", "department": department,
                 "implementing_unit": None, "manager": "何某", "phone": f"023-6880{1000 + n}", **office},
        money_unit=v.unit, funds=funds,
        goals={"initial": f"重庆测试项目{n}号年初目标。", "expected": f"重庆测试项目{n}号调整后目标。",
               "achieved": f"重庆测试项目{n}号目标已完成。"},
        indicators=inds, total={"weight": None, "score": _plain(total)}, planted=plant)
    form = Form(v, golden)
    form.blocks = draw(v, golden, shown)
    return form


def _weights(rng: random.Random, points: Decimal, count: int) -> list[Decimal]:
    base = [Decimal(rng.choice((10, 15, 20))) for _ in range(count - 1)]
    while sum(base) >= points:
        base[base.index(max(base))] -= 5
    return base + [points - sum(base)]


def _plain(d: Decimal) -> str:
    """A score as a filer prints it: 20 for a whole 20.00, 14.63 otherwise."""
    return str(d.to_integral()) if d == d.to_integral() else str(d)


def draw(v: ChongqingVariant, g: Golden, rates: dict[str, str]) -> list[Block]:
    span = v.label_span
    lead = 1 if v.section_column else 0
    if v.whole:
        ind_cols = ["指标名称", "计量单位", "指标性质", "指标值", "指标权重(分)", "全年完成值", "指标得分(分)", "说明"]
    else:
        ind_cols = ["指标名称", "计量单位", "指标性质", "年初指标值", "调整指标值", "全年完成值",
                    "得分系数(%)" if v.percent_label else "得分系数", "指标权重(分)", "指标得分(分)"]
        ind_cols += ["是否核心指标"] if v.core_column else []
    first = 1 + span + (1 if v.spacer else 0)  # the first amount column
    width = max(lead + len(ind_cols), first + 6, v.per_row * (span + 2))
    title = "部门整体绩效自评表" if v.whole else "项目绩效自评表"
    paras = [[f"{g.year}年度{title}" if v.year_at == "title" else title]]
    if v.year_at == "under":
        paras.append([f"（{g.year}年度）"])
    t = Table(width)
    p = g.project
    if v.whole:
        pairs = [("主管部门", p["department"]), ("部门联系人", p["manager"]), ("联系电话", p["phone"]),
                 ("自评总分(分)", g.total["score"])]
    else:
        pairs = [("项目名称", p["name"]), ("主管部门", p["department"])]
        pairs += [("财政处室", p["finance_office"])] if v.finance_office else []
        pairs += [("自评总分(分)", g.total["score"]), ("联系人", p["manager"]), ("联系电话", p["phone"])]
    t.pairs(pairs, span, v.per_row)
    money = f"预算执行情况({v.unit})"
    r0 = t.row()
    if v.money_merged:
        t.put(r0, 0, money, rows=len(SOURCES) + 1)
    else:
        t.put(r0, 0, money, cols=first)
    rate_label = "执行率(%)" if not v.rate_style.startswith("%") else "执行率"
    for k, label in enumerate(("年初预算数", "全年(调整)预算数", "全年执行数", rate_label, "执行率权重", "执行率得分(分)")):
        t.put(r0, first + k, label)
    for kind, label in SOURCES:
        r = t.row()
        f = g.funds[kind]
        label = "年度总金额" if v.whole and kind == "total" else label
        lc, lspan = (1, span) if v.money_merged else (0, 1 + span)
        t.put(r, lc, label, cols=lspan)
        for k, fld in enumerate(("initial", "full_year", "executed")):
            t.put(r, first + k, _amount(Decimal(f[fld] or 0), v))
        t.put(r, first + 3, rates[kind])
        t.put(r, first + 4, f["weight"] or "")
        t.put(r, first + 5, f["score"] or "")
    third = (width - 1) // 3
    r = t.row()
    t.put(r, 0, "当年绩效目标", rows=2)
    for k, label in enumerate(("年初绩效目标", "全年(调整)绩效目标", "全年目标实际完成情况")):
        t.put(r, 1 + k * third, label, cols=third if k < 2 else width - 1 - 2 * third)
    r = t.row()
    for k, key in enumerate(("initial", "expected", "achieved")):
        t.put(r, 1 + k * third, g.goals[key], cols=third if k < 2 else width - 1 - 2 * third)
    r0 = t.row()
    if lead:
        t.put(r0, 0, "绩效指标", rows=len(g.indicators) + 1)
    for k, label in enumerate(ind_cols):
        t.put(r0, lead + k, label)
    for ind in g.indicators:
        r = t.row()
        unit = ind["unit"] or ""
        target = (ind["target"] or "").removesuffix(unit) if unit else ind["target"] or ""
        if v.whole:
            values = [ind["name"], unit, ind["nature"], target, ind["weight"], ind["actual"], ind["score"], ind["note"]]
        else:
            values = [ind["name"], unit, ind["nature"], ind["target_initial"], target, ind["actual"],
                      ind["coefficient"], ind["weight"], ind["score"]]
            values += ["是" if ind["core"] else "否"] if v.core_column else []
        for k, value in enumerate(values):
            t.put(r, lead + k, value or "")
    return [Block("para", paras), t.block()]
