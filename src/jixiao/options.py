"""What every command shares: the consoles, the common options and their one-line failures.

Its own module so that cli.py and the area commands (store, export) import it without importing
one another.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from rich.console import Console

from . import inert
from .errors import FileFailure
from .exitcodes import Exit
from .limits import BadLimit, Limits, from_options, help_text

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

PolicyOpt = Annotated[str | None, typer.Option("--policy", help="评分规则，见 jixiao policies（默认按各表的模板）")]
TemplateOpt = Annotated[str | None, typer.Option("--template", help="强制按此模板读取，见 jixiao templates")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, help="同时读取的文件数（每个文件在独立进程中读取，输出顺序不变）")]
LimitOpt = Annotated[list[str] | None, typer.Option(
    "--limit", metavar="名称=数值",
    help=f"调整每个文件的读取上限，可重复；也可用环境变量 JIXIAO_LIMIT_名称。默认：{help_text()}")]
DEFAULT_JOBS = os.cpu_count() or 1


def known(name: str | None, registry: dict[str, Any], what: str) -> None:
    """Exit 2 with one line when an option names nothing in its registry."""
    if name is not None and name not in registry:
        err.print(f"未知的{what}“{inert.console(name)}”，可用：{', '.join(registry)}")
        raise typer.Exit(Exit.USAGE)


def limits_of(options: list[str] | None) -> Limits:
    """The ``--limit`` values over the environment's; a bad one is a usage error in one line."""
    try:
        return from_options(options)
    except BadLimit as exc:
        err.print(f"[red]✗[/red] {inert.console(exc)}", highlight=False)
        raise typer.Exit(Exit.USAGE) from None


def fail(f: FileFailure) -> None:
    err.print(f"[red]✗[/red] {inert.console(f.message)}", markup=True, highlight=False)
