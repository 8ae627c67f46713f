"""Exporters: one module per output format, each registering itself here.

An exporter writes a batch of forms, one file per form, so that a converter started
once (LibreOffice for PDF) serves the whole batch. Modules are imported when first
asked for, so ``jixiao parse`` does not pay for openpyxl or python-docx. A form whose file
cannot be written fails alone (a :class:`FileFailure` naming the file); the others are written.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, TypeVar

from ..errors import FileFailure, JixiaoError, os_reason
from ..files import write_bytes

if TYPE_CHECKING:
    from ..model import Evaluation
    from ..scoring import ScoringPolicy

# The policy asked for on the command line, or None for each form's own (its template's).
WriteFn = Callable[[list[tuple["Evaluation", Path]], "ScoringPolicy | str | None"], list[FileFailure]]
MODULES = ("json", "xlsx", "docx", "pdf")
T = TypeVar("T")


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


def output_failure(path: Path | str, exc: BaseException) -> FileFailure:
    """Why one output file was not written, in one line naming it: the system's reason, the writer's
    own (ExportError), or a defect of ours (internal-error, so the exit code says so)."""
    if isinstance(exc, OSError):
        return FileFailure(str(path), "output-error", f"{exc.filename or path}: 无法写入（{os_reason(exc)}）")
    if isinstance(exc, JixiaoError):
        return FileFailure(str(path), "output-error", exc.message)
    return FileFailure(str(path), "internal-error", f"{path}: 导出时发生内部错误（{type(exc).__name__}: {exc}）")


def each(items: Iterable[tuple[T, Path]], write: Callable[[T, Path], object]) -> list[FileFailure]:
    """``write`` for every item; one that fails is a failure beside the others, which go on."""
    failures = []
    for item, path in items:
        try:
            write(item, path)
        except Exception as exc:  # noqa: BLE001 - one form's file must not cost the rest of the export
            failures.append(output_failure(path, exc))
    return failures


def each_bytes(items: Iterable[tuple[T, Path]], make: Callable[[T], bytes]) -> list[FileFailure]:
    """Every item's bytes, each written whole to its path or failed alone."""
    return each(items, lambda item, path: write_bytes(path, make(item)))
