"""T3: the Chongqing-style 项目(部门整体)绩效自评表, scored by 得分系数 × 指标权重, with 核心指标; the 部门整体 form
(梁平区林业局's) prints the department with its 部门联系人 and indicators without 得分系数 (指标值, 说明)."""

from functools import partial

from ..ingest.layouts.form import read_form
from ..ingest.layouts.spec import FormSpec, header_fields
from . import FormTemplate, register_template

SPEC = FormSpec(
    header_fields=header_fields({"财政处室": "project.finance_office", "自评总分(分)": "total.score",
                                 "自评总分": "total.score"}),
    funds_columns=(("年初预算", "initial"), ("全年(调整)预算", "full_year"), ("调整后预算", "full_year"),
                   ("全年预算", "full_year"), ("执行率权重", "weight"), ("执行率得分", "score"), ("执行率", "rate"),
                   ("全年执行", "executed"), ("执行数", "executed")),
    funds_rows={"年度资金总额": "total", "资金总额": "total", "年度总金额": "total", "财政拨款": "appropriation",
                "当年财政拨款": "appropriation", "财政资金": "appropriation", "上年结转资金": "carryover", "其他资金": "other"},
    indicator_columns=(("指标名称", "name"), ("计量单位", "unit"), ("指标性质", "nature"),
                       ("年初指标值", "target_initial"), ("调整指标值", "target"), ("完成值", "actual"),
                       ("指标值", "target"), ("得分系数", "coefficient"), ("指标权重", "weight"), ("指标得分", "score"),
                       ("是否核心指标", "core"), ("原因", "note"), ("说明", "note")),
    indicator_header=("指标名称", "指标权重"),
    goal_columns={"年初绩效目标": "initial", "全年(调整)绩效目标": "expected", "全年目标实际完成情况": "achieved"},
    texts={"存在问题": "problems", "改进措施": "improvements"},
    sections=frozenset({"预算执行情况", "当年绩效目标", "绩效指标", "年度绩效指标", "指标完成情况"}),
)

CHONGQING = register_template(FormTemplate(
    name="chongqing",
    title="项目(部门整体)绩效自评表（重庆式，得分系数×指标权重）",
    titles=("项目绩效自评表", "部门整体绩效自评表"),
    labels=(("得分系数", 4), ("是否核心指标", 4), ("执行率权重", 2), ("财政处室", 2), ("自评总分", 2),
            ("年初指标值", 2), ("调整指标值", 2), ("全年(调整)", 1), ("计量单位", 1), ("指标得分", 1)),
    policy="chongqing",
    parse=partial(read_form, SPEC),
    breakdowns=(("appropriation", "carryover", "other"),),
    anchors=SPEC.anchors(),
    row_names={"appropriation": "财政拨款"},
    has_notes=False,
    has_unit=False,
))
