"""The command-line framework in Chinese: help headings, usage lines and usage errors.

Typer (with its own copy of click) prints English and exits 2 on a bad option; the JSON contract
gives 2 to unreadable files, so usage errors exit :data:`Exit.USAGE` (64) with one Chinese line.
Typer has no message catalogue, so the headings are its documented module settings and the errors
are rebuilt from the exception's fields (option name, parameter, possibilities).
"""

from __future__ import annotations

import re
import sys
from typing import Any, Sequence

import typer
from rich.console import Console
from rich.markup import escape
from typer import rich_utils
from typer._click import exceptions as cx
from typer.core import TyperCommand, TyperGroup

from .exitcodes import Exit, interrupted

rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
rich_utils.OPTIONS_PANEL_TITLE = "选项"
rich_utils.COMMANDS_PANEL_TITLE = "命令"
rich_utils.ERRORS_PANEL_TITLE = "错误"
rich_utils.DEFAULT_STRING = "[默认：{}]"
rich_utils.ENVVAR_STRING = "[环境变量：{}]"
rich_utils.REQUIRED_LONG_STRING = "[必填]"
rich_utils.DEPRECATED_STRING = "（已弃用）"
rich_utils.ABORTED_TEXT = "已中止。"
rich_utils.RICH_HELP = "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。"

_HELP = {
    "help": "显示本帮助并退出",
    "install_completion": "为当前的 shell 安装命令补全",
    "show_completion": "显示当前 shell 的补全脚本，可复制或自行安装",
}

# Typer's value errors, in the order tried; the English is kept when none matches.
_VALUE_ERRORS = (
    (re.compile(r"^(?:Value )?'?(.*?)'? is not a valid (?:integer|int)\.?$"), "“{0}”不是整数"),
    (re.compile(r"^(?:Value )?'?(.*?)'? is not a valid (?:float|number)\.?$"), "“{0}”不是数字"),
    (re.compile(r"^Input should be a valid integer.*$"), "应为整数"),
    (re.compile(r"^Input should be a valid (?:number|decimal).*$"), "应为数字"),
    (re.compile(r"^Input should be greater than or equal to (\S+).*$"), "应不小于 {0}"),
    (re.compile(r"^(?:Value )?'?(.*?)'? is not a valid (?:boolean|bool)\.?$"), "“{0}”不是 是/否"),
    (re.compile(r"^'?(.*?)'? is not one of (.*)\.$"), "“{0}”不在可选值 {1} 之中"),
    (re.compile(r"^(?:File|Directory|Path) '?(.*?)'? does not exist\.?$"), "“{0}”不存在"),
    (re.compile(r"^(?:File|Directory|Path) '?(.*?)'? is a directory\.?$"), "“{0}”是目录"),
    (re.compile(r"^(?:File|Directory|Path) '?(.*?)'? is a file\.?$"), "“{0}”是文件，不是目录"),
    (re.compile(r"^(.*?) is not in the range (.*)\.$"), "{0} 不在范围 {1} 内"),
    (re.compile(r"^(.*?) is (?:smaller|less) than the minimum valid value (.*)\.$"), "{0} 小于最小值 {1}"),
)


def _value_error(message: str) -> str:
    for pattern, zh in _VALUE_ERRORS:
        if m := pattern.match(message.strip()):
            return zh.format(*m.groups())
    return message


# The type column of the help (Typer prints <str>, <list[str]>, <int range>): what a value is, in Chinese;
# a flag takes no value, so it shows none. Choices (a|b|c) are the values themselves and stay.
_TYPES_ZH = {"str": "文本", "int": "整数", "int range": "整数", "float": "数字", "float range": "数字",
             "path": "路径", "file": "文件", "directory": "目录", "bool": ""}


def type_zh(label: str | None) -> str | None:
    """Typer's type label for help (``<list[str]>``) in Chinese (``文本…``); an unknown one as it is."""
    if label is None:
        return None
    inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
    if inner.startswith("list[") and inner.endswith("]"):
        element = type_zh(inner[5:-1])
        return f"{element}…" if element else element
    return _TYPES_ZH.get(inner, label)


def _hint(param: Any) -> str:
    if param is None:
        return ""
    if getattr(param, "param_type_name", "") == "argument":
        return (param.metavar or param.name or "").upper()
    return " / ".join(param.opts) if getattr(param, "opts", None) else str(param.name)


def usage_message(e: cx.UsageError) -> str:
    """One Chinese line for a usage error."""
    if isinstance(e, cx.NoSuchOption):
        tip = f"；是不是 {'、'.join(sorted(e.possibilities))}？" if e.possibilities else ""
        return f"没有选项 {e.option_name}{tip}"
    if isinstance(e, cx.MissingParameter):
        kind = "参数" if getattr(e.param, "param_type_name", "") == "argument" else "选项"
        return f"缺少{kind} {_hint(e.param)}"
    if isinstance(e, cx.BadParameter):
        hint = _hint(e.param) or (e.param_hint if isinstance(e.param_hint, str) else "")
        return f"{hint} 的值有误：{_value_error(e.message)}" if hint else f"值有误：{_value_error(e.message)}"
    message = e.message
    if m := re.match(r"^No such command '(.*?)'\.(?: Did you mean (.*)\?)?$", message):
        return f"没有命令“{m.group(1)}”" + (f"；是不是 {m.group(2)}？" if m.group(2) else "；见 jixiao --help")
    if m := re.match(r"^Got unexpected extra arguments? \((.*)\)$", message):
        return f"多余的参数：{m.group(1)}"
    if m := re.match(r"^Option '(.*?)' requires (?:an argument|(\d+) arguments)\.$", message):
        return f"选项 {m.group(1)} 需要{m.group(2) or '一'}个值"
    if message == "Missing command.":
        return "缺少命令；见 jixiao --help"
    return message


class _Chinese:
    """Usage line and the help option's text in Chinese (mixed into Typer's command classes)."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")  # type: ignore[attr-defined]

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)  # type: ignore[misc]
        for p in params:
            if p.name in _HELP:
                p.help = _HELP[p.name]
            # An option's metavar is shown as it is; an argument's type label always comes from its type.
            if hasattr(p, "display_type_rich") and (p.param_type_name == "argument" or p.metavar is None):
                p.display_type_rich = lambda ctx, p=p, shown=type(p).display_type_rich: type_zh(shown(p, ctx))
        return params


class ZhCommand(_Chinese, TyperCommand):
    pass


class ZhGroup(_Chinese, TyperGroup):
    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False,
                              windows_expand_args=windows_expand_args, **extra)
        except cx.NoArgsIsHelpError as e:
            Console(stderr=True).print(e.format_message(), highlight=False, markup=False)
            rv = Exit.USAGE
        except cx.UsageError as e:
            err = Console(stderr=True, soft_wrap=True)
            err.print(f"[red]✗[/red] {escape(usage_message(e))}", highlight=False)
            if e.ctx is not None:
                err.print(f"运行 {escape(e.ctx.command_path)} --help 查看用法", style="dim", highlight=False)
            rv = Exit.USAGE
        except cx.ClickException as e:  # a file option that cannot be opened
            Console(stderr=True).print(f"✗ {e.format_message()}", highlight=False, markup=False)
            rv = Exit.USAGE
        except typer.Abort:
            rv = Exit.INTERRUPTED
        code = int(rv) if isinstance(rv, int) else 0
        if code == Exit.INTERRUPTED:  # typer turns Ctrl-C into a silent exit 130
            interrupted()
        if not standalone_mode:
            return code
        sys.exit(code)


def command(app: typer.Typer, name: str | None = None, **kw: Any) -> Any:
    """``app.command`` with the Chinese command class."""
    return app.command(name, cls=ZhCommand, **kw)
