"""T4: the 部门整体支出绩效自评表, one per department and year, linked to its project forms."""

from functools import partial

from ..ingest.layouts.form import read_form
from ..ingest.layouts.spec import FormSpec, header_fields
from ..ingest.vocab import DEPARTMENT_NAME_LABELS
from . import FormTemplate, register_template

SPEC = FormSpec(
    header_fields=header_fields(dict.fromkeys(DEPARTMENT_NAME_LABELS, "department_name")),
    funds_columns=(("年初预算", "initial"), ("全年预算", "full_year"), ("调整后预算", "full_year"),
                   ("全年执行", "executed"), ("执行数", "executed"), ("分值", "weight"), ("权重", "weight"),
                   ("执行率", "rate"), ("得分", "score")),
    funds_rows={"年度资金总额": "total", "资金总额": "total", "基本支出": "basic", "项目支出": "project",
                "财政拨款": "appropriation", "当年财政拨款": "appropriation", "财政资金": "appropriation",
                "上年结转资金": "carryover",
                "其他资金": "other"},
    indicator_columns=(("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "name"), ("指标值", "target"),
                       ("完成值", "actual"), ("分值", "weight"), ("权重", "weight"), ("得分", "score"),
                       ("原因", "note")),
    indicator_header=("一级指标", "三级指标"),
    goal_columns={"预期目标": "expected", "实际完成情况": "achieved"},
    texts={"存在问题": "problems", "改进措施": "improvements"},
    sections=frozenset({"部门预算执行情况", "年度总体目标", "年度绩效指标", "绩效指标"}),
)

DEPARTMENT = register_template(FormTemplate(
    name="department",
    title="部门整体支出绩效自评表",
    titles=("部门整体支出绩效自评表",),
    labels=(("部门预算执行情况", 3), ("基本支出", 3), ("部门(单位)名称", 2), ("履职效能", 2), ("管理效率", 2)),
    policy="department",
    parse=partial(read_form, SPEC),
    breakdowns=(("basic", "project"), ("appropriation", "carryover", "other")),
    # Heavier than every label the national form shares with it (10 in all): a department's name heading
    # the form, with no 项目名称, settles it even without the title (a web page's tables copied alone).
    cell_labels=tuple((label, 12) for label in DEPARTMENT_NAME_LABELS),
    department_wide=True,
    anchors=SPEC.anchors(),
))
