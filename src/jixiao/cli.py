"""Command line: a thin layer over :mod:`jixiao.pipeline` (Typer + Rich).

Exit codes: :class:`jixiao.exitcodes.Exit` (0 no error finding, 1 some error finding, 2 some input
unreadable, 64 a usage error, …); the README's table is generated from it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import __version__, inert
from .checks import SEVERITY_STYLE, SEVERITY_ZH, CheckResult, Finding, iter_catalogue
from .contract import department_list_json, evaluation_json
from .exitcodes import Exit
from .model import Document
from .options import (
    DEFAULT_JOBS,
    DbOpt,
    DraftOpt,
    FormatOpt,
    JobsOpt,
    JsonOpt,
    LimitOpt,
    OnlyOpt,
    OutputOpt,
    PolicyOpt,
    SeverityOpt,
    SkipOpt,
    TemplateOpt,
    check_codes,
    fail,
    keep,
    known,
    limits_of,
    out,
    output_format,
    severities,
    usage,
    with_progress,
    write,
)
from .pipeline import CheckedDocument, FileFailure, LateFindings, batch_exit, check_paths, load
from .render import Column, Section, Stream, Value, number, place_zh
from .scoring import POLICIES
from .scoring.rounding import round_half_up
from .shelf import Filed, Spool
from .templates import TEMPLATES
from .values import fmt
from .zhcli import ZhGroup, command

app = typer.Typer(cls=ZhGroup, no_args_is_help=True, rich_markup_mode="rich",
                  help="jixiao：项目支出绩效自评表的读取、计分与审核。")
Files = Annotated[list[str], typer.Argument(help="文件或目录（目录下的文件逐个读取）", metavar="FILE...")]


def _version(value: bool) -> None:
    if value:
        out.print(f"jixiao {__version__}", highlight=False)
        raise typer.Exit(Exit.OK)


@app.callback()
def _main(version: Annotated[Optional[bool], typer.Option(
        "--version", "-V", help="显示版本并退出", callback=_version, is_eager=True)] = None) -> None:
    """jixiao：项目支出绩效自评表的读取、计分与审核。"""


def _dec(text: str | None) -> Value:
    return Decimal(text) if text else None


def _failure_json(f: FileFailure) -> dict[str, Any]:
    return {"schema": "jixiao/file-failure@1", "file": f.file, "code": f.code, "message": f.message}


# ------------------------------------------------------------------ parse

_PARSE_COLUMNS = [number("#"), Column("项目名称"), Column("模板"), number("年度"), Column("单位"),
                  number("全年预算数"), number("全年执行数"), number("执行率%"), number("总分"), number("指标"),
                  number("读取提示")]


def _parse_rows(doc: Document) -> list[list[Value]]:
    rows: list[list[Value]] = []
    for ev in doc.evaluations:
        row = ev.funds.total
        rows.append([ev.source.form_index + 1, ev.project.name or "（无名称）", ev.template, ev.year, ev.money_unit,
                     _dec(fmt(row.full_year.amount)) if row and row.full_year else None,
                     _dec(fmt(row.executed.amount)) if row and row.executed else None,
                     _dec(fmt(row.rate)) if row and row.rate is not None else None,
                     _dec(fmt(ev.total.score)) if ev.total and ev.total.score is not None else None,
                     len(ev.indicators), len(ev.warnings) or None])
    return rows


@command(app)
def parse(files: Files, fmt_: FormatOpt = None, as_json: JsonOpt = False, output: OutputOpt = None,
          template: TemplateOpt = None, jobs: JobsOpt = DEFAULT_JOBS, limit: LimitOpt = None) -> None:
    """读取自评表，输出结构化数据（--json 为 jixiao/evaluation@1 契约）。"""
    chosen = output_format(fmt_, as_json)
    known(template, TEMPLATES, "表格模板")
    printing = chosen == "table" and output is None
    objects: Spool[dict[str, Any]] = Spool()  # on disk until written: a run of any size
    rows: Spool[list[Value]] = Spool()
    failures: list[FileFailure] = []
    for item in with_progress(load(files, template, workers=jobs, limits=limits_of(limit)), files, "读取"):
        if isinstance(item, FileFailure):
            failures.append(item)
            fail(item)
            continue
        if not printing:
            objects.extend(department_list_json(dl) for dl in item.lists)
            objects.extend(evaluation_json(ev) for ev in item.evaluations)
            rows.extend([item.file, *r] for r in _parse_rows(item))
            continue
        write([Section(item.file, f"{item.file}（{item.format}，{len(item.evaluations)} 张表）", _PARSE_COLUMNS,
                       _parse_rows(item))], chosen, None, None)
        for dl in item.lists:
            out.print(f"项目清单：{inert.console(dl.title or '（无标题）')}，{len(dl.items)} 个项目，"
                      f"合计 {fmt(dl.total_amount) or '—'}{dl.money_unit or ''}", highlight=False)
    if not printing:
        write([Section("forms", "自评表", [Column("文件"), *_PARSE_COLUMNS], rows)], chosen, Stream(objects), output)
    raise typer.Exit(batch_exit(failures, False))


# ------------------------------------------------------------------ check


def _check_json(checked: CheckedDocument, shown: dict[int, list[Finding]]) -> list[dict[str, Any]]:
    from .contract import check_json, list_check_json

    objs = [list_check_json(dl, shown[id(fs)]) for dl, fs in checked.list_findings]
    return objs + [check_json(r, shown[id(r.findings)]) for r in checked.results]


_CHECK_COLUMNS = [number("#"), Column("项目名称"), Column("模板"), number("执行率（印）"), number("执行率（算）"),
                  number("总分（印）"), number("总分（算）"), number("错误"), number("警告"), number("提示")]


def _check_rows(results: list[CheckResult], shown: dict[int, list[Finding]]) -> list[list[Value]]:
    rows: list[list[Value]] = []
    for r in results:
        ev, rec = r.ev, r.recomputed
        fs = shown[id(r.findings)]
        rows.append([ev.source.form_index + 1, ev.project.name or "（无名称）", ev.template,
                     _dec(fmt(ev.funds.total.rate)) if ev.funds.total and ev.funds.total.rate is not None else None,
                     _computed(rec.rate), _dec(fmt(ev.total.score)) if ev.total and ev.total.score is not None else None,
                     _computed(rec.total),
                     *(sum(1 for f in fs if f.severity == s) for s in ("error", "warning", "info"))])
    return rows


def _computed(d: Decimal | None) -> Decimal | None:
    """A recomputed value as the form would print it: two places, half up."""
    return round_half_up(d, 2) if d is not None else None


_FINDING_COLUMNS = [Column("文件"), number("表"), Column("项目"), Column("级别"), Column("代码"), Column("说明"),
                    Column("位置"), Column("应为"), Column("表中")]


def _finding_line(f: Finding) -> str:
    where = f"（{place_zh(f.locator)}）" if f.locator else ""
    return (f"  [{SEVERITY_STYLE[f.severity]}]{SEVERITY_ZH[f.severity]}[/] {inert.console(f.code)}: "
            f"{inert.console(f.message)}{inert.console(where)}")


def _print_checked(checked: CheckedDocument, shown: dict[int, list[Finding]], warnings: bool) -> None:
    doc = checked.doc
    write([Section("forms", f"{doc.file}（{len(doc.evaluations)} 张表）", _CHECK_COLUMNS,
                   _check_rows(checked.results, shown))], "table", None, None)
    for r in checked.results:
        fs = shown[id(r.findings)]
        if not fs and not (warnings and r.ev.warnings):
            continue
        out.print(f"[bold]{r.ev.source.form_index + 1}. {inert.console(r.ev.project.name or '（无名称）')}[/]", highlight=False)
        for f in fs:
            out.print(_finding_line(f), highlight=False)
        if warnings:
            for w in r.ev.warnings:
                out.print(f"  [dim]读取提示 {inert.console(w)}[/]", highlight=False)
    for dl, findings in checked.list_findings:
        fs = shown[id(findings)]
        total = fmt(dl.total_amount) or "—"
        out.print(f"[bold]项目清单：{inert.console(dl.title or '（无标题）')}[/]（{len(dl.items)} 个项目，合计 {total}"
                  f"{dl.money_unit or ''}{'' if fs else '，未发现问题'}）", highlight=False)
        for f in fs:
            out.print(_finding_line(f), highlight=False)


Late = Filed[Finding]  # findings across years given after their form, by file and form


def _late_rows(late: LateFindings, fs: list[Finding]) -> list[list[Value]]:
    return [[late.file, late.form_index + 1, late.project, SEVERITY_ZH[f.severity], f.code, f.message,
             place_zh(f.locator), f.expected, f.found] for f in fs]


def _with_late(objects: Spool[dict[str, Any]], forms: Spool[list[Value]], late: Late
               ) -> tuple[Spool[dict[str, Any]], Spool[list[Value]]]:
    """The run's objects and form rows with the findings across years that came after their form was
    given out added where the form stands (each copied once more, from its spool to another)."""
    if not late:
        return objects, forms
    patched: Spool[dict[str, Any]] = Spool()
    for obj in objects:
        src = obj.get("source") or {}
        if "findings" in obj and (fs := late.get((src.get("file"), src.get("form_index")))):
            obj["findings"] += [f.to_json() for f in fs]
        patched.append(obj)
    counts = {"error": -3, "warning": -2, "info": -1}
    rows: Spool[list[Value]] = Spool()
    for row in forms:
        for f in late.get((str(row[0]), int(row[1] or 0) - 1)):
            row[counts[f.severity]] = int(row[counts[f.severity]] or 0) + 1
        rows.append(row)
    return patched, rows


def _print_late(late: LateFindings, fs: list[Finding], shown_before: bool) -> bool:
    if not shown_before:
        out.print("[bold]跨年度比对（上年的表在本年之后读入，补充如下）[/]", highlight=False)
    out.print(f"[bold]{inert.console(late.file)} 第{late.form_index + 1}张表 {inert.console(late.project)}[/]",
              highlight=False)
    for f in fs:
        out.print(_finding_line(f), highlight=False)
    return True


@command(app)
def check(
    files: Files,
    fmt_: FormatOpt = None,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    policy: PolicyOpt = None,
    severity: SeverityOpt = None,
    only: OnlyOpt = None,
    skip: SkipOpt = None,
    template: TemplateOpt = None,
    draft: DraftOpt = False,
    jobs: JobsOpt = DEFAULT_JOBS,
    limit: LimitOpt = None,
) -> None:
    """审核自评表：重算执行率、得分、总分，列出全部问题。

    同一项目不同年度的表在不同文件中时也相互比对（项目编码相同，或名称及单位相同）；上年的表在本年之后读入时，
    比对结果在最后补充列出。"""
    chosen = output_format(fmt_, as_json)
    known(policy, POLICIES, "评分规则")
    known(template, TEMPLATES, "表格模板")
    levels, codes = severities(severity), check_codes(only, skip)
    # What is printed waits on disk (Spool), not in memory, until the run's findings across years are known.
    objects: Spool[dict[str, Any]] = Spool()
    rows: Spool[list[Value]] = Spool()
    found: Spool[list[Value]] = Spool()
    late: Late = Filed()
    printing = chosen == "table" and output is None
    failures: list[FileFailure] = []
    any_error = False
    checking = check_paths(files, policy, template, workers=jobs, limits=limits_of(limit), final=not draft)
    late_shown = False
    for checked in with_progress(checking, files, "读取并审核"):
        if isinstance(checked, LateFindings):
            fs = [f for f in checked.findings if keep(f.code, f.severity, codes, None)]
            any_error = any_error or any(f.severity == "error" for f in fs)
            fs = [f for f in fs if keep(f.code, f.severity, None, levels)]
            if fs:
                for f in fs:
                    late.add((checked.file, checked.form_index), f)
                found.extend(_late_rows(checked, fs))
                if printing:
                    late_shown = _print_late(checked, fs, late_shown)
            continue
        if isinstance(checked, FileFailure):
            failures.append(checked)
            fail(checked)
            objects.append(_failure_json(checked))
            continue
        kept = {id(fs): [f for f in fs if keep(f.code, f.severity, codes, None)]
                for fs in (*(r.findings for r in checked.results), *(fs for _, fs in checked.list_findings))}
        any_error = any_error or any(f.severity == "error" for fs in kept.values() for f in fs)
        shown = {k: [f for f in fs if keep(f.code, f.severity, None, levels)] for k, fs in kept.items()}
        if printing:
            _print_checked(checked, shown, levels is None or "info" in levels)
            continue
        objects.extend(_check_json(checked, shown))
        rows.extend([checked.doc.file, *row] for row in _check_rows(checked.results, shown))
        for r in checked.results:
            found.extend([checked.doc.file, r.ev.source.form_index + 1, r.ev.project.name, SEVERITY_ZH[f.severity],
                          f.code, f.message, place_zh(f.locator), f.expected, f.found] for f in shown[id(r.findings)])
        for dl, fs in checked.list_findings:
            found.extend([checked.doc.file, None, dl.title or "项目清单", SEVERITY_ZH[f.severity], f.code, f.message,
                          place_zh(f.locator), f.expected, f.found] for f in shown[id(fs)])
    if not printing:
        objects, rows = _with_late(objects, rows, late)
        write([Section("forms", "自评表", [Column("文件"), *_CHECK_COLUMNS], rows),
               Section("findings", "审核问题", _FINDING_COLUMNS, found)], chosen, Stream(objects), output)
    raise typer.Exit(batch_exit(failures, any_error))


# ------------------------------------------------------------------ show


def _file_form(spec: str, policy: str | None, template: str | None) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """FILE[:N]: the N-th form (1-based, as ``parse`` numbers them) of a file, read and checked now."""
    from .contract import check_json

    path, _, index = spec.rpartition(":")
    if not path or not index.isdigit() or Path(spec).exists():
        path, index = spec, "1"
    checked = next(check_paths([path], policy, template))
    assert not isinstance(checked, LateFindings)  # one file: the first item is the file itself
    if isinstance(checked, FileFailure):
        fail(checked)
        raise typer.Exit(batch_exit([checked], False))
    n = int(index)
    if not 1 <= n <= len(checked.results):
        usage(f"{path} 中有 {len(checked.results)} 张自评表，没有第 {n} 张")
    r = checked.results[n - 1]
    more = f"；共 {len(checked.results)} 张，用 {path}:2 等看其他各张" if len(checked.results) > 1 else ""
    return evaluation_json(r.ev), check_json(r)["findings"], f"{path} 第 {n} 张表{more}"


@command(app)
def show(
    form: Annotated[str, typer.Argument(help="库中的表号（jixiao findings 列出的 #号），或 文件[:第几张]", metavar="FORM")],
    db: DbOpt = None,
    policy: PolicyOpt = None,
    template: TemplateOpt = None,
    severity: SeverityOpt = None,
    fmt_: FormatOpt = None,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """看一张表：照纸面排出表头、资金、指标、总分，审核问题标在所在单元格上，并列出每条问题的位置。"""
    from .formview import draw

    chosen = output_format(fmt_, as_json)
    if chosen in ("csv", "xlsx"):
        usage("show 只能输出 table 或 json")
    known(policy, POLICIES, "评分规则")
    known(template, TEMPLATES, "表格模板")
    levels = severities(severity)
    if form.isdigit() and not Path(form).exists():
        from .commands.store import stored_form

        document, findings, heading = stored_form(db, int(form))
    else:
        document, findings, heading = _file_form(form, policy, template)
    findings = [f for f in findings if keep(f["code"], f["severity"], None, levels)]
    if chosen == "json" or output is not None:
        write([], "json", {"evaluation": document, "findings": findings}, output)
        return
    draw(document, findings, out, heading)


# ------------------------------------------------------------------ catalogues


@command(app)
def checks(fmt_: FormatOpt = None, as_json: JsonOpt = False, output: OutputOpt = None) -> None:
    """列出全部审核规则（代码、级别、说明）。"""
    chosen = output_format(fmt_, as_json)
    catalogue = list(iter_catalogue())
    rows: list[list[Value]] = [[c.code, SEVERITY_ZH[c.severity], c.title] for c in catalogue]
    data = [{"code": c.code, "severity": c.severity, "title": c.title} for c in catalogue]
    write([Section.of("checks", "审核规则", ["代码", "级别", "说明"], rows)], chosen, data, output)


@command(app)
def templates(fmt_: FormatOpt = None, as_json: JsonOpt = False, output: OutputOpt = None) -> None:
    """列出可识别的表格模板。"""
    chosen = output_format(fmt_, as_json)
    rows: list[list[Value]] = [[t.name, t.title, "、".join(t.titles), "、".join(label for label, _ in t.labels), t.policy]
                               for t in TEMPLATES.values()]
    data = [{"name": t.name, "title": t.title, "titles": list(t.titles), "labels": [label for label, _ in t.labels],
             "policy": t.policy} for t in TEMPLATES.values()]
    write([Section.of("templates", "表格模板（识别时取得分最高者；--template 名称 可强制指定）",
                      ["名称", "模板", "标题", "识别标签", "评分规则"], rows)], chosen, data, output)


@command(app)
def policies(fmt_: FormatOpt = None, as_json: JsonOpt = False, output: OutputOpt = None) -> None:
    """列出可用的评分规则。"""
    chosen = output_format(fmt_, as_json)
    rows: list[list[Value]] = [[name, pol.title] for name, pol in POLICIES.items()]
    write([Section.of("policies", "评分规则", ["名称", "说明"], rows)], chosen,
          [{"name": name, "title": pol.title} for name, pol in POLICIES.items()], output)


from .commands.export import register as register_export  # noqa: E402 - registers on this module's app
from .commands.publish import register as register_publish  # noqa: E402
from .commands.store import register as register_store  # noqa: E402
from .web.serve import serve  # noqa: E402

register_export(app)
register_store(app)
register_publish(app)
app.command()(serve)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()


