"""Summaries and finding lists as tables: one tabular form, rendered as Rich table, CSV, xlsx or JSON."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from rich.console import Console
from rich.table import Table

from .. import inert
from ..checks import SEVERITY_STYLE, SEVERITY_ZH
from ..scoring.rounding import EXACT
from .query import FindingView
from .summary import GRADES, GROUP_BY_ZH, NO_SCORE, GroupRow, Summary

Value = str | int | Decimal | None
_CENT = Decimal("0.01")


@dataclass(slots=True)
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Value]]


def show(value: Value) -> str:
    """Money and scores with at least two places, never rounded; blanks for missing."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        d = value.normalize()
        return format(d.quantize(_CENT, context=EXACT) if d.as_tuple().exponent > -2 else d, "f")  # type: ignore[operator]
    return str(value)


def _group_line(row: GroupRow) -> list[Value]:
    return [row.name, row.projects, row.budget, row.executed, row.rate, row.average_score,
            *(row.grades[g] for g in (*GRADES, NO_SCORE)), row.with_errors, row.without_amounts, row.unfilled]


def summary_sections(s: Summary) -> list[Section]:
    unit = f"（{s.unit}）"
    sections = [Section(
        "groups", f"按{GROUP_BY_ZH[s.by]}汇总",
        [GROUP_BY_ZH[s.by], "项目数", f"预算数{unit}", f"执行数{unit}", "执行率%", "平均分",
         *GRADES, NO_SCORE, "有错误", "缺金额", "未填写（不计入）"],
        [_group_line(g) for g in (*s.groups, s.total)])]
    sections.append(Section("codes", "审核问题（按规则代码）", ["代码", "级别", "说明", "涉及表数", "问题数"],
                            [[c.code, SEVERITY_ZH.get(c.severity, c.severity), c.title, c.forms, c.findings]
                             for c in s.codes]))
    for dl in s.lists:
        unit_l = f"（{dl.money_unit}）" if dl.money_unit else ""
        rows: list[list[Value]] = [[it.seq, it.name, it.amount, it.score, it.grade, it.score_from] for it in dl.lines]
        rows.append([None, "合计（印）", dl.total, None, None, None])
        if dl.total != dl.items_sum:
            rows.append([None, "各项之和", dl.items_sum, None, None, None])
        sections.append(Section("lists", f"项目清单：{dl.title or dl.department or dl.file}",
                                ["序号", "项目名称", f"金额{unit_l}", "自评得分", "等级", "得分来源"], rows))
    sections.append(Section(
        "years", "同一项目跨年度对比",
        ["项目名称", "主管部门", "年度", f"全年预算数{unit}", f"全年执行数{unit}", "执行率(%)", "得分", "等级",
         f"预算增减{unit}", "得分增减"],
        [[y.project, y.department, y.year, y.budget, y.executed, y.rate, y.score, y.grade, y.budget_change,
          y.score_change] for y in s.years]))
    return sections


def finding_section(rows: Sequence[FindingView]) -> Section:
    return Section("findings", f"审核问题（{len(rows)} 条）",
                   ["级别", "代码", "项目", "年度", "主管部门", "说明", "文件", "位置"],
                   [[SEVERITY_ZH.get(f.severity, f.severity), f.code, f.project, f.year, f.department, f.message,
                     f.file, f.locator] for f in rows])


def print_findings(rows: Sequence[FindingView], console: Console) -> None:
    """One line per finding, as ``jixiao check`` prints them, with the form and file it belongs to."""
    for f in rows:
        where = "，".join(str(x) for x in (f.year, f.department) if x)
        where = inert.console(where)
        console.print(f"[{SEVERITY_STYLE.get(f.severity, '')}]{SEVERITY_ZH.get(f.severity, f.severity)}[/] {f.code} "
                      f"[bold]{inert.console(f.project or '（无名称）')}[/]{f'（{where}）' if where else ''}："
                      f"{inert.console(f.message)}  [dim]{inert.console(f.file)}"
                      f"{' ' + inert.console(f.locator) if f.locator else ''}[/]", highlight=False)
    console.print(f"共 {len(rows)} 条", highlight=False)


def print_tables(sections: Sequence[Section], console: Console) -> None:
    for sec in sections:
        table = Table(title=inert.console(sec.title), title_justify="left")
        for n, col in enumerate(sec.columns):
            # Numbers never wrap (a narrow terminal folds names and headers instead).
            numeric = any(isinstance(row[n], (int, Decimal)) for row in sec.rows)
            widest = max((len(show(row[n])) for row in sec.rows), default=0)
            table.add_column(inert.console(col), overflow="fold", justify="right" if numeric else "left",
                             min_width=widest if numeric else min(widest, 8))
        for row in sec.rows:
            table.add_row(*(inert.console(show(v)) for v in row))
        if not sec.rows:
            table.add_row(*(["（无）"] + [""] * (len(sec.columns) - 1)))
        console.print(table)


def to_csv(sections: Sequence[Section]) -> str:
    """One block per section (title line, header, rows), blank line between; a single section has no title line."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for n, sec in enumerate(sections):
        if len(sections) > 1:
            if n:
                w.writerow([])
            w.writerow([inert.csv_cell(sec.title)])
        w.writerow([inert.csv_cell(c) for c in sec.columns])
        w.writerows([inert.csv_cell(v) if isinstance(v, str) else show(v) for v in row] for row in sec.rows)
    return buf.getvalue()


def write_xlsx(sections: Sequence[Section], path: Path) -> None:
    """One sheet per section; numbers stay numbers (two places shown), text stays text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for sec in sections:
        ws = wb.create_sheet(_sheet_name(sec.title, wb.sheetnames))
        for n, name in enumerate(sec.columns, start=1):
            inert.sheet_cell(ws.cell(1, n), name)
            ws.cell(1, n).font = Font(bold=True)
        for r, row in enumerate(sec.rows, start=2):
            for n, value in enumerate(row, start=1):
                cell = ws.cell(r, n)
                inert.sheet_cell(cell, value)
                if isinstance(value, (Decimal, float)):
                    cell.number_format = "0.00##"
        for col in ws.columns:
            width = max(len(show(c.value)) for c in col)
            ws.column_dimensions[col[0].column_letter].width = min(60, 4 + width * 2)
    wb.save(path)


def _sheet_name(title: str, taken: list[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28]
    base, n = name, 2
    while name in taken:
        name = f"{base[:25]}_{n}"
        n += 1
    return name


def _plain(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return show(obj)
    raise TypeError(type(obj).__name__)


def summary_json(s: Summary) -> str:
    data = {"schema": "jixiao/summary@1", **dataclasses.asdict(s)}
    return json.dumps(inert.tree(data), ensure_ascii=False, indent=2, default=_plain)


def findings_json(rows: Sequence[FindingView]) -> str:
    return json.dumps(inert.tree([dataclasses.asdict(f) for f in rows]), ensure_ascii=False, indent=2, default=_plain)
