"""T7: 山西 吕梁's 绩效目标完成情况表: an indicator table of targets against what was done, no 分值/得分.

Its columns are 一级指标 | 二级指标 | 指标名称 | 目标值 | 完成值 (the 二级指标 named 产出数量, 产出质量 …):
nothing on it is scored, so only the checks on targets and actuals apply, and no number is a score.
"""

from functools import partial

from ..ingest.layouts.form import read_form
from ..ingest.layouts.spec import FormSpec, header_fields
from . import FormTemplate, register_template

SPEC = FormSpec(
    header_fields=header_fields({}),
    funds_columns=(),
    funds_rows={},
    indicator_columns=(("一级指标", "level1"), ("二级指标", "level2"), ("指标名称", "name"), ("三级指标", "name"),
                       ("目标值", "target"), ("指标值", "target"), ("完成值", "actual"), ("备注", "note")),
    indicator_header=("一级指标", "指标名称"),
    sections=frozenset({"绩效指标"}),
    part_labels={"indicators": "绩效指标"},
)

LVLIANG = register_template(FormTemplate(
    name="lvliang",
    title="绩效目标完成情况表（山西吕梁：目标值对完成值，不计分）",
    titles=(),  # its title (…绩效目标完成情况表) is no 自评表 title word: a narrative quotes it
    labels=(("目标值", 2), ("指标名称", 1), ("完成值", 1)),
    policy="national",
    parse=partial(read_form, SPEC),
    anchors=SPEC.anchors(),
    has_notes=False,
    writes=False,
))
