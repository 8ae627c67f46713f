"""T1: the national 项目支出绩效自评表 (财预〔2020〕10号 附件), as in the seeds."""

from ..ingest.layouts.national import parse_national
from ..ingest.vocab import HEADER_FIELDS, SECTION_LABELS
from . import FormTemplate, register_template

NATIONAL = register_template(FormTemplate(
    name="national",
    title="项目支出绩效自评表（全国通用，财预〔2020〕10号）",
    titles=("项目支出绩效自评表",),
    labels=(("年度资金总额", 2), ("全年预算数", 2), ("偏差原因分析", 2), ("年度指标值", 2), ("全年执行数", 1),
            ("实际完成值", 1)),
    policy="national",
    parse=parse_national,
    breakdowns=(("appropriation", "carryover", "other"),),
    anchors=frozenset(HEADER_FIELDS) | SECTION_LABELS | {"年度资金总额", "其中:当年财政拨款", "上年结转资金", "其他资金", "总分"},
))
