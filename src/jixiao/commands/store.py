"""The store's commands (``jixiao import``, ``summary``, ``findings``), registered by cli.py.

Exit codes are :class:`jixiao.exitcodes.Exit`: a database that is missing or not jixiao's is
Exit.DATABASE; reading commands never create one (only ``import`` does).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Iterator, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from .. import inert
from ..errors import JixiaoError
from ..exitcodes import Exit
from ..options import (
    DbOpt,
    DepartmentOpt,
    FormatOpt,
    GradeOpt,
    JsonOpt,
    LimitOpt,
    OnlyOpt,
    OutputOpt,
    PolicyOpt,
    SeverityOpt,
    SkipOpt,
    StatusOpt,
    TemplateOpt,
    UnitOpt,
    YearOpt,
    check_codes,
    err,
    known,
    limits_of,
    out,
    output_format,
    severities,
    stop,
    suggest,
    usage,
    write,
)
from ..scoring import POLICIES
from ..zhcli import command

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ..store.query import Filters

# The store's modules load SQLAlchemy and Alembic (half a second); they are imported inside
# the commands so that parse and check, which share the CLI, do not pay for them.


def _tables(db: str | None, url: str) -> set[str]:
    """The tables of an existing database, read without writing to it (SQLite opened read-only)."""
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url

    from ..store.db import open_store, sqlite_tables

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)  # type: ignore[arg-type]
        if not path.is_file():
            stop(f"数据库不存在：{path}（先用 jixiao import 导入，或用 --db 指定已有的数据库）", Exit.DATABASE)
        return sqlite_tables(path)
    probe = open_store(db, upgrade=False)
    try:
        return set(inspect(probe).get_table_names())
    finally:
        probe.dispose()


def open_db(db: str | None, *, create: bool = False) -> "Engine":
    """The store, migrated to head. Unless ``create``, a database that does not exist or holds no
    jixiao tables is Exit.DATABASE: a mistyped ``--db`` must not leave an empty database behind."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    from ..store.db import ForeignDatabase, describe, open_store, resolve_url, store_error

    url = resolve_url(db)
    try:
        if not create:
            try:
                tables = _tables(db, url)
            except (SQLAlchemyError, sqlite3.Error) as exc:
                raise store_error(url, exc) from None
            if not tables:
                stop(f"{describe(url)} 不是 jixiao 的数据库（是空的；先用 jixiao import 导入）", Exit.DATABASE)
            if "alembic_version" not in tables:
                raise ForeignDatabase.of(url, tables)
        return open_store(db)
    except JixiaoError as exc:
        stop(exc.message, Exit.DATABASE)


@contextmanager
def reading(db: str | None) -> Iterator[None]:
    """A store that fails while being read or written (a damaged page, a lost server) ends the
    command in one line naming it, Exit.DATABASE, never a traceback."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    from ..store.db import resolve_url, store_error

    try:
        yield
    except (SQLAlchemyError, sqlite3.Error) as exc:
        stop(store_error(resolve_url(db), exc).message, Exit.DATABASE)


def _report(report: Any, url: str) -> None:
    from ..store.db import describe

    err.print(f"数据库：{describe(url)}", highlight=False)
    err.print(f"共 {report.files_seen} 个文件：导入 {report.imported} 个（{report.forms} 张自评表、{report.lists} 份项目清单"
              f"{f'，其中 {report.new_versions} 张是已有项目的新版本' if report.new_versions else ''}），"
              f"跳过 {len(report.skipped)} 个已导入的文件"
              f"{f'（其中 {report.revived} 张表重新成为当前版本）' if report.revived else ''}，失败 {len(report.failed)} 个。",
              highlight=False)
    if report.failed:
        table = Table(title="未能导入的文件", title_justify="left")
        table.add_column("文件", overflow="fold")
        table.add_column("原因", overflow="fold")
        # One reason shared by many files (a full disk, a lost server) is one line, not one per file.
        by_reason: dict[str, list[str]] = {}
        for f in report.failed:
            by_reason.setdefault(f.message.removeprefix(f"{f.file}: ").removeprefix(f"{f.file}（"), []).append(f.file)
        for reason, files in by_reason.items():
            table.add_row(inert.console(files[0] if len(files) == 1 else f"{files[0]} 等 {len(files)} 个文件"),
                          inert.console(reason))
        err.print(table)


def import_files(
    paths: Annotated[list[str], typer.Argument(help="文件或目录（目录递归读取）", metavar="PATH...")],
    db: DbOpt = None,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", "-j", min=1, help="并行读取的进程数（默认为 CPU 核数）", show_default=False)] = None,
    policy: PolicyOpt = None,
    template: TemplateOpt = None,
    limit: LimitOpt = None,
    list_skipped: Annotated[bool, typer.Option(
        "--list-skipped", help="列出因已导入而跳过的文件（默认只给个数）")] = False,
) -> None:
    """把自评表批量导入数据库（同一文件只导入一次；中断后重新运行即可续上）。"""
    from ..store.db import resolve_url
    from ..store.importer import import_paths
    from ..templates import TEMPLATES

    known(policy, POLICIES, "评分规则")
    known(template, TEMPLATES, "表格模板")
    engine = open_db(db, create=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with reading(db), Progress(*columns, console=err, transient=False, disable=not err.is_terminal) as bar:
        task = bar.add_task("检查已导入的文件", total=None)
        report = import_paths(paths, engine, workers=workers or os.cpu_count() or 1, policy=policy, template=template,
                              limits=limits_of(limit),
                              on_plan=lambda n: bar.update(task, total=n, description="导入"),
                              progress=lambda _file, _outcome: bar.advance(task))
    engine.dispose()
    _report(report, resolve_url(db))
    if list_skipped:
        for skipped in report.skipped:  # one line each, tab-separated: the file and why it was skipped
            out.print(inert.console(f"{skipped.file}\t{skipped.reason}"), highlight=False)
    raise typer.Exit(Exit.UNREADABLE if report.failed else Exit.OK)


def _filters(year: int | None, department: str | None, unit: str | None, grade: str | None,
             status: str | None) -> "Filters":
    from ..store.query import NO_GRADE, STATUSES, Filters
    from ..store.summary import GRADES

    if grade is not None and grade not in (*GRADES, NO_GRADE):
        usage(f"--grade 只能是 {'、'.join((*GRADES, NO_GRADE))}，而不是“{grade}”")
    if status is not None and status not in STATUSES:
        usage(f"--status 只能是 {'、'.join(f'{k}（{v}）' for k, v in STATUSES.items())}，而不是“{status}”")
    return Filters(year, department, unit=unit, grade=grade, status=status)


def _nothing_matched(engine: "Engine", filters: "Filters") -> bool:
    """When a filter matches no stored form, say so on stderr with the names that exist; True then."""
    from sqlalchemy import select

    from ..store.query import STATUSES
    from ..store.schema import EvaluationRow
    from ..text import label_key

    if filters.year is None and not (filters.department or filters.unit or filters.grade or filters.status):
        return False
    with engine.connect() as conn:
        if conn.execute(filters.apply(select(EvaluationRow.id)).limit(1)).first() is not None:
            return False

        def existing(column: Any) -> list[str]:
            # One name per department however it was printed ("（政府）" / "(政府)").
            rows = conn.execute(select(column).where(EvaluationRow.is_current).distinct())
            return sorted({label_key(str(v)): str(v) for (v,) in rows if v}.values())

        departments, units = existing(EvaluationRow.department), existing(EvaluationRow.implementing_unit)
        years = sorted(int(y) for y in existing(EvaluationRow.year))
    if not departments and not years:
        err.print("数据库中还没有自评表（先用 jixiao import 导入）", highlight=False)
        return True
    if filters.year is not None and filters.year not in years:
        err.print(f"数据库中没有 {filters.year} 年度的自评表；已有年度：{'、'.join(map(str, years)) or '（无）'}",
                  highlight=False)
        return True
    wanted = [f"{filters.year} 年度"] if filters.year is not None else []
    wanted += [f"{what}含“{v}”" for what, v in (("主管部门", filters.department), ("实施单位", filters.unit)) if v]
    wanted += [f"等级为“{filters.grade}”"] if filters.grade else []
    wanted += [STATUSES[filters.status]] if filters.status else []
    tip = suggest(filters.department, departments, "主管部门") if filters.department else \
        suggest(filters.unit, units, "实施单位") if filters.unit else ""
    err.print(inert.console(f"数据库中没有{'、'.join(wanted)}的自评表{tip}"), highlight=False)
    return True


def summary(
    db: DbOpt = None,
    by: Annotated[str, typer.Option(
        "--by", help="按 department（主管部门）、unit（实施单位）或 year（年度）汇总")] = "department",
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    money_unit: Annotated[str, typer.Option("--money-unit", help="金额单位：万元 或 元（精确换算）")] = "万元",
    year: YearOpt = None,
    department: DepartmentOpt = None,
    unit: UnitOpt = None,
    grade: GradeOpt = None,
    status: StatusOpt = None,
    section: Annotated[Optional[str], typer.Option(
        "--section", help="只输出一部分：groups、codes、lists、years")] = None,
    only: OnlyOpt = None,
    skip: SkipOpt = None,
    output: OutputOpt = None,
) -> None:
    """汇总库中每个项目的最新版本：项目数、预算与执行、执行率、得分与等级、审核问题、部门清单、跨年度对比。"""
    from ..store.summary import GROUP_BY_ZH, summarize
    from .tables import summary_json, summary_sections

    chosen = output_format(fmt, as_json)
    if by not in GROUP_BY_ZH:
        usage(f"--by 只能是 department、unit 或 year，而不是“{by}”")
    if money_unit not in ("元", "万元"):
        usage(f"--money-unit 只能是 元 或 万元，而不是“{money_unit}”")
    if section not in (None, "groups", "codes", "lists", "years"):
        usage(f"--section 只能是 groups、codes、lists 或 years，而不是“{section}”")
    codes = check_codes(only, skip)
    filters = _filters(year, department, unit, grade, status)
    engine = open_db(db)
    with reading(db):
        if _nothing_matched(engine, filters):
            raise typer.Exit(Exit.OK)
        s = summarize(engine, by, money_unit, filters)  # type: ignore[arg-type]
    if codes is not None:
        s.codes = [c for c in s.codes if c.code in codes]
    sections = [sec for sec in summary_sections(s) if section is None or sec.key == section]
    write(sections, chosen, summary_json(s), output)


def findings(
    db: DbOpt = None,
    code: Annotated[Optional[list[str]], typer.Option(
        "--code", help="同 --only：只看这些规则代码", show_default=False)] = None,
    only: OnlyOpt = None,
    skip: SkipOpt = None,
    severity: SeverityOpt = None,
    year: YearOpt = None,
    department: DepartmentOpt = None,
    unit: UnitOpt = None,
    grade: GradeOpt = None,
    status: StatusOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """列出库中各表的审核问题（每个项目的最新版本，每条带表号，jixiao show 表号 可看整张表），
    可按规则代码、级别、年度、部门、实施单位、等级、审核状态筛选。"""
    from ..store.query import load_findings
    from .tables import finding_section, findings_json, print_findings

    chosen = output_format(fmt, as_json)
    codes, levels = check_codes([*(code or []), *(only or [])], skip), severities(severity)
    filters = _filters(year, department, unit, grade, status)
    engine = open_db(db)
    with reading(db):
        if _nothing_matched(engine, filters):
            raise typer.Exit(Exit.OK)
        rows = load_findings(engine, filters, codes, levels)
    if chosen == "table" and output is None:
        print_findings(rows, out)
    else:
        write([finding_section(rows)], chosen, findings_json(rows), output)


def stored_form(db: str | None, form_id: int) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """A stored form's evaluation@1 JSON, its stored findings and a heading naming it (``jixiao show ID``)."""
    from ..store.query import load_stored

    with reading(db):
        found = load_stored(open_db(db), ids=[form_id])
    if not found:
        stop(f"数据库中没有表号 {form_id} 的自评表（表号见 jixiao findings 或 summary --format json）", Exit.USAGE)
    s = found[0]
    version = "" if s.is_current else f"（第 {s.version} 版，不是最新版本）"
    return s.document, s.findings, f"表号 {s.id}：{s.file} 第 {s.document['source']['form_index'] + 1} 张表{version}"


def register(app: typer.Typer) -> None:
    command(app, "import")(import_files)
    command(app, "summary")(summary)
    command(app, "findings")(findings)
