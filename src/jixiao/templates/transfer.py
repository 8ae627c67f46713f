"""T5: the 转移支付 (policy fund) 绩效自评表: funds by level of government, no 分值/得分 in the funds block.

The central transfer-payment template (就业补助资金绩效自评表 …) and the 市县 绩效目标自评表 that copies
it print 年度资金总额 with 其中:中央财政资金 / 地方财政资金 (or 中央、省补助 / 市级 / 县级财政资金) /
其他资金: the sources a total is made of, not the national form's 当年财政拨款 / 上年结转资金.
"""

import re
from functools import partial

from ..ingest.layouts.form import read_form
from ..ingest.layouts.spec import FormSpec, header_fields
from ..ingest.vocab import funds_row_kind
from . import FormTemplate, register_template

_ROWS = {"中央财政资金": "central", "中央、省补助": "central", "中央省补助": "central", "中央补助": "central",
         "地方财政资金": "local", "市级财政资金": "city", "县级财政资金": "county"}
_UNIT = re.compile(r"\((?:万元|元)[^)]*\)")


def row_kind(key: str) -> str | None:
    """A source row by its name, with or without 其中: and a unit ("其中:中央财政资金(万元)")."""
    bare = _UNIT.sub("", key).removeprefix("其中").strip(":")
    return _ROWS.get(bare) or funds_row_kind(bare)


SPEC = FormSpec(
    header_fields=header_fields({"地方主管部门": "project.department"}),
    funds_columns=(("全年预算", "full_year"), ("全年执行", "executed"), ("执行率", "rate")),
    funds_rows={},
    row_kind=row_kind,
    indicator_columns=(("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "name"), ("指标值", "target"),
                       ("完成值", "actual"), ("原因", "note"), ("改进措施", "note")),
    indicator_header=("一级指标", "三级指标"),
    goal_columns={"总体目标": "expected", "预期目标": "expected", "全年实际完成情况": "achieved",
                  "实际完成情况": "achieved"},
    sections=frozenset({"资金投入情况", "项目资金", "总体目标完成情况", "绩效指标", "年度绩效指标"}),
    part_labels={"funds": "资金投入情况（年度资金总额）", "indicators": "绩效指标"},
)

TRANSFER = register_template(FormTemplate(
    name="transfer",
    title="转移支付（政策）资金绩效自评表",
    titles=(),
    labels=(("转移支付(项目)名称", 4), ("政策(项目)名称", 2), ("中央主管部门", 2), ("地方主管部门", 2),
            ("资金使用单位", 2), ("中央财政资金", 2), ("地方财政资金", 2), ("市级财政资金", 2), ("县级财政资金", 2),
            ("资金管理情况", 2), ("全年实际完成值", 1)),
    policy="national",
    parse=partial(read_form, SPEC),
    breakdowns=(("central", "local", "city", "county", "other"),),
    anchors=SPEC.anchors(),
    row_names={"central": "中央财政资金"},
    has_notes=False,
))
