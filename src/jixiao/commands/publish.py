"""``jixiao publish``: what a finance bureau puts online for a department.

- the 项目支出绩效自评结果 list: one line per project (名称, 实施单位, 全年预算数 and 全年执行数 in 万元,
  执行率, 自评得分, 等级), as csv, xlsx, docx or pdf;
- the forms themselves with personal data removed (项目负责人, 联系电话, 财务负责人), in any export format;
- the chart of the review report (执行率 and 总分 per project) as SVG and PNG.

The score is the form's printed 总分, else the recomputed one; the grade is the form's policy's band of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import inert
from ..checks import run_checks
from ..exitcodes import Exit
from ..files import replacing, write_bytes
from ..model import Evaluation
from ..options import (
    DEFAULT_JOBS,
    DbOpt,
    DepartmentOpt,
    JobsOpt,
    LimitOpt,
    PolicyOpt,
    YearOpt,
    err,
    fail,
    known,
    limits_of,
    out,
    read_all,
    usage,
    writing,
)
from ..outcome import NO_DEPARTMENT, department_of, list_department
from ..pipeline import FileFailure, batch_exit, policy_of
from ..render import Column, Section, Value, emit, money, number
from ..scoring import POLICIES
from ..scoring.rounding import round_half_up
from ..text import label_key
from ..values import Money
from ..zhcli import command

LIST_FORMATS = ("csv", "xlsx", "docx", "pdf")
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(slots=True)
class Line:
    ev: Evaluation
    budget: Decimal | None
    executed: Decimal | None
    rate: Decimal | None
    score: Decimal | None
    grade: str | None


def _wan(ev: Evaluation, amount: Money | None) -> Decimal | None:
    return amount.to("万元").amount if amount is not None else None


def line_of(ev: Evaluation, policy: str | None) -> Line:
    pol = policy_of(ev, policy)
    rec = run_checks(ev, pol).recomputed
    total = ev.funds.total
    rate = total.rate if total and total.rate is not None else rec.rate
    score = ev.total.score if ev.total and ev.total.score is not None else rec.total
    return Line(ev, _wan(ev, total.full_year if total else None), _wan(ev, total.executed if total else None),
                round_half_up(rate, 2) if rate is not None else None, score, pol.grade(score) if score is not None else None)


def without_personal_data(ev: Evaluation) -> Evaluation:
    """The form as published: the people named on it and their telephone removed."""
    return replace(ev, project=replace(ev.project, manager=None, phone=None, finance_manager=None))


def result_section(department: str, year: int | None, lines: list[Line]) -> Section:
    rows: list[list[Value]] = [[n, ln.ev.project.name, ln.ev.project.implementing_unit, ln.budget, ln.executed, ln.rate,
                                ln.score, ln.grade] for n, ln in enumerate(lines, start=1)]
    title = f"{department}{f'{year}年度' if year else ''}项目支出绩效自评结果"
    return Section.of("results", title, [number("序号"), Column("项目名称"), Column("实施单位"), money("全年预算数（万元）"),
                                         money("全年执行数（万元）"), number("执行率（%）"), number("自评得分"), "等级"], rows)


def _docx(sec: Section) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT

    from ..export.docx import a4, add_run, chinese_font, document_bytes
    from ..render import show

    doc = Document()
    chinese_font(doc, 10)
    a4(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    add_run(doc.add_paragraph(), sec.title, bold=True, size=14)
    table = doc.add_table(rows=1, cols=len(sec.columns))
    table.style = "Table Grid"
    for cell, col in zip(table.rows[0].cells, sec.columns):
        add_run(cell.paragraphs[0], col.title, bold=True)
    for row in sec.rows:
        cells = table.add_row().cells
        for cell, col, value in zip(cells, sec.columns, row):
            cell.text = show(value, col.places)
    return document_bytes(doc)


def write_list(sec: Section, fmt: str, path: Path) -> None:
    if fmt in ("csv", "xlsx"):
        emit([sec], fmt, None, out, path)  # type: ignore[arg-type]
        return
    raw = _docx(sec)
    if fmt == "docx":
        write_bytes(path, raw)
        return
    import shutil
    import tempfile

    from ..errors import ExportError
    from ..office import convert

    with tempfile.TemporaryDirectory(prefix="jixiao-publish-") as tmp:
        src = Path(tmp) / "list.docx"
        src.write_bytes(raw)
        (pdf,) = convert([src], "pdf", Path(tmp) / "pdf", error=ExportError)
        with replacing(path) as part:
            shutil.move(str(pdf), part)


def write_charts(department: str, lines: list[Line], stem: Path) -> list[Path]:
    from ..export.chart import Bar, chart_bytes

    bars = [Bar(ln.ev.project.name or f"第{n}项", ln.rate, ln.score, "ok") for n, ln in enumerate(lines, start=1)]
    written = []
    for fmt in ("svg", "png"):
        path = stem.with_suffix(f".{fmt}")
        write_bytes(path, chart_bytes(bars, department, fmt))
        written.append(path)
    return written


def publish(
    files: Annotated[Optional[list[str]], typer.Argument(help="文件或目录；用 --db 时可省略", metavar="[FILE]...")] = None,
    output: Annotated[Path, typer.Option("-o", "--out", help="输出目录", file_okay=False)] = Path("公开"),
    list_format: Annotated[list[str], typer.Option(
        "--list-format", help="自评结果清单的格式：csv、xlsx、docx、pdf（可重复）")] = ["xlsx"],  # noqa: B006
    forms_format: Annotated[str, typer.Option(
        "--forms-format", help="公开的自评表格式：xlsx、docx、pdf、json，或 none 不输出")] = "pdf",
    charts: Annotated[bool, typer.Option("--charts/--no-charts", help="同时输出执行率与总分图（SVG、PNG）")] = True,
    db: DbOpt = None,
    year: YearOpt = None,
    department: DepartmentOpt = None,
    policy: PolicyOpt = None,
    jobs: JobsOpt = DEFAULT_JOBS,
    limit: LimitOpt = None,
) -> None:
    """公开一个部门的自评结果：项目支出绩效自评结果清单（csv/xlsx/docx/pdf）、去掉个人信息（项目负责人、
    联系电话）的自评表、执行率与总分图（SVG/PNG），每个主管部门一组。"""
    from ..export import exporters
    from .export import output_name

    known(policy, POLICIES, "评分规则")
    for fmt in list_format:
        if fmt not in LIST_FORMATS:
            usage(f"--list-format 只能是 {'、'.join(LIST_FORMATS)}，而不是“{fmt}”")
    registry = exporters()
    if forms_format != "none":
        known(forms_format, registry, "导出格式")
    if not files and db is None:
        usage("请给出要公开的文件或目录，或用 --db 从数据库读取")
    # Each form with its 主管部门 as outcome.py decides it: as printed, else the one its file's list names.
    evaluations: list[tuple[Evaluation, str | None]] = []
    if db is not None:
        from ..store.query import Filters, load_decided
        from .store import open_db, reading

        with reading(db):
            evaluations += load_decided(open_db(db), Filters(year=year, department=department))
    failures: list[FileFailure] = []
    for item in read_all(files or [], workers=jobs, limits=limits_of(limit)):
        if isinstance(item, FileFailure):
            failures.append(item)
            fail(item)
            continue
        listed = list_department(item)
        for ev in item.evaluations:
            dept = department_of(ev, listed)[0]
            if (year is None or ev.year == year) and (not department or label_key(department) in label_key(dept or "")):
                evaluations.append((ev, dept))
    if not evaluations:
        err.print("没有符合条件的自评表可以公开", highlight=False)
        raise typer.Exit(Exit.UNREADABLE if failures else Exit.OK)
    groups: dict[str, list[Line]] = {}
    names: dict[str, str] = {}
    for ev, dept in evaluations:
        key = label_key(dept or NO_DEPARTMENT)
        names.setdefault(key, dept or NO_DEPARTMENT)
        groups.setdefault(key, []).append(line_of(ev, policy))
    written: list[Path] = []
    unwritten_all: list[FileFailure] = []  # forms whose file could not be written; the others are
    with writing(output):
        output.mkdir(parents=True, exist_ok=True)
        for key, lines in groups.items():
            name = names[key]
            years = {ln.ev.year for ln in lines}
            the_year = year if year is not None else (years.pop() if len(years) == 1 else None)
            stem = _UNSAFE.sub("_", f"{name}{the_year or ''}")[:60]
            sec = result_section(name, the_year, lines)
            for fmt in list_format:
                path = output / f"{stem}_项目支出绩效自评结果.{fmt}"
                write_list(sec, fmt, path)
                written.append(path)
            if charts:
                written += write_charts(name, lines, output / f"{stem}_执行率与总分")
            if forms_format != "none":
                exporter = registry[forms_format]
                folder = output / f"{stem}_自评表"
                folder.mkdir(exist_ok=True)
                items = [(without_personal_data(ln.ev), folder / output_name(ln.ev, exporter.suffix)) for ln in lines]
                unwritten = exporter.write(items, policy)
                missing = {f.file for f in unwritten}
                written += [p for _, p in items if str(p) not in missing]
                unwritten_all += unwritten
    for path in written:
        out.print(inert.console(path), highlight=False)
    for failure in unwritten_all:
        fail(failure)
    failures += unwritten_all
    out.print(f"共公开 {len(groups)} 个部门、{len(evaluations)} 张表（已去掉项目负责人、联系电话）", highlight=False)
    raise typer.Exit(batch_exit(failures, False))


def register(app: typer.Typer) -> None:
    command(app, "publish")(publish)
