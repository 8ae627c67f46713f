"""Command line: a thin layer over :mod:`jixiao.pipeline` (Typer + Rich).

Exit codes (overview.md): 0 no error finding, 1 some error finding, 2 some input unreadable.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from . import inert
from .checks import SEVERITY_ORDER, SEVERITY_STYLE, SEVERITY_ZH, iter_catalogue
from .exitcodes import Exit
from .export.json import department_list_json, evaluation_json
from .options import DEFAULT_JOBS, JobsOpt, LimitOpt, PolicyOpt, TemplateOpt, err, fail, known, limits_of, out
from .pipeline import CheckedDocument, FileFailure, batch_exit, check_paths, load
from .scoring import POLICIES
from .scoring.rounding import show
from .templates import TEMPLATES
from .templates.commands import list_templates
from .values import fmt

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="jixiao：项目支出绩效自评表的读取、计分与审核。")
Files = Annotated[list[str], typer.Argument(help="文件或目录（目录下的文件逐个读取）", metavar="FILE...")]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出机器可读的 JSON")]


def _dump(data: Any) -> None:
    sys.stdout.write(json.dumps(inert.tree(data), ensure_ascii=False, indent=2) + "\n")


@app.command()
def parse(files: Files, as_json: JsonOpt = False, template: TemplateOpt = None, jobs: JobsOpt = DEFAULT_JOBS,
          limit: LimitOpt = None) -> None:
    """读取自评表，输出结构化数据。"""
    known(template, TEMPLATES, "表格模板")
    objects: list[dict[str, Any]] = []
    failures: list[FileFailure] = []
    for item in load(files, template, workers=jobs, limits=limits_of(limit)):
        if isinstance(item, FileFailure):
            failures.append(item)
            fail(item)
            continue
        if as_json:
            objects += [department_list_json(dl) for dl in item.lists]
            objects += [evaluation_json(ev) for ev in item.evaluations]
            continue
        table = Table(title=inert.console(f"{item.file}（{item.format}，{len(item.evaluations)} 张表）"), title_justify="left")
        for col in ("#", "项目名称", "模板", "年度", "单位", "全年预算数", "全年执行数", "执行率", "总分", "指标", "读取提示"):
            table.add_column(col, justify="right" if col not in ("项目名称", "模板", "单位") else "left")
        for ev in item.evaluations:
            row = ev.funds.total
            table.add_row(str(ev.source.form_index + 1), inert.console(ev.project.name or "（无名称）"), ev.template,
                          str(ev.year or ""), ev.money_unit or "",
                          fmt(row.full_year.amount) if row and row.full_year else "",
                          fmt(row.executed.amount) if row and row.executed else "",
                          fmt(row.rate) if row and row.rate is not None else "",
                          fmt(ev.total.score) if ev.total and ev.total.score is not None else "—",
                          str(len(ev.indicators)), str(len(ev.warnings)) if ev.warnings else "")
        out.print(table)
        for dl in item.lists:
            out.print(f"项目清单：{inert.console(dl.title or '（无标题）')}，{len(dl.items)} 个项目，"
                      f"合计 {fmt(dl.total_amount) or '—'}"
                      f"{dl.money_unit or ''}")
    if as_json:
        _dump(objects)
    raise typer.Exit(batch_exit(failures, False))


def _check_json(checked: CheckedDocument) -> list[dict[str, Any]]:
    objs: list[dict[str, Any]] = []
    for dl, findings in checked.list_findings:
        objs.append({"schema": "jixiao/department-list-check@1", "source": dl.source.to_json(), "title": dl.title,
                     "findings": [f.to_json() for f in findings]})
    for r in checked.results:
        objs.append({
            "schema": "jixiao/check@1",
            "source": r.ev.source.to_json(),
            "project": {"name": r.ev.project.name, "code": r.ev.project.code},
            "policy": r.policy.name,
            "template": r.ev.template,
            "findings": [f.to_json() for f in r.findings],
            "recomputed": r.recomputed.to_json(),
            "warnings": list(r.ev.warnings),
        })
    return objs


def _print_checked(checked: CheckedDocument, min_severity: str) -> None:
    doc = checked.doc
    table = Table(title=inert.console(f"{doc.file}（{len(doc.evaluations)} 张表）"), title_justify="left")
    for col in ("#", "项目名称", "模板", "执行率 印/算", "总分 印/算", "错误", "警告", "提示"):
        table.add_column(col, justify="left" if col == "项目名称" else "right")
    for r in checked.results:
        ev, rec = r.ev, r.recomputed
        rate_printed = fmt(ev.funds.total.rate) if ev.funds.total and ev.funds.total.rate is not None else "—"
        total_printed = fmt(ev.total.score) if ev.total and ev.total.score is not None else "—"
        errors = r.count("error")
        table.add_row(str(ev.source.form_index + 1), inert.console(ev.project.name or "（无名称）"), ev.template,
                      f"{rate_printed} / {show(rec.rate) if rec.rate is not None else '—'}",
                      f"{total_printed} / {show(rec.total) if rec.total is not None else '—'}",
                      f"[bold red]{errors}[/]" if errors else "0", str(r.count("warning")), str(r.count("info")))
    out.print(table)
    limit = SEVERITY_ORDER[min_severity]
    for r in checked.results:
        shown = [f for f in r.findings if SEVERITY_ORDER[f.severity] <= limit]
        if not shown:
            continue
        out.print(f"[bold]{r.ev.source.form_index + 1}. {inert.console(r.ev.project.name or '（无名称）')}[/]")
        for f in shown:
            where = f"（{inert.console(f.locator)}）" if f.locator else ""
            out.print(f"  [{SEVERITY_STYLE[f.severity]}]{SEVERITY_ZH[f.severity]}[/] {f.code}: {inert.console(f.message)}{where}",
                      highlight=False)
        if min_severity == "info":
            for w in r.ev.warnings:
                out.print(f"  [dim]读取提示 {inert.console(w)}[/]", highlight=False)
    for dl, findings in checked.list_findings:
        shown = [f for f in findings if SEVERITY_ORDER[f.severity] <= limit]
        total = fmt(dl.total_amount) or "—"
        out.print(f"[bold]项目清单：{inert.console(dl.title or '（无标题）')}[/]"
                  f"（{len(dl.items)} 个项目，合计 {total}{dl.money_unit or ''}"
                  f"{'' if shown else '，未发现问题'}）", highlight=False)
        for f in shown:
            out.print(f"  [{SEVERITY_STYLE[f.severity]}]{SEVERITY_ZH[f.severity]}[/] {f.code}: {inert.console(f.message)}",
                          highlight=False)


@app.command()
def check(
    files: Files,
    as_json: JsonOpt = False,
    policy: PolicyOpt = None,
    severity: Annotated[str, typer.Option("--severity", help="显示到哪一级：error / warning / info")] = "info",
    template: TemplateOpt = None,
    jobs: JobsOpt = DEFAULT_JOBS,
    limit: LimitOpt = None,
) -> None:
    """审核自评表：重算执行率、得分、总分，列出全部问题。"""
    known(policy, POLICIES, "评分规则")
    known(template, TEMPLATES, "表格模板")
    if severity not in SEVERITY_ORDER:
        err.print(f"--severity 只能是 error、warning 或 info，而不是“{inert.console(severity)}”")
        raise typer.Exit(Exit.USAGE)
    objects: list[dict[str, Any]] = []
    failures: list[FileFailure] = []
    any_error = False
    for checked in check_paths(files, policy, template, workers=jobs, limits=limits_of(limit)):
        if isinstance(checked, FileFailure):
            failures.append(checked)
            fail(checked)
            continue
        any_error = any_error or any(r.has_errors() for r in checked.results) or any(
            f.severity == "error" for _, fs in checked.list_findings for f in fs)
        if as_json:
            objects += _check_json(checked)
        else:
            _print_checked(checked, severity)
    if as_json:
        _dump(objects)
    raise typer.Exit(batch_exit(failures, any_error))


@app.command()
def checks() -> None:
    """列出全部审核规则（代码、级别、说明）。"""
    table = Table(title="审核规则")
    for col in ("代码", "级别", "说明"):
        table.add_column(col)
    for chk in iter_catalogue():
        table.add_row(chk.code, SEVERITY_ZH[chk.severity], chk.title)
    out.print(table)


@app.command()
def templates() -> None:
    """列出可识别的表格模板。"""
    list_templates(out)


@app.command()
def policies() -> None:
    """列出可用的评分规则。"""
    for name, pol in POLICIES.items():
        out.print(f"{name}\t{pol.title}")


from .export.commands import register as register_export  # noqa: E402 - registers on this module's app
from .store import commands as store  # noqa: E402

register_export(app)

app.command("import")(store.import_files)
app.command()(store.summary)
app.command()(store.findings)

if __name__ == "__main__":  # pragma: no cover
    app()
