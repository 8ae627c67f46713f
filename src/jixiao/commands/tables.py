"""The store's summaries and finding lists as rows for the one renderer (:mod:`jixiao.render`)."""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence

from rich.console import Console

from .. import inert
from ..checks import SEVERITY_STYLE, SEVERITY_ZH
from ..render import Section, Value, money, number, place_zh
from ..store.query import FindingView
from ..store.summary import GRADES, GROUP_BY_ZH, NO_SCORE, GroupRow, Summary


def _group_line(row: GroupRow) -> list[Value]:
    return [row.name, row.projects, row.budget, row.executed, row.rate, row.average_score,
            *(row.grades[g] for g in (*GRADES, NO_SCORE)), row.with_errors, row.without_amounts, row.unfilled]


def summary_sections(s: Summary) -> list[Section]:
    """Money at two places, as forms print it in 元 and in 万元 (the JSON keeps the exact sums)."""
    unit = f"（{s.unit}）"
    sections = [Section.of(
        "groups", f"按{GROUP_BY_ZH[s.by]}汇总",
        [GROUP_BY_ZH[s.by], number("项目数"), money(f"预算数{unit}"), money(f"执行数{unit}"), number("执行率%"),
         number("平均分"), *map(number, GRADES), number(NO_SCORE), number("有错误"), number("缺金额"),
         number("未填写（不计入）")],
        [_group_line(g) for g in (*s.groups, s.total)])]
    sections.append(Section.of("codes", "审核问题（按规则代码）", ["代码", "级别", "说明", "涉及表数", "问题数"],
                            [[c.code, SEVERITY_ZH.get(c.severity, c.severity), c.title, c.forms, c.findings]
                             for c in s.codes]))
    for dl in s.lists:
        unit_l = f"（{dl.money_unit}）" if dl.money_unit else ""
        rows: list[list[Value]] = [[it.seq, it.name, it.amount, it.score, it.grade, it.score_from] for it in dl.lines]
        rows.append([None, "合计（印）", dl.total, None, None, None])
        if dl.total != dl.items_sum:
            rows.append([None, "各项之和", dl.items_sum, None, None, None])
        sections.append(Section.of("lists", f"项目清单：{dl.title or dl.department or dl.file}",
                                   ["序号", "项目名称", money(f"金额{unit_l}"), number("自评得分"), "等级", "得分来源"],
                                   rows))
    sections.append(Section.of(
        "years", "同一项目跨年度对比",
        ["项目名称", "主管部门", number("年度"), money(f"全年预算数{unit}"), money(f"全年执行数{unit}"),
         number("执行率(%)"), number("得分"), "等级", money(f"预算增减{unit}"), number("得分增减")],
        [[y.project, y.department, y.year, y.budget, y.executed, y.rate, y.score, y.grade, y.budget_change,
          y.score_change] for y in s.years]))
    return sections


def finding_section(rows: Sequence[FindingView]) -> Section:
    return Section.of("findings", f"审核问题（{len(rows)} 条）",
                      ["级别", "代码", number("表号"), "项目", number("年度"), "主管部门", "说明", "文件", "位置"],
                      [[SEVERITY_ZH.get(f.severity, f.severity), f.code, f.form_id, f.project, f.year, f.department,
                        f.message, f.file, place_zh(f.locator)] for f in rows])


def print_findings(rows: Sequence[FindingView], console: Console) -> None:
    """One line per finding, as ``jixiao check`` prints them, with the form and file it belongs to."""
    for f in rows:
        where = "，".join(str(x) for x in (f.year, f.department) if x)
        form = f" #{f.form_id}" if f.form_id is not None else ""
        place = f" {place_zh(f.locator)}" if f.locator else ""
        console.print(f"[{SEVERITY_STYLE.get(f.severity, '')}]{SEVERITY_ZH.get(f.severity, f.severity)}[/] "
                      f"{inert.console(f.code)} [bold]{inert.console(f.project or '（无名称）')}[/]"
                      f"{inert.console(f'（{where}）' if where else '')}"
                      f"：{inert.console(f.message)}  [dim]{inert.console(f.file + form + place)}[/]", highlight=False)
    console.print(f"共 {len(rows)} 条", highlight=False)


def summary_json(s: Summary) -> dict[str, Any]:
    return {"schema": "jixiao/summary@1", **dataclasses.asdict(s)}


def findings_json(rows: Sequence[FindingView]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(f) for f in rows]
