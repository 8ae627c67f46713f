"""Each registered template's paper form as a writer lays it out: the labels, their order, and which cells
compute.

One :class:`Sheet` per template that has a form of its own; the layout builder (:mod:`.layout`) turns a sheet and
a form (or nothing, for the blank template) into cells. The labels are the ones the template's reader reads by
(``templates/<name>.py``): a written form, filled in, reads back as that template; the tests write every sheet
and read it back. A template without a sheet here is written in the national layout, what it prints beyond
that layout in labelled rows after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..templates.national import SPEC as NATIONAL_SPEC

HeaderRow = tuple[tuple[str, str], ...]  # (label, field path) pairs side by side
# Level-1 names (points printed beside them, None: the policy's) with their level-2 names ("": for the filer to
# name, a cell per row) and the blank rows of each.
Skeleton = tuple[tuple[str, int | None, tuple[tuple[str, int], ...]], ...]

_P = NATIONAL_SPEC.printed
assert _P is not None


@dataclass(frozen=True)
class Sheet:
    template: str
    title: str  # "{year}" stands for the year (blank in a template written without one); "": none
    header: tuple[HeaderRow, ...]  # "code_name": 项目编码-项目名称 in one cell; "total.score": the computed 总分
    money: str  # the label that names the funds' unit, "{unit}" standing for 元 or 万元
    funds_columns: tuple[tuple[str, str], ...]  # (field, label) in printed order
    funds_rows: tuple[tuple[str, str], ...]  # (row kind, label): the rows of the blank template, in order
    goals: str
    goal_columns: tuple[tuple[str, str], ...]  # (Goals attribute, label)
    indicators: str
    indicator_columns: tuple[tuple[str, str], ...]  # (field, label) in printed order
    widths: tuple[int, ...]  # column widths, millimetres on an A4 page
    levels: Skeleton = ()
    level1_text: str = "{name}({points}分)"
    level2_choices: tuple[str, ...] = ()
    blank_rows: int = 0  # indicator rows of the blank template when it has no levels
    funds_section: str | None = None  # a part label left of the funds block; the unit label then heads the rows
    row_rates: bool = False  # every funds row prints its own 执行率
    total: str | None = "总分"  # the total row's label; None: the total is a header cell ("total.score")
    remarks: str | None = "备注"
    texts: tuple[tuple[str, str], ...] = ()  # (label, Evaluation attribute) after the total
    footer: tuple[HeaderRow, ...] = ()  # header-like rows at the end (signatures)
    subtitle: str | None = None  # a line under the title ("({year}年度)")
    natures: tuple[str, ...] = ()  # the 指标性质 a filer chooses from
    report_code_line: bool = False  # a form's 报表编号 printed on a line above its title

    @property
    def ncols(self) -> int:
        return 1 + len(self.indicator_columns)


_LEVEL2 = ("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
           "可持续影响指标", "服务对象满意度指标", "其他满意度指标")
_LEVELS: Skeleton = (
    ("产出", None, (("数量指标", 5), ("质量指标", 3), ("时效指标", 2), ("成本指标", 2))),
    ("效益", None, (("经济效益指标", 2), ("社会效益指标", 3), ("生态效益指标", 2), ("可持续影响指标", 2))),
    ("满意度", None, (("服务对象满意度指标", 2),)),
)

NATIONAL = Sheet(
    template="national",
    title=_P.title,
    header=(((_P.header["year"], "year"), (_P.header["code"], "project.code")),
            ((_P.header["name"], "project.name"),),
            ((_P.header["department"], "project.department"),
             (_P.header["implementing_unit"], "project.implementing_unit")),
            ((_P.header["manager"], "project.manager"), (_P.header["phone"], "project.phone"))),
    money=_P.money,
    funds_columns=tuple(_P.funds_columns.items()),
    funds_rows=tuple(_P.funds_rows.items()),
    goals=_P.goals,
    goal_columns=tuple(_P.goal_columns.items()),
    indicators=_P.indicators,
    indicator_columns=tuple(_P.indicator_columns.items()),
    # Money columns that fit "1300000.00" at 9 points, narrow score columns, a wide deviation-note column.
    widths=(18, 21, 21, 24, 21, 19, 12, 12, 32),
    levels=_LEVELS,
    level2_choices=_LEVEL2,
)

SICHUAN = Sheet(
    template="sichuan",
    title="部门预算项目支出绩效自评表({year}年度)",
    header=((("项目名称", "code_name"),),
            (("主管部门", "project.department"), ("实施单位(盖章)", "project.implementing_unit"))),
    funds_section="预算执行情况(10分)",
    money="年度预算数({unit})",
    funds_columns=(("initial", "年初预算"), ("full_year", "调整后预算数"), ("executed", "预算执行数"),
                   ("rate", "预算执行率"), ("weight", "权重"), ("score", "得分"), ("reason", "原因")),
    funds_rows=(("total", "总额"), ("appropriation", "其中:财政资金"), ("special_account", "财政专户管理资金"),
                ("unit_funds", "单位资金"), ("other", "其他资金")),
    row_rates=True,
    report_code_line=True,
    goals="项目年度目标完成情况",
    goal_columns=(("expected", "项目年度目标"), ("achieved", "年度目标完成情况")),
    indicators="绩效指标(90分)",
    indicator_columns=(("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标"), ("nature", "指标性质"),
                       ("target", "指标值"), ("unit", "度量单位"), ("actual", "完成值"), ("weight", "权重"),
                       ("score", "得分"), ("note", "未完成原因分析")),
    widths=(16, 16, 18, 22, 11, 14, 11, 16, 10, 10, 24),
    levels=tuple((l1 + "指标", points, groups) for l1, points, groups in _LEVELS),
    level1_text="{name}",
    level2_choices=_LEVEL2,
    natures=("=", "≥", "≤", ">", "<", "定性"),
    total="合计",
    remarks=None,
    texts=(("项目实施内容及过程概述", "implementation"), ("评价结论", "conclusion"), ("存在问题", "problems"),
           ("改进措施", "improvements")),
    footer=((("项目负责人", "project.manager"), ("财务负责人", "project.finance_manager")),),
)

CHONGQING = Sheet(
    template="chongqing",
    title="{year}年度项目绩效自评表",
    header=((("项目名称", "project.name"), ("主管部门", "project.department")),
            (("财政处室", "project.finance_office"), ("自评总分(分)", "total.score")),
            (("联系人", "project.manager"), ("联系电话", "project.phone"))),
    funds_section="预算执行情况",
    money="金额({unit})",
    funds_columns=(("initial", "年初预算数"), ("full_year", "全年(调整)预算数"), ("executed", "全年执行数"),
                   ("rate", "执行率(%)"), ("weight", "执行率权重"), ("score", "执行率得分(分)")),
    funds_rows=(("total", "年度资金总额"), ("appropriation", "其中:财政拨款"), ("carryover", "上年结转资金"),
                ("other", "其他资金")),
    goals="当年绩效目标",
    goal_columns=(("initial", "年初绩效目标"), ("expected", "全年(调整)绩效目标"), ("achieved", "全年目标实际完成情况")),
    indicators="绩效指标",
    indicator_columns=(("name", "指标名称"), ("unit", "计量单位"), ("nature", "指标性质"), ("target_initial", "年初指标值"),
                       ("target", "调整指标值"), ("actual", "全年完成值"), ("coefficient", "得分系数(%)"),
                       ("weight", "指标权重(分)"), ("score", "指标得分(分)"), ("core", "是否核心指标")),
    widths=(18, 30, 12, 14, 16, 16, 16, 14, 14, 14, 12),
    blank_rows=20,
    natures=("定量指标", "定性指标"),
    total=None,
    remarks=None,
    texts=(("存在问题", "problems"), ("改进措施", "improvements")),
)

DEPARTMENT = Sheet(
    template="department",
    title="部门整体支出绩效自评表",
    subtitle="({year}年度)",
    header=((("部门(单位)名称", "project.department"),),
            (("联系人", "project.manager"), ("联系电话", "project.phone"))),
    money="部门预算执行情况({unit})",
    funds_columns=(("initial", "年初预算数"), ("full_year", "全年预算数"), ("executed", "全年执行数"), ("weight", "分值"),
                   ("rate", "执行率"), ("score", "得分")),
    funds_rows=(("total", "年度资金总额"), ("basic", "其中:基本支出"), ("project", "项目支出")),
    goals="年度总体目标",
    goal_columns=(("expected", "预期目标"), ("achieved", "实际完成情况")),
    indicators="年度绩效指标",
    indicator_columns=(("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标"), ("target", "年度指标值"),
                       ("actual", "实际完成值"), ("weight", "分值"), ("score", "得分"), ("note", "偏差原因分析及改进措施")),
    widths=NATIONAL.widths,
    # A department names its own level-2 indicators: rows left for them, unnamed, one cell each.
    levels=(("履职效能", 50, (("", 10),)), ("管理效率", 20, (("", 6),)), ("满意度", 20, (("服务对象满意度", 2),))),
    level2_choices=("重点工作完成", "政策落实", "预算管理", "资产管理", "服务对象满意度"),
    remarks=None,
    texts=(("存在问题", "problems"), ("改进措施", "improvements")),
)

TRANSFER = Sheet(
    template="transfer",
    title="",  # each fund prints its own (就业补助资金绩效自评表), which the reader does not take for a title
    subtitle="({year}年度)",
    header=((("转移支付(项目)名称", "project.name"),),
            (("地方主管部门", "project.department"), ("资金使用单位", "project.implementing_unit"))),
    funds_section="资金投入情况",
    money="金额({unit})",
    funds_columns=(("full_year", "全年预算数(A)"), ("executed", "全年执行数(B)"), ("rate", "预算执行率(B/A×100%)")),
    funds_rows=(("total", "年度资金总额"), ("central", "其中:中央财政资金"), ("local", "地方财政资金"),
                ("other", "其他资金")),
    row_rates=True,
    goals="总体目标完成情况",
    goal_columns=(("expected", "总体目标"), ("achieved", "全年实际完成情况")),
    indicators="绩效指标",
    indicator_columns=(("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标"), ("target", "指标值"),
                       ("actual", "全年实际完成值"), ("note", "未完成原因和改进措施")),
    widths=(20, 18, 22, 34, 24, 24, 40),
    levels=_LEVELS,
    level1_text="{name}指标",
    level2_choices=_LEVEL2,
    total=None,
    remarks=None,
)

SHEETS: dict[str, Sheet] = {s.template: s for s in (NATIONAL, SICHUAN, CHONGQING, DEPARTMENT, TRANSFER)}


def sheet_of(template: str | None) -> Sheet:
    """The template's own sheet; the national one for a template that has none."""
    return SHEETS.get(template or "national", NATIONAL)
