"""T1: the national 项目支出绩效自评表 (财预〔2020〕10号 附件), as in the seeds."""

from functools import partial

from ..ingest.layouts.form import read_form
from ..ingest.layouts.spec import FormSpec, header_fields
from ..ingest.vocab import FUNDS_COLUMNS, INDICATOR_COLUMNS, SECTION_LABELS, funds_row_kind
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
    goal_columns={"预期目标": "expected", "实际完成情况": "achieved"},
    sections=SECTION_LABELS | {"年度总体目标完成情况"},
    total_labels=frozenset({"总分"}),
    remarks_after_total=True,
    part_labels={"funds": "资金使用情况（年度资金总额）", "indicators": "绩效指标", "goals": "年度总体目标"},
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
