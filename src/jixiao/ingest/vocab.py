"""Printed labels of the national form, as keys (see :func:`jixiao.text.label_key`)."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ..model import FUNDS_ROW_ZH, FUNDS_ROWS

FORM_TITLE = "项目支出绩效自评表"
# The hidden sheet of jixiao's xlsx template (export/xlsx.py writes it, the xlsx reader skips it).
METADATA_SHEET = "元数据"
METADATA_SCHEMA = "jixiao/template@"

HEADER_FIELDS: dict[str, str] = {
    "项目编码": "code",
    "项目代码": "code",
    "项目名称": "name",
    # Provinces' and transfer-payment forms' names for the same fields.
    "专项资金名称": "name",
    "政策(项目)名称": "name",
    "转移支付(项目)名称": "name",
    "项目(政策)名称": "name",
    "主管部门": "department",
    "项目主管部门": "department",
    "项目主管单位": "department",
    "县级主管部门": "department",
    "主管部门及代码": "department",
    "资金使用单位": "implementing_unit",
    "主管部门(单位)": "department",
    "一级预算单位": "department",
    "实施单位": "implementing_unit",
    "项目实施单位": "implementing_unit",
    "项目负责人": "manager",
    "联系人": "manager",
    "部门联系人": "manager",  # 重庆's 部门整体绩效自评表
    "联系电话": "phone",
    "绩效自评年度": "year",
    "评价年度": "year",
}

# 是否核心指标's answers (重庆), as printed and as read.
CORE_ANSWERS = {"是": True, "否": False}

# The department-wide form's header labels for the department it is of (部门整体支出绩效自评表): where a
# project form prints 项目名称, the first label of its header.
DEPARTMENT_NAME_LABELS = ("部门(单位)名称", "部门名称", "单位名称", "部门")

# Header labels of the provinces' forms that fill no project field (重庆's 自评总分(分), 财政处室): where one
# begins, the value before it ends.
OTHER_HEADER_LABELS = ("自评总分", "财政处室")

SECTION_LABELS = frozenset({
    "资金使用情况", "项目目标完成情况", "年度总体目标", "年度总体目标完成情况", "年度绩效指标",
    "年度绩效指标完成情况", "绩效指标", "项目资金", "项目资金(元)", "项目资金(万元)",
})

FUNDS_COLUMNS: tuple[tuple[str, str], ...] = (
    # (substring of the header key, field); order matters: 全年预算数 before 预算数.
    ("年初预算", "initial"),
    ("全年预算", "full_year"),
    ("调整后预算", "full_year"),
    ("全年(调整)预算", "full_year"),  # 重庆
    ("全年执行", "executed"),
    ("执行数", "executed"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("执行率", "rate"),
    ("得分", "score"),
)
FUNDS_NEEDLES = tuple(n for n, _ in FUNDS_COLUMNS)

INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("一级指标", "level1"),
    ("二级指标", "level2"),
    ("三级指标", "name"),
    ("指标值", "target"),
    ("完成值", "actual"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("得分", "score"),
    ("原因", "note"),
    ("改进措施", "note"),
)

LEVEL1 = re.compile(r"(产出|效益|满意度|效果|影响)(?:指标)?(?:\((\d+(?:\.\d+)?)分\))?")
LEVEL2 = re.compile(
    r"(数量|质量|时效|成本|经济成本|社会成本|生态环境成本|生态成本|经济效益|社会效益|生态效益|可持续影响"
    r"|服务对象满意度|其他满意度|满意度)(?:指标)?"
)


def level1_of(level2_key: str) -> str | None:
    """The 一级指标 a 二级指标 stands under in the national template (财预〔2020〕10号): 成本 is an 产出 indicator."""
    m = LEVEL2.match(level2_key)
    if m is None:
        return None
    word = m.group(1)
    return "满意度" if "满意度" in word else "效益" if word in ("经济效益", "社会效益", "生态效益", "可持续影响") else "产出"


INDICATOR_SECTION = frozenset({"年度绩效指标", "绩效指标", "年度绩效指标完成情况"})

MONEY_UNIT = re.compile(r"\((万元|元)\)")
YEAR_ROW = re.compile(r"[(]?\s*(\d{4})\s*年?度?\s*[)]?")
YEAR_IN_TEXT = re.compile(r"(20\d{2}|19\d{2})\s*年")


def funds_row_kind(key: str) -> str | None:
    """Which funds row a label names, if any."""
    if key.startswith(("年度资金总额", "年度总金额")) or key == "资金总额":  # 年度总金额: 重庆's 部门整体 form
        return "total"
    if "财政拨款" in key:
        return "appropriation"
    if "上年结转" in key:
        return "carryover"
    if key.startswith(("其他资金", "其中:其他资金")):
        return "other"
    return None


# The rows only some templates print (a department's 基本支出/项目支出, fund sources, 四川's 总额), by their labels.
_ANY_FUNDS_ROWS = {**{label: kind for kind, label in FUNDS_ROW_ZH.items() if kind not in FUNDS_ROWS}, "总额": "total"}


def any_funds_row_kind(key: str) -> str | None:
    """Which funds row a label names in any template ("其中:" before it or not): for the readers of text that keeps
    no columns, which tell where such a row begins before a template is known."""
    key = key.removeprefix("其中:")
    return funds_row_kind(key) or _ANY_FUNDS_ROWS.get(key)

# 指标性质 printed as an operator or as the words for qualitative/quantitative.
NATURES = frozenset({"=", "＝", "≥", "≤", ">", "<", "＞", "＜", ">=", "<=", "≧", "≦", "定性", "定量", "定性指标", "定量指标"})


@lru_cache(maxsize=2048)
def label_kind(key: str) -> tuple[int, str, Decimal | None] | None:
    """(level, canonical name, declared weight) for an indicator level label; level 0 is the section label."""
    if key in INDICATOR_SECTION:
        return (0, key, None)
    if m := LEVEL1.fullmatch(key):
        return (1, m.group(1), Decimal(m.group(2)) if m.group(2) else None)
    if m := LEVEL2.fullmatch(key):
        return (2, m.group(1), None)
    return None
