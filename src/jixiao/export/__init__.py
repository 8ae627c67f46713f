"""Exporters: one module per output format, each registering itself here.

An exporter writes a batch of forms, one file per form, so that a converter started
once (LibreOffice for PDF) serves the whole batch. Modules are imported when first
asked for, so ``jixiao parse`` does not pay for openpyxl or python-docx.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ..model import Evaluation
    from ..scoring import ScoringPolicy

# The policy asked for on the command line, or None for each form's own (its template's).
WriteFn = Callable[[list[tuple["Evaluation", Path]], "ScoringPolicy | str | None"], None]
MODULES = ("json", "xlsx", "docx", "pdf")


@dataclass(frozen=True, slots=True)
class Exporter:
    name: str
    suffix: str
    title: str
    write: WriteFn


EXPORTERS: dict[str, Exporter] = {}


def register_exporter(name: str, suffix: str, title: str) -> Callable[[WriteFn], WriteFn]:
    def deco(fn: WriteFn) -> WriteFn:
        EXPORTERS[name] = Exporter(name, suffix, title, fn)
        return fn

    return deco


def exporters() -> dict[str, Exporter]:
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return EXPORTERS


def get_exporter(name: str) -> Exporter:
    known = exporters()
    if name not in known:
        raise KeyError(f"未知的导出格式“{name}”，可用：{', '.join(known)}")
    return known[name]
