"""One form drawn as on paper, its findings marked on the cells they concern (``jixiao show``).

Works from the contract's JSON (evaluation@1 and check@1 findings), so a form read from a file and a
form from the store look the same. A finding's ``field`` ("funds.total.rate", "indicators[3].score",
"total.score", "project.phone") names its cell; the cell shows a numbered mark in the finding's colour,
and the list below the form says what each mark means and where the value sits in the source.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from rich import box
from rich.console import Console
from rich.table import Table

from . import inert
from .checks import SEVERITY_ORDER, SEVERITY_STYLE, SEVERITY_ZH
from .model import COLUMN_ZH, FUNDS_ROW_ZH
from .render import place_zh

FUNDS_COLUMNS = ("initial", "full_year", "executed", "weight", "rate", "score")
INDICATOR_COLUMNS = (("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标"), ("target", "年度指标值"),
                     ("actual", "实际完成值"), ("weight", "分值"), ("score", "得分"), ("note", "偏差原因分析及改进措施"))
HEADER = (("name", "项目名称"), ("code", "项目编码"), ("department", "主管部门"), ("implementing_unit", "实施单位"),
          ("manager", "项目负责人"), ("phone", "联系电话"))
MARKS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_INDEX = re.compile(r"^indicators\[(\d+)\]\.?(\w*)")


def _mark(n: int) -> str:
    return MARKS[n] if n < len(MARKS) else f"({n + 1})"


class Marks:
    """The findings by the cell they concern, each with its number in the list under the form."""

    def __init__(self, findings: Sequence[Mapping[str, Any]]) -> None:
        self.findings = sorted(findings, key=lambda f: SEVERITY_ORDER.get(f["severity"], 3))
        self.by_field: dict[str, list[int]] = {}
        for n, f in enumerate(self.findings):
            self.by_field.setdefault(f.get("field") or "", []).append(n)
        self.placed: set[int] = set()

    def cell(self, text: object, *fields: str) -> str:
        """``text`` with the marks of the findings on ``fields`` (the first that has any)."""
        shown = inert.console("" if text is None else str(text))
        for field in fields:
            if field in self.by_field:
                marks = []
                for n in self.by_field[field]:
                    self.placed.add(n)
                    marks.append(f"[{SEVERITY_STYLE.get(self.findings[n]['severity'], '')}]{_mark(n)}[/]")
                return f"{shown} {''.join(marks)}".strip()
        return shown


def _funds(doc: Mapping[str, Any], marks: Marks) -> Table:
    unit = doc.get("money_unit") or "元"
    table = Table(title=f"项目资金（{unit}）", title_justify="left", box=box.SQUARE, show_lines=True)
    table.add_column("")
    for col in FUNDS_COLUMNS:
        table.add_column(COLUMN_ZH.get(col, col), justify="right", no_wrap=True)
    for key, row in (doc.get("funds") or {}).items():
        if row is None:
            continue
        table.add_row(FUNDS_ROW_ZH.get(key, key),
                      *(marks.cell(row.get(col), f"funds.{key}.{col}") for col in FUNDS_COLUMNS))
    return table


def _indicators(doc: Mapping[str, Any], marks: Marks) -> Table:
    table = Table(title="年度绩效指标", title_justify="left", box=box.SQUARE, show_lines=True)
    for key, title in INDICATOR_COLUMNS:
        numeric = key in ("weight", "score")
        table.add_column(title, justify="right" if numeric else "left", no_wrap=numeric, overflow="fold")
    previous: tuple[str | None, str | None] = (None, None)
    for n, ind in enumerate(doc.get("indicators") or []):
        levels = (ind.get("level1"), ind.get("level2"))
        # Filled-down levels print once, as the merged cells on paper.
        shown = ["" if levels[0] == previous[0] else levels[0], "" if levels == previous else levels[1]]
        previous = levels
        table.add_row(inert.console(shown[0] or ""), inert.console(shown[1] or ""),
                      *(marks.cell(ind.get(key), f"indicators[{n}].{key}", *(() if key != "name" else (f"indicators[{n}]",)))
                        for key, _ in INDICATOR_COLUMNS[2:]))
    return table


def draw(doc: Mapping[str, Any], findings: Sequence[Mapping[str, Any]], console: Console, heading: str) -> None:
    """Print the form and, under it, its findings by number with their place in the source."""
    marks = Marks(findings)
    project = doc.get("project") or {}
    year = doc.get("year")
    console.print(f"[bold]{inert.console(doc.get('title') or '项目支出绩效自评表')}[/]"
                  f"{f'（{year}年度）' if year else ''}", highlight=False)
    console.print(f"[dim]{inert.console(heading)}[/]", highlight=False)
    header = Table(box=box.SQUARE, show_header=False, show_lines=True)
    for _ in range(4):
        header.add_column(overflow="fold")
    pairs = [(title, marks.cell(project.get(key), f"project.{key}")) for key, title in HEADER]
    pairs.insert(0, ("绩效自评年度", marks.cell(year, "year")))
    for i in range(0, len(pairs), 2):
        left, right = pairs[i], pairs[i + 1] if i + 1 < len(pairs) else ("", "")
        header.add_row(f"[bold]{left[0]}[/]", left[1], f"[bold]{right[0]}[/]", right[1])
    console.print(header)
    console.print(_funds(doc, marks))
    goals = doc.get("goals") or {}
    for key, title in (("expected", "预期目标"), ("achieved", "实际完成情况")):
        console.print(f"[bold]{title}[/]：{marks.cell(goals.get(key) or '（空）', f'goals.{key}')}", highlight=False)
    console.print(_indicators(doc, marks))
    total = doc.get("total") or {}
    console.print(f"[bold]总分[/]：分值 {marks.cell(total.get('weight') or '—', 'total.weight')}，"
                  f"得分 {marks.cell(total.get('score') or '—', 'total.score', 'total')}", highlight=False)
    if not marks.findings:
        console.print("[green]未发现问题[/]", highlight=False)
        return
    console.print(f"[bold]问题（{len(marks.findings)} 条）[/]", highlight=False)
    for n, f in enumerate(marks.findings):
        where = place_zh(f.get("locator"))
        unplaced = "" if n in marks.placed else "〔整表〕"
        console.print(f" [{SEVERITY_STYLE.get(f['severity'], '')}]{_mark(n)} {SEVERITY_ZH.get(f['severity'], f['severity'])}[/]"
                      f" {inert.console(f['code'])}{unplaced}：{inert.console(f['message'])}"
                      f"{inert.console(f'（{where}）' if where else '')}",
                      highlight=False)
