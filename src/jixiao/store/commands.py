"""The store's commands (``jixiao import``, ``summary``, ``findings``), registered by cli.py.

Exit codes follow the rest of the CLI: 0 done, 2 some input could not be read or stored
(the rest of the batch still went in), and 2 with a one-line message for a bad option
or an unreachable database.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from .. import inert
from ..checks import CHECKS, SEVERITY_ORDER
from ..errors import JixiaoError
from ..options import LimitOpt, PolicyOpt, TemplateOpt, err, known, limits_of, out
from ..scoring import POLICIES

# The store's modules load SQLAlchemy and Alembic (half a second); they are imported inside
# the commands so that parse and check, which share the CLI, do not pay for them.

DbOpt = Annotated[Optional[str], typer.Option(
    "--db", help="数据库：SQLite 文件路径或 SQLAlchemy URL（postgresql://…）；默认取 JIXIAO_DB，"
                 "再默认 ~/.local/share/jixiao/jixiao.db", show_default=False)]
YearOpt = Annotated[Optional[int], typer.Option("--year", help="只看这一年度")]
DepartmentOpt = Annotated[Optional[str], typer.Option("--department", help="只看这个主管部门")]
FORMATS = ("table", "csv", "xlsx", "json")


def _stop(message: str) -> None:
    err.print(f"[red]✗[/red] {inert.console(message)}", highlight=False)
    raise typer.Exit(2)


def _open(db: str | None):  # noqa: ANN202 - an Engine
    from .db import open_store

    try:
        return open_store(db)
    except JixiaoError as exc:
        _stop(exc.message)


def _report(report, url: str) -> None:  # noqa: ANN001 - an ImportReport
    from .db import describe

    err.print(f"数据库：{inert.console(describe(url))}", highlight=False)
    err.print(f"共 {report.files_seen} 个文件：导入 {report.imported} 个（{report.forms} 张自评表、{report.lists} 份项目清单"
              f"{f'，其中 {report.new_versions} 张是已有项目的新版本' if report.new_versions else ''}），"
              f"跳过 {len(report.skipped)} 个已导入的文件，失败 {len(report.failed)} 个。", highlight=False)
    if report.failed:
        table = Table(title="未能导入的文件", title_justify="left")
        table.add_column("文件", overflow="fold")
        table.add_column("原因", overflow="fold")
        for f in report.failed:
            table.add_row(inert.console(f.file), inert.console(f.message.removeprefix(f"{f.file}: ").removeprefix(f"{f.file}（")))
        err.print(table)


def import_files(
    paths: Annotated[list[str], typer.Argument(help="文件或目录（目录递归读取）", metavar="PATH...")],
    db: DbOpt = None,
    workers: Annotated[int, typer.Option("--workers", "-j", min=1, help="并行读取的进程数")] = os.cpu_count() or 1,
    policy: PolicyOpt = None,
    template: TemplateOpt = None,
    limit: LimitOpt = None,
) -> None:
    """把自评表批量导入数据库（同一文件只导入一次；中断后重新运行即可续上）。"""
    from ..templates import TEMPLATES
    from .db import resolve_url
    from .importer import import_paths

    known(policy, POLICIES, "评分规则")
    known(template, TEMPLATES, "表格模板")
    engine = _open(db)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=err, transient=False, disable=not err.is_terminal) as bar:
        task = bar.add_task("检查已导入的文件", total=None)
        report = import_paths(paths, engine, workers=workers, policy=policy, template=template, limits=limits_of(limit),
                              on_plan=lambda n: bar.update(task, total=n, description="导入"),
                              progress=lambda _file, _outcome: bar.advance(task))
    engine.dispose()
    _report(report, resolve_url(db))
    raise typer.Exit(2 if report.failed else 0)


def _emit(sections, fmt: str, output: Path | None, as_json: str) -> None:  # noqa: ANN001
    from .output import print_tables, to_csv, write_xlsx

    if fmt == "table":
        print_tables(sections, out)
    elif fmt == "csv":
        text = to_csv(sections)
        if output:
            output.write_text(text, encoding="utf-8-sig")
        else:
            sys.stdout.write(text)
    elif fmt == "json":
        if output:
            output.write_text(as_json + "\n", encoding="utf-8")
        else:
            sys.stdout.write(as_json + "\n")
    else:
        if output is None:
            _stop("--format xlsx 需要用 --output 指定文件")
        write_xlsx(sections, output)  # type: ignore[arg-type]
    if output:
        err.print(f"已写入 {inert.console(output)}", highlight=False)


def summary(
    db: DbOpt = None,
    by: Annotated[str, typer.Option(
        "--by", help="按 department（主管部门）、unit（实施单位）或 year（年度）汇总")] = "department",
    fmt: Annotated[str, typer.Option("--format", help="table、csv、xlsx 或 json")] = "table",
    unit: Annotated[str, typer.Option("--unit", help="金额单位：万元 或 元（精确换算）")] = "万元",
    year: YearOpt = None,
    department: DepartmentOpt = None,
    section: Annotated[Optional[str], typer.Option(
        "--section", help="只输出一部分：groups、codes、lists、years")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="写入文件（xlsx 必须指定）")] = None,
) -> None:
    """汇总库中每个项目的最新版本：项目数、预算与执行、执行率、得分与等级、审核问题、部门清单、跨年度对比。"""
    from .output import summary_json, summary_sections
    from .query import Filters
    from .summary import GROUP_BY_ZH, summarize

    if by not in GROUP_BY_ZH:
        _stop(f"--by 只能是 department、unit 或 year，而不是“{by}”")
    if fmt not in FORMATS:
        _stop(f"--format 只能是 {'、'.join(FORMATS)}，而不是“{fmt}”")
    if unit not in ("元", "万元"):
        _stop(f"--unit 只能是 元 或 万元，而不是“{unit}”")
    if section not in (None, "groups", "codes", "lists", "years"):
        _stop(f"--section 只能是 groups、codes、lists 或 years，而不是“{section}”")
    s = summarize(_open(db), by, unit, Filters(year, department))  # type: ignore[arg-type]
    sections = [sec for sec in summary_sections(s) if section is None or sec.key == section]
    _emit(sections, fmt, output, summary_json(s))


def findings(
    db: DbOpt = None,
    code: Annotated[Optional[str], typer.Option("--code", help="只看这个规则代码，见 jixiao checks")] = None,
    severity: Annotated[Optional[str], typer.Option("--severity", help="error、warning 或 info")] = None,
    year: YearOpt = None,
    department: DepartmentOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="table、csv、xlsx 或 json")] = "table",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="写入文件（xlsx 必须指定）")] = None,
) -> None:
    """列出库中各表的审核问题（每个项目的最新版本），可按规则代码、级别、年度、部门筛选。"""
    from .output import finding_section, findings_json, print_findings
    from .query import Filters, load_findings

    if code and code not in CHECKS:
        _stop(f"未知的规则代码“{code}”，见 jixiao checks")
    if severity and severity not in SEVERITY_ORDER:
        _stop(f"--severity 只能是 error、warning 或 info，而不是“{severity}”")
    if fmt not in FORMATS:
        _stop(f"--format 只能是 {'、'.join(FORMATS)}，而不是“{fmt}”")
    rows = load_findings(_open(db), Filters(year, department), code, severity)
    if fmt == "table" and output is None:
        print_findings(rows, out)
    else:
        _emit([finding_section(rows)], fmt, output, findings_json(rows))
