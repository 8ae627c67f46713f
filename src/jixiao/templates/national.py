"""T1: the national 项目支出绩效自评表 (财预〔2020〕10号 附件), as in the seeds."""

from functools import partial

from ..ingest.layouts.form import read_form
from ..ingest.layouts.spec import FormSpec, Printed, header_fields
from ..ingest.vocab import FORM_TITLE, FUNDS_COLUMNS, INDICATOR_COLUMNS, SECTION_LABELS, funds_row_kind
from . import FormTemplate, register_template

SPEC = FormSpec(
    header_fields=header_fields({}),
    funds_columns=FUNDS_COLUMNS,
    funds_rows={"年度资金总额": "total", "资金总额": "total", "当年财政拨款": "appropriation", "上年结转资金": "carryover",
                "其他资金": "other"},
    row_kind=funds_row_kind,
    default_funds_order=("initial", "full_year", "executed", "weight", "rate", "score"),
    indicator_columns=INDICATOR_COLUMNS,
    indicator_header=("一级指标", "三级指标"),
    optional_columns=(("指标性质", "nature"), ("度量单位", "unit")),
    goal_columns={"预期目标": "expected", "实际完成情况": "achieved"},
    sections=SECTION_LABELS | {"年度总体目标完成情况"},
    total_labels=frozenset({"总分"}),
    remarks_after_total=True,
    part_labels={"funds": "资金使用情况（年度资金总额）", "indicators": "绩效指标", "goals": "年度总体目标"},
    printed=Printed(
        title=FORM_TITLE,
        header={"year": "绩效自评年度", "code": "项目编码", "name": "项目名称", "department": "主管部门",
                "implementing_unit": "实施单位", "manager": "项目负责人", "phone": "联系电话"},
        money="项目资金({unit})",
        funds_columns={"initial": "年初预算数", "full_year": "全年预算数", "executed": "全年执行数", "weight": "分值",
                       "rate": "执行率(%)", "score": "得分"},
        funds_rows={"total": "年度资金总额", "appropriation": "其中：当年财政拨款", "carryover": "上年结转资金",
                    "other": "其他资金"},
        goals="年度总体目标",
        goal_columns={"expected": "预期目标", "achieved": "实际完成情况"},
        indicators="绩效指标",
        indicator_columns={"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "target": "年度指标值",
                           "actual": "实际完成值", "weight": "分值", "score": "得分", "note": "偏差原因分析及改进措施"},
        total="总分",
        remarks="备注",
    ),
)

NATIONAL = register_template(FormTemplate(
    name="national",
    title="项目支出绩效自评表（全国通用，财预〔2020〕10号）",
    titles=("项目支出绩效自评表",),
    labels=(("年度资金总额", 2), ("全年预算数", 2), ("偏差原因分析", 2), ("年度指标值", 2), ("全年执行数", 1),
            ("实际完成值", 1)),
    policy="national",
    parse=partial(read_form, SPEC),
    breakdowns=(("appropriation", "carryover", "other"),),
    anchors=SPEC.anchors() | {"其中:当年财政拨款", "总分"},
))
