"""What every command shares: the consoles, one option set, their checks and one-line failures.

Its own module so that cli.py and the area commands (store, export) import it without importing
one another. Every option means the same in every command: ``--severity warning`` is "warnings
and worse" wherever it appears, ``--only``/``--skip`` take check codes, ``--format`` is how rows print.
"""

from __future__ import annotations

import difflib
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Callable, Iterable, Iterator, NoReturn, Optional, Sequence, TypeVar

import typer
from rich.console import Console

from . import inert
from .checks import CHECKS, SEVERITY_ORDER
from .errors import FileFailure, JixiaoError, os_reason
from .exitcodes import Exit
from .limits import BadLimit, Limits, activate, from_options, help_text
from .model import Document
from .render import FORMATS, Format, OutputNeeded, Section, emit

T = TypeVar("T")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

PolicyOpt = Annotated[Optional[str], typer.Option("--policy", help="评分规则，见 jixiao policies（默认按各表的模板）")]
TemplateOpt = Annotated[Optional[str], typer.Option("--template", help="强制按此模板读取，见 jixiao templates")]
DbOpt = Annotated[Optional[str], typer.Option(
    "--db", help="数据库：SQLite 文件路径或 SQLAlchemy URL（postgresql://…）；默认取 JIXIAO_DB，"
                 "再默认 ~/.local/share/jixiao/jixiao.db", show_default=False)]
YearOpt = Annotated[Optional[int], typer.Option("--year", help="只看这一年度")]
DepartmentOpt = Annotated[Optional[str], typer.Option(
    "--department", help="只看这个主管部门（名称的开头或其中一段即可，如“相山区”）")]
UnitOpt = Annotated[Optional[str], typer.Option(
    "--unit", help="只看这个实施单位（名称的一段即可）")]
GradeOpt = Annotated[Optional[str], typer.Option("--grade", help="只看这一等级：优、良、中、差 或 无得分")]
StatusOpt = Annotated[Optional[str], typer.Option(
    "--status", help="只看这类表：error（有错误）、warning（有警告无错误）或 clean（无错误无警告）")]
SeverityOpt = Annotated[Optional[str], typer.Option(
    "--severity", help="只看这一级及更严重的问题：error（错误）、warning（警告及错误）或 info（全部）")]
OnlyOpt = Annotated[Optional[list[str]], typer.Option(
    "--only", help="只看这些规则代码（可重复，或用逗号分隔），见 jixiao checks", show_default=False)]
SkipOpt = Annotated[Optional[list[str]], typer.Option(
    "--skip", help="不看这些规则代码（可重复，或用逗号分隔）", show_default=False)]
FormatOpt = Annotated[Optional[str], typer.Option(
    "--format", "-f", help="输出格式：table（表格）、json、csv（带 BOM，Excel/WPS 直接打开）或 xlsx", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="等同 --format json")]
DraftOpt = Annotated[bool, typer.Option(
    "--draft", help="这些表是填报中的草稿：未填写完整只作提醒（警告），不作为错误")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, help="同时读取的文件数（每个文件在独立进程中读取，输出顺序不变）")]
LimitOpt = Annotated[Optional[list[str]], typer.Option(
    "--limit", metavar="名称=数值",
    help=f"调整每个文件的读取上限，可重复；也可用环境变量 JIXIAO_LIMIT_名称。默认：{help_text()}")]
DEFAULT_JOBS = os.cpu_count() or 1
OutputOpt = Annotated[Optional[Path], typer.Option(
    "--output", "-o", help="写入文件（默认输出到屏幕；xlsx 在终端上必须指定）", dir_okay=False)]


def stop(message: str, code: Exit) -> NoReturn:
    err.print(f"[red]✗[/red] {inert.console(message)}", highlight=False)
    raise typer.Exit(code)


def usage(message: str) -> NoReturn:
    stop(message, Exit.USAGE)


def suggest(name: str, names: Iterable[str], what: str = "") -> str:
    """"；是不是“X”？" for a near miss, else the names that exist (at most 12)."""
    names = [n for n in dict.fromkeys(names) if n]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5) or [n for n in names if _in_order(name, n)][:3]
    if close:
        return "；是不是" + "、".join(f"“{c}”" for c in close) + "？"
    if not names:
        return ""
    more = f" 等 {len(names)} 个" if len(names) > 12 else ""
    return f"；已有的{what}：" + "、".join(names[:12]) + more


def _in_order(short: str, name: str) -> bool:
    """Every character of ``short`` appears in ``name`` in order: "通州人大" in 北京市通州区人民代表大会常务委员会."""
    rest = iter(name)
    return bool(short) and all(ch in rest for ch in short)


def known(name: str | None, registry: dict[str, Any], what: str) -> None:
    """Exit USAGE with one line when an option names nothing in its registry."""
    if name is not None and name not in registry:
        close = difflib.get_close_matches(name, list(registry), n=3, cutoff=0.5)
        tip = f"是不是 {'、'.join(close)}？" if close else ""
        usage(f"未知的{what}“{name}”，{tip}可用：{'、'.join(registry)}")


def limits_of(options: list[str] | None) -> Limits:
    """The ``--limit`` values over the environment's, for this process too (LibreOffice runs from
    here); a bad one is a usage error in one line."""
    try:
        limits = from_options(options)
    except BadLimit as exc:
        usage(str(exc))
    activate(limits)
    return limits


def output_format(fmt: str | None, as_json: bool) -> Format:
    if as_json and fmt not in (None, "json"):
        usage(f"--json 与 --format {fmt} 不能同时使用")
    chosen = "json" if as_json else (fmt or "table")
    if chosen not in FORMATS:
        usage(f"--format 只能是 {'、'.join(FORMATS)}，而不是“{chosen}”")
    return chosen  # type: ignore[return-value]


def severities(level: str | None) -> frozenset[str] | None:
    """The severities ``--severity LEVEL`` shows: that level and every worse one (None: all)."""
    if level is None:
        return None
    if level not in SEVERITY_ORDER:
        usage(f"--severity 只能是 error、warning 或 info，而不是“{level}”")
    return frozenset(s for s, rank in SEVERITY_ORDER.items() if rank <= SEVERITY_ORDER[level])


def _split(values: Sequence[str] | None) -> list[str]:
    return [c.strip() for v in values or () for c in v.split(",") if c.strip()]


def check_codes(only: Sequence[str] | None, skip: Sequence[str] | None) -> frozenset[str] | None:
    """The check codes ``--only``/``--skip`` leave (None: every code); unknown codes are a usage error."""
    wanted, unwanted = _split(only), _split(skip)
    for code in (*wanted, *unwanted):
        if code not in CHECKS:
            usage(f"未知的规则代码“{code}”{suggest(code, CHECKS)}（见 jixiao checks）")
    if not wanted and not unwanted:
        return None
    return frozenset((wanted or CHECKS.keys())) - frozenset(unwanted)


def keep(code: str, severity: str, codes: frozenset[str] | None, levels: frozenset[str] | None) -> bool:
    """Whether a finding passes ``--only``/``--skip`` and ``--severity``."""
    return (codes is None or code in codes) and (levels is None or severity in levels)


def write(sections: Sequence[Section], fmt: Format, data: Any, output: Path | None) -> None:
    """Rows through the one renderer; an output that cannot be written is one line and Exit.OUTPUT."""
    try:
        emit(sections, fmt, data, out, output)
    except OutputNeeded:
        usage("--format xlsx 需要用 --output 指定文件（或重定向到文件：> 汇总.xlsx）")
    except OSError as exc:
        stop(f"{exc.filename or output}: 无法写入（{os_reason(exc)}）", Exit.OUTPUT)
    if output is not None:
        err.print(f"已写入 {inert.console(output)}", highlight=False)


@contextmanager
def writing(target: Path) -> Iterator[None]:
    """Errors while writing ``target`` become one line naming it and Exit.OUTPUT, never a traceback."""
    try:
        yield
    except JixiaoError as exc:
        stop(exc.message, Exit.OUTPUT)
    except OSError as exc:
        stop(f"{exc.filename or target}: 无法写入（{os_reason(exc)}）", Exit.OUTPUT)


@contextmanager
def progress(total: int | None, what: str) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr while files are read, when stderr is a terminal; silent otherwise
    (pipes, CI logs and tests see only the results). Yields the function that counts one file."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    if not err.is_terminal:
        yield lambda: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda: bar.advance(task)


def with_progress(items: Iterable[T], paths: Sequence[str], what: str) -> Iterator[T]:
    """``items`` (one per file under ``paths``) as they come, counted on a progress bar on a terminal."""
    from .pipeline import expand

    total = sum(1 for _ in expand(paths)) if err.is_terminal else None
    with progress(total, what) as step:
        for item in items:
            yield item
            step()


def read_all(paths: Sequence[str], template: str | None = None, what: str = "读取", *, workers: int = 1,
             limits: Limits | None = None) -> list[Document | FileFailure]:
    """Every file under ``paths`` read (failures kept beside the documents), with a progress bar."""
    from .pipeline import load

    return list(with_progress(load(paths, template, workers=workers, limits=limits), paths, what))


def fail(f: FileFailure) -> None:
    err.print(f"[red]✗[/red] {inert.console(f.message)}", highlight=False)
