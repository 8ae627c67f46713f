"""Build realistic national forms as TSV text (the layout of seed 000) for tests.

Every test states only what it changes; the baseline form is clean: its rate,
rate score, weights and total all agree, so it raises no error or warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from jixiao.ingest.recognize import read_bytes
from jixiao.pipeline import CheckedDocument, check_document


@dataclass(frozen=True)
class Ind:
    level1: str
    level2: str
    name: str
    target: str
    actual: str
    weight: str
    score: str
    note: str = ""


BASE_INDICATORS = (
    Ind("产出(50分)", "数量", "培训人数(人)", "≥100", "120", "20", "20"),
    Ind("产出(50分)", "质量", "培训合格率", "≥95%", "98%", "10", "10"),
    Ind("产出(50分)", "时效", "完成时间", "2022年12月31日前", "如期完成", "10", "10"),
    Ind("产出(50分)", "成本", "人均培训成本", "≤500元", "480元", "10", "10"),
    Ind("效益(30分)", "社会效益", "学员履职能力", "明显提升", "明显提升", "30", "30"),
    Ind("满意度(10分)", "服务对象满意度", "学员满意度", "≥90%", "96.5%", "10", "10"),
)


@dataclass(frozen=True)
class Form:
    name: str = "干部培训"
    code: str = "440307210701500000001"
    year: str = "2022"
    unit_label: str = "项目资金(元)"
    initial: str = "1000000.00"
    full_year: str = "1000000.00"
    executed: str = "950000.00"
    weight: str = "10"
    rate: str = "95.00"
    rate_score: str = "9.5"
    appropriation: tuple[str, str, str] = ("1000000.00", "1000000.00", "950000.00")
    carryover: tuple[str, str, str] = ("0.00", "0.00", "0.00")
    other: tuple[str, str, str] = ("0.00", "0.00", "0.00")
    expected_goal: str = "完成全年干部培训任务，提升履职能力。"
    achieved_goal: str = "全年举办培训4期，培训120人，学员满意度96.5%。"
    indicators: tuple[Ind, ...] = BASE_INDICATORS
    total_weight: str | None = "100"
    total_score: str | None = "99.5"
    manager: str | None = None
    phone: str | None = None
    extra_rows: tuple[str, ...] = field(default=())

    def with_indicator(self, index: int, **changes: str) -> Form:
        inds = list(self.indicators)
        inds[index] = replace(inds[index], **changes)
        return replace(self, indicators=tuple(inds))

    def text(self) -> str:
        t = "\t"
        rows = [
            "项目支出绩效自评表",
            t.join(["项目编码:", self.code, "项目名称:", self.name, "绩效自评年度:", self.year]),
            t.join(["实施单位:", "深圳市某区培训中心", "一级预算单位:", "深圳市某区人力资源局"]),
        ]
        if self.manager is not None or self.phone is not None:
            rows.append(t.join(["项目负责人:", self.manager or "", "联系电话:", self.phone or ""]))
        rows += [
            "资金使用情况",
            t.join(["", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率(%)", "得分"]),
            t.join([self.unit_label, "年度资金总额", self.initial, self.full_year, self.executed, self.weight,
                    self.rate, self.rate_score]),
            t.join(["", "其中:当年财政拨款", *self.appropriation, "—", "—", "—"]),
            t.join(["", "上年结转资金", *self.carryover, "—", "—", "—"]),
            t.join(["", "其他资金", *self.other, "—", "—", "—"]),
            "项目目标完成情况",
            t.join(["年度总体目标", "预期目标", "", "", "* 实际完成情况"]),
            t.join(["", self.expected_goal, "", "", self.achieved_goal]),
            t.join(["年度绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "* 实际完成值", "* 分值", "* 得分",
                    "偏差原因分析及改进措施"]),
        ]
        previous = ("", "")
        for ind in self.indicators:
            l1 = ind.level1 if ind.level1 != previous[0] else ""
            l2 = ind.level2 if (ind.level1, ind.level2) != previous else ""
            previous = (ind.level1, ind.level2)
            rows.append(t.join(["", l1, l2, ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.note]))
        if self.total_score is not None:
            rows.append(t.join(["总分", "", "", "", "", "", self.total_weight or "", self.total_score, "—"]))
        rows += list(self.extra_rows)
        return "\n".join(rows) + "\n"


def check(form: Form | str, policy: str = "national") -> CheckedDocument:
    text = form if isinstance(form, str) else form.text()
    return check_document(read_bytes(text.encode("utf-8"), "test.txt"), policy)


def findings(form: Form | str, code: str | None = None) -> list:
    out = [f for r in check(form).results for f in r.findings]
    return [f for f in out if code is None or f.code == code]
