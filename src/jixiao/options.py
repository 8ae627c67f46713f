"""What every command shares: the consoles, the common options and their one-line failures.

Its own module so that cli.py and the area commands (store, export) import it without importing
one another.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console

from .pipeline import FileFailure

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

PolicyOpt = Annotated[str | None, typer.Option("--policy", help="评分规则，见 jixiao policies（默认按各表的模板）")]
TemplateOpt = Annotated[str | None, typer.Option("--template", help="强制按此模板读取，见 jixiao templates")]


def known(name: str | None, registry: dict[str, Any], what: str) -> None:
    """Exit 2 with one line when an option names nothing in its registry."""
    if name is not None and name not in registry:
        err.print(f"未知的{what}“{name}”，可用：{', '.join(registry)}")
        raise typer.Exit(2)


def fail(f: FileFailure) -> None:
    err.print(f"[red]✗[/red] {f.message}", markup=True, highlight=False)
