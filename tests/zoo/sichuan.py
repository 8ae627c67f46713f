"""Sichuan's 部门预算项目支出绩效自评表 for the zoo: the provincial layout in the geometries it varies in.

Varied: the report code line or none, label cells over one or two columns, a spacer column before the
amounts, 元 or 万元, rates as 97.24% or 97.24, thousands separators, 一级指标 merged, filled down or on the
first row only, several forms per file. Goldens are the generator's numbers, as for the national forms.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from tests.fixtures.make_fixtures import Block

from .generate import Form, Golden, Table, Variant, _amount, _rate, q2

SOURCES = (("total", "总额"), ("appropriation", "其中:财政资金"), ("special_account", "财政专户管理资金"),
           ("unit_funds", "单位资金"), ("other", "其他资金"))
INDICATORS = (("产出", "数量", "年度接待读者人次", "≥", "120", "万人次", "136"),
              ("产出", "质量", "数字资源可用率", "≥", "98", "%", "99.2"),
              ("产出", "时效", "年度免费开放天数", "≥", "300", "天", "312"),
              ("效益", "社会效益", "公共文化服务覆盖面", "定性", "持续扩大", "", "持续扩大"),
              ("满意度", "服务对象满意度", "读者满意度", "≥", "90", "%", "94.6"))


@dataclass
class SichuanVariant(Variant):
    report_code: bool = True


def choose(rng: random.Random) -> SichuanVariant:
    return SichuanVariant(label_span=rng.choice((1, 2)), spacer=rng.random() < 0.3, unit=rng.choice(("元", "万元")),
                          rate_style=rng.choice(("%2", "2")), thousands=rng.random() < 0.3,
                          level1_style=rng.choice(("merged", "filled", "first")), report_code=rng.random() < 0.5)


def make_form(rng: random.Random, n: int, v: SichuanVariant, plant: str | None) -> Form:
    year = rng.choice((2022, 2023))
    scale = Decimal(10000) if v.unit == "元" else Decimal(1)
    appro = Decimal(rng.randrange(200, 900)) * scale
    unit_funds = Decimal(rng.randrange(0, 50)) * scale
    budgets = {"appropriation": appro, "special_account": Decimal(0), "unit_funds": unit_funds, "other": Decimal(0)}
    spent = {k: q2(b * Decimal(rng.randrange(900, 1000)) / 1000) for k, b in budgets.items()}
    budgets["total"], spent["total"] = sum(budgets.values()), sum(spent.values())  # type: ignore[assignment]
    funds: dict[str, dict[str, str | None]] = {}
    shown: dict[str, str] = {}
    for kind, _ in SOURCES:
        b, s = budgets[kind], spent[kind]
        text, rate = _rate(s, b, v) if b else ("0.00%" if v.rate_style.startswith("%") else "0.00", Decimal("0.00"))
        funds[kind] = {"initial": f"{b:.2f}", "full_year": f"{b:.2f}", "executed": f"{s:.2f}", "weight": None,
                       "rate": str(rate), "score": None}
        shown[kind] = text
    score = min(q2(Decimal(funds["total"]["rate"]) / 100 * 10), Decimal(10))  # type: ignore[arg-type]
    funds["total"] |= {"weight": "10", "score": str(score)}
    inds = []
    for level1, level2, name, nature, value, unit, actual in INDICATORS:
        target = value if nature == "定性" else f"{nature}{value}{unit}"
        inds.append({"level1": level1, "level2": level2, "name": name, "target": target, "actual": actual,
                     "weight": "18", "score": "18", "note": None, "_nature": nature, "_value": value, "_unit": unit})
    total = score + 90
    if plant == "total-mismatch":
        total += 3
    code = f"51000023T{rng.randrange(10**11, 10**12)}"
    golden = Golden(year=year, project={"code": code, "name": f"四川测试项目{n}号经费", "department": "四川省某厅",
                                        "implementing_unit": f"四川省某中心{n}", "manager": "周某某", "phone": None},
                    money_unit=v.unit, funds=funds, goals={"expected": f"完成四川测试项目{n}号年度目标。",
                                                         "achieved": f"四川测试项目{n}号年度目标已完成。"},
                    indicators=inds, total={"weight": "100", "score": str(total)}, planted=plant)
    form = Form(v, golden)
    form.blocks = draw(v, golden, shown)
    for ind in inds:
        for k in ("_nature", "_value", "_unit"):
            ind.pop(k)
    return form


def draw(v: SichuanVariant, g: Golden, rates: dict[str, str]) -> list[Block]:
    span = v.label_span
    first = 1 + span + (1 if v.spacer else 0)  # the first amount column
    width = max(first + 7, 11 + (span - 1))
    paras = ([["报表编号:510000_0013zp"]] if v.report_code else []) + [[f"部门预算项目支出绩效自评表({g.year}年度)"]]
    t = Table(width)
    p = g.project
    t.pairs([("项目名称", f"{p['code']}-{p['name']}")], span, 1)
    t.pairs([("主管部门", p["department"]), ("实施单位(盖章)", p["implementing_unit"])], span, 2)
    half = width // 2
    r = t.row()
    t.put(r, 0, "项目年度目标", cols=half)
    t.put(r, half, "年度目标完成情况", cols=width - half)
    r = t.row()
    t.put(r, 0, g.goals["expected"], cols=half)
    t.put(r, half, g.goals["achieved"], cols=width - half)
    r0 = t.row()
    t.put(r0, 0, "预算执行情况(10分)", rows=len(SOURCES) + 1)
    t.put(r0, 1, f"年度预算数({v.unit})", cols=span)
    for k, label in enumerate(("年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因")):
        t.put(r0, first + k, label)
    for kind, label in SOURCES:
        r = t.row()
        f = g.funds[kind]
        t.put(r, 1, label, cols=span)
        for k, fld in enumerate(("initial", "full_year", "executed")):
            t.put(r, first + k, _amount(Decimal(f[fld] or 0), v))
        t.put(r, first + 3, rates[kind])
        t.put(r, first + 4, f["weight"] or "")
        t.put(r, first + 5, f["score"] or "")
    cols = ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析")
    r0 = t.row()
    t.put(r0, 0, "绩效指标(90分)", rows=len(g.indicators) + 1)
    for k, label in enumerate(cols):
        t.put(r0, 1 + k, label)
    starts: dict[str, int] = {}
    for ind in g.indicators:
        r = t.row()
        level1 = str(ind["level1"])
        if level1 not in starts or v.level1_style == "filled":
            starts.setdefault(level1, r)
            t.put(r, 1, f"{level1}指标")
        t.put(r, 2, f"{ind['level2']}指标")
        for k, fld in enumerate(("name", "_nature", "_value", "_unit", "actual", "weight", "score"), start=3):
            t.put(r, k, str(ind[fld] or ""))
    if v.level1_style == "merged":
        ends = sorted(starts.values()) + [r0 + 1 + len(g.indicators)]
        for a, b in zip(ends, ends[1:]):
            text = t.rows[a][1]
            t.rows[a][1] = ""
            t.put(a, 1, text, rows=b - a)
    r = t.row()
    t.put(r, 0, "合计", cols=8)
    t.put(r, 8, g.total["weight"] or "")
    t.put(r, 9, g.total["score"] or "")
    r = t.row()
    t.put(r, 0, "项目负责人", cols=span)
    t.put(r, span, p["manager"] or "", cols=half - span)
    return [Block("para", paras), t.block()]
