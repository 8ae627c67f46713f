"""``jixiao templates``: the registered form templates, their titles, labels and scoring policy."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from . import TEMPLATES


def list_templates(out: Console) -> None:
    table = Table(title="表格模板（识别时取得分最高者；--template 名称 可强制指定）", title_justify="left")
    for col in ("名称", "模板", "标题", "识别标签", "评分规则"):
        table.add_column(col)
    for t in TEMPLATES.values():
        table.add_row(t.name, t.title, "、".join(t.titles), "、".join(label for label, _ in t.labels), t.policy)
    out.print(table)
