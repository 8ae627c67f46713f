"""The 部门整体支出绩效自评表 (T4, design/templates.md) for the zoo: one form per department and year, drawn in the
national form's geometries (tests/zoo/generate.Variant) with its own header and funds rows.

Varied, beyond the national variants: the department's label (部门(单位)名称, 部门名称, 单位名称, 部门), a 联系人
row or none, the funds block's label (部门预算执行情况 or 预算资金), its rows (基本支出 and 项目支出, or the
funds' sources, or both), 年度绩效指标 or 绩效指标. Goldens are the generator's numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import Decimal

from .generate import FUND_ROWS, Form, Golden, Printing, Table, Variant, choose_variant, draw, make_golden, q2, sub_golden

KINDS = {"spending": (("total", "年度资金总额"), ("basic", "其中：基本支出"), ("project", "项目支出")),
         "sources": FUND_ROWS,
         "both": (*FUND_ROWS, ("basic", "基本支出"), ("project", "项目支出"))}


@dataclass
class DepartmentVariant(Variant):
    name_label: str = "部门(单位)名称"
    contact: bool = False
    rows: str = "spending"  # a key of KINDS
    money: str = "部门预算执行情况（{unit}）"
    section: str = "年度绩效指标"


def choose(rng: random.Random) -> DepartmentVariant:
    base = choose_variant(rng)
    return DepartmentVariant(
        **{**base.__dict__, "year_at": "title" if base.year_at == "title" else "under", "prefixes": False},
        name_label=rng.choice(("部门(单位)名称", "部门名称", "单位名称", "部门")), contact=rng.random() < 0.5,
        rows=rng.choice(tuple(KINDS)), money=rng.choice(("部门预算执行情况（{unit}）", "预算资金（{unit}）")),
        section=rng.choice(("年度绩效指标", "绩效指标")))


def make_form(rng: random.Random, n: int, v: DepartmentVariant, plant: str | None) -> Form:
    national, rate_text = make_golden(rng, n, v, plant)
    name = f"某市测试局{n}"
    total = national.funds["total"]
    share = Decimal(rng.choice(("0.2", "0.3", "0.4")))
    basic = {k: q2(Decimal(total[k] or 0) * share) for k in ("initial", "full_year", "executed")}
    project = {k: Decimal(total[k] or 0) - b for k, b in basic.items()}
    spending = {kind: sub_golden(v, parts["full_year"], parts["executed"]) | {k: f"{a:.2f}" for k, a in parts.items()}
                for kind, parts in (("basic", basic), ("project", project))}
    funds = {kind: spending.get(kind) or national.funds[kind] for kind, _ in KINDS[v.rows]}
    golden = replace(national, funds=funds, project={
        "code": None, "name": name, "department": name, "implementing_unit": None,
        "manager": "李某" if v.contact else None, "phone": f"0551-6900{1000 + n}" if v.contact else None})
    form = Form(v, golden)
    form.blocks = draw(form, rate_text, Printing(title="部门整体支出绩效自评表", money=v.money, fund_rows=KINDS[v.rows],
                                                 section=v.section, header=header))
    return form


def header(t: Table, v: Variant, g: Golden) -> None:
    assert isinstance(v, DepartmentVariant)
    t.pairs([(v.name_label, g.project["name"])], v.label_span, 1)
    if v.contact:
        t.pairs([("联系人", g.project["manager"]), ("联系电话", g.project["phone"])], v.label_span, 2)
