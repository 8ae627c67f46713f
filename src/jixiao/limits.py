"""The bounds every file is read under: one named setting each, with its default and its variable.

A file over a bound fails alone with one line naming the bound, the place and how to raise it;
the batch goes on. The defaults sit far above any real 自评表 (a form is a few hundred rows of at
most a few dozen columns, on a handful of pages) and far below what takes a machine down.

Each setting is read from ``JIXIAO_LIMIT_<NAME>`` (``JIXIAO_LIMIT_TIMEOUT=600``) or given on the
command line as ``--limit NAME=VALUE``; the worker processes get the parent's values.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from .errors import JixiaoError

ENV_PREFIX = "JIXIAO_LIMIT_"


@dataclass(frozen=True, slots=True)
class Limits:
    # Above LibreOffice's (``office``), so an old .doc has time to convert.
    timeout: int = 300
    memory: int = 3072
    bytes: int = 200
    rows: int = 100_000
    # 1 000 is what browsers allow a colspan; forms use a few dozen columns.
    columns: int = 1_000
    span: int = 1_000
    cells: int = 2_000_000
    depth: int = 200
    line: int = 1_000_000
    pages: int = 500
    rulings: int = 500  # ruling lines per PDF page: real forms have under 100
    office: int = 240  # seconds a LibreOffice run may go without finishing a file (office.py)

    def with_values(self, values: dict[str, int]) -> Limits:
        return dataclasses.replace(self, **values)


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: int
    zh: str
    unit: str


_ZH = {
    "timeout": ("每个文件的读取时间", "秒"), "memory": ("每个文件的内存", "MB"), "bytes": ("文件大小", "MB"),
    "rows": ("行数", "行"), "columns": ("列数", "列"), "span": ("合并单元格的跨度", "行或列"),
    "cells": ("单元格数", "个"), "depth": ("嵌套层数", "层"), "line": ("单行长度", "字符"), "pages": ("页数", "页"),
    "rulings": ("每页表格线数", "条"), "office": ("LibreOffice 转换无进展的时间", "秒"),
}
SETTINGS = tuple(Setting(f.name, f.default, *_ZH[f.name]) for f in dataclasses.fields(Limits))  # type: ignore[arg-type]
BY_NAME = {s.name: s for s in SETTINGS}


class BadLimit(ValueError):
    """A ``--limit`` or ``JIXIAO_LIMIT_*`` value that is not NAME=positive integer."""


def parse_value(name: str, raw: str) -> tuple[str, int]:
    key = name.strip().lower()
    if key not in BY_NAME:
        raise BadLimit(f"未知的上限“{name}”，可用：{'、'.join(BY_NAME)}")
    try:
        value = int(raw.strip())
    except ValueError:
        raise BadLimit(f"上限 {key} 应为正整数（{BY_NAME[key].unit}），而不是“{raw}”") from None
    if value <= 0:
        raise BadLimit(f"上限 {key} 应为正整数（{BY_NAME[key].unit}），而不是“{raw}”")
    return key, value


def from_env(environ: dict[str, str] | None = None) -> Limits:
    env = os.environ if environ is None else environ
    values = dict(parse_value(k[len(ENV_PREFIX):], v) for k, v in env.items() if k.startswith(ENV_PREFIX))
    return Limits().with_values(values)


def from_options(options: list[str] | None, base: Limits | None = None) -> Limits:
    """``["timeout=60", "rows=5000"]`` over the environment's limits."""
    values: dict[str, int] = {}
    for opt in options or []:
        name, sep, raw = opt.partition("=")
        if not sep:
            raise BadLimit(f"--limit 的写法是 名称=数值（如 timeout=60），而不是“{opt}”")
        key, value = parse_value(name, raw)
        values[key] = value
    return (base or from_env()).with_values(values)


_active: Limits | None = None


def active() -> Limits:
    """The limits of this process: set by the worker from its parent, else the environment's."""
    global _active
    if _active is None:
        _active = from_env()
    return _active


def activate(limits: Limits) -> None:
    global _active
    _active = limits


class LimitExceeded(JixiaoError):
    code = "limit-exceeded"
    template = "超过{zh}上限：{detail}（上限 {cap} {unit}，可用 --limit {name}=… 或环境变量 {env} 调高）"

    def __init__(self, file: str, name: str, detail: str, place: str | None = None, limits: Limits | None = None) -> None:
        s = BY_NAME[name]
        cap = getattr(limits or active(), name)
        super().__init__(file, detail, place, zh=s.zh, cap=f"{cap:,}".replace(",", " "), unit=s.unit, name=name,
                         env=ENV_PREFIX + name.upper())


def check(file: str, name: str, value: int, place: str | None = None, what: str | None = None) -> None:
    """Raise :class:`LimitExceeded` when ``value`` is over the active limit ``name``."""
    if value > getattr(active(), name):
        raise LimitExceeded(file, name, what or f"实际 {value:,}".replace(",", " "), place)


def help_text() -> str:
    """The settings as one line each, for ``--limit``'s help and the README."""
    return "；".join(f"{s.name}={s.default}（{s.zh}，{s.unit}）" for s in SETTINGS)
