"""The ``template``, ``export`` and ``report`` commands; registered on the CLI app by :func:`register`."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import inert
from ..exitcodes import Exit
from ..files import write_bytes
from ..model import Evaluation
from ..options import (
    DEFAULT_JOBS,
    DbOpt,
    DepartmentOpt,
    JobsOpt,
    LimitOpt,
    PolicyOpt,
    TemplateOpt,
    YearOpt,
    err,
    fail,
    known,
    limits_of,
    out,
    read_all,
    usage,
    with_progress,
    writing,
)
from ..pipeline import FileFailure, batch_exit, check_paths
from ..scoring import POLICIES, get_policy
from ..zhcli import command

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")  # an escape sequence in a name would reach every listing
_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f-\x9f]+')
_NAME_BYTES = 240

OutDir = Annotated[Path, typer.Option("-o", "--out", help="输出目录", file_okay=False)]
SomeFiles = Annotated[list[str] | None, typer.Argument(help="文件或目录；用 --db 时可省略", metavar="[FILE]...")]
FromDb = Annotated[bool, typer.Option(
    "--from-db", help="也从数据库读取（默认数据库；--db 指定其他），可按 --year、--department 筛选")]


def _none_found(year: int | None, department: str | None) -> None:
    wanted = "".join(f"，{k}“{v}”" for k, v in (("年度", year), ("主管部门", department)) if v is not None)
    err.print(inert.console(f"数据库中没有符合条件的自评表{wanted}（先用 jixiao import 导入）"), highlight=False)


def _stored(from_db: bool, db: str | None, year: int | None, department: str | None
            ) -> list[tuple[Evaluation, str | None]]:
    """Forms from the store when asked for (``--from-db`` or ``--db``), the current version of each, with
    the 主管部门 the store decided for it."""
    if not from_db and db is None:
        return []
    from ..store.query import Filters, load_decided
    from .store import open_db, reading

    with reading(db):
        found = load_decided(open_db(db), Filters(year=year, department=department))
    if not found:
        _none_found(year, department)
    return found


def _need_input(files: list[str] | None, from_db: bool) -> None:
    if not files and not from_db:
        usage("请给出要读取的文件或目录，或用 --db / --from-db 从数据库读取")


def output_name(ev: Evaluation, suffix: str) -> str:
    """``<file stem>_<form number>_<project name>.<suffix>``: unique per form, readable in a file list.
    The stem is shortened to keep the name within what file systems allow (255 bytes, with room for _2)."""
    name = _UNSAFE.sub("_", ev.project.name or "未命名")[:40].strip("_")
    tail = f"_{ev.source.form_index + 1:02d}_{name}.{suffix}"
    stem = _CONTROLS.sub("_", Path(ev.source.file).stem)
    while len((stem + tail).encode()) > _NAME_BYTES:
        stem = stem[:-1]
    return stem + tail


def _unique(items: list[tuple[Evaluation, Path]]) -> list[tuple[Evaluation, Path]]:
    """Two inputs with one file name (a/表.txt, b/表.txt) must not overwrite each other: _2, _3 … after the first."""
    seen: dict[Path, int] = {}
    out = []
    for ev, path in items:
        n = seen[path] = seen.get(path, 0) + 1
        out.append((ev, path if n == 1 else path.with_name(f"{path.stem}_{n}{path.suffix}")))
    return out


def template(
    output: Annotated[Path, typer.Option(
        "-o", "--out", help="输出文件：.xlsx（公式、下拉列表、锁定）或 .docx（Word 版）")] = Path("项目支出绩效自评表.xlsx"),
    year: Annotated[int | None, typer.Option("--year", help="绩效自评年度")] = None,
    policy: PolicyOpt = None,
    template_name: Annotated[Optional[str], typer.Option(
        "--template", help="表样：已注册的表格模板之一，见 jixiao templates（默认为 --policy 所属地方的表样，否则全国通用）",
    )] = None,
) -> None:
    """生成空白的自评表模板：每个已注册的表格模板（全国通用、四川、重庆式、部门整体、转移支付）各有自己的表样；
    Excel（灰色单元格为公式并锁定，指标级次、金额单位、指标性质、定性指标完成情况有下拉列表）或 Word。"""
    from ..export.docx import template_docx
    from ..export.xlsx import template_xlsx
    from ..templates import TEMPLATES

    known(policy, POLICIES, "评分规则")
    known(template_name, {n: t for n, t in TEMPLATES.items() if t.writes}, "可写出的表格模板")
    writers = {".xlsx": template_xlsx, ".docx": template_docx}
    if output.suffix.lower() not in writers:
        usage(f"模板只能是 .xlsx 或 .docx，而不是“{output.name}”")
    # A province's policy comes with its form (--policy sichuan writes Sichuan's); a policy without a form of
    # its own (hubei) scores the national one.
    name = template_name or next((t.name for t in TEMPLATES.values() if t.policy == policy), "national")
    chosen = get_policy(policy or TEMPLATES[name].policy)
    with writing(output):
        write_bytes(output, writers[output.suffix.lower()](chosen, year, name))
    out.print(f"已生成模板：{inert.console(output)}（{TEMPLATES[name].title}，评分规则 {chosen.name}）", highlight=False)


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
    from ..export import exporters

    registry = exporters()
    known(fmt, registry, "导出格式")
    known(policy, POLICIES, "评分规则")
    exporter = registry[fmt]
    _need_input(files, from_db or db is not None)
    stored = _stored(from_db, db, year, department)
    with writing(output):
        output.mkdir(parents=True, exist_ok=True)
    items: list[tuple[Evaluation, Path]] = [(ev, output / output_name(ev, exporter.suffix)) for ev, _ in stored]
    unreadable: list[FileFailure] = []
    for item in read_all(files or [], workers=jobs, limits=limits_of(limit)):
        if isinstance(item, FileFailure):
            unreadable.append(item)
            fail(item)
            continue
        items += [(ev, output / output_name(ev, exporter.suffix)) for ev in item.evaluations]
        for dl in item.lists:
            err.print(f"提示：{inert.console(item.file)} 中的项目清单“{inert.console(dl.title or '无标题')}”不是自评表，没有导出"
                      "（jixiao parse --json 和审核报告中有它）", highlight=False)
    items = _unique(items)
    with writing(output):
        failures = exporter.write(items, policy)
    failed = {f.file for f in failures}
    for _, path in items:
        if str(path) not in failed:
            out.print(inert.console(path), highlight=False)
    for failure in failures:
        fail(failure)
    out.print(f"共导出 {len(items) - len(failed)} 张表（{exporter.title}）"
              f"{f'，{len(failed)} 张未能写入' if failed else ''}", highlight=False)
    raise typer.Exit(batch_exit([*unreadable, *failures], False))


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
    from ..export.report import build_report, write_report

    known(policy, POLICIES, "评分规则")
    _need_input(files, from_db or db is not None)
    # The files are read and checked by the pipeline's run, as jixiao check does, while the report is built.
    checked = with_progress(check_paths(files or [], policy, workers=jobs, limits=limits_of(limit)), files or [],
                            "读取并审核")
    if from_db or db is not None:
        from ..store.query import Filters, StoredForms, iter_decided
        from .store import open_db, reading

        # The store is read while the report is built: its keys first, then its forms as a stream.
        engine, filters = open_db(db), Filters(year=year, department=department)
        with reading(db):
            pool = StoredForms(engine, filters)
            if not pool.count:
                _none_found(year, department)
            result = build_report(files or [], policy, stored=iter_decided(engine, filters), pool=pool, checked=checked)
    else:
        result = build_report(files or [], policy, checked=checked)
    for failure in result.failures:
        fail(failure)
    with writing(output):
        write_report(result, output)
    out.print(f"已生成审核报告：{inert.console(output)}（{result.form_count} 张表，其中有错误的 {result.error_forms} 张）",
              highlight=False)
    raise typer.Exit(Exit.UNREADABLE if result.failures else Exit.OK)


def computed(ev: Evaluation, policy: str | None) -> Evaluation:
    """The form with its derived cells (执行率, 执行率得分, 总分) as the policy computes them, at two places."""
    from dataclasses import replace

    from ..model import FundsRow, Total
    from ..pipeline import policy_of
    from ..scoring import recompute
    from ..scoring.rounding import round_half_up

    def two(d: Decimal | None) -> Decimal | None:
        return round_half_up(d, 2) if d is not None else None

    rec = recompute(ev, policy_of(ev, policy))
    total = replace(ev.funds.total or FundsRow(), rate=two(rec.rate), score=two(rec.rate_score))
    return replace(ev, funds=replace(ev.funds, total=total),
                   total=replace(ev.total or Total(Decimal(100)), score=two(rec.total)))


def fill(
    form: Annotated[Path, typer.Argument(help="在别处填好的自评表（xlsx，jixiao 模板或任何能读的表）", metavar="FORM.xlsx")],
    output: Annotated[Optional[Path], typer.Option(
        "-o", "--out", help="写入的文件（默认：原名加“_已计算”，不覆盖原表）", dir_okay=False)] = None,
    policy: PolicyOpt = None,
    template_name: TemplateOpt = None,
) -> None:
    """把计算单元格（执行率、执行率得分、总分）写进在别处（脚本、其他软件）填好的表：输出为正式版式的 xlsx，
    公式保留，公式单元格的缓存值是计算结果，按缓存值读取的程序（pandas 等）不必先用 Excel 打开。"""
    from ..export.xlsx import form_xlsx
    from ..pipeline import load
    from ..templates import TEMPLATES

    known(policy, POLICIES, "评分规则")
    known(template_name, TEMPLATES, "表格模板")
    (item,) = list(load([form], template_name))
    if isinstance(item, FileFailure):
        fail(item)
        raise typer.Exit(Exit.UNREADABLE)
    if len(item.evaluations) != 1:
        usage(f"{form} 中有 {len(item.evaluations)} 张自评表；fill 只填一张表的文件")
    target = output or form.with_name(f"{form.stem}_已计算.xlsx")
    ev = computed(item.evaluations[0], policy)
    with writing(target):
        write_bytes(target, form_xlsx(ev, policy))
    rate = ev.funds.total.rate if ev.funds.total else None
    out.print(f"已写入 {inert.console(target)}（执行率 {rate if rate is not None else '—'}，"
              f"总分 {ev.total.score if ev.total and ev.total.score is not None else '—'}）", highlight=False)


def register(app: typer.Typer) -> None:
    command(app, "fill")(fill)
    command(app, "template")(template)
    command(app, "export")(export)
    command(app, "report")(report)
