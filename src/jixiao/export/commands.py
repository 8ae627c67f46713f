"""The ``template``, ``export`` and ``report`` commands; registered on the CLI app by :func:`register`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from ..cli import Files, PolicyOpt, _fail, _known, err, out
from ..errors import JixiaoError
from ..model import Evaluation
from ..pipeline import FileFailure, load
from ..scoring import POLICIES, get_policy

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')

OutDir = Annotated[Path, typer.Option("-o", "--out", help="输出目录", file_okay=False)]


def output_name(ev: Evaluation, suffix: str) -> str:
    """``<file stem>_<form number>_<project name>.<suffix>``: unique per form, readable in a file list."""
    name = _UNSAFE.sub("_", ev.project.name or "未命名")[:40].strip("_")
    return f"{Path(ev.source.file).stem}_{ev.source.form_index + 1:02d}_{name}.{suffix}"


def template(
    output: Annotated[Path, typer.Option("-o", "--out", help="输出的 xlsx 文件")] = Path("项目支出绩效自评表.xlsx"),
    year: Annotated[int | None, typer.Option("--year", help="绩效自评年度")] = None,
    policy: PolicyOpt = None,
) -> None:
    """生成空白的 Excel 自评表模板（灰色单元格为公式并锁定）。"""
    from .xlsx import template_xlsx

    _known(policy, POLICIES, "评分规则")
    output.write_bytes(template_xlsx(get_policy(policy or "national"), year))
    out.print(f"已生成模板：{output}", highlight=False)


def export(
    files: Files,
    output: OutDir = Path("."),
    fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx / docx / pdf / json")] = "xlsx",
    policy: PolicyOpt = None,
) -> None:
    """把读取的自评表导出为 Excel 模板、Word、PDF 或 JSON，每张表一个文件。"""
    from . import exporters

    known = exporters()
    _known(fmt, known, "导出格式")
    _known(policy, POLICIES, "评分规则")
    exporter = known[fmt]
    output.mkdir(parents=True, exist_ok=True)
    items: list[tuple[Evaluation, Path]] = []
    unreadable = False
    for item in load(files):
        if isinstance(item, FileFailure):
            unreadable = True
            _fail(item)
            continue
        items += [(ev, output / output_name(ev, exporter.suffix)) for ev in item.evaluations]
    try:
        exporter.write(items, policy)
    except JixiaoError as exc:
        err.print(f"[red]✗[/red] {exc.message}", highlight=False)
        raise typer.Exit(2) from None
    for _, path in items:
        out.print(str(path), highlight=False)
    out.print(f"共导出 {len(items)} 张表（{exporter.title}）", highlight=False)
    raise typer.Exit(2 if unreadable else 0)


def report(
    files: Files,
    output: Annotated[Path, typer.Option("-o", "--out", help="report.html 或 report.pdf")] = Path("审核报告.html"),
    policy: PolicyOpt = None,
) -> None:
    """生成中文审核报告（HTML 或 PDF）：按主管部门汇总，有错误的表在前，附执行率与总分图。"""
    from .report import build_report, write_report

    _known(policy, POLICIES, "评分规则")
    result = build_report(files, policy)
    for failure in result.failures:
        _fail(failure)
    try:
        write_report(result, output)
    except JixiaoError as exc:
        err.print(f"[red]✗[/red] {exc.message}", highlight=False)
        raise typer.Exit(2) from None
    out.print(f"已生成审核报告：{output}（{result.form_count} 张表，其中有错误的 {result.error_forms} 张）", highlight=False)
    raise typer.Exit(2 if result.failures else 0)


def register(app: typer.Typer) -> None:
    app.command("template")(template)
    app.command("export")(export)
    app.command("report")(report)
