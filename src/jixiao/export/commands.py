"""The ``template``, ``export`` and ``report`` commands; registered on the CLI app by :func:`register`."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator

import typer

from .. import inert
from ..errors import JixiaoError, os_reason
from ..model import Evaluation
from ..options import DEFAULT_JOBS, JobsOpt, LimitOpt, PolicyOpt, err, fail, known, limits_of, out
from ..pipeline import FileFailure, load
from ..scoring import POLICIES, get_policy
from ..store.commands import DbOpt, DepartmentOpt, YearOpt

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')

OutDir = Annotated[Path, typer.Option("-o", "--out", help="输出目录", file_okay=False)]
SomeFiles = Annotated[list[str] | None, typer.Argument(help="文件或目录；用 --db 时可省略", metavar="[FILE]...")]
FromDb = Annotated[bool, typer.Option(
    "--from-db", help="也从数据库读取（默认数据库；--db 指定其他），可按 --year、--department 筛选")]


def _stored(from_db: bool, db: str | None, year: int | None, department: str | None) -> list[Evaluation]:
    """Forms from the store when asked for (``--from-db`` or ``--db``), the current version of each."""
    if not from_db and db is None:
        return []
    from ..store.query import Filters, load_evaluations

    try:
        found = load_evaluations(db, Filters(year=year, department=department))
    except JixiaoError as exc:
        err.print(f"[red]✗[/red] {inert.console(exc.message)}", highlight=False)
        raise typer.Exit(2) from None
    if not found:
        wanted = "".join(f"，{k}“{v}”" for k, v in (("年度", year), ("主管部门", department)) if v is not None)
        err.print(f"数据库中没有符合条件的自评表{inert.console(wanted)}（先用 jixiao import 导入）", highlight=False)
    return found


@contextmanager
def _writing(target: Path) -> Iterator[None]:
    """Errors while writing become one line naming the target, never a traceback."""
    try:
        yield
    except JixiaoError as exc:
        err.print(f"[red]✗[/red] {inert.console(exc.message)}", highlight=False)
        raise typer.Exit(2) from None
    except OSError as exc:
        err.print(f"[red]✗[/red] {inert.console(exc.filename or target)}: 无法写入（{os_reason(exc)}）", highlight=False)
        raise typer.Exit(2) from None


def _need_input(files: list[str] | None, from_db: bool) -> None:
    if not files and not from_db:
        err.print("请给出要读取的文件或目录，或用 --db / --from-db 从数据库读取")
        raise typer.Exit(2)


def output_name(ev: Evaluation, suffix: str) -> str:
    """``<file stem>_<form number>_<project name>.<suffix>``: unique per form, readable in a file list."""
    name = _UNSAFE.sub("_", ev.project.name or "未命名")[:40].strip("_")
    return f"{Path(ev.source.file).stem}_{ev.source.form_index + 1:02d}_{name}.{suffix}"


def _unique(items: list[tuple[Evaluation, Path]]) -> list[tuple[Evaluation, Path]]:
    """Two inputs with one file name (a/表.txt, b/表.txt) must not overwrite each other: _2, _3 … after the first."""
    seen: dict[Path, int] = {}
    out = []
    for ev, path in items:
        n = seen[path] = seen.get(path, 0) + 1
        out.append((ev, path if n == 1 else path.with_name(f"{path.stem}_{n}{path.suffix}")))
    return out


def template(
    output: Annotated[Path, typer.Option("-o", "--out", help="输出的 xlsx 文件")] = Path("项目支出绩效自评表.xlsx"),
    year: Annotated[int | None, typer.Option("--year", help="绩效自评年度")] = None,
    policy: PolicyOpt = None,
) -> None:
    """生成空白的 Excel 自评表模板（灰色单元格为公式并锁定）。"""
    from .xlsx import template_xlsx

    known(policy, POLICIES, "评分规则")
    with _writing(output):
        output.write_bytes(template_xlsx(get_policy(policy or "national"), year))
    out.print(f"已生成模板：{inert.console(output)}", highlight=False)


def export(
    files: SomeFiles = None,
    output: OutDir = Path("."),
    fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx / docx / pdf / json")] = "xlsx",
    policy: PolicyOpt = None,
    db: DbOpt = None,
    from_db: FromDb = False,
    year: YearOpt = None,
    department: DepartmentOpt = None,
    jobs: JobsOpt = DEFAULT_JOBS,
    limit: LimitOpt = None,
) -> None:
    """把读取的（或数据库中的）自评表导出为 Excel 模板、Word、PDF 或 JSON，每张表一个文件。"""
    from . import exporters

    registry = exporters()
    known(fmt, registry, "导出格式")
    known(policy, POLICIES, "评分规则")
    exporter = registry[fmt]
    _need_input(files, from_db or db is not None)
    stored = _stored(from_db, db, year, department)
    with _writing(output):
        output.mkdir(parents=True, exist_ok=True)
    items: list[tuple[Evaluation, Path]] = [(ev, output / output_name(ev, exporter.suffix)) for ev in stored]
    unreadable = False
    for item in load(files or [], workers=jobs, limits=limits_of(limit)):
        if isinstance(item, FileFailure):
            unreadable = True
            fail(item)
            continue
        items += [(ev, output / output_name(ev, exporter.suffix)) for ev in item.evaluations]
        for dl in item.lists:
            err.print(f"提示：{inert.console(item.file)} 中的项目清单“{inert.console(dl.title or '无标题')}”不是自评表，没有导出"
                      "（jixiao parse --json 和审核报告中有它）", highlight=False)
    items = _unique(items)
    with _writing(output):
        exporter.write(items, policy)
    for _, path in items:
        out.print(inert.console(path), highlight=False)
    out.print(f"共导出 {len(items)} 张表（{exporter.title}）", highlight=False)
    raise typer.Exit(2 if unreadable else 0)


def report(
    files: SomeFiles = None,
    output: Annotated[Path, typer.Option("-o", "--out", help="report.html 或 report.pdf")] = Path("审核报告.html"),
    policy: PolicyOpt = None,
    db: DbOpt = None,
    from_db: FromDb = False,
    year: YearOpt = None,
    department: DepartmentOpt = None,
    jobs: JobsOpt = DEFAULT_JOBS,
    limit: LimitOpt = None,
) -> None:
    """生成中文审核报告（HTML 或 PDF）：按主管部门汇总，有错误的表在前，附执行率与总分图。"""
    from .report import build_report, write_report

    known(policy, POLICIES, "评分规则")
    _need_input(files, from_db or db is not None)
    result = build_report(files or [], policy, stored=_stored(from_db, db, year, department), workers=jobs,
                          limits=limits_of(limit))
    for failure in result.failures:
        fail(failure)
    with _writing(output):
        write_report(result, output)
    out.print(f"已生成审核报告：{inert.console(output)}"
              f"（{result.form_count} 张表，其中有错误的 {result.error_forms} 张）", highlight=False)
    raise typer.Exit(2 if result.failures else 0)


def register(app: typer.Typer) -> None:
    app.command("template")(template)
    app.command("export")(export)
    app.command("report")(report)
