"""T2: Sichuan's 部门预算项目支出绩效自评表(YYYY年度), with its report code and per-source 执行率."""

import re
from functools import partial

from ..ingest.layouts.form import read_form
from ..ingest.layouts.spec import FormSpec, header_fields
from . import FormTemplate, register_template

SPEC = FormSpec(
    header_fields=header_fields({"项目名称": "code_name", "实施单位(盖章)": "project.implementing_unit",
                                 "财务负责人": "project.finance_manager"}),
    funds_columns=(("年初预算", "initial"), ("调整后预算", "full_year"), ("预算执行率", "rate"),
                   ("预算执行数", "executed"), ("权重", "weight"), ("得分", "score"), ("原因", "reason")),
    funds_rows={"总额": "total", "财政资金": "appropriation", "财政专户管理资金": "special_account",
                "单位资金": "unit_funds", "其他资金": "other"},
    indicator_columns=(("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "name"), ("指标性质", "nature"),
                       ("指标值", "target"), ("度量单位", "unit"), ("完成值", "actual"), ("权重", "weight"),
                       ("得分", "score"), ("原因", "note")),
    indicator_header=("一级指标", "指标性质"),
    goal_columns={"项目年度目标": "expected", "年度目标完成情况": "achieved"},
    texts={"项目实施内容及过程概述": "implementation", "评价结论": "conclusion", "存在问题": "problems",
           "改进措施": "improvements"},
    sections=frozenset({"项目基本情况", "项目年度目标完成情况", "预算执行情况", "绩效指标"}),
)

SICHUAN = register_template(FormTemplate(
    name="sichuan",
    title="部门预算项目支出绩效自评表（四川）",
    titles=("部门预算项目支出绩效自评表",),
    labels=(("指标性质", 2), ("度量单位", 2), ("调整后预算数", 2), ("财政专户管理资金", 2), ("未完成原因分析", 2),
            ("预算执行率", 1), ("单位资金", 1), ("评价结论", 1), ("财务负责人", 1), ("实施单位(盖章)", 1)),
    report_code=re.compile(r"报表编号:?\d{6}_"),
    policy="sichuan",
    parse=partial(read_form, SPEC),
    breakdowns=(("appropriation", "special_account", "unit_funds", "other"),),
    anchors=SPEC.anchors(),
    row_names={"total": "总额", "appropriation": "财政资金"},
))
